"""The call page (docs/calls.md) and the notes a call leaves in its conversation.

A direct conversation's call lives at /messages/<id>/call/; a workroom's at
/workrooms/<id>/call/, whose view (workrooms/call_views.py) adds the agenda and renders the
same page through `render_call_page`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from core.http import error_response, with_media_devices
from messaging import calls
from messaging.ice import ice_servers_for
from messaging.models import Conversation, Participant

if TYPE_CHECKING:
    from profiles.models import User


def render_call_page(
    request: HttpRequest,
    *,
    conversation_id: int,
    back_url: str,
    back_label: str,
    subtitle: str = "",
    agenda: str = "",
) -> HttpResponse:
    """The call page for a conversation the rules let this person call in (else 404 or 403,
    as calls.call_room decides)."""
    user = cast("User", request.user)  # login_required
    try:
        room = calls.call_room(user=user, conversation_id=conversation_id)
    except ApplicationError as error:
        return error_response(request, error)
    other = (
        Participant.objects.select_related("user__profile")
        .filter(conversation_id=conversation_id, user_id__in=list(room.others))
        .first()
    )
    other_user = other.user if other else None
    data: dict[str, Any] = {
        "conversation": room.conversation_id,
        "me": {"user": user.pk, "name": user.name},
        "other": {"user": other_user.pk, "name": other_user.name} if other_user else None,
        "iceServers": ice_servers_for(user_id=user.pk),
        "notesUrl": reverse("messaging:call_notes", args=[room.conversation_id]),
        "backUrl": back_url,
    }
    response = render(
        request,
        "messaging/call.html",
        {
            "other": other_user,
            "subtitle": subtitle,
            "agenda": agenda,
            "back_url": back_url,
            "back_label": back_label,
            "call_data": data,
        },
    )
    # The one page that may ask for the camera, the microphone and the screen (every other page's
    # Permissions-Policy denies them: core.middleware.PermissionsPolicyMiddleware).
    return with_media_devices(response)


@login_required
@require_GET
def call(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = (
        Conversation.objects.filter(
            pk=conversation_id, participants__user=cast("User", request.user)
        )
        .only("kind", "home_url")
        .first()
    )
    if conversation is not None and conversation.kind == Conversation.Kind.WORKROOM:
        return redirect(calls.call_url(conversation))
    return render_call_page(
        request,
        conversation_id=conversation_id,
        back_url=reverse("messaging:thread", args=[conversation_id]),
        back_label="the conversation",
    )


@login_required
@require_POST
def call_notes(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The call page posts its notes box here when the person chooses to, after leaving."""
    try:
        calls.call_notes_post(
            user=cast("User", request.user),
            conversation_id=conversation_id,
            notes=request.POST.get("notes", ""),
        )
    except ApplicationError as error:
        return JsonResponse(error.as_dict(), status=error.http_status)
    return JsonResponse({"ok": True})
