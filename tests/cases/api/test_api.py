import base64
import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Role
from cases.api.serializers import CaseExportSerializer
from cases.api.views import exception_handler
from cases.intake import schema as intake_schema
from cases.intake.schema import intake_case_json_schema
from cases.intake.services import cases_import
from cases.intake.validation import intake_validate
from cases.intake.validation.keys import (
    CASE_KEYS,
    CASE_REQUIRED,
    CITATION_KEYS,
    DECISION_KEYS,
    DETERMINATION_KEYS,
    ITEM_KEYS,
    ITEM_REQUIRED,
    PARTY_KEYS,
    RECORD_KEYS,
    REVIEWER_KEYS,
    WORKER_KEYS,
    WORKER_REQUIRED,
)
from cases.lifecycle.models import Case, CaseStatus, ItemCategory
from cases.records.models import MedicalRecord
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.factories import (
    CaseFactory,
    UserFactory,
    api_client_for,
    api_token_for,
    intake_payload,
    minimal_pdf,
)

CASES_URL = "/api/v1/cases/"


def client_for(user) -> APIClient:
    return api_client_for(user)


def post_json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def pdf_base64(pages=1) -> str:
    return base64.b64encode(minimal_pdf(pages)).decode()


@pytest.fixture
def api(api_client_user):
    return client_for(api_client_user)


# --- authentication and roles -----------------------------------------------------------------


@pytest.mark.django_db
def test_no_token_is_401_with_a_json_error():
    response = post_json(client_for(None), CASES_URL, intake_payload())
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "path": None,
                "message": "No API token was sent. Send the header as: Authorization: Token <key>.",
            }
        ]
    }
    assert client_for(None).get(CASES_URL).status_code == 401
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(CASES_URL).status_code == 401


@pytest.mark.django_db
def test_a_bearer_header_is_told_how_to_send_the_token(api_client_user):
    # From a QA pass: "Bearer <valid key>" answered "credentials were not provided".
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(api_client_user)}")
    response = client.get(CASES_URL)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == (
        "Send the header as: Authorization: Token <key> (the word Token, not Bearer)."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QUALITY_REVIEWER])
