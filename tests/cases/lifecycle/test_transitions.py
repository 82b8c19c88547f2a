"""Which status may follow which (SPEC section 2)."""

import itertools

import pytest

from cases.lifecycle.models import CaseStatus
from cases.lifecycle.status_table import can_transition, refusal_message

S = CaseStatus

CLOSED = {S.INELIGIBLE, S.ISSUED, S.TERMINATED}
OPEN = set(S) - CLOSED

# The lifecycle as SPEC section 2 writes it, edge by edge.
SPEC_STEPS = {
    (S.RECEIVED, S.ELIGIBLE),
    (S.RECEIVED, S.INELIGIBLE),
    (S.ELIGIBLE, S.AWAITING_RECORDS),
    (S.AWAITING_RECORDS, S.RECORDS_COMPLETE),
    (S.RECORDS_COMPLETE, S.REVIEWER_ASSIGNED),
    (S.REVIEWER_ASSIGNED, S.IN_REVIEW),
    (S.REVIEWER_ASSIGNED, S.RECORDS_COMPLETE),  # the reviewer declines
    (S.IN_REVIEW, S.SUBMITTED),
    (S.IN_REVIEW, S.RECORDS_COMPLETE),  # an administrator unassigns the reviewer
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.APPROVED),
    (S.RETURNED, S.SUBMITTED),
    (S.RETURNED, S.RECORDS_COMPLETE),  # its reviewer, unable to revise, is taken off the case
    (S.APPROVED, S.ISSUED),
    (S.ISSUED, S.REMANDED),
    (S.REMANDED, S.REVIEWER_ASSIGNED),  # a new round with a different reviewer
    # The screen waits (issue 9; 8 CCR 9792.10.3): a liability dispute defers it until resolved,
    # a request for information pauses it until the answer comes or its days pass.
    (S.RECEIVED, S.DEFERRED),
    (S.DEFERRED, S.RECEIVED),
    (S.RECEIVED, S.INFORMATION_REQUESTED),
    (S.INFORMATION_REQUESTED, S.RECEIVED),
    (S.INFORMATION_REQUESTED, S.INELIGIBLE),
}
SPEC_ALLOWED = SPEC_STEPS | {(status, S.TERMINATED) for status in OPEN}


@pytest.mark.parametrize("from_status, to_status", sorted(SPEC_ALLOWED))
def test_every_transition_of_the_spec_is_allowed(from_status, to_status):
    assert can_transition(from_status, to_status)


@pytest.mark.parametrize(
    "from_status, to_status",
    sorted(set(itertools.product(S, S)) - SPEC_ALLOWED),
)
def test_every_other_transition_is_refused(from_status, to_status):
    assert not can_transition(from_status, to_status)


@pytest.mark.parametrize(
    "from_status, to_status, message",
    [
        (S.RECEIVED, S.RECORDS_COMPLETE, "A case that is received cannot become records complete."),
        (S.RECEIVED, S.ISSUED, "A case that is received cannot become issued."),
        (S.AWAITING_RECORDS, S.REVIEWER_ASSIGNED, "awaiting records cannot become reviewer"),
        (S.IN_REVIEW, S.APPROVED, "A case that is in review cannot become approved."),
        (S.SUBMITTED, S.ISSUED, "A case that is submitted cannot become issued."),
        (S.ISSUED, S.TERMINATED, "A case that is issued cannot become terminated."),
        (S.TERMINATED, S.RECEIVED, "A case that is terminated cannot become received."),
        (S.INELIGIBLE, S.ELIGIBLE, "A case that is ineligible cannot become eligible."),
        (S.APPROVED, S.REMANDED, "A case that is approved cannot become remanded."),
    ],
)
def test_a_refusal_names_both_states(from_status, to_status, message):
    assert not can_transition(from_status, to_status)
    assert message in refusal_message(from_status, to_status)


@pytest.mark.parametrize("status", sorted(OPEN))
def test_terminated_is_reachable_from_every_open_state(status):
    assert can_transition(status, S.TERMINATED)


@pytest.mark.parametrize("status", sorted(CLOSED))
def test_a_closed_case_cannot_be_terminated(status):
    assert not can_transition(status, S.TERMINATED)


def test_remanded_only_from_issued():
    assert {status for status in S if can_transition(status, S.REMANDED)} == {S.ISSUED}


def test_ineligible_and_terminated_are_final():
    for status in S:
        assert not can_transition(S.INELIGIBLE, status)
        assert not can_transition(S.TERMINATED, status)


def test_a_decline_returns_the_case_to_records_complete():
    assert can_transition(S.REVIEWER_ASSIGNED, S.RECORDS_COMPLETE)
    # Once submitted, the case is not taken back from its reviewer.
    assert not can_transition(S.SUBMITTED, S.RECORDS_COMPLETE)
