from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from profiles.models import (
    Profile,
    ProfileSkill,
    ResponseTimeRecord,
    Skill,
    User,
    WorkSample,
    normalize_skill,
)
from profiles.search import search_documents_refresh
from profiles.services import handle_for_new_user, profile_reindex, skill_rename


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "handle", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handle"].required = False
        self.fields["handle"].help_text = "Leave empty to make one from the name."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("handle") and cleaned.get("name"):
            cleaned["handle"] = handle_for_new_user(
                name=cleaned["name"], email=cleaned.get("email", "")
            )
            self.instance.handle = cleaned["handle"]
        return cleaned


class ProfileLinkInline(admin.StackedInline):
    """The user's profile at a glance; edited on its own page (where search stays in sync)."""

    model = Profile
    can_delete = False
    extra = 0
    max_num = 1
    fields = ["title", "availability", "timezone", "country", "edit_link"]
    readonly_fields = fields

    @admin.display(description="Profile")
    def edit_link(self, obj):
        url = reverse("admin:profiles_profile_change", args=[obj.pk])
        return format_html('<a href="{}">Edit the profile</a>', url)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    inlines = [ProfileLinkInline]
    ordering = ["-date_joined"]
    list_display = ["email", "name", "handle", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name", "handle"]
    readonly_fields = ["date_joined", "last_login"]
    actions = ["deactivate", "reactivate"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Public", {"fields": ("name", "handle", "role")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "handle", "role", "password1", "password2"),
            },
        ),
    )

    @admin.action(description="Deactivate selected users (they can no longer log in)")
    def deactivate(self, request, queryset):
        ids = []
        # One save each, not update(): post_save tells the apps that react to a deactivation
        # (a mediator leaves their disputes; their open websockets close at once).
        for user in queryset.exclude(pk=request.user.pk).filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            ids.append(user.pk)
        search_documents_refresh(profile_ids=ids)  # out of search at once
        self.message_user(request, f"Deactivated {len(ids)} user(s).")

    @admin.action(description="Reactivate selected users")
    def reactivate(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        updated = User.objects.filter(pk__in=ids).update(is_active=True)
        search_documents_refresh(profile_ids=ids)
        self.message_user(request, f"Reactivated {updated} user(s).")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"role", "is_active"} & set(form.changed_data):
            search_documents_refresh(profile_ids=[obj.pk])


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "position"]


class WorkSampleInline(admin.StackedInline):
    model = WorkSample
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["title", "description", "link", "is_public", "position", "image", "image_thumb"]
    readonly_fields = ["image", "image_thumb"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "handle",
        "role",
        "title",
        "availability",
        "hourly_rate",
        "rate_currency",
        "timezone",
        "country",
        "is_active",
        "updated_at",
    ]
    list_filter = [
        "user__role",
        "user__is_active",
        "availability",
        "rate_currency",
        "country",
    ]
    search_fields = ["user__email", "user__name", "user__handle", "title", "skills__name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "photo", "photo_thumb", "created_at", "updated_at"]
    inlines = [ProfileSkillInline, WorkSampleInline]
    fieldsets = (
        (None, {"fields": ("user", "title", "overview")}),
        ("Work", {"fields": ("hourly_rate", "rate_currency", "availability")}),
        (
            "Place and hours",
            {"fields": ("timezone", "country", "languages", "work_start", "work_end", "work_days")},
        ),
        ("Files and dates", {"fields": ("photo", "photo_thumb", "created_at", "updated_at")}),
    )

    def has_add_permission(self, request):
        return False  # every user gets one when the user is made

    @admin.display(description="name", ordering="user__name")
    def name(self, obj):
        return obj.user.name

    @admin.display(description="handle", ordering="user__handle")
    def handle(self, obj):
        return obj.user.handle

    @admin.display(description="role", ordering="user__role")
    def role(self, obj):
        return obj.user.get_role_display() or ("Staff" if obj.user.is_staff else "")

    @admin.display(description="active", boolean=True, ordering="user__is_active")
    def is_active(self, obj):
        return obj.user.is_active

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Admin edits skip profile_update: bring search and the timezone cache up to date.
        profile_reindex(profile=form.instance)


class SkillAdminForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Skill.objects.filter(normalized=normalize_skill(name)).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another skill already has this name.")
        return name


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    form = SkillAdminForm
    list_display = ["name", "normalized", "profile_count", "created_at"]
    search_fields = ["name", "normalized"]
    readonly_fields = ["normalized", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_profiles=Count("profile_skills"))

    @admin.display(description="profiles", ordering="n_profiles")
    def profile_count(self, obj):
        return obj.n_profiles

    def save_model(self, request, obj, form, change):
        if change:
            skill_rename(skill=obj, name=obj.name)
        else:
            super().save_model(request, obj, form, change)


@admin.register(ResponseTimeRecord)
class ResponseTimeRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "started_at", "responded_at", "business_seconds"]
    list_filter = ["kind"]
    search_fields = ["user__email", "user__name", "user__handle"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ResponseTimeRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
