"""Which status may follow which (SPEC section 2).

Services consult this; nothing else moves a case."""

from cases.lifecycle.models import CLOSED_STATUSES, CaseStatus

S = CaseStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ELIGIBLE, S.INELIGIBLE}),
    S.ELIGIBLE: frozenset({S.AWAITING_RECORDS}),
    S.AWAITING_RECORDS: frozenset({S.RECORDS_COMPLETE}),
    S.RECORDS_COMPLETE: frozenset({S.REVIEWER_ASSIGNED}),
    S.REVIEWER_ASSIGNED: frozenset({S.IN_REVIEW, S.RECORDS_COMPLETE}),
    S.IN_REVIEW: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.RETURNED, S.APPROVED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.APPROVED: frozenset({S.ISSUED}),
    S.ISSUED: frozenset({S.REMANDED}),
    # A remand is a new round: a different reviewer is assigned.
    S.REMANDED: frozenset({S.REVIEWER_ASSIGNED}),
    S.INELIGIBLE: frozenset(),
    S.TERMINATED: frozenset(),
}

# From any open state the case may be terminated (treatment authorized, or withdrawn).
for _status in list(ALLOWED_TRANSITIONS):
    if _status not in CLOSED_STATUSES:
        ALLOWED_TRANSITIONS[_status] = ALLOWED_TRANSITIONS[_status] | {S.TERMINATED}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def refusal_message(from_status: str, to_status: str) -> str:
    return (
        f"A case that is {S(from_status).label.lower()} cannot become {S(to_status).label.lower()}."
    )
