"""What a person may do on a dispute now: each rule written once.

Each function returns None when the step is allowed, else the sentence that says why not. The
services raise that sentence (`NotAllowed`) after locking the row; the parties' pages
(`selectors.actions_for`) and the admin's mediation screen ask the same function what to offer,
so a button is never shown that the service would refuse (and a stale page that posts anyway
is refused by the service).
"""

from django.db.models import Q
from django.utils import timezone

from disputes.models import Dispute, Resolution
from disputes.permissions import MEDIATORS_ONLY_TEXT, can_mediate, is_acting_mediator

ENDED_TEXT = "This dispute has ended: nothing can be changed any more."


def evidence_refusal(dispute: Dispute, user) -> str | None:
    """Whether `user` may add evidence now: the parties and the mediator (while they may still
    mediate), while it is active."""
    if not (dispute.is_party(user) or is_acting_mediator(dispute, user)):
        return "Only the parties and the mediator can add evidence."
    if not dispute.is_active:
        return ENDED_TEXT
    return None


def answer_refusal(dispute: Dispute, resolution: Resolution, user) -> str | None:
    """Whether `user` (a party) may answer this proposal now: while it waits, once."""
    if resolution.status != Resolution.Status.PENDING:
        return f"This proposal is no longer open ({resolution.get_status_display().lower()})."
    if resolution.answer_of(dispute, user):
        if resolution.proposed_by_id == user.pk:
            return "You made this proposal: the other party answers it."
        return "You have already answered this proposal."
    return None


def withdraw_refusal(dispute: Dispute, user) -> str | None:
    """Whether `user` (a party) may withdraw the dispute: its opener, while it is active."""
    if not dispute.is_active:
        return ENDED_TEXT
    if user.pk != dispute.opened_by_id:
        return "Only the person who opened the dispute can withdraw it."
    return None


def escalation_refusal(dispute: Dispute, user, now=None) -> str | None:
    """Whether `user` may ask for mediation now: the other party at once (declining direct
    settlement), the opener once the response time has passed or their proposal was refused."""
    now = now or timezone.now()
    if not dispute.is_party(user):
        return "Only the parties can ask for mediation."
    if dispute.status == Dispute.Status.MEDIATION:
        return "This dispute is already in mediation."
    if dispute.status != Dispute.Status.OPEN:
        return ENDED_TEXT
    if user.pk == dispute.other_party_id:
        return None
    refused = (
        dispute.resolutions.filter(
            Q(other_answer=Resolution.Answer.REJECTED) | Q(status=Resolution.Status.EXPIRED),
            proposed_by=dispute.opened_by,
        ).exists()
        or dispute.resolutions.filter(
            proposed_by=dispute.other_party, opener_answer=Resolution.Answer.REJECTED
        ).exists()
    )
    if refused or now >= dispute.stage_due_at:
        return None
    when = timezone.localtime(dispute.stage_due_at)
    return (
        f"{dispute.other_party.name} has until {when:%a %d %b, %H:%M} to answer; you can ask "
        "for mediation then, or at once if they reject a proposal."
    )


def assign_refusal(dispute: Dispute, user) -> str | None:
    """Whether `user` may take this dispute as its mediator now (“Assign to me”)."""
    if not can_mediate(user):
        return MEDIATORS_ONLY_TEXT
    if dispute.status != Dispute.Status.MEDIATION:
        if dispute.is_active:
            return "Only disputes in mediation get a mediator; this one is still open."
        return ENDED_TEXT
    if dispute.mediator_id == user.pk:
        return "This dispute is already assigned to you."
    if dispute.is_party(user):
        return "You are a party to this dispute and can't mediate it."
    return None


def mediation_refusal(dispute: Dispute, user) -> str | None:
    """Whether `user` may act as this dispute's mediator now: message both parties, propose
    terms, resolve it."""
    if not can_mediate(user):
        return MEDIATORS_ONLY_TEXT
    if dispute.mediator_id != user.pk:
        return "Assign this dispute to yourself first: only its mediator can do that."
    if not dispute.is_active:
        return ENDED_TEXT
    if dispute.status != Dispute.Status.MEDIATION:
        return "The mediator acts once the dispute is in mediation."
    return None


def close_refusal(dispute: Dispute, user) -> str | None:
    """Whether `user` may close this dispute without a resolution: any mediator who is not a
    party, while it is active."""
    if not can_mediate(user):
        return MEDIATORS_ONLY_TEXT
    if not dispute.is_active:
        return ENDED_TEXT
    if dispute.is_party(user):
        return "You are a party to this dispute and can't close it as a mediator."
    return None
