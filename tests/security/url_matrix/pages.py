"""The rows of our apps' pages: core, profiles, messaging, workrooms, invitations, disputes."""

from __future__ import annotations

from collections.abc import Callable

from tests.security.url_matrix.kit import (
    CREATED,
    DONE,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED,
    Args,
    Check,
    Expect,
    both,
    call_form,
    conversation,
    deadline_form,
    dispute,
    dispute_form,
    form,
    fresh_profile,
    handle,
    job_form,
    nothing,
    party_and_mediator,
    profile_form,
    room,
    sample,
    who,
)
from tests.security.world import World, png, text

# --- The table -------------------------------------------------------------------------------

MEMBERS_ONLY = who(NOT_FOUND, **both(OK))
CLIENTS_ONLY = who(FORBIDDEN, client=OK, stranger=OK)

CORE = [
    Check("dashboard", who(OK, anonymous=OK)),
    Check("healthz", who(OK, anonymous=OK)),
]

PROFILES = [
    Check("profiles:search", who(OK), query="?q=django"),
    Check("profiles:detail", who(OK), handle("freelancer")),
    Check(
        "profiles:photo",
        who(OK),
        lambda w: {"handle": w.freelancer.handle, "name": fresh_profile(w.freelancer).photo_name},
    ),
    Check("profiles:sample_image", who(OK), sample("public_sample"), label="public"),
    Check(
        "profiles:sample_image",
        who(NOT_FOUND, freelancer=OK),
        sample("private_sample"),
        label="private",
    ),
    Check("profiles:edit", who(OK)),
    Check("profiles:edit", who(DONE), method="POST", data=profile_form),
    Check(
        "profiles:photo_upload",
        who(DONE),
        method="POST",
        data=lambda w, user: {"photo": png("new.png")},
    ),
    Check("profiles:photo_remove", who(REDIRECT, freelancer=DONE), method="POST", data=nothing),
    Check(
        "profiles:sample_create",
        who(DONE),
        method="POST",
        data=form(**{"sample-title": "Shop", "sample-description": "A shop.", "sample-link": ""}),
    ),
    Check(
        "profiles:sample_edit",
        who(NOT_FOUND, freelancer=OK),
        lambda w: {"sample_id": w.private_sample.pk},
    ),
    Check(
        "profiles:sample_edit",
        who(NOT_FOUND, freelancer=DONE),
        lambda w: {"sample_id": w.private_sample.pk},
        method="POST",
        data=form(title="Renamed", description="Still private.", link=""),
    ),
    Check(
        "profiles:sample_delete",
        who(NOT_FOUND, freelancer=DONE),
        lambda w: {"sample_id": w.private_sample.pk},
        method="POST",
        data=nothing,
    ),
    Check(
        "profiles:sample_move",
        who(NOT_FOUND, freelancer=DONE),
        lambda w: {"sample_id": w.private_sample.pk},
        method="POST",
        data=form(direction="up"),
    ),
]

ACCOUNT = [
    Check("profiles:account_data", who(OK)),
    Check(
        "profiles:account_data_download",
        who(Expect(200, changes=None)),  # one's own data, whoever asks
        method="POST",
        data=nothing,
    ),
    Check("profiles:account_delete", who(OK)),
    Check(
        "profiles:account_delete",
        # Refused while a contract or a dispute is open, or a dispute is theirs to mediate.
        who(DONE, **party_and_mediator(FORBIDDEN)),
        method="POST",
        data=form(confirmation="correct-horse-battery"),  # tests.factories.PASSWORD
    ),
]

DISPUTE_THREAD_MEMBERS = party_and_mediator(OK)

