"""Pages and endpoints of workrooms. Thin: parse, call one service or selector, render.

Every room URL goes through `_room_or_404`, built from the user's memberships: a room you are
not in answers exactly like one that does not exist. Forms post to small endpoints; on success
they redirect back to the room (or answer JSON to the page's fetch), on a mistake they render
the room again with the typed values and the message next to the field. Every other refusal
of a service is mapped in one place, `_refusals_to_room` (NotFound goes on to the middleware).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event, vText

from core.exceptions import ApplicationError, Invalid, NotAllowed
from core.forms import apply_service_errors
from core.http import (
    done_response,
    private_file_response,
    refused_response,
    upload_refused_json,
    wants_json,
)
from core.images import REENCODED_CONTENT_TYPE
from core.uploads import WORKROOM_FILE, capped_upload, store_each, too_large_refusal
from messaging.calls import call_in_progress
from messaging.selectors import thread_context
from workrooms import selectors, services
from workrooms.forms import (
    CallForm,
    CancelCallForm,
    DeadlineForm,
    FileUploadForm,
    OpenForm,
    RescheduleForm,
    ReviewForm,
    SubmitForm,
)
from workrooms.models import Call, Deadline, SharedFile, Workroom

TABS = ("files", "deadlines", "calls", "activity")
# What a form view shows on its form: a field's mistake next to it, a broken rule above them.
FORM_REFUSALS = (ValidationError, Invalid)


def _room_or_404(user, workroom_id) -> Workroom:
    workroom = selectors.workroom_for(user=user, workroom_id=workroom_id)
    if workroom is None:
        raise Http404("No such workroom.")
    return workroom


def _room_url(workroom_id: int, tab=None) -> str:
    url = reverse("workrooms:detail", args=[workroom_id])
    return f"{url}?tab={tab}#panel-{tab}" if tab else url


def _refusals_to_room(tab=None):
    """A room action's refusals, mapped here once: NotAllowed (a closed room, the other
    member's part) is 403 JSON for the page's script, otherwise its message back on the room's
    `tab`; so is an Invalid that no form shows in place (a call accepted meanwhile)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, workroom_id, *args, **kwargs):
            try:
                return view(request, workroom_id, *args, **kwargs)
            except NotAllowed as error:
                return refused_response(request, _room_url(workroom_id, tab), error.detail)
            except Invalid as error:
                messages.error(request, error.detail)
                return redirect(_room_url(workroom_id, tab))

        return wrapper

    return decorate


# --- Forms attached to each item --------------------------------------------------------------


def _attach_forms(context: dict, *, bound: dict | None = None) -> dict:
    """Blank forms for each deadline and call (ids unique per item); `bound` swaps one in:
    {"kind": "submit", "pk": 3, "form": form}."""
    bound = bound or {}
    versions = context.get("deliverable_versions", [])

    def pick(kind, pk, blank):
        if bound.get("kind") == kind and bound.get("pk") == pk:
            return bound["form"]
        return blank

    for deadline in context.get("deadlines", []):
        pk = deadline.pk
        deadline.submit_form = pick(
            "submit", pk, SubmitForm(versions=versions, auto_id=f"submit-{pk}-%s")
        )
        deadline.review_form = pick("review", pk, ReviewForm(auto_id=f"review-{pk}-%s"))
        deadline.edit_form = pick(
            "edit",
            pk,
            DeadlineForm(
                auto_id=f"edit-{pk}-%s",
                initial={
                    "title": deadline.title,
                    "description": deadline.description,
                    "due_at": timezone.localtime(deadline.due_at),
                    "amount": deadline.amount,
                    "currency": deadline.currency,
                },
            ),
        )
        deadline.open_form = bound.get("kind") if bound.get("pk") == pk else ""
    for call in context.get("calls", []):
        pk = call.pk
        call.reschedule_form = pick(
            "reschedule",
            pk,
            RescheduleForm(
                auto_id=f"reschedule-{pk}-%s",
                initial={"duration_minutes": call.duration_minutes},
            ),
        )
        call.cancel_form = pick("cancel", pk, CancelCallForm(auto_id=f"cancel-{pk}-%s"))
        call.open_form = bound.get("kind") if bound.get("pk") == pk else ""
    context.setdefault("upload_form", FileUploadForm(auto_id="upload-%s"))
    context.setdefault("deadline_form", DeadlineForm(auto_id="deadline-%s"))
    context.setdefault("call_form", CallForm(auto_id="call-%s"))
    return context


