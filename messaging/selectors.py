"""Reads. Everything is reached through the user's own memberships, so a conversation that is
not theirs is simply not found (and answers exactly like one that does not exist)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from messaging.models import (
    Attachment,
    Conversation,
    Message,
    Participant,
)
from messaging.payloads import message_payload, user_payload
from messaging.presence import presence_of

if TYPE_CHECKING:
    from profiles.models import User


def with_payload_relations(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("sender").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def conversation_for(*, user: User, conversation_id: int | str) -> Conversation | None:
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        return None
    return Conversation.objects.filter(pk=pk, participants__user=user).first()


def unread_subquery(
    user_ref: str = "user_id",
    seq_ref: str = "last_read_seq",
    conversation_ref: str = "conversation_id",
) -> Coalesce:
    """Messages from others, not deleted, after the participant's read position: what
    Participant.unread_count stores (services recount with it where a count is not +1/-1)."""
    return Coalesce(
        Subquery(
            Message.objects.filter(
                conversation_id=OuterRef(conversation_ref),
                seq__gt=OuterRef(seq_ref),
                kind=Message.Kind.USER,
                deleted_at__isnull=True,
            )
            .exclude(sender_id=OuterRef(user_ref))
            .order_by()
            .values("conversation_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def unread_counts(*, conversation_id: int) -> dict[int, int]:
    """Unread messages per participant of one conversation, in one query."""
    rows = Participant.objects.filter(conversation_id=conversation_id).values_list(
        "user_id", "unread_count"
    )
    return dict(rows)


def catch_up(
    *, conversation: Conversation, after: int, page: int = 200, latest: int = 50
) -> tuple[int, list[Message], bool]:
    """(cursor, messages, has_more) for a subscribe frame (docs/websocket-protocol.md).

    The conversation's version is read first: anything committed after that read reaches the
    socket through its group (joined before this call) or the next catch-up, never neither.
    """
    current = Conversation.objects.values_list("version", flat=True).get(pk=conversation.pk)
    messages = with_payload_relations(Message.objects.filter(conversation=conversation))
    if not after:
        recent = list(messages.order_by("-seq")[:latest])
        recent.reverse()
        return current, recent, False
    changed = list(
        messages.filter(version__gt=after, version__lte=current).order_by("version")[: page + 1]
    )
    has_more = len(changed) > page
    changed = changed[:page]
    cursor = changed[-1].version if has_more else current
    return cursor, changed, has_more


def messages_before(
    *, conversation: Conversation, before_seq: int, limit: int = 50
) -> list[Message]:
    """Older history for infinite scroll upward, oldest first."""
    older = list(
        with_payload_relations(
            Message.objects.filter(conversation=conversation, seq__lt=before_seq)
        ).order_by("-seq")[:limit]
    )
    older.reverse()
    return older


def inbox_for(*, user: User, archived: bool = False) -> QuerySet[Participant]:
    """The user's conversations (or the archived ones), latest first, with unread counts."""
    participations = Participant.objects.filter(user=user, archived=archived)
    return participations.select_related(
        "conversation",
        "conversation__last_message",
        "conversation__last_message__sender",
        "conversation__user_low__profile",
        "conversation__user_high__profile",
    ).order_by(Coalesce("conversation__last_message_at", "conversation__created_at").desc())


def search_messages(*, user: User, query: str, limit: int = 50) -> QuerySet[Message]:
    """Messages in the user's own conversations matching the query, best first.

    PostgreSQL: full-text search (stemmed, with the websearch syntax people know: quotes,
    `or`, `-word`) over a GIN-indexed expression. SQLite: a substring match, newest first.
    """
    query = (query or "").strip()
    if not query:
        return Message.objects.none()
    member_of = Participant.objects.filter(user=user).values("conversation_id")
    messages = Message.objects.filter(
        conversation_id__in=member_of, deleted_at__isnull=True, kind=Message.Kind.USER
    ).select_related("sender", "conversation")
    if connection.vendor == "postgresql":
        vector = SearchVector("body", config="english")
        search = SearchQuery(query, config="english", search_type="websearch")
        return (
            messages.annotate(document=vector)
            .filter(document=search)
            .annotate(rank=SearchRank(vector, search))
            .order_by("-rank", "-created_at")[:limit]
        )
    return messages.filter(body__icontains=query).order_by("-created_at")[:limit]


def _other_member(participant: Participant, user: User) -> User | None:
    conversation = participant.conversation
    if conversation.kind != Conversation.Kind.DIRECT:
        return None
    return conversation.user_high if conversation.user_low_id == user.pk else conversation.user_low


