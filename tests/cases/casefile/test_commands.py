"""manage.py export_case."""

import json

import pytest
from django.core.management import CommandError

from cases.lifecycle.models import Case
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.cases.helpers import SEED_CASE, run, write_json
from tests.factories import intake_payload, minimal_pdf

# --- export_case ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_prints_the_intake_shape_with_status_clocks_and_outcome(seed_file):
    run("import_cases", str(seed_file))
    out, _ = run("export_case", "CM15-0046802")
    data = json.loads(out)
    seed = json.loads(SEED_CASE.read_text())
    for key in ("application_id", "case_number", "claim_number", "date_of_injury", "items"):
        assert data[key] == (
            seed[key]
            if key != "items"
            else [
                {**item, "formulary_dispute": False, "authorization_kind": None, "drug_class": None}
                for item in seed["items"]
            ]
        )
    assert data["determination"] == seed["determination"]
    assert data["status"] == "issued" and data["round"] == 1
    assert data["outcome"] == "upheld"
    assert data["assignment"] is None
    assert data["letters"] == []
    # Service method of the UR decision not held: taken as mail, +5 days (CCP 1013(a)).
    assert data["clocks"]["application_deadline"] == "2015-04-06"
    # The seed does not say how its notice of 03/16/2015 was sent: not guessed, so the records
    # get the mailed notice's 15 days (to Tue 03/31, Cesar Chavez Day), not the 12 of e-mail.
    assert data["notice_sent_on"] == data["date_assigned"] == "2015-03-16"
    assert data["notice_sent_by"] is None
    assert data["clocks"]["records_due_on"] == "2015-04-01"
    assert data["clocks"]["due_on"] is None and data["clocks"]["overdue"] is False


@pytest.mark.django_db
def test_export_names_the_assigned_reviewer_by_username(tmp_path, reviewer):
    run("import_cases", str(write_json(tmp_path, intake_payload())))
    case = Case.objects.get()
    Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)
    data = json.loads(run("export_case", case.case_number)[0])
    assert data["assignment"]["reviewer"] == "reviewer1"
    assert data["assignment"]["status"] == "accepted"


@pytest.mark.django_db
def test_export_of_unknown_case_fails_with_one_line():
    with pytest.raises(CommandError, match="No case CM99-0000001"):
        run("export_case", "CM99-0000001")


@pytest.mark.django_db
def test_an_export_imports_again_as_the_same_case(tmp_path, case_admin):
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "pr2.pdf").write_bytes(minimal_pdf(2))
    (tmp_path / "records" / "ur.pdf").write_bytes(minimal_pdf(3))
    payload = intake_payload(
        case_number="CM16-0213037",
        ur_decision_served_on="2016-11-03",
        ur_decision_served_by="mail",
        notice_sent_on="2016-11-09",
        notice_sent_by="mail",
        records=[
            {"title": "PR-2", "document_date": "2016-10-19", "file": "records/pr2.pdf"},
            {"title": "UR decision", "file": "records/ur.pdf", "kind": "ur_decision"},
        ],
    )
    payload["items"].append(
        {
            "description": "Tramadol 50 mg #60",
            "category": "pharmaceuticals",
            "original_request": "Tramadol 50 mg #120",
            "authorized_portion": "Tramadol 50 mg #60",
            "ur_citation": {"kind": "non_mtus", "text": "ODG Pain"},
            "formulary_dispute": True,
        }
    )
    payload["injured_worker"]["email"] = "ana@example.org"
    payload.update(filed_by="designee", application_signed="no", ur_decision_basis="other")
    run("import_cases", str(write_json(tmp_path, payload)))
    first = json.loads(run("export_case", "CM16-0213037")[0])
    assert first["records"][0]["content"]
    assert first["ur_decision_served_by"] == "mail" and first["notice_sent_by"] == "mail"
    # The notice's date under both of its names.
    assert first["notice_sent_on"] == first["date_assigned"] == "2016-11-09"
    assert (first["filed_by"], first["application_signed"], first["ur_decision_basis"]) == (
        "designee",
        "no",
        "other",
    )

    # As in a fresh database, the number is free (a case is never deleted: its events are
    # append-only; here it moves aside), its export comes back under a new application id.
    Case.objects.filter(case_number="CM16-0213037").update(case_number="CM16-0000000")
    again = dict(first, application_id="A-COPY")
    out, _ = run("import_cases", str(write_json(tmp_path, again, "export.json")))
    assert out.strip() == "A-COPY CM16-0213037 awaiting_records"
    second = json.loads(run("export_case", "CM16-0213037")[0])
    assert second == dict(first, application_id="A-COPY")


@pytest.mark.django_db
def test_export_without_content_lists_record_hashes(tmp_path):
    (tmp_path / "pr2.pdf").write_bytes(minimal_pdf())
    payload = intake_payload(records=[{"title": "PR-2", "file": "pr2.pdf"}])
    out, _ = run("import_cases", str(write_json(tmp_path, payload)))
    number = out.split()[1]
    data = json.loads(run("export_case", number, "--no-content")[0])
    (record,) = data["records"]
    assert "content" not in record
    assert len(record["sha256"]) == 64 and record["filename"] == "pr2.pdf"


@pytest.mark.django_db
def test_export_reads_each_part_of_the_case_once(tmp_path, django_assert_num_queries):
    payload = intake_payload(attorney={"name": "Lee & Park", "identifier": "123456"})
    out, _ = run("import_cases", str(write_json(tmp_path, payload)))
    number = out.split()[1]
    # The case with its parties and items, then its records, issued determination, current
    # assignment and letters: the same count however many parties and items it has.
    with django_assert_num_queries(7):
        data = json.loads(run("export_case", number, "--no-content")[0])
    assert data["attorney"]["name"] == "Lee & Park"
