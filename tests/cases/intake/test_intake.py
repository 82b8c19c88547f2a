import base64
import copy
import dataclasses
import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import registry
from cases.casefile.exports import case_export
from cases.intake.services import case_create, cases_import
from cases.intake.validation import IntakeInvalid, intake_validate, record_kind_infer
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, PartyRole, SentBy, ServedBy
from cases.records.models import MedicalRecord, RecordKind
from cases.states import licensure_display, state_code, state_name
from reviews.determination.models import Determination, ItemDecision
from tests.factories import CaseFactory, UserFactory, intake_payload, minimal_pdf


def legacy_determination(**overrides):
    determination = {
        "reviewer": {
            "licensure": ["CT", "california", "Va"],
            "certifications": ["Family Practice"],
        },
        "decision_date": "2016-12-01",
        "clinical_summary": "The injured worker is a 48 year old female.",
        "decisions": [
            {
                "item": 1,
                "outcome": "overturned",
                "citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
                "rationale": "The MRI is medically necessary.",
            }
        ],
    }
    determination.update(overrides)
    return determination


def paths(errors):
    return [error.path for error in errors]


def message_at(errors, path):
    found = [error.message for error in errors if error.path == path]
    assert found, f"no error at {path}; got {[str(e) for e in errors]}"
    return found[0]


@pytest.fixture
def folder(tmp_path):
    """A folder holding the JSON file and its records."""
    base = tmp_path / "intake"
    (base / "records").mkdir(parents=True)
    (base / "records" / "pr2.pdf").write_bytes(minimal_pdf(2))
    (base / "records" / "notes.txt").write_bytes(b"just text, not a PDF")
    return base


# --- the shape --------------------------------------------------------------------------------


def test_valid_application_is_cleaned_to_dates():
    cleaned, errors = intake_validate(intake_payload())
    assert errors == []
    (case,) = cleaned
    assert case["application_received"] == dt.date(2016, 11, 3)
    assert case["injured_worker"]["date_of_birth"] == dt.date(1968, 2, 1)
    assert case["items"][0]["ur_citation"] == {
        "kind": "mtus",
        "text": "MTUS Shoulder Complaints 2004",
    }
    assert case["requesting_provider"]["identifier"] == "1234567890"
    assert case["determination"] is None


def _set(payload, dotted, value):
    """Set `a.b.0.c` in a nested payload; value DELETE removes the key."""
    target = payload
    *parents, last = dotted.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


DELETE = object()

