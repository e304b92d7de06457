"""Reads for workrooms. Everything goes through the user's memberships, so a room that is not
theirs is simply not found."""

import hashlib
from datetime import timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from messaging.selectors import unread_by_conversation
from profiles.selectors import timezone_for_user
from workrooms.models import Activity, Call, Deadline, FileVersion, SharedFile, Workroom

ACTIVITY_LIMIT = 50


def workrooms_for(*, user) -> QuerySet:
    """The rooms a person is a member of; anything else is simply not found."""
    if not user.is_authenticated:
        return Workroom.objects.none()
    return Workroom.objects.filter(Q(client=user) | Q(freelancer=user)).select_related(
        "client", "freelancer", "conversation"
    )


def workroom_for(*, user, workroom_id) -> Workroom | None:
    try:
        workroom_id = int(workroom_id)
    except (TypeError, ValueError):
        return None
    return workrooms_for(user=user).filter(pk=workroom_id).first()


def workroom_cards(*, user) -> list[Workroom]:
    """The list page: each room with its unread count and next open deadline, in a constant
    number of queries."""
    next_due = (
        Deadline.objects.filter(workroom=OuterRef("pk"), status=Deadline.Status.PENDING)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    next_title = (
        Deadline.objects.filter(workroom=OuterRef("pk"), status=Deadline.Status.PENDING)
        .order_by("due_at")
        .values("title")[:1]
    )
    rooms = list(
        workrooms_for(user=user).annotate(
            next_due_at=Subquery(next_due), next_due_title=Subquery(next_title)
        )
    )
    unread = unread_by_conversation(user=user)
    now = timezone.now()
    for room in rooms:
        room.unread = unread.get(room.conversation_id, 0)
        room.next_overdue = room.next_due_at is not None and room.next_due_at < now
    # Active rooms first, then paused, then closed; newest first within each.
    order = {Workroom.Status.ACTIVE: 0, Workroom.Status.PAUSED: 1, Workroom.Status.CLOSED: 2}
    rooms.sort(key=lambda r: order.get(r.status, 3))
    return rooms


def upcoming_deadlines(*, user, limit: int = 5) -> list[Deadline]:
    """The next open deadlines across the user's rooms (dashboard)."""
    rooms = workrooms_for(user=user).exclude(status=Workroom.Status.CLOSED).values("pk")
    return list(
        Deadline.objects.filter(workroom__in=rooms, status=Deadline.Status.PENDING)
        .select_related("workroom")
        .order_by("due_at")[:limit]
    )


def files_for(*, workroom: Workroom) -> list[SharedFile]:
    files = list(
        SharedFile.objects.filter(workroom=workroom, deleted_at__isnull=True)
        .select_related("uploaded_by", "current_version", "current_version__uploaded_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=FileVersion.objects.select_related("uploaded_by").order_by("-number"),
            )
        )
    )
    for shared in files:
        if shared.current_version:
            shared.current_version.shared_file = shared  # no query per version for its name
    return files


def deleted_files_for(*, workroom: Workroom) -> list[SharedFile]:
    return list(
        SharedFile.objects.filter(workroom=workroom, deleted_at__isnull=False).select_related(
            "deleted_by"
        )
    )


def deadlines_for(*, workroom: Workroom) -> list[Deadline]:
    """Open deadlines first (soonest due first), then approved ones."""
    deadlines = list(
        Deadline.objects.filter(workroom=workroom).prefetch_related(
            Prefetch(
                "delivered_versions",
                queryset=FileVersion.objects.select_related("shared_file"),
            )
        )
    )
    now = timezone.now()
    for deadline in deadlines:
        deadline.overdue = deadline.is_overdue(now)
    deadlines.sort(key=lambda d: (d.status == Deadline.Status.APPROVED, d.due_at))
    return deadlines


def calls_for(*, workroom: Workroom) -> list[Call]:
    """Upcoming calls first (soonest first), then past and cancelled ones, latest first."""
    calls = list(Call.objects.filter(workroom=workroom).select_related("proposed_by"))
    now = timezone.now()
    upcoming = [c for c in calls if c.status != Call.Status.CANCELLED and c.ends_at > now]
    rest = [c for c in calls if c not in upcoming]
    rest.sort(key=lambda c: c.starts_at, reverse=True)
    return upcoming + rest


def call_for_call_page(*, workroom: Workroom, call_id=None, now=None) -> Call | None:
    """The scheduled call a call page shows the agenda of: the one asked for (`?call=`), else
    the confirmed one whose join window is open now."""
    calls = Call.objects.filter(workroom=workroom).exclude(status=Call.Status.CANCELLED)
    if call_id:
        try:
            return calls.filter(pk=int(call_id)).first()
        except (TypeError, ValueError):
            return None
    now = now or timezone.now()
    accepted = calls.filter(status=Call.Status.ACCEPTED, starts_at__lte=now + Call.JOIN_EARLY)
    return next((c for c in accepted.order_by("-starts_at") if c.in_join_window(now)), None)


def overlapping_calls(*, users, starts_at, ends_at, exclude: Call | None = None) -> list[Call]:
    """The calls (not cancelled, in any room) of any of `users` that overlap this time; no
    call is longer than 8 hours, so only those starting in the 8 hours before can reach it."""
    member_of = Q(workroom__client__in=users) | Q(workroom__freelancer__in=users)
    calls = (
        Call.objects.filter(member_of)
        .exclude(status=Call.Status.CANCELLED)
        .filter(starts_at__lt=ends_at, starts_at__gte=starts_at - timedelta(hours=8))
        .select_related("workroom")
    )
    if exclude is not None:
        calls = calls.exclude(pk=exclude.pk)
    return [c for c in calls if c.ends_at > starts_at]


