"""Reactions to other apps' signals (messaging does not know disputes exist)."""

from disputes.services import message_recorded
from messaging.models import Conversation


def on_message_stored(sender, *, message, conversation, **kwargs):
    if conversation.kind != Conversation.Kind.DISPUTE:
        return
    message_recorded(message=message, conversation=conversation)
