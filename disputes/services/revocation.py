"""A mediator who may no longer mediate leaves their disputes.

Mediating is a permission (`disputes.permissions.can_mediate`: active, staff, and the
“Can mediate disputes” permission directly, through a group, or as a superuser). When any of
these is taken away, the person leaves the thread of every dispute they mediated (through
messaging's `participant_remove`, so their open sockets leave it at once), and a dispute still
in mediation goes back to the unassigned queue with a line on the record, so another mediator
takes it. An ended dispute keeps its mediator's name: the record says who decided it.

Called after commit from `disputes.receivers` (a user's permissions, groups, staff or active
flag changed, in the admin or anywhere else) and by the periodic sweep, which catches what no
signal reports (a permission deleted, a bulk `update()`). Every read path checks the
permission too, so until this has run the former mediator already sees nothing.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q

from disputes.models import Dispute, DisputeEvent
from disputes.permissions import mediators
from disputes.services._common import lock, notify_people, notify_queue, record
from messaging import services as messaging


def mediator_access_recheck(*, user_ids: Iterable[int] | None = None) -> int:
    """Unassign and remove every mediator of these people's disputes (of all active disputes,
    with `user_ids=None`) who may no longer mediate. Returns how many disputes changed; safe to
    run twice, and at once (each dispute's row is locked)."""
    lapsed = Dispute.objects.filter(mediator__isnull=False).exclude(mediator__in=mediators())
    active = Q(status__in=Dispute.ACTIVE_STATUSES)
    if user_ids is None:
        lapsed = lapsed.filter(active)
    else:
        # An ended dispute only while its former mediator is still in its thread.
        still_member = Q(conversation__participants__user_id=F("mediator_id"))
        lapsed = lapsed.filter(active | still_member, mediator_id__in=list(user_ids))
    return sum(_mediator_leave(pk) for pk in list(lapsed.values_list("pk", flat=True).distinct()))


@transaction.atomic
def _mediator_leave(pk: int) -> int:
    dispute = lock(Dispute(pk=pk))
    former = dispute.mediator
    if former is None or mediators().filter(pk=former.pk).exists():
        return 0  # reassigned, or the permission came back, since the query above
    messaging.participant_remove(conversation=dispute.conversation, user=former)
    if not dispute.is_active:
        return 1
    dispute.mediator = None
    dispute.save(update_fields=["mediator"])
    record(
        dispute,
        actor=None,
        kind=DisputeEvent.Kind.MEDIATOR_REMOVED,
        summary=f"{former.name} is no longer a Tandem mediator and has left the dispute. "
        "Another mediator will take it over.",
        mediator=former.pk,
    )
    notify_people(
        [dispute.opened_by, dispute.other_party],
        dispute=dispute,
        kind="dispute.mediator",
        title=f"The dispute on “{dispute.workroom.title}” is waiting for a new mediator",
    )
    notify_queue(dispute)
    return 1
