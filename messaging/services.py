"""Writes for conversations and messages. Views, the consumer, tasks and other apps call these.

Every change in a conversation locks its row, bumps its version and stamps the changed
message, then publishes after commit (docs/architecture.md, "How a message travels").
"""

import functools
import math
import operator
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.realtime.redis_direct import script, thread_commands
from core.uploads import MESSAGE_ATTACHMENT, check_upload
from messaging import events, notifications
from messaging.conduct import Reason, check_message
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessageRevision,
    MessagingPreferences,
    Participant,
    PolicyFlag,
    Report,
)
from messaging.payloads import message_payload, user_payload
from messaging.selectors import unread_counts, unread_subquery, with_payload_relations
from messaging.signals import message_stored
from profiles.services import response_time_record


class MessagingError(Exception):
    code = "invalid"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Invalid(MessagingError):
    code = "invalid"


class NotFound(MessagingError):
    code = "not_found"


class Forbidden(MessagingError):
    code = "forbidden"


class TooLarge(MessagingError):
    code = "too_large"


class RateLimited(MessagingError):
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


NOT_FOUND = "No such conversation."

# On PostgreSQL a send's writes and its read of the members are one statement
# (_append_counted); tests turn this off to keep the portable path covered there too.
ONE_STATEMENT_SEND = True


@dataclass
class SendResult:
    message: Message | None = None
    created: bool = False
    warning: list[Reason] = field(default_factory=list)
    # The MESSAGE payload of a message this call stored (None otherwise): the ack reuses it.
    payload: dict | None = None


# --- Conversations --------------------------------------------------------------------------


def conversation_open_direct(*, user, other) -> Conversation:
    """The one direct conversation between two people, made on first use."""
    if user.pk == other.pk:
        raise Invalid("You cannot start a conversation with yourself.")
    if not other.is_active:
        raise NotFound("No such person.")
    _check_not_blocked(user, other.pk)
    low, high = sorted([user, other], key=lambda u: u.pk)
    existing = Conversation.objects.filter(
        kind=Conversation.Kind.DIRECT, user_low=low, user_high=high
    )
    conversation = existing.first()
    if conversation:
        return conversation
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.DIRECT, user_low=low, user_high=high
            )
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, user=u) for u in (low, high)]
            )
    except IntegrityError:
        # The other person opened it at the same moment: theirs is ours.
        return existing.get()
    return conversation


@transaction.atomic
def conversation_create(*, kind: str, title: str, members) -> Conversation:
    """A group conversation for a workroom or a dispute (their apps own who is in it)."""
    if kind == Conversation.Kind.DIRECT:
        raise Invalid("Use conversation_open_direct for direct conversations.")
    conversation = Conversation.objects.create(kind=kind, title=title)
    Participant.objects.bulk_create(
        [
            Participant(conversation=conversation, user=u)
            for u in {m.pk: m for m in members}.values()
        ]
    )
    return conversation


@transaction.atomic
def participant_add(*, conversation: Conversation, user) -> Participant:
    _lock_conversation(conversation.pk)
    participant, created = Participant.objects.get_or_create(conversation=conversation, user=user)
    if created:
        _recount_unread(participant)  # a newcomer has everything before them to read
    return participant


def _lock_conversation(conversation_id: int) -> None:
    """Take the conversation's row lock before any participant row: a send locks the
    conversation, then writes every member's row; the other order could deadlock with it."""
    list(Conversation.objects.select_for_update().filter(pk=conversation_id).values_list("pk"))


