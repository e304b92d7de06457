"""The one notification service every app uses: a bell entry, a live frame, and e-mail digests
for messages left unread (issue "Direct messages")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Invalid
from messaging import events
from messaging.models import (
    Conversation,
    DigestState,
    Message,
    MessagingPreferences,
    Notification,
    Participant,
)

if TYPE_CHECKING:
    from profiles.models import User

# The digest e-mails' one-click unsubscribe link: signed for this purpose alone (its own salt, so
# no other signed value of the site is accepted here) and good for 60 days, long enough for a
# person to act on an old e-mail, short enough that a link lying in a forwarded mail goes stale.
UNSUBSCRIBE_SALT = "messaging.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=60)


class UnsubscribeLinkInvalid(Invalid):
    @classmethod
    def default_detail(cls) -> str:
        return (
            "This link doesn't work. It may have been copied incompletely: you can turn these "
            "e-mails off in your messaging settings after logging in."
        )


class UnsubscribeLinkExpired(UnsubscribeLinkInvalid):
    @classmethod
    def default_detail(cls) -> str:
        return (
            "This link has expired: unsubscribe links work for 60 days. Use the link in a "
            "newer e-mail, or turn these e-mails off in your messaging settings."
        )


def preferences_for(user: User) -> MessagingPreferences:
    preferences, _ = MessagingPreferences.objects.get_or_create(user=user)
    return preferences


def notification_payload(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "url": notification.url,
        "created_at": notification.created_at,
    }


@transaction.atomic
def notify(*, user: User, kind: str, title: str, url: str = "", body: str = "") -> Notification:
    """Record a notification and push it to the person's open tabs after commit."""
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], url=url, body=body
    )
    events.publish_on_commit(
        events.user_group(user.pk),
        events.live_event(
            {"type": "notification", "notification": notification_payload(notification)}
        ),
    )
    return notification


def notification_mark_read(*, user: User, notification_id: int | str) -> int:
    return Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- E-mail digests ---------------------------------------------------------------------------


@dataclass
class Member:
    pk: int  # the Participant's
    user_id: int
    muted: bool
    unread: int
    email_digests: bool | None  # None: no preferences row (the defaults apply)
    email_delay: int | None
    digest_id: int | None
    digest_due: bool


