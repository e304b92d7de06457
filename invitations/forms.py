"""Forms parse and show; the services decide (limits are checked again there)."""

from django import forms

from core.forms import AmountField, CurrencyField, split_list
from core.money import RATE_MAX
from invitations.job_fields import Budget
from invitations.models import (
    EXPIRY_DAYS_CHOICES,
    EXPIRY_DAYS_DEFAULT,
    JOB_DESCRIPTION_MAX_LENGTH,
    JOB_TITLE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Invitation,
    Job,
)

NEW_JOB = "new"


class BudgetField(AmountField):
    """Shown as required (no "optional" marker), but which of them is needed depends on the
    budget type: the service says what is missing."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class JobForm(forms.Form):
    title = forms.CharField(
        label="Job title",
        max_length=JOB_TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Website rebuild"}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=JOB_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": "What needs doing, what good looks like, and by when.",
            }
        ),
    )
    skills = forms.CharField(
        label="Skills it takes",
        required=False,
        max_length=15 * 52,
        widget=forms.TextInput(attrs={"placeholder": "Django, PostgreSQL, Figma"}),
        help_text="Separate them with commas.",
    )
    budget_type = forms.ChoiceField(
        label="Budget",
        choices=Job.BudgetType.choices,
        initial=Job.BudgetType.FIXED,
        widget=forms.RadioSelect,
    )
    budget_amount = BudgetField(label="Amount", help_text="For the whole job.")
    rate_min = BudgetField(label="From (an hour)", maximum=RATE_MAX, noun="rate")
    rate_max = BudgetField(label="Up to (an hour)", maximum=RATE_MAX, noun="rate")
    currency = CurrencyField()

    def __init__(self, *args, job: Job | None = None, **kwargs):
        if job is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": job.title,
                    "description": job.description,
                    "skills": ", ".join(skill.name for skill in job.skills.all()),
                    "budget_type": job.budget_type,
                    "budget_amount": job.budget_amount,
                    "rate_min": job.rate_min,
                    "rate_max": job.rate_max,
                    "currency": job.currency,
                },
            )
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "skills": split_list(data.get("skills", "")),
            "budget": Budget(
                budget_type=data["budget_type"],
                amount=data.get("budget_amount"),
                rate_min=data.get("rate_min"),
                rate_max=data.get("rate_max"),
                currency=data["currency"],
            ),
        }


class NoteField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", NOTE_MAX_LENGTH)
        kwargs.setdefault("strip", True)
        attrs = {"rows": kwargs.pop("rows", 8), "data-note": "", "maxlength": NOTE_MAX_LENGTH}
        kwargs.setdefault("widget", forms.Textarea(attrs=attrs))
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Write a note: a personal word gets a better answer.",
                "max_length": f"Keep the note to {NOTE_MAX_LENGTH:,} characters "
                "(it has %(show_value)s).",
            },
        )
        super().__init__(**kwargs)


class JobSelect(forms.Select):
    """A select whose options for jobs this freelancer is already invited to are disabled."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = {str(value) for value in disabled_values}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class InvitationForm(forms.Form):
    """Pick one of your open jobs (or "a new job", described in a JobForm) and write a note.

    Jobs the freelancer already has a pending invitation to are shown but disabled; the
    service refuses a duplicate anyway.
    """

    job = forms.ChoiceField(label="Job")
    note = NoteField(
        label="Your note",
        help_text="Say why you thought of them: a personal note gets more, and faster, answers.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Open for",
        choices=EXPIRY_DAYS_CHOICES,
        coerce=int,
        initial=EXPIRY_DAYS_DEFAULT,
        help_text="After this the invitation expires and can no longer be accepted.",
    )

    def __init__(self, *args, jobs, invited=(), **kwargs):
        super().__init__(*args, **kwargs)
        invited = {str(pk) for pk in invited}
        self.jobs = {str(job.pk): job for job in jobs if str(job.pk) not in invited}
        choices = [
            (str(job.pk), f"{job.title} (already invited)" if str(job.pk) in invited else job.title)
            for job in jobs
        ]
        field = self.fields["job"]
        field.choices = [*choices, (NEW_JOB, "A new job…")]
        field.widget = JobSelect(choices=field.choices, disabled_values=invited)
        field.initial = next(iter(self.jobs), NEW_JOB)

    def clean_job(self):
        value = self.cleaned_data["job"]
        if value != NEW_JOB and value not in self.jobs:
            raise forms.ValidationError(
                "They already have a pending invitation to this job: pick another one."
            )
        return value

    def initial_job(self) -> Job | None:
        return self.jobs.get(self.fields["job"].initial)

    @property
    def wants_new_job(self) -> bool:
        return self.data.get("job", self.fields["job"].initial) == NEW_JOB

    def chosen_job(self) -> Job | None:
        return self.jobs.get(self.cleaned_data.get("job"))


class AcceptForm(forms.Form):
    response_note = NoteField(
        label="Your note to the client",
        rows=7,
        help_text="Your cover letter: what you'd do first, questions you have, when you can "
        "start. It becomes the first message in your workroom.",
    )
    proposed_rate = AmountField(label="Your proposed rate", required=False, noun="rate")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput, label="Send it anyway")


class DeclineForm(forms.Form):
    decline_reason = forms.ChoiceField(
        label="Reason",
        choices=Invitation.DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason: it helps the client next time."},
    )
    decline_note = NoteField(
        label="A word to the client",
        required=False,
        rows=3,
        help_text="Optional, unless you chose “Another reason”. A kind no helps next time.",
    )
