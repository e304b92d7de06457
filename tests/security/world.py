"""One world for the authorization matrix, built once through the services: a client and a
freelancer with a direct conversation, a workroom with a file, deadlines and a call, a job with
an invitation, a dispute in mediation with evidence, a proposal, an internal note and an
assigned mediator, and the people who must not see any of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from disputes import services as disputes
from disputes.models import Dispute, Evidence, Resolution
from invitations import services as invitations
from invitations.models import Invitation, Job
from messaging import notifications
from messaging import services as messaging
from messaging.models import Attachment, Conversation, Notification
from profiles import services as profiles
from profiles.models import User, WorkSample
from tests.factories import UserFactory
from workrooms import services as workrooms
from workrooms.models import Call, Deadline, FileVersion, SharedFile, Workroom

# Text only some people may read; the matrix looks for it in every page it is shown.
INTERNAL_NOTE = "Internal: bank statement 8812 looks altered"
DISPUTE_THREAD = "Milestone two is still unpaid, see invoice 4471"


def png(name: str = "picture.png", size=(160, 120)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (13, 107, 104)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text(name: str = "notes.txt", body: bytes = b"Plain notes.\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="text/plain")


def staff(name: str, *perms: str, superuser: bool = False) -> User:
    user = UserFactory(name=name, role="", is_staff=True, is_superuser=superuser)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return user


@dataclass
class World:
    client: User
    freelancer: User
    stranger: User
    troll: User
    mediator: User
    staff: User
    viewer: User
    superuser: User
    public_sample: WorkSample
    private_sample: WorkSample
    direct: Conversation
    attachment: Attachment
    notification: Notification
    unsubscribe_token: str
    room: Workroom
    shared_file: SharedFile
    version: FileVersion
    deadline: Deadline
    submitted: Deadline
    call: Call
    job: Job
    invitation: Invitation
    dispute_room: Workroom
    dispute: Dispute
    evidence: Evidence
    proposal: Resolution
    dispute_attachment: Attachment
    open_dispute: Dispute
    sessions: dict[str, str] = field(default_factory=dict)  # person -> session key


def _send(conversation_id: int, sender: User, body: str, attachment_ids=()):
    return messaging.message_send(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=uuid.uuid4(),
        attachment_ids=attachment_ids,
        confirm=True,
        rate_limited=False,
    ).message


def _sent_attachment(conversation_id: int, sender: User, body: str) -> Attachment:
    attachment = messaging.attachment_upload(
        conversation_id=conversation_id, uploader=sender, uploaded_file=text("brief.txt")
    )
    _send(conversation_id, sender, body, attachment_ids=[attachment.pk])
    return attachment


def _people() -> dict:
    client = UserFactory(role="client", name="Morgan Lee")
    freelancer = UserFactory(role="freelancer", name="Sam Rivera")
    stranger = UserFactory(role="client", name="Eve Stranger")
    troll = UserFactory(role="freelancer", name="Tom Troll")
    return {
        "client": client,
        "freelancer": freelancer,
        "stranger": stranger,
        "troll": troll,
        "mediator": staff("Mia Mediator", "mediate_dispute"),
        "staff": staff("Sid Support"),
        "viewer": staff("Vic Viewer", "view_dispute"),
        "superuser": staff("Ada Admin", superuser=True),
    }


def _profile_parts(freelancer: User) -> dict:
    profiles.profile_set_photo(profile=freelancer.profile, upload=png("me.png"))

    def sample(title, public):
        return profiles.work_sample_create(
            profile=freelancer.profile,
            title=title,
            description="Online booking for 14 clinics.",
            link="",
            is_public=public,
            image=png("sample.png"),
        )

    return {
        "public_sample": sample("Booking platform", True),
        "private_sample": sample("Unreleased prototype", False),
    }


def _messaging_parts(client: User, freelancer: User, stranger: User, troll: User) -> dict:
    direct = messaging.conversation_open_direct(user=client, other=freelancer)
    _send(direct.pk, freelancer, "Hello Morgan, happy to help.")
    messaging.user_block(blocker=stranger, blocked=troll)
    return {
        "direct": direct,
        "attachment": _sent_attachment(direct.pk, client, "The brief, attached."),
        "notification": notifications.notify(user=freelancer, kind="test", title="Welcome"),
        "unsubscribe_token": notifications.unsubscribe_token(freelancer),
    }


def _workroom_parts(client: User, freelancer: User) -> dict:
    now = timezone.now()
    room = workrooms.workroom_open(client=client, freelancer=freelancer, title="Website rebuild")
    version = workrooms.file_share(workroom=room, by=freelancer, uploaded_file=png("mockup.png"))

    def deadline(title):
        return workrooms.deadline_set(
            workroom=room,
            by=client,
            title=title,
            due_at=now + timedelta(days=7),
            amount="400",
            currency="USD",
        )

    submitted = deadline("Beta build")
    workrooms.deadline_submit(
        workroom=room, deadline=submitted, by=freelancer, note="Here it is", versions=[version]
    )
    call = workrooms.call_propose(
        workroom=room,
        by=client,
        starts_at=now + timedelta(days=2),
        duration_minutes=30,
        agenda="Kick-off",
    )
    return {
        "room": room,
        "shared_file": version.shared_file,
        "version": version,
        "deadline": deadline("Launch"),
        "submitted": submitted,
        "call": call,
    }


def _invitation_parts(client: User, freelancer: User) -> dict:
    job = invitations.job_create(
        client=client,
        title="Workshop booking system",
        description="Bookings for our workshops.",
        budget=invitations.Budget(budget_type="fixed", amount=Decimal("4000"), currency="USD"),
        skills=["Django"],
    )
    invitation = invitations.invitation_send(
        job=job, freelancer=freelancer, by=client, note="Hi Sam, this looks like your kind of job."
    )
    return {"job": job, "invitation": invitation}


def _open(room: Workroom, freelancer: User) -> Dispute:
    return disputes.dispute_open(
        workroom=room,
        by=freelancer,
        reason="non_payment",
        description="The second milestone was approved but never paid.",
        desired_outcome="Payment of the milestone.",
        amount="400",
        currency="USD",
    )


def _dispute_parts(client: User, freelancer: User, mediator: User) -> dict:
    room = workrooms.workroom_open(client=client, freelancer=freelancer, title="Mobile app")
    dispute = _open(room, freelancer)
    evidence = disputes.evidence_add(
        dispute=dispute, by=freelancer, uploaded_file=png("screenshot.png"), caption="The invoice"
    )
    disputes.dispute_escalate(dispute=dispute, by=client)
    disputes.mediator_assign(dispute=dispute, by=mediator)
    disputes.internal_note_add(dispute=dispute, by=mediator, body=INTERNAL_NOTE)
    proposal = disputes.proposal_make(
        dispute=dispute,
        by=client,
        terms="Half now, half on delivery.",
        amount="200",
        currency="USD",
    )
    attachment = _sent_attachment(dispute.conversation_id, client, "My side, attached.")
    _send(dispute.conversation_id, client, DISPUTE_THREAD)  # the thread's latest message
    other_room = workrooms.workroom_open(client=client, freelancer=freelancer, title="Logo refresh")
    return {
        "dispute_room": room,
        "dispute": Dispute.objects.get(pk=dispute.pk),
        "evidence": evidence,
        "proposal": proposal,
        "dispute_attachment": attachment,
        "open_dispute": _open(other_room, freelancer),
    }


def build_world() -> World:
    people = _people()
    client, freelancer = people["client"], people["freelancer"]
    return World(
        **people,
        **_profile_parts(freelancer),
        **_messaging_parts(client, freelancer, people["stranger"], people["troll"]),
        **_workroom_parts(client, freelancer),
        **_invitation_parts(client, freelancer),
        **_dispute_parts(client, freelancer, people["mediator"]),
    )