BAD_INPUTS = [
    ("application_id", DELETE, "$.application_id", "is required"),
    ("priority", "urgent", "$.priority", "standard, expedited"),
    ("application_received", "11/03/2016", "$.application_received", "YYYY-MM-DD"),
    ("application_received", "2016-02-30", "$.application_received", "not a real calendar date"),
    ("ur_decision_date", "2099-01-01", "$.ur_decision_date", "in the future"),
    ("date_of_injury", "2016-11-05", "$.date_of_injury", "cannot be after the UR decision"),
    ("application_received", "2016-11-01", "$.application_received", "before the UR decision"),
    ("date_assigned", "2016-11-01", "$.date_assigned", "cannot precede the application"),
    ("notice_sent_on", "2016-11-01", "$.notice_sent_on", "cannot precede the application"),
    ("notice_sent_on", "11/09/2016", "$.notice_sent_on", "YYYY-MM-DD"),
    ("notice_sent_by", "mail", "$.notice_sent_by", "without the date the notice was sent"),
    ("notice_sent_by", "personal", "$.notice_sent_by", "use one of: mail, electronic"),
    ("notice_sent_by", "e-mail", "$.notice_sent_by", "did you mean 'electronic'"),
    ("ur_decision_served_by", "mial", "$.ur_decision_served_by", "did you mean 'mail'"),
    ("ur_decision_served_by", "email", "$.ur_decision_served_by", "did you mean 'electronic'"),
    ("ur_decision_served_by", "fax", "$.ur_decision_served_by", "mail, electronic, personal"),
    ("ur_decision_served_by", True, "$.ur_decision_served_by", "not a method of service"),
    ("case_number", "CM16-12345", "$.case_number", "CM, two-digit year"),
    ("claim_number", 123456, "$.claim_number", "must be text"),
    ("itemz", [], "$.itemz", "did you mean 'items'"),
    ("injured_worker.sexx", "female", "$.injured_worker.sexx", "unknown field"),
    ("injured_worker.last_name", "  ", "$.injured_worker.last_name", "is required"),
    ("injured_worker.age", 9, "$.injured_worker.age", "from 14 to 110"),
    ("injured_worker.age", "51", "$.injured_worker.age", "whole number"),
    ("injured_worker.sex", "f", "$.injured_worker.sex", "male, female, other, unknown"),
    ("injured_worker.date_of_birth", "2010-01-01", "$.injured_worker.date_of_birth", "6 years"),
    ("injured_worker.email", "not-an-email", "$.injured_worker.email", "not an email"),
    ("employer", DELETE, "$.employer", "is required"),
    ("claims_administrator", "Pacific Claims", "$.claims_administrator", "must be an object"),
    ("employer.name", "", "$.employer.name", "is required"),
    ("employer.specialty", "Surgery", "$.employer.specialty", "unknown field"),
    ("requesting_provider.npi", "12345", "$.requesting_provider.npi", "ten digits"),
    ("attorney", {"firm": "X"}, "$.attorney.name", "is required"),
    ("diagnoses", ["ok", 3], "$.diagnoses[1]", "non-empty text"),
    # From a QA pass: a 10 MB diagnosis was taken, and its case page was 10 MB.
    ("diagnoses", ["x" * 501], "$.diagnoses[0]", "501 characters long; the limit is 500"),
    ("diagnoses", ["Lumbar strain"] * 51, "$.diagnoses", "names 51 diagnoses; the limit is 50"),
    ("items.0.description", "x" * 1001, "$.items[0].description", "the limit is 1000"),
    ("items.0.ur_citation.text", "x" * 501, "$.items[0].ur_citation.text", "the limit is 500"),
    ("injured_worker.address", "x" * 501, "$.injured_worker.address", "the limit is 500"),
    ("items", [], "$.items", "must not be empty"),
    # From a QA pass: the form took 50 items, the API and the import any number (1,000 made a
    # facts page of 4 MB).
    (
        "items",
        [{"description": "Visit", "category": "pt_ot", "ur_citation": {"kind": "none"}}] * 51,
        "$.items",
        "names 51 disputed items; the limit is 50",
    ),
    ("items", {"description": "MRI"}, "$.items", "must be a list"),
    ("items.0.category", "xray", "$.items[0].category", "diagnostic_imaging"),
    # From QA: the spelling nearest was psych_therapy; the label says physical therapy.
    ("items.0.category", "physical_therapy", "$.items[0].category", "did you mean 'pt_ot'"),
    ("items.0.description", DELETE, "$.items[0].description", "is required"),
    ("items.0.ur_citation", DELETE, "$.items[0].ur_citation", "is required"),
    ("items.0.ur_citation.kind", "acoem", "$.items[0].ur_citation.kind", "mtus, non_mtus, none"),
    ("items.0.ur_citation.text", "", "$.items[0].ur_citation.text", "the citation is MTUS"),
    ("items.0.original_request", "MRI both shoulders", "$.items[0].authorized_portion", "modified"),
    ("adj_number", "ADJ-98765", "$.adj_number", "ADJ, then digits"),
    ("items.0.authorization_kind", "partial", "$.items[0].authorization_kind", "substitute"),
    ("items.0.authorization_kind", "substitute", "$.items[0].authorization_kind", "needs"),
    (
        "records",
        [{"title": "PR-2", "source": 3, "content": "JVBERi0xLjQK"}],
        "$.records[0].source",
        "",
    ),
    ("items.0.formulary_dispute", "yes", "$.items[0].formulary_dispute", "true or false"),
    ("items.0.formulary_dispute", True, "$.items[0].formulary_dispute", "pharmaceuticals"),
    ("records", [{"title": "PR-2"}], "$.records[0]", "needs file"),
    ("records", [{"title": "PR-2", "content": "aGVsbG8="}], "$.records[0].content", "not a PDF"),
    ("records", [{"title": "PR-2", "content": "%%%"}], "$.records[0].content", "base64"),
    ("records", [{"content": "JVBERi0xLjQK"}], "$.records[0].title", "is required"),
    ("records", [{"title": "x", "file": "a.pdf"}], "$.records[0].file", "only by import_cases"),
    (
        "records",
        [{"title": "PR-2", "kind": "xray", "content": "JVBERi0xLjQK"}],
        "$.records[0].kind",
        "not a record kind",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "path", "fragment"), BAD_INPUTS)
