from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invitations import services
from invitations.models import NOTE_MAX_LENGTH, Invitation, Job
from messaging.models import Message, Notification
from tests.factories import UserFactory
from tests.invitations.conftest import invite, make_job
from workrooms.models import Workroom

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/jobs/{job}/", "/jobs/{job}/edit/", "/invitations/{inv}/"])
def test_anonymous_is_sent_to_log_in(client, invitation, path):
    url = path.format(job=invitation.job_id, inv=invitation.pk)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_job_page_is_the_owners_only(
    signed_in, invitation, other_client, freelancer_user, other_freelancer, client_user
):
    url = f"/jobs/{invitation.job_id}/"
    page = signed_in(client_user).get(url)
    assert page.status_code == 200
    assert "Website rebuild" in text(page) and freelancer_user.name in text(page)
    for person in (other_client, freelancer_user, other_freelancer):
        assert signed_in(person).get(url).status_code == 404
        assert signed_in(person).post(f"/jobs/{invitation.job_id}/close/").status_code == 404
    assert Job.objects.get().is_open


def test_jobs_pages_are_for_clients(signed_in, freelancer_user):
    assert signed_in(freelancer_user).get("/jobs/").status_code == 403
    assert signed_in(freelancer_user).get("/jobs/new/").status_code == 403


def test_the_invitation_page_is_for_its_two_people(
    signed_in, invitation, client_user, freelancer_user, other_client, other_freelancer
):
    url = f"/invitations/{invitation.pk}/"
    as_freelancer = text(signed_in(freelancer_user).get(url))
    assert "your Django work" in as_freelancer
    assert "Accept and open the workroom" in as_freelancer and "left" in as_freelancer
    as_client = text(signed_in(client_user).get(url))
    assert "Withdraw" in as_client and "Accept and open" not in as_client
    for person in (other_client, other_freelancer):
        assert signed_in(person).get(url).status_code == 404


def test_someone_elses_invitation_cannot_be_answered_404(
    signed_in, invitation, client_user, freelancer_user, other_freelancer
):
    url = f"/invitations/{invitation.pk}/"
    answers = [("accept/", {"response_note": "Mine"}), ("decline/", {"decline_reason": "budget"})]
    attempts = [
        (person, *answer) for person in (other_freelancer, client_user) for answer in answers
    ]
    attempts += [(other_freelancer, "withdraw/", {}), (freelancer_user, "withdraw/", {})]
    for person, action, data in attempts:
        assert signed_in(person).post(url + action, data).status_code == 404, (person, action)
    assert Invitation.objects.get().status == Invitation.Status.PENDING


# --- Jobs ------------------------------------------------------------------------------------


