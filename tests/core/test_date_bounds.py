"""Dates far in the past or future, in every date and time a person types, are a form error
next to the field, never a 500 (a year 9999 used to overflow when converted to a timezone or
when a call's length was added to it)."""

from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.forms import BoundedDateTimeField, DateBoundsValidator
from disputes.forms import OpenForm as DisputeOpenForm
from invitations.forms import InvitationForm
from tests.workrooms.conftest import room, set_timezone  # noqa: F401 (fixture)
from workrooms.forms import CallForm, DeadlineForm, RescheduleForm
from workrooms.models import Call, Deadline
from workrooms.services import deadline_set

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Pick a date within 10 years of today."
# The edges of what Python's datetime holds, and far-off years inside them.
FAR_OFF = [
    "9999-12-31T23:59",
    "9999-12-31 23:59",
    "0001-01-01T00:00",
    "1000-01-01T12:00",
    "3000-06-15T09:30",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
]
# A zone ahead of UTC, one behind, and UTC: each overflows at a different edge.
ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]


class When(forms.Form):
    at = BoundedDateTimeField()


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("typed", FAR_OFF)
def test_a_far_off_moment_is_a_field_error_in_every_zone(typed, zone):
    with timezone.override(zone):
        form = When({"at": typed})
        assert not form.is_valid()
    assert form.errors["at"] == [OUT_OF_RANGE]


@pytest.mark.parametrize("zone", ZONES)
def test_a_moment_within_the_bounds_is_read_in_the_viewer_zone(zone):
    soon = datetime.now() + timedelta(days=30)  # noqa: DTZ005 (a wall-clock time, as typed)
    with timezone.override(zone):
        form = When({"at": f"{soon:%Y-%m-%dT%H:%M}"})
        assert form.is_valid(), form.errors
        assert str(form.cleaned_data["at"].tzinfo) == zone


def test_an_impossible_date_is_invalid_not_out_of_range():
    form = When({"at": "2030-13-45T25:61"})
    assert not form.is_valid()
    assert form.errors["at"] == ["Enter a valid date/time."]


def test_the_bounds_are_ten_years_either_way_with_a_day_of_slack():
    check = DateBoundsValidator()
    today = date.today()  # noqa: DTZ011
    check(today.replace(year=today.year + 9))
    check(today.replace(year=today.year - 9))
    for far in (today.replace(year=today.year + 11), today.replace(year=today.year - 11)):
        with pytest.raises(ValidationError):
            check(far)
    assert DateBoundsValidator() == DateBoundsValidator(10, 10) != DateBoundsValidator(1, 10)


# --- Every form with a date ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", FAR_OFF)
@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (DeadlineForm, {"title": "Sitemap"}, "due_at"),
        (CallForm, {"duration_minutes": "30", "agenda": "Kick-off"}, "starts_at"),
        (RescheduleForm, {"duration_minutes": "30"}, "starts_at"),
    ],
)
def test_workroom_forms_refuse_far_off_dates(form_class, data, field, typed):
    with timezone.override("Pacific/Kiritimati"):
        form = form_class({**data, field: typed})
        assert not form.is_valid()
    assert form.errors[field] == [OUT_OF_RANGE]


@pytest.mark.parametrize("days", ["99999999999", "-1", "0", "9999-12-31"])
def test_an_invitation_expiry_is_one_of_the_offered_lengths(days, client_user):
    form = InvitationForm(
        {"job": "new", "note": "Hello", "expires_in_days": days}, jobs=[], invited=()
    )
    assert not form.is_valid()
    assert "expires_in_days" in form.errors


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01T00:00", "99999999999999999999"])
def test_a_dispute_deadline_is_one_of_the_room_deadlines(deadline, room, client_user):  # noqa: F811
    deadline_set(
        workroom=room, by=client_user, title="Sitemap", due_at=timezone.now() + timedelta(days=3)
    )
    form = DisputeOpenForm(
        {
            "reason": "quality",
            "description": "Broken.",
            "desired_outcome": "A fix.",
            "deadline": deadline,
        },
        workroom=room,
    )
    assert not form.is_valid()
    assert "deadline" in form.errors


# --- Through the views: a page with the error, nothing stored ---------------------------------


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_call_in_year_9999_is_a_form_error_not_a_500(client, room, client_user, zone, typed):  # noqa: F811
    set_timezone(client_user, zone)
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:call_new", args=[room.pk]),
        {"starts_at": typed, "duration_minutes": "30", "agenda": "Kick-off"},
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_deadline_in_year_9999_is_a_form_error_not_a_500(
    client,
    room,  # noqa: F811
    client_user,
    zone,
    typed,
):
    set_timezone(client_user, zone)
    client.force_login(client_user)
    response = client.post(
        reverse("workrooms:deadline_new", args=[room.pk]),
        {"title": "Sitemap", "due_at": typed, "description": ""},
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert not Deadline.objects.exists()
