"""Each rule of who may act now is written once (disputes.rules): the services enforce it, and
the admin's mediation page and the parties' page ask the same function what to offer. These
tests hold each pair together: what a page offers, the service accepts; what it hides, the
service refuses with the same sentence."""

import pytest
from django.urls import reverse

from core.exceptions import NotAllowed, NotFound
from disputes import services
from disputes.admin.mediation import offers
from disputes.models import Dispute
from disputes.rules import (
    answer_refusal,
    assign_refusal,
    close_refusal,
    evidence_refusal,
    mediation_refusal,
    withdraw_refusal,
)
from disputes.selectors import actions_for
from tests.disputes.conftest import text_upload
from workrooms.services import workroom_open

pytestmark = pytest.mark.django_db


def refresh(dispute) -> Dispute:
    return Dispute.objects.get(pk=dispute.pk)


def test_the_admin_offers_each_mediation_step_exactly_when_its_rule_allows_it(
    dispute, client_user, mediator, staff_only
):
    # Direct settlement: a mediator may only close (and note); a viewer may do nothing.
    assert offers(dispute, mediator) == {
        "assign": False,
        "message": False,
        "propose": False,
        "resolve": False,
        "close": True,
        "note": True,
    }
    assert not any(offers(dispute, staff_only).values())
    services.dispute_escalate(dispute=dispute, by=client_user)
    assert offers(refresh(dispute), mediator)["assign"]
    services.mediator_assign(dispute=dispute, by=mediator)
    assigned = offers(refresh(dispute), mediator)
    assert not assigned["assign"]
    assert assigned["message"] and assigned["propose"] and assigned["resolve"]
    services.dispute_resolve(dispute=dispute, by=mediator, outcome="Settled.")
    ended = offers(refresh(dispute), mediator)
    assert ended == {**{action: False for action in ended}, "note": True}


def test_a_mediator_who_is_a_party_is_neither_offered_nor_given_the_dispute(
    mediator, freelancer_user, client
):
    room = workroom_open(client=mediator, freelancer=freelancer_user, title="Own contract")
    dispute = services.dispute_open(
        workroom=room, by=freelancer_user, reason="scope", description="d", desired_outcome="o"
    )
    services.dispute_escalate(dispute=dispute, by=mediator)
    dispute = refresh(dispute)
    refusal = assign_refusal(dispute, mediator)
    assert refusal == "You are a party to this dispute and can't mediate it."
    assert close_refusal(dispute, mediator) is not None
    client.force_login(mediator)
    page = client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk]))
    assert reverse("admin:disputes_dispute_mediate_assign", args=[dispute.pk]) not in (
        page.content.decode()
    )
    with pytest.raises(NotAllowed, match=refusal):
        services.mediator_assign(dispute=dispute, by=mediator)
    assert refresh(dispute).mediator is None


def test_the_mediators_steps_are_refused_with_the_rules_sentence(dispute, mediator, staff_only):
    refusal = mediation_refusal(dispute, mediator)
    assert refusal.startswith("Assign this dispute to yourself first")
    with pytest.raises(NotAllowed, match="Assign this dispute to yourself first"):
        services.dispute_resolve(dispute=dispute, by=mediator, outcome="Done")
    with pytest.raises(NotAllowed, match="Only mediators can do this"):
        services.dispute_close(dispute=dispute, by=staff_only, outcome="Done")
    assert close_refusal(dispute, staff_only).startswith("Only mediators can do this")


def test_evidence_is_offered_to_whom_the_service_takes_it_from(
    dispute, client_user, freelancer_user, mediator
):
    for party in (client_user, freelancer_user):
        assert actions_for(dispute=dispute, user=party).add_evidence
        assert evidence_refusal(dispute, party) is None
    assert evidence_refusal(dispute, mediator) == (
        "Only the parties and the mediator can add evidence."
    )
    services.dispute_withdraw(dispute=dispute, by=freelancer_user)
    dispute = refresh(dispute)
    assert not actions_for(dispute=dispute, user=client_user).add_evidence
    with pytest.raises(NotAllowed, match="has ended"):
        services.evidence_add(dispute=dispute, by=client_user, uploaded_file=text_upload())


def test_answering_and_withdrawing_are_offered_to_whom_the_service_lets_do_them(
    dispute, client_user, freelancer_user
):
    proposal = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    proposer, other = (actions_for(dispute=dispute, user=u) for u in (freelancer_user, client_user))
    assert other.answer and not proposer.answer
    refusal = answer_refusal(dispute, proposal, freelancer_user)
    assert refusal == "You made this proposal: the other party answers it."
    with pytest.raises(NotAllowed, match=refusal):
        services.proposal_answer(resolution=proposal, by=freelancer_user, accept=True)

    assert proposer.withdraw and not other.withdraw
    refusal = withdraw_refusal(dispute, client_user)
    assert refusal == "Only the person who opened the dispute can withdraw it."
    with pytest.raises(NotAllowed, match=refusal):
        services.dispute_withdraw(dispute=dispute, by=client_user)


def test_a_dispute_does_not_exist_for_a_stranger_but_does_for_staff_who_view_it(
    dispute, stranger, staff_only
):
    for step in (
        lambda by: services.proposal_make(dispute=dispute, by=by, terms="Half."),
        lambda by: services.dispute_escalate(dispute=dispute, by=by),
        lambda by: services.dispute_withdraw(dispute=dispute, by=by),
    ):
        with pytest.raises(NotFound):
            step(stranger)
        with pytest.raises(NotAllowed):
            step(staff_only)
