"""Who may mediate, and who may look at disputes in the admin: the one place each rule lives.

Two-factor authentication is not a rule here but a gate in front of every page: with
MFA_REQUIRED_FOR_STAFF (on in production) a staff member, and so every mediator, reaches no page
before enrolling (`profiles.middleware.StaffTwoFactorMiddleware`, docs/accounts.md).

A mediator's access follows the permission, not the row: being a dispute's `mediator` grants
nothing unless `can_mediate` still holds, so a mediator whose permission, group, staff flag or
account is taken away loses the dispute at their next request, before the revocation service
(`disputes.services.revocation`) has even unassigned them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.exceptions import NotAllowed

MEDIATE_PERMISSION = "disputes.mediate_dispute"
VIEW_PERMISSION = "disputes.view_dispute"
MEDIATORS_ONLY_TEXT = (
    "Only mediators can do this: ask an administrator for the “Can mediate disputes” permission."
)


def can_mediate(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(MEDIATE_PERMISSION)
    )


def check_mediator(user) -> None:
    if not can_mediate(user):
        raise NotAllowed(MEDIATORS_ONLY_TEXT)


def is_acting_mediator(dispute, user) -> bool:
    """Whether `user` is this dispute's mediator *and* may still mediate."""
    return (
        user is not None
        and dispute.mediator_id is not None
        and dispute.mediator_id == user.pk
        and can_mediate(user)
    )


def can_view_disputes(user) -> bool:
    """Whether `user` may look at the admin's queue and a dispute's summary (mediators need no
    extra grant)."""
    return user.has_perm(VIEW_PERMISSION) or can_mediate(user)


def can_see_record(user) -> bool:
    """Whether `user` may read a dispute's record: the dossier, the whole thread (deleted
    messages and earlier versions included), the evidence files, internal notes, proposals and
    the audit trail. Mediators only; `view_dispute` alone shows the summary."""
    return can_mediate(user)


def mediators() -> QuerySet:
    """Everyone who may mediate, as a query: can_mediate's rule for many users at once."""
    User = get_user_model()
    app_label, codename = MEDIATE_PERMISSION.split(".")
    perm = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return User.objects.filter(
        Q(is_superuser=True) | perm | group, is_active=True, is_staff=True
    ).distinct()


def can_see_dispute(dispute, user) -> bool:
    """Whether this dispute exists for `user`: its parties, its mediator while they may still
    mediate, and staff who may look at disputes in the admin. To anyone else it does not."""
    return dispute.is_party(user) or is_acting_mediator(dispute, user) or can_view_disputes(user)
