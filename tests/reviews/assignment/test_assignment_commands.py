"""manage.py suggest_reviewers and auto_assign (SPEC section 7)."""

import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.lifecycle.models import CaseEvent, CaseStatus, EventType, Party
from reviews.assignment.models import Assignment
from reviews.management.commands import auto_assign, suggest_reviewers
from tests.factories import ready_case, reviewer_with_profile

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def roster_for_one_case():
    """A Pain Management case with three eligible reviewers of known rank and two excluded."""
    case = ready_case(provider_specialty="Pain Management")
    reviewer_with_profile(
        "R-EXACT", certifications=("Pain Management",), carried_open_cases=3, first_name="Eve"
    )
    # By load, R-ANES-AA (two open cases) comes after both idle ones despite its id.
    reviewer_with_profile("R-ANES-AA", certifications=("Anesthesiology",), carried_open_cases=2)
    reviewer_with_profile("R-ANES-A", certifications=("Anesthesiology",))
    reviewer_with_profile("R-ANES-B", certifications=("Anesthesiology",))
    reviewer_with_profile(
        "R-CONFLICT", affiliations=(("claims_administrator", "PACIFIC CLAIMS SERVICES", ""),)
    )
    reviewer_with_profile("R-JUNIOR", years_in_practice=3, weekly_practice_hours=12)
    return case


def test_suggest_reviewers_json_ranks_the_eligible_and_gives_every_exclusion_reason():
    case = roster_for_one_case()

    data = json.loads(run("suggest_reviewers", case.case_number, "--json"))

    assert set(data) == {"case", "eligible", "excluded"}
    assert data["case"] == case.case_number
    # Same specialty as the requesting provider first, then the lower load.
    assert [r["external_id"] for r in data["eligible"]] == [
        "R-EXACT",
        "R-ANES-A",
        "R-ANES-B",
        "R-ANES-AA",
    ]
    for reviewer in data["eligible"]:
        assert set(reviewer) == {"external_id", "name", "score", "reasons"}
        assert 0 <= reviewer["score"] <= 100
    assert data["eligible"][0]["name"] == "Eve Roe R-EXACT"
    assert (
        "Same specialty as the requesting provider (Pain Management)."
        in (data["eligible"][0]["reasons"])
    )
    excluded = {r["external_id"]: r for r in data["excluded"]}
    assert set(excluded) == {"R-CONFLICT", "R-JUNIOR"}
    assert set(excluded["R-JUNIOR"]) == {"external_id", "name", "reasons"}
    assert any(
        "Conflict: affiliated with the claims administrator" in reason
        for reason in excluded["R-CONFLICT"]["reasons"]
    )
    junior = excluded["R-JUNIOR"]["reasons"]
    assert len(junior) == 2
    assert any("3 years in practice" in reason for reason in junior)
    assert any("12 hours a week" in reason for reason in junior)


def test_suggest_reviewers_table_lists_the_ranked_then_the_excluded():
    case = roster_for_one_case()

    text = run("suggest_reviewers", case.case_number)

    eligible_part, excluded_part = text.split("Excluded (2):")
    assert "Eligible reviewers (4), best first:" in eligible_part
    rows = [line.split() for line in eligible_part.splitlines() if line.strip()[:1].isdigit()]
    assert [(row[0], row[1]) for row in rows] == [
        ("1", "R-EXACT"),
        ("2", "R-ANES-A"),
        ("3", "R-ANES-B"),
        ("4", "R-ANES-AA"),
    ]
    exact_line = next(line for line in eligible_part.splitlines() if "R-EXACT" in line)
    assert "Same specialty as the requesting provider (Pain Management); 3 of 5 open cases; " in (
        exact_line
    )
    junior_line = next(line for line in excluded_part.splitlines() if "R-JUNIOR" in line)
    assert "3 years in practice" in junior_line and "12 hours a week" in junior_line
    assert "Conflict: affiliated with the claims administrator" in excluded_part
    assert "R-EXACT" not in excluded_part


def test_suggest_reviewers_says_when_the_case_is_not_waiting():
    case = ready_case(status=CaseStatus.AWAITING_RECORDS)
    reviewer_with_profile("R-1")
    text = run("suggest_reviewers", case.case_number)
    assert "not waiting for a reviewer" in text
    assert "R-1" in text


def test_suggest_reviewers_with_an_unknown_case_fails_with_one_line():
    with pytest.raises(CommandError) as excinfo:
        run("suggest_reviewers", "CM99-0000000")
    assert str(excinfo.value) == "No case CM99-0000000."


