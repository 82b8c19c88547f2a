import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role, User
from reviews.assignment.matching import reviewers_for_case
from reviews.roster.models import Affiliation, LeavePeriod, Licence, ReviewerProfile
from reviews.roster.services import RosterInvalid, reviewers_import
from reviews.roster.validation import name_split
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "reviewers.json"


def reviewer_payload(**overrides) -> dict:
    """One valid roster entry (SPEC section 7)."""
    payload = {
        "external_id": "REV-14",
        "name": "Dr. Jane Roe",
        "email": "jroe@example.org",
        "licences": [
            {"state": "CA", "number": "A100518", "expires": "2029-06-30", "restricted": False}
        ],
        "certifications": ["Pain Management", "Anesthesiology"],
        "years_in_practice": 14,
        "weekly_practice_hours": 36,
        "max_open_cases": 10,
        "current_open_cases": 2,
        "on_leave": False,
        "affiliations": [{"kind": "employer", "name": "ACME Foods, Inc.", "identifier": None}],
    }
    payload.update(overrides)
    return payload


def example_roster() -> list[dict]:
    return json.loads(EXAMPLE.read_text())


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "profiles": ReviewerProfile.objects.count(),
        "licences": Licence.objects.count(),
        "certifications": ReviewerProfile.certifications.through.objects.count(),
        "affiliations": Affiliation.objects.count(),
        "leave": LeavePeriod.objects.count(),
    }


def problems_of(payload) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        reviewers_import(payload=payload)
    return [str(error) for error in caught.value.errors]


# --- A valid roster --------------------------------------------------------------------------


@pytest.mark.django_db
def test_example_roster_creates_reviewers_with_their_credentials():
    results = reviewers_import(payload=example_roster())

    assert len(results) == 12
    assert {r.status for r in results} == {"created"}
    roe = ReviewerProfile.objects.get(external_id="REV-14")
    assert roe.user.username == "rev-14"
    assert roe.user.role == Role.REVIEWER
    assert (roe.user.first_name, roe.user.last_name) == ("Jane", "Roe")
    assert roe.user.email == "jroe@example.org"
    assert not roe.user.has_usable_password()
    assert roe.carried_open_cases == 2
    assert roe.years_in_practice == 14 and roe.weekly_practice_hours == 36
    assert [(lic.state, lic.number, lic.expires, lic.restricted) for lic in roe.licences.all()] == [
        ("CA", "A100518", dt.date(2029, 6, 30), False)
    ]
    assert sorted(s.name for s in roe.certifications.all()) == ["Anesthesiology", "Pain Management"]
    assert [(a.kind, a.name, a.identifier) for a in roe.affiliations.all()] == [
        ("employer", "ACME Foods, Inc.", "")
    ]


@pytest.mark.django_db
def test_state_names_are_stored_as_two_letter_codes():
    reviewers_import(payload=example_roster())

    okafor = ReviewerProfile.objects.get(external_id="REV-21")
    assert sorted(okafor.licences.values_list("state", flat=True)) == ["CA", "NV"]
    cole = ReviewerProfile.objects.get(external_id="REV-74")
    assert sorted(cole.licences.values_list("state", flat=True)) == ["CA", "CT"]


@pytest.mark.django_db
def test_certifications_match_the_vocabulary_despite_case_and_punctuation():
    reviewers_import(
        payload=[
            reviewer_payload(
                certifications=["physical medicine and rehabilitation", "PAIN-MANAGEMENT"]
            )
        ]
    )

    profile = ReviewerProfile.objects.get(external_id="REV-14")
    assert sorted(s.name for s in profile.certifications.all()) == [
        "Pain Management",
        "Physical Medicine & Rehabilitation",
    ]


@pytest.mark.django_db
def test_leave_periods_and_on_leave_are_imported():
    reviewers_import(payload=example_roster())

    hale = ReviewerProfile.objects.get(external_id="REV-51")
    assert hale.on_leave is True
    assert [(p.starts, p.ends, p.note) for p in hale.leave.all()] == [
        (dt.date(2026, 11, 16), dt.date(2027, 1, 8), "Sabbatical")
    ]
    assert (hale.user.first_name, hale.user.last_name) == ("Robert", "Hale Jr.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr. Jane Roe", ("Jane", "Roe")),
        ("Dr Jane Q. Roe, MD", ("Jane Q.", "Roe")),
        ("Elena Vasquez, PsyD", ("Elena", "Vasquez")),
        ("Dr. Robert Hale Jr.", ("Robert", "Hale Jr.")),
        ("Kevin Tran DC", ("Kevin", "Tran")),
        ("Madonna", ("", "Madonna")),
        ("Dr. Minh Do", ("Minh", "Do")),
        ("Minh Do, D.O.", ("Minh", "Do")),
        ("Roe, Jane", ("Jane", "Roe")),
        ("Dr. Jane Roe, Jr., MD", ("Jane", "Roe Jr.")),
        ("Dr. Maria de la Cruz", ("Maria", "de la Cruz")),
        ("Ludwig van Beethoven III", ("Ludwig", "van Beethoven III")),
    ],
)
def test_names_lose_honorifics_and_credentials(name, expected):
    assert name_split(name) == expected


