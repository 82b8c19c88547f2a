"""The similar items of one being decided (reviews.precedents.similar): the same category
first, then the closest wording; the case itself left out; the share upheld; which prior
items are closely similar, and when a decision goes against their clear majority. Runs on the
default SQLite (LIKE) and on PostgreSQL (DATABASE_URL=postgres://...: the tsvector)."""

import datetime as dt

import pytest
from django.db import connection

from reviews.precedents import similar
from reviews.precedents.similar import (
    close_precedents,
    majority_against,
    similar_panel,
    similar_precedents,
    word_share,
)
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db


def numbers(items) -> list[str]:
    return [item.decision.case_number for item in items]


def test_the_same_category_comes_first_then_the_closest_wording():
    precedent_add(
        "CM15-0001001",
        {"description": "Lumbar sympathetic block", "category": "injection_facet"},
    )
    precedent_add("CM15-0001002", {"description": "Stellate ganglion block"})
    precedent_add("CM15-0001003", {"description": "Lumbar sympathetic block, left"})
    precedent_add(
        "CM15-0001004",
        {"description": "Knee brace", "category": "dme", "citation": "ODG Knee"},
    )

    similar = similar_precedents(
        description="Left lumbar sympathetic block", category="injection", citation=""
    )

    # Both injections before the facet injection, the closer wording first; the brace shares
    # no word and is not similar at all.
    assert numbers(similar) == ["CM15-0001003", "CM15-0001002", "CM15-0001001"]


def test_items_older_than_the_categorys_newest_are_still_found(monkeypatch):
    # PostgreSQL looks among the category's newest first (SIMILAR_WINDOW of them, one here:
    # the knee MRI); fewer than five alike there, the GIN indexes find the older ones and
    # then the other categories'.
    precedent_add("CM15-0001005", {"description": "Lumbar sympathetic block, right"})
    precedent_add(
        "CM15-0001006",
        {"description": "Lumbar sympathetic block", "category": "injection_facet"},
    )
    precedent_add("CM15-0001007", {"description": "Knee MRI"})
    monkeypatch.setattr(similar, "SIMILAR_WINDOW", 1)

    found = similar_precedents(description="Lumbar sympathetic block", category="injection")

    assert numbers(found) == ["CM15-0001005", "CM15-0001006"]


def test_the_case_itself_is_left_out():
    precedent_add("CM26-0000777", {"description": "Lumbar sympathetic block"})
    precedent_add("CM15-0001010", {"description": "Lumbar sympathetic block"})

    similar = similar_precedents(
        description="Lumbar sympathetic block",
        category="injection",
        exclude_case_number="CM26-0000777",
    )

    assert numbers(similar) == ["CM15-0001010"]


def test_the_guideline_citation_counts_after_the_description():
    precedent_add(
        "CM15-0001020",
        {"description": "Lumbar sympathetic block", "citation": "ODG Low Back"},
        decided_on=dt.date(2025, 5, 1),
    )
    precedent_add(
        "CM15-0001021",
        {"description": "Lumbar sympathetic block", "citation": "MTUS Chronic Pain 2009"},
        decided_on=dt.date(2025, 1, 1),
    )

    similar = similar_precedents(
        description="Lumbar sympathetic block", category="injection", citation="ODG Low Back"
    )

    assert numbers(similar) == ["CM15-0001020", "CM15-0001021"]
    # Without the citation the latest decision breaks the tie.
    assert numbers(similar_precedents(description="Lumbar sympathetic block")) == [
        "CM15-0001020",
        "CM15-0001021",
    ]


def test_the_panel_counts_the_upheld_among_its_items_and_stops_at_five():
    for number, outcome in enumerate(["upheld"] * 4 + ["overturned"] * 2):
        precedent_add(
            f"CM15-00011{number:02d}",
            {"description": f"Lumbar sympathetic block {number}", "outcome": outcome},
            decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=number),
        )

    panel = similar_panel(description="Lumbar sympathetic block", category="injection", limit=6)
    assert (panel.upheld, panel.total) == (4, 6)
    assert panel.share_text == "4 of 6 similar items upheld"
    assert similar_panel(description="Lumbar sympathetic block").total == 5


