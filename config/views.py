import asyncio
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from config import health
from config.getting_started import getting_started
from messaging.selectors import inbox_cards

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 3


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        context = {
            "recent_conversations": inbox_cards(user=request.user)[:5],
            "started": getting_started(user=request.user),
        }
        return render(request, "dashboard.html", context)
    return render(request, "landing.html")


async def healthz(request: HttpRequest) -> JsonResponse:
    """Names and ok/error only: what broke and why goes to the log, never to the response."""
    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "database": sync_to_async(health.check_database),
        "cache": sync_to_async(health.check_cache),
        "channel_layer": health.check_channel_layer,
    }
    report: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=HEALTH_TIMEOUT_SECONDS)
            report[name] = "ok"
        except Exception:
            logger.exception("healthz: %s check failed", name)
            report[name] = "error"
    status = 200 if all(value == "ok" for value in report.values()) else 503
    return JsonResponse(report, status=status)
