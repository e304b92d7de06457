"""Jobs and invitations pages. Thin: parse, call one service or selector, render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import Invalid, NotAllowed
from core.forms import apply_service_errors
from invitations import selectors, services
from invitations.forms import NEW_JOB, AcceptForm, DeclineForm, InvitationForm, JobForm
from invitations.models import NOTE_MAX_LENGTH, Invitation
from profiles.models import User
from profiles.response_times import response_time_label
from profiles.selectors import response_time_summary

# What a service refuses that a form shows in place: a field's ValidationError, or a rule's
# Invalid (next to its field when it names one). Anything else is mapped by core's middleware.
FORM_ERRORS = (ValidationError, Invalid)


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client:
            raise NotAllowed("Only clients have jobs.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- Jobs ------------------------------------------------------------------------------------


@client_required
@require_GET
def job_list(request):
    return render(
        request, "invitations/job_list.html", {"jobs": selectors.jobs_for(user=request.user)}
    )


def _job_or_404(request, job_id):
    # Scoped to the signed-in client: anyone else's job (or anyone not a client) gets a 404.
    job = selectors.job_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404("No such job.")
    return job


@client_required
@require_http_methods(["GET", "POST"])
def job_create(request):
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_create(client=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"“{job.title}” is posted. Now invite someone to it.")
            return redirect(job)
    return render(request, "invitations/job_form.html", {"form": form, "job": None})


@login_required
@require_GET
def job_detail(request, job_id):
    job = _job_or_404(request, job_id)
    invitations = selectors.invitations_for_job(job=job)
    return render(
        request,
        "invitations/job_detail.html",
        {"job": job, "invitations": invitations, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_edit(request, job_id):
    job = _job_or_404(request, job_id)
    if not job.is_open:
        messages.error(request, "This job is closed: it can't be edited any more.")
        return redirect(job)
    form = JobForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_update(job=job, by=request.user, **form.service_arguments())
        except FORM_ERRORS as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Job saved.")
            return redirect(job)
    return render(request, "invitations/job_form.html", {"form": form, "job": job})


@login_required
@require_POST
def job_close(request, job_id):
    job = _job_or_404(request, job_id)
    if job.is_open:
        services.job_close(job=job, by=request.user)
        messages.success(
            request, f"“{job.title}” is closed; its pending invitations were withdrawn."
        )
    return redirect(job)


# --- Invitations -----------------------------------------------------------------------------


@login_required
@require_GET
def invitation_list(request):
    status = request.GET.get("status", "")
    if status not in selectors.STATUS_FILTERS:
        status = ""
    counts = selectors.invitation_counts(user=request.user)
    context = {
        "invitations": selectors.invitations_for(user=request.user, status=status),
        "counts": counts,
        "status": status,
        "filters": [(name, counts[name]) for name in selectors.STATUS_FILTERS],
        "now": timezone.now(),
    }
    if request.user.is_freelancer:
        # What clients see on the profile; answering invitations feeds it.
        hours = response_time_summary(user=request.user)
        context["response_label"] = response_time_label(hours) if hours is not None else ""
    return render(request, "invitations/list.html", context)


@client_required
@require_http_methods(["GET", "POST"])
def invitation_new(request):
    handle = request.GET.get("freelancer") or request.POST.get("freelancer") or ""
    freelancer = User.objects.select_related("profile").filter(handle=handle).first()
    if freelancer is None:
        raise Http404("No such person.")
    context = {"freelancer": freelancer}
    if not freelancer.is_freelancer or not freelancer.is_active:
        context["refusal"] = (
            f"{freelancer.name} isn't a freelancer, so they can't be invited to a job."
        )
        return render(request, "invitations/new.html", context, status=400)
    try:
        services.invitation_check_allowed(by=request.user, freelancer=freelancer)
    except NotAllowed as refused:
        # Said on the page the profile's button leads to, instead of a form that can't send.
        context["refusal"] = refused.detail
        return render(request, "invitations/new.html", context, status=403)

    jobs = list(selectors.open_jobs_for(user=request.user))
    invited = selectors.jobs_inviting(client=request.user, freelancer=freelancer)
    form = InvitationForm(request.POST or None, jobs=jobs, invited=invited)
    form.initial["note"] = services.note_template(
        client=request.user, freelancer=freelancer, job=form.initial_job()
    )
    # The new job's fields count only when "A new job…" is chosen.
    job_form = JobForm(request.POST if form.is_bound and form.wants_new_job else None, prefix="job")
    if request.method == "POST":
        invitation = _send(request, form, job_form, freelancer)
        if invitation is not None:
            messages.success(request, f"Invitation sent to {freelancer.name}.")
            return redirect(invitation)
    context.update(form=form, job_form=job_form, new_job=NEW_JOB, jobs=jobs)
    context["job_titles"] = {str(job.pk): job.title for job in jobs}
    context["note_max"] = NOTE_MAX_LENGTH
    return render(request, "invitations/new.html", context)


def _send(request, form, job_form, freelancer) -> Invitation | None:
    """Create the job if asked, then send; all or nothing, errors put next to the fields."""
    if not form.is_valid() or (form.wants_new_job and not job_form.is_valid()):
        return None
    try:
        with transaction.atomic():
            if form.wants_new_job:
                try:
                    job = services.job_create(client=request.user, **job_form.service_arguments())
                except ValidationError as error:
                    apply_service_errors(job_form, error)
                    raise
            else:
                job = form.chosen_job()
            return services.invitation_send(
                job=job,
                freelancer=freelancer,
                by=request.user,
                note=form.cleaned_data["note"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
    except FORM_ERRORS as error:
        if not (form.wants_new_job and job_form.errors):
            apply_service_errors(form, error)
        return None


def _found(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def _closed_invitation_says_so(view):
    """The invitation closed while its page was open (answered in another tab, withdrawn,
    expired, its job closed): back to its page, which says why and that nothing was changed."""

    @wraps(view)
    def wrapper(request, invitation_id):
        try:
            return view(request, invitation_id)
        except services.InvitationClosed as error:
            messages.error(request, f"{error.detail} Nothing was changed.")
            return redirect("invitations:detail", invitation_id)

    return wrapper


def _detail(request, invitation, *, accept_form=None, decline_form=None, warning=None, status=200):
    is_freelancer = invitation.freelancer_id == request.user.pk
    now = timezone.now()
    context = {
        "invitation": invitation,
        "job": invitation.job,
        "is_freelancer": is_freelancer,
        "is_client": invitation.job.client_id == request.user.pk,
        "can_answer": is_freelancer and invitation.is_open and invitation.job.is_open,
        "accept_form": accept_form or AcceptForm(),
        "decline_form": decline_form or DeclineForm(),
        "warning": warning,
        "open_panel": "decline" if decline_form is not None and decline_form.errors else "accept",
        "time_left": invitation.expires_at - now,
        "soon": invitation.expires_at - now <= services.REMINDER_BEFORE,
        "note_max": NOTE_MAX_LENGTH,
    }
    return render(request, "invitations/detail.html", context, status=status)


@login_required
@require_GET
def invitation_detail(request, invitation_id):
    invitation = _found(selectors.invitation_for(user=request.user, invitation_id=invitation_id))
    return _detail(request, invitation)


@login_required
@require_POST
@_closed_invitation_says_so
def invitation_accept(request, invitation_id):
    invitation = selectors.invitation_received(user=request.user, invitation_id=invitation_id)
    invitation = _found(invitation)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _detail(request, invitation, accept_form=form, status=400)
    try:
        workroom = services.invitation_accept(
            invitation=invitation,
            by=request.user,
            note=form.cleaned_data["response_note"],
            proposed_rate=form.cleaned_data["proposed_rate"],
            confirm=form.cleaned_data["confirm"],
        )
    except services.ConductWarning as warning:
        form = AcceptForm(initial={**form.cleaned_data, "confirm": True})
        return _detail(request, invitation, accept_form=form, warning=warning.reasons)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _detail(request, invitation, accept_form=form, status=400)
    except NotAllowed as refused:  # a block between the two: nothing was changed
        apply_service_errors(form, refused)
        return _detail(request, invitation, accept_form=form, status=403)
    messages.success(
        request, f"You accepted. Welcome to your workroom with {invitation.job.client.name}."
    )
    return redirect(workroom.get_absolute_url())


@login_required
@require_POST
@_closed_invitation_says_so
def invitation_decline(request, invitation_id):
    invitation = selectors.invitation_received(user=request.user, invitation_id=invitation_id)
    invitation = _found(invitation)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, invitation, decline_form=form, status=400)
    try:
        services.invitation_decline(
            invitation=invitation,
            by=request.user,
            reason=form.cleaned_data["decline_reason"],
            note=form.cleaned_data["decline_note"],
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _detail(request, invitation, decline_form=form, status=400)
    messages.success(request, f"You declined. {invitation.job.client.name} has been told.")
    return redirect(invitation)


@login_required
@require_POST
@_closed_invitation_says_so
def invitation_withdraw(request, invitation_id):
    invitation = _found(selectors.invitation_sent(user=request.user, invitation_id=invitation_id))
    services.invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, f"Invitation withdrawn. {invitation.freelancer.name} has been told.")
    return redirect(invitation)