def _render_room(request, workroom, *, tab=None, status=200, bound=None, **extra):
    context = thread_context(conversation=workroom.conversation, user=request.user)
    context.update(selectors.room_context(workroom=workroom, user=request.user))
    context.update(extra)
    _attach_forms(context, bound=bound)
    tab = tab if tab in TABS else request.GET.get("tab")
    context["tab"] = tab if tab in TABS else "deadlines"
    context["is_client"] = request.user.pk == workroom.client_id
    context["is_freelancer"] = request.user.pk == workroom.freelancer_id
    context["call_live"] = call_in_progress(conversation=workroom.conversation)
    return render(request, "workrooms/detail.html", context, status=status)


def _done(request, workroom, tab, text=""):
    return done_response(request, _room_url(workroom.pk, tab), text)


# --- Pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def workroom_list(request):
    rooms = selectors.workroom_cards(user=request.user)
    return render(request, "workrooms/list.html", {"workrooms": rooms})


@login_required
def workroom_new(request):
    if not request.user.is_client:
        return render(request, "workrooms/new.html", {"not_client": True}, status=403)
    initial = {"freelancer": request.GET.get("with", "")[:40]}
    form = OpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workroom = services.workroom_open(
                client=request.user,
                freelancer=form.cleaned_data["freelancer"],
                title=form.cleaned_data["title"],
            )
        except (ValidationError, ApplicationError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Workroom “{workroom.title}” is open.")
            return redirect(workroom)
    handle = (form.data.get("freelancer") if form.is_bound else initial["freelancer"]) or ""
    with_person = (
        get_user_model()
        .objects.filter(handle=handle.strip().lstrip("@").lower(), is_active=True)
        .first()
    )
    if with_person is not None and not with_person.is_freelancer:
        with_person = None
    return render(
        request,
        "workrooms/new.html",
        {"form": form, "with_person": with_person},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def workroom_detail(request, workroom_id):
    workroom = _room_or_404(request.user, workroom_id)
    return _render_room(request, workroom)


@login_required
@require_GET
def panel(request, workroom_id, name):
    """One panel's list as an HTML fragment, refetched when a `workroom.updated` frame says it
    changed."""
    workroom = _room_or_404(request.user, workroom_id)
    if name not in TABS:
        raise Http404("No such panel.")
    context = selectors.panel_context(workroom=workroom, user=request.user, panel=name)
    _attach_forms(context)
    context["is_client"] = request.user.pk == workroom.client_id
    context["is_freelancer"] = request.user.pk == workroom.freelancer_id
    return render(request, f"workrooms/panels/{name}.html", context)


@login_required
@require_POST
@_refusals_to_room()
def set_status(request, workroom_id):
    workroom = _room_or_404(request.user, workroom_id)
    status = request.POST.get("status", "")
    services.workroom_set_status(workroom=workroom, by=request.user, status=status)
    label = {"active": "resumed", "paused": "paused", "closed": "closed"}.get(status, status)
    messages.success(request, f"The workroom is {label}.")
    return redirect(workroom)


# --- Files ---------------------------------------------------------------------------------------


@login_required
@require_POST
@capped_upload(WORKROOM_FILE)
@_refusals_to_room("files")
def file_upload(request, workroom_id, handler):
    workroom = _room_or_404(request.user, workroom_id)
    uploads = request.FILES.getlist("files")
    description = request.POST.get("description", "")
    form = FileUploadForm({"description": description}, auto_id="upload-%s")
    done, error = [], ""
    if handler.too_large:
        error = too_large_refusal(WORKROOM_FILE)
    elif not uploads:
        error = "Choose a file to upload."
    else:
        done, error = store_each(
            uploads,
            lambda upload: services.file_share(
                workroom=workroom,
                by=request.user,
                uploaded_file=upload,
                description=description,
            ),
        )
    if wants_json(request):
        if error:
            status = 413 if handler.too_large else 400
            return upload_refused_json(error, stored=len(done), status=status)
        return JsonResponse(
            {
                "ok": True,
                "files": [{"name": v.shared_file.name, "version": v.number} for v in done],
            },
            status=201,
        )
    if error:
        form.add_error(None, error)
        return _render_room(request, workroom, tab="files", status=400, upload_form=form)
    names = ", ".join(v.shared_file.name for v in done)
    return _done(request, workroom, "files", f"Shared {names}.")


@login_required
@require_GET
def file_download(request, workroom_id, file_id, number=None):
    workroom = _room_or_404(request.user, workroom_id)
    version = selectors.file_version_for(workroom=workroom, file_id=file_id, number=number)
    if version is None:
        raise Http404("No such file.")
    return private_file_response(
        version.file, filename=version.shared_file.name, content_type=version.content_type
    )


@login_required
@require_GET
def file_preview(request, workroom_id, file_id, number):
    workroom = _room_or_404(request.user, workroom_id)
    version = selectors.file_version_for(workroom=workroom, file_id=file_id, number=number)
    if version is None or not version.thumbnail:
        raise Http404("No preview.")
    return private_file_response(
        version.thumbnail,
        filename="preview.webp",
        content_type=REENCODED_CONTENT_TYPE,
        inline=True,
    )


@login_required
@require_POST
@_refusals_to_room("files")
def file_delete(request, workroom_id, file_id):
    workroom = _room_or_404(request.user, workroom_id)
    shared = get_object_or_404(SharedFile, pk=file_id, workroom=workroom, deleted_at__isnull=True)
    services.file_delete(workroom=workroom, by=request.user, shared_file=shared)
    return _done(request, workroom, "files", f"Deleted {shared.name}. It stays in the history.")


# --- Deadlines -----------------------------------------------------------------------------------


@login_required
@require_POST
@_refusals_to_room("deadlines")
def deadline_new(request, workroom_id):
    workroom = _room_or_404(request.user, workroom_id)
    form = DeadlineForm(request.POST, auto_id="deadline-%s")
    if form.is_valid():
        try:
            services.deadline_set(workroom=workroom, by=request.user, **form.cleaned_data)
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "deadlines", "Deadline set.")
    return _render_room(request, workroom, tab="deadlines", status=400, deadline_form=form)


def _deadline_or_404(workroom, deadline_id) -> Deadline:
    return get_object_or_404(Deadline, pk=deadline_id, workroom=workroom)


@login_required
@require_POST
@_refusals_to_room("deadlines")
def deadline_edit(request, workroom_id, deadline_id):
    workroom = _room_or_404(request.user, workroom_id)
    deadline = _deadline_or_404(workroom, deadline_id)
    form = DeadlineForm(request.POST, auto_id=f"edit-{deadline.pk}-%s")
    if form.is_valid():
        try:
            services.deadline_update(
                workroom=workroom, deadline=deadline, by=request.user, **form.cleaned_data
            )
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "deadlines", "Deadline updated.")
    bound = {"kind": "edit", "pk": deadline.pk, "form": form}
    return _render_room(request, workroom, tab="deadlines", status=400, bound=bound)


