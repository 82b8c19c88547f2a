"""Fixtures shared by the letters room's tests: a letter served by every method, a case with
every party a notice goes to, and a signed-in case administrator."""

import pytest

from cases.lifecycle.models import PartyRole
from reviews.letters.services import letter_request
from tests.factories import (
    PASSWORD,
    CaseFactory,
    DisputedItemFactory,
    PartyFactory,
    approved_determination,
)


@pytest.fixture
def mixed_letter(django_capture_on_commit_callbacks):
    """A represented worker's letter: the attorney and the claims administrator by e-mail with
    consent, the worker (cc) with no consent and the provider who chose mail by post, and the
    employer (cc) with neither an e-mail nor a postal address."""
    return mixed_letter_made(django_capture_on_commit_callbacks)


def mixed_letter_made(capture_on_commit, **options):
    """`mixed_letter`'s letter, for a determination made with `options` (outcomes=...)."""
    determination = approved_determination(attorney=True, **options)
    case = determination.case
    case.worker_e_service_consent = False
    case.save(update_fields=["worker_e_service_consent"])
    case.parties.filter(role=PartyRole.REQUESTING_PROVIDER).update(delivery_method="mail")
    case.parties.filter(role=PartyRole.EMPLOYER).update(email="", e_service_consent=False)
    with capture_on_commit(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def admin(client, case_admin):
    assert client.login(username=case_admin.username, password=PASSWORD)
    return client


@pytest.fixture
def parties_case(db):
    """A case with every party a notice goes to, all but the employer with an e-mail address and
    consent to electronic service; the employer has no address at all."""
    case = CaseFactory(
        worker_first_name="Maria",
        worker_last_name="Lopez",
        worker_email="maria@example.org",
        worker_e_service_consent=True,
        worker_address="12 Elm St\nFresno, CA 93701",
        claim_number="05-771234",
    )
    DisputedItemFactory(case=case, position=1, description="MRI of the right shoulder")
    DisputedItemFactory(case=case, position=2, description="Physical therapy, 12 visits")
    for role, name, email in (
        (PartyRole.ATTORNEY, "Reyes & Park LLP", "law@example.org"),
        (PartyRole.EMPLOYER, "Acme Foods Inc.", ""),
        (PartyRole.REQUESTING_PROVIDER, "Dr. Lee Chen", "chen@example.org"),
        (PartyRole.CLAIMS_ADMINISTRATOR, "Golden State Claims", "claims@example.org"),
    ):
        PartyFactory(
            case=case,
            role=role,
            name=name,
            email=email,
            e_service_consent=bool(email),
            address="" if not email else "1 Main St\nFresno, CA 93701",
        )
    return case
