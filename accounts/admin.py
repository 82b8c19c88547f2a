"""Users in Django admin. Users are deactivated, never deleted: every audit event and case event
keeps its actor (45 CFR 164.312(b); the log must say who did what, years later). Each add or
change writes the changed fields to the audit log."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.deactivation import work_left_announce, work_left_warnings
from accounts.models import Role, User, last_system_admin_refusal
from accounts.signin import second_factor_reset, sessions_end
from audit.admin import AuditedModelAdmin

NEVER_DELETED = (
    "Users are never deleted: the audit log and the case histories must keep naming who read "
    "and did what (45 CFR 164.312(b)). To end someone's access, untick “Active” and save."
)


class RoleUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        refusal = last_system_admin_refusal(
            self.instance,
            role=cleaned.get("role", self.instance.role),
            is_active=cleaned.get("is_active", False),
        )
        if refusal:
            raise ValidationError(refusal)
        return cleaned


class RoleUserCreationForm(AdminUserCreationForm):
    """The role is chosen, never left at the model's default: a new login that can read every
    case must be meant."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.choices = [("", "Choose a role")] + list(Role.choices)
        role.initial = ""
        role.required = True


@admin.register(User)
class RoleUserAdmin(AuditedModelAdmin, UserAdmin):
    form = RoleUserChangeForm
    add_form = RoleUserCreationForm
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    # The role alone decides what a user may do (cases.access): Django's groups and permissions
    # are not offered, as ticking them would change nothing.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("role", "is_active", "is_staff", "is_superuser"),
                "description": (
                    "The role decides what the user may see and do; unticking “Active” ends "
                    "their access (the last active system administrator keeps the role)."
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        ("Deleting a user", {"fields": (), "description": NEVER_DELETED}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (("Role", {"fields": ("role",)}),)
    actions = ["sign_out_everywhere"]
    # The role decides the admin flags (User.save): shown, never ticked by hand.
    # The sign-in and joining dates are facts, not settings (from QA: editable, as four
    # unlabelled date and time boxes).
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")

    @admin.action(description="Sign the selected users out of every session")
    def sign_out_everywhere(self, request, queryset):
        """A laptop lost or a browser left signed in: each of the user's sessions ends at its
        next request (their password and second factor are unchanged)."""
        for user in queryset:
            sessions_end(user, request=request)
        count = queryset.count()
        self.message_user(
            request, f"{count} user{'s' if count != 1 else ''} signed out of every session."
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Unticking "Active" leaves the user's work to someone else: say which (accounts.
        # deactivation; the reviewer side lists the open cases to reassign).
        if change and "is_active" in form.changed_data and not obj.is_active:
            for warning in work_left_warnings(obj):
                messages.warning(request, warning)
            work_left_announce(obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        """The delete page says why there is none and leads back to the user."""
        messages.error(request, NEVER_DELETED)
        return redirect(reverse("admin:accounts_user_change", args=[object_id]))


_admin_login = admin.site.login


def _admin_login_or_refused(request, extra_context=None):
    """Django's admin answers a signed-in user who is not staff with its sign-in form, to sign
    in as someone else; here they get the app's own 403 page, as on any other page they may not
    see (ops.errors). Signed out, the form is as Django has it."""
    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied("Django's admin site is for the system administrators.")
    return _admin_login(request, extra_context)


admin.site.login = _admin_login_or_refused

_django_admin_permission = admin.site.has_permission


def _admin_permission(request) -> bool:
    """Django's check (an active staff user) and the role: the site is the system
    administrators' (README "Demo logins"), so a role changed away from it closes the site at
    the next request, whatever the staff and superuser flags were left at."""
    return _django_admin_permission(request) and request.user.is_system_admin


admin.site.has_permission = _admin_permission


# Django's own admin page for groups, with its changes audited too. (API tokens have their own
# page, /settings/api-tokens/: accounts.tokens.)
admin.site.unregister(Group)
admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(Group)
class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    pass


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedModelAdmin, AccessAttemptAdmin):
    """Unlocking an account (README "Authentication") deletes its failed attempts: audited."""


class _ReadOnly:
    """Sign-in records are evidence (45 CFR 164.312(b)): read, never changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class ReadOnlyAccessLogAdmin(_ReadOnly, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class ReadOnlyAccessFailureLogAdmin(_ReadOnly, AccessFailureLogAdmin):
    pass


class _SecondFactorReset(AuditedModelAdmin):
    """A lost phone: an administrator deletes the user's device, who enrols again at the next
    sign-in (README "Authentication"); deleting it ends the user's sessions. Nothing else: the
    administrator never reads a key or a recovery code (to copy someone's second factor), nor
    adds or changes a device (to give someone a key or code of their choosing). The key and
    the QR code pages are hidden by django-otp's OTP_ADMIN_HIDE_SENSITIVE_DATA (settings)."""

    # Each says, before it is confirmed, that the user's sessions end (from QA: Django's own
    # page said only that the device would be deleted).
    delete_confirmation_template = "admin/accounts/second_factor_delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/accounts/second_factor_delete_selected_confirmation.html"
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_inline_instances(self, request, obj=None):
        return []  # the recovery codes themselves

    def delete_model(self, request, obj):
        second_factor_reset([obj], request=request)

    def response_delete(self, request, obj_display, obj_id):
        # Back to the list of devices, where the next reset is made (from QA: Django's own
        # answer led to the admin's home page, devices being changed by nobody).
        response = super().response_delete(request, obj_display, obj_id)
        if IS_POPUP_VAR in request.POST:
            return response
        opts = self.model._meta
        listing = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name
        )
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, listing))

    def delete_queryset(self, request, queryset):
        second_factor_reset(list(queryset.select_related("user")), request=request)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(_SecondFactorReset, TOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class AuditedStaticDeviceAdmin(_SecondFactorReset, StaticDeviceAdmin):
    pass
