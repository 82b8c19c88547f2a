"""Full-text search of the precedent items: the one place that knows the database.

PostgreSQL: the items' generated `search` tsvector (description weight A, citation B,
rationale C, 'english' configuration; GIN index; added by migration 0019 on PostgreSQL only),
matched with `websearch_to_tsquery` (every word, stemmed; "quoted phrases" and -exclusions as a
search box takes them), ranked by `ts_rank`; `ts_headline` tells which words of an item matched
(in any form: "blocks" for "block") and those are highlighted.

SQLite (the development default) has no tsvector: a simpler fallback finds items where every
word of the query appears (case-insensitive LIKE) in the description, citation or rationale,
a "quoted phrase" its words one after the other (a regex: "L4-5 fusion"), one of the terms
joined by "or", and no -excluded word or phrase appears in any of them as whole words (the
search box's syntax, as websearch_to_tsquery reads it: query_terms); it ranks them by how many
of the three fields match each word (description 3, citation 2, rationale 1, after the
weights above) and highlights the words in Python. No stemming there: "block" finds "blocks"
(a substring), "blocks" does not find "block".

Either way the words are marked in the stored text with two private-use characters, and
`marked_html` escapes everything else before it turns them into <mark>, so no text of a
letter can reach the page as markup."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import DatabaseError, connection
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reviews.precedents.models import PrecedentItem

CONFIG = "english"
MARK_START, MARK_STOP = "\ue000", "\ue001"
# The rationale's excerpt, in words (ts_headline's default fragment is 15 to 35).
EXCERPT_WORDS = 35
# The similar-items query keeps this many distinct words of the description and citation.
SIMILAR_WORDS = 16
# PostgreSQL ranks at most this many matching items (the first the GIN index finds): ranking
# every match of a common word ("norco": 96,000 of 1.9 million items, "pain": most of them)
# read each one's tsvector and took seconds (bench/README.md, "bench/precedents.py"). A query
# matching more ranks a sample of its matches; more words or a filter narrow it.
RANK_CANDIDATES = 1_000
# With a category (and at most the outcome and guideline source beside it), PostgreSQL first
# looks for those matches among the category's newest NEWEST_WINDOW items, in their
# description and citation, read from the index precedent_item_similar alone (migration
# 0025): a query whose words most of the category's items share ("physical therapy lumbar")
# finds them there in a few thousand index entries, where the GIN index builds a bitmap of
# every match first (130,000 of them, 80-130 ms, bench/README.md). A query the window cannot
# fill (rarer words, or words found only in rationales) is answered from the GIN index, as
# any other search.
NEWEST_WINDOW = 20_000
# websearch_to_tsquery's exclusion ("-word", also right after a quote or a parenthesis: any
# "-" not inside a word, as "L4-5" is): an item whose description lacks the word may hold it
# in its rationale, so the window (which reads no rationale) is not used.
_EXCLUSION = re.compile(r"(?<!\w)-")
_WORD = re.compile(r"\w+")
_FIELD_WEIGHTS = (("description", 3), ("citation", 2), ("rationale", 1))


@dataclass(frozen=True)
class PrecedentFilters:
    """What the library's filters narrow to; blank (None) is any."""

    category: str = ""
    outcome: str = ""
    guideline_source: str = ""
    specialty: str = ""
    priority: str = ""
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None

    def apply(self, items: QuerySet[PrecedentItem]) -> QuerySet[PrecedentItem]:
        if self.category:
            items = items.filter(category=self.category)
        if self.outcome:
            items = items.filter(outcome=self.outcome)
        if self.guideline_source:
            items = items.filter(guideline_source=self.guideline_source)
        if self.specialty:
            # The specialty line as printed may name more than one (or a close variant).
            items = items.filter(decision__reviewer_specialty__icontains=self.specialty)
        if self.priority:
            items = items.filter(decision__priority=self.priority)
        if self.decided_from:
            items = items.filter(decision__decided_on__gte=self.decided_from)
        if self.decided_to:
            items = items.filter(decision__decided_on__lte=self.decided_to)
        return items

    @property
    def in_newest_window(self) -> bool:
        """Whether the newest-items window can answer these filters: a category, and beside
        it at most the outcome and the guideline source (what precedent_item_similar holds)."""
        return bool(self.category) and not (
            self.specialty or self.priority or self.decided_from or self.decided_to
        )


