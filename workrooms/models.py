"""A workroom is a contract between a client and a freelancer: one per project, with its own
chat (a messaging conversation of kind "workroom"), files, deadlines, calls and history."""

from django.conf import settings
from django.db import models
from django.urls import reverse


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