def activity_for(*, workroom: Workroom, limit: int = ACTIVITY_LIMIT) -> list[Activity]:
    return list(Activity.objects.filter(workroom=workroom).select_related("actor")[:limit])


def zones_for(*, workroom: Workroom, user) -> dict:
    """Timezone names to show times in: the viewer's own and the other party's."""
    other = workroom.other_member(user)
    return {
        "mine": timezone_for_user(user_id=user.pk) or "UTC",
        "theirs": timezone_for_user(user_id=other.pk) or "UTC",
        "other": other,
    }


def panel_context(*, workroom: Workroom, user, panel: str) -> dict:
    context = {"workroom": workroom, "zones": zones_for(workroom=workroom, user=user)}
    if panel == "files":
        context["files"] = files_for(workroom=workroom)
        context["deleted_files"] = deleted_files_for(workroom=workroom)
    elif panel == "deadlines":
        context["deadlines"] = deadlines_for(workroom=workroom)
        context["deliverable_versions"] = [
            f.current_version for f in files_for(workroom=workroom) if f.current_version
        ]
    elif panel == "calls":
        context["calls"] = calls_for(workroom=workroom)
    elif panel == "activity":
        context["activities"] = activity_for(workroom=workroom)
    return context


def room_context(*, workroom: Workroom, user) -> dict:
    """Every panel at once, for the room page (a constant number of queries)."""
    files = files_for(workroom=workroom)
    deadlines = deadlines_for(workroom=workroom)
    calls = calls_for(workroom=workroom)
    return {
        "workroom": workroom,
        "zones": zones_for(workroom=workroom, user=user),
        "files": files,
        "deleted_files": deleted_files_for(workroom=workroom),
        "deadlines": deadlines,
        "deliverable_versions": [f.current_version for f in files if f.current_version],
        "calls": calls,
        "activities": activity_for(workroom=workroom),
        "next_deadline": next((d for d in deadlines if d.status != Deadline.Status.APPROVED), None),
        "next_call": next((c for c in calls if c.status != Call.Status.CANCELLED), None),
    }


def file_version_for(*, workroom: Workroom, file_id, number=None) -> FileVersion | None:
    """A downloadable version of a live (not deleted) file in this room; None otherwise."""
    try:
        file_id = int(file_id)
        number = int(number) if number is not None else None
    except (TypeError, ValueError):
        return None
    shared = (
        SharedFile.objects.filter(pk=file_id, workroom=workroom, deleted_at__isnull=True)
        .select_related("current_version")
        .first()
    )
    if shared is None:
        return None
    if number is None:
        return shared.current_version
    return shared.versions.filter(number=number).first()


# --- For other apps' records (the dispute dossier) ------------------------------------------


def _iso(moment):
    return moment.isoformat() if moment else None


def stored_sha256(field_file) -> str | None:
    """The SHA-256 of a stored file's bytes now (None if it is gone)."""

    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def workroom_record(*, workroom: Workroom, hash_files: bool = False) -> dict:
    """The room's files (every version with its SHA-256, deleted ones too), deadlines with their
    submissions and reviews, calls and the whole activity history, as plain data. With
    `hash_files`, each version also carries the SHA-256 of the bytes in storage now."""
    files = (
        SharedFile.objects.filter(workroom=workroom)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=FileVersion.objects.select_related("uploaded_by").order_by("number"),
            )
        )
        .order_by("created_at", "pk")
    )
    deadlines = (
        Deadline.objects.filter(workroom=workroom)
        .prefetch_related(
            Prefetch(
                "delivered_versions",
                queryset=FileVersion.objects.select_related("shared_file").order_by("pk"),
            )
        )
        .order_by("due_at", "pk")
    )
    calls = Call.objects.filter(workroom=workroom).select_related("proposed_by")
    activity = (
        Activity.objects.filter(workroom=workroom)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return {
        "id": workroom.pk,
        "title": workroom.title,
        "status": workroom.status,
        "client": workroom.client.name,
        "freelancer": workroom.freelancer.name,
        "created_at": _iso(workroom.created_at),
        "files": [
            {
                "name": f.name,
                "deleted": f.deleted_at is not None,
                "versions": [
                    {
                        "id": v.pk,
                        "number": v.number,
                        "size": v.size,
                        "content_type": v.content_type,
                        "sha256": v.sha256,
                        "uploaded_by": v.uploaded_by.name,
                        "created_at": _iso(v.created_at),
                    }
                    | ({"stored_sha256": stored_sha256(v.file)} if hash_files else {})
                    for v in f.versions.all()
                ],
            }
            for f in files
        ],
        "deadlines": [
            {
                "title": d.title,
                "due_at": _iso(d.due_at),
                "amount": str(d.amount) if d.amount is not None else None,
                "currency": d.currency,
                "status": d.status,
                "submitted_at": _iso(d.submitted_at),
                "submission_note": d.submission_note,
                "delivered": [
                    {"name": v.shared_file.name, "version": v.number, "sha256": v.sha256}
                    for v in d.delivered_versions.all()
                ],
                "reviewed_at": _iso(d.reviewed_at),
                "review_note": d.review_note,
                "changes_requested": d.changes_requested,
            }
            for d in deadlines
        ],
        "calls": [
            {
                "starts_at": _iso(c.starts_at),
                "duration_minutes": c.duration_minutes,
                "agenda": c.agenda,
                "status": c.status,
                "proposed_by": c.proposed_by.name,
                "cancel_note": c.cancel_note,
            }
            for c in calls
        ],
        "activity": [
            {
                "created_at": _iso(a.created_at),
                "actor": a.actor.name if a.actor_id else None,
                "kind": a.kind,
                "summary": a.summary,
            }
            for a in activity
        ],
    }
