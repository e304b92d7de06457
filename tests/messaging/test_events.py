"""The shared conversation.updated event: one per send, each socket's frame written from it."""

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
