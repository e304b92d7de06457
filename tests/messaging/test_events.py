"""The shared events of a send: one per message, each socket's frame written from it."""

import json

import pytest

from messaging import events


@pytest.mark.parametrize(
    "last",
    [
        None,
        {
            "id": 7,
            "body": 'She said "ok" \u2014 caf\u00e9 </script>',
            "sender": {"name": "Zo\u00eb"},
        },
    ],
)
def test_each_persons_frame_is_what_serialising_it_alone_gives(last):
    event = events.conversation_updated_event(41, last, {3: 0, 9: 12})

    for user_id, count in ((3, 0), (9, 12)):
        alone = events.live_event(
            {
                "type": "conversation.updated",
                "conversation": 41,
                "unread": count,
                "last_message": last,
            }
        )["text"]
        assert events.conversation_updated_text(event, user_id) == alone
        assert json.loads(alone)["unread"] == count
    assert events.conversation_updated_text(event, 5) is None  # not a member: nothing


def test_a_new_message_is_one_event_written_as_message_new_or_conversation_updated():
    message = {"id": 7, "version": 3, "body": 'He said "fine" \u2014 na\u00efve </script>'}
    event = events.message_new_event(41, message, {3: 0, 9: 12})

    for user_id, count in ((3, 0), (9, 12)):
        subscribed = events.live_event(
            {"type": "message.new", "conversation": 41, "message": message, "unread": count}
        )["text"]
        inbox_only = events.live_event(
            {
                "type": "conversation.updated",
                "conversation": 41,
                "unread": count,
                "last_message": message,
            }
        )["text"]
        assert events.message_new_text(event, user_id) == subscribed
        assert events.conversation_updated_text(event, user_id) == inbox_only
    assert events.message_new_text(event, 5) is None
