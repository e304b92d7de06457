"""Accounts: completing a sign-up with a name, a role and a public handle."""

from django.db import IntegrityError, transaction

from profiles.models import User


def handle_for_new_user(*, name: str, email: str) -> str:
    """A free, valid handle derived from the display name; never from the e-mail address."""
    return User.objects.free_handle(name=name, email=email)


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
