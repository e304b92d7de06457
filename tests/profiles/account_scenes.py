"""Builders for the account export and deletion tests: a person's data across every app, made
through the services, with real files in storage."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disputes import services as disputes
from invitations.job_fields import Budget
from invitations.services import invitation_send, job_create
from messaging import services as messaging
from profiles import services as profiles
from tests.profiles.conftest import fill_profile, image_bytes, upload
from workrooms import services as workrooms


def send(conversation_id, sender, body, attachment_ids=()):
    return messaging.message_send(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=uuid.uuid4(),
        attachment_ids=list(attachment_ids),
        rate_limited=False,
    ).message


def text_file(name="notes.txt", content=b"Some notes.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def attach(conversation_id, uploader, name="notes.txt", content=b"Some notes.\n"):
    return messaging.attachment_upload(
        conversation_id=conversation_id, uploader=uploader, uploaded_file=text_file(name, content)
    )


def with_photo_and_samples(user):
    """A full profile: fields, skills, a photo, a public and a private work sample with images."""
    fill_profile(
        user,
        title="Brand strategist",
        overview="I help studios find their voice.",
        skills=["Branding", "Copywriting"],
    )
    profiles.profile_set_photo(profile=user.profile, upload=upload(image_bytes()))
    public = profiles.work_sample_create(
        profile=user.profile,
        title="Public sample",
        description="Shown to everyone.",
        image=upload(image_bytes(colour=(200, 10, 10)), name="public.png"),
    )
    private = profiles.work_sample_create(
        profile=user.profile,
        title="Private sample",
        description="Mine only.",
        is_public=False,
        image=upload(image_bytes(colour=(10, 10, 200)), name="private.png"),
    )
    return public, private


def mediator(make_user):
    user = make_user(name="Mia Mediator", role="client")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="mediate_dispute"))
    return type(user).objects.get(pk=user.pk)


def job_with_invitation(client, freelancer, title="Logo refresh"):
    job = job_create(
        client=client,
        title=title,
        description="A fresh logo.",
        budget=Budget(budget_type="fixed", amount=Decimal("500"), currency="USD"),
    )
    invitation = invitation_send(job=job, freelancer=freelancer, by=client, note="Interested?")
    return job, invitation


def room_with_records(client, freelancer, title="Website rebuild"):
    """A workroom with a file the client shared, a deadline and a call."""
    room = workrooms.workroom_open(client=client, freelancer=freelancer, title=title)
    version = workrooms.file_share(
        workroom=room, by=client, uploaded_file=text_file("brief.txt", b"The brief.\n")
    )
    workrooms.deadline_set(
        workroom=room,
        by=client,
        title="First draft",
        due_at=timezone.now() + timedelta(days=5),
        amount="300",
        currency="USD",
    )
    workrooms.call_propose(
        workroom=room,
        by=freelancer,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=30,
        agenda="Kick-off",
        confirm=True,  # several rooms of one pair may hold calls at the same time
    )
    return room, version


def open_dispute(room, by):
    return disputes.dispute_open(
        workroom=room,
        by=by,
        reason="quality",
        description="The draft misses the brief.",
        desired_outcome="A second draft.",
    )