def test_each_bad_input_names_its_path_and_writes_nothing(field, value, path, fragment):
    payload = intake_payload()
    _set(payload, field, value)
    cleaned, errors = intake_validate(payload)
    assert fragment in message_at(errors, path)

    before = Case.objects.count()
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=payload, actor=None, source="api")
    assert path in paths(caught.value.errors)
    assert Case.objects.count() == before


def test_every_problem_is_reported_not_just_the_first():
    payload = intake_payload(priority="urgent", claim_number="")
    payload["items"][0]["category"] = "xray"
    payload["injured_worker"]["age"] = 200
    _, errors = intake_validate(payload)
    assert paths(errors) == [
        "$.priority",
        "$.claim_number",
        "$.injured_worker.age",
        "$.items[0].category",
    ]


def test_a_date_of_birth_after_the_injury_is_said_so_not_as_a_negative_age():
    payload = intake_payload(date_of_injury="1968-01-10")
    payload["injured_worker"]["date_of_birth"] = "1980-02-01"
    _, errors = intake_validate(payload)
    (error,) = [e for e in errors if e.path == "$.injured_worker.date_of_birth"]
    assert error.message == (
        "1980-02-01 is after the date of injury (1968-01-10): the worker was not born yet"
    )


def test_paths_in_a_list_carry_the_index():
    second = intake_payload(application_id="A-2")
    second["items"][0]["category"] = "xray"
    _, errors = intake_validate([intake_payload(application_id="A-1"), second])
    assert paths(errors) == ["$[1].items[0].category"]


def test_unknown_category_names_the_allowed_slugs():
    payload = intake_payload()
    payload["items"][0]["category"] = "chiropractc"
    _, errors = intake_validate(payload)
    message = message_at(errors, "$.items[0].category")
    assert "did you mean 'chiropractic'" in message
    assert "transportation" in message and "surgery_spine" in message


def test_the_root_must_be_an_object_or_a_non_empty_list():
    assert paths(intake_validate("hello")[1]) == ["$"]
    assert paths(intake_validate([])[1]) == ["$"]
    assert paths(intake_validate([intake_payload(), 7])[1]) == ["$[1]"]


def test_duplicate_application_id_in_one_file_is_an_error():
    _, errors = intake_validate([intake_payload(), intake_payload()])
    assert "first at $[0]" in message_at(errors, "$[1].application_id")


def test_age_may_stand_for_date_of_birth_and_neither_is_allowed():
    payload = intake_payload()
    payload["injured_worker"] = {"first_name": "Ana", "last_name": "Ruiz", "age": 48}
    cleaned, errors = intake_validate(payload)
    assert errors == []
    assert cleaned[0]["injured_worker"]["age"] == 48
    payload["injured_worker"].pop("age")
    cleaned, errors = intake_validate(payload)
    assert errors == [] and cleaned[0]["injured_worker"]["sex"] == "unknown"


def test_a_modified_request_carries_both_parts():
    payload = intake_payload()
    payload["items"][0].update(
        original_request="12 sessions of physical therapy", authorized_portion="6 sessions"
    )
    cleaned, errors = intake_validate(payload)
    assert errors == []
    assert cleaned[0]["items"][0]["authorized_portion"] == "6 sessions"


def test_a_formulary_dispute_on_a_drug_is_accepted():
    payload = intake_payload()
    payload["items"][0].update(category="pharmaceuticals", formulary_dispute=True)
    cleaned, errors = intake_validate(payload)
    assert errors == [] and cleaned[0]["items"][0]["formulary_dispute"] is True