def _recount_unread(participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(unread_count=unread_subquery())


@transaction.atomic
def participant_remove(*, conversation: Conversation, user) -> None:
    """Remove a member; their open sockets leave the conversation at once."""
    _lock_conversation(conversation.pk)
    deleted, _ = Participant.objects.filter(conversation=conversation, user=user).delete()
    if deleted:
        frame = {"type": "conversation.removed", "conversation": conversation.pk}
        events.publish_on_commit(events.user_group(user.pk), events.live_event(frame))


@transaction.atomic
def participant_update(*, conversation_id, user, muted=None, archived=None) -> Participant:
    """Mute (no e-mail digests) or archive (out of the inbox until a new message) for one person."""
    participant = _participant_or_404(user, conversation_id)
    fields = []
    if muted is not None:
        participant.muted = bool(muted)
        fields.append("muted")
    if archived is not None:
        participant.archived = bool(archived)
        fields.append("archived")
    if fields:
        participant.save(update_fields=fields)
    return participant


@transaction.atomic
def conversation_set_home(*, conversation: Conversation, url: str) -> None:
    """Where the conversation is read: its workroom's or dispute's page."""
    Conversation.objects.filter(pk=conversation.pk).update(home_url=url)


@transaction.atomic
def conversation_set_read_only(*, conversation: Conversation, read_only: bool) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(read_only=read_only)


# --- Sending ----------------------------------------------------------------------------------


def _check_body(body, *, allow_empty=False) -> str:
    if not isinstance(body, str):
        raise Invalid("The message body must be text.")
    if len(body) > settings.MESSAGE_MAX_LENGTH:
        raise TooLarge(f"Messages may be at most {settings.MESSAGE_MAX_LENGTH:,} characters.")
    if not body.strip() and not allow_empty:
        raise Invalid("Write something before sending.")
    return body.strip()


def _parse_client_id(client_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except (TypeError, ValueError):
        raise Invalid("client_id must be a UUID.") from None


def _take_send_token(user) -> None:
    """At most MESSAGE_RATE_LIMIT sends per period per user, counted in the shared cache (so the
    limit holds across processes). The window opens at the first send after a quiet period."""
    period, limit = settings.MESSAGE_RATE_LIMIT_PERIOD, settings.MESSAGE_RATE_LIMIT
    if isinstance(caches["default"], RedisCache):  # `cache` is a proxy to it
        count, retry_after = _redis_send_count(user, period)
    else:
        count, retry_after = _cache_send_count(user, period)
    if count > limit:
        raise RateLimited("You are sending too fast; wait a moment.", retry_after=retry_after)


# The counter is made by the first send of a window, which also sets its expiry (NX: later
# sends leave it alone); its TTL is the time left in the window.
_SEND_COUNT_LUA = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('TTL', KEYS[1])}
"""
_SEND_COUNT_SCRIPT = script(_SEND_COUNT_LUA)


def _redis_send_count(user, period: int) -> tuple[int, int]:
    """One round trip and one command (EVALSHA): as a pipeline of INCR, EXPIRE and TTL,
    redis-py's packing of three commands cost ~2 % of the server's CPU under load. Sent on
    the thread's own connection to the cache's Redis, not through the client (~90 µs less
    CPU per send: core/realtime/redis_direct.py)."""
    key = cache.make_key(f"ratelimit:send:{user.pk}")
    client = cache._cache.get_client(key, write=True)
    count, ttl = thread_commands(client).run_script(_SEND_COUNT_SCRIPT, [key], [period])
    return count, max(1, ttl)


def _cache_send_count(user, period: int) -> tuple[int, int]:
    """Any other cache (local memory when REDIS_URL is unset)."""
    now = time.time()
    opened_key, count_key = f"ratelimit:send:{user.pk}:opened", f"ratelimit:send:{user.pk}:count"
    if cache.add(opened_key, now, timeout=period):
        cache.set(count_key, 0, timeout=period)
    try:
        count = cache.incr(count_key)
    except ValueError:  # the window closed between the two calls: this send opens a new one
        cache.set(opened_key, now, timeout=period)
        cache.set(count_key, 1, timeout=period)
        count = 1
    opened = cache.get(opened_key, now)
    return count, max(1, math.ceil(opened + period - now))


def _stored_send(sender, client_id) -> Message | None:
    return with_payload_relations(
        Message.objects.filter(sender=sender, client_id=client_id)
    ).first()


def _locked_membership(sender, conversation_id: int, client_id) -> Conversation | None:
    """The conversation, locked, if the sender is a member of it: one statement.

    Annotated with what a send must know before it writes: the message already stored for
    this client_id (`stored_id`), whether the two people of a direct conversation block each
    other (`blocked`), and whether the sender has written in it before (`replied_before`, for
    the response-time figure). Only the conversation row is locked, and only when the sender
    is a member: a stranger's send takes no lock.

    Hand-written SQL on purpose: it is the hottest statement of the live path, and building
    it through the ORM (subqueries, Exists, Case) cost ~4 ms of CPU per send, more than the
    database took to answer it. It runs on PostgreSQL and SQLite (whose transactions are
    IMMEDIATE, so it needs no FOR UPDATE); tests/messaging cover both.
    """
    conversations, participants = Conversation._meta.db_table, Participant._meta.db_table
    messages, blocks = Message._meta.db_table, Block._meta.db_table
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    client_id = Message._meta.get_field("client_id").get_db_prep_value(client_id, connection)
    direct = Conversation.Kind.DIRECT.value
    # Nobody can block themselves, so "sender blocked low or high" means the other person.
    columns = ", ".join(f"c.{f.column}" for f in Conversation._meta.concrete_fields)
    sql = f"""
        SELECT {columns},
          (SELECT s.id FROM {messages} s
            WHERE s.sender_id = %s AND s.client_id = %s LIMIT 1) AS stored_id,
          CASE WHEN c.kind = %s THEN EXISTS (
            SELECT 1 FROM {blocks} k
             WHERE (k.blocker_id = %s AND k.blocked_id IN (c.user_low_id, c.user_high_id))
                OR (k.blocked_id = %s AND k.blocker_id IN (c.user_low_id, c.user_high_id))
          ) ELSE FALSE END AS blocked,
          CASE WHEN c.kind = %s THEN EXISTS (
            SELECT 1 FROM {messages} r WHERE r.conversation_id = c.id AND r.sender_id = %s
          ) ELSE TRUE END AS replied_before
        FROM {conversations} c JOIN {participants} p ON p.conversation_id = c.id
        WHERE c.id = %s AND p.user_id = %s{lock}
    """  # noqa: S608 - table names from model meta, every value a parameter
    params = [sender.pk, client_id, direct, sender.pk, sender.pk, direct, sender.pk]
    params += [conversation_id, sender.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    # Built by hand rather than through .raw(), whose column mapping cost more than the query;
    # the backend's converters still apply (SQLite's datetimes, for one).
    fields = Conversation._meta.concrete_fields
    values = list(row[: len(fields)])
    for index, column, converters in _conversation_converters():
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    conversation = Conversation.from_db(connection.alias, [f.attname for f in fields], values)
    stored_id, blocked, replied_before = row[len(fields) :]
    conversation.stored_id = stored_id
    conversation.blocked, conversation.replied_before = bool(blocked), bool(replied_before)
    return conversation


_converters_by_vendor: dict[str, list] = {}


def _conversation_converters() -> list:
    """(index, column, converters) for Conversation's columns, as the ORM applies them."""
    found = _converters_by_vendor.get(connection.vendor)
    if found is None:
        found = []
        for index, field in enumerate(Conversation._meta.concrete_fields):
            column = field.get_col(Conversation._meta.db_table)
            converters = connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            )
            if converters:
                found.append((index, column, converters))
        _converters_by_vendor[connection.vendor] = found
    return found


