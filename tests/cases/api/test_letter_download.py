"""SPEC section 7: the REST API serves the signed letter. A claims system that sent the
application downloads the letter version the case lists, as the parties got it or as the state
publishes it, checked against the SHA-256 the case gives; nobody else's letter, and never a
file changed on disk."""

import hashlib
from pathlib import Path

import pytest

from audit.models import AuditAction, AuditEvent, AuditKind
from reviews.letters.services import letter_request
from tests.factories import UserFactory, api_client_for, approved_determination

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(api_client_user, django_capture_on_commit_callbacks):
    """A letter signed on a case the API client sent."""
    determination = approved_determination(outcomes=("overturned",))
    case = determination.case
    case.created_by = api_client_user
    case.save(update_fields=["created_by"])
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    return letter


def _url(case, version, which="party") -> str:
    return f"/api/v1/cases/{case.case_number}/letters/{version}/{which}.pdf"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_claims_system_downloads_the_signed_letter_the_case_lists(issued, api_client_user):
    # Given the case as the API gives it, with its letter's hashes
    client = api_client_for(api_client_user)
    case = issued.case
    (listed,) = client.get(f"/api/v1/cases/{case.case_number}/").json()["letters"]

    # When the client downloads both copies, asking for a PDF
    party = client.get(_url(case, listed["version"]), HTTP_ACCEPT="application/pdf")
    public = client.get(_url(case, listed["version"], "public"))

    # Then each is the signed PDF whose SHA-256 the case listed, kept out of any cache
    assert party.status_code == 200 and party["Content-Type"] == "application/pdf"
    assert hashlib.sha256(_body(party)).hexdigest() == listed["party_sha256"]
    assert hashlib.sha256(_body(public)).hexdigest() == listed["public_sha256"]
    assert party["Cache-Control"] == "private, no-store"
    assert f"{case.case_number}-final-determination-v1.pdf" in party["Content-Disposition"]
    # and the audit log says which copy left, to whom
    downloads = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, case_number=case.case_number)
    assert sorted(downloads.values_list("kind", "actor")) == sorted(
        [
            (AuditKind.LETTER_PARTY, api_client_user.pk),
            (AuditKind.LETTER_PUBLIC, api_client_user.pk),
        ]
    )


def test_no_letter_of_another_client_nor_a_version_not_signed(issued, api_client_user):
    case = issued.case
    other = UserFactory(role=api_client_user.role, username="other-claims-system")

    answer = api_client_for(other).get(_url(case, 1))
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["message"]

    missing = api_client_for(api_client_user).get(_url(case, 2))
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"path": None, "message": f"Case {case.case_number} has no signed letter 2."}]
    }


def test_a_letter_changed_on_disk_is_refused_in_json(issued, api_client_user):
    path = Path(issued.party_pdf.path)
    path.write_bytes(path.read_bytes() + b"\n% changed on disk\n")

    answer = api_client_for(api_client_user).get(_url(issued.case, 1))

    assert answer.status_code == 500
    assert "failed its integrity check" in answer.json()["errors"][0]["message"]
