"""Reads for jobs and invitations, built from the person's own side of them: an invitation or a
job that is not theirs is simply not found."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from invitations.models import Invitation, Job
from profiles.models import Skill

# Filters on /invitations/: "expired" also covers pending ones past their time (the sweep may
# not have run yet), and "pending" leaves those out.
STATUS_FILTERS = ["pending", "accepted", "declined", "expired", "withdrawn"]


def _skills() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("name"))


def jobs_for(*, user) -> QuerySet[Job]:
    """A client's jobs, newest first, with invitation counts for the list."""
    now = timezone.now()
    return (
        Job.objects.filter(client=user)
        .annotate(
            invitation_count=Count("invitations"),
            pending_count=Count(
                "invitations",
                filter=Q(
                    invitations__status=Invitation.Status.PENDING,
                    invitations__expires_at__gt=now,
                ),
            ),
            accepted_count=Count(
                "invitations", filter=Q(invitations__status=Invitation.Status.ACCEPTED)
            ),
        )
        .prefetch_related(_skills())
        .order_by("-status", "-created_at", "-pk")  # "open" sorts after "closed": open first
    )


def job_for(*, user, job_id) -> Job | None:
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        return None
    return Job.objects.filter(client=user, pk=job_id).prefetch_related(_skills()).first()


def open_jobs_for(*, user) -> QuerySet[Job]:
    return Job.objects.filter(client=user, status=Job.Status.OPEN).order_by("-created_at", "-pk")


def jobs_inviting(*, client, freelancer) -> set[int]:
    """The client's jobs this freelancer has a pending invitation to."""
    return set(
        Invitation.objects.filter(
            job__client=client, freelancer=freelancer, status=Invitation.Status.PENDING
        ).values_list("job_id", flat=True)
    )


def invitations_for_job(*, job: Job) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(job=job)
        .select_related("freelancer", "freelancer__profile", "workroom")
        .order_by("-created_at", "-pk")
    )


def _visible_to(user) -> QuerySet[Invitation]:
    if user.is_client:
        return Invitation.objects.filter(job__client=user)
    if user.is_freelancer:
        return Invitation.objects.filter(freelancer=user)
    return Invitation.objects.none()


def _with_status(queryset: QuerySet[Invitation], status: str, now) -> QuerySet[Invitation]:
    if status == "pending":
        return queryset.filter(status=Invitation.Status.PENDING, expires_at__gt=now)
    if status == "expired":
        return queryset.filter(
            Q(status=Invitation.Status.EXPIRED)
            | Q(status=Invitation.Status.PENDING, expires_at__lte=now)
        )
    if status in STATUS_FILTERS:
        return queryset.filter(status=status)
    return queryset


def invitations_for(*, user, status: str = "") -> QuerySet[Invitation]:
    """Received (a freelancer) or sent (a client) invitations, newest first."""
    queryset = _with_status(_visible_to(user), status, timezone.now())
    return queryset.select_related(
        "job", "job__client", "job__client__profile", "freelancer", "freelancer__profile"
    ).order_by("-created_at", "-pk")


def invitation_counts(*, user) -> dict[str, int]:
    """How many of the person's invitations are in each filter, in one query."""
    now = timezone.now()
    pending = Q(status=Invitation.Status.PENDING, expires_at__gt=now)
    expired = Q(status=Invitation.Status.EXPIRED) | Q(
        status=Invitation.Status.PENDING, expires_at__lte=now
    )
    counts = _visible_to(user).aggregate(
        all=Count("pk"),
        pending=Count("pk", filter=pending),
        expired=Count("pk", filter=expired),
        accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=Invitation.Status.DECLINED)),
        withdrawn=Count("pk", filter=Q(status=Invitation.Status.WITHDRAWN)),
    )
    return counts


def invitation_for(*, user, invitation_id) -> Invitation | None:
    """One invitation, if this person sent or received it."""
    return _one(Q(job__client=user) | Q(freelancer=user), invitation_id)


def invitation_received(*, user, invitation_id) -> Invitation | None:
    """One invitation, if it is addressed to this person (theirs to accept or decline)."""
    return _one(Q(freelancer=user), invitation_id)


def invitation_sent(*, user, invitation_id) -> Invitation | None:
    """One invitation, if this person sent it (theirs to withdraw)."""
    return _one(Q(job__client=user), invitation_id)


def _one(whose: Q, invitation_id) -> Invitation | None:
    """The invitation with this id among `whose`, with what its page shows; None otherwise."""
    try:
        invitation_id = int(invitation_id)
    except (TypeError, ValueError):
        return None
    return (
        Invitation.objects.filter(whose, pk=invitation_id)
        .select_related(
            "job",
            "job__client",
            "job__client__profile",
            "freelancer",
            "freelancer__profile",
            "workroom",
        )
        .prefetch_related(Prefetch("job__skills", queryset=Skill.objects.order_by("name")))
        .first()
    )


def invitations_summary(*, user, limit: int = 3) -> dict:
    """For the dashboard card: what is waiting, and the latest few."""
    if not (user.is_client or user.is_freelancer):
        return {"pending": 0, "latest": []}
    now = timezone.now()
    waiting = _visible_to(user).filter(status=Invitation.Status.PENDING, expires_at__gt=now)
    latest = list(invitations_for(user=user, status="pending")[:limit])
    return {"pending": waiting.count(), "latest": latest}
