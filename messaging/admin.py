from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessageRevision,
    Notification,
    Participant,
    PolicyFlag,
    Report,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = readonly_fields = ("user", "last_read_seq", "muted", "archived", "joined_at")


class RevisionInline(ReadOnlyInline):
    model = MessageRevision
    fields = readonly_fields = ("action", "body", "created_at")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = ("name", "size", "content_type", "sha256", "uploader", "created_at")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Read-only: the record of what people said is changed only through the services."""

    list_display = ["id", "kind", "__str__", "version", "last_message_at", "read_only"]
    list_filter = ["kind", "read_only"]
    search_fields = ["title", "participants__user__email", "participants__user__name"]
    inlines = [ParticipantInline]
    readonly_fields = [
        "kind",
        "title",
        "version",
        "last_seq",
        "last_message",
        "last_message_at",
        "read_only",
        "user_low",
        "user_high",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "conversation",
        "seq",
        "sender",
        "short_body",
        "created_at",
        "edited_at",
        "deleted_at",
        "flagged",
    ]
    list_filter = ["kind", "flagged", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "sender__email", "sender__name"]
    list_select_related = ["sender", "conversation"]
    inlines = [RevisionInline, AttachmentInline]
    readonly_fields = [
        "conversation",
        "seq",
        "version",
        "kind",
        "sender",
        "body",
        "client_id",
        "created_at",
        "edited_at",
        "deleted_at",
        "flagged",
    ]

    @admin.display(description="body")
    def short_body(self, message: Message) -> str:
        return message.body[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(PolicyFlag)
class PolicyFlagAdmin(admin.ModelAdmin):
    """Messages sent after a conduct warning, for review."""

    list_display = [
        "created_at",
        "sender",
        "reason_codes",
        "message_body",
        "reviewed_at",
        "reviewed_by",
    ]
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["sender__email", "sender__name", "message__body"]
    list_select_related = ["sender", "message", "reviewed_by"]
    readonly_fields = ("message", "sender", "reasons", "created_at", "reviewed_at", "reviewed_by")
    fields = (*readonly_fields, "review_note")
    actions = ["mark_reviewed"]

    @admin.display(description="reasons")
    def reason_codes(self, flag: PolicyFlag) -> str:
        return ", ".join(reason.get("code", "") for reason in flag.reasons)

    @admin.display(description="message")
    def message_body(self, flag: PolicyFlag) -> str:
        return flag.message.body[:120]

    @admin.action(description="Mark selected flags as reviewed")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[PolicyFlag]) -> None:
        count = queryset.filter(reviewed_at__isnull=True).update(
            reviewed_at=timezone.now(), reviewed_by=request.user
        )
        self.message_user(request, f"Marked {count} flag(s) as reviewed.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reporter", "reported_user", "reason", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["reporter__email", "reported_user__email", "reported_user__name", "details"]
    list_select_related = ["reporter", "reported_user"]
    readonly_fields = [
        "reporter",
        "reported_user",
        "message",
        "reason",
        "details",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["mark_resolved"]

    @admin.action(description="Mark selected reports as resolved")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = queryset.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, f"Resolved {count} report(s).")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "title"]
    list_select_related = ["user"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["created_at", "blocker", "blocked"]
    search_fields = ["blocker__email", "blocked__email"]
    list_select_related = ["blocker", "blocked"]
