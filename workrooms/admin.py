from django.contrib import admin

from workrooms.models import Activity, Call, Deadline, FileVersion, Reminder, SharedFile, Workroom


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "kind", "summary"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Workroom)
class WorkroomAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "freelancer", "status", "job", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = [
        "title",
        "client__email",
        "client__name",
        "freelancer__email",
        "freelancer__name",
    ]
    list_select_related = ["client", "freelancer", "job"]
    raw_id_fields = ["client", "freelancer", "job", "conversation"]
    readonly_fields = ["conversation", "created_at"]
    inlines = [ActivityInline]


class FileVersionInline(admin.TabularInline):
    model = FileVersion
    extra = 0
    can_delete = False
    fields = ["number", "file", "size", "content_type", "sha256", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SharedFile)
class SharedFileAdmin(admin.ModelAdmin):
    list_display = ["name", "workroom", "version_count", "uploaded_by", "updated_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), "updated_at"]
    search_fields = ["name", "description", "workroom__title", "uploaded_by__email"]
    list_select_related = ["workroom", "uploaded_by"]
    raw_id_fields = ["workroom", "uploaded_by", "deleted_by", "current_version"]
    inlines = [FileVersionInline]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["title", "workroom", "due_at", "status", "amount", "currency"]
    list_filter = ["status", "changes_requested", "due_at", "currency"]
    search_fields = ["title", "description", "workroom__title"]
    list_select_related = ["workroom"]
    raw_id_fields = ["workroom", "created_by"]
    filter_horizontal = ["delivered_versions"]
    date_hierarchy = "due_at"


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["workroom", "starts_at", "duration_minutes", "status", "proposed_by"]
    list_filter = ["status", "starts_at"]
    search_fields = ["agenda", "workroom__title", "proposed_by__email"]
    list_select_related = ["workroom", "proposed_by"]
    raw_id_fields = ["workroom", "proposed_by"]
    date_hierarchy = "starts_at"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "deadline", "call", "for_moment", "sent_at"]
    list_filter = ["kind", "sent_at"]
    raw_id_fields = ["deadline", "call"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workroom", "actor", "kind", "summary"]
    list_filter = ["kind", "created_at"]
    search_fields = ["summary", "workroom__title", "actor__email"]
    list_select_related = ["workroom", "actor"]
    raw_id_fields = ["workroom", "actor"]