def test_both_commands_explain_themselves_in_help():
    suggest = suggest_reviewers.Command().create_parser("manage.py", "suggest_reviewers")
    batch = auto_assign.Command().create_parser("manage.py", "auto_assign")
    assert "--json" in suggest.format_help() and "case_number" in suggest.format_help()
    assert "--dry-run" in batch.format_help() and "--json" in batch.format_help()


def contested_cases():
    """Case A fits R-EXACT best but R-OTHER can take it; case B only R-EXACT (R-OTHER is
    conflicted through B's employer); case C is dental, which nobody on the roster may decide."""
    case_a = ready_case(provider_specialty="Anesthesiology")
    case_b = ready_case(provider_specialty="Pain Management")
    case_c = ready_case(category="dental")
    reviewer_with_profile(
        "R-EXACT", certifications=("Anesthesiology", "Pain Management"), max_open_cases=1
    )
    reviewer_with_profile(
        "R-OTHER",
        certifications=("Pain Management",),
        max_open_cases=1,
        affiliations=(("employer", "Unrelated Co", ""),),
    )
    Party.objects.filter(case=case_b, role="employer").update(name="Unrelated Co")
    return case_a, case_b, case_c


def test_auto_assign_dry_run_prints_the_plan_and_writes_nothing():
    case_a, case_b, case_c = contested_cases()

    data = json.loads(run("auto_assign", "--dry-run", "--json"))

    assert not Assignment.objects.exists()
    assert not CaseEvent.objects.filter(type=EventType.REVIEWER_ASSIGNED).exists()
    assert set(data) == {
        "assignments",
        "unassigned",
        "total_score",
        "assigned",
        "refused",
        "dry_run",
    }
    assert data["dry_run"] is True and data["assigned"] == 0 and data["refused"] == []
    chosen = {a["case"]: a["external_id"] for a in data["assignments"]}
    assert chosen == {case_a.case_number: "R-OTHER", case_b.case_number: "R-EXACT"}
    assert data["total_score"] == sum(a["score"] for a in data["assignments"])
    assert data["unassigned"] == [
        {"case": case_c.case_number, "reason": data["unassigned"][0]["reason"]}
    ]
    assert "No eligible reviewer" in data["unassigned"][0]["reason"]

    text = run("auto_assign", "--dry-run")
    assert "dry run: nothing was assigned" in text
    assert f"{case_b.case_number} -> R-EXACT (Jane Roe R-EXACT) score " in text
    assert (
        f"{case_c.case_number}: No eligible reviewer. Every reviewer (2): No specialty accepted "
        "for dental items." in text
    )
    assert f"Total score: {data['total_score']}" in text
    assert "Assigned:" not in text
    assert not Assignment.objects.exists()


def test_auto_assign_real_run_assigns_records_events_and_notifies(
    django_capture_on_commit_callbacks,
):
    case_a, case_b, case_c = contested_cases()

    with django_capture_on_commit_callbacks(execute=True):
        text = run("auto_assign")

    assert f"{case_a.case_number} -> R-OTHER (Jane Roe R-OTHER) score " in text
    assert "Assigned: 2 of 2 planned" in text
    pairs = set(Assignment.objects.values_list("case__case_number", "reviewer__username"))
    assert pairs == {(case_a.case_number, "r-other"), (case_b.case_number, "r-exact")}
    for case in (case_a, case_b):
        case.refresh_from_db()
        assert case.status == CaseStatus.REVIEWER_ASSIGNED
        event = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_ASSIGNED)
        assert event.details["batch"] is True
        assert event.actor is None
    case_c.refresh_from_db()
    assert case_c.status == CaseStatus.RECORDS_COMPLETE
    assert sorted(message.to[0] for message in mail.outbox) == [
        "r-exact@example.org",
        "r-other@example.org",
    ]

    # Nothing is left that anyone can take: a second run assigns nothing and still succeeds.
    data = json.loads(run("auto_assign", "--json"))
    assert data["assignments"] == [] and data["assigned"] == 0 and data["dry_run"] is False
    assert [u["case"] for u in data["unassigned"]] == [case_c.case_number]
    assert Assignment.objects.count() == 2


def test_auto_assign_with_nothing_waiting_succeeds_quietly():
    ready_case(status=CaseStatus.AWAITING_RECORDS)
    assert "No case is waiting for a reviewer" in run("auto_assign")
    data = json.loads(run("auto_assign", "--json"))
    assert data == {
        "assignments": [],
        "unassigned": [],
        "total_score": 0,
        "assigned": 0,
        "refused": [],
        "dry_run": False,
    }