def test_reviewers_may_not_submit(role):
    response = post_json(client_for(UserFactory(role=role)), CASES_URL, intake_payload())
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == (
        "Only case administrators, system administrators and API clients may submit "
        "applications and records."
    )
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.API_CLIENT, Role.CASE_ADMIN, Role.SYSTEM_ADMIN])
def test_submitters_create_a_case(role):
    user = UserFactory(role=role)
    response = post_json(client_for(user), CASES_URL, intake_payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert body == {
        "application_id": "A-2016-000123",
        "case_number": case.case_number,
        "status": "received",
        "created": True,
        "differs": [],
    }
    assert case.created_by == user and case.source == "api"


# --- intake -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_list_returns_a_list_and_resubmission_is_200(api):
    payload = [intake_payload(application_id="A-1"), intake_payload(application_id="A-2")]
    first = post_json(api, CASES_URL, payload)
    assert first.status_code == 201
    assert [row["created"] for row in first.json()] == [True, True]

    again = post_json(api, CASES_URL, payload)
    assert again.status_code == 200
    assert [row["created"] for row in again.json()] == [False, False]
    assert [row["case_number"] for row in again.json()] == [
        row["case_number"] for row in first.json()
    ]
    assert Case.objects.count() == 2

    mixed = post_json(api, CASES_URL, [*payload, intake_payload(application_id="A-3")])
    assert mixed.status_code == 201
    assert [row["created"] for row in mixed.json()] == [False, False, True]
    assert [row["differs"] for row in again.json()] == [[], []]


@pytest.mark.django_db
def test_an_application_id_in_other_letters_case_is_the_application_on_file(api):
    # From QA: an id sent again in small letters made a second case of one application.
    first = post_json(api, CASES_URL, intake_payload(application_id="A-2016-77"))
    again = post_json(api, CASES_URL, intake_payload(application_id="a-2016-77"))
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["case_number"] == first.json()["case_number"]
    assert again.json()["application_id"] == "A-2016-77"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_an_application_id_sent_again_with_other_facts_says_which_and_changes_nothing(api):
    # Given an application on file
    first = post_json(api, CASES_URL, intake_payload(application_id="A-9"))
    case = Case.objects.get(application_id="A-9")

    # When a sender reuses its id for another worker's application
    other = intake_payload(application_id="A-9", claim_number="07-000001")
    other["injured_worker"]["last_name"] = "Someone-Else"
    other["items"][0]["description"] = "Physical therapy, 12 sessions"
    again = post_json(api, CASES_URL, other)

    # Then it is told which facts differ from the case on file, and nothing changed
    assert again.status_code == 200
    assert again.json()["case_number"] == first.json()["case_number"]
    assert again.json()["differs"] == [
        "$.claim_number",
        "$.injured_worker.last_name",
        "$.items[0].description",
    ]
    case.refresh_from_db()
    assert case.claim_number != "07-000001" and case.worker_last_name != "Someone-Else"


@pytest.mark.django_db
def test_an_application_sent_again_with_corrections_or_records_says_each_and_changes_nothing(
    api,
):
    # From QA: a re-send with the UR decision attached, the service date and method corrected,
    # another employer, another item category and received date was told `differs: []`, and
    # the PDF was thrown away without a word.
    post_json(api, CASES_URL, intake_payload(application_id="A-7"))
    case = Case.objects.get(application_id="A-7")
    fuller = intake_payload(
        application_id="A-7",
        ur_decision_served_on="2016-11-10",
        ur_decision_served_by="electronic",
        application_received="2016-11-28",
        records=[{"title": "UR decision", "content": pdf_base64()}],
    )
    fuller["employer"]["name"] = "Another Employer LLC"
    fuller["diagnoses"] = ["lumbar strain"]
    fuller["items"][0]["category"] = "pt_ot"
    again = post_json(api, CASES_URL, fuller)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["differs"] == [
        "$.application_received",
        "$.ur_decision_served_on",
        "$.ur_decision_served_by",
        "$.employer.name",
        "$.diagnoses",
        "$.items[0].category",
        "$.records[0]",
    ]
    assert not case.records.exists()
    # The record, sent on its own, is added; sent again with the application, it is on file
    record = {"title": "UR decision", "content": pdf_base64()}
    added = post_json(api, f"{CASES_URL}{case.case_number}/records/", record)
    assert added.status_code == 201
    resent = post_json(api, CASES_URL, intake_payload(application_id="A-7", records=[record]))
    assert resent.json()["differs"] == []


@pytest.mark.django_db
def test_invalid_intake_is_400_with_paths_and_writes_nothing(api):
    bad = intake_payload(application_id="A-2")
    bad["items"][0]["category"] = "xray"
    bad["records"] = [{"title": "PR-2", "file": "records/pr2.pdf"}]
    response = post_json(api, CASES_URL, [intake_payload(application_id="A-1"), bad])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["path"] for error in errors] == [
        "$[1].items[0].category",
        "$[1].records[0].file",
    ]
    assert "diagnostic_imaging" in errors[0]["message"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_records_arrive_in_base64_with_the_application(api):
    payload = intake_payload(
        records=[{"title": "UR decision", "document_date": "2016-11-03", "content": pdf_base64()}]
    )
    assert post_json(api, CASES_URL, payload).status_code == 201
    record = MedicalRecord.objects.get()
    assert record.kind == "ur_decision" and record.file.read().startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [5000, 40])
