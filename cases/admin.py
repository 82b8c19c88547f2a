"""Case file in Django admin: for looking things up. Changes to a case go through the app's
pages and services, which keep the status and the event log in step."""

from django.contrib import admin

from audit.services import audit_case
from cases.lifecycle.models import Case, CaseEvent, DisputedItem, Party
from cases.records.models import MedicalRecord
from cases.reminders.models import ClockNotice


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking up: no add, change or delete. Cases, determinations, letters, assignments and
    events change only through the services, which check the status table and write the event
    log; an admin form would go around both (and "Add case" would create a case in any status)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Case numbers are never reused and the file is evidence: nothing is deleted.
        return False

    def get_object(self, request, object_id, from_field=None):
        """The object's page reads its case (45 CFR 164.312(b)): the audit row is written with
        the case's number, not only the admin's id of the object."""
        obj = super().get_object(request, object_id, from_field)
        case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
        if isinstance(case, Case):
            audit_case(request, case.case_number)
        return obj


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = Party


class ItemInline(ReadOnlyInline):
    model = DisputedItem


class RecordInline(ReadOnlyInline):
    model = MedicalRecord
    exclude = ("file",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("case_number", "status", "priority", "worker_last_name", "due_on")
    list_filter = ("status", "priority")
    search_fields = ("case_number", "claim_number", "application_id", "worker_last_name")
    inlines = [PartyInline, ItemInline, RecordInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "type", "actor", "created_at")
    list_filter = ("type",)
    search_fields = ("case__case_number",)


@admin.register(ClockNotice)
class ClockNoticeAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "due_on", "recipient", "sent_at")
    list_filter = ("kind",)
