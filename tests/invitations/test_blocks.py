"""A block between a client and a freelancer stops new invitations (and accepting one sent
before it, which would open a workroom), in both directions and with the same words whichever
side blocked, so the blocked person learns nothing more."""

import html

import pytest

from core.exceptions import NotAllowed
from invitations import services
from invitations.models import Invitation
from messaging import services as messaging
from messaging.models import Notification
from tests.invitations.conftest import invite
from workrooms.models import Workroom

pytestmark = pytest.mark.django_db

REFUSED = "You can't invite this person."


def text(response) -> str:
    return html.unescape(response.content.decode())


def block(blocker, blocked):
    messaging.user_block(blocker=blocker, blocked=blocked)


@pytest.fixture(params=["freelancer blocks client", "client blocks freelancer"])
def blocked_pair(request, client_user, freelancer_user):
    if request.param == "freelancer blocks client":
        block(freelancer_user, client_user)
    else:
        block(client_user, freelancer_user)
    return request.param


def test_no_invitation_and_no_notification_across_a_block(job, freelancer_user, blocked_pair):
    with pytest.raises(NotAllowed) as refused:
        invite(job, freelancer_user)
    assert refused.value.detail == REFUSED
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(user=freelancer_user).exists()


def test_the_invite_page_says_so_instead_of_a_form(
    signed_in, job, client_user, freelancer_user, blocked_pair
):
    url = f"/invitations/new/?freelancer={freelancer_user.handle}"
    page = signed_in(client_user).get(url)
    assert page.status_code == 403
    assert REFUSED in text(page)
    assert "data-invite-form" not in text(page)
    assert f'href="/u/{freelancer_user.handle}/"' in text(page)  # the way back
    post = signed_in(client_user).post(
        url, {"job": str(job.pk), "note": "Hi Sam", "expires_in_days": "7"}
    )
    assert post.status_code == 403 and REFUSED in text(post)
    assert not Invitation.objects.exists()


def test_the_same_words_whichever_side_blocked(job, client_user, freelancer_user):
    block(freelancer_user, client_user)
    with pytest.raises(NotAllowed) as blocked_by_them:
        invite(job, freelancer_user)
    messaging.user_unblock(blocker=freelancer_user, blocked=client_user)
    block(client_user, freelancer_user)
    with pytest.raises(NotAllowed) as blocked_by_me:
        invite(job, freelancer_user)
    assert blocked_by_them.value.detail == blocked_by_me.value.detail == REFUSED


def test_an_invitation_sent_before_the_block_can_be_declined_not_accepted(
    signed_in, invitation, freelancer_user, blocked_pair
):
    with pytest.raises(NotAllowed) as refused:
        services.invitation_accept(invitation=invitation, by=freelancer_user, note="Yes!")
    assert refused.value.detail == "You can't accept this invitation."

    c = signed_in(freelancer_user)
    response = c.post(f"/invitations/{invitation.pk}/accept/", {"response_note": "Yes!"})
    assert response.status_code == 403
    assert "You can't accept this invitation." in text(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and not Workroom.objects.exists()

    services.invitation_decline(invitation=invitation, by=freelancer_user, reason="budget")
    assert Invitation.objects.get().status == Invitation.Status.DECLINED


def test_after_unblocking_inviting_works_again(job, client_user, freelancer_user):
    block(freelancer_user, client_user)
    messaging.user_unblock(blocker=freelancer_user, blocked=client_user)
    assert invite(job, freelancer_user).status == Invitation.Status.PENDING
