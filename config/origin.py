"""Which pages may open /ws/ with the person's cookie: the websocket handshake's Origin check
(config/asgi.py; docs/websocket-protocol.md, "Connecting").

A browser sends the session cookie with a websocket handshake whatever page opened it, and no
CORS rule stands in the way: the Origin header is the only thing that tells Tandem's own pages
from anyone else's. Channels' AllowedHostsOriginValidator compared its host alone with
ALLOWED_HOSTS, so a page at http://localhost:1 (any program listening on any port of the
machine) was let in. Here scheme, host and port must all match, and an origin is let in exactly
when Django's CSRF check would let a form from it post:

- the site's own origin: the handshake's scheme (`wss` behind SECURE_PROXY_SSL_HEADER's
  `https`) and its Host header, which must be one of ALLOWED_HOSTS; this is what `make run`,
  the test suites' live servers and a deployment whose proxy passes Host on all need;
- an origin in CSRF_TRUSTED_ORIGINS (with its `https://*.example.com` subdomain form), or in
  WEBSOCKET_ALLOWED_ORIGINS for one that may open the socket but not post forms.

Anything else, a missing or repeated Origin, or `null`, is refused at the handshake (HTTP 403).
"""

from typing import Any
from urllib.parse import urlsplit

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

# (scheme, host, port): an origin as browsers compare them, the port always spelled out.
Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> Origin | None:
    """An origin (or a configured origin, which may end in a slash); None if it is not one."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or parts.username is not None:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    """The one value of a header; None when it is missing or sent more than once."""
    values = [value for key, value in scope.get("headers", ()) if key.lower() == name]
    return values[0].decode("latin-1") if len(values) == 1 else None


def _is_secure(scope: dict[str, Any]) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy is None:
        return False
    meta_name, secure_value = proxy
    header = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode()
    value = _header(scope, header)
    return value is not None and value.split(",", 1)[0].strip() == secure_value


def own_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin of a page this server served: the handshake's scheme and Host, if the host
    is one of ALLOWED_HOSTS."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if _is_secure(scope) else "http"
    return parse_origin(f"{scheme}://{host}")


def configured_origins() -> tuple[set[Origin], list[Origin]]:
    """The other origins let in: exact ones, and `*.` ones (host kept as `.example.com`)."""
    exact: set[Origin] = set()
    subdomains: list[Origin] = []
    for value in [*settings.WEBSOCKET_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]:
        wildcard = "://*." in value
        origin = parse_origin(value.replace("://*.", "://", 1) if wildcard else value)
        if origin is None:
            continue
        if wildcard:
            scheme, host, port = origin
            subdomains.append((scheme, "." + host, port))
        else:
            exact.add(origin)
    return exact, subdomains


def origin_allowed(scope: dict[str, Any]) -> bool:
    value = _header(scope, b"origin")
    origin = parse_origin(value) if value else None
    if origin is None:
        return False
    if origin == own_origin(scope):
        return True
    exact, subdomains = configured_origins()
    scheme, host, port = origin
    return origin in exact or any(
        scheme == s and port == p and host.endswith(suffix) for s, suffix, p in subdomains
    )


class OriginValidator:
    """Refuses a websocket handshake from any origin but the allowed ones (HTTP 403)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(
        self, scope: dict[str, Any], receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            # The scope as Channels' own validators pass it; its stubs want their TypedDict.
            return await WebsocketDenier()(scope, receive, send)  # type: ignore[arg-type]
        return await self.inner(scope, receive, send)
