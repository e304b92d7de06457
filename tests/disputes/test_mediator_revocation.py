"""A mediator who loses the right to mediate loses their disputes: at once on every page and
action (the permission is checked on each request, not the `mediator` column), and, once the
change is committed, they leave each dispute's thread and an active dispute goes back to the
unassigned queue with a line on the record."""

import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.exceptions import NotAllowed, NotFound
from disputes import selectors, services
from disputes.models import Dispute, DisputeEvent
from disputes.rules import evidence_refusal
from disputes.services import mediator_access_recheck
from messaging import services as messaging
from messaging.models import Message, Notification
from profiles.models import User
from tests.disputes.conftest import text_upload

pytestmark = pytest.mark.django_db

LEFT = "is no longer a Tandem mediator and has left the dispute"


def mediate_permission():
    return Permission.objects.get(codename="mediate_dispute", content_type__app_label="disputes")


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user: no permission cache


def members(dispute) -> set[int]:
    return set(dispute.conversation.participants.values_list("user_id", flat=True))


def url(name, *args):
    return reverse(f"disputes:{name}", args=args)


@pytest.fixture
def group():
    group = Group.objects.create(name="Mediators")
    group.permissions.add(mediate_permission())
    return group


def _staff(make_user, name):
    user = make_user(name=name, role="")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _remove_permission(user, group):
    user.user_permissions.remove(mediate_permission())


def _clear_permissions(user, group):
    user.user_permissions.clear()


def _leave_group(user, group):
    user.groups.remove(group)


def _group_emptied(user, group):
    group.user_set.clear()


def _group_loses_permission(user, group):
    group.permissions.remove(mediate_permission())


def _group_deleted(user, group):
    group.delete()


def _staff_flag_cleared(user, group):
    user.is_staff = False
    user.save()


def _deactivated(user, group):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _superuser_flag_cleared(user, group):
    user.is_superuser = False
    user.save(update_fields=["is_superuser"])


# (how the person mediates, how that is taken away)
REVOCATIONS = {
    "permission removed": ("direct", _remove_permission),
    "permissions cleared": ("direct", _clear_permissions),
    "group left": ("group", _leave_group),
    "group emptied": ("group", _group_emptied),
    "group lost the permission": ("group", _group_loses_permission),
    "group deleted": ("group", _group_deleted),
    "staff flag cleared": ("direct", _staff_flag_cleared),
    "deactivated": ("direct", _deactivated),
    "superuser flag cleared": ("superuser", _superuser_flag_cleared),
}


@pytest.fixture
def make_mediator(make_user, group):
    def make(kind):
        user = _staff(make_user, "Max Mediator")
        if kind == "direct":
            user.user_permissions.add(mediate_permission())
        elif kind == "group":
            user.groups.add(group)
        else:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        return fresh(user)

    return make


@pytest.fixture
def escalated(dispute, client_user):
    return services.dispute_escalate(dispute=dispute, by=client_user)


@pytest.mark.parametrize("case", list(REVOCATIONS))
def test_a_revoked_mediator_leaves_the_thread_and_the_dispute_goes_back_to_the_queue(
    case,
    make_mediator,
    group,
    escalated,
    mediator,
    client,
    freelancer_user,
    django_capture_on_commit_callbacks,
):
    kind, revoke = REVOCATIONS[case]
    former = make_mediator(kind)
    dispute = services.mediator_assign(dispute=escalated, by=former)
    item = services.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=text_upload())
    assert former.pk in members(dispute)
    client.force_login(former)
    assert client.get(dispute.get_absolute_url()).status_code == 200
    told = Notification.objects.filter(user=mediator, kind="dispute.queue")
    told_before = told.count()

    with django_capture_on_commit_callbacks(execute=True):
        revoke(former, group)

    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id is None
    assert dispute.status == Dispute.Status.MEDIATION  # in the unassigned queue
    assert former.pk not in members(dispute)
    event = DisputeEvent.objects.filter(dispute=dispute).latest("created_at", "pk")
    assert event.kind == DisputeEvent.Kind.MEDIATOR_REMOVED and LEFT in event.summary
    assert Message.objects.filter(
        conversation_id=dispute.conversation_id, kind="system", body__contains=LEFT
    ).exists()
    assert told.count() == told_before + 1

    # A fresh login: nothing of the dispute is theirs any more.
    client.force_login(fresh(former))
    refused = (302,) if case == "deactivated" else (404,)  # an inactive account is signed out
    for address in (
        dispute.get_absolute_url(),
        url("evidence", dispute.pk),
        url("evidence_download", dispute.pk, item.pk),
    ):
        assert client.get(address).status_code in refused, address
    upload = client.post(url("evidence_upload", dispute.pk), {"files": text_upload()})
    assert upload.status_code in refused
    with pytest.raises(NotFound):
        messaging.message_send(
            conversation_id=dispute.conversation_id,
            sender=fresh(former),
            body="Still here?",
            client_id=uuid.uuid4(),
            rate_limited=False,
        )
    with pytest.raises((NotFound, NotAllowed)):
        services.evidence_add(dispute=dispute, by=fresh(former), uploaded_file=text_upload())
    assert dispute.evidence.count() == 1

    # Another mediator takes it from the queue.
    assert services.mediator_assign(dispute=dispute, by=mediator).mediator_id == mediator.pk


