"""A URLconf for tests/core/test_security_headers.py: the site's own, plus two small views that
use core.http.allow_media_devices the way the call page does (one sync, one async)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from core.http import allow_media_devices


@allow_media_devices
def sync_call(request):
    return HttpResponse("<!doctype html><title>Call</title>")


@allow_media_devices
async def async_call(request):
    return HttpResponse("<!doctype html><title>Call</title>")


urlpatterns = [
    path("test-call/sync/", sync_call, name="test_sync_call"),
    path("test-call/async/", async_call, name="test_async_call"),
    *site_urlpatterns,
]
