"""Forms parse input for the parties' pages; the rules live in disputes.services."""

from django import forms

from core.forms import AmountField, MoneyFormMixin
from core.uploads import DISPUTE_EVIDENCE, size_text
from disputes.models import Dispute
from workrooms.models import Deadline

# Evidence rows on the "Open a dispute" page without JavaScript: evidence-0/caption-0, … (one
# name per row, so an empty file input cannot shift a caption onto the wrong file).
EVIDENCE_ROWS = 3
EVIDENCE_ROWS_MAX = 10


def upload_help() -> str:
    """The line under every evidence file input."""
    limit = size_text(DISPUTE_EVIDENCE.max_bytes)
    return (
        f"Screenshots, PDFs, documents or a zip, up to {limit} each. Only the two of you and "
        "the mediator can see them."
    )


class OpenForm(MoneyFormMixin):
    reason = forms.ChoiceField(
        label="What is the dispute about?",
        choices=[("", "Choose a reason…"), *Dispute.Reason.choices],
        error_messages={"required": "Choose what the dispute is about."},
    )
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The facts, in order: what was agreed, what was delivered or paid, and when.",
        error_messages={"required": "Describe what happened, so the other person can answer."},
    )
    desired_outcome = forms.CharField(
        label="What would settle it for you",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a revision by Friday, a partial refund, payment of the milestone.",
        error_messages={"required": "Say what outcome you are asking for."},
    )
    amount = AmountField(label="Amount in question", required=False)
    deadline = forms.ModelChoiceField(
        label="Deadline it concerns",
        queryset=Deadline.objects.none(),
        required=False,
        empty_label="None in particular",
    )

    field_order = ["reason", "description", "desired_outcome", "amount", "currency", "deadline"]

    def __init__(self, *args, workroom, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].queryset = Deadline.objects.filter(workroom=workroom).order_by(
            "due_at"
        )
        if not self.fields["deadline"].queryset.exists():
            del self.fields["deadline"]


class EvidenceForm(forms.Form):
    caption = forms.CharField(
        label="Caption",
        max_length=500,
        required=False,
        help_text="What it shows, e.g. “The delivered homepage, 3 May”.",
    )


class ProposalForm(MoneyFormMixin):
    terms = forms.CharField(
        label="Your terms",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Concrete and checkable: what each of you does, and by when.",
        error_messages={"required": "Write the terms you propose."},
    )

    field_order = ["terms", "amount", "currency"]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; if you reject, say what would work for you.",
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why are you withdrawing?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; the other person sees it.",
    )