def query_words(query: str) -> list[str]:
    """The query's words, lower case, each once, in order (an excluded one too: it decides
    whether there is a search at all and which index can answer it)."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(query or "")))


# A search box's terms: a "quoted phrase" or a bare token, either with a "-" before it.
_TERM = re.compile(r'(?<!\w)(-?)"([^"]*)"?|(?<!\w)(-?)([^\s"]+)')


@dataclass(frozen=True)
class QueryTerms:
    """The query as the search box means it: what an item must hold, each group one of its
    alternatives ("a or b"), and what it must not. A term is a word, or a phrase's words one
    space apart."""

    wanted: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        """Every wanted term once, in order (what is ranked and highlighted)."""
        return list(dict.fromkeys(term for group in self.wanted for term in group))


def query_terms(query: str) -> QueryTerms:
    """'"functional improvement" lumbar or lumbosacral -opioid' → wanted
    (("functional improvement",), ("lumbar", "lumbosacral")), excluded ("opioid",), as
    websearch_to_tsquery reads them: a "-" inside a word ("L4-5") is part of it; a bare
    token's words are wanted each on its own, and excluded together ("-L4-5": the words "l4 5"
    one after the other); "or" between two wanted terms makes them alternatives."""
    wanted: list[tuple[str, ...]] = []
    excluded: list[str] = []
    either = False  # an "or" was read: the next wanted term joins the group before it
    for found in _TERM.finditer(query or ""):
        minus_phrase, phrase, minus_word, token = found.groups()
        if phrase is not None:
            words = [word.lower() for word in _WORD.findall(phrase)]
            minus, terms = minus_phrase, [" ".join(words)]
        else:
            # "(-word)": the "-" may follow an opening bracket.
            minus = minus_word or re.sub(r"^[^\w-]+", "", token).startswith("-")
            words = [word.lower() for word in _WORD.findall(token)]
            if not minus and words == ["or"]:
                either = bool(wanted)
                continue
            terms = [" ".join(words)] if minus else words
        for term in filter(None, terms):
            if minus:
                excluded.extend([term] if term not in excluded else [])
            elif either:
                wanted[-1] = (*wanted[-1], term)
                either = False
            elif (term,) not in wanted:
                wanted.append((term,))
    return QueryTerms(tuple(wanted), tuple(excluded))


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_items(
    query: str = "",
    filters: PrecedentFilters | None = None,
    *,
    match: str = "all",
    highlight: bool = False,
    at_most: int | None = RANK_CANDIDATES,
) -> QuerySet[PrecedentItem]:
    """The items matching `query` (every word with match="all", any word with "any") and the
    filters, best first (then the latest decision), each with its decision and a `rank`. With
    `highlight` on PostgreSQL, each also carries `matched_marked` from ts_headline (which
    words matched); `highlight_items` turns either backend's result into HTML. An empty
    query lists every item the filters keep, latest decision first. Lazy: page it by slicing.
    On PostgreSQL at most `at_most` matches are ranked (None: all of them, for the CSV)."""
    filters = filters or PrecedentFilters()
    items = filters.apply(PrecedentItem.objects.select_related("decision"))
    latest = (F("decision__decided_on").desc(nulls_last=True), "-decision_id", "position")
    words = query_words(query)
    if not words:
        return items.annotate(rank=Value(0.0)).order_by(*latest)
    if match == "any":
        words = words[:SIMILAR_WORDS]
    if is_postgresql():
        return _search_postgresql(items, filters, query, words, match, highlight, latest, at_most)
    if match == "any":
        return _search_like(items, QueryTerms(tuple((word,) for word in words), ()), match, latest)
    return _search_like(items, query_terms(query), match, latest)


def _search_postgresql(items, filters, query, words, match, highlight, latest, at_most):
    if match == "any":
        # Words only (\w+), joined with OR: nothing of the user's reaches tsquery syntax.
        search_query = SearchQuery(" | ".join(words), search_type="raw", config=CONFIG)
    else:
        search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    if at_most is not None and filters.in_newest_window and not _EXCLUSION.search(query):
        items = newest_first_candidates(items, filters, search_query, at_most)
    else:
        items = ranked_candidates(items, search_query, at_most)
    if highlight:
        # ts_headline says which words of the text matched (stemmed: "blocks" for "block");
        # its own output is not shown, as its parser drops anything that looks like a tag.
        items = items.annotate(
            matched_marked=SearchHeadline(
                Concat(
                    "description",
                    Value(" "),
                    "citation",
                    Value(" "),
                    "rationale",
                    output_field=TextField(),
                ),
                search_query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                highlight_all=True,
            )
        )
    return items.order_by("-rank", *latest)


class SearchColumn(Expression):
    """The items' `search` column (PostgreSQL only; the model does not declare it), named by
    the alias the table has in the query that compiles it: a subquery on the same table (the
    candidates below) calls it U0, and a fixed table name there would read the outer row."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = next(iter(compiler.query.alias_map))
        return (
            f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search')}",
            [],
        )


