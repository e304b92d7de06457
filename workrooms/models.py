"""A workroom is a contract between a client and a freelancer: one per project, with its own
chat (a messaging conversation of kind "workroom"), files, deadlines, calls and history."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.durations import duration_text
from core.money import Currency


class Workroom(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workrooms_as_client"
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workrooms_as_freelancer"
    )
    # The job this contract came from (invitations app); null for a room opened directly.
    job = models.ForeignKey(
        "invitations.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workrooms",
    )
    # The room's chat; messaging owns it, the workroom owns who is in it.
    conversation = models.OneToOneField(
        "messaging.Conversation", on_delete=models.PROTECT, related_name="workroom"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(client=models.F("freelancer")), name="workroom_two_people"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workrooms:detail", args=[self.pk])

    def is_member(self, user) -> bool:
        return user.pk in (self.client_id, self.freelancer_id)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def other_member(self, user):
        return self.freelancer if user.pk == self.client_id else self.client


def version_path(instance, filename):
    # The stored name is the server's; the uploaded name is only displayed.
    return f"private/workrooms/{instance.shared_file.workroom_id}/{uuid.uuid4().hex}"


def thumbnail_path(instance, filename):
    return f"private/workrooms/{instance.shared_file.workroom_id}/{uuid.uuid4().hex}.webp"


class SharedFile(models.Model):
    """A named file in a room. Uploading the same name again adds a version; all are kept."""

    workroom = models.ForeignKey(Workroom, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    current_version = models.ForeignKey(
        "FileVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Deleted files stay in the history; their downloads answer 404.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workroom", "name"],
                condition=Q(deleted_at__isnull=True),
                name="shared_file_unique_live_name",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class FileVersion(models.Model):
    shared_file = models.ForeignKey(SharedFile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    # A small WebP made once at upload for images; empty for anything else.
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_file", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["shared_file", "number"], name="file_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.shared_file.name} v{self.number}"


class Deadline(models.Model):
    """A milestone: pending → submitted (freelancer) → approved, or back to pending (client)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"

    workroom = models.ForeignKey(Workroom, on_delete=models.CASCADE, related_name="deadlines")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_at = models.DateTimeField()
    # An optional agreed amount, in `currency` ("" when there is no amount).
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_note = models.TextField(blank=True)
    # The exact file versions delivered with the latest submission.
    delivered_versions = models.ManyToManyField(FileVersion, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    changes_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="deadline_amount_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.PENDING and self.due_at < (now or timezone.now())


class Call(models.Model):
    """A scheduled video call. The other party accepts or proposes another time."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    workroom = models.ForeignKey(Workroom, on_delete=models.CASCADE, related_name="calls")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=30)
    agenda = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    # Bumped on every change, so calendar apps replace the event (.ics SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    cancel_note = models.TextField(blank=True)
    # How long the two talked, once a video call in its join window ended (docs/calls.md).
    held_seconds = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Join opens this long before the start and closes at the end.
    JOIN_EARLY = timedelta(minutes=10)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="call_duration_range",
            ),
        ]

    def __str__(self):
        return f"Call {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def in_join_window(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at - self.JOIN_EARLY <= now <= self.ends_at

    @property
    def held_text(self) -> str:
        return duration_text(self.held_seconds or 0)

    @property
    def joinable(self) -> bool:
        """Confirmed, and from 10 minutes before its start until its end."""
        return self.status == self.Status.ACCEPTED and self.in_join_window()


class Reminder(models.Model):
    """A reminder that was sent: one per target, kind and due moment, so each goes out once
    (and again only if the due moment moves)."""

    class Kind(models.TextChoices):
        DUE_24H = "due_24h", "24 hours before due"
        DUE_1H = "due_1h", "1 hour before due"
        OVERDUE = "overdue", "Overdue"
        CALL_15M = "call_15m", "15 minutes before a call"

    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    for_moment = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "for_moment"],
                condition=Q(deadline__isnull=False),
                name="reminder_once_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["call", "kind", "for_moment"],
                condition=Q(call__isnull=False),
                name="reminder_once_per_call",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.sent_at:%Y-%m-%d %H:%M})"


class Activity(models.Model):
    """The room's history: every event, written by the service that caused it."""

    class Kind(models.TextChoices):
        MEMBER_JOINED = "member.joined", "Member joined"
        STATUS_CHANGED = "status.changed", "Status changed"
        FILE_SHARED = "file.shared", "File shared"
        FILE_VERSION = "file.version", "New file version"
        FILE_DELETED = "file.deleted", "File deleted"
        DEADLINE_SET = "deadline.set", "Deadline set"
        DEADLINE_CHANGED = "deadline.changed", "Deadline changed"
        DEADLINE_SUBMITTED = "deadline.submitted", "Deadline submitted"
        DEADLINE_APPROVED = "deadline.approved", "Deadline approved"
        DEADLINE_CHANGES = "deadline.changes_requested", "Changes requested"
        CALL_PROPOSED = "call.proposed", "Call proposed"
        CALL_ACCEPTED = "call.accepted", "Call accepted"
        CALL_RESCHEDULED = "call.rescheduled", "Call rescheduled"
        CALL_CANCELLED = "call.cancelled", "Call cancelled"
        CALL_HELD = "call.held", "Video call held"
        CALL_NOTES = "call.notes", "Call notes posted"

    workroom = models.ForeignKey(Workroom, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["workroom", "-created_at"], name="activity_by_room")]

    def __str__(self):
        return self.summary
