"""A block stops new workrooms between the two people, in both directions and with the same
words; a room already open (a contract under way) goes on: its chat, its files, its dispute."""

import html
import uuid

import pytest
from django.urls import reverse

from core.exceptions import NotAllowed
from disputes import services as disputes
from messaging import services as messaging
from messaging.models import Message
from tests.workrooms.conftest import upload
from workrooms.models import Workroom
from workrooms.services import file_share, workroom_open

pytestmark = pytest.mark.django_db

REFUSED = "You can't open a workroom with this person."


@pytest.fixture(params=["freelancer blocks client", "client blocks freelancer"])
def blocked_pair(request, client_user, freelancer_user):
    if request.param == "freelancer blocks client":
        messaging.user_block(blocker=freelancer_user, blocked=client_user)
    else:
        messaging.user_block(blocker=client_user, blocked=freelancer_user)
    return request.param


def send(conversation_id, sender, body):
    return messaging.message_send(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=uuid.uuid4(),
        rate_limited=False,
    ).message


def test_no_new_room_across_a_block(client_user, freelancer_user, blocked_pair):
    with pytest.raises(NotAllowed) as refused:
        workroom_open(client=client_user, freelancer=freelancer_user, title="Logo")
    assert refused.value.detail == REFUSED
    assert not Workroom.objects.exists() and not Message.objects.exists()


def test_the_open_form_says_so_next_to_the_freelancer(
    client, client_user, freelancer_user, blocked_pair
):
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:new"), {"freelancer": freelancer_user.handle, "title": "Logo"}
    )
    assert response.status_code == 400
    assert REFUSED in html.unescape(response.content.decode())
    assert response.context["form"].errors["freelancer"] == [REFUSED]
    assert not Workroom.objects.exists()


def test_a_room_already_open_goes_on_after_a_block(room, client_user, freelancer_user):
    messaging.user_block(blocker=freelancer_user, blocked=client_user)

    # The contract's chat, both ways, and its files.
    assert send(room.conversation_id, client_user, "Still on for Friday?").pk
    assert send(room.conversation_id, freelancer_user, "Yes, as agreed.").pk
    assert file_share(workroom=room, by=freelancer_user, uploaded_file=upload()).pk
    attachment = messaging.attachment_upload(
        conversation_id=room.conversation_id, uploader=client_user, uploaded_file=upload()
    )
    assert attachment.pk

    # And a dispute on it, with its thread.
    dispute = disputes.dispute_open(
        workroom=room,
        by=client_user,
        reason="quality",
        description="The build crashes on start.",
        desired_outcome="A working build.",
    )
    assert send(dispute.conversation_id, freelancer_user, "I'll fix it.").pk
