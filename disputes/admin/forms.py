"""The mediation forms: each parses input for one service."""

from django import forms

from core.forms import MoneyFormMixin
from disputes import services


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message to both parties", widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
    )


class ProposalForm(MoneyFormMixin):
    terms = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))

    field_order = ["terms", "amount", "currency"]


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Internal note", widget=forms.Textarea(attrs={"rows": 3, "cols": 80})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


# name -> (form class, service call, success text). The service gets the form's cleaned data.
MEDIATION_FORMS = {
    "message": (
        MessageForm,
        lambda dispute, by, data: services.mediator_message(dispute=dispute, by=by, **data),
        "Your message was posted to both parties.",
    ),
    "propose": (
        ProposalForm,
        lambda dispute, by, data: services.proposal_make(
            dispute=dispute,
            by=by,
            terms=data["terms"],
            amount=data.get("amount"),
            currency=data.get("currency") or "",
        ),
        "Your proposal was sent to both parties.",
    ),
    "note": (
        NoteForm,
        lambda dispute, by, data: services.internal_note_add(dispute=dispute, by=by, **data),
        "Internal note saved.",
    ),
    "resolve": (
        OutcomeForm,
        lambda dispute, by, data: services.dispute_resolve(dispute=dispute, by=by, **data),
        "The dispute is resolved; both parties were told.",
    ),
    "close": (
        OutcomeForm,
        lambda dispute, by, data: services.dispute_close(dispute=dispute, by=by, **data),
        "The dispute is closed; both parties were told.",
    ),
}
