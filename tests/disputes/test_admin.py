"""The mediators' admin: a queue with filters, a read-only record, and forms that each call one
service. A mediator's every action leaves exactly one audit event; a staff member who is not a
mediator gets a clear refusal and nothing changes."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, DisputeEvent, Dossier, Evidence, InternalNote, Resolution
from messaging import services as messaging
from messaging.models import Message, MessageRevision
from tests.disputes.conftest import png_upload, send
from workrooms.services import workroom_open

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/disputes/dispute/"


def change_url(dispute):
    return reverse("admin:disputes_dispute_change", args=[dispute.pk])


def mediate_url(dispute, action):
    return reverse(f"admin:disputes_dispute_mediate_{action}", args=[dispute.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def escalated(dispute, client_user):
    # The respondent (the client) may ask for mediation at once.
    return services.dispute_escalate(dispute=dispute, by=client_user)


@pytest.fixture
def assigned(escalated, mediator):
    return services.mediator_assign(dispute=escalated, by=mediator)


@pytest.fixture
def as_mediator(client, mediator):
    client.force_login(mediator)
    return client


@pytest.fixture
def as_staff(client, staff_only):
    client.force_login(staff_only)
    return client


def snapshot(dispute):
    """Everything a mediation action could change, to prove a refusal changed nothing."""
    d = Dispute.objects.get(pk=dispute.pk)
    return {
        "dispute": (d.status, d.mediator_id, d.outcome, d.ended_at, d.stage_due_at),
        "events": list(DisputeEvent.objects.filter(dispute=d).values_list("pk", flat=True)),
        "resolutions": list(Resolution.objects.filter(dispute=d).values_list("pk", "status")),
        "notes": InternalNote.objects.filter(dispute=d).count(),
        "messages": list(
            Message.objects.filter(conversation_id=d.conversation_id).values_list("pk", "body")
        ),
        "thread_members": sorted(d.conversation.participants.values_list("user_id", flat=True)),
    }


def event_kinds_since(dispute, before: int):
    return list(
        DisputeEvent.objects.filter(dispute=dispute)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)[before:]
    )


# --- A mediator's whole path ---------------------------------------------------------------


def test_mediator_assigns_messages_proposes_notes_and_resolves(as_mediator, escalated, mediator):
    def one_event(kind):
        nonlocal count
        kinds = event_kinds_since(escalated, count)
        assert kinds == [kind]
        count += 1

    count = DisputeEvent.objects.filter(dispute=escalated).count()

    response = as_mediator.post(
        CHANGELIST, {"action": "assign_to_me", "_selected_action": [escalated.pk]}, follow=True
    )
    assert f"Dispute #{escalated.pk}: assigned to you." in texts(response)
    assert Dispute.objects.get(pk=escalated.pk).mediator == mediator
    assert escalated.conversation.participants.filter(user=mediator).exists()
    one_event(DisputeEvent.Kind.MEDIATOR_ASSIGNED)

    response = as_mediator.post(
        mediate_url(escalated, "message"), {"message-body": "Please both send your invoices."}
    )
    assert response.status_code == 302 and response["Location"] == change_url(escalated)
    assert Message.objects.filter(
        conversation_id=escalated.conversation_id,
        sender=mediator,
        body="Please both send your invoices.",
    ).exists()
    one_event(DisputeEvent.Kind.MESSAGE)

    response = as_mediator.post(
        mediate_url(escalated, "propose"),
        {
            "propose-terms": "Half the milestone.",
            "propose-amount": "200",
            "propose-currency": "usd",
        },
        follow=True,
    )
    assert "Your proposal was sent to both parties." in texts(response)
    proposal = Resolution.objects.get(dispute=escalated)
    assert (proposal.by_mediator, proposal.proposed_by, str(proposal.amount)) == (
        True,
        mediator,
        "200.00",
    )
    assert proposal.status == Resolution.Status.PENDING
    one_event(DisputeEvent.Kind.PROPOSAL_MADE)

    response = as_mediator.post(
        mediate_url(escalated, "note"), {"note-body": "Client seems to accept half."}, follow=True
    )
    assert "Internal note saved." in texts(response)
    assert InternalNote.objects.get(dispute=escalated).author == mediator
    one_event(DisputeEvent.Kind.NOTE_ADDED)

    response = as_mediator.post(
        mediate_url(escalated, "resolve"),
        {"resolve-outcome": "Both agreed on half the milestone."},
        follow=True,
    )
    assert "The dispute is resolved; both parties were told." in texts(response)
    done = Dispute.objects.get(pk=escalated.pk)
    assert done.status == Dispute.Status.RESOLVED
    assert done.outcome == "Both agreed on half the milestone."
    one_event(DisputeEvent.Kind.RESOLVED)

    # The page shows the whole record, the internal note's event included.
    page = as_mediator.get(change_url(escalated)).content.decode()
    assert "Client seems to accept half." in page
    assert "added an internal note" in page
    assert "Half the milestone." in page


def test_mediator_closes_an_open_dispute_with_one_event(as_mediator, dispute):
    before = DisputeEvent.objects.filter(dispute=dispute).count()
    response = as_mediator.post(
        mediate_url(dispute, "close"), {"close-outcome": "Settled outside Tandem."}, follow=True
    )
    assert "The dispute is closed; both parties were told." in texts(response)
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.CLOSED
    assert event_kinds_since(dispute, before) == [DisputeEvent.Kind.CLOSED]


def test_assign_button_on_the_page(as_mediator, escalated, mediator):
    page = as_mediator.get(change_url(escalated)).content.decode()
    assert f'action="{mediate_url(escalated, "assign")}"' in page
    response = as_mediator.post(mediate_url(escalated, "assign"), follow=True)
    assert f"Dispute #{escalated.pk} is assigned to you." in texts(response)
    assert Dispute.objects.get(pk=escalated.pk).mediator == mediator
    # Assigned now: the button is gone and the forms that need the assignment are there.
    page = response.content.decode()
    assert f'action="{mediate_url(escalated, "assign")}"' not in page
    for action in ("message", "propose", "note", "resolve", "close"):
        assert f'action="{mediate_url(escalated, action)}"' in page


def test_action_refusals_are_per_dispute(as_mediator, dispute, escalated, mediator, room):
    # A second workroom with a dispute still in direct settlement.
    other_room = workroom_open(
        client=room.client, freelancer=room.freelancer, title="Second contract"
    )
    still_open = services.dispute_open(
        workroom=other_room,
        by=room.freelancer,
        reason="quality",
        description="The logo is off-brand.",
        desired_outcome="A redo.",
    )
    response = as_mediator.post(
        CHANGELIST,
        {"action": "assign_to_me", "_selected_action": [escalated.pk, still_open.pk]},
        follow=True,
    )
    messages = texts(response)
    assert f"Dispute #{escalated.pk}: assigned to you." in messages
    assert (
        f"Dispute #{still_open.pk}: Only disputes in mediation get a mediator; "
        "this one is still open." in messages
    )
    assert Dispute.objects.get(pk=still_open.pk).mediator is None


def test_refused_input_keeps_what_was_typed(as_mediator, assigned):
    before = snapshot(assigned)
    response = as_mediator.post(
        mediate_url(assigned, "propose"),
        {"propose-terms": "  ", "propose-amount": "150", "propose-currency": "EUR"},
        follow=True,
    )
    assert snapshot(assigned) == before
    assert any("terms" in m.lower() or "correct" in m.lower() for m in texts(response))
    page = response.content.decode()
    assert 'value="150"' in page and 'value="EUR"' in page
    assert 'class="errorlist' in page

    # A currency Tandem does not take is refused too, and the text is kept.
    response = as_mediator.post(
        mediate_url(assigned, "propose"),
        {"propose-terms": "Split it", "propose-amount": "150", "propose-currency": "Z1"},
        follow=True,
    )
    assert snapshot(assigned) == before
    assert response.context["messages"] and any(
        m.level_tag == "error" for m in response.context["messages"]
    )
    assert "Split it" in response.content.decode()

    # A refusal of the service (terms over its limit, which the form does not check) is shown
    # next to its field after the redirect, with what was typed.
    long_terms = "Split it. " * 600
    response = as_mediator.post(
        mediate_url(assigned, "propose"),
        {"propose-terms": long_terms, "propose-amount": "150", "propose-currency": "EUR"},
        follow=True,
    )
    assert snapshot(assigned) == before
    form = response.context["mediation_forms"]["propose"]
    assert "at most 5,000 characters" in form.errors["terms"][0]
    assert form["amount"].value() == "150"


# --- Only mediators mediate ------------------------------------------------------------------

REFUSAL = "Only mediators can do this"


@pytest.mark.parametrize(
    "action, data",
    [
        ("assign", {}),
        ("message", {"message-body": "Hello both"}),
        (
            "propose",
            {"propose-terms": "Split it", "propose-amount": "200", "propose-currency": "USD"},
        ),
        ("note", {"note-body": "A note"}),
        ("resolve", {"resolve-outcome": "Done"}),
        ("close", {"close-outcome": "Done"}),
    ],
)
def test_staff_who_are_not_mediators_are_refused_and_nothing_changes(
    as_staff, assigned, action, data
):
    before = snapshot(assigned)
    response = as_staff.post(mediate_url(assigned, action), data, follow=True)
    assert response.status_code == 200
    assert any(REFUSAL in m for m in texts(response)), texts(response)
    assert snapshot(assigned) == before


def test_staff_who_are_not_mediators_cannot_assign_from_the_queue(as_staff, escalated):
    before = snapshot(escalated)
    response = as_staff.post(
        CHANGELIST, {"action": "assign_to_me", "_selected_action": [escalated.pk]}, follow=True
    )
    assert any(m.startswith(f"Dispute #{escalated.pk}: {REFUSAL}") for m in texts(response))
    assert snapshot(escalated) == before


def test_viewers_see_the_record_without_the_forms(as_staff, assigned):
    response = as_staff.get(change_url(assigned))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only mediators (permission “Can mediate disputes”) can act on it." in page
    for action in ("assign", "message", "propose", "note", "resolve", "close"):
        assert mediate_url(assigned, action) not in page
    assert "dossier" not in response.context["adminform"].form.fields  # no form fields at all
    assert reverse("admin:disputes_dispute_dossier", args=[assigned.pk]) not in page


def test_mediation_views_take_only_post(as_mediator, assigned):
    assert as_mediator.get(mediate_url(assigned, "note")).status_code == 405


def test_staff_without_any_dispute_permission_get_nothing(client, make_user, escalated):
    staff = make_user(name="Nora Nobody", role="")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    before = snapshot(escalated)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(escalated)).status_code in (302, 403)
    assert client.post(mediate_url(escalated, "assign")).status_code == 403
    assert snapshot(escalated) == before


def test_parties_are_kept_out_of_the_admin(client, client_user, escalated):
    client.force_login(client_user)
    response = client.post(mediate_url(escalated, "assign"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Dispute.objects.get(pk=escalated.pk).mediator is None


# --- No blind edits --------------------------------------------------------------------------


def test_change_page_has_no_editable_model_fields(as_mediator, assigned):
    response = as_mediator.get(change_url(assigned))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    page = response.content.decode()
    for name in ("reason", "status", "description", "outcome", "mediator", "_save", "_continue"):
        assert f'name="{name}"' not in page
    # Inside the admin's own form, nothing but hidden inputs (CSRF, the inlines' counters).
    form_html = page[
        page.index('id="dispute_form"') : page.index("</form>", page.index('id="dispute_form"'))
    ]
    assert "<textarea" not in form_html and "<select" not in form_html
    for tag in re.findall(r"<input[^>]*>", form_html):
        assert 'type="hidden"' in tag, tag

    before = snapshot(assigned)
    response = as_mediator.post(
        change_url(assigned),
        {"status": "resolved", "outcome": "Blind edit", "reason": "other", "_save": "Save"},
    )
    assert response.status_code == 403
    assert snapshot(assigned) == before


def test_no_add_or_delete(as_mediator, admin_client, assigned):
    assert as_mediator.get("/admin/disputes/dispute/add/").status_code == 403
    assert admin_client.get("/admin/disputes/dispute/add/").status_code == 403
    delete = f"/admin/disputes/dispute/{assigned.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Dispute.objects.filter(pk=assigned.pk).exists()
    assert "delete_selected" not in admin_client.get(CHANGELIST).content.decode()


def test_parts_of_a_dispute_are_only_inlines():
    for model in (Evidence, InternalNote, Resolution, DisputeEvent, Dossier):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(Dispute)


# --- The record on the page ------------------------------------------------------------------


def test_thread_shows_edited_and_deleted_messages_with_revisions(
    as_mediator, dispute, client_user, freelancer_user
):
    edited = send(dispute.conversation_id, freelancer_user, "The invoice was sent on Monday")
    messaging.message_edit(
        message_id=edited.pk, by=freelancer_user, body="The invoice was sent on Tuesday"
    )
    gone = send(dispute.conversation_id, client_user, "I never got any invoice")
    messaging.message_delete(message_id=gone.pk, by=client_user)
    assert MessageRevision.objects.filter(message__in=[edited, gone]).count() == 2

    page = as_mediator.get(change_url(dispute)).content.decode()
    assert "The invoice was sent on Tuesday" in page
    assert "The invoice was sent on Monday" in page  # the revision
    assert "I never got any invoice" in page
    assert "Deleted " in page and "Edited " in page


def test_evidence_preview_and_download(
    as_mediator, as_staff, client, dispute, freelancer_user, mediator, staff_only
):
    evidence = services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=png_upload(), caption="Unpaid invoice"
    )
    assert evidence.preview
    preview = reverse("admin:disputes_dispute_evidence_preview", args=[dispute.pk, evidence.pk])
    download = reverse("admin:disputes_dispute_evidence_download", args=[dispute.pk, evidence.pk])

    client.force_login(mediator)
    page = client.get(change_url(dispute)).content.decode()
    assert f'src="{preview}"' in page and f'href="{download}"' in page
    assert evidence.sha256 in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response = client.get(preview)
    assert response["Content-Type"] == "image/webp"
    assert "sandbox" in response["Content-Security-Policy"]

    # Evidence of another dispute is not reachable through this one.
    wrong = reverse(
        "admin:disputes_dispute_evidence_download", args=[dispute.pk + 1000, evidence.pk]
    )
    assert client.get(wrong).status_code == 404

    client.force_login(staff_only)  # may view disputes, not read their record
    assert client.get(download).status_code == 403
    assert client.get(preview).status_code == 403


def test_view_only_staff_see_the_summary_but_not_the_record(
    as_staff, assigned, mediator, client_user, freelancer_user
):
    """The admin applies the dossier's rule (`can_see_record`): no thread, deleted messages,
    evidence, proposals, internal notes or audit trail for `view_dispute` alone."""
    send(assigned.conversation_id, freelancer_user, "Thread words only the record shows")
    gone = send(assigned.conversation_id, client_user, "A deleted promise to pay")
    messaging.message_delete(message_id=gone.pk, by=client_user)
    evidence = services.evidence_add(
        dispute=assigned, by=freelancer_user, uploaded_file=png_upload(), caption="Unpaid invoice"
    )
    services.internal_note_add(dispute=assigned, by=mediator, body="Staff-only hunch: bluffing")
    services.proposal_make(dispute=assigned, by=mediator, terms="Secret settlement terms")

    response = as_staff.get(change_url(assigned))
    assert response.status_code == 200
    page = response.content.decode()
    assert assigned.description in page and "Mobile app" in page  # the summary
    assert 'id="record-withheld"' in page
    assert response.context["inline_admin_formsets"] == []
    for secret in (
        "Thread words only the record shows",
        "A deleted promise to pay",
        "Unpaid invoice",
        evidence.sha256,
        "Staff-only hunch",
        "Secret settlement terms",
        reverse("admin:messaging_conversation_change", args=[assigned.conversation_id]),
        reverse("admin:disputes_dispute_evidence_download", args=[assigned.pk, evidence.pk]),
    ):
        assert secret not in page, secret

    # The same page for a mediator shows all of it.
    as_staff.force_login(mediator)
    page = as_staff.get(change_url(assigned)).content.decode()
    for shown in ("Thread words only", "A deleted promise", "Unpaid invoice", "Staff-only hunch"):
        assert shown in page, shown
    assert "Secret settlement terms" in page and 'id="record-withheld"' not in page


# --- The queue -------------------------------------------------------------------------------


@pytest.fixture
def queue(room, dispute, client_user, freelancer_user, mediator, make_user):
    """Three disputes: one open (new), one in mediation assigned to the mediator, one in
    mediation unassigned and opened ten days ago, whose stage is overdue."""
    other = make_user(name="Quinn Quill", role="freelancer", handle="quinnq")
    quill_room = workroom_open(client=client_user, freelancer=other, title="Annual report")
    quill = services.dispute_open(
        workroom=quill_room,
        by=other,
        reason="quality",
        description="Scope crept.",
        desired_outcome="Pay as agreed.",
    )
    services.dispute_escalate(dispute=quill, by=client_user)
    services.mediator_assign(dispute=quill, by=mediator)

    third = make_user(name="Rita Old", role="freelancer", email="rita@old.example")
    old_room = workroom_open(client=client_user, freelancer=third, title="Legacy site")
    old = services.dispute_open(
        workroom=old_room,
        by=client_user,
        reason="missed_deadline",
        description="Late.",
        desired_outcome="Refund.",
    )
    services.dispute_escalate(dispute=old, by=third)
    # A clock shift, not a write path: this one was opened ten days ago and is overdue.
    ten_days_ago = timezone.now() - timedelta(days=10)
    Dispute.objects.filter(pk=old.pk).update(
        created_at=ten_days_ago, stage_due_at=timezone.now() - timedelta(days=2, hours=1)
    )
    return {"open": dispute, "assigned": quill, "old": old}


def listed(response):
    return {d.pk for d in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"open", "assigned", "old"}),
        ("?status__exact=open", {"open"}),
        ("?status__exact=mediation", {"assigned", "old"}),
        ("?reason__exact=quality", {"assigned"}),
        ("?reason__exact=missed_deadline", {"old"}),
        ("?age=today", {"open", "assigned"}),
        ("?age=week", {"open", "assigned"}),
        ("?age=older", {"old"}),
        ("?mediator=none", {"open", "old"}),
        ("?mediator=me", {"assigned"}),
        ("?q=Quinn", {"assigned"}),  # party name
        ("?q=quinnq", {"assigned"}),  # party handle
        ("?q=rita@old.example", {"old"}),  # party e-mail
        ("?q=Mobile", {"open"}),  # workroom title
        ("?q=Morgan", {"open", "assigned", "old"}),  # the client is in all three
        ("?q=nobody-like-this", set()),
    ],
)
def test_queue_filters_and_search(as_mediator, queue, query, expected):
    response = as_mediator.get(CHANGELIST + query)
    assert response.status_code == 200
    assert listed(response) == {queue[name].pk for name in expected}


def test_queue_filter_by_a_named_mediator(admin_client, queue, mediator):
    response = admin_client.get(f"{CHANGELIST}?mediator={mediator.pk}")
    assert listed(response) == {queue["assigned"].pk}
    assert "Mia Mediator" in response.content.decode()  # offered as a choice


def test_queue_order_and_time_left(as_mediator, queue, mediator):
    services.dispute_close(dispute=queue["assigned"], by=mediator, outcome="Withdrawn by phone.")
    response = as_mediator.get(CHANGELIST)
    order = [d.pk for d in response.context["cl"].result_list]
    # Active first, soonest due first (the overdue one on top); ended ones last.
    assert order == [queue["old"].pk, queue["open"].pk, queue["assigned"].pk]
    page = response.content.decode()
    assert '<strong class="dispute-overdue">overdue by 2 days</strong>' in page
    assert "days left" in page  # the open one: five days to answer


def test_queue_takes_the_same_queries_for_one_dispute_or_three(as_mediator, queue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_mediator.get(CHANGELIST)  # warm the per-user caches (the timezone)
    with CaptureQueriesContext(connection) as three:
        assert len(listed(as_mediator.get(CHANGELIST))) == 3
    with CaptureQueriesContext(connection) as one:
        assert len(listed(as_mediator.get(CHANGELIST + "?status__exact=open"))) == 1
    assert len(three) == len(one)


def test_mediator_without_view_permission_still_sees_the_queue(client, make_user, escalated):
    user = make_user(name="Pat Perm", role="")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="mediate_dispute"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change_url(escalated)).status_code == 200
    assert "Disputes" in client.get("/admin/").content.decode()
