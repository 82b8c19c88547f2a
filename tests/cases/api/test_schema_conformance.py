"""The OpenAPI schema as a client generated from it reads it: the shipped example and real
answers validate against /api/v1/schema/ under OpenAPI 3.0.3's own rules (openapi-schema-
validator's OAS30Validator: `nullable` beside a type, null named in a list of choices)."""

import json

import pytest
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from cases.intake.services import cases_import
from cases.intake.validation.keys import PARTY_KEYS
from cases.lifecycle.models import Case
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.cases.helpers import SEED_CASE
from tests.factories import api_client_for, intake_payload

CASES_URL = "/api/v1/cases/"
ONE_CASE = "/api/v1/cases/{case_number}/"


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _problems(schema: dict, subschema: dict, instance) -> list[str]:
    """Every place `instance` breaks `subschema`, as "path: message", the innermost problems of
    a oneOf named (a null refused inside `oneOf` is otherwise one message for the whole)."""
    validator = OAS30Validator({"components": schema["components"], **subschema})
    problems = []

    def collect(error):
        if error.context:
            for inner in error.context:
                collect(inner)
        else:
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
            problems.append(f"${path}: {error.message}")

    for error in validator.iter_errors(instance):
        collect(error)
    return problems


def _request_body(schema: dict) -> dict:
    post = schema["paths"][CASES_URL]["post"]
    return post["requestBody"]["content"]["application/json"]["schema"]


def _answer(schema: dict) -> dict:
    get = schema["paths"][ONE_CASE]["get"]
    return get["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.django_db
def test_the_shipped_example_validates_against_the_request_schema(schema):
    """From QA: `"npi": null`, `"original_request": null` and `"authorized_portion": null`, as
    SPEC section 7 and examples/seed-case.json send them, were declared non-nullable."""
    example = json.loads(SEED_CASE.read_text())
    one_case, many = _request_body(schema)["oneOf"]

    assert _problems(schema, one_case, example) == []
    assert _problems(schema, _request_body(schema), example) == []
    assert _problems(schema, _request_body(schema), [example, example]) == []
    assert _problems(schema, many, [example]) == []


@pytest.mark.django_db
def test_the_schema_still_refuses_null_for_a_required_field(schema):
    example = json.loads(SEED_CASE.read_text())
    example["claim_number"] = None
    example["items"][0]["category"] = None
    one_case, _many = _request_body(schema)["oneOf"]

    problems = _problems(schema, one_case, example)

    assert any(problem.startswith("$.claim_number:") for problem in problems)
    assert any(problem.startswith("$.items[0].category:") for problem in problems)


@pytest.mark.django_db
def test_a_case_answer_with_nulls_validates_against_the_case_export_schema(schema, api_client_user):
    """From QA: GET /api/v1/cases/<n>/ answered null where CaseExport said never: the worker's
    age, email, address and delivery method, the provider's npi, an item's drug class, the
    notice's method and the assignment."""
    payload = intake_payload()
    payload["requesting_provider"]["npi"] = None
    (result,) = cases_import(payload=payload, actor=api_client_user, source="api")

    data = api_client_for(api_client_user).get(f"{CASES_URL}{result.case_number}/").json()

    assert data["injured_worker"]["age"] is None and data["injured_worker"]["email"] is None
    assert data["requesting_provider"]["npi"] is None
    assert data["items"][0]["drug_class"] is None
    assert data["notice_sent_by"] is None and data["assignment"] is None
    assert _problems(schema, _answer(schema), data) == []


@pytest.mark.django_db
def test_an_assigned_and_an_issued_case_validate_against_the_case_export_schema(
    schema, api_client_user, case_admin, reviewer
):
    (fresh,) = cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    Assignment.objects.create(
        case=Case.objects.get(case_number=fresh.case_number),
        reviewer=reviewer,
        status=AssignmentStatus.ASSIGNED,
    )
    (issued,) = cases_import(payload=json.loads(SEED_CASE.read_text()), actor=case_admin)
    admin_api: APIClient = api_client_for(case_admin)

    for case_number in (fresh.case_number, issued.case_number):
        data = admin_api.get(f"{CASES_URL}{case_number}/").json()
        assert "status" in data, data
        assert _problems(schema, _answer(schema), data) == [], case_number


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [role for role, keys in PARTY_KEYS.items() if "npi" in keys and "identifier" in keys]
)
def test_the_schema_says_npi_and_identifier_are_one_field(schema, api_client_user, role):
    """From QA: identifier and npi were documented as two fields; sent with different values
    they are refused. The schema says so beside both."""
    party = _request_body(schema)["oneOf"][0]["properties"][role]["properties"]
    payload = intake_payload(application_id=f"A-{role}")
    payload[role] = {**(payload.get(role) or {"name": "Dr. Kim"})}
    payload[role].update(identifier="1111111111", npi="2222222222")

    response = api_client_for(api_client_user).post(
        CASES_URL, data=json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert {"path": f"$.{role}.npi", "message": "differs from identifier; give one of them"} in (
        response.json()["errors"]
    )
    for key in ("npi", "identifier"):
        assert "npi and identifier are one field" in party[key]["description"], key
        assert "different values are refused" in party[key]["description"], key
