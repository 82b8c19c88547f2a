"""What the case file needs to know from the reviewer side, which sits above it.

`cases` never imports `reviews` (an import-linter contract holds that). Where a case-file feature
needs a fact the reviewer side owns (who reviews a case, the determination and letters in an
export, how a legacy determination is stored, the specialty vocabulary), the reviewer side
registers it here once, at start-up (`reviews.apps.ReviewsConfig.ready`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


@dataclass(frozen=True)
class ReviewerSide:
    # The cases a reviewer may see: those assigned to them (cases.access applies it).
    reviewer_case_scope: Callable[[Any], Q]
    # The assignment now in force on a case (or None), shown on the case page.
    current_assignment: Callable[[Any], Any]
    # The reviewer now responsible for a case (or None), for reminders.
    current_reviewer: Callable[[Any], Any]
    # The export's reviewer-side keys: determination, assignment, outcome, letters.
    export_sections: Callable[..., dict[str, Any]]
    # Stores a legacy system's determination as issued history (SPEC section 7).
    legacy_determination_import: Callable[..., Any]
    # The specialty vocabulary, suggested for the requesting provider on the intake form.
    specialty_names: Callable[[], list[str]]
    # Issued decisions of disputed items, {item id: (decision date, outcome)}, for the
    # eligibility screen's prior-IMR check (8 CCR 9792.10.3(a)(2)).
    issued_item_decisions: Callable[[Any], dict[int, tuple[Any, str]]]
    # The delivered letter's service (served_on, sent_by, overturned, not_served,
    # duties_served) or None: the appeal and the claims administrator's duties on the case's
    # clock (Lab. Code 4610.6(h); 9792.10.7); served_on None while a copy is not served,
    # not_served saying why; duties_served the claims administrator's own copy's service.
    letter_service: Callable[[Any], Any] = lambda case: None
    # The signed PDF of a case's letter version (case, version, public=) as an object with
    # `letter`, `file_field` and `filename`, or None: the API's letter download.
    letter_pdf: Callable[..., Any] = lambda case, version, public: None
    # The outcome of each issued case among the given case ids, {case id: CaseOutcome value}
    # (the latest issued round's), in one query: the case list's outcome column.
    issued_outcomes: Callable[[Any], dict[int, str]] = lambda case_ids: {}
    # Called inside the eligibility finding's transaction, after its events are written
    # (case, actor, event, eligible): the letters room queues the notice the finding calls for
    # (8 CCR 9792.10.4(b) notice of assignment; 9792.10.3(c) written notice of ineligibility).
    after_eligibility_finding: Callable[..., Any] = lambda **kwargs: None
    # How the notice of assignment the finding produces will be served (a SentBy value, from
    # the parties' service; None: electronically), for the records clock it starts.
    notice_planned_method: Callable[[Any], str | None] = lambda case: None
    # Where the case's notice of assignment stands, for the case page: None when there is no
    # notice document, else an object with `served_on`, `sent_by` and `status_label`.
    notice_of_assignment_state: Callable[[Any], Any] = lambda case: None
    # A served party's e-mail, address or method changed (case, role, actor): the letters room
    # serves what waited for them, declared served by that actor.
    party_service_changed: Callable[[Any, str, Any], None] = lambda case, role, actor: None
    # Where a reviewer works on a case (their workspace), for the links of their reminders;
    # None where there is no reviewer side, and the case page is linked instead.
    reviewer_case_url: Callable[[Any], str | None] = lambda case: None
    # The case closed (its determination issued, or terminated): called inside the closing
    # transaction (case, actor); the letters room withdraws the copies of its notice of
    # assignment that have not gone out (from QA: one was served after the letter).
    case_closed: Callable[..., None] = lambda case, actor: None
    # Whether a copy of any of the case's documents waits for a party's address: a closed case
    # says a party without one as an alarm only then (the parties panel).
    copies_held: Callable[[Any], bool] = lambda case: False
    # The reviewer of the assignment in force on each of the given case ids that has one,
    # {case id: reviewer id}, in one query: a run of reminders puts each reviewer's cases
    # together before it reads them a chunk at a time.
    current_reviewer_ids: Callable[[Any], dict[int, int]] = lambda case_ids: {}


_registered: ReviewerSide | None = None


def register(side: ReviewerSide) -> None:
    global _registered
    _registered = side


def reviewer_side() -> ReviewerSide:
    if _registered is None:
        raise ImproperlyConfigured("The reviews app registers the reviewer side; it is missing.")
    return _registered
