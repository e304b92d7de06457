"""Writes for conversations and messages. Views, the consumer, tasks and other apps call these.

One module per concern: conversations (and who is in them), sending (send_sql holds its
hand-written SQL, rate_limit its limit), editing, reading, attachments, safety (blocks,
reports, conduct flags), account (a person's export and erasure); publishing holds what they
publish after commit.

Errors are core.exceptions' family; the names messaging used before stay importable here.
"""

from core.exceptions import ApplicationError, Invalid, NotAllowed, NotFound, RateLimited, TooLarge
from messaging.services._common import NOT_FOUND
from messaging.services.account import account_erase, account_export
from messaging.services.attachments import attachment_upload
from messaging.services.conversations import (
    conversation_create,
    conversation_open_direct,
    conversation_set_home,
    conversation_set_read_only,
    participant_add,
    participant_remove,
    participant_update,
)
from messaging.services.editing import message_delete, message_edit
from messaging.services.reading import conversation_mark_read, typing_notify
from messaging.services.safety import (
    check_not_blocked_between,
    is_blocked_between,
    is_blocked_with_any,
    report_create,
    user_block,
    user_unblock,
)
from messaging.services.sending import SendResult, message_post_system, message_send

MessagingError = ApplicationError
Forbidden = NotAllowed

__all__ = [
    "NOT_FOUND",
    "Forbidden",
    "Invalid",
    "MessagingError",
    "NotFound",
    "RateLimited",
    "SendResult",
    "TooLarge",
    "account_erase",
    "account_export",
    "attachment_upload",
    "check_not_blocked_between",
    "conversation_create",
    "conversation_mark_read",
    "conversation_open_direct",
    "conversation_set_home",
    "conversation_set_read_only",
    "is_blocked_between",
    "is_blocked_with_any",
    "message_delete",
    "message_edit",
    "message_post_system",
    "message_send",
    "participant_add",
    "participant_remove",
    "participant_update",
    "report_create",
    "typing_notify",
    "user_block",
    "user_unblock",
]
