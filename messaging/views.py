"""Pages and HTTP endpoints of messaging. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError, Invalid, TooLarge
from core.http import error_json, private_file_response
from core.uploads import (
    MESSAGE_ATTACHMENT,
    CappedUploadHandler,
    capped_upload,
    too_large_refusal,
)
from messaging import notifications, selectors, services
from messaging.forms import PreferencesForm, ReportForm
from messaging.models import Attachment, Block, Conversation, Message
from messaging.payloads import attachment_payload, message_payload

if TYPE_CHECKING:
    from profiles.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A request that login_required let through."""

        user: User


def _conversation_or_404(user: User, conversation_id: int) -> Conversation:
    conversation = selectors.conversation_for(user=user, conversation_id=conversation_id)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    conversations = selectors.inbox_cards(user=request.user, archived=archived)
    return render(
        request, "messaging/inbox.html", {"conversations": conversations, "archived": archived}
    )


@login_required
@require_POST
def conversation_settings(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    """Mute or archive a conversation for oneself (the thread's More menu)."""
    choices = {
        "mute": {"muted": True},
        "unmute": {"muted": False},
        "archive": {"archived": True},
        "unarchive": {"archived": False},
    }
    change = choices.get(request.POST.get("action", ""))
    if change is None:
        return redirect("messaging:thread", conversation_id=conversation_id)
    services.participant_update(conversation_id=conversation_id, user=request.user, **change)
    labels = {
        "mute": "Muted: no e-mails for this conversation.",
        "unmute": "Unmuted.",
        "archive": "Archived. It comes back when someone writes.",
        "unarchive": "Moved back to your inbox.",
    }
    messages.success(request, labels[request.POST["action"]])
    if request.POST["action"] == "archive":
        return redirect("messaging:inbox")
    return redirect("messaging:thread", conversation_id=conversation_id)


@login_required
@require_GET
def thread(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, conversation_id)
    if conversation.home_url:
        return redirect(conversation.home_url)
    context = selectors.thread_context(conversation=conversation, user=request.user)
    context["conversations"] = selectors.inbox_cards(user=request.user)
    return render(request, "messaging/thread.html", context)


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    """Older messages for scrolling up: JSON, oldest first."""
    conversation = _conversation_or_404(request.user, conversation_id)
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        return JsonResponse({"error": "before must be a message seq"}, status=400)
    older = selectors.messages_before(conversation=conversation, before_seq=before)
    return JsonResponse(
        {
            "messages": [message_payload(m) for m in older],
            "has_more": bool(older) and older[0].seq > 1,
        }
    )


@login_required
@require_POST
def open_direct(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    other = get_object_or_404(get_user_model(), handle=handle.lower(), is_active=True)
    try:
        conversation = services.conversation_open_direct(user=request.user, other=other)
    except ApplicationError as error:
        # Back to the profile whose Message button this was, saying why (a block, say).
        messages.error(request, error.detail)
        return redirect("profiles:detail", other.handle)
    return redirect("messaging:thread", conversation_id=conversation.pk)


@login_required
@require_POST
@capped_upload(MESSAGE_ATTACHMENT, json_only=True)
def attachment_upload(
    request: AuthenticatedHttpRequest, conversation_id: int, handler: CappedUploadHandler
) -> HttpResponse:
    """JSON whoever asks: only the thread's script calls it."""
    uploaded = request.FILES.get("file")
    if handler.too_large:
        return error_json(TooLarge(too_large_refusal(MESSAGE_ATTACHMENT)))
    if uploaded is None:
        return error_json(Invalid("Choose a file to upload."))
    try:
        attachment = services.attachment_upload(
            conversation_id=conversation_id, uploader=request.user, uploaded_file=uploaded
        )
    except ApplicationError as refused:
        return error_json(refused)
    return JsonResponse(attachment_payload(attachment), status=201)


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, conversation_id: int, attachment_id: int
) -> HttpResponseBase:
    conversation = _conversation_or_404(request.user, conversation_id)
    attachment = (
        Attachment.objects.filter(pk=attachment_id, conversation=conversation)
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    sent = attachment.message is not None and attachment.message.deleted_at is None
    if not sent and attachment.uploader_id != request.user.pk:
        # Uploaded but not (yet) sent, or sent in a message since deleted: only its uploader.
        raise Http404("No such file.")
    return private_file_response(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.search_messages(user=request.user, query=query) if query else []
    return render(request, "messaging/search.html", {"query": query, "results": results})


# --- Notifications ------------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "messaging/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notifications.notification_mark_read(user=request.user, notification_id=notification_id)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("messaging:notifications")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications.notification_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("messaging:notifications")


# --- Preferences, unsubscribe -------------------------------------------------------------------


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = notifications.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your messaging settings are saved.")
        return redirect("messaging:preferences")
    blocked = Block.objects.filter(blocker=request.user).select_related("blocked")
    return render(request, "messaging/preferences.html", {"form": form, "blocks": blocked})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From the link in every digest e-mail: works without logging in, confirms with a POST.

    A link that has expired or was altered answers with a page that says so (and a 400)."""
    try:
        if request.method == "POST":
            notifications.unsubscribe(token=token)
            return render(request, "messaging/unsubscribe.html", {"done": True})
        notifications.unsubscribe_link_user(token=token)
    except notifications.UnsubscribeLinkInvalid as error:
        context = {
            "error": error,
            "expired": isinstance(error, notifications.UnsubscribeLinkExpired),
        }
        return render(request, "messaging/unsubscribe.html", context, status=error.http_status)
    return render(request, "messaging/unsubscribe.html", {"token": token})


# --- Safety ---------------------------------------------------------------------------------------


@login_required
@require_POST
def block(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    other = get_object_or_404(get_user_model(), handle=handle.lower())
    try:
        services.user_block(blocker=request.user, blocked=other)
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, f"You blocked {other.name}. They can no longer message you directly."
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("messaging:preferences")


@login_required
@require_POST
def unblock(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    other = get_object_or_404(get_user_model(), handle=handle.lower())
    services.user_unblock(blocker=request.user, blocked=other)
    messages.success(request, f"You unblocked {other.name}.")
    return redirect("messaging:preferences")


@login_required
def report(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    other = get_object_or_404(get_user_model(), handle=handle.lower(), is_active=True)
    message = None
    message_id = request.GET.get("message") or request.POST.get("message")
    if message_id:
        # Only a message the reporter can see: one in a conversation they are in.
        message = Message.objects.filter(
            pk=message_id if str(message_id).isdigit() else 0,
            sender=other,
            conversation__participants__user=request.user,
        ).first()
        if message is None:
            raise Http404("No such message.")
    back_to = _report_return_url(request, message)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                reported_user=other,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                message=message,
            )
        except ApplicationError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Thank you. Our team will look into it.")
            return redirect(back_to)
    return render(
        request,
        "messaging/report.html",
        {"form": form, "other": other, "reported_message": message, "back_to": back_to},
    )


def _report_return_url(request: AuthenticatedHttpRequest, message: Message | None) -> str:
    """Where a report returns to: the conversation it was made from (the reported message's,
    or one named by `?conversation=` that the reporter is in), else the inbox."""
    if message is not None:
        return message.conversation.get_absolute_url()
    conversation_id = request.GET.get("conversation") or request.POST.get("conversation") or ""
    conversation = selectors.conversation_for(user=request.user, conversation_id=conversation_id)
    if conversation is None:
        return reverse("messaging:inbox")
    return conversation.get_absolute_url()
