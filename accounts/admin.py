"""Users in the admin. Privileges are for superusers only.

A community manager holds ``accounts.change_user`` so that they can suspend or
deactivate a fan and correct an offensive display name; nothing more. Superuser and
staff status, groups, permissions, the email (the login, and where a password reset is
sent) and passwords are changed by superusers alone, and a manager cannot change a staff
or superuser account at all: it is shown to them read-only.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# What a manager (a staff user who is not a superuser) may change on a fan's account.
MODERATOR_EDITABLE = ["display_name", "is_active", "suspended_until"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    filter_horizontal = ["groups", "user_permissions", "devices"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "devices",
                    "preferred_language",
                    "time_zone",
                    "email_digest",
                ]
            },
        ),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                    "suspended_until",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # What a manager sees; only MODERATOR_EDITABLE is a form field, the rest is read-only.
    moderator_fieldsets = [
        (None, {"fields": ["email", "display_name"]}),
        (_("Moderation"), {"fields": ["is_active", "suspended_until"]}),
        (_("Role"), {"fields": ["is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.moderator_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        shown = [field for _, options in self.moderator_fieldsets for field in options["fields"]]
        return [field for field in shown if field not in MODERATOR_EDITABLE]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not (obj.is_staff or obj.is_superuser)

    def user_change_password(self, request, id, form_url=""):
        """Setting a password here needs no old password: superusers only, even for
        their own account (everyone else changes theirs on the account page)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