def message_send(
    *,
    conversation_id,
    sender,
    body,
    client_id,
    attachment_ids=(),
    confirm: bool = False,
    rate_limited: bool = True,
) -> SendResult:
    """Store a message once per (sender, client_id) and publish it after commit.

    A body the conduct check flags is not stored unless the sender confirms; then it is
    stored, marked and queued for admin review. `rate_limited=False` is for the platform's
    own sends on a person's behalf (an accepted invitation's note, demo data), never for frames.

    One transaction, whose first statement locks the conversation and answers every check
    (idempotency, membership, read-only, block); the checks run in the order they always did,
    so a resend of a stored client_id still returns it before anything else is looked at.
    """
    client_id = _parse_client_id(client_id)
    conversation_id = _as_int(conversation_id)
    try:
        with transaction.atomic():
            conversation = (
                _locked_membership(sender, conversation_id, client_id) if conversation_id else None
            )
            if conversation is None:
                # Not a member (or no such conversation): a stored send still answers first.
                stored = _stored_send(sender, client_id)
                if stored is not None:
                    if stored.conversation_id != conversation_id:
                        raise Invalid("This client_id was already used for another conversation.")
                    return SendResult(message=stored, created=False)
                _check_body(body, allow_empty=bool(_parse_ids(attachment_ids)))
                raise NotFound(NOT_FOUND)
            if conversation.stored_id is not None:
                stored = with_payload_relations(
                    Message.objects.filter(pk=conversation.stored_id)
                ).get()
                if stored.conversation_id != conversation_id:
                    raise Invalid("This client_id was already used for another conversation.")
                return SendResult(message=stored, created=False)

            attachment_ids = _parse_ids(attachment_ids)
            body = _check_body(body, allow_empty=bool(attachment_ids))
            if conversation.read_only:
                raise Forbidden("This conversation is closed: it can be read but not written to.")
            if conversation.blocked:
                other_id = (
                    conversation.user_high_id
                    if conversation.user_low_id == sender.pk
                    else conversation.user_low_id
                )
                _check_not_blocked(sender, other_id)  # raises, with the right words
            if rate_limited:
                _take_send_token(sender)
            reasons = check_message(body) if body else []
            if reasons and not confirm:
                return SendResult(warning=reasons)
            message, payload = _store_message(
                conversation=conversation,
                sender=sender,
                body=body,
                client_id=client_id,
                attachment_ids=attachment_ids,
                reasons=reasons,
            )
            if conversation.kind == Conversation.Kind.DIRECT and not conversation.replied_before:
                _record_first_reply(message)
    except IntegrityError:
        # Two tabs retried the same send at once: the other one stored it.
        stored = _stored_send(sender, client_id)
        if stored is None:
            raise
        if stored.conversation_id != conversation_id:
            raise Invalid("This client_id was already used for another conversation.") from None
        return SendResult(message=stored, created=False)
    return SendResult(message=message, created=True, payload=payload)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_ids(ids) -> list[int]:
    if ids in (None, ""):
        return []
    if not isinstance(ids, list | tuple) or not all(isinstance(i, int) for i in ids):
        raise Invalid("attachments must be a list of attachment ids.")
    if len(ids) > 10:
        raise Invalid("At most 10 attachments per message.")
    return list(dict.fromkeys(ids))