MESSAGING = [
    Check("messaging:inbox", who(OK)),
    Check("messaging:search", who(OK), query="?q=hello"),
    Check(
        "messaging:open_direct",
        who(DONE, client=REDIRECT, freelancer=REFUSED),
        handle("freelancer"),
        method="POST",
        data=nothing,
    ),
    Check("messaging:thread", MEMBERS_ONLY, conversation("direct"), label="direct"),
    Check(
        "messaging:thread",
        who(NOT_FOUND, **both(REDIRECT)),
        conversation("room"),
        label="workroom",
    ),
    Check(
        "messaging:thread",
        who(NOT_FOUND, **party_and_mediator(REDIRECT)),
        conversation("dispute"),
        label="dispute",
    ),
    Check(
        "messaging:history",
        MEMBERS_ONLY,
        conversation("direct"),
        query="?before=1000",
        label="direct",
    ),
    Check(
        "messaging:history",
        who(NOT_FOUND, **DISPUTE_THREAD_MEMBERS),
        conversation("dispute"),
        query="?before=1000",
        label="dispute",
    ),
    Check(
        "messaging:conversation_settings",
        who(NOT_FOUND, **both(DONE)),
        conversation("direct"),
        method="POST",
        data=form(action="mute"),
    ),
    Check(
        "messaging:attachment_upload",
        who(NOT_FOUND, **both(CREATED)),
        conversation("direct"),
        method="POST",
        data=lambda w, user: {"file": text("more.txt")},
        label="direct",
    ),
    Check(
        "messaging:attachment_upload",
        who(NOT_FOUND, **party_and_mediator(CREATED)),
        conversation("dispute"),
        method="POST",
        data=lambda w, user: {"file": text("more.txt")},
        label="dispute",
    ),
    Check(
        "messaging:attachment",
        MEMBERS_ONLY,
        lambda w: {"conversation_id": w.direct.pk, "attachment_id": w.attachment.pk},
        label="direct",
    ),
    Check(
        "messaging:attachment",
        who(NOT_FOUND, **DISPUTE_THREAD_MEMBERS),
        lambda w: {
            "conversation_id": w.dispute.conversation_id,
            "attachment_id": w.dispute_attachment.pk,
        },
        label="dispute",
    ),
    Check("messaging:call", MEMBERS_ONLY, conversation("direct"), label="direct"),
    Check(
        "messaging:call",
        who(NOT_FOUND, **both(REDIRECT)),  # a workroom's call lives in the workroom
        conversation("room"),
        label="workroom",
    ),
    Check(
        "messaging:call",
        # No calls in a dispute's thread: its members are told so, anyone else finds nothing.
        who(NOT_FOUND, **party_and_mediator(FORBIDDEN)),
        conversation("dispute"),
        label="dispute",
    ),
    Check(
        "messaging:call_notes",
        who(NOT_FOUND, **both(Expect(200, changes=True))),
        conversation("direct"),
        method="POST",
        data=form(notes="Agreed on the homepage first."),
    ),
    Check("messaging:preferences", who(OK)),
    Check(
        "messaging:preferences",
        who(DONE),
        method="POST",
        data=form(share_read_receipts="on", email_delay_minutes="45"),
    ),
    # The link in a digest e-mail works without signing in: the signed token is the key.
    Check(
        "messaging:unsubscribe",
        who(OK, anonymous=OK),
        lambda w: {"token": w.unsubscribe_token},
    ),
    Check(
        "messaging:unsubscribe",
        who(Expect(200, changes=True), anonymous=Expect(200, changes=True)),
        lambda w: {"token": w.unsubscribe_token},
        method="POST",
        data=nothing,
    ),
    Check(
        "messaging:block",
        who(DONE, stranger=REFUSED),  # the stranger blocked the troll already
        handle("troll"),
        method="POST",
        data=nothing,
    ),
    Check(
        "messaging:unblock",
        who(REFUSED, stranger=DONE),  # only the stranger has a block to lift
        handle("troll"),
        method="POST",
        data=nothing,
    ),
    Check("messaging:report", who(OK), handle("troll")),
    Check(
        "messaging:report",
        who(DONE),
        handle("troll"),
        method="POST",
        data=form(reason="spam", details="Sells followers."),
    ),
    Check("messaging:notifications", who(OK)),
    Check(
        "messaging:notifications_read_all",
        who(REDIRECT, freelancer=DONE),
        method="POST",
        data=nothing,
    ),
    Check(
        "messaging:notification_read",
        who(REFUSED, freelancer=DONE),  # someone else's notification: nothing to mark
        lambda w: {"notification_id": w.notification.pk},
        method="POST",
        data=nothing,
    ),
]


