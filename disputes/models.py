"""A dispute over a workroom (a contract): direct settlement between the parties first, then
mediation by an admin, everything on the record.

The thread is a messaging conversation of kind "dispute" (the parties and, once assigned, the
mediator), so live delivery, attachments, edit history and the conduct check come from
messaging. Rows here change only through `disputes.services`; `DisputeEvent` is append-only.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.money import Currency


class Dispute(models.Model):
    class Reason(models.TextChoices):
        QUALITY = "quality", "Quality of the work"
        MISSED_DEADLINE = "missed_deadline", "Missed deadline"
        SCOPE = "scope", "Scope of the work"
        NON_PAYMENT = "non_payment", "Non-payment"
        COMMUNICATION = "communication", "Communication"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Direct settlement"
        MEDIATION = "mediation", "In mediation"
        RESOLVED = "resolved", "Resolved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    ACTIVE_STATUSES = (Status.OPEN, Status.MEDIATION)

    workroom = models.ForeignKey(
        "workrooms.Workroom", on_delete=models.PROTECT, related_name="disputes"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened"
    )
    other_party = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_received"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    description = models.TextField()
    desired_outcome = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, blank=True)
    # The milestone the dispute is about, if any (workrooms owns it).
    deadline = models.ForeignKey(
        "workrooms.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # The thread: parties and, once assigned, the mediator.
    conversation = models.OneToOneField(
        "messaging.Conversation", on_delete=models.PROTECT, related_name="dispute"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_mediated",
    )
    # When the current stage began and when its response time ends (open: the other party's
    # time to answer before escalation is offered; mediation: the mediator's time to decide).
    stage_started_at = models.DateTimeField(default=timezone.now)
    stage_due_at = models.DateTimeField()
    # When the other party first answered (a message, evidence, a proposal or a reply to one).
    other_party_answered_at = models.DateTimeField(null=True, blank=True)
    # Set by the deadline sweep when the current stage's time ran out (once per stage).
    stage_expired_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two clicks cannot open two disputes on one workroom: the database refuses.
            models.UniqueConstraint(
                fields=["workroom"],
                condition=Q(status__in=["open", "mediation"]),
                name="one_active_dispute_per_workroom",
            ),
            models.CheckConstraint(
                condition=~Q(opened_by=models.F("other_party")), name="dispute_two_parties"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="dispute_amount_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "stage_due_at"], name="dispute_stage_due")]
        permissions = [("mediate_dispute", "Can mediate disputes")]

    def __str__(self):
        return f"Dispute #{self.pk}: {self.workroom.title}"

    def get_absolute_url(self):
        return reverse("disputes:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def is_party(self, user) -> bool:
        return user.pk in (self.opened_by_id, self.other_party_id)

    def counterpart(self, user):
        return self.other_party if user.pk == self.opened_by_id else self.opened_by


def evidence_path(instance, filename):
    # The stored name is the server's; the uploaded name is only displayed.
    return f"private/disputes/{instance.dispute_id}/{uuid.uuid4().hex}"


def evidence_preview_path(instance, filename):
    return f"private/disputes/{instance.dispute_id}/{uuid.uuid4().hex}.webp"


class Evidence(models.Model):
    """A file or screenshot with a caption; private to the parties and staff."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_path, max_length=255)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    # A WebP preview made at upload for screenshots; empty for other files.
    preview = models.FileField(upload_to=evidence_preview_path, max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.caption or self.name


class InternalNote(models.Model):
    """A mediator's note: staff only, never rendered on a party's page."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note by {self.author} on dispute #{self.dispute_id}"


class Resolution(models.Model):
    """Proposed terms. A party's proposal counts as accepted by its author; a mediator's needs
    both parties. Resolved when everyone needed has accepted."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting answers"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        SUPERSEDED = "superseded", "Superseded"

    class Answer(models.TextChoices):
        NONE = "", "No answer yet"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="resolutions")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_mediator = models.BooleanField(default=False)
    terms = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Each party's answer (the opener's and the other party's).
    opener_answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    other_answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    answer_note = models.TextField(blank=True)
    respond_by = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(status="pending"),
                name="one_pending_resolution_per_dispute",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="resolution_amount_positive",
            ),
        ]

    def __str__(self):
        return f"Proposal #{self.pk} on dispute #{self.dispute_id}"

    def answer_of(self, dispute: Dispute, user) -> str:
        if user.pk == dispute.opened_by_id:
            return self.opener_answer
        if user.pk == dispute.other_party_id:
            return self.other_answer
        return ""


class DisputeEvent(models.Model):
    """The audit trail: one row per action, written by the service that made it, never
    changed or deleted (save() refuses updates; the admin shows it read-only)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        EVIDENCE_ADDED = "evidence_added", "Evidence added"
        MESSAGE = "message", "Message"
        ESCALATED = "escalated", "Escalated to mediation"
        MEDIATOR_ASSIGNED = "mediator_assigned", "Mediator assigned"
        MEDIATOR_REMOVED = "mediator_removed", "Mediator removed"
        PROPOSAL_MADE = "proposal_made", "Proposal made"
        ACCEPTED = "accepted", "Proposal accepted"
        REJECTED = "rejected", "Proposal rejected"
        PROPOSAL_EXPIRED = "proposal_expired", "Proposal expired"
        STAGE_EXPIRED = "stage_expired", "Response time passed"
        NOTE_ADDED = "note_added", "Internal note added"
        RESOLVED = "resolved", "Resolved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    # Kinds parties never see (they concern staff-only records).
    STAFF_ONLY = (Kind.NOTE_ADDED,)

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="dispute_event_by_dispute")]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit trail is append-only.")


class Dossier(models.Model):
    """The record of all correspondence between the parties, frozen at escalation.

    `content` is canonical JSON (sorted keys, no spaces) and `sha256` its hash, so a change to
    the snapshot shows; `disputes.dossier.dossier_check` also compares it with the live rows,
    so a row altered after escalation without a trace shows too."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="dossier")
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Dossier of dispute #{self.dispute_id}"