@pytest.mark.django_db
def test_a_drug_class_is_kept_on_a_pharmaceutical_and_refused_elsewhere(case_admin):
    payload = intake_payload()
    payload["items"][0].update(category="pharmaceuticals", drug_class="opioids")
    cleaned, errors = intake_validate(payload)
    assert errors == [] and cleaned[0]["items"][0]["drug_class"] == "opioids"
    case = case_create(data=cleaned[0], actor=case_admin)
    assert case.items.get(position=1).get_drug_class_display() == "Opioids"
    assert case_export(case)["items"][0]["drug_class"] == "opioids"

    payload["items"][0].update(category="dme")
    _, errors = intake_validate(payload)
    assert [str(error) for error in errors] == [
        "$.items[0].drug_class: only a pharmaceuticals item has a drug class"
    ]
    payload["items"][0].update(category="pharmaceuticals", drug_class="aspirin")
    _, errors = intake_validate(payload)
    assert "$.items[0].drug_class" in str(errors[0])


def test_export_only_fields_are_accepted_and_ignored():
    payload = intake_payload(status="issued", round=3, clocks={}, outcome="upheld", letters=[])
    cleaned, errors = intake_validate(payload)
    assert errors == []
    assert "status" not in cleaned[0]


# --- records ----------------------------------------------------------------------------------


def test_record_files_are_read_relative_to_the_json_folder(folder):
    payload = intake_payload(
        records=[
            {
                "title": "PR-2 progress report",
                "document_date": "2016-10-19",
                "file": "records/pr2.pdf",
            }
        ]
    )
    cleaned, errors = intake_validate(payload, base_dir=folder)
    assert errors == []
    record = cleaned[0]["records"][0]
    assert record["path"] == (folder / "records" / "pr2.pdf").resolve()
    assert record["kind"] == RecordKind.MEDICAL


@pytest.mark.parametrize(
    ("file", "fragment"),
    [
        ("../outside.pdf", "'..' is not allowed"),
        ("records/../../outside.pdf", "'..' is not allowed"),
        ("/etc/passwd", "absolute path"),
        ("records/missing.pdf", "no such file"),
        ("records/notes.txt", "not a PDF"),
        ("escape.pdf", "outside the JSON file's folder"),
    ],
)
def test_record_files_outside_the_folder_or_not_pdf_are_refused(folder, file, fragment):
    (folder.parent / "outside.pdf").write_bytes(minimal_pdf())
    (folder / "escape.pdf").symlink_to(folder.parent / "outside.pdf")
    payload = intake_payload(records=[{"title": "Record", "file": file}])
    _, errors = intake_validate(payload, base_dir=folder)
    assert fragment in message_at(errors, "$.records[0].file")


def test_records_over_the_size_limit_are_refused(folder, settings):
    settings.RECORD_MAX_UPLOAD_BYTES = 100
    big = base64.b64encode(minimal_pdf(3)).decode()
    payload = intake_payload(
        records=[
            {"title": "On disk", "file": "records/pr2.pdf"},
            {"title": "Inline", "content": big},
        ]
    )
    _, errors = intake_validate(payload, base_dir=folder)
    assert "the limit is" in message_at(errors, "$.records[0].file")
    assert "the limit is" in message_at(errors, "$.records[1].content")


def test_base64_content_is_decoded_and_checked_against_its_sha256():
    pdf = minimal_pdf()
    record = {"title": "UR", "content": base64.b64encode(pdf).decode(), "sha256": "0" * 64}
    _, errors = intake_validate(intake_payload(records=[record]))
    assert "does not match" in message_at(errors, "$.records[0].sha256")
    import hashlib

    record["sha256"] = hashlib.sha256(pdf).hexdigest()
    cleaned, errors = intake_validate(intake_payload(records=[record]))
    assert errors == [] and cleaned[0]["records"][0]["content"] == pdf


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("UR decision 10/20/2016", RecordKind.UR_DECISION),
        ("Utilization Review Determination", RecordKind.UR_DECISION),
        ("UR denial letter", RecordKind.UR_DECISION),
        ("PR-2 progress report", RecordKind.MEDICAL),
        ("MRI report of the right shoulder", RecordKind.MEDICAL),
        ("IMR application", RecordKind.APPLICATION),
        ("Application for IMR, signed 11/02/2016", RecordKind.APPLICATION),
        ("Application for Independent Medical Review", RecordKind.APPLICATION),
        ("DWC Form IMR", RecordKind.APPLICATION),
    ],
)
def test_record_kind_is_inferred_from_the_title(title, kind):
    assert record_kind_infer(title) == kind


