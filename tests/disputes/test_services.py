"""The dispute state machine: every transition, who may make it, and the audit trail (one
event per action, append-only)."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed, NotFound, TooLarge
from disputes import services
from disputes.models import Dispute, DisputeEvent, Evidence, InternalNote, Resolution
from disputes.selectors import actions_for, active_dispute_for, timeline_for
from messaging import services as messaging
from messaging.models import Message, Notification, Participant
from tests.disputes.conftest import png_upload, text_upload

pytestmark = pytest.mark.django_db


def events(dispute) -> list[str]:
    return list(
        DisputeEvent.objects.filter(dispute=dispute).order_by("pk").values_list("kind", flat=True)
    )


def refresh(dispute) -> Dispute:
    return Dispute.objects.get(pk=dispute.pk)


def escalated(dispute, client_user):
    """The client (the other party) declines direct settlement."""
    return services.dispute_escalate(dispute=dispute, by=client_user)


def in_mediation(dispute, client_user, mediator):
    escalated(dispute, client_user)
    return services.mediator_assign(dispute=dispute, by=mediator)


# --- Opening ------------------------------------------------------------------------------------


def test_opening_makes_the_thread_notifies_and_records_one_event(
    dispute, room, client_user, freelancer_user
):
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.other_party == client_user
    assert str(dispute.amount) == "400.00" and dispute.currency == "USD"
    assert dispute.stage_due_at - dispute.created_at == timedelta(days=5)
    members = set(
        Participant.objects.filter(conversation=dispute.conversation).values_list("user", flat=True)
    )
    assert members == {client_user.pk, freelancer_user.pk}
    assert dispute.conversation.kind == "dispute"
    assert events(dispute) == ["opened"]
    assert Notification.objects.filter(user=client_user, kind="dispute.opened").count() == 1
    # Both parties hear of it: the other party to answer, the opener as a receipt.
    assert Notification.objects.filter(user=freelancer_user, kind="dispute.opened").count() == 1
    assert Message.objects.filter(
        conversation=room.conversation, body__contains="opened a dispute"
    ).exists()
    assert active_dispute_for(workroom=room) == dispute


def test_a_second_open_dispute_on_the_same_workroom_is_refused(dispute, room, client_user):
    with pytest.raises(Invalid) as refused:
        services.dispute_open(
            workroom=room,
            by=client_user,
            reason="quality",
            description="The app crashes.",
            desired_outcome="A fix.",
        )
    assert "already has an open dispute" in str(refused.value)
    assert Dispute.objects.count() == 1


def test_a_workroom_you_are_not_in_cannot_get_your_dispute(room, stranger):
    with pytest.raises(NotFound):
        services.dispute_open(
            workroom=room, by=stranger, reason="other", description="x", desired_outcome="y"
        )
    assert not Dispute.objects.exists()


def test_bad_fields_are_reported_by_field_and_nothing_is_made(room, client_user):
    with pytest.raises(ValidationError) as invalid:
        services.dispute_open(
            workroom=room,
            by=client_user,
            reason="boredom",
            description="",
            desired_outcome="x" * 6000,
            amount="-5",
            currency="dollars",
        )
    assert set(invalid.value.error_dict) == {
        "reason",
        "description",
        "desired_outcome",
        "amount",
        "currency",
    }
    assert not Dispute.objects.exists()


def test_a_new_dispute_may_follow_one_that_ended(dispute, room, freelancer_user, client_user):
    services.dispute_withdraw(dispute=dispute, by=freelancer_user)
    again = services.dispute_open(
        workroom=room,
        by=client_user,
        reason="quality",
        description="Crashes on start.",
        desired_outcome="A fix.",
    )
    assert again.pk != dispute.pk and again.opened_by == client_user


# --- Evidence -----------------------------------------------------------------------------------


def test_evidence_is_hashed_previewed_and_recorded(dispute, freelancer_user):
    evidence = services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=png_upload(), caption="The approval"
    )
    assert len(evidence.sha256) == 64 and evidence.preview
    assert events(dispute) == ["opened", "evidence_added"]


def test_evidence_of_a_disallowed_type_or_over_the_cap_is_refused(
    dispute, freelancer_user, settings
):
    with pytest.raises(Invalid) as wrong_type:
        services.evidence_add(
            dispute=dispute, by=freelancer_user, uploaded_file=text_upload(name="run.exe")
        )
    assert wrong_type.value.extra["reason"] == "type"
    with pytest.raises(Invalid) as spoofed:
        services.evidence_add(
            dispute=dispute,
            by=freelancer_user,
            uploaded_file=text_upload(name="fake.png", content=b"<html>hi</html>"),
        )
    assert spoofed.value.extra["reason"] == "spoofed"
    settings.FILE_UPLOAD_MAX_SIZE = 10
    with pytest.raises(TooLarge) as too_big:
        services.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=text_upload())
    assert too_big.value.detail == "Files may be at most 10 bytes."
    assert not Evidence.objects.exists()
    assert events(dispute) == ["opened"]


def test_only_parties_add_evidence(dispute, stranger, mediator):
    # To a stranger the dispute does not exist; a mediator sees it but adds evidence only once
    # assigned.
    with pytest.raises(NotFound):
        services.evidence_add(dispute=dispute, by=stranger, uploaded_file=text_upload())
    with pytest.raises(NotAllowed, match="Only the parties and the mediator"):
        services.evidence_add(dispute=dispute, by=mediator, uploaded_file=text_upload())
    assert not Evidence.objects.exists()


# --- Direct settlement --------------------------------------------------------------------------


def test_a_party_proposal_accepted_by_the_other_resolves_the_dispute(
    dispute, client_user, freelancer_user
):
    proposal = services.proposal_make(
        dispute=dispute, by=client_user, terms="I pay half now.", amount="200", currency="USD"
    )
    assert proposal.other_answer == "accepted" and proposal.opener_answer == ""
    with pytest.raises(NotAllowed, match="You made this proposal"):
        services.proposal_answer(resolution=proposal, by=client_user, accept=True)
    services.proposal_answer(resolution=proposal, by=freelancer_user, accept=True)
    dispute = refresh(dispute)
    assert dispute.status == Dispute.Status.RESOLVED
    assert "I pay half now." in dispute.outcome and dispute.ended_at
    assert dispute.conversation.read_only
    assert events(dispute) == ["opened", "proposal_made", "accepted"]
    with pytest.raises(messaging.Forbidden):
        messaging.message_send(
            conversation_id=dispute.conversation_id,
            sender=client_user,
            body="One more thing",
            client_id=uuid.uuid4(),
        )


def test_one_proposal_waits_at_a_time_and_a_rejection_ends_it(
    dispute, client_user, freelancer_user
):
    first = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    with pytest.raises(NotAllowed, match="already waiting"):
        services.proposal_make(dispute=dispute, by=client_user, terms="Half.")
    services.proposal_answer(resolution=first, by=client_user, accept=False, note="Too much")
    first.refresh_from_db()
    assert first.status == Resolution.Status.REJECTED
    with pytest.raises(NotAllowed, match="no longer open"):
        services.proposal_answer(resolution=first, by=client_user, accept=True)
    services.proposal_make(dispute=dispute, by=client_user, terms="Half.")
    assert refresh(dispute).status == Dispute.Status.OPEN
    assert events(dispute) == ["opened", "proposal_made", "rejected", "proposal_made"]


def test_the_other_partys_first_word_counts_as_their_answer_and_is_audited(
    dispute, client_user, freelancer_user
):
    assert refresh(dispute).other_party_answered_at is None
    messaging.message_send(
        conversation_id=dispute.conversation_id,
        sender=freelancer_user,
        body="Any news?",
        client_id=uuid.uuid4(),
    )
    assert refresh(dispute).other_party_answered_at is None  # the opener's own words
    messaging.message_send(
        conversation_id=dispute.conversation_id,
        sender=client_user,
        body="The payment is on its way.",
        client_id=uuid.uuid4(),
    )
    assert refresh(dispute).other_party_answered_at is not None
    assert events(dispute) == ["opened", "message", "message"]


# --- Escalation ---------------------------------------------------------------------------------


def test_the_opener_escalates_only_after_the_response_time_or_a_refusal(
    dispute, client_user, freelancer_user
):
    with pytest.raises(NotAllowed, match="has until"):
        services.dispute_escalate(dispute=dispute, by=freelancer_user)
    assert refresh(dispute).status == Dispute.Status.OPEN
    proposal = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    services.proposal_answer(resolution=proposal, by=client_user, accept=False)
    services.dispute_escalate(dispute=dispute, by=freelancer_user)
    assert refresh(dispute).status == Dispute.Status.MEDIATION


def test_the_opener_escalates_once_the_response_time_has_passed(dispute, freelancer_user):
    Dispute.objects.filter(pk=dispute.pk).update(stage_due_at=timezone.now() - timedelta(minutes=1))
    assert actions_for(dispute=refresh(dispute), user=freelancer_user).escalate
    services.dispute_escalate(dispute=refresh(dispute), by=freelancer_user)
    assert refresh(dispute).status == Dispute.Status.MEDIATION


def test_escalating_twice_or_by_a_stranger_is_refused(dispute, client_user, stranger):
    with pytest.raises(NotFound):
        services.dispute_escalate(dispute=dispute, by=stranger)
    escalated(dispute, client_user)
    with pytest.raises(NotAllowed, match="already in mediation"):
        services.dispute_escalate(dispute=dispute, by=client_user)
    assert events(dispute) == ["opened", "escalated"]


def test_escalation_sets_the_mediation_stage_freezes_the_dossier_and_tells_mediators(
    dispute, client_user, freelancer_user, mediator, staff_only
):
    pending = services.proposal_make(dispute=dispute, by=client_user, terms="Half.")
    escalated(dispute, client_user)
    dispute = refresh(dispute)
    assert dispute.escalated_by == client_user and dispute.dossier.sha256
    assert dispute.stage_due_at - dispute.escalated_at == timedelta(days=10)
    pending.refresh_from_db()
    assert pending.status == Resolution.Status.SUPERSEDED
    assert Notification.objects.filter(user=mediator, kind="dispute.queue").count() == 1
    assert not Notification.objects.filter(user=staff_only, kind="dispute.queue").exists()
    assert Notification.objects.filter(user=freelancer_user, kind="dispute.escalated").exists()


# --- Mediation ----------------------------------------------------------------------------------


def test_only_mediators_are_assigned_and_join_the_thread(
    dispute, client_user, mediator, staff_only
):
    escalated(dispute, client_user)
    with pytest.raises(NotAllowed, match="Only mediators"):
        services.mediator_assign(dispute=dispute, by=staff_only)
    assert refresh(dispute).mediator is None
    services.mediator_assign(dispute=dispute, by=mediator)
    assert refresh(dispute).mediator == mediator
    assert Participant.objects.filter(conversation=dispute.conversation, user=mediator).exists()
    with pytest.raises(NotAllowed, match="already assigned to you"):
        services.mediator_assign(dispute=dispute, by=mediator)
    assert events(dispute) == ["opened", "escalated", "mediator_assigned"]


def test_a_dispute_is_not_mediated_before_escalation(dispute, mediator):
    with pytest.raises(NotAllowed, match="still open"):
        services.mediator_assign(dispute=dispute, by=mediator)
    with pytest.raises(NotAllowed):
        services.proposal_make(dispute=dispute, by=mediator, terms="Split it.")


def test_a_mediator_proposal_needs_both_parties(dispute, client_user, freelancer_user, mediator):
    in_mediation(dispute, client_user, mediator)
    proposal = services.proposal_make(
        dispute=dispute, by=mediator, terms="Client pays 300.", amount="300", currency="USD"
    )
    assert proposal.by_mediator and proposal.opener_answer == proposal.other_answer == ""
    services.proposal_answer(resolution=proposal, by=freelancer_user, accept=True)
    assert refresh(dispute).status == Dispute.Status.MEDIATION
    services.proposal_answer(resolution=proposal, by=client_user, accept=True)
    dispute = refresh(dispute)
    assert dispute.status == Dispute.Status.RESOLVED
    assert events(dispute)[-3:] == ["proposal_made", "accepted", "accepted"]


def test_a_mediator_proposal_supersedes_a_waiting_party_proposal(
    dispute, client_user, freelancer_user, mediator
):
    in_mediation(dispute, client_user, mediator)
    party = services.proposal_make(dispute=dispute, by=freelancer_user, terms="Pay in full.")
    services.proposal_make(dispute=dispute, by=mediator, terms="Pay 300.")
    party.refresh_from_db()
    assert party.status == Resolution.Status.SUPERSEDED


def test_mediator_messages_notes_resolve_and_close(
    dispute, client_user, freelancer_user, mediator, staff_only
):
    in_mediation(dispute, client_user, mediator)
    message = services.mediator_message(dispute=dispute, by=mediator, body="Hello both.")
    assert message.sender == mediator and message.conversation_id == dispute.conversation_id
    with pytest.raises(NotAllowed):
        services.internal_note_add(dispute=dispute, by=staff_only, body="Peek")
    note = services.internal_note_add(dispute=dispute, by=mediator, body="Client seems fair.")
    assert InternalNote.objects.get() == note
    # The note never reaches the parties: no line in the thread, no event on their timeline.
    assert not Message.objects.filter(body__contains="internal note").exists()
    assert "note_added" not in [e.kind for e in timeline_for(dispute=dispute, staff=False)]
    assert "note_added" in [e.kind for e in timeline_for(dispute=dispute, staff=True)]
    with pytest.raises(NotAllowed):
        services.dispute_resolve(dispute=dispute, by=staff_only, outcome="Done")
    with pytest.raises(ValidationError):
        services.dispute_resolve(dispute=dispute, by=mediator, outcome="  ")
    services.dispute_resolve(dispute=dispute, by=mediator, outcome="Client pays 300 by Friday.")
    dispute = refresh(dispute)
    assert dispute.status == Dispute.Status.RESOLVED and dispute.outcome.startswith("Client")
    assert events(dispute) == [
        "opened",
        "escalated",
        "mediator_assigned",
        "message",
        "note_added",
        "resolved",
    ]
    with pytest.raises(NotAllowed, match="has ended"):
        services.dispute_close(dispute=dispute, by=mediator, outcome="Again")


def test_a_mediator_closes_an_open_dispute_and_a_party_cannot(
    dispute, client_user, freelancer_user, mediator
):
    with pytest.raises(NotAllowed):
        services.dispute_close(dispute=dispute, by=client_user, outcome="Bye")
    services.dispute_close(dispute=dispute, by=mediator, outcome="Settled outside Tandem.")
    assert refresh(dispute).status == Dispute.Status.CLOSED
    assert events(dispute) == ["opened", "closed"]


# --- Withdrawal and acting after the end --------------------------------------------------------


def test_only_the_opener_withdraws_and_nothing_happens_after(dispute, client_user, freelancer_user):
    with pytest.raises(NotAllowed, match="Only the person who opened"):
        services.dispute_withdraw(dispute=dispute, by=client_user)
    services.dispute_withdraw(dispute=dispute, by=freelancer_user, note="Paid today, thanks.")
    dispute = refresh(dispute)
    assert dispute.status == Dispute.Status.WITHDRAWN
    for attempt in (
        lambda: services.proposal_make(dispute=dispute, by=client_user, terms="x"),
        lambda: services.dispute_escalate(dispute=dispute, by=client_user),
        lambda: services.evidence_add(dispute=dispute, by=client_user, uploaded_file=text_upload()),
        lambda: services.dispute_withdraw(dispute=dispute, by=freelancer_user),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert events(dispute) == ["opened", "withdrawn"]
    assert active_dispute_for(workroom=dispute.workroom) is None


# --- The audit trail ----------------------------------------------------------------------------


def test_the_audit_trail_is_append_only(dispute):
    event = DisputeEvent.objects.get(dispute=dispute)
    original = event.summary
    event.summary = "Nothing happened"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert DisputeEvent.objects.get(pk=event.pk).summary == original
    assert DisputeEvent.objects.filter(dispute=dispute).count() == 1


def test_actions_offer_only_what_each_person_may_do(dispute, client_user, freelancer_user):
    opener = actions_for(dispute=dispute, user=freelancer_user)
    other = actions_for(dispute=dispute, user=client_user)
    assert opener.withdraw and not other.withdraw
    assert other.escalate and not opener.escalate and "has until" in opener.escalate_reason
    proposal = services.proposal_make(dispute=dispute, by=client_user, terms="Half.")
    assert actions_for(dispute=dispute, user=freelancer_user).answer
    assert not actions_for(dispute=dispute, user=client_user).answer
    assert actions_for(dispute=dispute, user=client_user).pending == proposal
    services.dispute_withdraw(dispute=dispute, by=freelancer_user)
    ended = actions_for(dispute=refresh(dispute), user=freelancer_user)
    assert not (ended.reply or ended.propose or ended.escalate or ended.withdraw)
