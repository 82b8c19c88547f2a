"""The prior items most like one being decided: the reviewer's panel in the workspace and the
consistency check at submission. Beside search.py (the library's search), on the same data.

What "similar" means, on both databases alike: a description sharing a word with the item's,
the same item category first, then the most words shared with the item's description (and,
less, of the guideline citation with its citation). The rationale is not compared: two
letters explaining different requests in the same words are not similar decisions, and
leaving it out keeps the query small.

PostgreSQL: the items' `similar_search` tsvector (description A, citation B; migration 0024),
matched with an OR of the description's words restricted to the description's weight
(`word:A`), ranked by `ts_rank` with the citation's words at the citation's weight (`word:B`)
too, among the first SIMILAR_CANDIDATES matches of the category's SIMILAR_WINDOW newest items,
newest decision first, read from an index alone (search.similar_item_ranks). Where those hold
fewer than PANEL_SIZE alike, the GIN indexes find the category's older ones and then the other
categories' (the first SIMILAR_CANDIDATES each finds), beside those the window found. SQLite
(the development default): any word in the description, whole (a regular expression), ranked
by the words found (in the description 2, in the citation 1). On both, the description's
numbers and words under three characters find nothing (matched_words).

"Closely similar" (the consistency flag) is stricter, and decided in Python on the candidates
either database gives: the same category, the same guideline source, and descriptions
sharing at least CLOSE_WORD_SHARE of their words (Jaccard: shared words over all words)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, F, Q, QuerySet, Value, When

from cases.lifecycle.models import Outcome
from reviews.precedents.models import PrecedentDecision, PrecedentItem
from reviews.precedents.search import (
    CONFIG,
    is_postgresql,
    ranked_candidates,
    rows_read_in_order,
    similar_item_ranks,
)

# The panel shows this many items per disputed item.
PANEL_SIZE = 5
# The words of a description and citation the query keeps (a long description's first ones).
MAX_WORDS = 16
# PostgreSQL ranks at most this many items sharing a description word (search.py's
# RANK_CANDIDATES, smaller: the panel shows five, and reading and ranking the candidates was
# half of its time at 1,000,000 decisions, bench/README.md).
SIMILAR_CANDIDATES = 300
# PostgreSQL looks for them first among the category's this many newest items (an index
# alone, in order); where those hold fewer than PANEL_SIZE alike, the GIN indexes answer.
SIMILAR_WINDOW = 20_000
# The consistency check reads this many candidates (same category and guideline source,
# best text match first) before deciding which are closely similar.
CLOSE_CANDIDATES = 50
# Descriptions sharing at least this share of their words are closely similar.
CLOSE_WORD_SHARE = 0.5
# Letters and digits only: nothing of the text reaches tsquery syntax (no "_", ":", "&").
_WORD = re.compile(r"[^\W_]+")
# Words every item shares, which say nothing of what was requested.
_IGNORED = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "without",
        "x",
        "per",
        "mg",
    }
)


def words_of(text: str) -> list[str]:
    """The text's words that say what it is: lower case, each once, in order."""
    found = (word.lower() for word in _WORD.findall(text or ""))
    return list(dict.fromkeys(word for word in found if word not in _IGNORED))


def matched_words(description: str) -> list[str]:
    """The description's words an item is found by: not a number and not under three
    characters, which say nothing of what was requested ("7" of "7.5 mg" and of "7-day", "er"
    of "Tramadol ER"); the description's first MAX_WORDS."""
    telling = (word for word in words_of(description) if len(word) >= 3 and not word.isdigit())
    return list(telling)[:MAX_WORDS]


def _word_in(field: str, word: str) -> Q:
    """SQLite: the field holds the word whole, any case ("er" is not in "therapy")."""
    return Q(**{f"{field}__iregex": rf"(^|[^\w]){re.escape(word)}($|[^\w])"})


def _latest():
    return (F("decision__decided_on").desc(nulls_last=True), "-decision_id", "position")


def _order_key(item: PrecedentItem) -> tuple:
    """The order of _latest() after the rank, for items already fetched."""
    decided = item.decision.decided_on
    return (
        -item.rank,
        decided is None,
        -(decided.toordinal() if decided else 0),
        -item.decision_id,
        item.position,
    )


def _excluding_case(items: QuerySet[PrecedentItem], case_number: str) -> QuerySet[PrecedentItem]:
    """The items not of this case's decision. Through the decision's id (one lookup of the
    case number, PostgreSQL hashes it), not a join: a join checks each candidate's decision."""
    if not case_number:
        return items
    return items.exclude(decision__in=PrecedentDecision.objects.filter(case_number=case_number))


