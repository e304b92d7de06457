import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_component_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "channel_layer": "ok"}


def test_a_broken_component_is_named_with_503_and_no_detail(client, settings, caplog):
    # A Redis cache on a port where nothing listens: the check must fail, say which, and keep
    # the reason (connection refused, the address) in the log only.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",
        }
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error", "channel_layer": "ok"}
    assert b"127.0.0.1" not in response.content and b"refused" not in response.content.lower()
    assert "cache check failed" in caplog.text


def test_healthz_needs_no_login_and_says_nothing_else(client):
    response = client.get("/healthz/")

    assert set(response.json()) == {"database", "cache", "channel_layer"}
