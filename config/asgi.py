"""HTTP through Django, websockets at /ws/ through Channels (docs/architecture.md)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.origin import OriginValidator  # noqa: E402
from core.realtime.websocket import websocket_auth_stack  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Scheme, host and port of the page that opened the socket (config/origin.py).
        "websocket": OriginValidator(
            # channels' stubs want a URLPattern subclass of their own, which django's path()
            # (what channels documents for its routes) is never typed as.
            websocket_auth_stack(URLRouter(websocket_urlpatterns))  # type: ignore[arg-type]
        ),
    }
)

# What starting made (Django's apps and models, the libraries: ~130,000 objects)
# lives as long as the process: keep it out of the collector's full passes. A full
# collection walked all of it with the GIL held and stalled every socket of the process
# ~100 ms every half minute under load; frozen, the pass covers only what was made since
# (~20 ms). docs/adr/0108-freeze-startup-objects.md.
gc.collect()
gc.freeze()
