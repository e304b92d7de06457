from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from profiles.models import User


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

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if "@" in name:
            raise forms.ValidationError(
                "Use your name here, not an e-mail address: others will see it."
            )
        if len(name) < 2:
            raise forms.ValidationError("Enter your name as others should see it.")
        return name