@login_required
@require_POST
@_refusals_to_room("deadlines")
def deadline_submit(request, workroom_id, deadline_id):
    workroom = _room_or_404(request.user, workroom_id)
    deadline = _deadline_or_404(workroom, deadline_id)
    versions = [f.current_version for f in selectors.files_for(workroom=workroom)]
    form = SubmitForm(request.POST, versions=versions, auto_id=f"submit-{deadline.pk}-%s")
    if form.is_valid():
        try:
            services.deadline_submit(
                workroom=workroom,
                deadline=deadline,
                by=request.user,
                note=form.cleaned_data["note"],
                versions=form.cleaned_data["versions"],
            )
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "deadlines", "Submitted for review.")
    bound = {"kind": "submit", "pk": deadline.pk, "form": form}
    return _render_room(request, workroom, tab="deadlines", status=400, bound=bound)


@login_required
@require_POST
@_refusals_to_room("deadlines")
def deadline_review(request, workroom_id, deadline_id):
    workroom = _room_or_404(request.user, workroom_id)
    deadline = _deadline_or_404(workroom, deadline_id)
    form = ReviewForm(request.POST, auto_id=f"review-{deadline.pk}-%s")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.deadline_review(
                workroom=workroom,
                deadline=deadline,
                by=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            text = "Approved." if approve else "Changes requested."
            return _done(request, workroom, "deadlines", text)
    bound = {"kind": "review", "pk": deadline.pk, "form": form}
    return _render_room(request, workroom, tab="deadlines", status=400, bound=bound)


# --- Calls ---------------------------------------------------------------------------------------


def _call_or_404(workroom, call_id) -> Call:
    return get_object_or_404(Call, pk=call_id, workroom=workroom)


@login_required
@require_POST
@_refusals_to_room("calls")
def call_new(request, workroom_id):
    workroom = _room_or_404(request.user, workroom_id)
    form = CallForm(request.POST, auto_id="call-%s")
    overlap = None
    if form.is_valid():
        try:
            services.call_propose(workroom=workroom, by=request.user, **form.cleaned_data)
        except services.CallOverlap as error:
            overlap = error
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "calls", "Call proposed.")
    return _render_room(
        request, workroom, tab="calls", status=400, call_form=form, call_overlap=overlap
    )


