"""Assigning reviewers, accepting and declining, batch assignment (SPEC section 4)."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from reviews.assignment.matching import (
    assignment_plan,
    case_facts_load,
    greedy_plan,
    reviewers_for_case,
    roster_load,
)
from reviews.assignment.models import Assignment, AssignmentStatus, CaseConflict
from reviews.assignment.selectors import cases_waiting_for_reviewer
from reviews.assignment.services import assignments_auto, reviewer_assign
from reviews.determination.services import assignment_accept, assignment_decline
from tests.factories import ready_case, reviewer_with_profile

pytestmark = pytest.mark.django_db


def event_types(case):
    return list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))


def test_assigning_an_eligible_reviewer_notifies_them(
    case_admin, django_capture_on_commit_callbacks
):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1")
    with django_capture_on_commit_callbacks(execute=True):
        assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWER_ASSIGNED
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert EventType.REVIEWER_ASSIGNED in event_types(case)
    assert len(mail.outbox) == 1
    assert case.case_number in mail.outbox[0].subject
    assert mail.outbox[0].to == [reviewer.email]
    assignment.refresh_from_db()
    assert assignment.notified_at is not None


def test_a_conflicted_reviewer_cannot_be_assigned_and_the_attempt_is_logged(case_admin):
    case = ready_case()
    conflicted = reviewer_with_profile("REV-C", affiliations=(("employer", "ACME FOODS", ""),))
    with pytest.raises(ValidationError, match="Conflict: affiliated with the employer"):
        reviewer_assign(case=case, reviewer=conflicted, actor=case_admin)
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert not Assignment.objects.filter(case=case).exists()
    refused = CaseEvent.objects.get(case=case, type=EventType.ASSIGNMENT_REFUSED)
    assert refused.actor == case_admin
    assert "Conflict" in " ".join(refused.details["reasons"])
    # The history keeps the reasons alone: it names the reviewer by its own rules (Lab. Code
    # 4610.6(f)), not in a reason's text.
    assert conflicted.get_full_name() not in " ".join(refused.details["reasons"])


def test_a_case_not_waiting_for_a_reviewer_is_refused(case_admin):
    case = ready_case(status=CaseStatus.AWAITING_RECORDS)
    reviewer = reviewer_with_profile("REV-1")
    with pytest.raises(ValidationError, match="not waiting for a reviewer"):
        reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)


def test_second_assignment_of_the_same_case_is_refused_with_a_clear_message(case_admin):
    case = ready_case()
    first, second = reviewer_with_profile("REV-1"), reviewer_with_profile("REV-2")
    reviewer_assign(case=case, reviewer=first, actor=case_admin)
    with pytest.raises(ValidationError, match="was assigned to .* a moment ago"):
        reviewer_assign(case=case, reviewer=second, actor=case_admin)
    assert Assignment.objects.filter(case=case).count() == 1


def test_accept_requires_the_attestation_and_starts_the_review(case_admin):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    with pytest.raises(ValidationError, match="Attest that you have no conflict"):
        assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=False)
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    accepted = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_ACCEPTED)
    assert accepted.details["attested_no_conflict"] is True


def test_only_the_assigned_reviewer_may_respond(case_admin):
    case = ready_case()
    reviewer, other = reviewer_with_profile("REV-1"), reviewer_with_profile("REV-2")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    with pytest.raises(ValidationError, match="Only the assigned reviewer"):
        assignment_accept(assignment=assignment, actor=other, attest_no_conflict=True)
    with pytest.raises(ValidationError, match="Only the assigned reviewer"):
        assignment_decline(assignment=assignment, actor=other, reason="busy")


def test_decline_returns_the_case_and_excludes_the_decliner(case_admin):
    case = ready_case()
    reviewer, other = reviewer_with_profile("REV-1"), reviewer_with_profile("REV-2")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    with pytest.raises(ValidationError, match="Say why"):
        assignment_decline(assignment=assignment, actor=reviewer, reason="  ")
    assignment_decline(
        assignment=assignment, actor=reviewer, reason="I treated this worker", conflict=True
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert CaseConflict.objects.filter(case=case, reviewer=reviewer).exists()
    with pytest.raises(ValidationError, match="Declared a conflict for this case"):
        reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    reviewer_assign(case=case, reviewer=other, actor=case_admin)
    declined = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_DECLINED)
    assert declined.details["conflict"] is True


def test_a_remand_needs_a_reviewer_who_never_had_the_case(case_admin):
    case = ready_case(status=CaseStatus.REMANDED, round=2)
    first = reviewer_with_profile("REV-1")
    Assignment.objects.create(case=case, reviewer=first, round=1, status="completed")
    fresh = reviewer_with_profile("REV-2")
    with pytest.raises(ValidationError, match="Already reviewed"):
        reviewer_assign(case=case, reviewer=first, actor=case_admin)
    assignment = reviewer_assign(case=case, reviewer=fresh, actor=case_admin)
    assert assignment.round == 2


def _two_cases_one_contested():
    """Case A fits R-EXACT best (specialty match) but R-OTHER can take it too; case B has
    only R-EXACT. Greedy gives A to R-EXACT and strands B; the optimum assigns both."""
    case_a = ready_case(provider_specialty="Anesthesiology")
    case_b = ready_case(provider_specialty="Pain Management")
    exact = reviewer_with_profile(
        "R-EXACT", certifications=("Anesthesiology", "Pain Management"), max_open_cases=1
    )
    other = reviewer_with_profile(
        "R-OTHER",
        certifications=("Pain Management",),
        max_open_cases=1,
        affiliations=(("employer", "Unrelated Co", ""),),
    )
    # R-OTHER is conflicted out of case B through its employer.
    from cases.lifecycle.models import Party

    Party.objects.filter(case=case_b, role="employer").update(name="Unrelated Co")
    return case_a, case_b, exact, other


def test_batch_plan_beats_greedy_and_respects_capacity():
    case_a, case_b, exact, other = _two_cases_one_contested()
    roster = roster_load()
    facts = case_facts_load(list(cases_waiting_for_reviewer()))
    optimal = assignment_plan(roster, facts)
    greedy = greedy_plan(roster, facts)
    assert len(greedy.assignments) == 1 and len(optimal.assignments) == 2
    chosen = {a.case_number: a.entry.external_id for a in optimal.assignments}
    assert chosen == {case_a.case_number: "R-OTHER", case_b.case_number: "R-EXACT"}
    assert optimal.total_score > greedy.total_score


def test_batch_puts_expedited_cases_first_when_capacity_is_short():
    standard = ready_case(priority="standard", provider_specialty="Pain Management")
    expedited = ready_case(priority="expedited", provider_specialty="Anesthesiology")
    reviewer_with_profile("ONLY", certifications=("Pain Management",), max_open_cases=1)
    plan = assignment_plan(roster_load(), case_facts_load(list(cases_waiting_for_reviewer())))
    assert [a.case_number for a in plan.assignments] == [expedited.case_number]
    assert plan.unassigned[0][0] == standard.case_number
    assert "capacity" in plan.unassigned[0][1]


def _nobody_can_take(case, django_assert_num_queries) -> str:
    roster, facts = roster_load(), case_facts_load([case])
    # The reasons come from what the plan has read: saying them costs no query.
    with django_assert_num_queries(0):
        plan = assignment_plan(roster, facts)
    assert not plan.assignments
    [(number, reason)] = plan.unassigned
    assert number == case.case_number
    return reason


def test_nobody_can_take_says_who_and_why_in_the_assign_pages_words(django_assert_num_queries):
    """From a user: the batch plan said "licence, specialty, practice, conflict or capacity"
    where the Assign page named the reviewer who had declined the case."""
    case = ready_case()
    declined = reviewer_with_profile("R-DECLINED", first_name="Dana", last_name="Reyes")
    taken_off = reviewer_with_profile("R-OFF", first_name="Omar", last_name="Ortiz")
    Assignment.objects.create(
        case=case, reviewer=declined, status=AssignmentStatus.DECLINED, decline_reason="Away"
    )
    Assignment.objects.create(
        case=case, reviewer=taken_off, status=AssignmentStatus.WITHDRAWN, end_reason="Slow"
    )
    reviewer_with_profile("R-CHIRO", certifications=("Chiropractic",), first_name="Chris")

    reason = _nobody_can_take(case, django_assert_num_queries)

    assert reason == (
        "No eligible reviewer. "
        "Dana Reyes: Already reviewed or was offered this case (declined it: “Away”). "
        "Omar Ortiz: Already reviewed or was offered this case (was taken off it: “Slow”)."
    )
    # The same words as the Assign page's, from the same rules.
    excluded = {c.entry.name: c.reasons for c in reviewers_for_case(case).excluded}
    for name in ("Dana Reyes", "Omar Ortiz"):
        assert f"{name}: {' '.join(excluded[name])}" in reason
    # A reviewer whose specialty does not fit the case is not the news.
    assert "Chris" not in reason


def test_nobody_can_take_names_this_case_s_exclusions_first_then_counts_the_rest(
    django_assert_num_queries,
):
    case = ready_case()
    for n in range(4):
        reviewer_with_profile(
            f"R-FULL-{n}", first_name="Amy", max_open_cases=1, carried_open_cases=1
        )
    conflicted = reviewer_with_profile("R-CONFLICT", first_name="Zed", last_name="Zane")
    CaseConflict.objects.create(case=case, reviewer=conflicted, reason="Treated the worker")

    reason = _nobody_can_take(case, django_assert_num_queries)

    assert reason.startswith(
        "No eligible reviewer. Zed Zane: Declared a conflict for this case: Treated the worker. "
        "Amy Roe R-FULL-0: At capacity: 1 open case of 1 allowed. "
    )
    assert reason.endswith(
        "And 2 more whose specialty fits, each with every reason on the Assign page."
    )


def test_a_case_whose_specialty_nobody_holds_says_so_once(django_assert_num_queries):
    case = ready_case(category="dental")
    reviewer_with_profile("R-1")
    reviewer_with_profile("R-2")

    assert _nobody_can_take(case, django_assert_num_queries) == (
        "No eligible reviewer. Every reviewer (2): No specialty accepted for dental items."
    )


def test_batch_is_deterministic_with_ties():
    for _ in range(4):
        ready_case()
    for n in range(6):
        reviewer_with_profile(f"TIE-{n}", max_open_cases=1)
    plans = [
        assignment_plan(roster_load(), case_facts_load(list(cases_waiting_for_reviewer())))
        for _ in range(3)
    ]
    assert plans[0].as_dict() == plans[1].as_dict() == plans[2].as_dict()


def test_dry_run_writes_nothing_and_a_real_run_assigns(case_admin):
    case_a, case_b, _exact, _other = _two_cases_one_contested()
    nobody = ready_case(category="dental")
    outcome = assignments_auto(actor=case_admin, dry_run=True)
    assert not Assignment.objects.exists()
    assert len(outcome.plan.assignments) == 2
    assert outcome.plan.unassigned == [(nobody.case_number, outcome.plan.unassigned[0][1])]
    assert "No eligible reviewer" in outcome.plan.unassigned[0][1]
    outcome = assignments_auto(actor=case_admin)
    assert len(outcome.assigned) == 2
    for case in (case_a, case_b):
        case.refresh_from_db()
        assert case.status == CaseStatus.REVIEWER_ASSIGNED
        assigned = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_ASSIGNED)
        assert assigned.details["batch"] is True


@pytest.mark.django_db(transaction=True)
def test_two_administrators_assigning_at_once_make_one_assignment():
    """Two real threads, each with its own database connection (PostgreSQL in CI)."""
    from tests.factories import UserFactory

    case = ready_case()
    admins = [UserFactory(username=f"admin-{n}") for n in range(2)]
    reviewers = [reviewer_with_profile(f"REV-{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def assign(n):
        try:
            barrier.wait()
            reviewer_assign(case=case, reviewer=reviewers[n], actor=admins[n])
            outcomes.append("assigned")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2
    assert outcomes.count("assigned") == 1
    loser = next(message for message in outcomes if message != "assigned")
    assert "a moment ago" in loser
    assert Assignment.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, type=EventType.ASSIGNMENT_REFUSED).count() == 1


def test_today_parameter_is_respected_for_licence_expiry(case_admin):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1", licences=(("CA", "2027-01-01", False),))
    with pytest.raises(ValidationError, match="No active"):
        reviewer_assign(case=case, reviewer=reviewer, actor=case_admin, today=dt.date(2027, 2, 1))
