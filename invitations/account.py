"""invitations' part of a person's account (profiles.account_parts): their jobs and invitations
for the export, and what a deletion settles.

Deleting an account closes what is still open, through the same services a click would use, so
the other person is told as usual: a client's open jobs are closed (their pending invitations
withdrawn), a freelancer's pending invitations declined. The records stay: an answered
invitation is the other party's history too.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from invitations.models import Invitation, Job
from invitations.services import InvitationClosed, invitation_decline, job_close
from profiles.models import User


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _money(amount) -> str | None:
    return str(amount) if amount is not None else None


def _invitation(invitation: Invitation, *, other: User) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "job": invitation.job.title,
        "other_party": other.name,
        "note": invitation.note,
        "status": invitation.display_status_value,
        "sent_at": _iso(invitation.created_at),
        "expires_at": _iso(invitation.expires_at),
        "answered_at": _iso(invitation.responded_at),
        "answer": invitation.response_note,
        "proposed_rate": _money(invitation.proposed_rate),
        "decline_reason": invitation.decline_reason,
    }


def account_export(*, user: User) -> dict[str, Any]:
    jobs = Job.objects.filter(client=user).prefetch_related("skills").order_by("created_at", "pk")
    sent = Invitation.objects.filter(job__client=user).select_related("job", "freelancer")
    received = Invitation.objects.filter(freelancer=user).select_related("job", "job__client")
    return {
        "jobs": [
            {
                "id": job.pk,
                "title": job.title,
                "description": job.description,
                "skills": [skill.name for skill in job.skills.all()],
                "budget": job.budget_label,
                "status": job.status,
                "created_at": _iso(job.created_at),
                "closed_at": _iso(job.closed_at),
            }
            for job in jobs
        ],
        "invitations_sent": [_invitation(i, other=i.freelancer) for i in sent.order_by("pk")],
        "invitations_received": [
            _invitation(i, other=i.job.client) for i in received.order_by("pk")
        ],
    }


@transaction.atomic
def account_erase(*, user: User) -> None:
    now = timezone.now()
    for job in Job.objects.filter(client=user, status=Job.Status.OPEN).order_by("pk"):
        job_close(job=job, by=user, now=now)
    pending = Invitation.objects.filter(freelancer=user, status=Invitation.Status.PENDING)
    for invitation in pending.order_by("pk"):
        try:
            invitation_decline(
                invitation=invitation,
                by=user,
                reason=Invitation.DeclineReason.OTHER,
                note="The freelancer closed their Tandem account.",
                now=now,
            )
        except InvitationClosed:
            # Past its time: the expiry sweep marks it expired, as for anyone who did not answer.
            continue
