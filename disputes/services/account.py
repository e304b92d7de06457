"""disputes' part of a person's account (profiles.account_parts): the disputes they are a party
to for the export, and the open ones that stop a deletion.

An open dispute needs both parties (and its mediator) until it ends, so it blocks deleting the
account. An ended one stays as it is, evidence and audit trail included: it is the record both
parties and Tandem keep.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse

from disputes.models import Dispute, DisputeEvent, Evidence, Resolution
from profiles.account_parts import Blocker, absolute_url
from profiles.models import User


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _money(amount) -> str | None:
    return str(amount) if amount is not None else None


def open_disputes_for(*, user: User) -> list[Dispute]:
    """Disputes still open (direct settlement or mediation) that the user is a party to or
    mediates."""
    return list(
        Dispute.objects.filter(Q(opened_by=user) | Q(other_party=user) | Q(mediator=user))
        .filter(status__in=Dispute.ACTIVE_STATUSES)
        .select_related("workroom")
        .order_by("created_at", "pk")
    )


def account_blockers(*, user: User) -> list[Blocker]:
    return [
        Blocker(
            reason=(
                "You mediate this dispute; hand it to another mediator first."
                if dispute.mediator_id == user.pk and not dispute.is_party(user)
                else f"This dispute is {dispute.get_status_display().lower()}: it needs you "
                "until it is resolved, withdrawn or closed."
            ),
            title=f"Dispute #{dispute.pk}: {dispute.workroom.title}",
            url=dispute.get_absolute_url(),
        )
        for dispute in open_disputes_for(user=user)
    ]


def _proposal(resolution: Resolution, dispute: Dispute, user: User) -> dict[str, Any]:
    return {
        "by": "mediator" if resolution.by_mediator else resolution.proposed_by.name,
        "terms": resolution.terms,
        "amount": _money(resolution.amount),
        "currency": resolution.currency,
        "status": resolution.status,
        "your_answer": resolution.answer_of(dispute, user),
        "created_at": _iso(resolution.created_at),
        "decided_at": _iso(resolution.decided_at),
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    url = reverse("disputes:evidence_download", args=[evidence.dispute_id, evidence.pk])
    return {
        "name": evidence.name,
        "caption": evidence.caption,
        "size": evidence.size,
        "content_type": evidence.content_type,
        "sha256": evidence.sha256,
        "added_at": _iso(evidence.created_at),
        "url": absolute_url(url),
    }


def account_export(*, user: User) -> dict[str, Any]:
    """The disputes they are a party to: the claim, the proposals, the audit trail the parties
    see, and the evidence they added themselves. Never a mediator's internal notes, nor the
    other party's evidence."""
    disputes = (
        Dispute.objects.filter(Q(opened_by=user) | Q(other_party=user))
        .select_related("workroom", "opened_by", "other_party")
        .prefetch_related(
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("proposed_by").order_by("created_at"),
            ),
            Prefetch(
                "events",
                queryset=DisputeEvent.objects.exclude(kind__in=DisputeEvent.STAFF_ONLY).order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("created_at", "pk")
    )
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(added_by=user).order_by("created_at", "pk"):
        evidence[item.dispute_id].append(_evidence(item))
    return {
        "disputes": [
            {
                "id": d.pk,
                "workroom": d.workroom.title,
                "you": "opened it" if d.opened_by_id == user.pk else "received it",
                "other_party": d.counterpart(user).name,
                "status": d.status,
                "reason": d.reason,
                "description": d.description,
                "desired_outcome": d.desired_outcome,
                "amount": _money(d.amount),
                "currency": d.currency,
                "opened_at": _iso(d.created_at),
                "ended_at": _iso(d.ended_at),
                "outcome": d.outcome,
                "proposals": [_proposal(r, d, user) for r in d.resolutions.all()],
                "timeline": [
                    {"kind": e.kind, "summary": e.summary, "at": _iso(e.created_at)}
                    for e in d.events.all()
                ],
                "your_evidence": evidence[d.pk],
            }
            for d in disputes
        ]
    }
