"""The parties' pages of a dispute. Thin: parse, call one service or selector, render.

Every dispute URL goes through `_dispute_or_404`, built from the user's disputes: one you are
not in answers exactly like one that does not exist (`NotFound`, mapped by core's middleware).
Action forms post to small endpoints; a refusal (`NotAllowed`: out of turn, ended) comes back
as a message on the page (`_refusal_on_page`), a mistake in a form renders the page again with
the typed values and the message next to the field (status 400). The page's fetch calls get
JSON instead.

Mediators work in the Django admin (disputes/admin/); this page never shows internal notes:
it asks for the timeline with staff=False whoever looks.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ApplicationError, Invalid, NotAllowed, NotFound
from core.forms import apply_service_errors
from core.http import (
    done_response,
    private_file_response,
    refused_response,
    upload_refused_json,
    wants_json,
)
from core.images import REENCODED_CONTENT_TYPE
from core.money import DEFAULT_CURRENCY
from core.uploads import (
    DISPUTE_EVIDENCE,
    capped_upload,
    display_name,
    refusal_text,
    store_each,
    too_large_message,
    too_large_refusal,
)
from disputes import selectors, services
from disputes.forms import (
    EVIDENCE_ROWS,
    EVIDENCE_ROWS_MAX,
    AnswerForm,
    EvidenceForm,
    OpenForm,
    ProposalForm,
    WithdrawForm,
    upload_help,
)
from disputes.models import Dispute, Evidence, Resolution
from disputes.rules import evidence_refusal
from disputes.templatetags.disputes import time_left
from messaging.selectors import thread_context
from workrooms.selectors import workroom_for


def _dispute_or_404(user, dispute_id) -> Dispute:
    dispute = selectors.dispute_for(user=user, dispute_id=dispute_id)
    if dispute is None:
        raise NotFound("No such dispute.")
    return dispute


def _refusal_on_page(view):
    """A step this person may not take now (`NotAllowed`) comes back as a message on the
    dispute's page, or as 403 JSON for the page's script."""

    @wraps(view)
    def wrapped(request, dispute_id, *args, **kwargs):
        try:
            return view(request, dispute_id, *args, **kwargs)
        except NotAllowed as error:
            url = reverse("disputes:detail", args=[dispute_id])
            return refused_response(request, url, error.detail)

    return wrapped


def _done(request, dispute, text=""):
    return done_response(request, dispute.get_absolute_url(), text)


# --- The list ------------------------------------------------------------------------------------


def _next_step(dispute: Dispute, user, now) -> tuple[str, bool]:
    """One line for the list: what happens next and how long is left ("3 days left to answer"),
    and whether it is urgent (under a day, or past). Reads only the row and its prefetched
    pending proposal, so the list costs the same queries for 1 dispute as for 25."""
    if not dispute.is_active:
        when = (
            timezone.localtime(dispute.ended_at).strftime("%-d %b %Y") if dispute.ended_at else ""
        )
        return (f"{dispute.get_status_display()} {when}".strip(), False)

    def left(due, what):
        remaining = due - now
        if remaining.total_seconds() <= 0:
            return (f"The time {what} has passed", True)
        return (f"{time_left(remaining)} left {what}", remaining.total_seconds() < 86400)

    pending = dispute.pending_proposals[0] if dispute.pending_proposals else None
    if pending and dispute.is_party(user) and not pending.answer_of(dispute, user):
        return left(pending.respond_by, "to answer the proposal")
    if dispute.status == Dispute.Status.MEDIATION:
        return left(dispute.stage_due_at, "for the mediator to decide")
    if dispute.other_party_answered_at is None:
        if user.pk == dispute.other_party_id:
            return left(dispute.stage_due_at, "to answer")
        if dispute.stage_due_at <= now:
            return ("No answer yet: you can ask for mediation", True)
        return left(dispute.stage_due_at, "for them to answer")
    if pending:
        return left(pending.respond_by, "for an answer to the proposal")
    if dispute.stage_due_at <= now:
        return ("Direct settlement time is over: either of you can ask for mediation", False)
    return left(dispute.stage_due_at, "of direct settlement")


@login_required
@require_GET
def dispute_list(request):
    pending = Resolution.objects.filter(status=Resolution.Status.PENDING)
    disputes = list(
        selectors.disputes_for(user=request.user).prefetch_related(
            Prefetch("resolutions", queryset=pending, to_attr="pending_proposals")
        )
    )
    now = timezone.now()
    for dispute in disputes:
        dispute.other = (
            dispute.counterpart(request.user) if dispute.is_party(request.user) else None
        )
        dispute.next_text, dispute.next_urgent = _next_step(dispute, request.user, now)
    return render(request, "disputes/list.html", {"disputes": disputes})


# --- Opening a dispute ---------------------------------------------------------------------------


def _open_context(request, workroom, form, *, evidence_error=""):
    existing = selectors.active_dispute_for(workroom=workroom)
    rows = [
        {"index": i, "caption": form.data.get(f"caption-{i}", "") if form.is_bound else ""}
        for i in range(EVIDENCE_ROWS)
    ]
    return {
        "workroom": workroom,
        "form": form,
        "existing": existing,
        "other": workroom.freelancer if request.user.pk == workroom.client_id else workroom.client,
        "evidence_rows": rows,
        "evidence_error": evidence_error,
        "upload_help": upload_help(),
        "upload_accept": DISPUTE_EVIDENCE.accept,
        "max_size": DISPUTE_EVIDENCE.max_bytes,
        "response_days": settings.DISPUTE_RESPONSE_DAYS,
    }


def _evidence_uploads(request) -> list[tuple[object, str]]:
    """The files posted with the form without JavaScript: (file, caption) per filled row."""
    found = []
    for i in range(EVIDENCE_ROWS_MAX):
        upload = request.FILES.get(f"evidence-{i}")
        if upload is not None:
            found.append((upload, request.POST.get(f"caption-{i}", "")[:500]))
    return found


@login_required
@require_http_methods(["GET", "POST"])
@capped_upload(DISPUTE_EVIDENCE)  # evidence may come in the same POST
def dispute_new(request, workroom_id, handler):
    workroom = workroom_for(user=request.user, workroom_id=workroom_id)
    if workroom is None:
        raise NotFound("No such workroom.")
    if request.method != "POST":
        form = OpenForm(workroom=workroom, auto_id="open-%s")
        return render(request, "disputes/new.html", _open_context(request, workroom, form))

    uploads = _evidence_uploads(request)
    form = OpenForm(request.POST, workroom=workroom, auto_id="open-%s")
    if handler.too_large:
        # Nothing is opened: the person would otherwise think the file was part of it.
        limit = too_large_message(DISPUTE_EVIDENCE.max_bytes)
        text = f"{limit} Nothing was stored: choose a smaller file and send again."
        return _open_invalid(request, workroom, form, status=413, evidence_error=text)
    if not form.is_valid():
        return _open_invalid(request, workroom, form)
    data = form.cleaned_data
    try:
        dispute = services.dispute_open(
            workroom=workroom,
            by=request.user,
            reason=data["reason"],
            description=data["description"],
            desired_outcome=data["desired_outcome"],
            amount=data["amount"],
            currency=data["currency"],
            deadline=data.get("deadline"),
        )
    except (ValidationError, Invalid) as error:
        apply_service_errors(form, error)
        return _open_invalid(request, workroom, form)

    refused = []
    for upload, caption in uploads:
        try:
            services.evidence_add(
                dispute=dispute, by=request.user, uploaded_file=upload, caption=caption
            )
        except (ApplicationError, ValidationError) as error:
            refused.append(f"{display_name(upload.name)}: {refusal_text(error)}")
    if wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "url": dispute.get_absolute_url(),
                "evidence_url": reverse("disputes:evidence_upload", args=[dispute.pk]),
            },
            status=201,
        )
    messages.success(request, f"Dispute opened. {dispute.other_party.name} has been told.")
    if refused:
        messages.error(
            request,
            "These files were not added: " + "; ".join(refused) + " Add them again below.",
        )
    return redirect(dispute)


def _open_invalid(request, workroom, form, *, status=400, evidence_error=""):
    context = _open_context(request, workroom, form, evidence_error=evidence_error)
    if wants_json(request):
        # The page swaps the fields in place: the files chosen stay chosen.
        html = render_to_string("disputes/_open_fields.html", context, request=request)
        return JsonResponse(
            {"error": evidence_error or "Check the form.", "html": html}, status=status
        )
    return render(request, "disputes/new.html", context, status=status)


# --- The dispute page ----------------------------------------------------------------------------


def _render_dispute(request, dispute, *, status=200, open_form="", **forms):
    user = request.user
    actions = selectors.actions_for(dispute=dispute, user=user)
    context = thread_context(conversation=dispute.conversation, user=user)
    party = dispute.is_party(user)
    dispute.pending_proposals = [actions.pending] if actions.pending else []
    clock, urgent = _next_step(dispute, user, timezone.now())
    context.update(
        {
            "dispute": dispute,
            "actions": actions,
            "pending": actions.pending,
            "timeline": selectors.timeline_for(dispute=dispute, staff=False),
            "evidence": selectors.evidence_for(dispute=dispute),
            "is_opener": user.pk == dispute.opened_by_id,
            "other": dispute.counterpart(user) if party else None,
            "is_party": party,
            "open_form": open_form,
            "clock": clock,
            "clock_urgent": urgent,
            "upload_help": upload_help(),
            "upload_accept": DISPUTE_EVIDENCE.accept,
            "max_size": DISPUTE_EVIDENCE.max_bytes,
            "mediation_days": settings.DISPUTE_MEDIATION_DAYS,
            "proposal_days": settings.DISPUTE_PROPOSAL_DAYS,
        }
    )
    context.setdefault(
        "proposal_form",
        ProposalForm(auto_id="propose-%s", default_currency=_proposal_currency(dispute)),
    )
    context.setdefault("answer_form", AnswerForm(auto_id="answer-%s"))
    context.setdefault("evidence_form", EvidenceForm(auto_id="evidence-%s"))
    context.setdefault("withdraw_form", WithdrawForm(auto_id="withdraw-%s"))
    context.update(forms)
    return render(request, "disputes/detail.html", context, status=status)


def _proposal_currency(dispute) -> str:
    """A proposal's amount is in the dispute's currency unless its author picks another."""
    return dispute.currency or DEFAULT_CURRENCY


@login_required
@require_GET
def dispute_detail(request, dispute_id):
    dispute = _dispute_or_404(request.user, dispute_id)
    return _render_dispute(request, dispute)


@login_required
@require_POST
@_refusal_on_page
def propose(request, dispute_id):
    dispute = _dispute_or_404(request.user, dispute_id)
    form = ProposalForm(
        request.POST, auto_id="propose-%s", default_currency=_proposal_currency(dispute)
    )
    if form.is_valid():
        try:
            services.proposal_make(dispute=dispute, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _done(request, dispute, "Proposal sent. They have been asked to answer.")
    return _render_dispute(request, dispute, status=400, open_form="propose", proposal_form=form)


@login_required
@require_POST
@_refusal_on_page
def answer(request, dispute_id, resolution_id):
    dispute = _dispute_or_404(request.user, dispute_id)
    resolution = get_object_or_404(Resolution, pk=resolution_id, dispute=dispute)
    form = AnswerForm(request.POST, auto_id="answer-%s")
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            resolution = services.proposal_answer(
                resolution=resolution,
                by=request.user,
                accept=accept,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not accept:
                text = "You rejected the proposal."
            elif resolution.status == Resolution.Status.ACCEPTED:
                text = "You accepted. The dispute is resolved."
            else:
                text = "You accepted. Waiting for the other answer."
            return _done(request, dispute, text)
    return _render_dispute(request, dispute, status=400, open_form="answer", answer_form=form)


@login_required
@require_POST
@_refusal_on_page
def escalate(request, dispute_id):
    dispute = _dispute_or_404(request.user, dispute_id)
    services.dispute_escalate(dispute=dispute, by=request.user)
    return _done(
        request, dispute, "Escalated to mediation. A mediator from Tandem will take it from here."
    )


@login_required
@require_POST
@_refusal_on_page
def withdraw(request, dispute_id):
    dispute = _dispute_or_404(request.user, dispute_id)
    form = WithdrawForm(request.POST, auto_id="withdraw-%s")
    if form.is_valid():
        try:
            services.dispute_withdraw(
                dispute=dispute, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _done(request, dispute, "You withdrew the dispute.")
    return _render_dispute(request, dispute, status=400, open_form="withdraw", withdraw_form=form)


# --- Evidence ------------------------------------------------------------------------------------


@login_required
@require_GET
def evidence_gallery(request, dispute_id):
    """The gallery as an HTML fragment, refetched by the page after an upload."""
    dispute = _dispute_or_404(request.user, dispute_id)
    return render(
        request,
        "disputes/_evidence_gallery.html",
        {"dispute": dispute, "evidence": selectors.evidence_for(dispute=dispute)},
    )


@login_required
@require_POST
@capped_upload(DISPUTE_EVIDENCE)
@_refusal_on_page
def evidence_upload(request, dispute_id, handler):
    dispute = _dispute_or_404(request.user, dispute_id)
    uploads = request.FILES.getlist("files")
    form = EvidenceForm({"caption": request.POST.get("caption", "")}, auto_id="evidence-%s")
    done, error = [], ""
    if handler.too_large:
        error = too_large_refusal(DISPUTE_EVIDENCE)
    elif not uploads:
        error = "Choose a file to add."
    elif not form.is_valid():
        error = " ".join(form.errors.get("caption", []))
    else:
        # Refused for the whole request (not one file's fault): the same rule the service asks.
        refusal = evidence_refusal(dispute, request.user)
        if refusal:
            raise NotAllowed(refusal)
        done, error = store_each(
            uploads,
            lambda upload: services.evidence_add(
                dispute=dispute,
                by=request.user,
                uploaded_file=upload,
                caption=form.cleaned_data["caption"],
            ),
        )
    if wants_json(request):
        if error:
            status = 413 if handler.too_large else 400
            return upload_refused_json(error, stored=len(done), status=status)
        return JsonResponse(
            {"ok": True, "evidence": [{"name": e.name, "caption": e.caption} for e in done]},
            status=201,
        )
    if error:
        form.add_error(None, error)
        return _render_dispute(
            request, dispute, status=413 if handler.too_large else 400, evidence_form=form
        )
    names = ", ".join(e.name for e in done)
    return _done(request, dispute, f"Added {names} to the evidence.")


def _evidence_or_404(request, dispute_id, evidence_id) -> Evidence:
    item = selectors.evidence_item_for(
        user=request.user, dispute_id=dispute_id, evidence_id=evidence_id
    )
    if item is None:
        raise NotFound("No such file.")
    return item


@login_required
@require_GET
def evidence_download(request, dispute_id, evidence_id):
    item = _evidence_or_404(request, dispute_id, evidence_id)
    return private_file_response(item.file, filename=item.name, content_type=item.content_type)


@login_required
@require_GET
def evidence_preview(request, dispute_id, evidence_id):
    item = _evidence_or_404(request, dispute_id, evidence_id)
    if not item.preview:
        raise NotFound("No preview.")
    return private_file_response(
        item.preview, filename="preview.webp", content_type=REENCODED_CONTENT_TYPE, inline=True
    )
