"""The direct conversation's call page, its button in the thread header, and the ICE servers
it hands the browser (docs/calls.md)."""

import base64
import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from messaging import services
from messaging.ice import ice_servers_for, turn_credential
from messaging.models import Conversation

pytestmark = pytest.mark.django_db


def call_data(response):
    page = response.content.decode()
    start = page.index('<script id="call-data" type="application/json">') + len(
        '<script id="call-data" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


def test_the_thread_header_has_a_call_button_and_the_page_knows_both_people(
    client, alice, bob, settings
):
    settings.WEBRTC_ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    conversation = services.conversation_open_direct(user=alice, other=bob)
    client.force_login(alice)

    thread = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert f'href="/messages/{conversation.pk}/call/"' in thread

    response = client.get(reverse("messaging:call", args=[conversation.pk]))
    assert response.status_code == 200
    assert "display-capture=(self)" in response["Permissions-Policy"]
    data = call_data(response)
    assert data["conversation"] == conversation.pk
    assert data["me"] == {"user": alice.pk, "name": "Alice Client"}
    assert data["other"] == {"user": bob.pk, "name": "Bob Freelancer"}
    assert data["iceServers"] == [{"urls": "stun:stun.example.org:3478"}]
    assert data["notesUrl"] == f"/messages/{conversation.pk}/call/notes/"


def test_strangers_get_404_and_dispute_threads_have_no_calls(client, alice, bob, eve):
    conversation = services.conversation_open_direct(user=alice, other=bob)
    dispute = services.conversation_create(
        kind=Conversation.Kind.DISPUTE, title="Dispute", members=[alice, bob]
    )
    client.force_login(eve)
    assert client.get(reverse("messaging:call", args=[conversation.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("messaging:call", args=[dispute.pk])).status_code == 403


def test_a_blocked_pair_gets_no_call_page(client, alice, bob):
    conversation = services.conversation_open_direct(user=alice, other=bob)
    services.user_block(blocker=alice, blocked=bob)
    client.force_login(bob)

    assert client.get(reverse("messaging:call", args=[conversation.pk])).status_code == 403


def test_turn_credentials_are_time_limited_and_signed_with_the_shared_secret(settings):
    credential = turn_credential(user_id=7, secret="s3cret", ttl=600, now=1_000_000)

    assert credential["username"] == "1000600:7"
    expected = hmac.new(b"s3cret", b"1000600:7", hashlib.sha1).digest()
    assert base64.b64decode(credential["credential"]) == expected

    settings.WEBRTC_ICE_SERVERS = []
    settings.WEBRTC_TURN_URLS = ["turn:turn.example.org:3478"]
    settings.WEBRTC_TURN_SECRET = "s3cret"
    servers = ice_servers_for(user_id=7)
    assert servers[0]["urls"] == ["turn:turn.example.org:3478"]
    assert servers[0]["username"].endswith(":7")
    assert "s3cret" not in json.dumps(servers)


def test_no_ice_servers_by_default(settings):
    settings.WEBRTC_TURN_SECRET = ""
    assert ice_servers_for(user_id=1) == list(settings.WEBRTC_ICE_SERVERS)
