"""messaging's part of a person's account (profiles.account_parts): their data for the export,
and what a deletion removes.

What stays when an account is deleted: every message they sent (the other members' record of
the conversation; the sender shows as "Deleted user"), its edit history and the files attached
to sent messages. What goes: their notifications, digest state, the blocks they made and the
files they uploaded but never sent; their preferences are all switched off. A direct
conversation with them becomes read-only.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse

from core.uploads import delete_stored_on_commit
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    DigestState,
    Message,
    MessageRevision,
    MessagingPreferences,
    Notification,
    Participant,
    Report,
)
from profiles.account_parts import absolute_url
from profiles.models import User


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _attachment_url(attachment: Attachment) -> str:
    return absolute_url(
        reverse("messaging:attachment", args=[attachment.conversation_id, attachment.pk])
    )


def _others_by_conversation(conversation_ids: list[int], user: User) -> dict[int, list[str]]:
    """The display names of the other members of each conversation (nobody's e-mail)."""
    others: dict[int, list[str]] = defaultdict(list)
    rows = (
        Participant.objects.filter(conversation_id__in=conversation_ids)
        .exclude(user=user)
        .order_by("conversation_id", "pk")
        .values_list("conversation_id", "user__name")
    )
    for conversation_id, name in rows:
        others[conversation_id].append(name)
    return others


def _conversations(user: User) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    memberships = list(
        Participant.objects.filter(user=user).select_related("conversation").order_by("pk")
    )
    others = _others_by_conversation([p.conversation_id for p in memberships], user)
    return [
        {
            "id": p.conversation_id,
            "kind": p.conversation.kind,
            "title": p.conversation.title,
            "with": others[p.conversation_id],
            "joined_at": _iso(p.joined_at),
        }
        for p in memberships
    ], others


def _messages_sent(user: User, others: dict[int, list[str]]) -> list[dict[str, Any]]:
    sent = (
        Message.objects.filter(sender=user)
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
            Prefetch("revisions", queryset=MessageRevision.objects.order_by("created_at", "pk")),
        )
    )
    return [
        {
            "id": m.pk,
            "conversation": m.conversation_id,
            "with": others.get(m.conversation_id, []),
            "sent_at": _iso(m.created_at),
            "edited_at": _iso(m.edited_at),
            "deleted_at": _iso(m.deleted_at),
            "body": m.body,
            "attachments": [a.name for a in m.attachments.all()],
            "earlier_versions": [
                {"action": r.action, "body": r.body, "at": _iso(r.created_at)}
                for r in m.revisions.all()
            ],
        }
        for m in sent
    ]


def _attachments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "conversation": a.conversation_id,
            "message": a.message_id,
            "name": a.name,
            "size": a.size,
            "content_type": a.content_type,
            "sha256": a.sha256,
            "uploaded_at": _iso(a.created_at),
            "url": _attachment_url(a),
        }
        for a in Attachment.objects.filter(uploader=user).order_by("pk")
    ]


def _preferences(user: User) -> dict[str, Any] | None:
    prefs = MessagingPreferences.objects.filter(user=user).first()
    if prefs is None:
        return None
    return {
        "share_read_receipts": prefs.share_read_receipts,
        "share_typing": prefs.share_typing,
        "share_presence": prefs.share_presence,
        "email_digests": prefs.email_digests,
        "email_delay_minutes": prefs.email_delay_minutes,
    }


def account_export(*, user: User) -> dict[str, Any]:
    """Conversations they are in, the messages they sent, the files they uploaded, their
    notifications, blocks, reports and preferences: plain data, in a constant number of queries.
    Other people appear by display name only; nobody else's messages are included."""
    conversations, others = _conversations(user)
    return {
        "conversations": conversations,
        "messages_sent": _messages_sent(user, others),
        "attachments_uploaded": _attachments(user),
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "blocked": [
            {"name": b.blocked.name, "handle": b.blocked.handle, "since": _iso(b.created_at)}
            for b in Block.objects.filter(blocker=user).select_related("blocked").order_by("pk")
        ],
        "reports_made": [
            {
                "reported": r.reported_user.name,
                "message": r.message_id,
                "reason": r.reason,
                "details": r.details,
                "created_at": _iso(r.created_at),
            }
            for r in Report.objects.filter(reporter=user).select_related("reported_user")
        ],
        "preferences": _preferences(user),
    }


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Remove what is only theirs; keep what the other members of a conversation hold."""
    unsent = list(Attachment.objects.filter(uploader=user, message__isnull=True))
    Attachment.objects.filter(pk__in=[a.pk for a in unsent]).delete()
    delete_stored_on_commit(
        Attachment._meta.get_field("file").storage, *(a.file.name for a in unsent)
    )
    Notification.objects.filter(user=user).delete()
    # A row with everything off rather than none: no row means the defaults, e-mails included.
    MessagingPreferences.objects.update_or_create(
        user=user,
        defaults={
            "share_read_receipts": False,
            "share_typing": False,
            "share_presence": False,
            "email_digests": False,
            "last_seen_at": None,
        },
    )
    DigestState.objects.filter(participant__user=user).delete()
    Block.objects.filter(blocker=user).delete()
    # Nobody can answer them any more: the other person reads the conversation, never writes.
    Conversation.objects.filter(kind=Conversation.Kind.DIRECT, participants__user=user).update(
        read_only=True
    )