def _in_room(name: str, expect: dict, args: Args = room, **kwargs) -> Check:
    return Check(f"workrooms:{name}", expect, args, **kwargs)


def _room_and(**ids: Callable[[World], int]) -> Args:
    return lambda w: {"workroom_id": w.room.pk, **{k: get(w) for k, get in ids.items()}}


FILE = _room_and(file_id=lambda w: w.shared_file.pk)
VERSION = _room_and(file_id=lambda w: w.shared_file.pk, number=lambda w: w.version.number)
CALL = _room_and(call_id=lambda w: w.call.pk)

WORKROOMS = [
    Check("workrooms:list", who(OK)),
    Check("workrooms:new", CLIENTS_ONLY),
    Check(
        "workrooms:new",
        who(FORBIDDEN, client=DONE, stranger=DONE),
        method="POST",
        data=lambda w, user: {"freelancer": w.freelancer.handle, "title": "Second project"},
    ),
    _in_room("detail", MEMBERS_ONLY),
    _in_room("panel", MEMBERS_ONLY, lambda w: {"workroom_id": w.room.pk, "name": "files"}),
    _in_room(
        "status",
        who(NOT_FOUND, client=DONE, freelancer=REFUSED),
        method="POST",
        data=form(status="paused"),
    ),
    _in_room(
        "file_upload",
        who(NOT_FOUND, **both(DONE)),
        method="POST",
        data=lambda w, user: {"files": text("spec.txt"), "description": "The spec"},
    ),
    _in_room("file_download", MEMBERS_ONLY, FILE),
    _in_room("version_download", MEMBERS_ONLY, VERSION),
    _in_room("version_preview", MEMBERS_ONLY, VERSION),
    _in_room(
        "file_delete",
        who(NOT_FOUND, freelancer=DONE, client=REFUSED),  # only its uploader deletes a file
        FILE,
        method="POST",
        data=nothing,
    ),
    _in_room(
        "deadline_new",
        who(NOT_FOUND, client=DONE, freelancer=REFUSED),
        method="POST",
        data=deadline_form,
    ),
    _in_room(
        "deadline_edit",
        who(NOT_FOUND, client=DONE, freelancer=REFUSED),
        _room_and(deadline_id=lambda w: w.deadline.pk),
        method="POST",
        data=deadline_form,
    ),
    _in_room(
        "deadline_submit",
        who(NOT_FOUND, freelancer=DONE, client=REFUSED),
        _room_and(deadline_id=lambda w: w.deadline.pk),
        method="POST",
        data=form(note="Done"),
    ),
    _in_room(
        "deadline_review",
        who(NOT_FOUND, client=DONE, freelancer=REFUSED),
        _room_and(deadline_id=lambda w: w.submitted.pk),
        method="POST",
        data=form(decision="approve", note="Thanks"),
    ),
    _in_room("call_new", who(NOT_FOUND, **both(DONE)), method="POST", data=call_form(4)),
    _in_room(
        "call_accept",
        who(NOT_FOUND, freelancer=DONE, client=REFUSED),  # the other person accepts
        CALL,
        method="POST",
        data=nothing,
    ),
    _in_room(
        "call_reschedule", who(NOT_FOUND, **both(DONE)), CALL, method="POST", data=call_form(5)
    ),
    _in_room(
        "call_cancel",
        who(NOT_FOUND, **both(DONE)),
        CALL,
        method="POST",
        data=form(note="Something came up"),
    ),
    _in_room("call_ics", MEMBERS_ONLY, CALL),
    _in_room("call", MEMBERS_ONLY),
]

JOB = lambda w: {"job_id": w.job.pk}  # noqa: E731
INVITATION = lambda w: {"invitation_id": w.invitation.pk}  # noqa: E731

