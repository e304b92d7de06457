"""Signals for apps that must react to messaging without messaging knowing them
(docs/conventions.md: signals only there). The dispute app audits each message of a dispute
thread this way."""

from django.dispatch import Signal

# Sent inside the sending transaction, right after a person's message is stored (never for
# a resend of a stored client_id, never for system lines). Arguments: message, conversation.
message_stored = Signal()