def _text_ranked(
    items: QuerySet[PrecedentItem], description: str, citation: str
) -> QuerySet[PrecedentItem] | None:
    """The items whose description shares a word with this description, each with a `rank`
    (the shared description words, and less, the words their citation shares with this
    citation); None when the description has no word to compare. The citation only ranks:
    most citations share "MTUS", "guidelines", "chronic", "pain", which would match nearly
    every item and make the query rank them all."""
    description_words = matched_words(description)
    citation_words = words_of(citation)[:MAX_WORDS]
    if not description_words:
        return None
    if is_postgresql():
        match = SearchQuery(
            " | ".join(f"{word}:A" for word in description_words),
            search_type="raw",
            config=CONFIG,
        )
        ranking = SearchQuery(
            " | ".join(
                [f"{word}:A" for word in description_words]
                + [f"{word}:B" for word in citation_words]
            ),
            search_type="raw",
            config=CONFIG,
        )
        return ranked_candidates(items, match, SIMILAR_CANDIDATES, ranking=ranking)
    condition = Q()
    for word in description_words:
        condition |= _word_in("description", word)
    rank = sum(
        (
            Case(When(_word_in("description", word), then=Value(2)), default=Value(0))
            for word in description_words
        ),
        Value(0),
    ) + sum(
        (
            Case(When(_word_in("citation", word), then=Value(1)), default=Value(0))
            for word in citation_words
        ),
        Value(0),
    )
    return items.filter(condition).annotate(rank=rank)


def similar_precedents(
    *,
    description: str,
    category: str = "",
    citation: str = "",
    exclude_case_number: str = "",
    limit: int = PANEL_SIZE,
) -> list[PrecedentItem]:
    """The `limit` prior items most like this one (one query; on PostgreSQL two to four, see
    _similar_many_on_postgresql): the same category first, then the best text match, then the
    latest decision. `exclude_case_number` leaves out the
    case itself (an earlier round's letter is not a precedent for it). Each item comes with
    its decision."""
    if is_postgresql():
        ask = SimilarAsk(description, category, citation, exclude_case_number)
        return _similar_many_on_postgresql([ask], limit)[0]
    items = _excluding_case(PrecedentItem.objects.select_related("decision"), exclude_case_number)
    ranked = _text_ranked(items, description, citation)
    if ranked is None:
        return []
    order = ["-rank", *_latest()]
    if category:
        same = Case(When(category=category, then=Value(1)), default=Value(0))
        ranked = ranked.annotate(same_category=same)
        order = ["-same_category", *order]
    return list(ranked.order_by(*order)[:limit])


@dataclass(frozen=True)
class SimilarAsk:
    """One item to find similar prior items for: its description, category and guideline
    citation, and the case to leave out."""

    description: str
    category: str = ""
    citation: str = ""
    exclude_case_number: str = ""


def _ranks_on_postgresql(
    ask: SimilarAsk, limit: int, window: int | None = None
) -> list[tuple[int, float, bool]]:
    """The items' `similar_search` matched with an OR of the description's words at the
    description's weight (`word:A`), ranked with the citation's words at the citation's
    weight (`word:B`) too; the same category's best first, among its `window` newest when
    given (search.similar_item_ranks)."""
    description_words = matched_words(ask.description)
    citation_words = words_of(ask.citation)[:MAX_WORDS]
    if not description_words:
        return []
    match = [f"{word}:A" for word in description_words]
    return similar_item_ranks(
        match=" | ".join(match),
        ranking=" | ".join(match + [f"{word}:B" for word in citation_words]),
        category=ask.category,
        exclude_case_number=ask.exclude_case_number,
        candidates=SIMILAR_CANDIDATES,
        limit=limit,
        window=window,
    )


def _similar_many_on_postgresql(asks: list[SimilarAsk], limit: int) -> list[list[PrecedentItem]]:
    """similar_precedents on PostgreSQL for several items: one ranking statement each (two
    for an item whose category's newest hold fewer than `limit` alike), then every kept
    item's whole row and decision in one query."""
    # First the category's newest SIMILAR_WINDOW items, read in order from an index alone
    # (search.rows_read_in_order): for most items the category's first items sharing a word.
    with rows_read_in_order():
        ranked = [
            _ranks_on_postgresql(ask, limit, SIMILAR_WINDOW) if ask.category else [] for ask in asks
        ]
    # Fewer than `limit` there (the words rare in the category, or a small category): the GIN
    # indexes find the category's older ones, then the other categories' (bitmap scans on).
    # Read in order, a miss was the whole category, then every other item: seconds.
    # Those the window found stay candidates: the GIN indexes' 300 are the first they find,
    # which need not include the newest.
    ranked = [
        ranks if len(ranks) >= limit else _ranks_merged(ranks, _ranks_on_postgresql(ask, limit))
        for ask, ranks in zip(asks, ranked, strict=True)
    ]
    ids = {pk for ranks in ranked for pk, _, _ in ranks}
    rows = PrecedentItem.objects.select_related("decision").in_bulk(ids) if ids else {}
    found = []
    for ranks in ranked:
        items = []
        for pk, rank, other_category in ranks:
            # Its own copy: one precedent can be similar to two items, at different ranks.
            item = copy.copy(rows[pk])
            item.rank, item.other_category = rank, other_category
            items.append(item)
        # SQL promises no order of a UNION's rows: put them in the panel's order here.
        items.sort(key=lambda item: (item.other_category, *_order_key(item)))
        found.append(items[:limit])
    return found


