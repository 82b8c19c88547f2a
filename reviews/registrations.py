"""What the reviewer side registers with the rooms below it at start-up, so that no import
points upward: the case file's needs (cases.registry) and quality review's follow-up (the
letter request). Called once from ReviewsConfig.ready."""

from django.urls import reverse

from accounts.deactivation import work_left_announcer_register, work_left_register
from cases import registry
from reviews.admin import reviewer_deactivated_warning
from reviews.assignment.selectors import (
    current_assignment_for,
    current_reviewer_for,
    current_reviewer_ids,
    reviewer_case_scope,
)
from reviews.assignment.services import reviewer_deactivated_announce
from reviews.determination.selectors import issued_item_decisions, issued_outcomes
from reviews.determination.services import determination_import_legacy
from reviews.exports import export_sections
from reviews.letters.files import stored_kinds_register
from reviews.letters.held_copies import case_copies_held, party_copies_changed
from reviews.letters.notices import (
    notice_after_finding,
    notice_of_assignment_state,
    notice_planned_method,
)
from reviews.letters.selectors import letter_pdf_for, letter_service_for
from reviews.letters.services import letter_request
from reviews.letters.superseded import notice_copies_withdraw
from reviews.quality.services import after_approval_register
from reviews.reports.files import stored_kinds_register as report_files_register
from reviews.roster.selectors import specialty_names


def _workspace_url(case) -> str:
    return reverse("determination:workspace", args=[case.case_number])


def register() -> None:
    registry.register(
        registry.ReviewerSide(
            reviewer_case_scope=reviewer_case_scope,
            current_assignment=current_assignment_for,
            current_reviewer=current_reviewer_for,
            export_sections=export_sections,
            legacy_determination_import=determination_import_legacy,
            specialty_names=specialty_names,
            issued_item_decisions=issued_item_decisions,
            issued_outcomes=issued_outcomes,
            letter_service=letter_service_for,
            letter_pdf=letter_pdf_for,
            after_eligibility_finding=notice_after_finding,
            notice_of_assignment_state=notice_of_assignment_state,
            notice_planned_method=notice_planned_method,
            party_service_changed=party_copies_changed,
            reviewer_case_url=_workspace_url,
            case_closed=notice_copies_withdraw,
            copies_held=case_copies_held,
            current_reviewer_ids=current_reviewer_ids,
        )
    )
    after_approval_register(letter_request)
    work_left_register(reviewer_deactivated_warning)
    work_left_announcer_register(reviewer_deactivated_announce)
    stored_kinds_register()
    report_files_register()