def test_an_explicit_record_kind_wins_over_the_title():
    content = base64.b64encode(minimal_pdf()).decode()
    payload = intake_payload(
        records=[{"title": "UR decision", "kind": "application", "content": content}]
    )
    cleaned, errors = intake_validate(payload)
    assert errors == [] and cleaned[0]["records"][0]["kind"] == "application"


# --- licensure and the legacy determination ---------------------------------------------------


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("CA", "California"),
        ("nc", "North Carolina"),
        ("north  carolina", "North Carolina"),
        ("N.Y.", "New York"),
        ("District of Columbia", "District of Columbia"),
        ("XX", None),
        ("Narnia", None),
    ],
)
def test_state_names_and_codes(given, name):
    assert state_name(given) == name


def test_licensure_display_prints_full_names_once_in_order():
    assert state_code("virginia") == "VA"
    assert licensure_display(["CT", "California", "VA", "ct"]) == (
        "Connecticut, California, Virginia"
    )


def test_legacy_determination_licence_codes_become_full_names():
    payload = intake_payload(determination=legacy_determination())
    cleaned, errors = intake_validate(payload)
    assert errors == []
    determination = cleaned[0]["determination"]
    assert determination["reviewer"]["licensure"] == ["Connecticut", "California", "Virginia"]
    assert determination["decision_date"] == dt.date(2016, 12, 1)


LEGACY_PROBLEMS = [
    (
        {"reviewer": {"licensure": ["CA", "ZZ"], "certifications": ["Surgery"]}},
        "$.determination.reviewer.licensure[1]",
        "not a US state",
    ),
    (
        {"reviewer": {"licensure": [], "certifications": ["Surgery"]}},
        "$.determination.reviewer.licensure",
        "must not be empty",
    ),
    ({"reviewer": {"licensure": ["CA"]}}, "$.determination.reviewer.certifications", "is required"),
    ({"decision_date": "2016-10-01"}, "$.determination.decision_date", "cannot precede"),
    ({"clinical_summary": ""}, "$.determination.clinical_summary", "is required"),
    ({"decisions": []}, "$.determination.decisions", "must not be empty"),
    (
        {
            "decisions": [
                {"item": 2, "outcome": "upheld", "citation": {"kind": "none"}, "rationale": "r"}
            ]
        },
        "$.determination.decisions[0].item",
        "no item 2",
    ),
    (
        {
            "decisions": [
                {"item": 1, "outcome": "denied", "citation": {"kind": "none"}, "rationale": "r"}
            ]
        },
        "$.determination.decisions[0].outcome",
        "upheld, overturned",
    ),
    (
        {
            "decisions": [
                {"item": True, "outcome": "upheld", "citation": {"kind": "none"}, "rationale": "r"}
            ]
        },
        "$.determination.decisions[0].item",
        "item's number",
    ),
    (
        {
            "decisions": [
                {
                    "item": 1,
                    "outcome": "upheld",
                    "citation": {"kind": "none", "text": "x"},
                    "rationale": "r",
                }
            ]
        },
        "$.determination.decisions[0].citation.text",
        "must be empty",
    ),
    ({"reviewer_name": "Dr. Secret"}, "$.determination.reviewer_name", "unknown field"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "path", "fragment"), LEGACY_PROBLEMS)
def test_legacy_determination_problems_are_named(overrides, path, fragment):
    payload = intake_payload(determination=legacy_determination(**overrides))
    _, errors = intake_validate(payload)
    assert fragment in message_at(errors, path)
    with pytest.raises(IntakeInvalid):
        cases_import(payload=payload, actor=None)
    assert not Case.objects.exists()