def search_vector() -> SearchColumn:
    return SearchColumn()


def ranked_candidates(
    items: QuerySet[PrecedentItem],
    search_query: SearchQuery,
    at_most: int | None = RANK_CANDIDATES,
    *,
    ranking: SearchQuery | None = None,
) -> QuerySet[PrecedentItem]:
    """The items (filters applied) matching `search_query`, at most `at_most` of them
    (the first found: the planner reads the GIN index, or the table itself for a word most
    items have), each with its decision and a `rank` (PostgreSQL) by `ranking` (default:
    the query itself). Only they are ranked."""
    vector = search_vector()
    ranking = ranking or search_query
    # An alias, not an annotation: the tsvector is matched, never read back.
    if at_most is None:
        matching = items.alias(search_vector=vector).filter(search_vector=search_query)
        return matching.annotate(rank=SearchRank(vector, ranking))
    return (
        PrecedentItem.objects.select_related("decision")
        .filter(pk__in=_first_matching_ids(items, search_query, at_most))
        .annotate(rank=SearchRank(vector, ranking))
    )


def _first_matching_ids(
    items: QuerySet[PrecedentItem], search_query: SearchQuery, at_most: int
) -> QuerySet[PrecedentItem]:
    """The ids of the first `at_most` items matching `search_query` in whatever order the
    planner reads them (a subquery: the tsvector is matched, never read back)."""
    return (
        items.alias(search_vector=search_vector())
        .filter(search_vector=search_query)
        .order_by()
        .values("pk")[:at_most]
    )


def _category_newest_sql(columns: str, category: str, window: str) -> str:
    """A category's `window` newest items (their `columns`), in the order of the index
    precedent_item_similar (category, decision id descending), which holds every column read
    here (migrations 0024 and 0025): an index-only scan that stops at the window. `category`
    and `window` are the statement's placeholders for them."""
    return (
        f"(SELECT {columns} FROM {PrecedentItem._meta.db_table} WHERE category = {category} "
        f"ORDER BY decision_id DESC LIMIT {window})"
    )


def newest_first_candidates(
    items: QuerySet[PrecedentItem],
    filters: PrecedentFilters,
    search_query: SearchQuery,
    at_most: int,
) -> QuerySet[PrecedentItem]:
    """ranked_candidates for filters in the newest window (PrecedentFilters.in_newest_window),
    in one statement: the first `at_most` items matching in their description and citation
    among the category's NEWEST_WINDOW newest, read from precedent_item_similar alone (its
    `similar_search` holds the description's and citation's words at their positions, so
    every word or phrase found there is found in `search` too); only when the window holds
    fewer than `at_most`, the first `at_most` of all matches from the GIN index instead (a
    one-time filter: the other part is never run)."""
    everywhere = _first_matching_ids(items, search_query, at_most)
    everywhere_sql, everywhere_params = everywhere.query.sql_with_params()
    compiler = everywhere.query.get_compiler(connection=connection)
    query_sql, query_params = compiler.compile(search_query.resolve_expression(everywhere.query))
    tests, test_params = [], []
    for column, value in (
        ("outcome", filters.outcome),
        ("guideline_source", filters.guideline_source),
    ):
        if value:
            tests.append(f"w.{column} = %s AND ")
            test_params.append(value)
    newest = _category_newest_sql("id, outcome, guideline_source, similar_search", "%s", "%s")
    sql = f"""
    WITH newest AS MATERIALIZED (
        SELECT w.id
          FROM {newest} w
         WHERE {"".join(tests)}w.similar_search @@ {query_sql}
         LIMIT %s)
    SELECT id FROM newest WHERE (SELECT count(*) FROM newest) >= %s
    UNION ALL
    SELECT found.* FROM ({everywhere_sql}) found WHERE (SELECT count(*) FROM newest) < %s"""
    params = (
        filters.category,
        NEWEST_WINDOW,
        *test_params,
        *query_params,
        at_most,
        at_most,
        *everywhere_params,
        at_most,
    )
    return (
        PrecedentItem.objects.select_related("decision")
        .filter(pk__in=RawSQL(sql, params))
        .annotate(rank=SearchRank(search_vector(), search_query))
    )


