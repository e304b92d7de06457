"""Shared fixtures for the dispute tests: a workroom between a client and a freelancer, a
dispute the freelancer opened on it, a mediator and a staff member who is not one."""

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from disputes import services
from messaging import services as messaging
from workrooms.services import deadline_set, deadline_submit, file_share, workroom_open


@pytest.fixture
def room(client_user, freelancer_user):
    return workroom_open(client=client_user, freelancer=freelancer_user, title="Mobile app")


@pytest.fixture
def dispute(room, freelancer_user):
    return services.dispute_open(
        workroom=room,
        by=freelancer_user,
        reason="non_payment",
        description="The second milestone was approved but never paid.",
        desired_outcome="Payment of the milestone.",
        amount="400",
        currency="usd",
    )


@pytest.fixture
def mediator(make_user):
    user = make_user(name="Mia Mediator", role="client")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="mediate_dispute"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def staff_only(make_user):
    """Staff who may look at disputes in the admin but not mediate them."""
    user = make_user(name="Sid Staff", role="client")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_dispute"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def stranger(make_user):
    return make_user(name="Eve Stranger", role="freelancer")


def png_upload(name="screenshot.png", size=(80, 60)):
    out = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text_upload(name="invoice.txt", content=b"Invoice 42: USD 400, due 1 Nov.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def send(conversation_id, sender, body):
    return messaging.message_send(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=uuid.uuid4(),
        rate_limited=False,
    ).message


@pytest.fixture
def correspondence(room, client_user, freelancer_user):
    """Correspondence before the dispute: workroom chat with an edit and a delete, a direct
    conversation, a file with two versions, a submitted deadline."""
    edited = send(room.conversation_id, freelancer_user, "The build is ready for review")
    messaging.message_edit(
        message_id=edited.pk, by=freelancer_user, body="The build is ready for review (v2)"
    )
    deleted = send(room.conversation_id, client_user, "I will pay on Friday, promise")
    messaging.message_delete(message_id=deleted.pk, by=client_user)
    direct = messaging.conversation_open_direct(user=client_user, other=freelancer_user)
    send(direct.pk, client_user, "Quick question about the invoice")
    file_share(
        workroom=room,
        by=freelancer_user,
        uploaded_file=SimpleUploadedFile("build.txt", b"build one\n", content_type="text/plain"),
    )
    version = file_share(
        workroom=room,
        by=freelancer_user,
        uploaded_file=SimpleUploadedFile("build.txt", b"build two\n", content_type="text/plain"),
    )
    deadline = deadline_set(
        workroom=room,
        by=client_user,
        title="Beta build",
        due_at=timezone.now() + timedelta(days=2),
        amount="400",
        currency="USD",
    )
    deadline_submit(
        workroom=room, deadline=deadline, by=freelancer_user, note="Here it is", versions=[version]
    )
    return {"edited": edited, "deleted": deleted, "direct": direct, "version": version}
