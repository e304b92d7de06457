"""A send's statements, in hand-written SQL.

Why by hand: they are the hottest statements of the live path, and built through the ORM
(subqueries, `Exists` and `Case` for the first; `create()`, `save()` and `get_db_prep_save`
for the writes) they cost more CPU than the database took to answer them: the first statement
alone was ~4 ms of CPU per send (docs/adr/0103-one-statement-send.md). Table and column names
come from the models' meta; every value is a parameter.

Inside message_send's transaction a send runs:

1. `locked_membership`: one SELECT that locks the conversation row, only for a member (a
   stranger's send takes no lock), and answers every check a send makes before it writes.
2. `store`: on PostgreSQL, ONE statement, a data-modifying WITH that inserts the message,
   moves the conversation on (version, seq, last message), counts the message as unread for
   every other member, and returns the members with their digest state. The portable path runs
   the same steps as separate statements: the INSERT and the conversation's UPDATE (`append`),
   the members' UPDATE (`count_new_message`) and notifications.members_for_send's SELECT.
   SQLite always takes it; on PostgreSQL `ONE_STATEMENT_SEND = False` switches to it, which
   tests do to keep it covered there too.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from messaging import notifications
from messaging.models import Block, Conversation, Message, Participant

if TYPE_CHECKING:
    from profiles.models import User

# On PostgreSQL a send's writes and its read of the members are one statement (store).
ONE_STATEMENT_SEND = True


class Membership(NamedTuple):
    """A conversation a sender is in, locked, with what a send must know before it writes."""

    conversation: Conversation
    stored_id: int | None  # the message already stored for this client_id
    blocked: bool  # the two people of a direct conversation block each other
    replied_before: bool  # the sender has written in it before (the response-time figure)


def locked_membership(
    sender: User, conversation_id: int, client_id: uuid.UUID
) -> Membership | None:
    """The conversation, locked, if the sender is a member of it: one statement."""
    conversations, participants = Conversation._meta.db_table, Participant._meta.db_table
    messages, blocks = Message._meta.db_table, Block._meta.db_table
    # SQLite's transactions are IMMEDIATE: they hold the write lock already.
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    client = Message._meta.get_field("client_id").get_db_prep_value(client_id, connection)
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
    params = [sender.pk, client, direct, sender.pk, sender.pk, direct, sender.pk]
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
    return Membership(conversation, stored_id, bool(blocked), bool(replied_before))


_converters_by_vendor: dict[str, list[tuple[int, Any, list[Callable[..., Any]]]]] = {}


def _conversation_converters() -> list[tuple[int, Any, list[Callable[..., Any]]]]:
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


def store(
    conversation: Conversation,
    *,
    sender: User,
    body: str,
    client_id: uuid.UUID,
    flagged: bool,
) -> tuple[Message, list[notifications.Member]]:
    """A person's new message in a locked conversation, counted as unread for the others;
    the members as notifications.members_for_send gives them, read under the same lock (so
    the counts include this message, and no other send can interleave)."""
    if connection.vendor == "postgresql" and ONE_STATEMENT_SEND:
        return _append_counted(
            conversation, sender=sender, body=body, client_id=client_id, flagged=flagged
        )
    message = append(conversation, sender=sender, body=body, client_id=client_id, flagged=flagged)
    count_new_message(conversation.pk, sender_id=sender.pk, message=message)
    return message, notifications.members_for_send(conversation_id=conversation.pk)


def append(
    conversation: Conversation,
    *,
    sender: User | None,
    body: str,
    client_id: uuid.UUID | None = None,
    kind: str = Message.Kind.USER,
    flagged: bool = False,
) -> Message:
    """Add a message to a locked conversation: next seq, next version (an INSERT and an
    UPDATE). Nobody's unread count changes: count_new_message does that for a person's."""
    message = _next_message(
        conversation, sender=sender, body=body, client_id=client_id, kind=kind, flagged=flagged
    )
    insert, values = insert_message_sql(message)
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(insert + " RETURNING id", values)
            message.pk = cursor.fetchone()[0]
        else:
            cursor.execute(insert, values)
            message.pk = connection.ops.last_insert_id(cursor, Message._meta.db_table, "id")
        cursor.execute(*_conversation_moved_on_sql(conversation, message))
    return _stored_as(message)


def _next_message(
    conversation: Conversation,
    *,
    sender: User | None,
    body: str,
    client_id: uuid.UUID | None,
    kind: str,
    flagged: bool,
) -> Message:
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


def insert_message_sql(message: Message) -> tuple[str, list[Any]]:
    """The INSERT of one message and its values."""
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
def _message_insert_plan(vendor: str) -> tuple[str, list[Callable[[Message], Any]]]:
    """The INSERT of one message and a getter per column for its value. On PostgreSQL the
    values are read straight off the message: get_db_prep_save on its eleven fields was ~10 %
    of a send's CPU and returned them unchanged (tests/messaging check the two agree)."""
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    # PostgreSQL's own operations type integers for its driver (psycopg's Int4, Int8).
    typed_ints: dict[str, Callable[[int], Any]] = (
        getattr(connection.ops, "integerfield_type_map", {}) if vendor == "postgresql" else {}
    )
    getters: list[Callable[[Message], Any]] = []
    for model_field in fields:
        kind, attname = model_field.get_internal_type(), model_field.attname
        if kind in typed_ints:
            getters.append(functools.partial(_typed_int, attname=attname, typed=typed_ints[kind]))
        elif vendor == "postgresql" and kind in _PLAIN_ON_POSTGRESQL:
            getters.append(operator.attrgetter(attname))
        else:
            getters.append(functools.partial(_prepared_for_save, model_field=model_field))
    # A concrete field always has a column (django-stubs types it for any field, which may not).
    columns = ", ".join(f.column for f in fields)  # type: ignore[misc]
    sql = (
        f"INSERT INTO {Message._meta.db_table}"  # noqa: S608 - names from model meta
        f" ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql, getters


def _typed_int(message: Message, *, attname: str, typed: Callable[[int], Any]) -> Any:
    value = getattr(message, attname)
    return None if value is None else typed(value)


def _prepared_for_save(message: Message, *, model_field: Field[Any, Any]) -> Any:
    return model_field.get_db_prep_save(getattr(message, model_field.attname), connection)


def _conversation_moved_on_sql(
    conversation: Conversation, message: Message, *, message_id_sql: str | None = None
) -> tuple[str, list[Any]]:
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


def _message_id(message: Message, message_id_sql: str | None) -> tuple[str, list[Any]]:
    """The new message's id in a statement: a parameter, or the SQL that yields it."""
    return ("%s", [message.pk]) if message_id_sql is None else (message_id_sql, [])


def count_new_message(conversation_id: int, *, sender_id: int, message: Message) -> None:
    """One statement for every member: the others have one more unread message; the sender has
    read up to their own (so none left); a new message brings an archived conversation back."""
    with connection.cursor() as cursor:
        cursor.execute(*_counted_sql(conversation_id, sender_id, message))


def _counted_sql(
    conversation_id: int, sender_id: int, message: Message, *, message_id_sql: str | None = None
) -> tuple[str, list[Any]]:
    """count_new_message's UPDATE; the new message's id as _conversation_moved_on_sql takes it."""
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


def _append_counted(
    conversation: Conversation, *, sender: User, body: str, client_id: uuid.UUID, flagged: bool
) -> tuple[Message, list[notifications.Member]]:
    """append, count_new_message and notifications.members_for_send as one statement
    (PostgreSQL's data-modifying WITH): the send's three round trips after the lock become
    one."""
    message = _next_message(
        conversation,
        sender=sender,
        body=body,
        client_id=client_id,
        kind=Message.Kind.USER,
        flagged=flagged,
    )
    new_id = "(SELECT id FROM new_message)"
    insert, insert_params = insert_message_sql(message)
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
