"""The precedent library's search (reviews.precedents.search): every word matches, ranked,
filtered, highlighted with everything else escaped; the similar items of one being decided.
Runs on the default SQLite (the LIKE fallback) and on PostgreSQL (DATABASE_URL=postgres://...:
tsvector, ts_rank, ts_headline) alike."""

import datetime as dt

import pytest
from django.db import connection

from reviews.precedents import search
from reviews.precedents.models import PrecedentDecision, PrecedentItem
from reviews.precedents.search import (
    PrecedentFilters,
    highlight_items,
    search_items,
)
from reviews.precedents.services import guideline_source_of
from reviews.precedents.similar import similar_precedents
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db


def numbers(items) -> list[str]:
    return [item.decision.case_number for item in items]


def test_every_word_must_match_in_any_of_the_three_texts():
    precedent_add("CM15-0000001", {"description": "Lumbar sympathetic block"})
    precedent_add(
        "CM15-0000002",
        {"description": "Acupuncture x6", "rationale": "A sympathetic response is not shown."},
    )
    precedent_add("CM15-0000003", {"description": "Knee MRI", "rationale": "No red flags."})

    assert set(numbers(search_items("sympathetic"))) == {"CM15-0000001", "CM15-0000002"}
    assert numbers(search_items("sympathetic block")) == ["CM15-0000001"]
    assert numbers(search_items("Chronic Pain knee")) == ["CM15-0000003"]
    assert numbers(search_items("sympathetic knee")) == []


def test_a_match_in_the_description_ranks_above_one_in_the_rationale():
    precedent_add(
        "CM15-0000010",
        {"description": "Physical therapy", "rationale": "An epidural injection is not shown."},
        decided_on=dt.date(2025, 6, 1),
    )
    precedent_add("CM15-0000011", {"description": "Epidural injection L4-5"}, decided_on=None)

    assert numbers(search_items("epidural injection")) == ["CM15-0000011", "CM15-0000010"]


def test_without_words_every_item_is_listed_latest_decision_first():
    precedent_add("CM15-0000020", decided_on=dt.date(2024, 1, 1))
    precedent_add("CM15-0000021", decided_on=dt.date(2025, 1, 1))

    assert numbers(search_items("")) == ["CM15-0000021", "CM15-0000020"]


def test_each_filter_narrows_the_results():
    precedent_add(
        "CM15-0000030",
        {"category": "pharmaceuticals", "outcome": "overturned", "guideline_source": "odg"},
        priority="expedited",
        specialty="Internal Medicine, Pain Management",
        decided_on=dt.date(2025, 2, 1),
    )
    precedent_add("CM15-0000031", specialty="Orthopaedic Surgery", decided_on=dt.date(2024, 2, 1))

    def found(**filters) -> list[str]:
        return numbers(search_items("block", PrecedentFilters(**filters)))

    assert found(category="pharmaceuticals") == ["CM15-0000030"]
    assert found(outcome="upheld") == ["CM15-0000031"]
    assert found(guideline_source="odg") == ["CM15-0000030"]
    assert found(specialty="Pain Management") == ["CM15-0000030"]
    assert found(priority="standard") == ["CM15-0000031"]
    assert found(decided_from=dt.date(2025, 1, 1)) == ["CM15-0000030"]
    assert found(decided_to=dt.date(2024, 12, 31)) == ["CM15-0000031"]


def test_with_a_category_a_word_found_only_in_a_rationale_is_still_found():
    # On PostgreSQL a category search looks among the category's newest items' descriptions
    # and citations first (search.newest_first_candidates); what it cannot find there, the
    # whole index answers.
    precedent_add("CM15-0000040", {"description": "Knee MRI", "rationale": "Xylophone notes."})
    precedent_add("CM15-0000041", {"description": "Knee MRI", "category": "diagnostic_imaging"})

    assert numbers(search_items("xylophone", PrecedentFilters(category="injection"))) == [
        "CM15-0000040"
    ]
    assert numbers(search_items("knee", PrecedentFilters(category="injection"))) == ["CM15-0000040"]


