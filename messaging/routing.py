from django.urls import path

from messaging.consumers import LiveConsumer

websocket_urlpatterns = [
    # Channels routes ASGI applications with Django's path(), typed for Django's own views.
    path("ws/", LiveConsumer.as_asgi()),  # type: ignore[arg-type]
]
