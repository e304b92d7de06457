"""Deleting an account ("Delete my account", /account/delete/).

What the other party and open records must keep stays, under the name "Deleted user": messages
in shared conversations, files in workrooms, ended disputes, answered invitations. Everything
else that is the person's own goes: the profile's content, photo and work samples (their files
too), skills, response times, e-mail addresses, sessions, two-factor authenticators and social
logins where those apps are installed, and what each app's registered `erase` removes. The user
row stays as an inactive tombstone (no name, e-mail or usable password) so every foreign key
still holds.

Refused while something still needs the person: an open dispute, a contract still running.
Each app says what blocks it through profiles.account_parts, so profiles imports none of them.
"""

from dataclasses import asdict
from uuid import uuid4

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction

from core.exceptions import Invalid, NotAllowed, NotFound
from profiles import account_parts, tasks
from profiles.account_parts import Blocker
from profiles.models import Profile, ProfileSkill, ResponseTimeRecord, User, WorkSample
from profiles.services.editing import profile_reindex
from profiles.services.media import delete_files_on_commit

DELETED_NAME = "Deleted user"
# The models of allauth's optional apps holding a person's logins, when they are installed.
OPTIONAL_LOGIN_MODELS = (
    ("socialaccount", "SocialAccount"),
    ("mfa", "Authenticator"),
    ("usersessions", "UserSession"),
)


class AccountDeletionRefused(NotAllowed):
    """Something still needs the person (an open dispute, a running contract): `blockers`
    says what, with a link to each."""

    code = "account_deletion_refused"

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__(
            "Your account cannot be deleted yet: settle what is listed below first.",
            blockers=[asdict(blocker) for blocker in blockers],
        )
        self.blockers = blockers


class WrongConfirmation(Invalid):
    code = "wrong_confirmation"


def confirms_with_password(user: User) -> bool:
    """A person with a password retypes it; one without (made by the admin, or by a social
    login) retypes their e-mail address instead."""
    return user.has_usable_password()


def account_deletion_blockers(*, user: User) -> list[Blocker]:
    return [
        blocker
        for part in account_parts.parts()
        if part.blockers is not None
        for blocker in part.blockers(user=user)
    ]


def _check_confirmation(user: User, confirmation: str) -> None:
    if confirms_with_password(user):
        if not user.check_password(confirmation or ""):
            raise WrongConfirmation("That is not your password. Nothing was deleted.")
    elif (confirmation or "").strip().lower() != user.email.lower():
        raise WrongConfirmation("That is not your e-mail address. Nothing was deleted.")


def _erase_profile(user: User) -> None:
    profile = Profile.objects.select_for_update().get(user=user)
    samples = list(WorkSample.objects.filter(profile=profile))
    delete_files_on_commit(
        profile.photo.name,
        profile.photo_thumb.name,
        *(name for s in samples for name in (s.image.name, s.image_thumb.name)),
    )
    WorkSample.objects.filter(pk__in=[s.pk for s in samples]).delete()
    ProfileSkill.objects.filter(profile=profile).delete()
    ResponseTimeRecord.objects.filter(user=user).delete()
    # The row stays (every user has one; pages that show a member read it), empty.
    blank = Profile(user=user)
    for field in ("title", "overview", "hourly_rate", "rate_currency", "availability"):
        setattr(profile, field, getattr(blank, field))
    for field in ("timezone", "country", "languages", "work_start", "work_end", "work_days"):
        setattr(profile, field, getattr(blank, field))
    profile.photo = profile.photo_thumb = ""
    profile.save()


def _erase_logins(user: User) -> None:
    EmailAddress.objects.filter(user=user).delete()
    for app_label, model_name in OPTIONAL_LOGIN_MODELS:
        if apps.is_installed(f"allauth.{app_label}"):
            apps.get_model(app_label, model_name).objects.filter(user=user).delete()


def _tombstone(user: User) -> None:
    user.name = DELETED_NAME
    user.email = f"deleted-{user.pk}@deleted.invalid"  # .invalid never resolves (RFC 2606)
    user.handle = f"deleted-{uuid4().hex[:12]}"
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    # A plain save, so post_save sees is_active=False (live sockets are closed on it).
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


@transaction.atomic
def account_delete(*, user: User, confirmation: str) -> None:
    """Delete `user`'s account, once `confirmation` is their password (or e-mail address) and
    nothing blocks it; raises WrongConfirmation or AccountDeletionRefused otherwise."""
    user = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
    if user is None:
        raise NotFound("No such account.")
    _check_confirmation(user, confirmation)
    blockers = account_deletion_blockers(user=user)
    if blockers:
        raise AccountDeletionRefused(blockers)
    for part in account_parts.parts():
        if part.erase is not None:
            part.erase(user=user)
    _erase_profile(user)
    _erase_logins(user)
    _tombstone(user)
    profile_reindex(profile=user.profile)
    tasks.account_sessions_purge.delay_on_commit(user.pk)
