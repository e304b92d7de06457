"""workrooms' part of a person's account (profiles.account_parts): their rooms, files, deadlines
and calls for the export, and the contracts that stop a deletion.

A workroom is a contract with another person, so an account with a room still active or paused
cannot be deleted: the client closes it first, as on other marketplaces. Once every room is
closed, nothing here is removed: the rooms, their files (the uploader shows as "Deleted user"),
deadlines, calls and history are the other party's record of the contract.
"""

from typing import Any

from django.db.models import Q
from django.urls import reverse

from profiles.account_parts import Blocker, absolute_url
from profiles.models import User
from workrooms.models import Call, Deadline, FileVersion, Workroom


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _rooms(user: User):
    return Workroom.objects.filter(Q(client=user) | Q(freelancer=user))


def open_workrooms_for(*, user: User) -> list[Workroom]:
    """Contracts still running (active or paused) that the user is a party to."""
    return list(
        _rooms(user)
        .exclude(status=Workroom.Status.CLOSED)
        .select_related("client", "freelancer")
        .order_by("created_at", "pk")
    )


def account_blockers(*, user: User) -> list[Blocker]:
    blockers = []
    for room in open_workrooms_for(user=user):
        other = room.other_member(user)
        ask = "Close it" if room.client_id == user.pk else f"Ask {other.name} to close it"
        blockers.append(
            Blocker(
                reason=f"Your contract with {other.name} is {room.get_status_display().lower()}. "
                f"{ask} first.",
                title=room.title,
                url=room.get_absolute_url(),
            )
        )
    return blockers


def _files_shared(user: User) -> list[dict[str, Any]]:
    """The versions they uploaded, grouped by file: metadata and a link, not the bytes."""
    versions = (
        FileVersion.objects.filter(uploaded_by=user)
        .select_related("shared_file")
        .order_by("shared_file_id", "number")
    )
    files: dict[int, dict[str, Any]] = {}
    for v in versions:
        shared = v.shared_file
        entry = files.setdefault(
            shared.pk,
            {
                "workroom": shared.workroom_id,
                "name": shared.name,
                "description": shared.description,
                "deleted": shared.deleted_at is not None,
                "versions": [],
            },
        )
        url = reverse("workrooms:version_download", args=[shared.workroom_id, shared.pk, v.number])
        entry["versions"].append(
            {
                "number": v.number,
                "size": v.size,
                "content_type": v.content_type,
                "sha256": v.sha256,
                "uploaded_at": _iso(v.created_at),
                "url": absolute_url(url),
            }
        )
    return list(files.values())


def account_export(*, user: User) -> dict[str, Any]:
    rooms = list(_rooms(user).select_related("client", "freelancer").order_by("created_at", "pk"))
    room_ids = [room.pk for room in rooms]
    return {
        "workrooms": [
            {
                "id": room.pk,
                "title": room.title,
                "status": room.status,
                "role": "client" if room.client_id == user.pk else "freelancer",
                "other_party": room.other_member(user).name,
                "created_at": _iso(room.created_at),
            }
            for room in rooms
        ],
        "files_shared": _files_shared(user),
        "deadlines": [
            {
                "workroom": d.workroom_id,
                "title": d.title,
                "description": d.description,
                "due_at": _iso(d.due_at),
                "amount": str(d.amount) if d.amount is not None else None,
                "currency": d.currency,
                "status": d.status,
                "set_by_you": d.created_by_id == user.pk,
                "submitted_at": _iso(d.submitted_at),
                "submission_note": d.submission_note,
                "reviewed_at": _iso(d.reviewed_at),
                "review_note": d.review_note,
            }
            for d in Deadline.objects.filter(workroom_id__in=room_ids).order_by("due_at", "pk")
        ],
        "calls": [
            {
                "workroom": c.workroom_id,
                "starts_at": _iso(c.starts_at),
                "duration_minutes": c.duration_minutes,
                "agenda": c.agenda,
                "status": c.status,
                "proposed_by_you": c.proposed_by_id == user.pk,
                "cancel_note": c.cancel_note,
            }
            for c in Call.objects.filter(workroom_id__in=room_ids).order_by("starts_at", "pk")
        ],
    }