def test_nothing_to_compare_finds_nothing():
    precedent_add("CM15-0001200")
    assert similar_precedents(description="of the", category="injection") == []
    assert similar_panel(description="").share_text == "0 of 0 similar items upheld"


def test_a_number_or_a_fragment_of_a_word_makes_nothing_similar():
    """From a QA pass: "Tramadol ER 100 mg, #30" and "Cyclobenzaprine 7.5 mg, #60" were shown
    a cold therapy unit as similar: "er" was found in "therapy" and "after", "7" in "7-day"."""
    precedent_add(
        "CM15-0001250",
        {
            "description": "Cold therapy unit, 7-day rental after surgery",
            "category": "dme",
            "citation": "ODG Knee",
        },
    )
    precedent_add(
        "CM15-0001251",
        {"description": "Tramadol 50 mg #60", "category": "pharmaceuticals"},
    )

    for description in ("Tramadol ER 100 mg, #30", "Cyclobenzaprine 7.5 mg, #60"):
        found = similar_precedents(description=description, category="pharmaceuticals")
        assert "CM15-0001250" not in numbers(found)
    assert numbers(
        similar_precedents(description="Tramadol ER 100 mg, #30", category="pharmaceuticals")
    ) == ["CM15-0001251"]
    assert similar_precedents(description="Cyclobenzaprine 7.5 mg, #60") == []


def test_closely_similar_means_same_category_and_guideline_and_most_words_shared():
    precedent_add("CM15-0001300", {"description": "Lumbar sympathetic block, left"})
    precedent_add("CM15-0001301", {"description": "Lumbar sympathetic block", "category": "dme"})
    precedent_add(
        "CM15-0001302", {"description": "Lumbar sympathetic block", "guideline_source": "odg"}
    )
    precedent_add("CM15-0001303", {"description": "Lumbar epidural steroid injection block"})

    close = close_precedents(
        description="Lumbar sympathetic block",
        category="injection",
        guideline_source="mtus",
    )

    assert numbers(close) == ["CM15-0001300"]
    assert word_share("Lumbar sympathetic block", "Lumbar sympathetic block, left") == 0.75
    assert word_share("Lumbar sympathetic block", "Lumbar epidural steroid injection block") < 0.5


class _Item:
    def __init__(self, outcome):
        self.outcome = outcome


def test_the_clear_majority_the_other_way_needs_enough_items_and_share():
    four_of_five = [_Item("overturned")] * 4 + [_Item("upheld")]
    majority = majority_against("upheld", four_of_five, min_similar=5, min_percent=75)
    assert (majority.outcome, majority.count, majority.total, majority.percent) == (
        "overturned",
        4,
        5,
        80,
    )
    # The same way as the majority, too few items, or too small a share: no majority against.
    assert majority_against("overturned", four_of_five, min_similar=5, min_percent=75) is None
    assert majority_against("upheld", four_of_five[:4], min_similar=5, min_percent=75) is None
    assert majority_against("upheld", four_of_five, min_similar=5, min_percent=85) is None
    three_of_four = [_Item("overturned")] * 3 + [_Item("upheld")]
    assert majority_against("upheld", three_of_four, min_similar=4, min_percent=75).percent == 75


def test_the_panel_leaves_the_connection_planning_as_before():
    # On PostgreSQL the panel's query runs with bitmap scans off (search.rows_read_in_order);
    # the library's searches after it on the same connection must plan as usual.
    precedent_add("CM15-0001400", {"description": "Lumbar sympathetic block"})

    assert numbers(similar_panel(description="Lumbar sympathetic block").items) == ["CM15-0001400"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone()[0] == "on"