@pytest.mark.django_db
def test_imported_roster_feeds_matching_with_readable_exclusions():
    reviewers_import(payload=example_roster())
    case = CaseFactory()
    DisputedItemFactory(case=case, category="injection", description="Lumbar epidural injection")

    result = reviewers_for_case(case, today=dt.date(2026, 11, 24))

    eligible = [c.entry.external_id for c in result.eligible]
    excluded = {c.entry.external_id: " ".join(c.reasons) for c in result.excluded}
    assert "REV-14" in eligible and "REV-27" in eligible
    assert "expired or restricted" in excluded["REV-56"]  # licence expired 2026-06-30
    assert "expired or restricted" in excluded["REV-63"]  # restricted licence
    assert "On leave." in excluded["REV-51"]
    assert "Chiropractic is not accepted for injection" in excluded["REV-42"]  # injection case


# --- Idempotence ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_identical_reimport_reports_unchanged_and_touches_nothing():
    reviewers_import(payload=example_roster())
    counts = row_counts()
    stamps = dict(ReviewerProfile.objects.values_list("external_id", "updated_at"))
    licence_ids = set(Licence.objects.values_list("pk", flat=True))

    results = reviewers_import(payload=example_roster())

    assert {r.status for r in results} == {"unchanged"}
    assert row_counts() == counts
    assert dict(ReviewerProfile.objects.values_list("external_id", "updated_at")) == stamps
    assert set(Licence.objects.values_list("pk", flat=True)) == licence_ids


@pytest.mark.django_db
def test_changed_licence_replaces_the_old_one():
    roster = example_roster()
    reviewers_import(payload=roster)
    changed = copy.deepcopy(roster)
    changed[0]["licences"] = [
        {"state": "California", "number": "A100518", "expires": "2031-06-30", "restricted": False}
    ]

    results = reviewers_import(payload=changed)

    statuses = {r.external_id: r.status for r in results}
    assert statuses.pop("REV-14") == "updated"
    assert set(statuses.values()) == {"unchanged"}
    licences = Licence.objects.filter(profile__external_id="REV-14")
    assert [(lic.state, lic.expires) for lic in licences] == [("CA", dt.date(2031, 6, 30))]


@pytest.mark.django_db
def test_file_replaces_certifications_affiliations_leave_and_profile_numbers():
    reviewers_import(payload=[reviewer_payload()])

    (result,) = reviewers_import(
        payload=[
            reviewer_payload(
                name="Dr. Jane Roe-Smith",
                certifications=["Anesthesiology"],
                affiliations=[],
                leave=[{"starts": "2027-01-04", "ends": "2027-01-15"}],
                current_open_cases=7,
                on_leave=True,
            )
        ]
    )

    assert result.status == "updated"
    profile = ReviewerProfile.objects.get(external_id="REV-14")
    assert [s.name for s in profile.certifications.all()] == ["Anesthesiology"]
    assert not profile.affiliations.exists()
    assert [(p.starts, p.ends) for p in profile.leave.all()] == [
        (dt.date(2027, 1, 4), dt.date(2027, 1, 15))
    ]
    assert profile.carried_open_cases == 7 and profile.on_leave
    assert profile.user.last_name == "Roe-Smith"
    assert User.objects.filter(username="rev-14").count() == 1


@pytest.mark.django_db
def test_numbers_written_as_json_numbers_are_kept_as_text():
    reviewers_import(
        payload=[
            reviewer_payload(
                licences=[
                    {"state": "ny", "number": 271155, "expires": "2028-01-31", "restricted": False}
                ],
                affiliations=[
                    {"kind": "provider", "name": "Dr. Lee Park", "identifier": 1234567890}
                ],
            )
        ]
    )

    profile = ReviewerProfile.objects.get(external_id="REV-14")
    assert [(lic.state, lic.number) for lic in profile.licences.all()] == [("NY", "271155")]
    assert [a.identifier for a in profile.affiliations.all()] == ["1234567890"]


