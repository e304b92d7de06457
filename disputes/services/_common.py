"""What every dispute action shares: the row lock, the checks of who may act, the one event
(and thread line) of each action, notifications, input cleaning, and how a dispute ends."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import NotAllowed, NotFound
from core.money import clean_money, format_money
from disputes.models import Dispute, DisputeEvent, Resolution
from disputes.permissions import can_see_dispute, mediators
from disputes.rules import ENDED_TEXT
from messaging import services as messaging
from messaging.notifications import notify

TEXT_MAX = 5000


def lock(dispute: Dispute) -> Dispute:
    """The dispute's row, locked until the action's transaction ends (two clicks, one winner)."""
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("workroom", "opened_by", "other_party", "mediator", "conversation")
        .get(pk=dispute.pk)
    )


# --- Who may act ---------------------------------------------------------------------------------


def refuse(refusal: str | None) -> None:
    """Raise a rule's refusal (disputes.rules), if it has one."""
    if refusal:
        raise NotAllowed(refusal)


def check_sees(dispute: Dispute, user) -> None:
    """To someone who may not see it, a dispute does not exist (as on its pages)."""
    if not can_see_dispute(dispute, user):
        raise NotFound("No such dispute.")


def check_party(dispute: Dispute, user) -> None:
    check_sees(dispute, user)
    if not dispute.is_party(user):
        raise NotAllowed("Only the two parties of this dispute can do that.")


def check_active(dispute: Dispute) -> None:
    if not dispute.is_active:
        raise NotAllowed(ENDED_TEXT)


# --- The record and who hears of it --------------------------------------------------------------


def dispute_url(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


def record(dispute: Dispute, *, actor, kind: str, summary: str, system_line=True, **data):
    """The one event of an action, and (for what the parties may see) a line in the thread."""
    event = DisputeEvent.objects.create(
        dispute=dispute, actor=actor, kind=kind, summary=summary[:500], data=data
    )
    if system_line:
        messaging.message_post_system(conversation=dispute.conversation, body=summary[:500])
    return event


def notify_people(users, *, dispute: Dispute, kind: str, title: str) -> None:
    """Tell each of `users` (None skipped), linking to the parties' page of the dispute."""
    for user in users:
        if user is not None:
            notify(user=user, kind=kind, title=title, url=dispute_url(dispute))


def notify_staff(users, *, dispute: Dispute, kind: str, title: str) -> None:
    """Tell mediators, linking to the dispute in the admin."""
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    for user in users:
        notify(user=user, kind=kind, title=title, url=url)


def notify_queue(dispute: Dispute) -> None:
    """Tell every mediator that this dispute waits in the queue for one of them."""
    notify_staff(
        mediators(),
        dispute=dispute,
        kind="dispute.queue",
        title=f"Dispute #{dispute.pk} needs a mediator",
    )


def mark_answered(dispute: Dispute, by) -> None:
    """The other party's first action counts as their answer to the dispute."""
    if by.pk == dispute.other_party_id and dispute.other_party_answered_at is None:
        dispute.other_party_answered_at = timezone.now()
        dispute.save(update_fields=["other_party_answered_at"])


# --- Input ---------------------------------------------------------------------------------------


def clean_text(value, *, field: str, label: str, errors: dict, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = f"{label} can't be empty."
    elif len(text) > TEXT_MAX:
        errors[field] = f"{label} may be at most {TEXT_MAX:,} characters (it has {len(text):,})."
    return text


def clean_amount(amount, currency, errors: dict) -> tuple[Decimal | None, str]:
    """The one money rule (core.money); what breaks it goes into `errors`."""
    try:
        return clean_money(amount, currency)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None, ""


def money_words(amount, currency) -> str:
    return f" ({format_money(amount, currency)})" if amount is not None else ""


# --- The end -------------------------------------------------------------------------------------


def end(dispute: Dispute, *, by, status: str, kind: str, outcome: str, summary: str, **data):
    """A dispute ends (resolved, withdrawn, closed): a pending proposal is superseded, the
    thread becomes read-only, and everyone concerned but `by` is told."""
    now = timezone.now()
    dispute.status = status
    dispute.ended_at = now
    dispute.outcome = outcome
    dispute.save(update_fields=["status", "ended_at", "outcome"])
    Resolution.objects.filter(dispute=dispute, status=Resolution.Status.PENDING).update(
        status=Resolution.Status.SUPERSEDED, decided_at=now
    )
    record(dispute, actor=by, kind=kind, summary=summary, outcome=outcome[:1000], **data)
    messaging.conversation_set_read_only(conversation=dispute.conversation, read_only=True)
    word = dispute.get_status_display().lower()
    messaging.message_post_system(
        conversation=dispute.workroom.conversation, body=f"The dispute was {word}."
    )
    notify_people(
        [u for u in (dispute.opened_by, dispute.other_party, dispute.mediator) if u and u != by],
        dispute=dispute,
        kind=f"dispute.{status}",
        title=f"The dispute on “{dispute.workroom.title}” was {word}",
    )
