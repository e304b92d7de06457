"""One message model for direct messages, workroom chat and dispute threads (docs/architecture.md).

Invariants the services keep: every change in a conversation bumps `Conversation.version`
under a row lock and stamps the changed message with it, so versions commit in order and
"everything after version N" misses nothing; `seq` is a message's fixed position.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        WORKROOM = "workroom", "Workroom"
        DISPUTE = "dispute", "Dispute"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    # The cursor for catch-up: bumped on every new message, edit and delete.
    version = models.BigIntegerField(default=0)
    # The last seq handed out; the next message gets last_seq + 1.
    last_seq = models.IntegerField(default=0)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Set by the owner of the conversation (a closed workroom, a closed dispute): members may
    # read but not write.
    read_only = models.BooleanField(default=False)
    # Where a group conversation lives (its workroom's or dispute's page), set by the app that
    # owns it; the inbox links there and /messages/<id>/ redirects there. Empty for direct ones.
    home_url = models.CharField(max_length=200, blank=True)
    # A direct conversation is unique per pair: the two users in canonical order.
    user_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_low", "user_high"],
                condition=Q(kind="direct"),
                name="direct_conversation_unique_pair",
            ),
            models.CheckConstraint(
                condition=Q(kind="direct", user_low__lt=F("user_high"))
                | (~Q(kind="direct") & Q(user_low__isnull=True, user_high__isnull=True)),
                name="direct_conversation_has_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["-last_message_at"], name="conversation_recent")]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} conversation {self.pk}"

    def get_absolute_url(self) -> str:
        """Its page: the workroom's or dispute's it lives in, else its own thread."""
        return self.home_url or reverse("messaging:thread", args=[self.pk])


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    # Everything up to this seq has been read by this participant.
    last_read_seq = models.IntegerField(default=0)
    last_read_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Messages from others, not deleted, after last_read_seq: kept by the services that change
    # any of those (send, read, delete, join) so a send does not count every member's backlog.
    unread_count = models.IntegerField(default=0)
    muted = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique"),
        ]
        indexes = [models.Index(fields=["user", "conversation"], name="participant_by_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation_id}"


class Message(models.Model):
    class Kind(models.TextChoices):
        USER = "user", "User"
        SYSTEM = "system", "System"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.IntegerField()
    version = models.BigIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.USER)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_sent",
    )
    body = models.TextField(blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The sender confirmed a send the conduct check warned about; a PolicyFlag records it.
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_unique_seq"),
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_unique_client_id",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "version"], name="message_by_version"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} in {self.conversation_id}"


class MessageRevision(models.Model):
    """A body a message had before an edit or a delete: never destroyed (disputes need it)."""

    class Action(models.TextChoices):
        EDIT = "edit", "Edited"
        DELETE = "delete", "Deleted"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=8, choices=Action.choices)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} revision of message {self.message_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is the server's; the uploaded name is only displayed.
    return f"private/attachments/{instance.conversation_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PolicyFlag(models.Model):
    """A message sent after a conduct warning, for admins to review."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="policy_flag")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Flag on message {self.message_id}"


class Notification(models.Model):
    """Something a person should know about: the bell in the header and /notifications/."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Free-form but stable per producer, e.g. "invitation.new", "deadline.due_soon".
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class MessagingPreferences(models.Model):
    """Per-person switches: privacy (off means neither shown nor sent) and e-mail digests."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_preferences"
    )
    share_read_receipts = models.BooleanField(
        "Send read receipts", default=True, help_text="Others see when you have read a message."
    )
    share_typing = models.BooleanField(
        "Show when I'm typing", default=True, help_text="Others see “typing…” while you write."
    )
    share_presence = models.BooleanField(
        "Show when I'm online",
        default=True,
        help_text="Others see “Online” or when you were last seen.",
    )
    email_digests = models.BooleanField(
        "E-mail me unread messages",
        default=True,
        help_text="One e-mail per conversation when messages stay unread.",
    )
    email_delay_minutes = models.PositiveIntegerField("After this many minutes unread", default=10)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Messaging preferences of {self.user_id}"


class DigestState(models.Model):
    """Per participant: when an unread-messages e-mail is due, and what it already covered."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="digest")
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    emailed_through_seq = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"Digest state of participant {self.participant_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Report(models.Model):
    """A message or a person reported to the admins."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or scam"
        OFF_PLATFORM = "off_platform", "Asks to pay or talk outside Tandem"
        HARASSMENT = "harassment", "Harassment or abuse"
        OTHER = "other", "Something else"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_against"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report on {self.reported_user_id} ({self.reason})"
