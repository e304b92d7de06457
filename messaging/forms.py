from django import forms

from messaging.models import MessagingPreferences, Report


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = MessagingPreferences
        fields = [
            "share_read_receipts",
            "share_typing",
            "share_presence",
            "email_digests",
            "email_delay_minutes",
        ]

    def clean_email_delay_minutes(self) -> int:
        minutes: int = self.cleaned_data["email_delay_minutes"]
        if not 1 <= minutes <= 24 * 60:
            raise forms.ValidationError("Choose between 1 minute and 24 hours (1,440 minutes).")
        return minutes


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened? Our team reads every report.",
    )
