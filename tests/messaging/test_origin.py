"""The websocket handshake lets in only the site's own pages: scheme, host and port of the
Origin must all match (config/origin.py; docs/websocket-protocol.md, "Connecting")."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from config.origin import parse_origin
from tests.messaging.test_live_consumer import session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def cookie(make_user):
    user = await database_sync_to_async(make_user)()
    return await database_sync_to_async(session_cookie_for)(user)


async def handshake(cookie, origin, host="localhost:8000", scheme="ws", extra=()):
    headers = [(b"cookie", cookie)]
    if host is not None:
        headers.append((b"host", host.encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=[*headers, *extra])
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    if connected:
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from(timeout=3) == {"type": "pong"}
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin,host",
    [
        ("http://localhost:8000", "localhost:8000"),
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://LOCALHOST:8000", "localhost:8000"),
        ("http://127.0.0.1:41234", "127.0.0.1:41234"),  # a test suite's live server
        ("http://localhost", "localhost"),
        ("http://localhost:80", "localhost"),
    ],
)
async def test_the_sites_own_origin_is_let_in(cookie, origin, host):
    assert await handshake(cookie, origin, host=host)


@pytest.mark.parametrize(
    "origin,host",
    [
        ("http://localhost:1", "localhost:8000"),  # any other program on the machine
        ("http://localhost:8001", "localhost:8000"),
        ("https://localhost:8000", "localhost:8000"),  # another scheme
        ("http://127.0.0.1:8000", "localhost:8000"),  # another host, though the same machine
        ("http://evil.example:8000", "evil.example:8000"),  # a Host not in ALLOWED_HOSTS
        ("http://localhost.evil.example:8000", "localhost:8000"),
        ("null", "localhost:8000"),  # a sandboxed frame, a file:// page
        ("http://localhost:8000/path", "localhost:8000"),
        ("http://user@localhost:8000", "localhost:8000"),
        ("ftp://localhost:8000", "localhost:8000"),
        ("http://localhost:99999", "localhost:8000"),
        ("http://localhost:8000", None),  # no Host: cannot be the same origin
        (None, "localhost:8000"),
    ],
)
async def test_any_other_origin_is_refused_at_the_handshake(cookie, origin, host):
    assert not await handshake(cookie, origin, host=host)


async def test_two_origin_headers_are_refused(cookie):
    extra = [(b"origin", b"http://localhost:1")]
    assert not await handshake(cookie, "http://localhost:8000", extra=extra)


async def test_behind_a_tls_proxy_the_https_origin_is_the_sites_own(cookie, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = [(b"x-forwarded-proto", b"https")]

    host = "127.0.0.1"  # not localhost, whose http origin the test settings allow

    assert await handshake(cookie, f"https://{host}", host=host, extra=proxied)
    assert not await handshake(cookie, f"http://{host}", host=host, extra=proxied)
    assert not await handshake(cookie, f"https://{host}", host=host)  # header absent
    settings.SECURE_PROXY_SSL_HEADER = None
    assert not await handshake(cookie, f"https://{host}", host=host, extra=proxied)


async def test_a_wss_handshake_is_https(cookie):
    assert await handshake(cookie, "https://localhost:8443", host="localhost:8443", scheme="wss")
    assert not await handshake(cookie, "http://localhost:8443", host="localhost:8443", scheme="wss")


async def test_csrf_trusted_origins_are_let_in_with_their_port(cookie, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.tandem.example"]

    assert await handshake(cookie, "https://app.example.com", host="localhost:8000")
    assert await handshake(cookie, "https://app.example.com:443", host="localhost:8000")
    assert await handshake(cookie, "https://eu.tandem.example", host="localhost:8000")
    assert not await handshake(cookie, "https://app.example.com:8443", host="localhost:8000")
    assert not await handshake(cookie, "http://app.example.com", host="localhost:8000")
    assert not await handshake(cookie, "https://eu.tandem.example:444", host="localhost:8000")
    assert not await handshake(cookie, "https://tandem.example.evil", host="localhost:8000")


async def test_websocket_allowed_origins_add_to_them(cookie, settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["http://desk.example:8080"]

    assert await handshake(cookie, "http://desk.example:8080", host="localhost:8000")
    assert not await handshake(cookie, "http://desk.example", host="localhost:8000")


@pytest.mark.parametrize(
    "value,parsed",
    [
        ("http://Example.COM", ("http", "example.com", 80)),
        ("https://example.com/", ("https", "example.com", 443)),
        ("http://[::1]:8000", ("http", "::1", 8000)),
        ("example.com", None),
        ("http://", None),
        ("", None),
    ],
)
def test_parse_origin(value, parsed):
    assert parse_origin(value) == parsed