def test_a_body_nested_too_deep_is_400_and_changes_nothing(api, depth):
    """From a QA pass: a 10 KB body nested 5,000 levels deep was a server error."""
    body = '{"items":' + "[" * depth + "]" * depth + "}"
    response = api.post(CASES_URL, data=body, content_type="application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$" and "more than 32 levels deep" in error["message"]
    # From QA: valid JSON was answered "The body is not valid JSON (nests …)".
    assert error["message"].startswith("The body is too deeply nested: it nests lists or objects")
    assert "not valid JSON" not in error["message"]
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "twice", "path", "key"),
    [
        (
            '"claim_number": "05-123456"',
            '"claim_number": "FIRST", "claim_number": "SECOND"',
            "$.claim_number",
            "claim_number",
        ),
        (
            '"category": "diagnostic_imaging"',
            '"category": "diagnostic_imaging", "category": "pt_ot"',
            "$.items[0].category",
            "category",
        ),
    ],
)
def test_a_key_given_twice_is_400_naming_it_and_its_path_and_changes_nothing(
    api, given, twice, path, key
):
    """From QA: {"claim_number":"FIRST","claim_number":"SECOND"} was taken as SECOND, 201."""
    body = json.dumps(intake_payload(application_id="A-TWICE"))
    assert given in body

    response = api.post(CASES_URL, data=body.replace(given, twice), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": path,
            "message": f'the key "{key}" is given more than once in the same object; give it once',
        }
    ]
    assert not Case.objects.filter(application_id="A-TWICE").exists()


@pytest.mark.django_db
def test_malformed_json_and_an_empty_body_are_400(api):
    response = api.post(CASES_URL, data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$"
    # From QA: the parser's words alone; now what was wrong and how to send it.
    message = response.json()["errors"][0]["message"]
    assert message.startswith("The body is not valid JSON (Expecting property name")
    assert message.endswith(
        "Send one application as a JSON object, or several as a JSON list of objects, with the "
        "header Content-Type: application/json."
    )
    response = api.post(CASES_URL, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$", "message": "must be an application object or a list of them"}
    ]


@pytest.mark.django_db
def test_an_oversize_body_is_413_and_writes_nothing(api, settings):
    settings.API_MAX_BODY_BYTES = 2000
    payload = intake_payload(records=[{"title": "PR-2", "content": pdf_base64(pages=20)}])
    assert len(json.dumps(payload)) > 2000
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 413
    (error,) = response.json()["errors"]
    assert error["path"] == "$" and "the limit is" in error["message"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_api_client_cannot_bring_a_completed_determination(api):
    payload = intake_payload(
        determination={
            "reviewer": {"licensure": ["CA"], "certifications": ["Radiology"]},
            "decision_date": "2016-12-01",
            "clinical_summary": "Summary.",
            "decisions": [
                {
                    "item": 1,
                    "outcome": "overturned",
                    "citation": {"kind": "none"},
                    "rationale": "Necessary.",
                }
            ],
        }
    )
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.determination"
    assert not Case.objects.exists()


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_only_the_clients_own_cases(api, api_client_user, case_admin):
    mine = cases_import(payload=intake_payload(application_id="MINE"), actor=api_client_user)
    other_client = UserFactory(role=Role.API_CLIENT)
    cases_import(payload=intake_payload(application_id="THEIRS"), actor=other_client)
    CaseFactory()

    response = api.get(CASES_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row == {
        "case_number": mine[0].case_number,
        "application_id": "MINE",
        "status": "received",
        "priority": "standard",
        # Received Thu 11/03/2016: the finding and notice are due the next business day.
        "due_on": "2016-11-04",
    }
    assert client_for(case_admin).get(CASES_URL).json()["count"] == 3


@pytest.mark.django_db
def test_the_list_filters_by_status(api, api_client_user):
    cases_import(payload=intake_payload(application_id="A-1"), actor=api_client_user)
    cases_import(
        payload=intake_payload(application_id="A-2", date_assigned="2016-11-09"),
        actor=api_client_user,
    )
    response = api.get(CASES_URL, {"status": CaseStatus.AWAITING_RECORDS})
    assert [row["application_id"] for row in response.json()["results"]] == ["A-2"]


@pytest.mark.django_db
def test_case_detail_is_the_export_without_the_reviewer(api, api_client_user, reviewer):
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user)
    case = Case.objects.get()
    Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ASSIGNED)
    response = api.get(f"{CASES_URL}{result.case_number}/")
    assert response.status_code == 200
    data = response.json()
    assert data["case_number"] == result.case_number
    assert data["status"] == "received"
    # The UR service method is not held: taken as mail, +5 days (CCP 1013(a)).
    assert data["clocks"]["application_deadline"] == "2016-12-08"
    assert data["assignment"]["status"] == "assigned"
    assert "reviewer" not in data["assignment"]
    assert reviewer.username not in response.content.decode()
    assert reviewer.last_name not in response.content.decode()
    assert data["outcome"] is None and data["letters"] == []


@pytest.mark.django_db
def test_the_api_takes_and_returns_how_the_ur_decision_and_the_notice_were_served(api):
    payload = intake_payload(
        ur_decision_served_on="2016-11-03",
        ur_decision_served_by="electronic",
        notice_sent_on="2016-11-04",
        notice_sent_by="mail",
    )
    created = post_json(api, CASES_URL, payload)
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == CaseStatus.AWAITING_RECORDS

    data = api.get(f"{CASES_URL}{created.json()['case_number']}/").json()

    assert data["ur_decision_served_on"] == "2016-11-03"
    assert data["ur_decision_served_by"] == "electronic"
    assert data["notice_sent_on"] == data["date_assigned"] == "2016-11-04"
    assert data["notice_sent_by"] == "mail"


@pytest.mark.django_db
def test_the_api_names_a_bad_method_of_service_by_its_path(api):
    response = post_json(api, CASES_URL, intake_payload(ur_decision_served_by="email"))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.ur_decision_served_by",
            "message": "\"email\" is not a method of service (did you mean 'electronic'?); "
            "use one of: mail, electronic, personal",
        }
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_another_clients_case_is_404(api):
    other = cases_import(
        payload=intake_payload(), actor=UserFactory(role=Role.API_CLIENT), source="api"
    )
    response = api.get(f"{CASES_URL}{other[0].case_number}/")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"path": None, "message": "No such case."}]}
    assert api.get(f"{CASES_URL}CM99-0000001/").status_code == 404


