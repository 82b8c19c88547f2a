"""Hostile input over the API and the web: NUL characters, huge paging numbers, a record near
the size limit, and errors that are always JSON under /api/."""

import base64
import io
import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from rest_framework.test import APIClient

from cases.intake.services import cases_import
from cases.lifecycle.models import Case
from cases.records.models import MedicalRecord
from ops.errors import bad_request, server_error
from tests.factories import CaseFactory, api_token_for, intake_payload, minimal_pdf

CASES_URL = "/api/v1/cases/"
NUL_MESSAGE = "contains a NUL character (\\u0000), which no field accepts"


@pytest.fixture
def api(api_client_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(api_client_user)}")
    return client


@pytest.fixture
def my_case(api_client_user):
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    return Case.objects.get(case_number=result.case_number)


def post_json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def padded_pdf(total_bytes: int) -> bytes:
    """One page whose content stream is a comment padding the file to about `total_bytes`."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    stream = DecodedStreamObject()
    stream.set_data(b"%" + b"x" * (total_bytes - 1000) + b"\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _messages_by_path(response) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in response.json()["errors"]:
        errors[error["path"]] = f"{errors.get(error['path'], '')} | {error['message']}"
    return errors


# --- NUL characters -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_in_any_text_of_an_application_is_refused_by_path(api):
    payload = intake_payload()
    payload["claim_number"] = "05-123\x00456"
    payload["items"][0]["description"] = "Lumbar\u0000 block"
    payload["injured_worker"]["first\x00name"] = "Ana"
    # Looked up against the cases on file: PostgreSQL refused the NUL in the query (a 500
    # schemathesis found).
    payload["application_id"] = "A-\x00"
    payload["case_number"] = "CM26-\x001"
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 400
    errors = _messages_by_path(response)
    assert NUL_MESSAGE in errors["$.claim_number"]
    assert NUL_MESSAGE in errors["$.application_id"]
    assert NUL_MESSAGE in errors["$.items[0].description"]
    # The key's path as the unknown-field message gives it, escaped once.
    assert NUL_MESSAGE in errors['$.injured_worker["first\\u0000name"]']
    assert "unknown field" in errors['$.injured_worker["first\\u0000name"]']
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_control_or_bidirectional_override_character_is_refused_by_path(api):
    """From QA: "Smith\u202egnorw" was stored and shown as "Smithwrong", so a search for what
    the page showed found nothing; an escape sequence and a bell printed as boxes. A line
    break or a tab in a text is taken as before."""
    payload = intake_payload()
    payload["claim_number"] = "CLM-\u202eTXE-1"
    payload["injured_worker"]["last_name"] = "ESC\u001b[31mRED"
    # A form feed, as text copied out of a PDF holds, is a line break (from the review).
    payload["items"][0]["description"] = "MRI of the\nright shoulder\twithout\x0ccontrast"
    payload["employer"]["name"] = "AB\u0007C"
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 400
    errors = _messages_by_path(response)
    assert "contains the control character \\u202e" in errors["$.claim_number"]
    assert "contains the control character \\u001b" in errors["$.injured_worker.last_name"]
    assert "contains the control character \\u0007" in errors["$.employer.name"]
    assert "$.items[0].description" not in errors
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_a_record_upload_is_refused(api, my_case):
    response = post_json(
        api,
        f"{CASES_URL}{my_case.case_number}/records/",
        {"title": "PR-2\x00", "content": base64.b64encode(minimal_pdf()).decode()},
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$.title" and NUL_MESSAGE in error["message"]
    assert not MedicalRecord.objects.exists()


@pytest.mark.django_db
def test_half_a_surrogate_pair_in_an_application_or_a_record_is_refused_by_path(api, my_case):
    """From a QA pass: "\\ud800" is valid JSON but no character; the database refused it, a
    500 with no JSON and no request id."""
    payload = intake_payload()
    payload["injured_worker"]["first_name"] = "\ud800"
    payload["claim_number"] = "05-\udfff"
    payload["items"][0]["half\udbff"] = "x"
    response = post_json(api, CASES_URL, payload)
    assert response.status_code == 400
    errors = _messages_by_path(response)
    assert "half of a UTF-16 surrogate pair" in errors["$.injured_worker.first_name"]
    assert "half of a UTF-16 surrogate pair" in errors["$.claim_number"]
    assert "the field's name contains half of a UTF-16" in errors['$.items[0]["half\\udbff"]']
    assert Case.objects.count() == 1  # my_case only

    record = post_json(
        api,
        f"{CASES_URL}{my_case.case_number}/records/",
        {"title": "PR-2 \ud800", "content": base64.b64encode(minimal_pdf()).decode()},
    )
    assert record.status_code == 400
    (error,) = record.json()["errors"]
    assert error["path"] == "$.title" and "surrogate" in error["message"]
    assert not MedicalRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"{CASES_URL}?status=open%00",
        f"{CASES_URL}?priority=%00",
        f"{CASES_URL}?q%00=x",
        f"{CASES_URL}CM16-0000001%00/",
    ],
)
def test_a_nul_in_an_api_address_or_parameter_is_a_json_400(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "contains a NUL character" in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_a_nul_in_the_case_list_search_shows_a_message(admin_client):
    response = admin_client.get(reverse("casefile:case_list"), {"q": "Ruiz\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The parameter “q” contains a NUL character" in page
    assert "Nothing was saved or changed" in page


@pytest.mark.django_db
def test_a_nul_in_a_posted_form_field_read_without_a_form_shows_a_message(admin_client):
    case = CaseFactory()
    response = admin_client.post(
        reverse("casefile:case_terminate", args=[case.case_number]),
        {"terminate-reason": "withdrawn", "terminate-note": "x\x00"},
    )
    assert response.status_code == 400
    assert "contains a NUL character" in response.content.decode()
    case.refresh_from_db()
    assert case.status != "terminated"


# --- paging ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["limit=99999999999999999999", "offset=99999999999999999999", "limit=1&offset=0"],
)
def test_paging_numbers_of_any_size_are_clamped_never_a_500(api, my_case, query):
    response = api.get(f"{CASES_URL}?{query}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert len(body["results"]) <= 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("limit=-1", "?limit"),
        ("offset=-1", "?offset"),
        ("limit=abc", "?limit"),
        ("offset=1e9", "?offset"),
        ("limit=0", "?limit"),
        ("offset=", "?offset"),
    ],
)
def test_paging_numbers_that_are_not_whole_numbers_are_a_json_400(api, my_case, query, path):
    response = api.get(f"{CASES_URL}?{query}")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == path and "must be a whole number" in error["message"]


@pytest.mark.django_db
def test_a_filter_that_is_not_one_of_its_values_is_a_json_400(api, my_case):
    response = api.get(f"{CASES_URL}?status=recieved")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "?status"
    assert "did you mean 'received'?" in error["message"]
    # An empty filter is not "every case" either (schemathesis found it answered 200).
    empty = api.get(f"{CASES_URL}?priority=")
    assert empty.status_code == 400 and empty.json()["errors"][0]["path"] == "?priority"


@pytest.mark.django_db
def test_a_parameter_the_list_does_not_take_is_a_json_400_not_every_case(api, my_case):
    """From a QA pass: ?application_id=... and ?stauts=open were ignored and the list answered
    with every case, which a sender could take for the one it asked about."""
    looked_up = api.get(f"{CASES_URL}?application_id=A-NOT-MINE")
    assert looked_up.status_code == 400
    assert looked_up.json()["errors"] == [
        {
            "path": "?application_id",
            "message": "is not a parameter of this list (it takes status, priority, limit, offset)",
        }
    ]
    typo = api.get(f"{CASES_URL}?stauts=open&limit=5")
    assert typo.status_code == 400
    (error,) = typo.json()["errors"]
    assert error["path"] == "?stauts" and "did you mean 'status'?" in error["message"]
    assert api.get(f"{CASES_URL}?status=open&priority=standard&limit=5&offset=0").status_code == 200
    # From QA: a parameter given twice took its last value, silently.
    twice = api.get(f"{CASES_URL}?status=issued&status=received")
    assert twice.status_code == 400
    assert twice.json()["errors"] == [
        {
            "path": "?status",
            "message": "is given 2 times; give it once (one value: ask once per value)",
        }
    ]


@pytest.mark.django_db
def test_a_huge_limit_is_clamped_to_the_largest_page(api, my_case, settings):
    response = api.get(f"{CASES_URL}?limit=99999999999999999999")
    assert [case["case_number"] for case in response.json()["results"]] == [my_case.case_number]


# --- size -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_45_mb_record_within_the_50_mb_limit_is_accepted(
    api, my_case, django_capture_on_commit_callbacks
):
    content = padded_pdf(45 * 1024 * 1024)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            api,
            f"{CASES_URL}{my_case.case_number}/records/",
            {"title": "Complete medical file", "content": base64.b64encode(content).decode()},
        )
    assert response.status_code == 201, response.content[:500]
    record = MedicalRecord.objects.get()
    assert record.size == len(content) > 45_000_000
    assert record.pages == 1


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_413(api, my_case, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = post_json(
        api,
        f"{CASES_URL}{my_case.case_number}/records/",
        {"title": "Big", "content": base64.b64encode(padded_pdf(5000)).decode()},
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "the limit is" in response.json()["errors"][0]["message"]
    assert not MedicalRecord.objects.exists()


def test_a_body_django_refuses_to_read_is_a_json_413_under_the_api(rf):
    # Where Django itself refuses the body (RequestDataTooBig), before any API view runs.
    request = rf.post(CASES_URL, data="{}", content_type="application/json")
    response = bad_request(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert json.loads(response.content)["errors"][0]["path"] == "$"


# --- every API error is JSON ----------------------------------------------------------------


@pytest.mark.django_db
def test_api_errors_are_json(api, client):
    cases = [
        (api.get("/api/v1/no-such-thing/"), 404),
        (api.get(f"{CASES_URL}CM99-9999999/"), 404),
        (api.delete(CASES_URL), 405),
        (api.post(CASES_URL, data="x", content_type="text/plain"), 415),
        (api.post(CASES_URL, data="{not json", content_type="application/json"), 400),
        (client.get(CASES_URL), 401),
    ]
    for response, status in cases:
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response.json()["errors"][0]["message"]


def test_a_server_error_under_the_api_is_json(rf):
    response = server_error(rf.get("/api/v1/cases/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "went wrong on our side" in json.loads(response.content)["errors"][0]["message"]
    page = server_error(rf.get("/cases/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_empty_record_content_is_named_as_empty(api, my_case):
    """From a QA pass: "content": "" was told it "needs file ... or content"."""
    response = post_json(
        api, f"{CASES_URL}{my_case.case_number}/records/", {"title": "PR-2", "content": ""}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$.content", "message": "is empty; give the PDF in base64"}
    ]


@pytest.mark.django_db
def test_an_application_saved_with_a_utf8_byte_order_mark_is_taken_as_the_import_takes_it(api):
    """From a QA pass: the import page read past the mark, the API refused the same file with
    Python's words ("Unexpected UTF-8 BOM (decode using utf-8-sig)")."""
    body = b"\xef\xbb\xbf" + json.dumps(intake_payload(application_id="A-BOM-1")).encode()
    response = api.post(CASES_URL, data=body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["application_id"] == "A-BOM-1"
    assert Case.objects.filter(application_id="A-BOM-1").exists()


@pytest.mark.django_db
def test_a_huge_bad_value_is_quoted_back_cut_short(api):
    """From a QA pass: a 2 MB category or date came back whole in the error, and in each
    refused row of an import and on its page."""
    payload = intake_payload(application_received="9" * 2_000_000)
    payload["items"][0]["category"] = "x" * 2_000_000

    response = post_json(api, CASES_URL, payload)

    assert response.status_code == 400
    assert len(response.content) < 5_000
    errors = _messages_by_path(response)
    assert "is not a date in the form YYYY-MM-DD" in errors["$.application_received"]
    assert f'"{"x" * 78}… is not an item category' in errors["$.items[0].category"]


@pytest.mark.django_db
def test_a_huge_unknown_field_name_is_named_by_its_start(api):
    payload = intake_payload()
    payload["k" * 2_000_000] = 1

    response = post_json(api, CASES_URL, payload)

    assert response.status_code == 400
    assert len(response.content) < 5_000
    # The path is JSON: the ellipsis is written \u2026
    assert _messages_by_path(response)[f'$["{"k" * 79}\\u2026"]'] == " | unknown field"
