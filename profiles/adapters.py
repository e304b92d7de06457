import ipaddress

from allauth.account.adapter import DefaultAccountAdapter

from profiles.services import user_signup

# Also shown for too many wrong two-factor codes (allauth.mfa uses the same message).
TOO_MANY_ATTEMPTS_TEXT = (
    "Too many failed attempts to log in to this account. Wait five minutes and try again, "
    "or reset your password."
)


def _network(ip: str) -> str:
    """An IPv6 client owns a whole /64: counting per address would let it rotate for free."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return ip


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": TOO_MANY_ATTEMPTS_TEXT,
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return user_signup(user=user, name=data["name"], role=data["role"])

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts wrong passwords per account ("login_failed" … /key), from anywhere: five
        # guesses by a stranger locked the owner out for five minutes. Counting per account and
        # client network slows the guesser just as much and leaves the owner's own network
        # alone. The per-address limit across accounts ("… /ip") is unchanged. This is allauth's
        # one hook for the key (tests/profiles/test_sign_in_security.py pins the behaviour).
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{_network(self.get_client_ip(request) or '')}"
