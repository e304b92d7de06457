import uuid

import pytest

from messaging import services


@pytest.fixture
def direct(alice, bob):
    return services.conversation_open_direct(user=alice, other=bob)


@pytest.fixture
def send():
    def send(conversation, sender, body="Hello there", **kwargs):
        kwargs.setdefault("client_id", uuid.uuid4())
        result = services.message_send(
            conversation_id=conversation.pk, sender=sender, body=body, **kwargs
        )
        return result.message if result.message is not None else result

    return send
