"""Users in Django admin. Users are deactivated, never deleted: every audit event and case event
keeps its actor (45 CFR 164.312(b); the log must say who did what, years later). Each add or
change writes the changed fields to the audit log."""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import User
from audit.admin import AuditedModelAdmin

NEVER_DELETED = (
    "Users are never deleted: the audit log and the case histories must keep naming who read "
    "and did what (45 CFR 164.312(b)). To end someone's access, untick “Active” and save."
)


@admin.register(User)
class RoleUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = UserAdmin.fieldsets + (
        ("Role", {"fields": ("role",)}),
        ("Deleting a user", {"fields": (), "description": NEVER_DELETED}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (("Role", {"fields": ("role",)}),)

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        """The delete page says why there is none and leads back to the user."""
        messages.error(request, NEVER_DELETED)
        return redirect(reverse("admin:accounts_user_change", args=[object_id]))


# Django's and DRF's own admin pages for groups and API tokens, with their changes audited too.
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(Group)
class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    pass


@admin.register(TokenProxy)
class AuditedTokenAdmin(AuditedModelAdmin, TokenAdmin):
    pass