_SIMILAR_MATCH = "to_tsquery(%(config)s::regconfig, %(match)s)"
# Where a part of similar_item_ranks' query finds its candidates: the category's `window`
# newest, read in order from the index precedent_item_similar alone; or wherever the GIN
# indexes find them (the description's words are the `search` column's weight A too), in the
# categories a test keeps.
_SIMILAR_IN_WINDOW = (
    _category_newest_sql("id, decision_id, position, similar_search", "%(category)s", "%(window)s")
    + f" i WHERE i.similar_search @@ {_SIMILAR_MATCH}"
)


def _similar_in_index(category_test: str) -> str:
    item = PrecedentItem._meta.db_table
    return f"{item} i WHERE i.search @@ {_SIMILAR_MATCH} AND {category_test}"


def _similar_part_sql(source: str, *, other_category: bool) -> str:
    """One part of similar_item_ranks' query: the first `candidates` items of `source`
    (_SIMILAR_IN_WINDOW or _similar_in_index) whose description shares a word, each ranked as
    it is read; those tied with the best `limit` ranks are joined to their decisions for the
    order's dates; the best `limit` of them."""
    decision = PrecedentItem._meta.get_field("decision").related_model._meta.db_table
    other = "TRUE" if other_category else "FALSE"
    return f"""
    (SELECT best.id, best.rank, {other}
       FROM (SELECT found.id, found.decision_id, found.position, found.rank
               FROM (SELECT i.id, i.decision_id, i.position,
                            ts_rank(i.similar_search,
                                    to_tsquery(%(config)s::regconfig, %(ranking)s)) AS rank
                       FROM {source}
                        AND i.decision_id NOT IN (
                            SELECT id FROM {decision} WHERE case_number = %(case_number)s)
                      LIMIT %(candidates)s) found
              ORDER BY found.rank DESC
              FETCH FIRST (%(limit)s) ROWS WITH TIES) best
       JOIN {decision} d ON d.id = best.decision_id
      ORDER BY best.rank DESC, d.decided_on DESC NULLS LAST, best.decision_id DESC,
               best.position
      LIMIT %(limit)s)"""


def similar_item_ranks(
    *,
    match: str,
    ranking: str,
    category: str,
    exclude_case_number: str,
    candidates: int,
    limit: int,
    window: int | None = None,
) -> list[tuple[int, float, bool]]:
    """PostgreSQL: (item id, rank, of another category) of the `limit` items most like one
    being decided, in one statement: `match` and `ranking` are raw tsquery text (words and
    weights, no operators but "|"). With a `window` (and a category): the category's best
    among its `window` newest items only (read in order: run it with bitmap scans off,
    rows_read_in_order). Without: the same category's best first, then, only if they do not
    fill `limit`, the other categories' best (UNION ALL under one LIMIT stops before the
    second part), from the GIN indexes. Written as SQL, not the ORM: building and compiling
    the ORM's union was about 10 ms of a panel's 25 (bench/README.md), more than the query
    itself."""
    if window is not None and category:
        sql = _similar_part_sql(_SIMILAR_IN_WINDOW, other_category=False)
    elif category:
        same = _similar_in_index("category = %(category)s")
        other = _similar_in_index("category <> %(category)s")
        sql = (
            f"{_similar_part_sql(same, other_category=False)} UNION ALL "
            f"{_similar_part_sql(other, other_category=True)} LIMIT %(limit)s"
        )
    else:
        sql = _similar_part_sql(_similar_in_index("TRUE"), other_category=False)
    params = {
        "config": CONFIG,
        "match": match,
        "ranking": ranking,
        "category": category,
        "case_number": exclude_case_number,
        "candidates": candidates,
        "limit": limit,
        "window": window,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, rank, bool(other)) for pk, rank, other in cursor.fetchall()]


@contextmanager
def rows_read_in_order():
    """Within it (PostgreSQL), the planner reads rows (a table or b-tree scan that stops at
    the LIMIT) instead of building bitmaps: `enable_bitmapscan` off, then reset. For the
    similar items' OR of a description's common words ("lumbar", "injection"), which most
    rows of a category share, a bitmap is every such item in the GIN index (hundreds of
    thousands) before the first row is read; read in order, the first SIMILAR_CANDIDATES
    sharing a word are a few hundred rows in (bench/README.md). No-op on SQLite."""
    if not is_postgresql():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_bitmapscan = off")
    try:
        yield
    except BaseException:
        # A database error inside a transaction has aborted it (the RESET fails there), and
        # the transaction's rollback undoes the SET.
        with suppress(DatabaseError):
            _bitmaps_back()
        raise
    _bitmaps_back()