def _participant_or_404(user, conversation_id) -> Participant:
    conversation_id = _as_int(conversation_id)
    participant = (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user=user)
        .first()
        if conversation_id
        else None
    )
    if participant is None:
        raise NotFound(NOT_FOUND)
    return participant


def _store_message(*, conversation, sender, body, client_id, attachment_ids, reasons):
    """Inside message_send's transaction, with `conversation` locked: the message, its
    payload, the read positions, the digests, and the events to publish after commit."""
    attachments = (
        list(
            Attachment.objects.select_for_update()
            .filter(
                pk__in=attachment_ids,
                conversation=conversation,
                uploader=sender,
                message__isnull=True,
            )
            .order_by("pk")
        )
        if attachment_ids
        else []
    )
    if len(attachments) != len(attachment_ids):
        raise NotFound("An attachment was not found; upload it again.")
    if connection.vendor == "postgresql" and ONE_STATEMENT_SEND:
        message, members = _append_counted(
            conversation, sender=sender, body=body, client_id=client_id, flagged=bool(reasons)
        )
    else:
        message = _append(
            conversation, sender=sender, body=body, client_id=client_id, flagged=bool(reasons)
        )
        _count_new_message(conversation.pk, sender_id=sender.pk, message=message)
        # One query for everyone's unread count and digest state, read under the lock (so it
        # counts this message, and no other send can interleave).
        members = notifications.members_for_send(conversation_id=conversation.pk)
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(message=message)
    if reasons:
        PolicyFlag.objects.create(
            message=message,
            sender=sender,
            reasons=[{"code": r.code, "text": r.text} for r in reasons],
        )
    message_stored.send(sender=Message, message=message, conversation=conversation)
    # No re-read: the sender is the one sending, the attachments were just locked.
    payload = message_payload(message, attachments=attachments)
    notifications.schedule_digests(message=message, members=members)
    conversation_id = conversation.pk
    _publish_message_new(conversation_id, payload, {m.user_id: m.unread for m in members})
    return message, payload


def _record_first_reply(message: Message) -> None:
    """The first answer in a new direct conversation feeds the sender's response-time figure."""
    replied_before = (
        Message.objects.filter(conversation_id=message.conversation_id, sender=message.sender)
        .exclude(pk=message.pk)
        .exists()
    )
    if replied_before:
        return
    opener = (
        Message.objects.filter(conversation_id=message.conversation_id, kind=Message.Kind.USER)
        .exclude(sender=message.sender)
        .order_by("seq")
        .first()
    )
    if opener is not None:
        response_time_record(
            user=message.sender,
            kind="message",
            started_at=opener.created_at,
            responded_at=message.created_at,
        )