def members_for_send(*, conversation_id: int) -> list[Member]:
    """Every member of a conversation with what a send needs, in one query: their unread
    count (for conversation.updated; Participant.unread_count, kept by the services), their digest
    settings and their digest's state. Hand-written SQL, as the send's own statements are
    (messaging/services/send_sql.py says why): the ORM's joins cost more CPU than the query."""
    sql = members_sql(Participant._meta.db_table, where="p.conversation_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [conversation_id])
        return members_from_rows(cursor.fetchall())


def members_sql(participants: str, *, where: str = "TRUE", extra_columns: str = "") -> str:
    """The SELECT of members_for_send over `participants`: the table, or the rows a statement
    returns (services' one-statement send updates the members and reads them in one go).
    `extra_columns` come first in each row; members_from_rows reads the rest."""
    preferences, digests = MessagingPreferences._meta.db_table, DigestState._meta.db_table
    return f"""
        SELECT {extra_columns} p.id, p.user_id, p.muted,
          p.unread_count,
          f.email_digests, f.email_delay_minutes, d.id, d.due_at IS NOT NULL
        FROM {participants} p
        LEFT JOIN {preferences} f ON f.user_id = p.user_id
        LEFT JOIN {digests} d ON d.participant_id = p.id
        WHERE {where}
        ORDER BY p.id
    """  # noqa: S608 - table names from model meta, every value a parameter


def members_from_rows(rows: Iterable[Sequence[Any]]) -> list[Member]:
    return [
        Member(
            pk=pk,
            user_id=user_id,
            muted=bool(muted),
            unread=unread,
            email_digests=None if digests_on is None else bool(digests_on),
            email_delay=delay,
            digest_id=digest_id,
            digest_due=bool(due),
        )
        for pk, user_id, muted, unread, digests_on, delay, digest_id, due in rows
    ]


def schedule_digests(*, message: Message, members: list[Member] | None = None) -> None:
    """After a message is stored: each other member with digests on gets one due, if not yet.

    A digest already due is left alone, so a burst of messages makes one e-mail, not many.
    In the steady state (digests already due) this is one query whatever the room's size, or
    none when message_send has already read `members` (members_for_send).
    """
    if members is None:
        members = members_for_send(conversation_id=message.conversation_id)
    delays, known = {}, {}
    for member in members:
        if member.muted or member.user_id == message.sender_id or member.email_digests is False:
            continue
        delays[member.pk] = (
            member.email_delay
            if member.email_delay is not None
            else settings.MESSAGE_DIGEST_DELAY_MINUTES
        )
        if member.digest_id is not None:
            known[member.pk] = member.digest_due
    if not delays:
        return
    missing = [pk for pk in delays if pk not in known]
    if missing:
        DigestState.objects.bulk_create(
            [DigestState(participant_id=pk) for pk in missing], ignore_conflicts=True
        )
    to_schedule = [pk for pk in delays if not known.get(pk)]
    if not to_schedule:
        return
    now = timezone.now()
    for delay in set(delays[pk] for pk in to_schedule):
        participant_ids = [pk for pk in to_schedule if delays[pk] == delay]
        DigestState.objects.filter(participant_id__in=participant_ids, due_at__isnull=True).update(
            due_at=now + timedelta(minutes=delay)
        )
    # No task per digest: the beat task send_due_digests sweeps due ones every minute. Queuing
    # one per member from inside the send cost a broker round trip each, on the hot path.


def send_due_digests(*, now: datetime | None = None) -> int:
    """Send every digest that is due (beat runs this; so can `manage.py send_due_digests`)."""
    now = now or timezone.now()
    due = DigestState.objects.filter(due_at__lte=now).values_list("pk", flat=True)
    return sum(1 for state_id in list(due) if send_digest_if_due(state_id=state_id, now=now))


def send_digest_if_due(*, state_id: int, now: datetime | None = None) -> bool:
    """Send one conversation's unread messages to one person, once.

    Idempotent: the row is locked and the covered messages recorded in the same transaction
    as the decision, so a retried or duplicated task finds nothing left to send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Lock this row only: locking the joined conversation too would take its row lock in
        # another order than message_send does, and deadlock with a concurrent send.
        state = (
            DigestState.objects.select_for_update(of=("self",))
            .select_related("participant__user", "participant__conversation")
            .filter(pk=state_id)
            .first()
        )
        if state is None or state.due_at is None or state.due_at > now:
            return False
        participant = state.participant
        since = max(participant.last_read_seq, state.emailed_through_seq)
        unread = list(
            Message.objects.filter(
                conversation_id=participant.conversation_id,
                seq__gt=since,
                kind=Message.Kind.USER,
                deleted_at__isnull=True,
            )
            .exclude(sender_id=participant.user_id)
            .select_related("sender")
            .order_by("seq")
        )
        state.due_at = None
        if unread:
            state.emailed_through_seq = unread[-1].seq
        state.save(update_fields=["due_at", "emailed_through_seq"])
        if not unread:
            return False
        user = participant.user
        # Sent inside the transaction: if sending fails the row rolls back and a retry sends it;
        # if it succeeds and the commit fails, the person may get the same e-mail twice, which
        # is better than none.
        _send_digest_email(user=user, conversation=participant.conversation, messages=unread)
        return True


def _send_digest_email(*, user: User, conversation: Conversation, messages: list[Message]) -> None:
    # A person's messages only (the query asks for kind USER): each has its sender.
    senders = sorted({m.sender.name for m in messages if m.sender is not None})
    plural = "s" if len(messages) != 1 else ""
    subject = f"{len(messages)} unread message{plural} from {', '.join(senders)}"
    context = {
        "user": user,
        "messages": messages[-10:],
        "more": max(0, len(messages) - 10),
        "thread_url": settings.SITE_URL + reverse("messaging:thread", args=[conversation.pk]),
        "unsubscribe_url": settings.SITE_URL
        + reverse("messaging:unsubscribe", args=[unsubscribe_token(user)]),
        "settings_url": settings.SITE_URL + reverse("messaging:preferences"),
    }
    send_mail(
        subject=subject,
        message=render_to_string("messaging/email/digest.txt", context),
        from_email=None,
        recipient_list=[user.email],
        html_message=render_to_string("messaging/email/digest.html", context),
    )


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_link_user(*, token: str) -> User:
    """The person an unsubscribe link names; UnsubscribeLinkExpired or …Invalid if it does not."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired:
        raise UnsubscribeLinkExpired() from None
    except signing.BadSignature:
        raise UnsubscribeLinkInvalid() from None
    user_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        raise UnsubscribeLinkInvalid()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise UnsubscribeLinkInvalid()
    return user


@transaction.atomic
def unsubscribe(*, token: str) -> User:
    """Turn e-mail digests off for the person a valid unsubscribe link names."""
    user = unsubscribe_link_user(token=token)
    preferences = preferences_for(user)
    preferences.email_digests = False
    preferences.save(update_fields=["email_digests"])
    DigestState.objects.filter(participant__user_id=user.pk).update(due_at=None)
    return user
