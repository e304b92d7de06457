from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm

from profiles.models import User
from profiles.services import handle_for_new_user


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
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
        updated = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, f"Deactivated {updated} user(s).")

    @admin.action(description="Reactivate selected users")
    def reactivate(self, request, queryset):
        updated = queryset.update(is_active=True)
        self.message_user(request, f"Reactivated {updated} user(s).")