@pytest.mark.django_db
def test_a_case_number_of_another_sender_reveals_nothing_of_their_case(api, api_client_user):
    # Given another sender's case (application A-THEIRS) and one of the client's own
    theirs = CaseFactory(
        case_number="CM16-0213037",
        application_id="A-THEIRS",
        created_by=UserFactory(role=Role.API_CLIENT),
    )
    mine = CaseFactory(case_number="CM16-0213038", created_by=api_client_user)
    answers = []
    for number in (theirs.case_number, mine.case_number):
        # When the client submits a new application with the number taken
        response = post_json(
            api, CASES_URL, intake_payload(application_id=f"A-NEW-{number}", case_number=number)
        )
        assert response.status_code == 400
        answers.append(response.json()["errors"])
    # Then neither answer names the other sender's application, and both read alike
    assert "A-THEIRS" not in str(answers[0])
    assert answers[0][0]["message"].replace(theirs.case_number, "#") == answers[1][0][
        "message"
    ].replace(mine.case_number, "#")
    # And reading, or adding a record to, the other sender's case is the answer for no case
    missing = "CM99-0000001"
    for number in (theirs.case_number, missing):
        assert api.get(f"{CASES_URL}{number}/").json() == {
            "errors": [{"path": None, "message": "No such case."}]
        }
        response = post_json(api, f"{CASES_URL}{number}/records/", {"title": "PR-2"})
        assert (response.status_code, response.json()) == (
            404,
            {"errors": [{"path": None, "message": "No such case."}]},
        )