def test_a_client_posts_edits_and_closes_a_job(signed_in, client_user):
    c = signed_in(client_user)
    response = c.post(
        "/jobs/new/",
        {
            "title": "Mobile app prototype",
            "description": "A clickable prototype.",
            "skills": "Figma, React Native",
            "budget_type": "hourly",
            "rate_min": "40",
            "rate_max": "55.50",
            "currency": "EUR",
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.rate_max == Decimal("55.50") and job.budget_amount is None
    assert "€40–€55.50 an hour" in text(c.get("/jobs/"))

    response = c.post(
        f"/jobs/{job.pk}/edit/",
        {"title": "Prototype", "budget_type": "fixed", "budget_amount": "3000", "currency": "EUR"},
    )
    job.refresh_from_db()
    assert job.title == "Prototype" and job.budget_amount == 3000 and job.rate_min is None

    c.post(f"/jobs/{job.pk}/close/")
    job.refresh_from_db()
    assert job.status == Job.Status.CLOSED
    response = c.get(f"/jobs/{job.pk}/edit/")
    assert response.status_code == 302


def test_a_job_form_keeps_what_was_typed_and_says_what_is_wrong(signed_in, client_user):
    response = signed_in(client_user).post(
        "/jobs/new/", {"title": "Logo", "budget_type": "fixed", "currency": "USD"}
    )
    assert response.status_code == 200
    assert "Enter the budget for the whole job." in text(response)
    assert 'value="Logo"' in text(response)
    assert not Job.objects.exists()


# --- Inviting --------------------------------------------------------------------------------


def test_the_profile_button_leads_to_a_prefilled_note(signed_in, client_user, freelancer_user):
    profile = text(signed_in(client_user).get(f"/u/{freelancer_user.handle}/"))
    link = f"/invitations/new/?freelancer={freelancer_user.handle}"
    assert f'href="{link}"' in profile
    page = text(signed_in(client_user).get(link))
    assert "Invite Sam Rivera to a job" in page
    assert "Hi Sam," in page and "Thanks,\nMorgan" in page


def test_inviting_to_an_existing_job(signed_in, job, client_user, freelancer_user):
    response = signed_in(client_user).post(
        f"/invitations/new/?freelancer={freelancer_user.handle}",
        {"job": str(job.pk), "note": "Hi Sam, fancy it?", "expires_in_days": "3"},
    )
    invitation = Invitation.objects.get()
    assert response["Location"] == f"/invitations/{invitation.pk}/"
    assert invitation.note == "Hi Sam, fancy it?"
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    assert Notification.objects.filter(user=freelancer_user, kind="invitation.new").exists()


def test_inviting_to_a_job_made_on_the_spot(signed_in, client_user, freelancer_user):
    response = signed_in(client_user).post(
        f"/invitations/new/?freelancer={freelancer_user.handle}",
        {
            "job": "new",
            "job-title": "Landing page",
            "job-budget_type": "fixed",
            "job-budget_amount": "900",
            "job-currency": "GBP",
            "note": "Hi Sam",
            "expires_in_days": "7",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.select_related("job").get()
    assert invitation.job.title == "Landing page" and invitation.job.currency == "GBP"


def test_a_failed_invitation_creates_no_job_either(signed_in, client_user, freelancer_user):
    response = signed_in(client_user).post(
        f"/invitations/new/?freelancer={freelancer_user.handle}",
        {
            "job": "new",
            "job-title": "Landing page",
            "job-budget_type": "fixed",
            "job-budget_amount": "900",
            "job-currency": "USD",
            "note": "",
            "expires_in_days": "7",
        },
    )
    assert response.status_code == 200
    assert "Write a note" in text(response)
    assert 'value="Landing page"' in text(response)
    assert not Job.objects.exists() and not Invitation.objects.exists()


@pytest.mark.parametrize(
    "note, message",
    [("", "Write a note"), ("x" * (NOTE_MAX_LENGTH + 1), "Keep the note to 5,000 characters")],
)
def test_a_blank_or_too_long_note_is_refused(
    signed_in, job, client_user, freelancer_user, note, message
):
    response = signed_in(client_user).post(
        f"/invitations/new/?freelancer={freelancer_user.handle}",
        {"job": str(job.pk), "note": note, "expires_in_days": "7"},
    )
    assert message in text(response)
    assert not Invitation.objects.exists()


def test_a_duplicate_pending_invitation_is_refused(
    signed_in, invitation, client_user, freelancer_user
):
    response = signed_in(client_user).post(
        f"/invitations/new/?freelancer={freelancer_user.handle}",
        {"job": str(invitation.job_id), "note": "Again", "expires_in_days": "7"},
    )
    assert "already have a pending invitation to this job" in text(response)
    assert Invitation.objects.count() == 1


def test_closed_and_other_clients_jobs_are_not_offered(
    signed_in, job, client_user, freelancer_user, other_client
):
    theirs = make_job(other_client, title="Their job")
    services.job_close(job=job, by=client_user)
    url = f"/invitations/new/?freelancer={freelancer_user.handle}"
    page = text(signed_in(client_user).get(url))
    assert ">Their job</option>" not in page and ">Website rebuild</option>" not in page
    for job_id in (job.pk, theirs.pk):
        response = signed_in(client_user).post(
            url, {"job": str(job_id), "note": "Hi", "expires_in_days": "7"}
        )
        assert "Select a valid choice" in text(response)
    assert not Invitation.objects.exists()


def test_a_non_freelancer_cannot_be_invited(signed_in, client_user, other_client, freelancer_user):
    response = signed_in(client_user).get(f"/invitations/new/?freelancer={other_client.handle}")
    assert response.status_code == 400
    assert "a freelancer, so they can&#x27;t be invited" in text(response)
    assert signed_in(client_user).get("/invitations/new/?freelancer=nobody").status_code == 404
    assert signed_in(freelancer_user).get("/invitations/new/?freelancer=x").status_code == 403


# --- Answering -------------------------------------------------------------------------------


def test_accepting_lands_in_the_workroom_with_the_note(signed_in, invitation, freelancer_user):
    c = signed_in(freelancer_user)
    response = c.post(
        f"/invitations/{invitation.pk}/accept/",
        {"response_note": "Delighted! I can start Monday.", "proposed_rate": "3900"},
    )
    workroom = Workroom.objects.get()
    assert response.status_code == 302 and response["Location"] == workroom.get_absolute_url()
    room = text(c.get(workroom.get_absolute_url()))
    assert "Delighted! I can start Monday." in room

    again = c.post(f"/invitations/{invitation.pk}/accept/", {"response_note": "Twice?"})
    assert again["Location"] == f"/invitations/{invitation.pk}/"
    assert "already accepted" in text(c.get(again["Location"]))
    assert Workroom.objects.count() == 1


def test_accepting_without_a_note_keeps_the_form(signed_in, invitation, freelancer_user):
    response = signed_in(freelancer_user).post(
        f"/invitations/{invitation.pk}/accept/", {"response_note": ""}
    )
    assert response.status_code == 400
    assert "Write a note" in text(response)
    assert not Workroom.objects.exists()


def test_a_conduct_warning_asks_before_accepting(signed_in, invitation, freelancer_user):
    c = signed_in(freelancer_user)
    note = "Sure, but pay me directly on PayPal to skip the fees"
    response = c.post(f"/invitations/{invitation.pk}/accept/", {"response_note": note})
    assert "Nothing was sent yet" in text(response) and "Accept anyway" in text(response)
    assert not Workroom.objects.exists()
    c.post(f"/invitations/{invitation.pk}/accept/", {"response_note": note, "confirm": "True"})
    assert Workroom.objects.count() == 1


def test_answering_after_expiry_says_so_and_changes_nothing(signed_in, invitation, freelancer_user):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=8),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    c = signed_in(freelancer_user)
    page = text(c.get(f"/invitations/{invitation.pk}/"))
    assert "<strong>Expired</strong>" in page and "Accept and open" not in page
    response = c.post(f"/invitations/{invitation.pk}/accept/", {"response_note": "Hi"}, follow=True)
    assert "expired: it can no longer be answered. Nothing was changed." in text(response)
    assert Invitation.objects.get().status == Invitation.Status.PENDING
    assert not Workroom.objects.exists()


def test_a_page_left_open_after_the_invitation_closed_says_why(
    signed_in, invitation, client_user, freelancer_user
):
    services.invitation_withdraw(invitation=invitation, by=client_user)
    url = f"/invitations/{invitation.pk}/"
    for person, action, data in [
        (freelancer_user, "decline/", {"decline_reason": "timeline"}),
        (freelancer_user, "accept/", {"response_note": "Happy to!"}),
        (client_user, "withdraw/", {}),
    ]:
        response = signed_in(person).post(url + action, data)
        assert response.status_code == 302 and response["Location"] == url
        page = text(signed_in(person).get(url))
        assert "The client withdrew this invitation. Nothing was changed." in page
    assert Invitation.objects.get().status == Invitation.Status.WITHDRAWN
    assert not Workroom.objects.exists()


def test_declining_and_withdrawing(signed_in, job, invitation, client_user, freelancer_user):
    c = signed_in(freelancer_user)
    response = c.post(f"/invitations/{invitation.pk}/decline/", {"decline_reason": "other"})
    assert response.status_code == 400 and "Write a note" in text(response)
    c.post(
        f"/invitations/{invitation.pk}/decline/",
        {"decline_reason": "timeline", "decline_note": "Booked until March."},
    )
    assert Invitation.objects.get().status == Invitation.Status.DECLINED

    second = invite(job, UserFactory(role="freelancer"))
    signed_in(client_user).post(f"/invitations/{second.pk}/withdraw/")
    second.refresh_from_db()
    assert second.status == Invitation.Status.WITHDRAWN
    job_page = text(signed_in(client_user).get(f"/jobs/{job.pk}/"))
    assert "Declined" in job_page and "Withdrawn" in job_page


# --- Lists: filters and query counts ---------------------------------------------------------


def test_lists_filter_by_status(signed_in, job, invitation, client_user, freelancer_user):
    other = make_job(client_user, title="Brand guidelines")
    declined = invite(other, freelancer_user)
    services.invitation_decline(invitation=declined, by=freelancer_user, reason="budget")
    c = signed_in(freelancer_user)
    pending = text(c.get("/invitations/?status=pending"))
    assert "Website rebuild" in pending and "Brand guidelines" not in pending
    both = text(c.get("/invitations/"))
    assert "Website rebuild" in both and "Brand guidelines" in both
    assert "Website rebuild" not in text(c.get("/invitations/?status=declined"))
    assert "Website rebuild" in text(signed_in(client_user).get("/invitations/?status=pending"))


def _fill(client_user, freelancer_user, count):
    for n in range(count):
        job = make_job(client_user, title=f"Job {n}", skills=["Django", f"Skill {n}"])
        invite(job, freelancer_user)


@pytest.mark.parametrize(
    "who,path",
    [
        (who, path)
        for who in ("client", "freelancer")
        for path in ("/invitations/", "/invitations/?status=pending", "/jobs/", "/")
        if not (path == "/jobs/" and who == "freelancer")  # jobs are clients' only
    ],
)
def test_lists_cost_the_same_queries_for_1_and_25(
    signed_in, client_user, freelancer_user, who, path
):
    user = client_user if who == "client" else freelancer_user
    c = signed_in(user)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        c.get(path)  # warm up: the timezone middleware caches per session
        with CaptureQueriesContext(connection) as queries:
            assert c.get(path).status_code == 200
        return len(queries)

    _fill(client_user, freelancer_user, 1)
    one = count_queries()
    _fill(client_user, freelancer_user, 24)
    many = count_queries()
    assert one == many, f"{path}: {one} queries with 1, {many} with 25"


def test_the_dashboard_card(signed_in, invitation, client_user, freelancer_user):
    page = text(signed_in(freelancer_user).get("/"))
    assert "1 waiting" in page and "Website rebuild" in page
    assert 'href="/invitations/"' in page
    page = text(signed_in(client_user).get("/"))
    assert "To Sam Rivera" in page
    assert ">Jobs</a>" in page  # the client's navigation


def test_the_workroom_page_shows_the_note_after_the_system_line(
    signed_in, invitation, freelancer_user
):
    workroom = services.invitation_accept(
        invitation=invitation, by=freelancer_user, note="First words"
    )
    bodies = list(
        Message.objects.filter(conversation=workroom.conversation)
        .order_by("seq")
        .values_list("kind", "body")
    )
    assert bodies[0][0] == "system" and bodies[1] == ("user", "First words")


def test_a_freelancer_sees_the_response_time_their_answers_feed(signed_in, job, freelancer_user):
    for n in range(3):
        answered = invite(make_job(job.client, title=f"Job {n}"), freelancer_user)
        services.invitation_decline(invitation=answered, by=freelancer_user, reason="timeline")
    page = text(signed_in(freelancer_user).get("/invitations/"))
    assert "Your profile shows “Typically responds within" in page