def _three_blocks() -> None:
    """Three decisions with a "block" item, the oldest recorded first; their decision dates
    the same, so the rank and then the newest decision order them."""
    for number in ("CM15-0000050", "CM15-0000051", "CM15-0000052"):
        precedent_add(number, {"description": "Lumbar sympathetic block"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the window is PostgreSQL's")
def test_with_a_category_the_newest_matches_are_ranked(monkeypatch):
    _three_blocks()
    in_category = PrecedentFilters(category="injection", outcome="upheld")

    # The category's two newest hold two matches: those are the two ranked.
    assert numbers(search_items("block", in_category, at_most=2)) == [
        "CM15-0000052",
        "CM15-0000051",
    ]
    # A window of one item fills one: the newest.
    monkeypatch.setattr(search, "NEWEST_WINDOW", 1)
    assert numbers(search_items("block", in_category, at_most=1)) == ["CM15-0000052"]
    # It cannot fill two: two of all the matches instead, in whatever order the planner reads
    # them (search._first_matching_ids), so which two is not pinned: a window of one never
    # gives two.
    assert len(search_items("block", in_category, at_most=2)) == 2


def test_with_a_category_an_excluded_word_in_a_rationale_leaves_the_item_out():
    _three_blocks()
    precedent_add(
        "CM15-0000053",
        {"description": "Lumbar sympathetic block", "rationale": "Not medically necessary."},
    )
    in_category = PrecedentFilters(category="injection")

    for query in ("block -necessary", '"sympathetic block"-necessary', "block (-necessary)"):
        assert numbers(search_items(query, in_category, at_most=3)) == [
            "CM15-0000052",
            "CM15-0000051",
            "CM15-0000050",
        ], query


def test_quoted_phrases_and_excluded_words_are_read_as_the_search_box_means_them():
    """From QA: on the default SQLite, "gabapentin -gabapentin" found every gabapentin item and
    "improvement functional" in quotes found "functional improvement"."""
    precedent_add("CM15-0000060", {"description": "Gabapentin 300 mg", "rationale": "No pain."})
    precedent_add(
        "CM15-0000061",
        {"description": "Physical therapy", "rationale": "Functional improvement is shown."},
    )
    precedent_add(
        "CM15-0000062",
        {"description": "Acupuncture", "rationale": "Improvement was not functional."},
    )

    assert numbers(search_items("gabapentin -gabapentin")) == []
    assert set(numbers(search_items("-gabapentin improvement"))) == {"CM15-0000061", "CM15-0000062"}
    assert numbers(search_items('"functional improvement"')) == ["CM15-0000061"]
    assert numbers(search_items('"improvement functional"')) == []
    assert numbers(search_items('improvement -"functional improvement"')) == ["CM15-0000062"]


@pytest.mark.parametrize(
    ("query", "wanted", "excluded"),
    [
        (
            '"Functional  improvement" lumbar -opioid',
            (("functional improvement",), ("lumbar",)),
            ("opioid",),
        ),
        ("L4-5 block", (("l4",), ("5",), ("block",)), ()),
        ("block -L4-5", (("block",),), ("l4 5",)),
        ('"sympathetic block"-necessary', (("sympathetic block",),), ("necessary",)),
        ("block (-necessary)", (("block",),), ("necessary",)),
        ('-"over the counter" naproxen', (("naproxen",),), ("over the counter",)),
        ("lumbar or cervical fusion", (("lumbar", "cervical"), ("fusion",)), ()),
        ('or "a b" OR c', (("a b", "c"),), ()),
        ('"', (), ()),
        ("-", (), ()),
    ],
)
def test_a_query_is_read_into_wanted_and_excluded_terms(query, wanted, excluded):
    assert search.query_terms(query) == search.QueryTerms(wanted, excluded)


def test_or_punctuated_phrases_and_whole_word_exclusions_are_read_as_postgresql_reads_them():
    """From a review: on SQLite "or" was a word to find, a phrase with a hyphen never matched,
    and an excluded "pt" left out an item saying "accepted"."""
    precedent_add("CM15-0000070", {"description": "Lumbar fusion L4-5", "rationale": "Accepted."})
    precedent_add("CM15-0000071", {"description": "Cervical fusion C5-6"})
    precedent_add("CM15-0000072", {"description": "Knee arthroscopy", "rationale": "PT first."})

    assert set(numbers(search_items("lumbar or cervical fusion"))) == {
        "CM15-0000070",
        "CM15-0000071",
    }
    assert numbers(search_items('"fusion L4-5"')) == ["CM15-0000070"]
    assert set(numbers(search_items("fusion -pt"))) == {"CM15-0000070", "CM15-0000071"}
    assert numbers(search_items("fusion -L4-5")) == ["CM15-0000071"]


def test_matched_words_are_marked_and_the_rest_is_escaped():
    precedent_add(
        "CM15-0000040",
        {
            "description": "<script>alert(1)</script> block & more",
            "rationale": "The <b>block</b> is not supported.",
        },
    )
    items = list(search_items("block", highlight=True))
    highlight_items(items, "block")

    description, rationale = items[0].description_html, items[0].rationale_html
    assert "<script>" not in description and "&lt;script&gt;" in description
    assert "<mark>block</mark>" in description and "&amp;" in description
    assert "<b>" not in rationale and "&lt;b&gt;" in rationale
    assert "<mark>block</mark>" in rationale


def test_a_long_rationale_shows_an_excerpt_around_the_match():
    before = " ".join(f"early{n}" for n in range(80))
    after = " ".join(f"late{n}" for n in range(80))
    precedent_add("CM15-0000050", {"rationale": f"{before} the neuroma is excised. {after}"})
    items = list(search_items("neuroma", highlight=True))
    highlight_items(items, "neuroma")

    rationale = str(items[0].rationale_html)
    assert "<mark>neuroma</mark>" in rationale
    assert rationale.startswith("…") and rationale.endswith("…")
    assert "early0 " not in rationale and "late79" not in rationale


def test_recording_a_case_number_again_replaces_its_items():
    precedent_add("CM15-0000060", {"description": "First"}, {"description": "Second"})
    precedent_add("CM15-0000060", {"description": "Only", "outcome": "overturned"})

    decision = PrecedentDecision.objects.get(case_number="CM15-0000060")
    assert [item.description for item in decision.items.all()] == ["Only"]
    assert decision.outcome == "overturned"
    assert PrecedentItem.objects.count() == 1


def test_a_published_letter_never_replaces_a_decision_issued_here():
    precedent_add("CM15-0000061", {"description": "Ours"}, source="issued")
    precedent_add("CM15-0000061", {"description": "Theirs"}, source="published")

    decision = PrecedentDecision.objects.get(case_number="CM15-0000061")
    assert decision.source == "issued"
    assert [item.description for item in decision.items.all()] == ["Ours"]


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("mtus", "ACOEM chapter 12", "mtus"),
        ("non_mtus", "Official Disability Guidelines (ODG) Pain chapter", "odg"),
        ("non_mtus", "ACOEM Practice Guidelines 3rd edition", "acoem"),
        ("non_mtus", "A peer-reviewed trial", "other"),
        ("none", "", "other"),
        ("", "MTUS Chronic Pain Treatment Guidelines Page(s): 114", "mtus"),
    ],
)
def test_a_citation_is_grouped_by_the_guideline_it_rests_on(kind, text, expected):
    assert guideline_source_of(kind, text) == expected


def test_similar_precedents_put_the_same_category_first_then_the_closest_text():
    precedent_add(
        "CM15-0000070",
        {"description": "Lumbar sympathetic block", "category": "injection_facet"},
    )
    precedent_add(
        "CM15-0000071",
        {
            "description": "Stellate ganglion block",
            "category": "injection",
            "outcome": "overturned",
        },
    )
    precedent_add(
        "CM15-0000072",
        {"description": "Lumbar sympathetic block, epidurography", "category": "injection"},
    )
    precedent_add(
        "CM15-0000073",
        {"description": "Knee brace", "category": "dme", "citation": "", "rationale": "Not shown."},
    )
    precedent_add("CM15-0000074", {"description": "Lumbar sympathetic block"})

    similar = similar_precedents(
        description="Left lumbar sympathetic block",
        category="injection",
        citation="MTUS Chronic Pain Treatment Guidelines",
        exclude_case_number="CM15-0000074",
    )

    found = numbers(similar)
    assert found[:2] == ["CM15-0000072", "CM15-0000071"]
    assert "CM15-0000070" in found[2:]
    assert "CM15-0000074" not in found
    assert similar_precedents(description="", category="injection") == []