def test_each_item_is_decided_exactly_once():
    payload = intake_payload(determination=legacy_determination())
    payload["items"].append(
        {"description": "Physical therapy x6", "category": "pt_ot", "ur_citation": {"kind": "none"}}
    )
    decision = payload["determination"]["decisions"][0]
    payload["determination"]["decisions"].append(dict(decision))
    _, errors = intake_validate(payload)
    assert "already decided at $.determination.decisions[0]" in message_at(
        errors, "$.determination.decisions[1].item"
    )
    assert "item 2 has no decision" in message_at(errors, "$.determination.decisions")


# --- writing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_the_case_with_parties_items_and_records(folder, case_admin):
    payload = intake_payload(
        records=[
            {
                "title": "PR-2 progress report",
                "document_date": "2016-10-19",
                "file": "records/pr2.pdf",
            },
            {
                "title": "UR denial",
                "content": base64.b64encode(minimal_pdf()).decode(),
                "filename": "ur.pdf",
            },
        ]
    )
    (result,) = cases_import(payload=payload, actor=case_admin, source="import", base_dir=folder)
    assert result.created and result.status == CaseStatus.RECEIVED
    assert result.case_number.startswith("CM16-")
    case = Case.objects.get(application_id="A-2016-000123")
    assert case.case_number == result.case_number
    assert case.created_by == case_admin and case.source == "import"
    assert case.party(PartyRole.REQUESTING_PROVIDER).identifier == "1234567890"
    assert case.items.get().category == "diagnostic_imaging"
    records = {record.title: record for record in case.records.all()}
    assert records["PR-2 progress report"].kind == RecordKind.MEDICAL
    assert records["PR-2 progress report"].original_filename == "pr2.pdf"
    assert records["UR denial"].kind == RecordKind.UR_DECISION
    assert records["UR denial"].file.read().startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_date_assigned_brings_the_case_to_awaiting_records():
    (result,) = cases_import(payload=intake_payload(date_assigned="2016-11-09"), actor=None)
    assert result.status == CaseStatus.AWAITING_RECORDS
    assert Case.objects.get().date_assigned == dt.date(2016, 11, 9)


# --- how the UR decision was served and how the notice was sent ---------------------------------


@pytest.mark.django_db
def test_notice_sent_on_is_the_date_assigned_and_notice_sent_by_how_it_went():
    payload = intake_payload(
        notice_sent_on="2016-11-04",
        notice_sent_by="mail",
        ur_decision_served_on="2016-11-03",
        ur_decision_served_by="personal",
    )
    (result,) = cases_import(payload=payload, actor=None)
    case = Case.objects.get()
    assert result.status == CaseStatus.AWAITING_RECORDS
    assert case.date_assigned == dt.date(2016, 11, 4)
    assert case.notice_sent_by == SentBy.MAIL
    assert case.ur_decision_served_by == ServedBy.PERSONAL
    notice = CaseEvent.objects.get(case=case, type="notice_of_assignment_sent")
    assert notice.details["sent_by"] == SentBy.MAIL


@pytest.mark.django_db
def test_a_mailed_notice_gives_the_records_longer_than_an_emailed_one():
    for application_id, sent_by in (("A-MAIL", "mail"), ("A-EMAIL", "electronic")):
        payload = intake_payload(
            application_id=application_id, notice_sent_on="2016-11-04", notice_sent_by=sent_by
        )
        cases_import(payload=payload, actor=None)
    mailed = Case.objects.get(application_id="A-MAIL").clock.records_due_on
    emailed = Case.objects.get(application_id="A-EMAIL").clock.records_due_on
    # 8 CCR 9792.10.5(a)(1): 15 days after a mailed notice, 12 after an electronic one.
    assert emailed == dt.date(2016, 11, 16)
    assert mailed > emailed


