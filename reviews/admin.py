"""The roster in Django admin, for system administrators: one page per reviewer with their
licences, affiliations and leave inline; each change is written to the audit log with its
fields. Assignments, declared conflicts, determinations and letters are shown read-only: they
change only through the services, which check the rules and write the case's events."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from audit.admin import AuditedModelAdmin
from cases.admin import ReadOnlyAdmin, ReadOnlyInline
from reviews.assignment.models import Assignment, CaseConflict
from reviews.assignment.selectors import assignments_for_reviewer
from reviews.determination.models import Determination, ItemDecision
from reviews.letters.models import Letter, LetterDelivery
from reviews.roster.models import (
    Affiliation,
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    Specialty,
)


# Stacked, not tabular: each field with its own label (from QA: the table's inputs had none for
# a screen reader, and at 390 px the licences table was 1,000 px wide in a scrolling box).
class LicenceInline(admin.StackedInline):
    model = Licence
    extra = 1


class AffiliationInline(admin.StackedInline):
    model = Affiliation
    extra = 1


class LeaveInline(admin.StackedInline):
    model = LeavePeriod
    extra = 0


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(AuditedModelAdmin):
    list_display = (
        "external_id",
        "name",
        "years_in_practice",
        "weekly_practice_hours",
        "max_open_cases",
        "carried_open_cases",
        "on_leave",
    )
    list_filter = ("on_leave", "certifications")
    search_fields = ("external_id", "user__first_name", "user__last_name", "user__email")
    filter_horizontal = ("certifications",)
    autocomplete_fields = ("user",)
    inlines = [LicenceInline, AffiliationInline, LeaveInline]
    list_select_related = ("user",)

    def get_deleted_objects(self, objs, request):
        """A profile whose reviewer holds open cases is not deleted (the page and "Delete
        selected" both list why, as Django lists protected rows): from QA, deleting one took
        the reviewer off the dashboard's load while their cases stayed assigned to them."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        holding = [
            held
            for profile in objs
            if (held := _open_cases_held(profile.user, "{} holds {} open case{}"))
        ]
        return deleted, counts, perms_needed, [*protected, *holding]


@admin.register(Specialty)
class SpecialtyAdmin(AuditedModelAdmin):
    list_display = ("name", "key")
    search_fields = ("name",)


@admin.register(CategorySpecialty)
class CategorySpecialtyAdmin(AuditedModelAdmin):
    list_display = ("category", "specialty")
    list_filter = ("category",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "reviewer", "round", "status", "assigned_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("case__case_number", "reviewer__username")
    raw_id_fields = ("case", "reviewer", "assigned_by")


@admin.register(CaseConflict)
class CaseConflictAdmin(ReadOnlyAdmin):
    """Declared by the reviewer when declining, kept for good: deleting one would let the
    matching offer that reviewer the case again."""

    list_display = ("case", "reviewer", "declared_at")
    raw_id_fields = ("case", "reviewer")


class ItemDecisionInline(ReadOnlyInline):
    model = ItemDecision


@admin.register(Determination)
class DeterminationAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "status", "decision_date", "imported")
    list_filter = ("status", "imported")
    search_fields = ("case__case_number",)
    raw_id_fields = ("case", "reviewer")
    inlines = [ItemDecisionInline]


class LetterDeliveryInline(ReadOnlyInline):
    model = LetterDelivery


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    """Signed bytes never change; a correction is an amended version made on the case page."""

    list_display = ("case", "version", "status", "mailing_date", "signed_at")
    list_filter = ("status",)
    search_fields = ("case__case_number", "party_sha256")
    exclude = ("party_pdf", "public_pdf")
    inlines = [LetterDeliveryInline]


def reviewer_deactivated_warning(user) -> str | None:
    """Said in Django admin when a reviewer holding open cases is deactivated (registered with
    accounts.deactivation): each case, linked to its Assign page, waits on someone who can no
    longer sign in until it is reassigned."""
    return _open_cases_held(user, "{} can no longer sign in but holds {} open case{}")


def _open_cases_held(user, said: str) -> str | None:
    """`said` (its name, count and plural filled in) then ": reassign each on their Assign
    page: CM26-…, CM26-…", each case linked; None when the reviewer holds none."""
    case_numbers = [
        assignment.case.case_number
        for assignment in assignments_for_reviewer(user).order_by("case__case_number")
    ]
    if not case_numbers:
        return None
    count = len(case_numbers)
    links = format_html_join(
        ", ",
        '<a href="{}#unassign-heading">{}</a>',
        ((reverse("assignment:case_assign", args=[number]), number) for number in case_numbers),
    )
    return format_html(
        said + ": reassign {} on {} Assign page: {}.",
        user.display_name,
        count,
        "" if count == 1 else "s",
        "it" if count == 1 else "each",
        "its" if count == 1 else "their",
        links,
    )
