"""Demo jobs and invitations for `manage.py seed_demo` (docs/architecture.md, "Demo data").

Morgan (client) has an open job **Workshop booking system** with a pending invitation to Sam (sent
through the service, so Sam's bell has it), plus history: an invitation to that job that
expired unanswered, a declined one for **Logo refresh** and an accepted one for the closed
**Brand guidelines** job. History is written directly with past times (the services would
notify people today and open new workrooms); the accepted one links the Brand guidelines room
only if the workrooms seed made it. Alex Chen (freelancer2) is left out on purpose: he shares
nothing with Morgan or Sam. Idempotent: jobs are found by client and title, invitations by job
and freelancer.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from demo.clock import DemoClock
from invitations import services
from invitations.models import Invitation, Job
from messaging.models import Notification
from profiles.models import User
from workrooms.models import Workroom


@dataclass(frozen=True)
class DemoJob:
    title: str
    description: str
    skills: tuple[str, ...]
    budget: services.Budget
    status: str = Job.Status.OPEN
    days_ago: int = 0


JOBS = [
    DemoJob(
        "Workshop booking system",
        "We run weekend design workshops and take bookings by e-mail. We'd like online "
        "booking on our Django site: a calendar of sessions, seats, payment through our "
        "existing checkout and reminder e-mails.\n\nThe website rebuild workroom covers the "
        "site itself; this is the next project.",
        ("Django", "PostgreSQL", "HTML/CSS"),
        services.Budget("fixed", amount=Decimal("4000.00"), currency="USD"),
        days_ago=5,
    ),
    DemoJob(
        "Logo refresh",
        "A lighter, more modern take on our logo, keeping the name and colours.",
        ("Logo design", "Brand identity"),
        services.Budget("fixed", amount=Decimal("1200.00"), currency="EUR"),
        days_ago=25,
    ),
    DemoJob(
        "Brand guidelines",
        "Turn our new identity into guidelines the whole team can use.",
        ("Brand identity", "Typography"),
        services.Budget("hourly", rate_min=Decimal("50"), rate_max=Decimal("70"), currency="EUR"),
        status=Job.Status.CLOSED,
        days_ago=60,
    ),
]

PENDING_NOTE = (
    "Hi Sam,\n\nI loved your physio booking platform: that's exactly the kind of calm, "
    "dependable Django work we need for booking our workshops. We'd like to launch "
    "before the spring.\n\nWould you be interested? Happy to jump on a call this week.\n\n"
    "Thanks,\nMorgan"
)


def _job(client: User, spec: DemoJob, now) -> Job:
    job = Job.objects.filter(client=client, title=spec.title).first()
    if job is not None:
        return job
    job = services.job_create(
        client=client,
        title=spec.title,
        description=spec.description,
        budget=spec.budget,
        skills=list(spec.skills),
    )
    created = now - timedelta(days=spec.days_ago)
    closed = {"closed_at": created + timedelta(days=30)} if spec.status == Job.Status.CLOSED else {}
    Job.objects.filter(pk=job.pk).update(status=spec.status, created_at=created, **closed)
    job.refresh_from_db()
    return job


def _history(job: Job, freelancer: User | None, **fields) -> None:
    """An invitation answered (or not) in the past, written as it would have ended up."""
    if freelancer is None or Invitation.objects.filter(job=job, freelancer=freelancer).exists():
        return
    Invitation.objects.create(job=job, freelancer=freelancer, **fields)


@transaction.atomic
def seed_invitations(people: dict, clock: DemoClock | None = None) -> None:
    """`people` is demo.profiles.seed_people()'s dict, keyed by e-mail."""
    client = people["client@example.com"]
    sam = people["freelancer@example.com"]
    now = (clock or DemoClock()).now
    website, logo, brand = (_job(client, spec, now) for spec in JOBS)
    kofi = User.objects.filter(email="kofi.mensah@example.com", role="freelancer").first()
    lena = User.objects.filter(email="lena.fischer@example.com", role="freelancer").first()

    if not Invitation.objects.filter(job=website, freelancer=sam).exists():
        invitation = services.invitation_send(
            job=website, freelancer=sam, by=client, note=PENDING_NOTE, now=now - timedelta(hours=20)
        )
        # Sam's bell tells of it when it was sent, not when the seed ran.
        Notification.objects.filter(user=sam, url=invitation.get_absolute_url()).update(
            created_at=invitation.created_at
        )

    # Sent after the job was posted, expired before Sam's invitation.
    sent = now - timedelta(days=4, hours=12)
    _history(
        website,
        kofi,
        note="Hi Kofi, would you have room for a Django and PostgreSQL site rebuild?",
        created_at=sent,
        expires_at=sent + timedelta(days=3),
        closed_at=sent + timedelta(days=3),
        status=Invitation.Status.EXPIRED,
        reminder_sent_at=sent + timedelta(days=2),
    )

    sent = now - timedelta(days=24)
    _history(
        logo,
        lena,
        note="Hi Lena, your identity work is lovely. Could you refresh our logo?",
        created_at=sent,
        expires_at=sent + timedelta(days=7),
        responded_at=sent + timedelta(hours=5),
        closed_at=sent + timedelta(hours=5),
        status=Invitation.Status.DECLINED,
        decline_reason=Invitation.DeclineReason.TIMELINE,
        response_note="Thank you, Morgan! I'm booked until next quarter; do ask again then.",
    )

    sent = now - timedelta(days=58)
    room = Workroom.objects.filter(client=client, freelancer=sam, title="Brand guidelines").first()
    _history(
        brand,
        sam,
        note="Hi Sam, after the website you know us best. Could you help with our guidelines?",
        created_at=sent,
        expires_at=sent + timedelta(days=7),
        responded_at=sent + timedelta(hours=3),
        closed_at=sent + timedelta(hours=3),
        status=Invitation.Status.ACCEPTED,
        response_note="Happy to! I'd start from the logo files and build the type scale first.",
        proposed_rate=Decimal("60.00"),
        workroom=room,
    )
