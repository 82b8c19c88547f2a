"""Lab. Code 4610.6(f): the reviewer's identity is confidential. The parties never read a
reviewer's name, e-mail or words in the case history; after a remand, each round's reviewer
never reads the other round's; the IRO's managers and quality reviewers read every name."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.access import case_history_for
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseStatus, EventType
from cases.lifecycle.services import case_remand
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.assignment.services import reviewer_assign
from reviews.determination.services import assignment_accept, assignment_decline
from tests.factories import UserFactory, api_client_for, case_in_review, reviewer_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def remanded():
    """A case whose round 1 was reviewed by Alice Firstround; on remand, Carol Conflicted
    declined round 2 in her own words and Bob Secondround accepted it. A reminder went to
    Bob. The case came from an API client."""
    sender = UserFactory(role=Role.API_CLIENT, first_name="Claims", last_name="System")
    first = reviewer_with_profile("REV-ALICE", first_name="Alice", last_name="Firstround")
    case, first, _ = case_in_review(first)
    Case.objects.filter(pk=case.pk).update(created_by=sender, status=CaseStatus.ISSUED)
    Assignment.objects.filter(case=case).update(status=AssignmentStatus.COMPLETED)
    admin = UserFactory(role=Role.CASE_ADMIN, first_name="Adam", last_name="Admin")
    case = case_remand(case=Case.objects.get(pk=case.pk), actor=admin, note="Appeal granted")
    declining = reviewer_with_profile("REV-CAROL", first_name="Carol", last_name="Conflicted")
    declined = reviewer_assign(case=case, reviewer=declining, actor=admin)
    assignment_decline(
        assignment=declined,
        actor=declining,
        reason="Carol Conflicted treated this worker in 2015",
        conflict=True,
    )
    second = reviewer_with_profile("REV-BOB", first_name="Bob", last_name="Secondround")
    assignment = reviewer_assign(case=case, reviewer=second, actor=admin)
    assignment_accept(assignment=assignment, actor=second, attest_no_conflict=True)
    case.refresh_from_db()
    events.clock_notices_sent(
        [
            events.SentClockNotice(
                case=case,
                kind="reviewer_due_soon",
                recipient=second.email,
                due_on=dt.date(2026, 12, 1),
                escalation=False,
            )
        ]
    )
    return case, sender, first, declining, second, admin


def names_of(user) -> list[str]:
    return [user.first_name, user.last_name, user.username, user.email]


def history_text(user, case) -> str:
    return "\n".join(
        f"{entry.actor}: {' '.join(entry.lines)}" for entry in case_history_for(user, case)
    )


def page_of(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_party_reads_that_a_reviewer_was_assigned_and_nobody_s_name(client, remanded):
    case, sender, first, declining, second, admin = remanded
    # The party (an API client) reads its case through the API; the history as the policy
    # gives it to a party is what any page of theirs would show.
    text = history_text(sender, case)
    answer = api_client_for(sender).get(reverse("api:case", args=[case.case_number]))
    assert answer.status_code == 200
    for reviewer in (first, declining, second):
        for name in names_of(reviewer):
            assert name not in text, f"{name} reaches the party"
            assert name not in answer.content.decode(), f"{name} reaches the party"
    assert "treated this worker" not in text
    # The staff are named by role only.
    assert "Adam" not in text and "case administrator" in text
    assert "A reviewer was assigned; the reviewer's identity is confidential" in text
    assert "(Lab. Code 4610.6(f))" in text
    assert "To the reviewer" in text


@pytest.mark.parametrize("round_", [1, 2])
def test_each_round_s_reviewer_never_reads_the_other_s(remanded, round_):
    case, sender, first, declining, second, admin = remanded
    reader, others = (first, (declining, second)) if round_ == 1 else (second, (first, declining))
    text = history_text(reader, case)
    for other in others:
        for name in names_of(other):
            assert name not in text, f"round {round_} reads {name}"
    assert "treated this worker" not in text
    # They see their own part and the staff by name.
    assert "Adam Admin" in text
    assert reader.get_full_name() in text


def test_the_round_2_reviewer_reads_their_own_reminder(remanded):
    case, sender, first, declining, second, admin = remanded
    assert f"To {second.email}" in history_text(second, case)
    assert f"To {second.email}" not in history_text(first, case)


@pytest.mark.parametrize("role", [Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER])
def test_the_iro_reads_every_reviewer_by_name(client, remanded, role):
    case, sender, first, declining, second, admin = remanded
    page = page_of(client, UserFactory(role=role), case)
    for reviewer in (first, declining, second):
        assert reviewer.get_full_name() in page
        assert f"Reviewer: {reviewer.get_full_name()}" in page
    assert "Carol Conflicted treated this worker in 2015" in page


def test_an_event_recorded_before_names_were_kept_names_the_reviewer(client, remanded):
    """Events written before the reviewer's name was kept with them hold the username alone:
    the IRO reads the name as it is now (a user since removed by their username); the parties
    still read neither."""
    case, sender, first, declining, second, admin = remanded
    for username in (first.username, "rev-since-removed"):
        events.event_record(
            case=case, type=EventType.REVIEWER_ASSIGNED, actor=admin, reviewer=username, round=1
        )
    page = page_of(client, admin, case)
    assert page.count(f"Reviewer: {first.get_full_name()}") == 2
    assert "Reviewer: rev-since-removed" in page
    text = history_text(sender, case)
    for name in [*names_of(first), "rev-since-removed"]:
        assert name not in text