@pytest.mark.django_db
def test_another_senders_application_id_is_refused_without_its_case(api):
    cases_import(
        payload=intake_payload(application_id="A-THEIRS"),
        actor=UserFactory(role=Role.API_CLIENT),
        source="api",
    )
    response = post_json(api, CASES_URL, intake_payload(application_id="A-THEIRS"))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$.application_id"
    assert "CM" not in error["message"] and "another" not in error["message"]


# --- record upload ----------------------------------------------------------------------------


@pytest.fixture
def my_case(api_client_user):
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    return Case.objects.get(case_number=result.case_number)


@pytest.mark.django_db
def test_a_record_is_added_to_an_open_case(api, my_case):
    url = f"{CASES_URL}{my_case.case_number}/records/"
    response = post_json(
        api,
        url,
        {"title": "PR-2 progress report", "document_date": "2016-10-19", "content": pdf_base64()},
    )
    assert response.status_code == 201, response.json()
    record = my_case.records.get()
    assert response.json() == {
        "id": record.pk,
        "case_number": my_case.case_number,
        "title": "PR-2 progress report",
        "document_date": "2016-10-19",
        "kind": "medical",
        "source": "",
        "sha256": record.sha256,
        "size": record.size,
        "created": True,
    }


@pytest.mark.django_db
def test_a_record_sent_again_after_a_timeout_is_not_added_twice(api, my_case):
    """From a QA pass: a client retrying the upload after a timeout added the record again, so
    the case's file (and the letter's documents reviewed) listed it twice."""
    url = f"{CASES_URL}{my_case.case_number}/records/"
    record = {"title": "PR-2 progress report", "document_date": "2016-10-19"}
    record["content"] = pdf_base64()

    first = post_json(api, url, record)
    again = post_json(api, url, record)

    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert my_case.records.count() == 1
    # The same PDF under another title or date is refused, as the case page refuses it (from a
    # QA pass: it was added, and listed twice among the letter's documents reviewed).
    for changed in ({"title": "PR-2 progress report, page 2"}, {"document_date": "2016-10-20"}):
        other = post_json(api, url, {**record, **changed})
        assert other.status_code == 400
        (error,) = other.json()["errors"]
        assert error["path"] == "$.content"
        assert "this PDF is already in the case file as “PR-2 progress report”" in error["message"]
    assert my_case.records.count() == 1


@pytest.mark.django_db
def test_a_record_that_is_not_a_pdf_is_refused_with_a_message(api, my_case):
    url = f"{CASES_URL}{my_case.case_number}/records/"
    text = base64.b64encode(b"<html>not a pdf</html>").decode()
    response = post_json(api, url, {"title": "Scan", "content": text})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$.content"
    assert "not a PDF" in error["message"]
    assert not my_case.records.exists()


@pytest.mark.django_db
def test_a_record_upload_names_each_problem(api, my_case):
    url = f"{CASES_URL}{my_case.case_number}/records/"
    response = post_json(api, url, {"document_date": "2016-13-01", "content": pdf_base64()})
    assert response.status_code == 400
    assert [error["path"] for error in response.json()["errors"]] == [
        "$.title",
        "$.document_date",
    ]


@pytest.mark.django_db
def test_a_record_for_a_closed_case_is_refused(api, my_case):
    Case.objects.filter(pk=my_case.pk).update(status=CaseStatus.TERMINATED)
    url = f"{CASES_URL}{my_case.case_number}/records/"
    response = post_json(api, url, {"title": "Late record", "content": pdf_base64()})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$", "message": "Records cannot be added to a closed case."}
    ]


@pytest.mark.django_db
def test_record_upload_roles_and_visibility(my_case, reviewer):
    url = f"{CASES_URL}{my_case.case_number}/records/"
    body = {"title": "PR-2", "content": pdf_base64()}
    assert post_json(client_for(reviewer), url, body).status_code == 403
    stranger = client_for(UserFactory(role=Role.API_CLIENT))
    assert post_json(stranger, url, body).status_code == 404
    assert not my_case.records.exists()