def _append(
    conversation: Conversation,
    *,
    sender,
    body,
    client_id=None,
    kind=Message.Kind.USER,
    flagged=False,
):
    """Add a message to a locked conversation: next seq, next version.

    Hand-written SQL (an INSERT and an UPDATE), for the reason _locked_membership gives: the
    ORM's create() and save() took more CPU than the database took to run them.
    """
    message = _next_message(
        conversation, sender=sender, body=body, client_id=client_id, kind=kind, flagged=flagged
    )
    insert, values = _insert_message_sql(message)
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(insert + " RETURNING id", values)
            message.pk = cursor.fetchone()[0]
        else:
            cursor.execute(insert, values)
            message.pk = connection.ops.last_insert_id(cursor, Message._meta.db_table, "id")
        cursor.execute(*_conversation_moved_on_sql(conversation, message))
    return _stored_as(message)


def _next_message(conversation, *, sender, body, client_id, kind, flagged) -> Message:
    conversation.version += 1
    conversation.last_seq += 1
    return Message(
        conversation=conversation,
        seq=conversation.last_seq,
        version=conversation.version,
        kind=kind,
        sender=sender,
        body=body,
        client_id=client_id,
        created_at=timezone.now(),
        flagged=flagged,
    )


def _stored_as(message: Message) -> Message:
    message._state.adding = False
    message._state.db = connection.alias
    conversation = message.conversation
    conversation.last_message = message
    conversation.last_message_at = message.created_at
    return message


def _insert_message_sql(message: Message) -> tuple[str, list]:
    sql, getters = _message_insert_plan(connection.vendor)
    return sql, [get(message) for get in getters]


# Field types whose Python values Django's get_db_prep_save leaves alone on PostgreSQL (ids,
# text and choices, bools, UUIDs, aware datetimes, None). Integer fields it types (Int4, Int8: one
# parameter type whatever the value, so a prepared statement stays the same): so does this.
_PLAIN_ON_POSTGRESQL = {
    "BooleanField",
    "CharField",
    "DateTimeField",
    "ForeignKey",
    "TextField",
    "UUIDField",
}


