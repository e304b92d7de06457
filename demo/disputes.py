"""Demo disputes for `manage.py seed_demo` (docs/architecture.md, "Demo data").

Between Morgan (client) and Sam (freelancer): an **open** dispute in *Mobile app prototype*
(Sam says an Android build is outside the agreed scope; a screenshot and the original brief as
evidence, a few messages, and Morgan's proposal waiting for Sam's answer) and a **resolved**
one in *Brand guidelines* (colour values; escalated, mediated by Ada Admin, both accepted),
for history. Built through the services, so events, thread lines and the dossier are real.
Idempotent: a workroom that has a dispute is left alone.
"""

import uuid
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from demo.clock import (
    OPEN_STARTS_DAYS_AGO,
    RESOLVED_ENDS_DAYS_AGO,
    RESOLVED_STARTS_DAYS_AGO,
    DemoClock,
    Story,
)
from demo.workrooms import pdf_bytes
from disputes import services
from disputes.models import Dispute, DisputeEvent, Evidence, Resolution
from messaging import services as messaging
from messaging.models import Conversation, Message, Notification
from workrooms.models import Deadline, Workroom

DEMO_NAMESPACE = uuid.UUID("6f1d8a7e-3c2b-4f0a-9e61-0d5a4b2c9e17")

MOBILE_THREAD = [
    ("freelancer", "Morgan, I've opened this so we can sort out the Android question properly."),
    ("client", "Fair enough. I assumed Android was included because the brief says 'mobile'."),
    ("freelancer", "The brief lists iOS screens only; Android needs its own layouts and testing."),
    ("client", "I see your point. I've proposed a separate milestone for it below."),
]

BRAND_THREAD = [
    ("client", "The primary green in the PDF is #0D6B68 but the swatch file says #0E6A67."),
    ("freelancer", "The swatch file is the print profile; the PDF is right for screens."),
    ("client", "Then the guidelines should say so. I'd like this corrected before we close."),
]


def _screenshot_png() -> bytes:
    """A made-up screenshot of the brief's scope section, so the evidence gallery has one."""
    image = Image.new("RGB", (900, 560), (250, 250, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 900, 64), fill=(13, 107, 104))
    draw.text((32, 22), "Project brief: booking app", fill=(255, 255, 255))
    draw.text((48, 110), "Scope", fill=(23, 33, 35))
    lines = [
        "1. iOS prototype: booking flow (5 screens)",
        "2. Clickable prototype for user tests",
        "3. Hand-off of design files",
        "Out of scope: Android, back-end integration",
    ]
    for index, line in enumerate(lines):
        y = 150 + index * 44
        if line.startswith("Out of scope"):
            draw.rectangle((40, y - 8, 520, y + 24), outline=(196, 60, 40), width=3)
        draw.text((56, y), line, fill=(23, 33, 35))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _say(dispute: Dispute, people: dict, key: str, script, story: Story) -> None:
    for index, (who, body) in enumerate(script):
        result = messaging.message_send(
            conversation_id=dispute.conversation_id,
            sender=people[who],
            body=body,
            client_id=uuid.uuid5(DEMO_NAMESPACE, f"{key}-{index}"),
            rate_limited=False,
        )
        if result.message is None:  # the conduct check objected: a demo script bug
            raise RuntimeError(f"Demo message {key}-{index} was not stored: {result.warning}")
        story.step()


def _room(people: dict, title: str) -> Workroom | None:
    return Workroom.objects.filter(
        client=people["client"], freelancer=people["freelancer"], title=title
    ).first()


def _shift_into_past(dispute: Dispute, *, story: Story, start, end) -> None:
    """Move the dispute's story (everything stamped since the story began) to between `start`
    and `end`, one place per step in the order it happened: events, thread and workroom lines,
    evidence, proposals, notifications and the dispute's own moments alike."""
    conversations = [dispute.conversation_id, dispute.workroom.conversation_id]
    story.retell(
        [
            (Dispute.objects.filter(pk=dispute.pk), _DISPUTE_MOMENTS),
            (DisputeEvent.objects.filter(dispute=dispute), ("created_at",)),
            (Evidence.objects.filter(dispute=dispute), ("created_at",)),
            (Resolution.objects.filter(dispute=dispute), ("created_at", "decided_at")),
            (Message.objects.filter(conversation_id__in=conversations), ("created_at",)),
            (Notification.objects.all(), ("created_at",)),
        ],
        start=start,
        end=end,
    )
    for conversation_id in conversations:
        last = Message.objects.filter(conversation_id=conversation_id).order_by("-seq").first()
        Conversation.objects.filter(pk=conversation_id).update(last_message_at=last.created_at)


