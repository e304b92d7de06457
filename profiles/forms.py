from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import URLValidator
from django_countries import countries

from core.forms import AmountField, CurrencyField, split_list
from core.money import DEFAULT_CURRENCY, RATE_MAX
from core.uploads import PHOTO, WORK_SAMPLE, size_text, too_large_message
from profiles.models import (
    MAX_SKILLS,
    OVERVIEW_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Profile,
    User,
    handle_validator,
)
from profiles.selectors import SearchCriteria, clean_query
from profiles.skills import clean_skill_names
from profiles.timezones import timezone_choices


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the two things Tandem needs from day one: a name and a role."""

    name = forms.CharField(
        label="Full name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Sam Rivera"}),
        help_text="Shown to the people you work with.",
    )
    role = forms.ChoiceField(
        label="I want to",
        choices=[
            (User.Role.CLIENT, "Hire freelancers"),
            (User.Role.FREELANCER, "Work as a freelancer"),
        ],
        widget=forms.RadioSelect,
    )

    field_order = ["name", "email", "role", "password1", "password2"]

    def validate_unique_email(self, value):
        # Enumeration prevention is on for every other form (ACCOUNT_PREVENT_ENUMERATION), but
        # sign-up says plainly that an address is taken, as the foundation issue asks; allauth's
        # "signup" rate limit bounds how fast anyone can probe with it.
        email = super().validate_unique_email(value)
        if self.account_already_exists:
            raise get_adapter().validation_error("email_taken")
        return email

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if "@" in name:
            raise forms.ValidationError(
                "Use your name here, not an e-mail address: others will see it."
            )
        if len(name) < 2:
            raise forms.ValidationError("Enter your name as others should see it.")
        return name


# --- Profile editing -------------------------------------------------------------------------


WEEKDAYS = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


class ProfileForm(forms.Form):
    """Everything on /profile/edit/ except the photo and work samples (their own forms).

    Clients see no skills, rate or availability: those describe freelancers.
    """

    name = forms.CharField(
        label="Full name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text="Shown to the people you work with.",
    )
    handle = forms.CharField(
        label="Handle",
        max_length=30,
        validators=[handle_validator],
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
        help_text="Your profile's address, /u/your-handle/: lowercase letters, digits and hyphens.",
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Full-stack Django developer"}),
        help_text="One line that says what you do. Clients see it first, in search too.",
    )
    overview = forms.CharField(
        label="Overview",
        required=False,
        max_length=OVERVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "data-overview": ""}),
        error_messages={
            "max_length": (
                f"Keep the overview under {OVERVIEW_MAX_LENGTH:,} characters "
                "(it has %(show_value)s). Trim it and save again."
            )
        },
    )
    skills = forms.CharField(
        label="Skills",
        required=False,
        max_length=MAX_SKILLS * 52,
        widget=forms.TextInput(
            attrs={"placeholder": "Django, PostgreSQL, React", "data-skills-input": ""}
        ),
        help_text=f"Separate them with commas; up to {MAX_SKILLS}. List your strongest first.",
    )
    hourly_rate = AmountField(label="Hourly rate", required=False, maximum=RATE_MAX, noun="rate")
    rate_currency = CurrencyField()
    availability = forms.ChoiceField(
        label="Availability",
        required=False,
        choices=Profile.Availability.choices,
        widget=forms.RadioSelect,
    )
    timezone = forms.ChoiceField(
        label="Timezone",
        required=False,
        error_messages={
            "invalid_choice": "“%(value)s” is not a timezone we know. Pick one from the list."
        },
        help_text="Times on Tandem are shown in this zone, and your profile shows your local time.",
    )
    country = forms.ChoiceField(label="Country", required=False)
    languages = forms.CharField(
        label="Languages",
        required=False,
        max_length=400,
        widget=forms.TextInput(attrs={"placeholder": "English, Spanish"}),
        help_text="Separate them with commas.",
    )
    work_start = forms.TimeField(
        label="Working hours from",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 09:00."},
    )
    work_end = forms.TimeField(
        label="to",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 17:30."},
    )
    work_days = forms.TypedMultipleChoiceField(
        label="Working days",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one working day."},
    )

    FREELANCER_ONLY = ("skills", "hourly_rate", "rate_currency", "availability")

    def __init__(self, *args, profile: Profile, **kwargs):
        self.profile = profile
        user = profile.user
        kwargs.setdefault(
            "initial",
            {
                "name": user.name,
                "handle": user.handle,
                "title": profile.title,
                "overview": profile.overview,
                "skills": ", ".join(ps.skill.name for ps in profile.ordered_skills)
                if hasattr(profile, "ordered_skills")
                else ", ".join(
                    profile.skills.order_by("profile_skills__position").values_list(
                        "name", flat=True
                    )
                ),
                "hourly_rate": profile.hourly_rate,
                "rate_currency": profile.rate_currency,
                "availability": profile.availability,
                "timezone": profile.timezone,
                "country": profile.country.code,
                "languages": ", ".join(profile.languages or []),
                "work_start": profile.work_start,
                "work_end": profile.work_end,
                "work_days": profile.work_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", "Choose your timezone")] + timezone_choices()
        self.fields["country"].choices = [("", "Choose your country"), *countries]
        if not user.is_freelancer:
            for name in self.FREELANCER_ONLY:
                del self.fields[name]
            self.fields["title"].label = "Company or headline"
            self.fields["title"].widget.attrs["placeholder"] = "Founder, Lee & Partners Studio"
            self.fields["title"].help_text = "Freelancers see it next to your name."
            self.fields["overview"].label = "About you"
            self.fields[
                "overview"
            ].help_text = "What you or your company do and the kind of work you hire for."
        else:
            self.fields["overview"].help_text = (
                "Who you are, what you're great at and how you like to work. "
                "100 words or more reads as a complete profile."
            )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if "@" in name:
            raise forms.ValidationError(
                "Use your name here, not an e-mail address: others will see it."
            )
        if len(name) < 2:
            raise forms.ValidationError("Enter your name as others should see it.")
        return name

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lower()
        taken = User.objects.filter(handle=handle).exclude(pk=self.profile.pk).exists()
        if taken:
            raise forms.ValidationError("That handle is taken. Try another one.")
        return handle

    def clean_skills(self):
        try:
            return clean_skill_names(split_list(self.cleaned_data["skills"]))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_languages(self):
        return split_list(self.cleaned_data["languages"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("work_start"), cleaned.get("work_end")
        if start and end and start >= end:
            self.add_error(
                "work_end", "Working hours must end after they start (e.g. 09:00 to 17:00)."
            )
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        skills = data.pop("skills", None)
        return {"data": data, "skills": skills}


class PhotoForm(forms.Form):
    """The file only; profiles.services decodes and checks the image (errors come back keyed)."""

    photo = forms.FileField(
        label="Profile photo",
        widget=forms.FileInput(attrs={"accept": PHOTO.accept, "data-photo-input": ""}),
        error_messages={"required": "Choose a photo to upload.", "empty": "This file is empty."},
    )

    def __init__(self, *args, too_large: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["photo"].help_text = (
            f"JPEG, PNG or WebP, up to {size_text(PHOTO.max_bytes)}. "
            "A square photo of your face works best."
        )

    def full_clean(self):
        super().full_clean()
        if self.add_prefix("photo") in self.too_large:
            self.errors.pop("photo", None)
            self.add_error("photo", too_large_message(PHOTO.max_bytes))


class WorkSampleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    description = forms.CharField(
        label="Description",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you did, for whom, and what came of it.",
        error_messages={"max_length": "Keep the description under 2,000 characters."},
    )
    link = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={"invalid": "Enter a web address, e.g. https://example.com/case-study."},
    )
    is_public = forms.BooleanField(
        label="Show on my public profile",
        required=False,
        initial=True,
        help_text="Unticked, the sample is visible to you only.",
    )
    image = forms.FileField(
        label="Image",
        required=False,
        widget=forms.FileInput(attrs={"accept": WORK_SAMPLE.accept}),
        help_text="Optional. JPEG, PNG or WebP; large images are scaled down.",
    )
    remove_image = forms.BooleanField(label="Remove the current image", required=False)

    def __init__(self, *args, too_large: set[str] = frozenset(), editing: bool = False, **kw):
        super().__init__(*args, **kw)
        self.too_large = too_large
        if not editing:
            del self.fields["remove_image"]

    def full_clean(self):
        super().full_clean()
        if self.add_prefix("image") in self.too_large:
            self.errors.pop("image", None)
            self.add_error("image", too_large_message(WORK_SAMPLE.max_bytes))
            self.add_error(
                None, "Nothing else was lost: fix the image, then choose it again and save."
            )


class SearchForm(forms.Form):
    """The query string of /freelancers/: invalid bits are reported and ignored, never fatal."""

    q = forms.CharField(
        label="Search freelancers",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Try “Django”, “brand identity” or “data visualization”",
                "autocomplete": "off",
            }
        ),
    )
    skill = forms.MultipleChoiceField(label="Skills", required=False)
    rate_min = AmountField(
        label="Min rate",
        required=False,
        maximum=RATE_MAX,
        noun="rate",
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "min": "0.01", "placeholder": "Min"}
        ),
    )
    rate_max = AmountField(
        label="Max rate",
        required=False,
        maximum=RATE_MAX,
        noun="rate",
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "min": "0.01", "placeholder": "Max"}
        ),
    )
    currency = CurrencyField(required=False)
    availability = forms.MultipleChoiceField(
        label="Availability",
        required=False,
        choices=Profile.Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, skill_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.getlist("skill") if hasattr(self.data, "getlist") else []
        names = list(dict.fromkeys([*chosen, *skill_names]))
        self.fields["skill"].choices = [(name, name) for name in names]
        self.fields["skill"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["skill"].choices
        )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("rate_min"), cleaned.get("rate_max")
        if low is not None and high is not None and low > high:
            self.add_error("rate_max", "The maximum is below the minimum.")
        return cleaned

    def criteria(self) -> SearchCriteria:
        """What is valid; a field with an error counts as not given."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return SearchCriteria(
            q=clean_query(data.get("q", "")),
            skills=tuple(data.get("skill") or ()),
            rate_min=data.get("rate_min"),
            rate_max=data.get("rate_max"),
            currency=data.get("currency") or DEFAULT_CURRENCY,
            availability=tuple(data.get("availability") or ()),
        )


class AccountDeleteForm(forms.Form):
    """Retype the password (or, for an account without one, the e-mail address) to delete."""

    confirmation = forms.CharField(max_length=254, strip=False)

    def __init__(self, *args, by_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["confirmation"]
        if by_password:
            field.label = "Your password"
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            field.label = "Your e-mail address"
            field.widget = forms.EmailInput(attrs={"autocomplete": "off"})
        field.help_text = "We ask so that nobody else can delete your account from your browser."