def _bitmaps_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_bitmapscan")


def _search_like(items, terms: QueryTerms, match, latest):
    def anywhere(term: str, *, whole: bool = False) -> Q:
        """The term in any of the three texts: a word as a part of one ("block" finds
        "blocks"); a phrase's words one after the other, whatever is between them ("L4-5
        fusion"); `whole`, only as whole words (an excluded "pt" is not the one in "accepted")."""
        if " " not in term and not whole:
            return (
                Q(description__icontains=term)
                | Q(citation__icontains=term)
                | Q(rationale__icontains=term)
            )
        pattern = (
            r"\b" + r"\W+".join(re.escape(word) for word in term.split()) + (r"\b" if whole else "")
        )
        return (
            Q(description__iregex=pattern)
            | Q(citation__iregex=pattern)
            | Q(rationale__iregex=pattern)
        )

    words = terms.words
    condition = Q()
    if match == "any":
        for word in words:
            condition |= anywhere(word)
    else:
        for group in terms.wanted:
            alternatives = Q()
            for term in group:
                alternatives |= anywhere(term)
            condition &= alternatives
    for term in terms.excluded:
        condition &= ~anywhere(term, whole=True)
    rank = sum(
        (
            Case(When(**{f"{field}__icontains": word}, then=Value(weight)), default=Value(0))
            for word in words
            for field, weight in _FIELD_WEIGHTS
        ),
        Value(0),
    )
    items = items.filter(condition).annotate(rank=rank)
    return items.order_by("-rank", *latest)


# --- Highlighting --------------------------------------------------------------------------


def marked_html(marked: str) -> SafeString:
    """Text with MARK_START/MARK_STOP around matches as HTML: everything escaped, the marks
    turned into <mark>."""
    html = escape(marked)
    html = html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    # Escaped above: the only markup is our own <mark> tags.
    return mark_safe(html)


def _mark_words(text: str, words: list[str]) -> str:
    if not words:
        return text
    # A phrase's words with whatever is between them in the text ("L4-5 fusion" for "l4 5 fusion").
    pattern = re.compile(
        "|".join(r"\W+".join(re.escape(part) for part in word.split()) for word in words),
        re.IGNORECASE,
    )
    return pattern.sub(lambda found: f"{MARK_START}{found.group(0)}{MARK_STOP}", text)


def _excerpt(text: str, words: list[str]) -> str:
    """About EXCERPT_WORDS words of `text` around its first match (its start if none)."""
    tokens = text.split()
    if len(tokens) <= EXCERPT_WORDS:
        return text
    first = 0
    lowered = [token.lower() for token in tokens]
    # A phrase is found by its first word.
    firsts = [word.split()[0] for word in words if word.split()]
    for index, token in enumerate(lowered):
        if any(word in token for word in firsts):
            first = index
            break
    start = max(0, min(first - 5, len(tokens) - EXCERPT_WORDS))
    excerpt = " ".join(tokens[start : start + EXCERPT_WORDS])
    if start > 0:
        excerpt = "… " + excerpt
    if start + EXCERPT_WORDS < len(tokens):
        excerpt += " …"
    return excerpt


def _matched_words(marked: str) -> list[str]:
    found = re.findall(f"{MARK_START}(.*?){MARK_STOP}", marked or "", flags=re.DOTALL)
    return list(dict.fromkeys(word.lower() for word in found if word.strip()))


def highlight_items(items: Iterable[PrecedentItem], query: str) -> None:
    """Set `description_html` (the whole description) and `rationale_html` (an excerpt around
    the first match) on each item, the matched words in <mark>, everything else escaped. The
    words are those ts_headline marked where search_items(highlight=True) asked PostgreSQL,
    else the query's own words."""
    # An excluded word is in no item shown: nothing of it to mark.
    query_word_list = query_terms(query).words
    for item in items:
        marked = getattr(item, "matched_marked", None)
        words = _matched_words(marked) if marked is not None else query_word_list
        item.description_html = marked_html(_mark_words(item.description, words))
        item.rationale_html = marked_html(_mark_words(_excerpt(item.rationale, words), words))