@pytest.mark.django_db
def test_a_method_not_given_is_stored_as_not_known():
    cases_import(payload=intake_payload(notice_sent_on="2016-11-04"), actor=None)
    case = Case.objects.get()
    assert case.ur_decision_served_by == "" and case.notice_sent_by == ""
    assert case.date_assigned == dt.date(2016, 11, 4)


def test_date_assigned_and_notice_sent_on_may_repeat_the_same_date():
    payload = intake_payload(date_assigned="2016-11-09", notice_sent_on="2016-11-09")
    cleaned, errors = intake_validate(payload)
    assert errors == []
    assert cleaned[0]["date_assigned"] == dt.date(2016, 11, 9)


@pytest.mark.django_db
def test_date_assigned_and_notice_sent_on_that_differ_are_refused_naming_both():
    payload = intake_payload(date_assigned="2016-11-09", notice_sent_on="2016-11-10")
    _, errors = intake_validate(payload)
    assert paths(errors) == ["$.notice_sent_on"]
    assert "$.date_assigned (2016-11-09)" in message_at(errors, "$.notice_sent_on")
    with pytest.raises(IntakeInvalid):
        cases_import(payload=payload, actor=None)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_import_is_idempotent_by_application_id():
    first = cases_import(payload=intake_payload(), actor=None)
    changed = intake_payload(claim_number="99-999999")
    second = cases_import(payload=[changed, intake_payload(application_id="A-NEW")], actor=None)
    assert Case.objects.count() == 2
    assert second[0].created is False
    assert second[0].case_number == first[0].case_number
    assert second[0].status == CaseStatus.RECEIVED
    assert second[1].created is True
    # The stored application is not modified by a differing resubmission.
    assert Case.objects.get(application_id="A-2016-000123").claim_number == "05-123456"


@pytest.mark.django_db
def test_an_application_id_sent_again_in_other_letters_case_is_the_same_application():
    # From QA: "a-2016-000123" after "A-2016-000123" made a second case of one application.
    first = cases_import(payload=intake_payload(application_id="a-2016-000123"), actor=None)
    again = cases_import(payload=intake_payload(application_id="A-2016-000123"), actor=None)
    assert again[0].created is False
    assert again[0].case_number == first[0].case_number
    assert list(Case.objects.values_list("application_id", flat=True)) == ["A-2016-000123"]


@pytest.mark.django_db
def test_the_ids_on_file_are_put_in_capitals_unless_that_would_join_two_cases():

    migration = importlib.import_module("cases.migrations.0049_application_ids_in_capitals")
    for application_id in ("a-1", "b-2", "B-2", "C-3", "ab-4", "Ab-4"):
        CaseFactory(application_id=application_id)
    migration.capitalise(apps, None)
    # Alone in its capitals, written so; two that differ only in case, both left as they were.
    assert sorted(Case.objects.values_list("application_id", flat=True)) == [
        "A-1",
        "Ab-4",
        "B-2",
        "C-3",
        "ab-4",
        "b-2",
    ]


@pytest.mark.django_db
def test_one_invalid_application_in_a_list_writes_nothing(folder, settings):
    good = intake_payload(
        application_id="A-GOOD", records=[{"title": "PR-2", "file": "records/pr2.pdf"}]
    )
    bad = intake_payload(application_id="A-BAD", priority="soon")
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=[good, bad], actor=None, base_dir=folder)
    assert paths(caught.value.errors) == ["$[1].priority"]
    assert Case.objects.count() == 0 and MedicalRecord.objects.count() == 0
    assert not (settings.PRIVATE_MEDIA_ROOT / "records").exists()


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_and_removes_stored_files(folder, settings, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The legacy system's record is inconsistent.")

    # The reviewer side stores legacy determinations; it registers how in cases.registry.
    side = dataclasses.replace(registry.reviewer_side(), legacy_determination_import=refuse)
    monkeypatch.setattr(registry, "_registered", side)
    payload = [
        intake_payload(
            application_id="A-1", records=[{"title": "PR-2", "file": "records/pr2.pdf"}]
        ),
        intake_payload(application_id="A-2", determination=legacy_determination()),
    ]
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=payload, actor=None, base_dir=folder)
    assert [str(error) for error in caught.value.errors] == [
        "$[1].determination: The legacy system's record is inconsistent."
    ]
    assert Case.objects.count() == 0
    stored = list((settings.PRIVATE_MEDIA_ROOT / "records").rglob("*.pdf"))
    assert stored == []