@pytest.mark.django_db
def test_an_oversize_record_upload_is_413(api, my_case, settings):
    settings.API_MAX_BODY_BYTES = 500
    url = f"{CASES_URL}{my_case.case_number}/records/"
    response = post_json(api, url, {"title": "Big", "content": pdf_base64(pages=10)})
    assert response.status_code == 413
    assert not my_case.records.exists()


# --- errors and schema ------------------------------------------------------------------------


def test_drf_nested_validation_errors_become_paths():
    exc = ValidationError(
        {
            "items": [{}, {"category": ["Not a category."]}],
            "non_field_errors": ["Something overall."],
            "injured_worker": {"age": ["Too young."]},
        }
    )
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {
        "errors": [
            {"path": "$.items[1].category", "message": "Not a category."},
            {"path": "$", "message": "Something overall."},
            {"path": "$.injured_worker.age", "message": "Too young."},
        ]
    }


def test_django_validation_errors_become_paths():
    response = exception_handler(DjangoValidationError({"claim_number": ["Too long."]}), {})
    assert response.status_code == 400
    assert response.data == {"errors": [{"path": "$.claim_number", "message": "Too long."}]}
    response = exception_handler(DjangoValidationError("Refused."), {})
    assert response.data == {"errors": [{"path": "$", "message": "Refused."}]}


def _schema(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _body_schema(schema: dict, path: str) -> dict:
    return schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


@pytest.mark.django_db
def test_schema_request_bodies_list_exactly_the_intake_keys(client):
    schema = _schema(client)
    one, many = _body_schema(schema, CASES_URL)["oneOf"]
    assert many["items"] == one
    case = one["properties"]
    assert list(case) == list(CASE_KEYS)
    assert list(case["injured_worker"]["properties"]) == list(WORKER_KEYS)
    for role, keys in PARTY_KEYS.items():
        assert list(case[role]["properties"]) == list(keys), role
    item = case["items"]["items"]["properties"]
    assert list(item) == list(ITEM_KEYS)
    assert list(item["ur_citation"]["properties"]) == list(CITATION_KEYS)
    assert list(case["records"]["items"]["properties"]) == list(RECORD_KEYS)
    determination = case["determination"]["properties"]
    assert list(determination) == list(DETERMINATION_KEYS)
    assert list(determination["reviewer"]["properties"]) == list(REVIEWER_KEYS)
    decision = determination["decisions"]["items"]["properties"]
    assert list(decision) == list(DECISION_KEYS)
    assert list(decision["citation"]["properties"]) == list(CITATION_KEYS)
    record_body = _body_schema(schema, "/api/v1/cases/{case_number}/records/")
    assert list(record_body["properties"]) == list(RECORD_KEYS)
    # The choices and sizes are the checker's.
    assert item["category"]["enum"] == list(ItemCategory.values)
    # An optional choice may be null (not given), which OpenAPI 3.0 has named in the list.
    assert case["ur_decision_served_by"]["enum"] == ["mail", "electronic", "personal", None]
    assert case["notice_sent_by"]["enum"] == ["mail", "electronic", None]
    assert case["notice_sent_on"]["format"] == "date"
    assert case["application_id"]["maxLength"] == Case._meta.get_field("application_id").max_length


def test_a_key_added_to_a_table_shows_in_the_schema(monkeypatch):
    monkeypatch.setattr(intake_schema, "ITEM_KEYS", (*ITEM_KEYS, "laterality"))
    monkeypatch.setattr(intake_schema, "CASE_KEYS", (*CASE_KEYS, "adj_number"))

    case = intake_case_json_schema()

    assert "adj_number" in case["properties"]
    assert "laterality" in case["properties"]["items"]["items"]["properties"]


def _required_by_checker(payload: dict, key: str, path: str) -> bool:
    _, errors = intake_validate(payload)
    return any(error.path == path and error.message.startswith("is required") for error in errors)


@pytest.mark.parametrize("key", CASE_KEYS)
def test_schema_requires_what_the_checker_requires_of_a_case(key):
    payload = intake_payload()
    payload.pop(key, None)
    assert _required_by_checker(payload, key, f"$.{key}") == (key in CASE_REQUIRED)


@pytest.mark.parametrize("key", WORKER_KEYS)
def test_schema_requires_what_the_checker_requires_of_the_worker(key):
    payload = intake_payload()
    payload["injured_worker"].pop(key, None)
    path = f"$.injured_worker.{key}"
    assert _required_by_checker(payload, key, path) == (key in WORKER_REQUIRED)


@pytest.mark.parametrize("key", ITEM_KEYS)
def test_schema_requires_what_the_checker_requires_of_an_item(key):
    payload = intake_payload()
    payload["items"][0].pop(key, None)
    path = f"$.items[0].{key}"
    assert _required_by_checker(payload, key, path) == (key in ITEM_REQUIRED)


@pytest.mark.django_db
def test_export_serializer_documents_the_export(api, my_case):
    data = api.get(f"{CASES_URL}{my_case.case_number}/").json()
    assert set(data) == set(CaseExportSerializer().fields)
    assert set(data["clocks"]) == set(CaseExportSerializer().fields["clocks"].fields)


@pytest.mark.django_db
def test_schema_lists_the_api_paths(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{case_number}/",
        "/api/v1/cases/{case_number}/records/",
    ):
        assert path in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/cases/"]
    assert "CaseExport" in schema["components"]["schemas"]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))