@functools.cache
def _message_insert_plan(vendor: str) -> tuple[str, list]:
    """The INSERT of one message and a getter per column for its value. On PostgreSQL the
    values are read straight off the message: get_db_prep_save on its eleven fields was ~10 %
    of a send's CPU and returned them unchanged (tests/messaging check the two agree)."""
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    getters = []
    for model_field in fields:
        kind, attname = model_field.get_internal_type(), model_field.attname
        if vendor == "postgresql" and kind in connection.ops.integerfield_type_map:
            typed = connection.ops.integerfield_type_map[kind]
            getters.append(functools.partial(_typed_int, attname=attname, typed=typed))
        elif vendor == "postgresql" and kind in _PLAIN_ON_POSTGRESQL:
            getters.append(operator.attrgetter(attname))
        else:
            getters.append(functools.partial(_prepared_for_save, model_field=model_field))
    sql = (
        f"INSERT INTO {Message._meta.db_table}"  # noqa: S608 - names from model meta
        f" ({', '.join(f.column for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql, getters


def _typed_int(message, *, attname, typed):
    value = getattr(message, attname)
    return None if value is None else typed(value)


def _prepared_for_save(message, *, model_field):
    return model_field.get_db_prep_save(getattr(message, model_field.attname), connection)


def _conversation_moved_on_sql(conversation, message, *, message_id_sql=None):
    """The UPDATE giving the conversation its new version, seq and last message: the message's
    id as a parameter, or `message_id_sql` (a subquery) when one statement also inserts it."""
    id_sql, id_params = _message_id(message, message_id_sql)
    at = Conversation._meta.get_field("last_message_at").get_db_prep_save(
        message.created_at, connection
    )
    sql = (
        f"UPDATE {Conversation._meta.db_table} SET version = %s, last_seq = %s,"  # noqa: S608
        f" last_message_at = %s, last_message_id = {id_sql} WHERE id = %s"
    )
    return sql, [conversation.version, conversation.last_seq, at, *id_params, conversation.pk]


def _message_id(message, message_id_sql) -> tuple[str, list]:
    """The new message's id in a statement: a parameter, or the SQL that yields it."""
    return ("%s", [message.pk]) if message_id_sql is None else (message_id_sql, [])


def _count_new_message(conversation_id: int, *, sender_id, message: Message) -> None:
    """One statement for every member: the others have one more unread message; the sender has
    read up to their own (so none left); a new message brings an archived conversation back.
    Hand-written, as _append."""
    with connection.cursor() as cursor:
        cursor.execute(*_counted_sql(conversation_id, sender_id, message))


def _counted_sql(conversation_id, sender_id, message, *, message_id_sql=None):
    """_count_new_message's UPDATE; the new message's id as _conversation_moved_on_sql takes it."""
    id_sql, id_params = _message_id(message, message_id_sql)
    sql = (
        f"UPDATE {Participant._meta.db_table} SET archived = %s,"  # noqa: S608
        " unread_count = CASE WHEN user_id = %s THEN 0 ELSE unread_count + 1 END,"
        " last_read_seq = CASE WHEN user_id = %s THEN %s ELSE last_read_seq END,"
        f" last_read_message_id = CASE WHEN user_id = %s THEN {id_sql}"
        " ELSE last_read_message_id END"
        " WHERE conversation_id = %s"
    )
    params = [False, sender_id, sender_id, message.seq, sender_id, *id_params, conversation_id]
    return sql, params


def _append_counted(conversation, *, sender, body, client_id, flagged):
    """_append, _count_new_message and notifications.members_for_send as one statement
    (PostgreSQL's data-modifying WITH): the send's three round trips after the lock become
    one. Returns the message and the members as members_for_send gives them."""
    message = _next_message(
        conversation,
        sender=sender,
        body=body,
        client_id=client_id,
        kind=Message.Kind.USER,
        flagged=flagged,
    )
    new_id = "(SELECT id FROM new_message)"
    insert, insert_params = _insert_message_sql(message)
    moved, moved_params = _conversation_moved_on_sql(conversation, message, message_id_sql=new_id)
    counted, counted_params = _counted_sql(
        conversation.pk, sender.pk, message, message_id_sql=new_id
    )
    members = notifications.members_sql("counted", extra_columns=f"{new_id},")
    sql = (
        f"WITH new_message AS ({insert} RETURNING id),"
        f" moved AS ({moved}),"
        f" counted AS ({counted} RETURNING id, user_id, muted, unread_count)"
        f" {members}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*insert_params, *moved_params, *counted_params])
        rows = cursor.fetchall()
    message.pk = rows[0][0]
    return _stored_as(message), notifications.members_from_rows(row[1:] for row in rows)


@transaction.atomic
def message_post_system(*, conversation: Conversation, body: str) -> Message:
    """A compact system line ("Sam shared design.pdf"), part of the conversation's story."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = _append(conversation, sender=None, body=body, kind=Message.Kind.SYSTEM)
    message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
    _publish_message_new(
        conversation.pk, message_payload(message), unread_counts(conversation_id=conversation.pk)
    )
    return message


def _publish_message_new(conversation_id: int, payload: dict, unread: dict) -> None:
    """After commit: a new message to every member's own group, as one event
    (events.message_new_event): their subscribed sockets write it as message.new with the
    count, the others as conversation.updated."""
    event = events.message_new_event(conversation_id, payload, unread)
    pairs = [(events.user_group(user_id), event) for user_id in unread]
    transaction.on_commit(lambda: events.send_all(pairs))


def _publish_message_updated(message: Message) -> None:
    """After commit: the changed message to the conversation's subscribers and, in the same
    hop to the event loop, each member's unread count and last line to their own sockets."""
    payload = message_payload(message)
    conversation_id = message.conversation_id
    transaction.on_commit(
        lambda: events.send_all(
            [
                (
                    events.conversation_group(conversation_id),
                    events.live_event(
                        {
                            "type": "message.updated",
                            "conversation": conversation_id,
                            "message": payload,
                        },
                        conversation=conversation_id,
                    ),
                ),
                *_conversation_updated_events(conversation_id),
            ]
        )
    )


def _conversation_updated_events(conversation_id: int) -> list:
    """Each member's unread count and last line, for inboxes, badges and the tab title: one
    event for every member's own group (events.conversation_updated_event), since each
    socket's frame is the same but for the count."""
    last = None
    last_id = (
        Conversation.objects.filter(pk=conversation_id)
        .values_list("last_message_id", flat=True)
        .first()
    )
    if last_id:
        last = message_payload(with_payload_relations(Message.objects.filter(pk=last_id)).get())
    unread = unread_counts(conversation_id=conversation_id)
    event = events.conversation_updated_event(conversation_id, last, unread)
    return [(events.user_group(user_id), event) for user_id in unread]


def _publish_conversation_updated(conversation_id: int) -> None:
    events.send_all(_conversation_updated_events(conversation_id))


# --- Editing and deleting ------------------------------------------------------------------


def _own_message_in_window(*, message_id, by) -> Message:
    message_id = _as_int(message_id)
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_id, conversation__participants__user=by)
        .first()
        if message_id
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    if message.sender_id != by.pk or message.kind != Message.Kind.USER:
        raise Forbidden("You can only change your own messages.")
    if message.deleted_at is not None:
        raise Forbidden("This message was deleted.")
    if message.conversation.read_only:
        raise Forbidden("This conversation is closed: it can be read but not written to.")
    window = timedelta(seconds=settings.MESSAGE_EDIT_WINDOW_SECONDS)
    if timezone.now() - message.created_at > window:
        minutes = settings.MESSAGE_EDIT_WINDOW_SECONDS // 60
        raise Forbidden(f"Messages can be changed for {minutes} minutes after sending.")
    return message


def message_edit(*, message_id, by, body, confirm: bool = False) -> SendResult:
    body = _check_body(body)
    message = _own_message_in_window(message_id=message_id, by=by)
    reasons = check_message(body)
    if reasons and not confirm:
        return SendResult(message=message, warning=reasons)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.deleted_at is not None:
            raise Forbidden("This message was deleted.")
        if body == message.body:
            return SendResult(
                message=with_payload_relations(Message.objects.filter(pk=message.pk)).get()
            )
        MessageRevision.objects.create(
            message=message, action=MessageRevision.Action.EDIT, body=message.body
        )
        conversation.version += 1
        conversation.save(update_fields=["version"])
        message.body = body
        message.edited_at = timezone.now()
        message.version = conversation.version
        update = ["body", "edited_at", "version"]
        if reasons:
            message.flagged = True
            update.append("flagged")
            PolicyFlag.objects.update_or_create(
                message=message,
                defaults={
                    "sender": by,
                    "reasons": [{"code": r.code, "text": r.text} for r in reasons],
                    "reviewed_at": None,
                },
            )
        message.save(update_fields=update)
        message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
        _publish_message_updated(message)
    return SendResult(message=message, created=False)


@transaction.atomic
def message_delete(*, message_id, by) -> Message:
    message = _own_message_in_window(message_id=message_id, by=by)
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.deleted_at is not None:
        raise Forbidden("This message was deleted.")
    MessageRevision.objects.create(
        message=message, action=MessageRevision.Action.DELETE, body=message.body
    )
    conversation.version += 1
    conversation.save(update_fields=["version"])
    message.deleted_at = timezone.now()
    message.version = conversation.version
    # The body stays in the row and in the revision: hidden from members, kept for disputes.
    message.save(update_fields=["deleted_at", "version"])
    # Those who had not read it counted it as unread (a person's message, to everyone but its
    # sender): not any more.
    Participant.objects.filter(
        conversation_id=message.conversation_id, last_read_seq__lt=message.seq
    ).exclude(user_id=message.sender_id).update(unread_count=F("unread_count") - 1)
    message = with_payload_relations(Message.objects.filter(pk=message.pk)).get()
    _publish_message_updated(message)
    return message


# --- Reading ---------------------------------------------------------------------------------


@transaction.atomic
def conversation_mark_read(*, conversation_id, user, message_id):
    """Move the user's read position forward to a message; never backward.

    Others are told only if the reader shares read receipts.
    """
    participant = _participant_or_404(user, conversation_id)
    message_id = _as_int(message_id)
    message = (
        Message.objects.filter(pk=message_id, conversation_id=participant.conversation_id).first()
        if message_id
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    moved = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=message.seq).update(
        last_read_seq=message.seq, last_read_message=message
    )
    if moved:
        _recount_unread(participant)
        conversation_id = participant.conversation_id
        if notifications.preferences_for(user).share_read_receipts:
            frame = {
                "type": "read",
                "conversation": conversation_id,
                "user": user_payload(user),
                "message": message.pk,
            }
            events.publish_on_commit(
                events.conversation_group(conversation_id),
                events.live_event(frame, conversation=conversation_id, exclude_user=user.pk),
            )
        transaction.on_commit(lambda: _publish_conversation_updated(conversation_id))
    return message


def typing_notify(*, conversation_id, user) -> None:
    participant = _participant_or_404(user, conversation_id)
    if not notifications.preferences_for(user).share_typing:
        return
    frame = {
        "type": "typing",
        "conversation": participant.conversation_id,
        "user": user_payload(user),
    }
    events.publish_now(
        events.conversation_group(participant.conversation_id),
        events.live_event(frame, conversation=participant.conversation_id, exclude_user=user.pk),
    )


# --- Attachments -----------------------------------------------------------------------------


@transaction.atomic
def attachment_upload(*, conversation_id, uploader, uploaded_file) -> Attachment:
    """Store a private file for a message the uploader is about to send. A refused file raises
    core.exceptions.Invalid or TooLarge (core.uploads)."""
    participant = _participant_or_404(uploader, conversation_id)
    if participant.conversation.read_only:
        raise Forbidden("This conversation is closed: it can be read but not written to.")
    checked = check_upload(uploaded_file, MESSAGE_ATTACHMENT)
    attachment = Attachment(
        conversation=participant.conversation,
        uploader=uploader,
        name=checked.display_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    attachment.file.save(checked.storage_name, checked.content, save=False)
    attachment.save()
    return attachment


# --- Safety: blocks and reports ---------------------------------------------------------------


def is_blocked_between(user_a, user_b) -> bool:
    return Block.objects.filter(
        Q(blocker=user_a, blocked=user_b) | Q(blocker=user_b, blocked=user_a)
    ).exists()


def _check_not_blocked(user, other_id: int) -> None:
    """One query; a message that says who blocked whom, without naming a blocker to the blocked."""
    for block in Block.objects.filter(
        Q(blocker=user, blocked_id=other_id) | Q(blocker_id=other_id, blocked=user)
    ).select_related("blocked"):
        if block.blocker_id == user.pk:
            raise Forbidden(f"You blocked {block.blocked.name}. Unblock them to send messages.")
        raise Forbidden("You can't send messages to this person.")


@transaction.atomic
def user_block(*, blocker, blocked) -> Block:
    if blocker.pk == blocked.pk:
        raise Invalid("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def user_unblock(*, blocker, blocked) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


@transaction.atomic
def report_create(
    *, reporter, reported_user, reason: str, details: str = "", message=None
) -> Report:
    if reporter.pk == reported_user.pk:
        raise Invalid("You cannot report yourself.")
    report = Report(
        reporter=reporter,
        reported_user=reported_user,
        message=message,
        reason=reason,
        details=details,
    )
    report.full_clean()
    report.save()
    return report


# --- Presence ------------------------------------------------------------------------------------


# The moment goes to the shared cache on every call (what presence_of reads first); the
# database row, which outlives the cache, at most once per PRESENCE_PERSIST_SECONDS per person.
# Before, every socket's connect and disconnect was a database write.
PRESENCE_PERSIST_SECONDS = 300
PRESENCE_CACHE_SECONDS = 7 * 24 * 3600


def presence_cache_key(user_id: int) -> str:
    return f"presence:last_seen:{user_id}"


def presence_seen(*, user) -> None:
    """Called by the socket on connect, heartbeat and disconnect."""
    now = timezone.now()
    cache.set(presence_cache_key(user.pk), now, timeout=PRESENCE_CACHE_SECONDS)
    if cache.add(f"presence:persisted:{user.pk}", 1, timeout=PRESENCE_PERSIST_SECONDS):
        MessagingPreferences.objects.update_or_create(user=user, defaults={"last_seen_at": now})
