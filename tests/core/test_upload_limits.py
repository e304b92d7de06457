"""A body over the size cap, by a little or by far, by any of Django's paths (the upload
handler's cap, DATA_UPLOAD_MAX_MEMORY_SIZE's RequestDataTooBig), is the designed 413 with the one
size message, as JSON for the page's script and as a page for a form post; nothing is stored.
The same against a real uvicorn process: tests/core/test_upload_limits_live.py."""

import json

import pytest
from django.conf import settings as django_settings

from core.uploads import (
    DISPUTE_EVIDENCE,
    MESSAGE_ATTACHMENT,
    PHOTO,
    WORK_SAMPLE,
    WORKROOM_FILE,
    too_large_message,
)
from tests.core.conftest import BOUNDARY, TARGETS, media_files, multipart
from tests.profiles.conftest import image_bytes

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
CAPS = {
    "photo": PHOTO,
    "work_sample": WORK_SAMPLE,
    "message_attachment": MESSAGE_ATTACHMENT,
    "workroom_file": WORKROOM_FILE,
    "dispute_evidence": DISPUTE_EVIDENCE,
}
# Who asks: the page's script (JSON back) or a plain form post (a page back). Attachments are
# only ever sent by the thread's script, work samples only by their form.
CALLERS = {"json": {"X-Requested-With": "fetch"}, "page": {}}
ONLY = {"message_attachment": "json", "work_sample": "page"}
KIND_CALLERS = [
    (kind, caller) for kind in CAPS for caller in CALLERS if ONLY.get(kind, caller) == caller
]


def refused_with_the_size_message(response, kind: str, caller: str) -> None:
    limit = too_large_message(CAPS[kind].max_bytes)
    assert response.status_code == 413, response.content[:500]
    body = response.content.decode()
    if caller == "json" or kind == "message_attachment":
        assert response["Content-Type"].startswith("application/json")
        data = json.loads(body)
        # Photos and samples answer their form's errors ({"errors": {field: …}}), the rest
        # {"error": …}; either way the one wording.
        assert limit in (data["error"] if "error" in data else json.dumps(data))
    else:
        assert response["Content-Type"].startswith("text/html")
        assert limit in body


@pytest.fixture
def upload_to(client, request):
    """`upload_to(kind)`: the Target (tests/core/conftest.py) of that upload kind."""
    return lambda kind: TARGETS[kind](client, request.getfixturevalue)


def post_body(target, body: bytes, caller: str, content_type: str):
    return target.client.post(
        target.url,
        data=body,
        content_type=content_type,
        headers={**target.headers, **CALLERS["json"]} if caller == "json" else {},
    )


def assert_nothing_stored(target) -> None:
    assert target.stored() == []
    assert media_files(django_settings) == []


def file_body(target, size: int) -> bytes:
    data = image_bytes("PNG")
    padded = data + b"\0" * (size - len(data))
    return multipart(target.fields, target.file_field, "big.png", padded, "image/png")


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.mark.parametrize(("kind", "caller"), KIND_CALLERS)
def test_a_file_far_over_the_cap_is_413_with_the_size_message(upload_to, kind, caller):
    target = upload_to(kind)
    response = post_body(target, file_body(target, 60 * MiB), caller, MULTIPART)

    refused_with_the_size_message(response, kind, caller)
    assert_nothing_stored(target)


@pytest.mark.parametrize(("kind", "caller"), KIND_CALLERS)
def test_a_file_one_byte_over_the_cap_is_413_with_the_size_message(upload_to, kind, caller):
    target = upload_to(kind)
    response = post_body(target, file_body(target, CAPS[kind].max_bytes + 1), caller, MULTIPART)

    refused_with_the_size_message(response, kind, caller)
    assert_nothing_stored(target)


@pytest.mark.parametrize(("kind", "caller"), KIND_CALLERS)
def test_form_fields_over_the_memory_limit_are_413_not_500(upload_to, kind, caller):
    # A small file, then a field past DATA_UPLOAD_MAX_MEMORY_SIZE: Django's RequestDataTooBig,
    # raised while the body is parsed.
    target = upload_to(kind)
    long_text = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    fields = {**target.fields, "description": long_text}
    body = multipart(fields, target.file_field, "small.png", image_bytes("PNG"), "image/png")
    response = post_body(target, body, caller, MULTIPART)

    refused_with_the_size_message(response, kind, caller)
    assert_nothing_stored(target)


@pytest.mark.parametrize(("kind", "caller"), KIND_CALLERS)
def test_a_form_encoded_body_far_over_the_limit_is_413_not_500(upload_to, kind, caller):
    target = upload_to(kind)
    body = b"description=" + b"x" * (60 * MiB)
    response = post_body(target, body, caller, "application/x-www-form-urlencoded")

    refused_with_the_size_message(response, kind, caller)
    assert_nothing_stored(target)
