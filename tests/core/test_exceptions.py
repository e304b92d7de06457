"""The one mapping of application errors to HTTP responses and websocket frames."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from core.exceptions import (
    ApplicationError,
    Invalid,
    NotAllowed,
    NotFound,
    RateLimited,
    TooLarge,
    error_frame,
)
from core.http import error_response, wants_json

pytestmark = pytest.mark.django_db


def _request(**headers):
    request = RequestFactory().get("/somewhere/", headers=headers)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Invalid("Bad."), 400),
        (NotFound("Gone."), 404),
        (NotAllowed("No."), 403),
        (TooLarge("Big."), 413),
        (RateLimited("Slow down.", retry_after=7), 429),
    ],
)
def test_json_callers_get_the_detail_code_and_status(error, status):
    response = error_response(_request(**{"X-Requested-With": "fetch"}), error)
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["error"] == error.detail
    assert body["code"] == error.code


def test_rate_limited_json_carries_retry_after():
    response = error_response(
        _request(Accept="application/json"), RateLimited("Slow down.", retry_after=7)
    )
    assert json.loads(response.content)["retry_after"] == 7


def test_pages_get_djangos_404_and_403_for_not_found_and_not_allowed():
    with pytest.raises(Http404):
        error_response(_request(), NotFound("Gone."))
    with pytest.raises(PermissionDenied):
        error_response(_request(), NotAllowed("No."))


def test_pages_get_a_page_that_says_what_went_wrong():
    response = error_response(_request(), RateLimited("Slow down, please.", retry_after=3))
    assert response.status_code == 429
    assert response["Retry-After"] == "3"
    assert b"Slow down, please." in response.content


def test_wants_json_reads_either_header():
    assert wants_json(_request(**{"X-Requested-With": "fetch"}))
    assert wants_json(_request(Accept="application/json, text/plain"))
    assert not wants_json(_request(Accept="text/html"))


def test_error_frame_echoes_and_carries_extras():
    frame = error_frame(RateLimited("Wait.", retry_after=2), client_id="abc")
    assert frame == {
        "type": "error",
        "code": "rate_limited",
        "detail": "Wait.",
        "client_id": "abc",
        "retry_after": 2,
    }


def test_every_error_has_a_default_detail():
    assert ApplicationError().detail
    assert NotFound().detail == "Not found."
