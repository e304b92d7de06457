"""Files uploaded to a conversation, before the message that carries them is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.exceptions import NotAllowed
from core.uploads import MESSAGE_ATTACHMENT, check_upload, store_checked
from messaging.models import Attachment, Conversation
from messaging.services._common import CLOSED, participant_or_404
from messaging.services.safety import check_not_blocked

if TYPE_CHECKING:
    from profiles.models import User


@transaction.atomic
def attachment_upload(
    *, conversation_id: int, uploader: User, uploaded_file: UploadedFile
) -> Attachment:
    """Store a private file for a message the uploader is about to send. A refused file raises
    core.exceptions.Invalid or TooLarge (core.uploads)."""
    participant = participant_or_404(uploader, conversation_id)
    conversation = participant.conversation
    if conversation.read_only:
        raise NotAllowed(CLOSED)
    if conversation.kind == Conversation.Kind.DIRECT:
        # A file that could never be sent is not stored: the send's own refusal, now.
        other_id = (
            conversation.user_high_id
            if conversation.user_low_id == uploader.pk
            else conversation.user_low_id
        )
        if other_id is not None:  # always, in a direct conversation
            check_not_blocked(uploader, other_id)
    checked = check_upload(uploaded_file, MESSAGE_ATTACHMENT)
    attachment = Attachment(
        conversation=conversation,
        uploader=uploader,
        name=checked.display_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    store_checked(attachment, checked)
    return attachment