@pytest.mark.django_db
def test_a_case_number_in_use_by_another_application_is_refused():
    CaseFactory(case_number="CM16-0213037")
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=intake_payload(case_number="CM16-0213037"), actor=None)
    assert "CM16-0213037 is already in use" in message_at(caught.value.errors, "$.case_number")
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_legacy_case_is_imported_as_issued_history(case_admin):
    payload = intake_payload(date_assigned="2016-11-09", determination=legacy_determination())
    (result,) = cases_import(payload=payload, actor=case_admin)
    assert result.status == CaseStatus.ISSUED
    case = Case.objects.get()
    assert case.due_on is None
    determination = Determination.objects.get(case=case)
    assert determination.imported and determination.reviewer is None
    assert determination.status == "issued"
    assert determination.reviewer_licensure == ["Connecticut", "California", "Virginia"]
    assert determination.reviewer_certifications == ["Family Practice"]
    assert determination.decision_date == dt.date(2016, 12, 1)
    assert determination.outcome == "overturned"
    decision = ItemDecision.objects.get(determination=determination)
    assert decision.item == case.items.get()
    assert decision.citation_text == "MTUS Shoulder Complaints 2004"
    event = CaseEvent.objects.get(case=case, type="case_imported")
    assert event.details == {"source": "import", "status": "issued"}
    assert event.actor == case_admin


@pytest.mark.django_db
def test_only_case_administrators_bring_a_completed_determination(api_client_user):
    payload = intake_payload(determination=legacy_determination())
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=payload, actor=api_client_user, source="api")
    assert "only a case administrator" in message_at(caught.value.errors, "$.determination")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_another_senders_application_is_not_revealed(api_client_user):
    other = UserFactory(role="api_client")
    cases_import(payload=intake_payload(), actor=other, source="api")
    with pytest.raises(IntakeInvalid) as caught:
        cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    (error,) = caught.value.errors
    assert error.path == "$.application_id"
    assert "CM16" not in error.message
    assert Case.objects.count() == 1


def test_intake_payload_is_not_changed_by_validation():
    payload = intake_payload(determination=legacy_determination())
    before = copy.deepcopy(payload)
    intake_validate(payload)
    assert json.dumps(payload, sort_keys=True) == json.dumps(before, sort_keys=True)


@pytest.mark.django_db
def test_the_adj_number_a_substitute_and_a_records_source_are_kept_and_exported():
    payload = intake_payload(adj_number="ADJ9876543")
    payload["items"][0].update(
        original_request="MRI of the right shoulder with contrast",
        authorized_portion="X-rays of the right shoulder",
        authorization_kind="substitute",
    )
    payload["records"] = [
        {
            "title": "PR-2 progress report",
            "source": "Pacific Claims Services",
            "content": base64.b64encode(minimal_pdf()).decode(),
        }
    ]
    cases_import(payload=payload, actor=None, source="api")

    case = Case.objects.get()
    assert case.adj_number == "ADJ9876543"
    assert case.items.get().was_substituted
    exported = case_export(case, include_content=True)
    assert exported["adj_number"] == "ADJ9876543"
    assert exported["items"][0]["authorization_kind"] == "substitute"
    assert exported["records"][0]["source"] == "Pacific Claims Services"
    assert intake_validate(exported)[1] == []


def test_applications_sent_again_are_compared_in_the_same_queries_however_many(case_admin):
    """Each one is compared with its case on file (`differs`): parties and items are read for
    all of them at once, not case by case."""

    def resent(count: int) -> int:
        payload = [intake_payload(application_id=f"A-{count}-{n}") for n in range(count)]
        cases_import(payload=payload, actor=case_admin)
        with CaptureQueriesContext(connection) as queries:
            results = cases_import(payload=payload, actor=case_admin)
        assert [result.differs for result in results] == [()] * count
        return len(queries)

    assert resent(2) == resent(6)