def _ranks_merged(window: list, everywhere: list) -> list:
    """The window's ranks and the GIN indexes', each item once (the panel's order and its
    `limit` are applied once their dates are read)."""
    seen = {pk for pk, _, _ in window}
    return window + [ranks for ranks in everywhere if ranks[0] not in seen]


@dataclass(frozen=True)
class SimilarPanel:
    """The similar items of one disputed item and how they were decided."""

    items: list[PrecedentItem]

    @property
    def upheld(self) -> int:
        return sum(1 for item in self.items if item.outcome == Outcome.UPHELD)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def share_text(self) -> str:
        """ "4 of 5 similar items upheld" """
        noun = "item" if self.total == 1 else "items"
        return f"{self.upheld} of {self.total} similar {noun} upheld"


def similar_panel(
    *,
    description: str,
    category: str = "",
    citation: str = "",
    exclude_case_number: str = "",
    limit: int = PANEL_SIZE,
) -> SimilarPanel:
    """The reviewer's panel for one item: its most similar prior items."""
    return similar_panels(
        [SimilarAsk(description, category, citation, exclude_case_number)], limit=limit
    )[0]


def similar_panels(asks: list[SimilarAsk], *, limit: int = PANEL_SIZE) -> list[SimilarPanel]:
    """The panels of several items (step 3's items, with its page), in their order: on
    PostgreSQL one ranking statement per item (two where its category's newest hold fewer
    than `limit` alike) and one read of every item kept; on SQLite one query per item."""
    if is_postgresql():
        return [SimilarPanel(items) for items in _similar_many_on_postgresql(asks, limit)]
    return [
        SimilarPanel(
            similar_precedents(
                description=ask.description,
                category=ask.category,
                citation=ask.citation,
                exclude_case_number=ask.exclude_case_number,
                limit=limit,
            )
        )
        for ask in asks
    ]


def word_share(first: str, second: str) -> float:
    """Shared words over all words of two descriptions (0 to 1)."""
    one, two = set(words_of(first)), set(words_of(second))
    if not one or not two:
        return 0.0
    return len(one & two) / len(one | two)


def close_precedents(
    *,
    description: str,
    category: str,
    guideline_source: str,
    exclude_case_number: str = "",
) -> list[PrecedentItem]:
    """The prior items closely similar to this one (the consistency check, one query): the
    same category and guideline source, descriptions sharing at least CLOSE_WORD_SHARE of
    their words; the best text match first."""
    items = PrecedentItem.objects.select_related("decision").filter(
        category=category, guideline_source=guideline_source
    )
    items = _excluding_case(items, exclude_case_number)
    ranked = _text_ranked(items, description, "")
    if ranked is None:
        return []
    with rows_read_in_order():
        candidates = list(ranked.order_by("-rank", *_latest())[:CLOSE_CANDIDATES])
    return [
        item for item in candidates if word_share(description, item.description) >= CLOSE_WORD_SHARE
    ]


@dataclass(frozen=True)
class Majority:
    """How closely similar prior items were decided, against one decision."""

    outcome: str  # the majority's outcome
    count: int  # items decided that way
    total: int  # closely similar items

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


def majority_against(
    outcome: str, precedents: list[PrecedentItem], *, min_similar: int, min_percent: int
) -> Majority | None:
    """The clear majority of `precedents` decided the other way from `outcome`, or None: at
    least `min_similar` precedents, at least `min_percent` of them the other way."""
    total = len(precedents)
    if not outcome or total < min_similar:
        return None
    other = Outcome.OVERTURNED if outcome == Outcome.UPHELD else Outcome.UPHELD
    against = sum(1 for item in precedents if item.outcome == other)
    if against * 100 < min_percent * total:
        return None
    return Majority(outcome=other, count=against, total=total)