@pytest.mark.django_db
def test_existing_reviewer_keeps_their_sign_in_name_and_password():
    reviewers_import(payload=[reviewer_payload()])
    user = User.objects.get(username="rev-14")
    user.username = "jane.roe"
    user.set_password("a long memorable passphrase")
    user.save()

    (result,) = reviewers_import(payload=[reviewer_payload(email="jane.roe@example.org")])

    assert (result.username, result.status) == ("jane.roe", "updated")
    user.refresh_from_db()
    assert user.email == "jane.roe@example.org"
    assert user.check_password("a long memorable passphrase")


@pytest.mark.django_db
def test_import_by_a_person_is_logged_with_who_and_what(case_admin, caplog):
    reviewers_import(payload=[reviewer_payload()])

    with caplog.at_level("INFO", logger="reviews.roster"):
        reviewers_import(
            payload=[reviewer_payload(), reviewer_payload(external_id="REV-15")], actor=case_admin
        )

    assert f"Roster import by {case_admin}: 1 created, 0 updated, 1 unchanged." in caplog.text


# --- Invalid files --------------------------------------------------------------------------


def _without(key):
    entry = reviewer_payload()
    del entry[key]
    return entry


def _licence(**changes):
    licence = {"state": "CA", "number": "A100518", "expires": "2029-06-30", "restricted": False}
    licence.update(changes)
    return reviewer_payload(licences=[licence])


BAD_ENTRIES = [
    pytest.param(_without("email"), "$[1].email: is required", id="missing-field"),
    pytest.param(
        reviewer_payload(years_in_practice="14"),
        "$[1].years_in_practice: must be a whole number, not text",
        id="wrong-type",
    ),
    pytest.param(
        reviewer_payload(max_open_cases=-1),
        "$[1].max_open_cases: must not be negative (got -1)",
        id="negative",
    ),
    pytest.param(
        reviewer_payload(weekly_practice_hours=200),
        "$[1].weekly_practice_hours: must be at most 168 (got 200)",
        id="impossible-hours",
    ),
    pytest.param(
        reviewer_payload(on_leave="no"),
        "$[1].on_leave: must be true or false, not text",
        id="not-boolean",
    ),
    pytest.param(
        reviewer_payload(email="jroe@"),
        "$[1].email: 'jroe@' is not an email address",
        id="bad-email",
    ),
    pytest.param(
        _licence(expires="2029-02-30"),
        "$[1].licences[0].expires: 2029-02-30 is not a real calendar date",
        id="impossible-date",
    ),
    pytest.param(
        _licence(expires="06/30/2029"),
        '$[1].licences[0].expires: "06/30/2029" is not a date in the form YYYY-MM-DD',
        id="date-shape",
    ),
    pytest.param(
        _licence(state="Cali"),
        "$[1].licences[0].state: 'Cali' is not a US state name or two-letter code",
        id="unknown-state",
    ),
    pytest.param(
        _licence(restricted=None),
        "$[1].licences[0].restricted: is required (true or false)",
        id="licence-restricted-null",
    ),
    pytest.param(
        reviewer_payload(affiliations=[{"kind": "insurer", "name": "Big Insurance"}]),
        '$[1].affiliations[0].kind: "insurer" is not an affiliation kind; use one of: '
        "employer, claims_administrator, provider, provider_group, ur_organization, person",
        id="unknown-affiliation-kind",
    ),
    pytest.param(
        reviewer_payload(affiliations=[{"kind": "employer", "name": ""}]),
        "$[1].affiliations[0].name: is required",
        id="empty-affiliation-name",
    ),
    pytest.param(
        reviewer_payload(licenses=[]),
        "$[1].licenses: unknown field; did you mean 'licences'?",
        id="unknown-key",
    ),
    pytest.param(
        reviewer_payload(leave=[{"starts": "2027-02-01", "ends": "2027-01-01"}]),
        "$[1].leave[0].ends: 2027-01-01 is before the start, 2027-02-01",
        id="leave-backwards",
    ),
    pytest.param(
        reviewer_payload(certifications="Pain Management"),
        "$[1].certifications: must be a list (board certifications, by specialty), not text",
        id="certifications-not-list",
    ),
    pytest.param(
        reviewer_payload(
            licences=[
                {"state": "CA", "number": "A1", "expires": "2029-06-30", "restricted": False},
                {"state": "ca", "number": "A1", "expires": "2030-06-30", "restricted": False},
            ]
        ),
        "$[1].licences[1].number: licence CA A1 is listed twice (also at $[1].licences[0])",
        id="duplicate-licence",
    ),
    pytest.param("REV-14", "$[1]: must be an object (a reviewer), not text", id="entry-not-object"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("bad_entry", "problem"), BAD_ENTRIES)
def test_each_kind_of_bad_input_names_its_path_and_writes_nothing(bad_entry, problem):
    reviewers_import(payload=[reviewer_payload(external_id="REV-1", email="one@example.org")])
    counts = row_counts()
    if isinstance(bad_entry, dict):
        bad_entry["external_id"] = "REV-2"
    good = reviewer_payload(external_id="REV-3", email="three@example.org")

    problems = problems_of([good, bad_entry])

    assert problem in problems
    assert row_counts() == counts
    assert not ReviewerProfile.objects.filter(external_id="REV-3").exists()


@pytest.mark.django_db
def test_every_problem_in_a_file_is_reported_at_once():
    problems = problems_of(
        [
            reviewer_payload(email="nope", years_in_practice=-3),
            reviewer_payload(external_id="REV-15", licences=[{"state": "ZZ"}]),
        ]
    )

    assert "$[0].email: 'nope' is not an email address" in problems
    assert "$[0].years_in_practice: must not be negative (got -3)" in problems
    assert "$[1].licences[0].state: 'ZZ' is not a US state name or two-letter code" in problems
    assert "$[1].licences[0].number: is required" in problems
    assert "$[1].licences[0].expires: is required (a date, YYYY-MM-DD)" in problems
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_unknown_certification_suggests_the_closest_known_names():
    (problem,) = problems_of([reviewer_payload(certifications=["Pain Managment"])])

    assert problem.startswith("$[0].certifications[0]: 'Pain Managment' is not in the specialty")
    assert "closest known: 'Pain Management'" in problem
    assert ReviewerProfile.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_external_id_in_the_file_is_refused():
    problems = problems_of(
        [reviewer_payload(), reviewer_payload(external_id="rev-14", email="x@example.org")]
    )

    assert problems == [
        "$[1].external_id: 'rev-14' repeats the reviewer at $[0]; each reviewer appears once"
    ]


@pytest.mark.django_db
def test_sign_in_name_taken_by_another_account_is_refused():
    UserFactory(username="rev-14", role=Role.CASE_ADMIN)

    problems = problems_of([reviewer_payload()])

    assert problems == [
        "$[0].external_id: the sign-in name 'rev-14' already belongs to another account, "
        "not to reviewer REV-14"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"external_id": "REV-14"}, "$: must be a list of reviewers, not an object"),
        ([], "$: lists no reviewers"),
    ],
)
def test_file_that_is_not_a_roster_is_refused(payload, problem):
    assert problems_of(payload) == [problem]


