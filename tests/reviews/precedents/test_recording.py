"""Issued determinations join the library: when the letter is issued, when a legacy
determination is imported as issued history, and by precedents_rebuild for those before."""

from io import StringIO

import pytest
from django.core.management import call_command

from reviews.determination.models import Determination
from reviews.letters.services import letter_request
from reviews.precedents.models import PrecedentDecision, PrecedentItem
from tests.factories import (
    LETTER_REVIEWER_FIRST_NAME,
    LETTER_REVIEWER_LAST_NAME,
    approved_determination,
)
from tests.reviews.letter_utils import shared_path

pytestmark = pytest.mark.django_db


def issue(determination, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter_request(determination=determination, actor=None)
    determination.refresh_from_db()


def test_issuing_the_letter_records_the_decision_without_the_reviewer(
    django_capture_on_commit_callbacks,
):
    determination = approved_determination(
        outcomes=("upheld", "overturned"),
        citation=("non_mtus", "ACOEM Practice Guidelines, Low Back chapter"),
    )
    case = determination.case
    assert not PrecedentDecision.objects.exists()

    issue(determination, django_capture_on_commit_callbacks)

    decision = PrecedentDecision.objects.get(case_number=case.case_number)
    assert decision.source == "issued" and decision.case == case
    assert decision.outcome == "partially_overturned"
    assert decision.decided_on == determination.decision_date
    assert decision.priority == case.priority
    assert decision.reviewer_specialty == ", ".join(determination.reviewer_certifications)
    items = list(decision.items.all())
    decided = list(determination.decisions.select_related("item"))
    assert [(i.description, i.category, i.outcome) for i in items] == [
        (d.item.description, d.item.category, d.outcome) for d in decided
    ]
    assert {i.guideline_source for i in items} == {"acoem"}
    assert items[0].rationale == decided[0].rationale
    # Lab. Code 4610.6(f): the reviewer's name is stored nowhere in the library.
    stored = " ".join(
        str(value) for row in PrecedentItem.objects.values_list() for value in row
    ) + str(list(PrecedentDecision.objects.values_list()))
    assert LETTER_REVIEWER_LAST_NAME not in stored and LETTER_REVIEWER_FIRST_NAME not in stored
    assert case.worker_last_name not in stored and case.claim_number not in stored


def test_an_imported_legacy_determination_is_recorded_and_rebuild_finds_it_again():
    call_command("import_cases", str(shared_path("examples", "seed-case.json")), stdout=None)
    assert PrecedentDecision.objects.get(case_number="CM15-0046802").items.count() == 1

    PrecedentDecision.objects.all().delete()
    out = StringIO()
    call_command("precedents_rebuild", stdout=out)
    call_command("precedents_rebuild", stdout=StringIO())

    assert out.getvalue().startswith("1 issued determination")
    decision = PrecedentDecision.objects.get(case_number="CM15-0046802")
    assert decision.case.case_number == "CM15-0046802"
    assert decision.items.get().citation.endswith("Lumbar Sympathetic Blocks Page(s): 114")
    assert Determination.objects.count() == 1 and PrecedentItem.objects.count() == 1