@login_required
@require_POST
@_refusals_to_room("calls")
def call_accept(request, workroom_id, call_id):
    workroom = _room_or_404(request.user, workroom_id)
    call = _call_or_404(workroom, call_id)
    services.call_accept(workroom=workroom, call=call, by=request.user)
    return _done(request, workroom, "calls", "Call accepted.")


@login_required
@require_POST
@_refusals_to_room("calls")
def call_reschedule(request, workroom_id, call_id):
    workroom = _room_or_404(request.user, workroom_id)
    call = _call_or_404(workroom, call_id)
    form = RescheduleForm(request.POST, auto_id=f"reschedule-{call.pk}-%s")
    overlap = None
    if form.is_valid():
        try:
            services.call_reschedule(
                workroom=workroom, call=call, by=request.user, **form.cleaned_data
            )
        except services.CallOverlap as error:
            overlap = error
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "calls", "New time proposed.")
    bound = {"kind": "reschedule", "pk": call.pk, "form": form}
    return _render_room(
        request,
        workroom,
        tab="calls",
        status=400,
        bound=bound,
        reschedule_overlap=overlap,
    )


@login_required
@require_POST
@_refusals_to_room("calls")
def call_cancel(request, workroom_id, call_id):
    workroom = _room_or_404(request.user, workroom_id)
    call = _call_or_404(workroom, call_id)
    form = CancelCallForm(request.POST, auto_id=f"cancel-{call.pk}-%s")
    if form.is_valid():
        try:
            services.call_cancel(
                workroom=workroom, call=call, by=request.user, note=form.cleaned_data["note"]
            )
        except FORM_REFUSALS as error:
            apply_service_errors(form, error)
        else:
            return _done(request, workroom, "calls", "Call cancelled.")
    bound = {"kind": "cancel", "pk": call.pk, "form": form}
    return _render_room(request, workroom, tab="calls", status=400, bound=bound)


@login_required
@require_GET
def call_ics(request, workroom_id, call_id):
    workroom = _room_or_404(request.user, workroom_id)
    call = _call_or_404(workroom, call_id)
    calendar = Calendar()
    calendar.add("prodid", "-//Tandem//Workroom calls//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{call.uid}@tandem")
    event.add("dtstamp", call.updated_at)
    event.add("dtstart", call.starts_at)
    event.add("dtend", call.ends_at)
    event.add("sequence", call.sequence)
    event.add(
        "summary", f"Call: {workroom.title} ({workroom.client.name} & {workroom.freelancer.name})"
    )
    event.add("description", call.agenda)
    event.add("url", request.build_absolute_uri(_room_url(workroom.pk, "calls")))
    event.add("location", vText("Tandem workroom"))
    event.add(
        "status",
        {"proposed": "TENTATIVE", "accepted": "CONFIRMED", "cancelled": "CANCELLED"}[call.status],
    )
    calendar.add_component(event)
    return private_file_response(
        calendar.to_ical(), filename="call.ics", content_type="text/calendar; charset=utf-8"
    )
