"""What the services publish after commit about messages: new, changed, and each member's
unread count (messaging.events builds the events; docs/websocket-protocol.md the frames)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from messaging import events
from messaging.models import Conversation, Message
from messaging.payloads import message_payload
from messaging.selectors import unread_counts, with_payload_relations


def publish_message_new(
    conversation_id: int, payload: dict[str, Any], unread: dict[int, int]
) -> None:
    """After commit: a new message to every member's own group, as one event
    (events.message_new_event): their subscribed sockets write it as message.new with the
    count, the others as conversation.updated."""
    event = events.message_new_event(conversation_id, payload, unread)
    pairs = [(events.user_group(user_id), event) for user_id in unread]
    transaction.on_commit(lambda: events.send_all(pairs))


def publish_message_updated(message: Message) -> None:
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


def publish_conversation_updated(conversation_id: int) -> None:
    """Now (call it after commit): each member's unread count and last line."""
    events.send_all(_conversation_updated_events(conversation_id))


def _conversation_updated_events(conversation_id: int) -> list[tuple[str, dict[str, Any]]]:
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
