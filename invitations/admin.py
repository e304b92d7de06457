from django.contrib import admin

from invitations.models import Invitation, Job


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["freelancer", "status", "created_at", "expires_at", "responded_at", "workroom"]
    readonly_fields = fields


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "status", "budget_label", "created_at"]
    list_filter = ["status", "budget_type", "currency", "created_at"]
    search_fields = ["title", "description", "client__email", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client"]
    filter_horizontal = ["skills"]
    readonly_fields = ["created_at", "updated_at", "closed_at"]
    date_hierarchy = "created_at"
    inlines = [InvitationInline]

    @admin.display(description="Budget")
    def budget_label(self, job):
        return job.budget_label


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read mostly: state changes go through the services (locks, notifications, workrooms)."""

    list_display = ["job", "client", "freelancer", "status", "created_at", "expires_at"]
    list_filter = ["status", "decline_reason", "created_at", "expires_at"]
    search_fields = [
        "job__title",
        "freelancer__email",
        "freelancer__name",
        "job__client__email",
        "job__client__name",
        "note",
    ]
    list_select_related = ["job", "job__client", "freelancer"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "job",
        "freelancer",
        "status",
        "note",
        "created_at",
        "expires_at",
        "responded_at",
        "closed_at",
        "response_note",
        "proposed_rate",
        "decline_reason",
        "reminder_sent_at",
        "workroom",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Client", ordering="job__client__name")
    def client(self, invitation):
        return invitation.job.client
