"""The mediator's tools on a dispute's admin page: "Assign to me" and the forms that each call
one service.

What the page offers comes from `disputes.rules`, the same functions the services ask before
they act, so a form is shown exactly when its service would accept it (and the service still
refuses a stale page). A refusal or bad input comes back as a message, with what was typed and
the service's reasons kept for the page to show next to the fields; nothing changes.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import ApplicationError
from core.forms import apply_service_errors
from core.uploads import refusal_text
from disputes import services
from disputes.admin.dossier import with_times
from disputes.admin.filters import time_left_words
from disputes.admin.forms import MEDIATION_FORMS
from disputes.models import Dispute, Dossier
from disputes.permissions import can_mediate, can_see_record
from disputes.rules import assign_refusal, close_refusal, mediation_refusal
from messaging.selectors import conversation_record

ACTIONS = ["assign", *MEDIATION_FORMS]


def assign(request, dispute: Dispute) -> str | None:
    """“Assign to me”: None when done, else why not."""
    try:
        services.mediator_assign(dispute=dispute, by=request.user)
    except ApplicationError as error:
        return error.detail
    return None


def draft_key(dispute_id) -> str:
    return f"dispute-admin-draft-{dispute_id}"


def _errors_by_field(error: ApplicationError | ValidationError) -> dict[str, list[str]]:
    """The service's reasons by field, to show next to the fields after the redirect."""
    if isinstance(error, ApplicationError):
        field = error.extra.get("field")
        return {field: [error.detail]} if field else {}
    if not hasattr(error, "error_dict"):
        return {}
    return {
        field: [str(m) for m in ValidationError(errors).messages]
        for field, errors in error.error_dict.items()
    }


def _keep_draft(request, dispute: Dispute, action: str, form, errors: dict) -> None:
    """What was typed, and why the service refused it, for the change page to show."""
    request.session[draft_key(dispute.pk)] = {
        "action": action,
        "data": {
            form.add_prefix(name): request.POST.get(form.add_prefix(name), "")
            for name in form.fields
        },
        "errors": errors,
    }


def mediate(request, dispute: Dispute, action: str) -> str:
    """Run one mediation form through its service; the page anchor to return to ("" when
    done)."""
    if action == "assign":
        refusal = assign(request, dispute)
        if refusal:
            messages.error(request, refusal)
        else:
            messages.success(request, f"Dispute #{dispute.pk} is assigned to you.")
        return ""
    form_class, call, success = MEDIATION_FORMS[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, "Please correct the form below.")
        _keep_draft(request, dispute, action, form, errors={})
        return f"#mediate-{action}"
    try:
        call(dispute, request.user, form.cleaned_data)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, refusal_text(error))
        _keep_draft(request, dispute, action, form, errors=_errors_by_field(error))
        return f"#mediate-{action}"
    request.session.pop(draft_key(dispute.pk), None)
    messages.success(request, success)
    return ""


def _forms(request, dispute: Dispute) -> dict:
    """Each mediation form: blank, or the draft a refused post left."""
    draft = request.session.pop(draft_key(dispute.pk), None)
    forms_by_name = {}
    for name, (form_class, _call, _success) in MEDIATION_FORMS.items():
        if draft and draft.get("action") == name:
            form = form_class(draft.get("data", {}), prefix=name)
            form.is_valid()
            if draft.get("errors"):
                apply_service_errors(form, ValidationError(draft["errors"]))
        else:
            form = form_class(prefix=name)
        forms_by_name[name] = form
    return forms_by_name


def offers(dispute: Dispute, user) -> dict[str, bool]:
    """Which actions the page offers `user` now: the rules their services enforce."""
    acting = mediation_refusal(dispute, user) is None
    return {
        "assign": assign_refusal(dispute, user) is None,
        "message": acting,
        "propose": acting,
        "resolve": acting,
        "close": close_refusal(dispute, user) is None,
        "note": can_mediate(user),
    }


def mediation_context(request, dispute: Dispute, *, site_name: str) -> dict:
    """What the dispute's admin page shows besides the admin's own fields and inlines."""
    mediator = can_mediate(request.user)
    record = can_see_record(request.user)
    thread = (
        with_times(conversation_record(conversation_id=dispute.conversation_id)) if record else []
    )
    words, overdue = time_left_words(dispute.stage_due_at) if dispute.is_active else ("", False)
    return {
        "dispute": dispute,
        "can_mediate": mediator,
        "can_see_record": record,
        "thread": thread,
        "time_left_words": words,
        "overdue": overdue,
        "has_dossier": Dossier.objects.filter(dispute=dispute).exists(),
        "dossier_url": reverse(f"{site_name}:disputes_dispute_dossier", args=[dispute.pk]),
        "mediation_forms": _forms(request, dispute) if mediator else {},
        "mediation_urls": {
            action: reverse(f"{site_name}:disputes_dispute_mediate_{action}", args=[dispute.pk])
            for action in ACTIONS
        },
        "offer": offers(dispute, request.user),
    }