# --- The command -----------------------------------------------------------------------------


def run_import(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_reviewers", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_prints_one_line_per_reviewer():
    out, _ = run_import(EXAMPLE)

    lines = out.splitlines()
    assert len(lines) == 12
    assert lines[0] == "REV-14 rev-14 created"
    assert "REV-51 rev-51 created" in lines

    out, _ = run_import(EXAMPLE)

    assert out.splitlines()[0] == "REV-14 rev-14 unchanged"
    assert all(line.endswith(" unchanged") for line in out.splitlines())


@pytest.mark.django_db
def test_command_reports_each_problem_and_exits_non_zero(tmp_path):
    path = tmp_path / "roster.json"
    path.write_text(
        json.dumps([reviewer_payload(email="bad", licences=[{"state": "CA"}]), {"name": 3}])
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_reviewers", str(path), stdout=io.StringIO(), stderr=err)

    problems = err.getvalue().splitlines()
    assert "$[0].email: 'bad' is not an email address" in problems
    assert "$[0].licences[0].expires: is required (a date, YYYY-MM-DD)" in problems
    assert "$[1].name: must be text, not a number" in problems
    assert str(caught.value) == f"{path}: {len(problems)} problems; nothing was imported."
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.json: no such file\."):
        run_import(tmp_path / "missing.json")


@pytest.mark.django_db
def test_command_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "roster.json"
    path.write_text('[{"external_id": "REV-14",]')

    with pytest.raises(CommandError, match=r"not valid JSON \(.* at line 1, column \d+\)"):
        run_import(path)
    assert User.objects.count() == 0


def test_command_has_help():
    from reviews.management.commands.import_reviewers import Command

    assert "external_id" in Command.help and "nothing" in Command.help


@pytest.mark.django_db
def test_a_nul_character_in_a_roster_is_refused_by_path():
    payload = reviewer_payload()
    payload["name"] = "Jane\x00 Roe"
    errors = problems_of([payload])
    assert any(error.startswith("$[0].name: contains a NUL character") for error in errors), errors
    assert not ReviewerProfile.objects.exists()
