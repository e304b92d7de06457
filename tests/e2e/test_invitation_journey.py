"""A client invites a freelancer from their profile; the freelancer, already on a page, gets a
live toast, accepts with a note and lands in the workroom, where the note opens the chat."""

import re

import pytest
from playwright.sync_api import expect

from invitations.models import Invitation, Job
from messaging.models import Message
from tests.e2e.people import log_in
from tests.factories import UserFactory
from workrooms.models import Workroom


@pytest.fixture
def people(live_url):
    morgan = UserFactory(email="morgan@example.com", name="Morgan Lee", role="client")
    sam = UserFactory(email="sam@example.com", name="Sam Rivera", role="freelancer")
    return morgan, sam


def test_invite_from_a_profile_then_accept_into_the_workroom(browser, live_url, people):
    morgan, sam = people
    sam_page = log_in(browser, live_url, sam)  # Sam is on the dashboard, socket open
    expect(sam_page.locator("body[data-user-id]")).to_be_visible()
    morgan_page = log_in(browser, live_url, morgan)

    morgan_page.goto(f"{live_url}/u/{sam.handle}/")
    morgan_page.get_by_role("link", name="Invite to job").click()
    expect(morgan_page.get_by_role("heading", name="Invite Sam Rivera to a job")).to_be_visible()

    # No jobs yet: the job is described on the spot; the note starts from a friendly template.
    note = morgan_page.get_by_label("Your note")
    expect(note).to_have_value(re.compile(r"^Hi Sam,"))
    morgan_page.get_by_label("Job title").fill("Website rebuild")
    expect(note).to_have_value(re.compile("my job “Website rebuild”"))
    morgan_page.get_by_label("Amount").fill("4000")
    note.fill("Hi Sam, your physio booking platform is just the calm Django work we need.")
    morgan_page.get_by_role("button", name="Send invitation").click()
    expect(morgan_page).to_have_url(re.compile(r"/invitations/\d+/$"))
    expect(morgan_page.get_by_text("Invitation sent to Sam Rivera.")).to_be_visible()
    expect(morgan_page.get_by_role("button", name="Withdraw")).to_be_visible()

    # Sam sees it arrive live, without reloading.
    toast = sam_page.locator(".toast", has_text="Morgan Lee invited you to “Website rebuild”")
    expect(toast).to_be_visible()
    expect(sam_page.locator("[data-notification-count]")).to_have_text("1")
    toast.get_by_role("link").click()

    expect(sam_page.get_by_text("just the calm Django work we need")).to_be_visible()
    expect(sam_page.get_by_text(re.compile(r"6 days, 23 hours left|7 days left"))).to_be_visible()
    cover = "Thanks Morgan! I'd start with a content audit next Monday."
    sam_page.get_by_label("Your note to the client").fill(cover)
    sam_page.get_by_role("button", name="Accept and open the workroom").click()

    expect(sam_page).to_have_url(re.compile(r"/workrooms/\d+/$"))
    messages = sam_page.locator("[data-messages] .msg")
    expect(messages.filter(has_text=cover)).to_have_count(1)
    expect(messages.first).to_have_class(re.compile("msg--system"))
    expect(messages.first).to_contain_text("opened this workroom")
    expect(messages.nth(1)).to_contain_text(cover)

    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED
    workroom = Workroom.objects.get()
    assert invitation.workroom == workroom and workroom.job == Job.objects.get()
    first = Message.objects.filter(conversation=workroom.conversation, kind="user").get()
    assert first.sender == sam and first.body == cover

    # Morgan is told at once, too, and the invitation open on his page shows the answer
    # without a reload: accepted, and no Withdraw button left to press.
    expect(morgan_page.locator(".toast", has_text="Sam Rivera accepted")).to_be_visible()
    expect(morgan_page.locator("[data-invitation-status]")).to_have_text("Accepted")
    expect(morgan_page.get_by_role("button", name="Withdraw")).to_have_count(0)


def test_a_second_tab_cannot_accept_again(browser, live_url, people):
    from tests.invitations.conftest import invite, make_job

    morgan, sam = people
    invitation = invite(make_job(morgan), sam)
    first_tab = log_in(browser, live_url, sam)
    second_tab = first_tab.context.new_page()
    for tab in (first_tab, second_tab):
        tab.goto(f"{live_url}/invitations/{invitation.pk}/")
        tab.get_by_label("Your note to the client").fill("Count me in!")
    first_tab.get_by_role("button", name="Accept and open the workroom").click()
    expect(first_tab).to_have_url(re.compile(r"/workrooms/\d+/$"))

    second_tab.get_by_role("button", name="Accept and open the workroom").click()
    expect(second_tab.get_by_text("This invitation was already accepted.")).to_be_visible()
    assert Workroom.objects.count() == 1
