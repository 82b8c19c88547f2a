"""The API against its own OpenAPI schema (drf-spectacular), with schemathesis: generated
requests, valid and not, to every operation as an API client; no answer may be a server error,
and every answer must be one the schema documents, in its shape. Bounded in time (a few
examples per operation) so that it runs in `make test`."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from cases.intake.services import cases_import
from imrsite.wsgi import application
from tests.factories import api_token_for, intake_payload

# Loaded once, at collection: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Called as a WSGI app, the site closes its database connection at the end of each
    request; the test's transaction must stay open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(api_client_user) -> str:
    # One case of the client's own, so reads of a case find something.
    cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    return api_token_for(api_client_user)


# The checks that hold for this API. Left out: positive_data_acceptance, since the schema cannot
# state intake's rules across fields (a designation date only for a designee, a worker's age at
# the injury), so schema-valid applications are rightly refused with 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    # The same examples on every run, so make test passes or fails the same way each time.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