_DISPUTE_MOMENTS = (
    "created_at",
    "stage_started_at",
    "other_party_answered_at",
    "escalated_at",
    "ended_at",
)


@transaction.atomic
def _seed_open(people: dict, clock: DemoClock) -> None:
    room = _room(people, "Mobile app prototype")
    if room is None or room.disputes.exists():
        return
    client, freelancer = people["client"], people["freelancer"]
    story = Story()
    dispute = services.dispute_open(
        workroom=room,
        by=freelancer,
        reason=Dispute.Reason.SCOPE,
        description=(
            "The brief we agreed lists an iOS prototype only. Morgan now expects an Android "
            "build as part of the same milestone, which is roughly two weeks of extra work."
        ),
        desired_outcome="Android as a separate milestone with its own budget and date.",
        amount="800",
        currency="EUR",
        deadline=Deadline.objects.filter(workroom=room).first(),
    )
    story.step()
    services.evidence_add(
        dispute=dispute,
        by=freelancer,
        uploaded_file=SimpleUploadedFile("brief-scope.png", _screenshot_png(), "image/png"),
        caption="The scope section of the brief: Android is listed as out of scope",
    )
    story.step()
    services.evidence_add(
        dispute=dispute,
        by=freelancer,
        uploaded_file=SimpleUploadedFile(
            "original-brief.pdf", pdf_bytes("Booking app brief - iOS prototype"), "application/pdf"
        ),
        caption="The original brief",
    )
    story.step()
    _say(dispute, people, "mobile-dispute", MOBILE_THREAD, story)
    services.proposal_make(
        dispute=dispute,
        by=client,
        terms="Android becomes a separate milestone, due three weeks after the iOS prototype.",
        amount="800",
        currency="EUR",
    )
    _shift_into_past(
        dispute, story=story, start=clock.days_ago(OPEN_STARTS_DAYS_AGO), end=clock.minutes_ago(30)
    )
    dispute.refresh_from_db()
    Dispute.objects.filter(pk=dispute.pk).update(
        stage_due_at=dispute.stage_started_at + timedelta(days=settings.DISPUTE_RESPONSE_DAYS)
    )
    for proposal in Resolution.objects.filter(dispute=dispute):
        Resolution.objects.filter(pk=proposal.pk).update(
            respond_by=proposal.created_at + timedelta(days=settings.DISPUTE_PROPOSAL_DAYS)
        )


@transaction.atomic
def _seed_resolved(people: dict, clock: DemoClock) -> None:
    room = _room(people, "Brand guidelines")
    if room is None or room.disputes.exists():
        return
    client, freelancer, mediator = people["client"], people["freelancer"], people["admin"]
    end = clock.days_ago(RESOLVED_ENDS_DAYS_AGO)
    story = Story()
    dispute = services.dispute_open(
        workroom=room,
        by=client,
        reason=Dispute.Reason.QUALITY,
        description="The colour values in the guidelines PDF and the swatch file disagree.",
        desired_outcome="One corrected set of colour values, labelled for screen and print.",
    )
    story.step()
    _say(dispute, people, "brand-dispute", BRAND_THREAD, story)
    # The direct stage is moved into the past before the escalation freezes the dossier, so
    # the dossier is a true snapshot and verifies (moving rows after it is what it catches).
    _shift_into_past(
        dispute,
        story=story,
        start=clock.days_ago(RESOLVED_STARTS_DAYS_AGO),
        end=end - timedelta(days=5),
    )
    story = Story()
    dispute = Dispute.objects.get(pk=dispute.pk)
    services.dispute_escalate(dispute=dispute, by=freelancer)
    story.step()
    services.mediator_assign(dispute=dispute, by=mediator)
    story.step()
    services.mediator_message(
        dispute=dispute,
        by=mediator,
        body="Thank you both. Both files are right for their medium; the guidelines just need "
        "to say which is which. I'll propose exactly that.",
    )
    story.step()
    proposal = services.proposal_make(
        dispute=dispute,
        by=mediator,
        terms="Sam adds a page labelling the screen (RGB/hex) and print (CMYK) values; no "
        "further changes or payments.",
    )
    story.step()
    services.proposal_answer(resolution=proposal, by=freelancer, accept=True)
    story.step()
    services.proposal_answer(resolution=proposal, by=client, accept=True)
    _shift_into_past(dispute, story=story, start=end - timedelta(days=5), end=end)


def seed_disputes(people: dict, clock: DemoClock | None = None) -> None:
    """`people` is demo.profiles.seed_people()'s dict, keyed by e-mail."""
    cast = {
        "client": people["client@example.com"],
        "freelancer": people["freelancer@example.com"],
        "admin": people["admin@example.com"],
    }
    clock = clock or DemoClock()
    _seed_open(cast, clock)
    _seed_resolved(cast, clock)
