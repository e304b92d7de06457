import secrets

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from profiles.models import User

HANDLE_MAX = 30


def _compact(text: str) -> str:
    return slugify(text).replace("-", "")


def _spells_out_email(handle: str, email: str) -> bool:
    """True when a handle carries the e-mail address, e.g. from a name like "sam at example com".

    A handle that merely shares the person's name with the address's local part is fine: it
    comes from the name, and the address itself stays private.
    """
    local, _, domain = (email or "").lower().partition("@")
    local, domain_label = _compact(local), _compact(domain.split(".")[0])
    compact = handle.replace("-", "")
    return bool(local and domain_label) and local in compact and domain_label in compact


def _base_handle(name: str, email: str) -> str:
    base = slugify(name or "")[:HANDLE_MAX].strip("-")
    if _spells_out_email(base, email) or len(base) < 3:
        base = "member"
    return base


def handle_for_new_user(*, name: str, email: str) -> str:
    """A free, valid handle derived from the display name; never from the e-mail address."""
    base = _base_handle(name, email)
    if not User.objects.filter(handle=base).exists():
        return base
    for _ in range(20):
        suffix = str(secrets.randbelow(9000) + 1000)
        candidate = f"{base[: HANDLE_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"
        if not User.objects.filter(handle=candidate).exists():
            return candidate
    return f"member-{secrets.token_hex(6)}"


def user_signup(*, user: User, name: str, role: str) -> User:
    """Complete a user that allauth's sign-up built: display name, role and a public handle.

    The handle is retried on a unique-constraint race with a concurrent sign-up.
    """
    user.name = name.strip()
    user.role = role
    for attempt in range(5):
        user.handle = handle_for_new_user(name=user.name, email=user.email)
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:
            if attempt == 4 or User.objects.filter(email__iexact=user.email).exists():
                raise
    return user


@transaction.atomic
def user_update_handle(*, user: User, handle: str) -> User:
    user.handle = handle.strip().lower()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["handle"])
    return user