INVITATIONS = [
    Check("invitations:job_list", CLIENTS_ONLY),
    Check("invitations:job_create", CLIENTS_ONLY),
    Check(
        "invitations:job_create",
        who(FORBIDDEN, client=DONE, stranger=DONE),
        method="POST",
        data=lambda w, user: job_form(),
    ),
    Check("invitations:job_detail", who(NOT_FOUND, client=OK), JOB),
    Check("invitations:job_edit", who(NOT_FOUND, client=OK), JOB),
    Check(
        "invitations:job_edit",
        who(NOT_FOUND, client=DONE),
        JOB,
        method="POST",
        data=lambda w, user: job_form(),
    ),
    Check("invitations:job_close", who(NOT_FOUND, client=DONE), JOB, method="POST", data=nothing),
    Check("invitations:list", who(OK)),
    Check(
        "invitations:new",
        CLIENTS_ONLY,
        query=lambda w: f"?freelancer={w.freelancer.handle}",
    ),
    Check(
        "invitations:new",
        who(FORBIDDEN, client=DONE, stranger=DONE),
        method="POST",
        data=lambda w, user: {
            "freelancer": w.freelancer.handle,
            "job": "new",
            "note": "Would you build this with us?",
            "expires_in_days": "7",
            **job_form("job-"),
        },
    ),
    Check("invitations:detail", MEMBERS_ONLY, INVITATION),
    Check(
        "invitations:accept",
        who(NOT_FOUND, freelancer=DONE),
        INVITATION,
        method="POST",
        data=form(response_note="Happy to start on Monday.", proposed_rate=""),
    ),
    Check(
        "invitations:decline",
        who(NOT_FOUND, freelancer=DONE),
        INVITATION,
        method="POST",
        data=form(decline_reason="not_available", decline_note=""),
    ),
    Check(
        "invitations:withdraw",
        who(NOT_FOUND, client=DONE),
        INVITATION,
        method="POST",
        data=nothing,
    ),
]

EVIDENCE = lambda w: {"dispute_id": w.dispute.pk, "evidence_id": w.evidence.pk}  # noqa: E731

DISPUTES = [
    Check("disputes:list", who(OK)),
    Check("disputes:new", MEMBERS_ONLY, room),
    Check("disputes:new", who(NOT_FOUND, **both(DONE)), room, method="POST", data=dispute_form),
    Check("disputes:detail", who(NOT_FOUND, **party_and_mediator(OK)), dispute),
    Check(
        "disputes:propose",
        # A proposal is waiting for the freelancer's answer: the parties answer it first; the
        # mediator's own proposal sets it aside.
        who(NOT_FOUND, **both(REFUSED), mediator=DONE),
        dispute,
        method="POST",
        data=form(terms="All of it by Friday.", amount="400", currency="USD"),
    ),
    Check(
        "disputes:answer",
        # The client made the proposal; the freelancer answers it.
        who(NOT_FOUND, freelancer=DONE, client=REFUSED, mediator=REFUSED),
        lambda w: {"dispute_id": w.dispute.pk, "resolution_id": w.proposal.pk},
        method="POST",
        data=form(decision="reject", note="Not enough."),
    ),
    Check(
        "disputes:escalate",
        # The open dispute: its other party (the client) may ask for mediation at once.
        who(NOT_FOUND, client=DONE, freelancer=REFUSED),
        lambda w: {"dispute_id": w.open_dispute.pk},
        method="POST",
        data=nothing,
    ),
    Check(
        "disputes:withdraw",
        who(NOT_FOUND, freelancer=DONE, client=REFUSED, mediator=REFUSED),  # its opener only
        dispute,
        method="POST",
        data=form(note="We settled."),
    ),
    Check("disputes:evidence", who(NOT_FOUND, **party_and_mediator(OK)), dispute),
    Check(
        "disputes:evidence_upload",
        who(NOT_FOUND, **party_and_mediator(DONE)),
        dispute,
        method="POST",
        data=lambda w, user: {"files": text("receipt.txt"), "caption": "Receipt"},
    ),
    # Evidence files: the parties, the mediator, and anyone who may mediate.
    Check(
        "disputes:evidence_download",
        who(NOT_FOUND, **party_and_mediator(OK), superuser=OK),
        EVIDENCE,
    ),
    Check(
        "disputes:evidence_preview",
        who(NOT_FOUND, **party_and_mediator(OK), superuser=OK),
        EVIDENCE,
    ),
]