def inbox_cards(*, user: User, archived: bool = False) -> list[dict[str, Any]]:
    """What the inbox list shows per conversation, in a constant number of queries."""
    cards = []
    for participant in inbox_for(user=user, archived=archived):
        conversation = participant.conversation
        other = _other_member(participant, user)
        last = conversation.last_message
        if last is None:
            preview = "No messages yet"
        elif last.deleted_at:
            preview = "Message deleted"
        elif last.kind == Message.Kind.SYSTEM:
            preview = last.body
        else:
            mine = last.sender_id == user.pk
            preview = ("You: " if mine else "") + (last.body or "Sent an attachment")
        cards.append(
            {
                "id": conversation.pk,
                "kind": conversation.kind,
                "title": other.name if other else (conversation.title or str(conversation)),
                "other": other,
                "preview": preview[:140],
                "at": conversation.last_message_at or conversation.created_at,
                "unread": participant.unread_count,
                "muted": participant.muted,
                "url": conversation.get_absolute_url(),
            }
        )
    return cards


def thread_context(*, conversation: Conversation, user: User) -> dict[str, Any]:
    """Everything the thread page needs to render at once and then go live."""
    participants = list(
        Participant.objects.filter(conversation=conversation).select_related(
            "user__profile", "last_read_message"
        )
    )
    me = next(p for p in participants if p.user_id == user.pk)
    others = [p for p in participants if p.user_id != user.pk]
    version, latest, _ = catch_up(conversation=conversation, after=0)
    return {
        "conversation": conversation,
        "me": me,
        "title": others[0].user.name
        if conversation.kind == Conversation.Kind.DIRECT and others
        else (conversation.title or str(conversation)),
        "other": others[0].user
        if conversation.kind == Conversation.Kind.DIRECT and others
        else None,
        "members": [p.user for p in participants],
        "presence": presence_of(user=others[0].user)
        if conversation.kind == Conversation.Kind.DIRECT and others
        else None,
        "thread_data": {
            "conversation": conversation.pk,
            "version": version,
            "me": user_payload(user),
            "messages": [message_payload(m) for m in latest],
            "has_older": bool(latest) and latest[0].seq > 1,
            "read_only": conversation.read_only,
            "edit_window_seconds": settings.MESSAGE_EDIT_WINDOW_SECONDS,
            # The viewer's own timezone once they have set one, else the browser's.
            "timezone": None
            if timezone.get_current_timezone_name() == "UTC"
            else timezone.get_current_timezone_name(),
            "my_last_read_seq": me.last_read_seq,
            "read_by": [
                {
                    "user": user_payload(p.user),
                    "message": p.last_read_message_id,
                    "seq": p.last_read_seq,
                }
                for p in others
            ],
        },
    }


def unread_by_conversation(*, user: User) -> dict[int, int]:
    rows = Participant.objects.filter(user=user, archived=False, unread_count__gt=0).values_list(
        "conversation_id", "unread_count"
    )
    return dict(rows)


# --- For other apps' records (the dispute dossier) ------------------------------------------


def direct_conversation_between(*, user_a: User, user_b: User) -> Conversation | None:
    low, high = sorted([user_a.pk, user_b.pk])
    return Conversation.objects.filter(
        kind=Conversation.Kind.DIRECT, user_low_id=low, user_high_id=high
    ).first()


def conversation_record(*, conversation_id: int) -> list[dict[str, Any]]:
    """Every message of a conversation as plain data, for a record that must stand on its own:
    deleted messages keep their body, every earlier version is listed, files carry their
    SHA-256. Staff-facing only (the dispute dossier); never for a page a member reads."""
    messages = (
        Message.objects.filter(conversation_id=conversation_id)
        .select_related("sender")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")), "revisions"
        )
        .order_by("seq")
    )
    return [
        {
            "id": m.pk,
            "seq": m.seq,
            "kind": m.kind,
            "sender": m.sender.name if m.sender else None,
            "sender_id": m.sender_id,
            "created_at": m.created_at.isoformat(),
            "edited_at": m.edited_at.isoformat() if m.edited_at else None,
            "deleted": m.deleted_at is not None,
            "deleted_at": m.deleted_at.isoformat() if m.deleted_at else None,
            "flagged": m.flagged,
            "body": m.body,
            "revisions": [
                {"action": r.action, "body": r.body, "created_at": r.created_at.isoformat()}
                for r in m.revisions.all()
            ],
            "attachments": [
                {"name": a.name, "size": a.size, "sha256": a.sha256} for a in m.attachments.all()
            ],
        }
        for m in messages
    ]
