"""Jobs (what a client needs done) and invitations (a client asking one freelancer to do it).

Accepting an invitation opens a workroom (workrooms app) between the two.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.money import DEFAULT_CURRENCY, Currency, format_money

# Limits shared by the forms and the writes (the writes are what enforce them).
NOTE_MAX_LENGTH = 5_000
JOB_TITLE_MAX_LENGTH = 120
JOB_DESCRIPTION_MAX_LENGTH = 10_000
EXPIRY_DAYS_CHOICES = [(2, "2 days"), (3, "3 days"), (7, "7 days"), (14, "14 days")]
EXPIRY_DAYS_DEFAULT = 7
# The freelancer is reminded once when this much time is left.
REMINDER_BEFORE = timedelta(hours=24)


class Job(models.Model):
    """A client's job: what they need, the skills it takes and the budget (recorded, not paid)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class BudgetType(models.TextChoices):
        FIXED = "fixed", "Fixed price"
        HOURLY = "hourly", "Hourly"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField("profiles.Skill", blank=True, related_name="jobs")
    budget_type = models.CharField(
        max_length=8, choices=BudgetType.choices, default=BudgetType.FIXED
    )
    # Fixed price: budget_amount. Hourly: rate_min … rate_max. In `currency`.
    budget_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    rate_min = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rate_max = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=DEFAULT_CURRENCY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "status"], name="job_client_status")]
        constraints = [
            models.CheckConstraint(
                name="job_budget_matches_type",
                # The service requires a budget; the database only refuses a contradictory one
                # (jobs made before budgets existed, or by other apps' demo data, have none).
                condition=Q(budget_type="fixed", rate_min__isnull=True, rate_max__isnull=True)
                | Q(
                    budget_type="hourly",
                    budget_amount__isnull=True,
                    rate_min__isnull=False,
                    rate_max__isnull=False,
                    rate_min__lte=F("rate_max"),
                ),
            ),
            models.CheckConstraint(
                name="job_budget_positive",
                condition=(Q(budget_amount__isnull=True) | Q(budget_amount__gt=0))
                & (Q(rate_min__isnull=True) | Q(rate_min__gt=0)),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("invitations:job_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def budget_label(self) -> str:
        """“$4,000 fixed price” or “$40–$60 an hour”."""
        low, high = self.rate_min, self.rate_max
        if self.budget_type == self.BudgetType.HOURLY and low is not None:
            if low == high:
                return f"{format_money(low, self.currency)} an hour"
            return f"{format_money(low, self.currency)}–{format_money(high, self.currency)} an hour"
        if self.budget_amount is not None:
            return f"{format_money(self.budget_amount, self.currency)} fixed price"
        return ""


class Invitation(models.Model):
    """A client invites one freelancer to one job, with a personal note; it waits until
    `expires_at` for an answer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class DeclineReason(models.TextChoices):
        NOT_AVAILABLE = "not_available", "I'm not available right now"
        NOT_A_FIT = "not_a_fit", "The job isn't a fit for my skills"
        BUDGET = "budget", "The budget doesn't work for me"
        TIMELINE = "timeline", "The timeline doesn't work for me"
        OTHER = "other", "Another reason"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="invitations")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_received"
    )
    note = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # When the freelancer answered (accepted or declined); feeds their response time.
    responded_at = models.DateTimeField(null=True, blank=True)
    # When it stopped being pending for any reason (answered, withdrawn, expired).
    closed_at = models.DateTimeField(null=True, blank=True)
    # The freelancer's answer: a cover letter when accepting, optional words when declining.
    response_note = models.TextField(blank=True)
    proposed_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    # The "24 hours left" reminder went out at this time (sent once).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    workroom = models.ForeignKey(
        "workrooms.Workroom",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "freelancer"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_job_and_freelancer",
            ),
            models.CheckConstraint(
                name="invitation_expires_after_creation",
                condition=Q(expires_at__gt=F("created_at")),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="invitation_status_expiry"),
            models.Index(fields=["freelancer", "status"], name="invitation_freelancer_status"),
        ]

    def __str__(self):
        return f"{self.job} → {self.freelancer}"

    def get_absolute_url(self):
        return reverse("invitations:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def is_expired_at(self, now) -> bool:
        return self.status == self.Status.EXPIRED or (self.is_pending and self.expires_at <= now)

    @property
    def is_expired(self) -> bool:
        return self.is_expired_at(timezone.now())

    @property
    def is_open(self) -> bool:
        """Pending and still within its time: the only state in which it can be answered."""
        return self.is_pending and not self.is_expired

    @property
    def display_status(self) -> str:
        """The status a person should see: a pending invitation past its time reads "Expired"
        even before the sweep marks it."""
        if self.is_pending and self.is_expired:
            return self.Status.EXPIRED.label
        return self.get_status_display()

    @property
    def display_status_value(self) -> str:
        if self.is_pending and self.is_expired:
            return self.Status.EXPIRED.value
        return self.status
