"""With MFA_REQUIRED_FOR_STAFF, staff who have not set up two-factor authentication reach no
page (profiles.middleware) and no socket: the websocket closes with 4401, as for a sign-in
that no longer holds."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from tests.messaging.test_live_consumer import ORIGIN
from tests.messaging.test_socket_sessions import (
    closed_with_4401,
    cookie_of,
    signed_in_client,
    still_open,
)
from tests.profiles.test_two_factor import with_totp

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async


@pytest.fixture
def staff(make_user):
    user = make_user(name="Mia Mediator", role="", email="mia@example.com")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


async def socket_of(user):
    browser = await db(signed_in_client)(user)
    socket = WebsocketCommunicator(
        application, "/ws/", headers=[ORIGIN, (b"cookie", cookie_of(browser))]
    )
    connected, _ = await socket.connect()
    assert connected  # accepted, then closed with the reason (a refused handshake says none)
    return socket


async def test_staff_without_a_second_factor_get_no_socket(staff, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True

    socket = await socket_of(staff)

    assert await closed_with_4401(socket)


async def test_staff_with_a_second_factor_keep_theirs(staff, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    await db(with_totp)(staff)

    socket = await socket_of(staff)

    assert await still_open(socket)
    await socket.disconnect()


async def test_without_the_setting_staff_are_not_asked(staff, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False

    socket = await socket_of(staff)

    assert await still_open(socket)
    await socket.disconnect()