@pytest.mark.django_db
def test_case_detail_clocks_explain_every_date_and_name_their_calendars(api, api_client_user):
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user)

    clocks = api.get(f"{CASES_URL}{result.case_number}/").json()["clocks"]

    # 8 CCR 9792.10.4(b): received Thu 11/03/2016, the notice is due the next business day.
    assert clocks["running"] == "notice"
    assert clocks["notice_due_on"] == clocks["due_on"] == "2016-11-04"
    assert "8 CCR 9792.10.4(b)" in clocks["explain"]["notice_due_on"]
    assert "Avila" in clocks["explain"]["application_deadline"]
    assert set(clocks["calendar_versions"]) == {"application_deadline", "notice_due_on"}
    assert clocks["calendar_versions"]["application_deadline"].startswith("judicial")
    assert clocks["calendar_versions"]["notice_due_on"].startswith("state_offices")
    assert clocks["items"] == []


@pytest.mark.django_db
def test_schema_documents_the_415_a_body_not_sent_as_json_gets(api, api_client_user, client):
    """From a QA pass: a form post or text/plain body is answered 415, which the schema did not
    list, so a client generated from it had no type for that answer."""
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user)
    schema = _schema(client)
    for path, url in (
        (CASES_URL, CASES_URL),
        ("/api/v1/cases/{case_number}/records/", f"{CASES_URL}{result.case_number}/records/"),
    ):
        response = api.post(
            url, data="title=PR-2", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 415
        assert response.json()["errors"][0]["message"].endswith(
            "Send one application as a JSON object, or several as a JSON list of objects, with the "
            "header Content-Type: application/json."
        )
        documented = schema["paths"][path]["post"]["responses"]
        assert "415" in documented, path
        ref = documented["415"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorList")


@pytest.mark.django_db
def test_an_application_with_more_items_than_the_form_takes_is_refused_as_the_schema_says(
    api, client
):
    """From a QA pass: the form took at most 50 disputed items, the API any number."""
    item = {"description": "Physical therapy", "category": "pt_ot", "ur_citation": {"kind": "none"}}
    payload = intake_payload(application_id="A-MANY", items=[item] * 51)

    response = api.post(CASES_URL, data=json.dumps(payload), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$.items", "message": "names 51 disputed items; the limit is 50"}
    ]
    assert not Case.objects.filter(application_id="A-MANY").exists()
    one, _many = _body_schema(_schema(client), CASES_URL)["oneOf"]
    assert one["properties"]["items"]["maxItems"] == 50


@pytest.mark.django_db
def test_the_same_pdf_twice_in_one_application_is_400_and_writes_nothing(api):
    # From QA: both were filed, the same PDF listed twice among the documents reviewed.
    same = pdf_base64()
    payload = intake_payload(
        records=[
            {"title": "UR decision", "document_date": "2016-11-03", "content": same},
            {"title": "PR-2 copy", "document_date": "2016-11-03", "content": same},
        ]
    )
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.records[1]",
            "message": (
                "is the same PDF as “UR decision”, an earlier record of this application; "
                "send each record once"
            ),
        }
    ]
    assert not Case.objects.exists() and not MedicalRecord.objects.exists()


