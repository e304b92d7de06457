"""Forms parse input; the rules live in workrooms.services."""

from django import forms
from django.contrib.auth import get_user_model

from core.forms import BoundedDateTimeField, MoneyFormMixin
from core.uploads import WORKROOM_FILE, size_text

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class ZonedDateTimeField(BoundedDateTimeField):
    """A wall-clock time read in the viewer's own timezone (activated by middleware), within
    ten years of today (core.forms.DateBoundsValidator)."""

    widget = DATETIME_WIDGET
    input_formats = DATETIME_FORMATS


class OpenForm(forms.Form):
    freelancer = forms.CharField(
        label="Freelancer",
        max_length=40,
        help_text="Their handle, as on their profile (e.g. sam-rivera).",
    )
    title = forms.CharField(label="Project title", max_length=200)

    def clean_freelancer(self):
        handle = self.cleaned_data["freelancer"].strip().lstrip("@").lower()
        person = get_user_model().objects.filter(handle=handle, is_active=True).first()
        if person is None:
            raise forms.ValidationError("Nobody has this handle. Check their profile address.")
        if not person.is_freelancer:
            raise forms.ValidationError(f"{person.name} is not a freelancer on Tandem.")
        return person


class FileUploadForm(forms.Form):
    description = forms.CharField(
        label="Description", max_length=500, required=False, widget=forms.TextInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = (
            f"Up to {size_text(WORKROOM_FILE.max_bytes)} per file. A file with the "
            "name of one already shared becomes its next version."
        )


class DeadlineForm(MoneyFormMixin):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_at = ZonedDateTimeField(label="Due")

    field_order = ["title", "description", "due_at", "amount", "currency"]


class SubmitForm(forms.Form):
    note = forms.CharField(
        required=False, label="Note to the client", widget=forms.Textarea(attrs={"rows": 2})
    )
    versions = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Files delivered", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["versions"].choices = [
            (v.pk, f"{v.shared_file.name} (version {v.number})") for v in versions
        ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("changes", "Request changes")])
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you ask for changes: say what should change.",
    )


class CallForm(forms.Form):
    starts_at = ZonedDateTimeField(label="Starts")
    duration_minutes = forms.TypedChoiceField(
        label="Duration",
        coerce=int,
        initial=30,
        choices=[(15, "15 min"), (30, "30 min"), (45, "45 min"), (60, "1 hour"), (90, "1½ hours")],
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write an agenda, so both of you can prepare."},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RescheduleForm(CallForm):
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelCallForm(forms.Form):
    note = forms.CharField(
        label="Why cancel?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, so the other person knows."},
    )
