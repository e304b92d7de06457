import pytest
from django.urls import reverse

from core.exceptions import NotAllowed
from messaging.models import Message, Participant
from workrooms.services import workroom_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(client_user, freelancer_user):
    return workroom_open(client=client_user, freelancer=freelancer_user, title="Website rebuild")


def test_opening_a_room_makes_its_chat_with_both_members(room, client_user, freelancer_user):
    members = set(
        Participant.objects.filter(conversation=room.conversation).values_list("user", flat=True)
    )
    assert members == {client_user.pk, freelancer_user.pk}
    assert room.conversation.kind == "workroom"
    line = Message.objects.get(conversation=room.conversation)
    assert line.kind == "system" and "opened this workroom" in line.body


def test_only_clients_open_rooms(freelancer_user, make_user):
    with pytest.raises(NotAllowed):
        workroom_open(client=freelancer_user, freelancer=make_user(), title="Nope")


def test_members_see_the_room_and_its_chat_others_get_404(client, room, client_user, make_user):
    client.force_login(client_user)
    page = client.get(reverse("workrooms:detail", args=[room.pk])).content.decode()
    assert "Website rebuild" in page
    assert f'data-conversation-id="{room.conversation_id}"' in page
    assert "Website rebuild" in client.get(reverse("workrooms:list")).content.decode()

    client.force_login(make_user(role="client"))
    assert client.get(reverse("workrooms:detail", args=[room.pk])).status_code == 404
    assert "Website rebuild" not in client.get(reverse("workrooms:list")).content.decode()


def test_the_rooms_chat_opens_in_the_room(client, room, client_user):
    client.force_login(client_user)

    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert f'href="{room.get_absolute_url()}"' in inbox
    assert client.get(reverse("messaging:thread", args=[room.conversation_id]))["Location"] == (
        room.get_absolute_url()
    )
