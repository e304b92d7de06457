"""Whether a person still has to set up two-factor authentication before using Tandem."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings


def second_factor_missing(user) -> bool:
    """With MFA_REQUIRED_FOR_STAFF, a staff member (every mediator is one) with no authenticator:
    the pages send them to enrol (profiles.middleware) and the websocket refuses them."""
    return bool(
        settings.MFA_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
    )
