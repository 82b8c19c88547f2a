"""Consistency flags (issue 13): an item decided against the clear majority of closely
similar prior items under the same guideline source is flagged when the determination is
submitted; the quality queue and page show it with those precedents; the medical director
records "consistent" or "returned" (or returns the determination), which is kept and written
to the case's history. A flag never blocks approval."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.lifecycle.history import event_summary
from cases.lifecycle.models import CaseEvent, EventType
from reviews.determination.models import ConsistencyFlag, Determination, DeterminationStatus
from reviews.determination.services import determination_submit
from reviews.quality.services import (
    consistency_flag_resolve,
    determination_approve,
    determination_return,
)
from tests.factories import (
    PASSWORD,
    case_in_review,
    determination_fill,
    login,
    reviewer_with_profile,
)
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db
_REVIEWERS = itertools.count(1)


def precedents_add(overturned: int, upheld: int, **item) -> list[str]:
    """Closely similar prior items (injection, MTUS, a lumbar sympathetic block)."""
    numbers = []
    for number, outcome in enumerate(["overturned"] * overturned + ["upheld"] * upheld):
        key = f"CM15-00030{number:02d}"
        precedent_add(
            key,
            {
                "description": f"Lumbar sympathetic block, level {number}",
                "outcome": outcome,
                "rationale": f"Rationale of precedent {number}.",
                **item,
            },
            decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=number),
        )
        numbers.append(key)
    return numbers


def submitted(outcome="upheld"):
    """A lumbar sympathetic block decided `outcome` under the MTUS, submitted (each by a
    reviewer of its own)."""
    reviewer = reviewer_with_profile(f"REV-C{next(_REVIEWERS)}")
    case, reviewer, determination = case_in_review(reviewer)
    determination_fill(determination, outcomes=(outcome,))
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    return case, reviewer, Determination.objects.get(pk=determination.pk)


# --- Computed on submission ---------------------------------------------------------------


def test_an_item_against_the_clear_majority_is_flagged_on_submission():
    numbers = precedents_add(overturned=4, upheld=1)

    _, _, determination = submitted("upheld")

    flag = ConsistencyFlag.objects.get()
    assert flag.determination == determination
    assert flag.decision == determination.decisions.get()
    assert (flag.outcome, flag.majority_outcome) == ("upheld", "overturned")
    assert (flag.majority_count, flag.similar_count, flag.percent) == (4, 5, 80)
    assert flag.guideline_source == "mtus" and flag.resolution == "open"
    assert sorted(p["case_number"] for p in flag.precedents) == numbers
    assert {p["rationale"] for p in flag.precedents} >= {"Rationale of precedent 0."}


def test_with_the_majority_or_below_the_thresholds_there_is_no_flag(settings):
    precedents_add(overturned=4, upheld=1)
    submitted("overturned")  # decided as the majority was
    assert not ConsistencyFlag.objects.exists()

    settings.CONSISTENCY_FLAG_MIN_SIMILAR = 6  # five closely similar items are not enough
    submitted("upheld")
    assert not ConsistencyFlag.objects.exists()

    settings.CONSISTENCY_FLAG_MIN_SIMILAR = 5
    settings.CONSISTENCY_FLAG_MIN_PERCENT = 85  # 80% the other way is not enough
    submitted("upheld")
    assert not ConsistencyFlag.objects.exists()

    settings.CONSISTENCY_FLAG_MIN_PERCENT = 80
    submitted("upheld")
    assert ConsistencyFlag.objects.count() == 1


def test_only_closely_similar_items_under_the_same_guideline_source_count():
    # Four overturned under ODG and four of another category: none under the MTUS here.
    precedents_add(overturned=4, upheld=1, guideline_source="odg")
    for number in range(4):
        precedent_add(
            f"CM15-00031{number:02d}",
            {"description": "Lumbar sympathetic block", "outcome": "overturned", "category": "dme"},
        )
    submitted("upheld")
    assert not ConsistencyFlag.objects.exists()


# --- Shown in the queue and on the quality page -------------------------------------------


def test_the_queue_and_the_quality_page_show_the_flag_with_its_precedents(client, quality_reviewer):
    numbers = precedents_add(overturned=4, upheld=1)
    case, _, determination = submitted("upheld")
    flag = ConsistencyFlag.objects.get()
    login(client, quality_reviewer)

    queue = client.get(reverse("quality:quality_queue")).content.decode()
    assert "1 consistency flag" in queue
    assert f"#flag-{flag.pk}" in queue

    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert "4 of 5 closely similar prior items (80%)" in page
    for number in numbers:
        assert number in page
    assert "Rationale of precedent 3." in page
    assert reverse("quality:quality_flag_resolve", args=[case.case_number, flag.pk]) in page


def test_a_determination_without_a_flag_shows_none(client, quality_reviewer):
    case, _, _ = submitted("upheld")
    login(client, quality_reviewer)
    assert b"consistency flag" not in client.get(reverse("quality:quality_queue")).content
    page = client.get(reverse("quality:quality_review", args=[case.case_number]))
    assert b"Consistency flag" not in page.content


# --- The director's finding ---------------------------------------------------------------


def test_recording_consistent_is_kept_and_written_to_the_history(client, quality_reviewer):
    precedents_add(overturned=4, upheld=1)
    case, _, determination = submitted("upheld")
    flag = ConsistencyFlag.objects.get()
    login(client, quality_reviewer)
    url = reverse("quality:quality_flag_resolve", args=[case.case_number, flag.pk])

    response = client.post(
        url, {"resolution": "consistent", "note": "The records show two blocks with relief."}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{flag.decision_id}")
    flag.refresh_from_db()
    assert (flag.resolution, flag.resolved_by, flag.note) == (
        "consistent",
        quality_reviewer,
        "The records show two blocks with relief.",
    )
    assert flag.resolved_at is not None
    event = CaseEvent.objects.get(case=case, type=EventType.CONSISTENCY_RECORDED)
    assert event.actor == quality_reviewer
    summary = " ".join(event_summary(event))
    assert "Item 1 against its precedents (4 of 5 overturned): consistent" in summary
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content
    assert b"Consistent: the decision stands" in page
    # The flag never blocks: the determination is approved as any other.
    determination_approve(determination=determination, actor=quality_reviewer)
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.APPROVED


def test_a_flag_left_open_does_not_block_approval(quality_reviewer):
    precedents_add(overturned=4, upheld=1)
    _, _, determination = submitted("upheld")
    determination_approve(determination=determination, actor=quality_reviewer)
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.APPROVED
    assert ConsistencyFlag.objects.get().resolution == "open"


def test_bad_input_is_refused_with_a_clear_message(client, quality_reviewer):
    precedents_add(overturned=4, upheld=1)
    case, reviewer, _ = submitted("upheld")
    flag = ConsistencyFlag.objects.get()
    login(client, quality_reviewer)
    url = reverse("quality:quality_flag_resolve", args=[case.case_number, flag.pk])

    for data in ({"resolution": "maybe"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Choose “consistent” or “returned” for the flag." in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolution == "open"

    client.post(url, {"resolution": "returned"})
    response = client.post(url, {"resolution": "consistent"})
    assert response.status_code == 400
    assert "This flag was already recorded as returned to the reviewer." in (
        response.content.decode()
    )
    flag.refresh_from_db()
    assert flag.resolution == "returned"
    assert CaseEvent.objects.filter(type=EventType.CONSISTENCY_RECORDED).count() == 1
    with pytest.raises(ValidationError, match="own author|Only a quality reviewer"):
        consistency_flag_resolve(flag=flag, actor=reviewer, resolution="consistent")


def test_returning_the_determination_records_its_open_flags_as_returned(quality_reviewer):
    precedents_add(overturned=4, upheld=1)
    case, reviewer, determination = submitted("upheld")

    determination_return(
        determination=determination, actor=quality_reviewer, comment="See the precedents."
    )

    flag = ConsistencyFlag.objects.get()
    assert (flag.resolution, flag.resolved_by) == ("returned", quality_reviewer)
    assert CaseEvent.objects.filter(case=case, type=EventType.CONSISTENCY_RECORDED).exists()

    # Submitted again unchanged: a new flag for this submission; the returned one is kept.
    determination = Determination.objects.get(pk=determination.pk)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    assert sorted(ConsistencyFlag.objects.values_list("resolution", flat=True)) == [
        "open",
        "returned",
    ]


def test_a_flag_of_another_case_is_not_found_through_this_one(client, quality_reviewer):
    precedents_add(overturned=4, upheld=1)
    submitted("upheld")
    other_case, _, _ = submitted("overturned")
    flag = ConsistencyFlag.objects.get()
    login(client, quality_reviewer)
    url = reverse("quality:quality_flag_resolve", args=[other_case.case_number, flag.pk])
    assert client.post(url, {"resolution": "consistent"}).status_code == 404