def test_until_the_revocation_runs_every_read_and_action_already_refuses(
    mediator, escalated, client, freelancer_user
):
    """Defence in depth: with the permission gone but the dispute not yet unassigned (the
    after-commit step has not run), the `mediator` column grants nothing."""
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    item = services.evidence_add(dispute=dispute, by=freelancer_user, uploaded_file=text_upload())
    mediator.user_permissions.remove(mediate_permission())  # its on_commit never runs here
    former = fresh(mediator)
    assert Dispute.objects.get(pk=dispute.pk).mediator_id == former.pk  # still the column

    client.force_login(former)
    assert client.get(dispute.get_absolute_url()).status_code == 404
    assert client.get(url("evidence_download", dispute.pk, item.pk)).status_code == 404
    assert dispute.get_absolute_url() not in client.get(url("list")).content.decode()
    upload = client.post(url("evidence_upload", dispute.pk), {"files": text_upload()})
    assert upload.status_code == 404
    assert evidence_refusal(dispute, former) is not None
    assert not selectors.actions_for(dispute=dispute, user=former).reply
    assert selectors.dispute_for(user=former, dispute_id=dispute.pk) is None
    with pytest.raises((NotFound, NotAllowed)):
        services.evidence_add(dispute=dispute, by=former, uploaded_file=text_upload())
    with pytest.raises(NotAllowed):
        services.mediator_message(dispute=dispute, by=former, body="Hello")
    with pytest.raises((NotFound, NotAllowed)):
        services.proposal_make(dispute=dispute, by=former, terms="Split it")
    assert dispute.evidence.count() == 1
    assert client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).status_code in (
        302,
        403,
    )


def test_the_periodic_sweep_catches_what_no_signal_reported(mediator, escalated):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    User.objects.filter(pk=mediator.pk).update(is_staff=False)  # no post_save

    assert services.sweep_deadlines() == 1
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id is None and mediator.pk not in members(dispute)
    assert services.sweep_deadlines() == 0  # once


def test_an_ended_dispute_keeps_its_mediator_on_record_but_not_in_its_thread(
    mediator, escalated, django_capture_on_commit_callbacks
):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    dispute = services.dispute_resolve(dispute=dispute, by=mediator, outcome="Paid in full.")
    events = DisputeEvent.objects.filter(dispute=dispute).count()

    with django_capture_on_commit_callbacks(execute=True):
        mediator.user_permissions.remove(mediate_permission())

    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id == mediator.pk  # who decided it stays on the record
    assert mediator.pk not in members(dispute)
    assert DisputeEvent.objects.filter(dispute=dispute).count() == events


def test_a_permission_taken_and_given_back_in_one_transaction_changes_nothing(
    mediator, escalated, group, django_capture_on_commit_callbacks
):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    with django_capture_on_commit_callbacks(execute=True):
        mediator.user_permissions.remove(mediate_permission())
        mediator.groups.add(group)  # mediates through the group now

    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id == mediator.pk and mediator.pk in members(dispute)


def test_unrelated_saves_of_a_mediator_change_nothing(
    mediator, escalated, django_capture_on_commit_callbacks
):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mediator.name = "Mia M. Mediator"
        mediator.save(update_fields=["name"])
    assert not [c for c in callbacks if getattr(c, "func", None) is mediator_access_recheck]
    with django_capture_on_commit_callbacks(execute=True):
        mediator.save()  # a full save re-checks, and finds them still a mediator
    assert Dispute.objects.get(pk=dispute.pk).mediator_id == mediator.pk


def _form_data(form) -> dict:
    """What the browser would post back for `form` as rendered (unticked boxes left out)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def _posted_back(page) -> dict:
    """The admin change page's form and its inlines, as a browser would submit them."""
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(_form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_form_data(form))
    return data


def test_the_admin_clearing_the_staff_flag_unassigns(
    admin_client, mediator, escalated, django_capture_on_commit_callbacks
):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    change = reverse("admin:profiles_user_change", args=[mediator.pk])
    data = _posted_back(admin_client.get(change))
    assert data.pop("is_staff") == "on"  # the box unticked

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, data)
    assert response.status_code == 302
    assert not fresh(mediator).is_staff
    assert fresh(mediator).user_permissions.filter(codename="mediate_dispute").exists()
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id is None and mediator.pk not in members(dispute)


def test_the_admin_deactivate_action_unassigns(
    admin_client, mediator, escalated, django_capture_on_commit_callbacks
):
    dispute = services.mediator_assign(dispute=escalated, by=mediator)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:profiles_user_changelist"),
            {"action": "deactivate", "_selected_action": [mediator.pk]},
        )
    assert not fresh(mediator).is_active
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.mediator_id is None and mediator.pk not in members(dispute)
