"""The audit log in Django admin: read-only, like every record that is evidence. The audit
search page (/audit/) is the administrators' way in; this is for looking one event up.

`AuditedModelAdmin` is the base of every admin page that may still change something (the
roster, users): each add, change or delete names its changed fields in the request's audit row."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from audit.models import AuditEvent
from audit.services import audit_note


def values_now(form) -> dict[str, str]:
    """{label: value now} of the changed fields that are a yes or no or a choice ("Active":
    "no", "Role": "Reviewer"): from QA, deactivating and reactivating a login both read
    "changed Active". Free text is left out; the change message names the field."""
    now = {}
    instance = getattr(form, "instance", None)  # the admin's password form has none
    if instance is None:
        return now
    for name in form.changed_data:
        if name not in form.fields:
            continue
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        label = str(form.fields[name].label or field.verbose_name)
        value = form.cleaned_data.get(name)
        if isinstance(field, models.BooleanField):
            now[label] = "yes" if value else "no"
        elif field.choices:
            now[label] = str(dict(field.flatchoices).get(value, value))
    return now


def _note(request, obj, **details) -> None:
    """The request's audit row names the record (model, id, and as the admin names it: a user by
    username, from QA: "User #2") beside what was done to it."""
    audit_note(
        request, model=obj._meta.label, object=str(obj.pk), object_name=str(obj)[:150], **details
    )


def refusal_reasons(form) -> list[str]:
    """Why an admin form was refused: its own messages (the page's rules, such as the last
    system administrator's), and the fields with an error by their labels (not the values
    typed, nor Django's words about them)."""
    reasons = [str(message) for message in form.non_field_errors()]
    for name in form.errors:
        if name != "__all__":
            field = form.fields.get(name)
            reasons.append(str(field.label if field and field.label else name))
    return reasons


class AuditedModelAdmin(admin.ModelAdmin):
    """An editable admin page whose changes are written to the audit log with their fields
    (and, for a yes or no or a choice, the value now)."""

    def construct_change_message(self, request, form, formsets, add=False):
        if not add:
            request._audit_values_now = values_now(form)
        return super().construct_change_message(request, form, formsets, add)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A save refused (the form sent back with its errors) says why in the audit log: from
        # QA, it read "Admin page" and nothing more.
        form = getattr(context.get("adminform"), "form", None)
        if request.method == "POST" and form is not None and form.errors:
            if obj is not None and obj.pk:
                _note(request, obj, refused=refusal_reasons(form))
            else:  # a new record refused: nothing saved to name
                audit_note(request, model=self.model._meta.label, refused=refusal_reasons(form))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def log_addition(self, request, obj, message):
        _note(request, obj, added=message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        now = getattr(request, "_audit_values_now", None)
        _note(request, obj, changed=message, **({"now": now} if now else {}))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        deleted = [str(obj.pk) for obj in queryset]
        audit_note(request, model=self.model._meta.label, deleted=deleted)
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "role", "action", "kind", "case_number", "route")
    list_filter = ("action", "kind")
    search_fields = ("case_number", "username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # 45 CFR 164.312(b): the audit log is evidence; nothing is deleted.
        return False