# --- Case numbers are the IRO's -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_client_may_not_bring_a_case_number(api):
    # From QA: a sender's "CM26-0900000" moved the counter every later case is numbered from,
    # and "CM26-9999999" made the next ones CM26-10000000, a number no door accepts.
    response = post_json(api, CASES_URL, intake_payload(case_number="CM16-0900000"))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.case_number",
            "message": "only the review organization numbers cases; leave case_number out and "
            "the case gets its number (it comes back in the answer)",
        }
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_brought_case_number_is_of_the_year_the_application_came():
    admin = client_for(UserFactory(role="case_admin"))
    payload = intake_payload(case_number="CM15-0900001", application_received="2026-11-20")
    response = post_json(admin, CASES_URL, payload)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.case_number",
            "message": "CM15-0900001 is a number of 2015, but the application was received in 2026",
        }
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_no_case_number_of_eight_digits_is_ever_made():
    # A legacy import brings the year's last number: the next application is refused in words,
    # not numbered CM26-10000000.
    admin = client_for(UserFactory(role="case_admin"))
    last = intake_payload(
        application_id="LEGACY-1", case_number="CM26-9999999", application_received="2026-11-20"
    )
    assert post_json(admin, CASES_URL, last).status_code == 201
    for payload in (
        intake_payload(application_id="NEW-1", application_received="2026-11-21"),
        [
            intake_payload(application_id=f"NEW-{n}", application_received="2026-11-21")
            for n in (2, 3)
        ],
    ):
        response = post_json(admin, CASES_URL, payload)
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["message"].startswith("No case number is left for 2026")
    assert list(Case.objects.values_list("case_number", flat=True)) == ["CM26-9999999"]


@pytest.mark.django_db
def test_an_application_the_organization_typed_in_tells_the_sender_whom_to_ask(api):
    # From QA: "already on file; it cannot be submitted again", and no way forward for a
    # client whose application the staff had typed in from paper.
    CaseFactory(application_id="QA-FORM-1")
    response = post_json(api, CASES_URL, intake_payload(application_id="QA-FORM-1"))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$.application_id"
    assert "ask the review organization for its case number" in error["message"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_fact_left_out_of_an_application_sent_again_is_not_a_difference(api, case_admin):
    # From a review: the checker's defaults for a key left out (the worker's sex "unknown", an
    # item not a formulary dispute, its authorization "portion") were compared as if sent.
    first = intake_payload(application_id="A-8")
    first["injured_worker"]["sex"] = "female"
    first["items"][0]["formulary_dispute"] = True
    first["items"][0]["authorization_kind"] = "full"
    first["records"] = [{"title": "PR-2", "content": pdf_base64()}]
    post_json(api, CASES_URL, first)
    again = intake_payload(application_id="A-8", records=first["records"])
    assert post_json(api, CASES_URL, again).json()["differs"] == []

    # A record withdrawn since is not in the case's file: sent again, it is named
    from cases.records.services import record_withdraw

    record_withdraw(
        record=MedicalRecord.objects.get(), actor=case_admin, reason="Another patient's file"
    )
    assert post_json(api, CASES_URL, again).json()["differs"] == ["$.records[0]"]
