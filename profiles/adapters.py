from allauth.account.adapter import DefaultAccountAdapter

from profiles.services import user_signup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return user_signup(user=user, name=data["name"], role=data["role"])
