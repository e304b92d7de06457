"""The dossier in the admin: its line on the dispute's page, and the page (or exported file)
that shows the frozen record with the result of checking it."""

import base64
from datetime import datetime

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

from core.http import CACHE_PRIVATE, private_file_response
from disputes.dossier import dossier_check, dossier_data
from disputes.models import Dispute, Dossier

TIME_KEYS = (
    "created_at",
    "edited_at",
    "deleted_at",
    "due_at",
    "starts_at",
    "submitted_at",
    "approved_at",
    "decided_at",
    "ended_at",
    "escalated_at",
    "stage_due_at",
    "stage_started_at",
    "respond_by",
    "reviewed_at",
    "at",
)
PREVIEW_MAX_BYTES = 2 * 1024 * 1024


def with_times(value):
    """The dossier's JSON with its ISO timestamps as datetimes, for the `date` filter."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and (key in TIME_KEYS or key.endswith("_at")):
                parsed = parse_datetime(item)
                out[key] = parsed if isinstance(parsed, datetime) else item
            else:
                out[key] = with_times(item)
        return out
    if isinstance(value, list):
        return [with_times(item) for item in value]
    return value


def evidence_previews(dispute: Dispute) -> dict[int, str]:
    """Evidence id -> a data: URI of its stored WebP preview, so the document stands alone."""
    previews = {}
    for evidence in dispute.evidence.exclude(preview=""):
        try:
            with evidence.preview.open("rb") as handle:
                data = handle.read(PREVIEW_MAX_BYTES + 1)
        except OSError:
            continue
        if len(data) > PREVIEW_MAX_BYTES:  # a preview is small; anything else is not embedded
            continue
        encoded = base64.b64encode(data).decode("ascii")
        previews[evidence.pk] = f"data:image/webp;base64,{encoded}"
    return previews


def dossier_summary(dispute: Dispute, *, url: str | None):
    """The dossier's line on the dispute's page: a link to it for mediators (`url`), only that
    it exists and its hash for others."""
    dossier = Dossier.objects.filter(dispute=dispute).only("pk", "sha256", "created_at").first()
    if dossier is None:
        return "Recorded when the dispute is escalated to mediation."
    created = timezone.localtime(dossier.created_at).strftime("%Y-%m-%d %H:%M %Z")
    if url is None:
        return format_html(
            "Recorded {}, SHA-256 <code>{}</code> (mediators can open it)",
            created,
            dossier.sha256,
        )
    return format_html(
        '<a href="{}">Open the dossier</a> (recorded {}, SHA-256 <code>{}</code>)',
        url,
        created,
        dossier.sha256,
    )


def dossier_response(
    request, dispute: Dispute, dossier: Dossier, *, export: bool, change_url: str, export_url: str
) -> HttpResponse:
    """The dossier checked and shown, or (`export`) the same as one self-contained file."""
    record = with_times(dossier_data(dossier))
    previews = evidence_previews(dispute)
    for item in record.get("evidence", []):
        item["preview"] = previews.get(item.get("id"))
    html = render_to_string(
        "disputes/dossier.html",
        {
            "dispute": dispute,
            "dossier": dossier,
            "record": record,
            "check": dossier_check(dossier),
            "exported": export,
            "checked_at": timezone.now(),
            "change_url": change_url,
            "export_url": export_url,
        },
        request=None if export else request,
    )
    if export:
        return private_file_response(
            html.encode(),
            filename=f"dispute-{dispute.pk}-dossier.html",
            content_type="text/html; charset=utf-8",
        )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = CACHE_PRIVATE
    return response
