"""A websocket lives no longer than the sign-in it was opened with (messaging/socket_sessions.py):
logging out, changing the password, being deactivated and the session expiring or being deleted
close the person's sockets with 4401, and nothing sent on them afterwards is handled."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from config.asgi import application
from messaging import services
from messaging.models import Message
from tests.factories import PASSWORD
from tests.messaging.test_live_consumer import ORIGIN
from tests.messaging.test_protocol import expect, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async
CLOSED = {"type": "websocket.close", "code": 4401}


def signed_in_client(user) -> Client:
    """A browser of its own: its own session."""
    client = Client()
    client.force_login(user)
    return client


def cookie_of(client: Client) -> bytes:
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


OPEN: list[WebsocketCommunicator] = []


@pytest.fixture(autouse=True)
async def _disconnect_every_socket():
    yield
    while OPEN:
        await OPEN.pop().disconnect()


async def open_socket(client: Client) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[ORIGIN, (b"cookie", cookie_of(client))]
    )
    OPEN.append(communicator)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await expect(communicator, "pong") == {"type": "pong"}
    return communicator


async def closed_with_4401(communicator, timeout=3) -> bool:
    """Whether the server closed the socket with 4401 (frames before the close are skipped)."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output == CLOSED


async def still_open(communicator) -> bool:
    await communicator.send_json_to({"type": "ping"})
    return await expect(communicator, "pong") == {"type": "pong"}


async def nothing_is_handled_after(communicator, conversation) -> None:
    """A send on the closed socket stores nothing and answers nothing."""
    await communicator.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "after the end",
            "client_id": str(uuid.uuid4()),
        }
    )
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_nothing(timeout=0.5)
    assert not await db(Message.objects.filter(body="after the end").exists)()


@pytest.fixture
async def direct(alice, bob):
    return await db(services.conversation_open_direct)(user=alice, other=bob)


async def test_logging_out_closes_that_sessions_sockets_only(alice, direct):
    laptop, phone = await db(signed_in_client)(alice), await db(signed_in_client)(alice)
    laptop_socket, phone_socket = await open_socket(laptop), await open_socket(phone)
    await subscribe(laptop_socket, direct.pk)

    response = await db(laptop.post)("/accounts/logout/")
    assert response.status_code == 302

    assert await closed_with_4401(laptop_socket)
    await nothing_is_handled_after(laptop_socket, direct)
    assert await still_open(phone_socket)


async def test_a_closed_socket_gets_no_more_events(alice, bob, direct):
    laptop = await db(signed_in_client)(alice)
    socket = await open_socket(laptop)
    await subscribe(socket, direct.pk)
    await db(laptop.post)("/accounts/logout/")
    assert await closed_with_4401(socket)

    await db(services.message_send)(
        conversation_id=direct.pk, sender=bob, body="secret", client_id=uuid.uuid4()
    )

    assert await socket.receive_nothing(timeout=0.5)


async def test_changing_the_password_closes_every_socket_of_the_person(alice, bob, direct):
    laptop, phone = await db(signed_in_client)(alice), await db(signed_in_client)(alice)
    sockets = [await open_socket(laptop), await open_socket(phone)]
    bobs = await open_socket(await db(signed_in_client)(bob))

    response = await db(laptop.post)(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-pass-4471", "password2": "a-new-pass-4471"},
    )
    assert response.status_code == 302, response.content[:2000]

    for socket in sockets:
        assert await closed_with_4401(socket)
    await nothing_is_handled_after(sockets[1], direct)
    assert await still_open(bobs)
    # Django kept the changing browser signed in, under a new session key: its next page opens
    # a socket that works.
    again = await open_socket(laptop)
    assert await still_open(again)


async def test_a_password_set_by_any_other_path_closes_the_sockets_too(alice):
    """Django's admin, `changepassword`, a shell: whatever saves a new hash."""
    socket = await open_socket(await db(signed_in_client)(alice))

    def change():
        alice.set_password("set-elsewhere-9931")
        alice.save()

    await db(change)()

    assert await closed_with_4401(socket)


async def test_staff_deactivating_the_person_closes_their_sockets(alice, bob, make_user):
    staff = await db(make_user)(is_staff=True, is_superuser=True, role="")
    socket = await open_socket(await db(signed_in_client)(alice))
    bobs = await open_socket(await db(signed_in_client)(bob))

    admin = await db(signed_in_client)(staff)
    response = await db(admin.post)(
        "/admin/profiles/user/", {"action": "deactivate", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302

    assert await closed_with_4401(socket)
    assert await still_open(bobs)


async def test_deactivation_saved_on_the_user_closes_their_sockets(alice):
    socket = await open_socket(await db(signed_in_client)(alice))

    alice.is_active = False
    await db(alice.save)()

    assert await closed_with_4401(socket)


async def test_deleting_the_person_closes_their_sockets(alice):
    socket = await open_socket(await db(signed_in_client)(alice))

    await db(alice.delete)()

    assert await closed_with_4401(socket)


async def test_a_socket_closes_when_its_session_expires(alice, direct):
    browser = await db(signed_in_client)(alice)

    def expire_soon():
        session = browser.session
        session.set_expiry(2)
        session.save()

    await db(expire_soon)()
    socket = await open_socket(browser)

    assert await socket.receive_nothing(timeout=1)  # still valid for a moment
    assert await closed_with_4401(socket, timeout=4)
    await nothing_is_handled_after(socket, direct)


async def test_a_session_extended_before_it_expires_keeps_its_socket(alice):
    browser = await db(signed_in_client)(alice)

    def set_expiry(seconds):
        session = browser.session
        session.set_expiry(seconds)
        session.save()

    await db(set_expiry)(2)
    socket = await open_socket(browser)
    await db(set_expiry)(3600)  # the person was active over HTTP meanwhile

    await asyncio.sleep(2.5)
    assert await still_open(socket)


async def test_a_session_deleted_any_other_way_closes_its_socket_at_the_next_check(alice, settings):
    settings.WEBSOCKET_SESSION_CHECK_SECONDS = 1
    socket = await open_socket(await db(signed_in_client)(alice))

    await db(lambda: Session.objects.all().delete())()  # e.g. a raw delete, no signal of ours

    assert await closed_with_4401(socket, timeout=3)


async def test_a_session_that_ended_during_the_handshake_is_closed(alice, monkeypatch):
    """Logged out after the handshake read the session, before the socket joined its group:
    the check after joining sees it."""
    browser = await db(signed_in_client)(alice)
    from messaging import socket_sessions

    real = socket_sessions.session_valid_until

    def logged_out_meanwhile(session_key, user_id):
        Session.objects.filter(session_key=session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        return real(session_key, user_id)

    monkeypatch.setattr("messaging.consumers.session_valid_until", logged_out_meanwhile)
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[ORIGIN, (b"cookie", cookie_of(browser))]
    )
    OPEN.append(communicator)
    connected, _ = await communicator.connect()

    assert connected
    assert await closed_with_4401(communicator)
