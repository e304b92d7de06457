"""Who may mediate: the one place the rule lives (two-factor for mediators will be added here)."""

from django.core.exceptions import PermissionDenied

MEDIATE_PERMISSION = "disputes.mediate_dispute"


class NotAllowed(PermissionDenied):
    """This person may not do this now: out of turn, a closed dispute, not a mediator."""


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
        raise NotAllowed(
            "Only mediators can do this: ask an administrator for the “Can mediate disputes” "
            "permission."
        )
