"""Benchmark: the precedent library (issue 13) at 1,000,000 published decisions on PostgreSQL.

    .venv/bin/python bench/precedents.py --database-url postgres://postgres@127.0.0.1:5432/imr_prec_bench
                                         [--create-database] [--reuse] [--decisions 1000000]
                                         [--queries 200] [--letters 2000] [--skip-pages]
                                         [--parts queries,sizes,import,pages]

1. Data (skipped with --reuse when the database holds this benchmark's decisions already):
   --decisions published decisions generated in SQL (INSERT ... SELECT over generate_series,
   words picked from arrays of bench/precedent_data.py's vocabulary), in chunks of 50,000 on
   two connections:
   1-4 items a decision (mean about 1.9), categories of the DisputedItem vocabulary weighted
   as IMR decisions are, about 85% of items upheld, guideline sources MTUS/ACOEM/ODG/other,
   descriptions ("Norco 10/325mg #120", "MRI of the lumbar spine without contrast") and
   rationales (an opening in guideline phrasing, two to four findings, a conclusion) from that
   vocabulary. The items' search indexes (the GIN ones of the `search` tsvector, the
   panel's b-tree of `similar_search`) are dropped for the load and built after it; then
   VACUUM ANALYZE (the panel's index-only scans need the visibility map).
2. In process, through the functions the pages use (reviews.precedents.selectors.
   precedent_page for the library's page, reviews.precedents.similar.similar_panel for the
   workspace's panel), each over --queries different words or items, after a warm-up:
   (a) a one-word query, (b) a three-word query with two filters, (c) the similar-items panel
   of one item; median and p95 ms, against a floor measured in the same run (SELECT 1).
3. Sizes: pg_relation_size of the GIN index and of the tables (and their other indexes).
4. Import: --letters letter .txt files in the published layout written to a folder, then
   `manage.py import_decisions FOLDER` (a subprocess, as run by hand), timed at half and the
   full count: decisions per second, and whether the rate is flat over the count.
5. Pages (not with --skip-pages), through Django's test client with DEBUG off: the library's
   page for (a) and (b), and the workspace's step 3 with its items' panels and without them
   (IMR_SIMILAR_PANELS off), request by request in turn; the aim is within 1.5x.

The aim (issue 13): p95 under 100 ms for each query on this machine. The figures are printed;
the run fails only when something answers with an error. The database is never dropped or
emptied: pass an empty one (or --create-database); with --reuse the data this benchmark made
before is used as it is.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import precedent_data as vocab  # noqa: E402
from bench import roster_data  # noqa: E402

NAME = "precedents"
# What a run measures (--parts), in this order.
PARTS = ("queries", "sizes", "import", "pages")
ROOT = Path(__file__).resolve().parent.parent
CHUNK = 50_000
LOADERS = 2
GIN_INDEX = "precedent_item_search"
# The GIN indexes of the items (migrations 0019, 0023 and 0025).
GIN_INDEXES = {
    GIN_INDEX: "gin (search)",
    "precedent_item_category_search": "gin (category, outcome, search)",
}
# The items' search indexes, dropped for the load and built after: the GIN ones and the
# similar-items panel's b-tree (migrations 0024 and 0025).
SEARCH_INDEXES = {
    **GIN_INDEXES,
    "precedent_item_similar": (
        "btree (category, decision_id DESC) "
        "INCLUDE (id, position, outcome, guideline_source, similar_search)"
    ),
}
STATIC_ROOT = ROOT / "var" / "bench" / "precedents-static"
# Items a decision has: 1 (45%), 2 (30%), 3 (17%), 4 (8%).
ITEM_COUNT_SQL = "1 + (h >= 45)::int + (h >= 75)::int + (h >= 92)::int"


# --- The data ----------------------------------------------------------------------------------

DECISIONS_SQL = """
INSERT INTO reviews_precedentdecision
    (id, source, case_number, decided_on, outcome, priority, reviewer_specialty, case_id,
     created_at, updated_at)
SELECT g, 'published',
       'CM' || to_char(extract(year FROM day)::int %% 100, 'FM00') || '-'
           || to_char(g, 'FM0000000'),
       day, 'upheld', priority, specialty, NULL, now(), now()
FROM (
    SELECT g,
           date '2013-03-01' + floor(random() * 4990)::int AS day,
           CASE WHEN random() < 0.1 THEN 'expedited' ELSE 'standard' END AS priority,
           (%(specialties)s::text[])[1 + floor(random() * %(n_specialties)s)::int] AS specialty
    FROM generate_series(%(low)s, %(high)s) AS g
    OFFSET 0
) AS made
"""

ITEMS_SQL = (
    """
INSERT INTO reviews_precedentitem
    (decision_id, position, description, category, outcome, guideline_source, citation,
     rationale)
SELECT decision_id, position, description, category, outcome, source, citation,
       replace(replace(replace(
           opening || ' ' || finding1 || ' ' || finding2
           || CASE WHEN r_more < 0.5 THEN ' ' || finding3 ELSE '' END
           || CASE WHEN r_more < 0.2 THEN ' ' || finding4 ELSE '' END
           || ' ' || ending,
           '{treatment}', lower(description)), '{body}', body),
           '{guideline}', guideline)
FROM (
    SELECT decision_id, position, category, outcome, source, citation, body, guideline,
           r_more, opening, finding1, finding2, finding3, finding4, ending,
           replace(replace(replace(treatment, '{body}', body), '{side}', side), '{qty}', qty)
               AS description
    FROM (
        SELECT d.g AS decision_id, p.position,
               (%(categories)s::text[])[t] AS category,
               (%(treatments)s::text[])[t] AS treatment,
               CASE WHEN r_outcome < 0.85 THEN 'upheld' ELSE 'overturned' END AS outcome,
               (%(sources)s::text[])[c] AS source,
               (%(citations)s::text[])[c] AS citation,
               (%(guidelines)s::text[])[c] AS guideline,
               (%(bodies)s::text[])[1 + floor(random() * %(n_bodies)s)::int] AS body,
               (%(sides)s::text[])[1 + floor(random() * %(n_sides)s)::int] AS side,
               (%(quantities)s::text[])[1 + floor(random() * %(n_quantities)s)::int] AS qty,
               (%(openings)s::text[])[1 + floor(random() * %(n_openings)s)::int] AS opening,
               (%(findings)s::text[])[1 + floor(random() * %(n_findings)s)::int] AS finding1,
               (%(findings)s::text[])[1 + floor(random() * %(n_findings)s)::int] AS finding2,
               (%(findings)s::text[])[1 + floor(random() * %(n_findings)s)::int] AS finding3,
               (%(findings)s::text[])[1 + floor(random() * %(n_findings)s)::int] AS finding4,
               CASE WHEN r_outcome < 0.85
                   THEN (%(upheld)s::text[])[1 + floor(random() * %(n_upheld)s)::int]
                   ELSE (%(overturned)s::text[])[1 + floor(random() * %(n_overturned)s)::int]
               END AS ending,
               r_more
        FROM (
            SELECT g, ((g::bigint * 7919 + 13) %% 100)::int AS h
            FROM generate_series(%(low)s, %(high)s) AS g
        ) AS d
        CROSS JOIN LATERAL generate_series(1, """
    + ITEM_COUNT_SQL
    + """) AS p(position)
        CROSS JOIN LATERAL (
            SELECT 1 + floor(random() * %(n_treatments)s)::int + 0 * p.position AS t,
                   1 + floor(random() * %(n_citations)s)::int + 0 * p.position AS c,
                   random() + 0 * p.position AS r_outcome,
                   random() + 0 * p.position AS r_more
            OFFSET 0
        ) AS r
        OFFSET 0
    ) AS picked
    OFFSET 0
) AS texts
"""
)

OUTCOMES_SQL = """
UPDATE reviews_precedentdecision AS d
SET outcome = CASE WHEN s.upheld = 0 THEN 'overturned' ELSE 'partially_overturned' END
FROM (
    SELECT decision_id, count(*) FILTER (WHERE outcome = 'upheld') AS upheld
    FROM reviews_precedentitem
    WHERE decision_id BETWEEN %(low)s AND %(high)s
    GROUP BY decision_id
    HAVING bool_or(outcome = 'overturned')
) AS s
WHERE d.id = s.decision_id
"""


def vocabulary_parameters() -> dict:
    categories, treatments = vocab.weighted(vocab.TREATMENTS)
    sources, citations = vocab.weighted(vocab.CITATIONS)
    arrays = {
        "specialties": vocab.SPECIALTIES,
        "categories": categories,
        "treatments": treatments,
        "sources": sources,
        "citations": citations,
        "guidelines": [vocab.GUIDELINE_NAMES[source] for source in sources],
        "bodies": vocab.BODY_PARTS,
        "sides": vocab.SIDES,
        "quantities": vocab.QUANTITIES,
        "openings": vocab.OPENINGS,
        "findings": vocab.FINDINGS,
        "upheld": vocab.UPHELD_ENDINGS,
        "overturned": vocab.OVERTURNED_ENDINGS,
    }
    parameters = dict(arrays)
    for key, values in arrays.items():
        parameters[f"n_{key}"] = len(values)
    return parameters


def library_build(decisions: int, start: int = 1) -> float:
    """`decisions` published decisions with their items, in SQL, chunk by chunk (committed
    each); the GIN index dropped first and built at the end. Returns the seconds taken."""
    from django.db import connection, transaction

    parameters = vocabulary_parameters()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for name in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    last = start + decisions - 1
    chunks = [(low, min(low + CHUNK - 1, last)) for low in range(start, last + 1, CHUNK)]
    done = [0]
    lock = threading.Lock()

    def chunk_load(bounds_pair: tuple[int, int]) -> None:
        low, high = bounds_pair
        chunk_began = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                bounds = {"low": low, "high": high}
                cursor.execute(DECISIONS_SQL, {**parameters, **bounds})
                cursor.execute(ITEMS_SQL, {**parameters, **bounds})
                cursor.execute(OUTCOMES_SQL, bounds)
        finally:
            connection.close()
        with lock:
            done[0] += high - low + 1
            print(
                f"  {done[0]:,} of {decisions:,} decisions "
                f"({time.perf_counter() - chunk_began:.0f} s for decisions {low:,}-{high:,})",
                flush=True,
            )

    # Two connections: to_tsvector of the generated column is the cost, and it is CPU-bound.
    with ThreadPoolExecutor(max_workers=LOADERS) as pool:
        list(pool.map(chunk_load, chunks))
    search_indexes_build()
    with connection.cursor() as cursor:
        for table in ("reviews_precedentdecision", "reviews_precedentitem"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return time.perf_counter() - began


def search_indexes_build() -> float:
    """The items' search indexes, as migrations 0019, 0023, 0024 and 0025 make them (built once over
    the loaded rows)."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, how in SEARCH_INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON reviews_precedentitem USING {how}"
            )
    took = time.perf_counter() - began
    print(f"  search indexes built in {took:.0f} s", flush=True)
    return took


def library_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reviews_precedentdecision")
        cursor.execute("VACUUM ANALYZE reviews_precedentitem")


# --- Timing -----------------------------------------------------------------------------------


def timings(call, arguments: list, warm: int = 3) -> list[float]:
    """ms of `call(argument)` for each argument, after `warm` untimed calls."""
    for argument in arguments[:warm]:
        call(argument)
    times = []
    for argument in arguments:
        began = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float, float]:
    return statistics.median(times), roster_data.percentile(times, 0.95), max(times)


def select_one(_argument) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


# --- What is searched --------------------------------------------------------------------------

_STOP = {"with", "and", "the", "for", "per", "day", "days", "week", "views", "sessions", "visits"}


def _treatment_text(rng: random.Random, template: str) -> str:
    return (
        template.replace("{body}", rng.choice(vocab.BODY_PARTS))
        .replace("{side}", rng.choice(vocab.SIDES))
        .replace("{qty}", rng.choice(vocab.QUANTITIES))
    )


def _words(text: str) -> list[str]:
    found = (word.lower() for word in text.replace("/", " ").replace(",", " ").split())
    return [
        word
        for word in dict.fromkeys(found)
        if word.isalpha() and len(word) > 2 and word not in _STOP
    ]


def one_word_queries(rng: random.Random, count: int) -> list[str]:
    """Words a user types to find what was requested: every word of the treatments and body
    parts (drug names, procedures, body parts), shuffled, repeated up to `count`."""
    words = []
    for _category, _weight, template in vocab.TREATMENTS:
        words.extend(_words(template.replace("{body}", "").replace("{side}", "")))
    for body in vocab.BODY_PARTS:
        words.extend(_words(body))
    words = list(dict.fromkeys(words))
    rng.shuffle(words)
    return [words[index % len(words)] for index in range(count)]


def three_word_queries(rng: random.Random, count: int) -> list[tuple[str, object]]:
    """Three words of one treatment as requested ("lumbar epidural steroid"), with two filters:
    its category and an outcome (upheld 85% of the time, as the data)."""
    from reviews.precedents.search import PrecedentFilters

    categories, templates = vocab.weighted(vocab.TREATMENTS)
    made = []
    while len(made) < count:
        index = rng.randrange(len(templates))
        words = _words(_treatment_text(rng, templates[index]))
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 2)
        outcome = "upheld" if rng.random() < 0.85 else "overturned"
        made.append(
            (
                " ".join(words[start : start + 3]),
                PrecedentFilters(category=categories[index], outcome=outcome),
            )
        )
    return made


def panel_items(rng: random.Random, count: int) -> list[dict]:
    """Items to find similar ones for: random items of the library (description, category,
    citation, the case number to leave out), as the panel is asked for a disputed item."""
    from reviews.precedents.models import PrecedentItem

    top = PrecedentItem.objects.order_by("-pk").values_list("pk", flat=True)[0]
    ids = rng.sample(range(1, top + 1), count * 2)
    rows = PrecedentItem.objects.filter(pk__in=ids).values_list(
        "description", "category", "citation", "decision__case_number"
    )
    found = [
        {"description": d, "category": c, "citation": t, "exclude_case_number": n}
        for d, c, t, n in rows
    ]
    rng.shuffle(found)
    return found[:count]


# --- The queries, in process --------------------------------------------------------------------


def queries_measure(user, rng: random.Random, count: int) -> list[tuple[str, list[float]]]:
    from reviews.precedents.search import PrecedentFilters
    from reviews.precedents.selectors import precedent_page
    from reviews.precedents.similar import similar_panel

    one = one_word_queries(rng, count)
    three = three_word_queries(rng, count)
    items = panel_items(rng, count)
    empty = PrecedentFilters()
    return [
        ("floor: SELECT 1 round trip", timings(select_one, list(range(count)))),
        (
            "(a) one word, library page (precedent_page)",
            timings(lambda word: precedent_page(user, word, empty, None), one),
        ),
        (
            "(b) three words + category + outcome",
            timings(lambda pair: precedent_page(user, pair[0], pair[1], None), three),
        ),
        (
            "(c) similar-items panel, one item (similar_panel)",
            timings(lambda item: similar_panel(**item), items),
        ),
    ]


def table_print(rows: list[tuple[str, list[float]]], floor_label: str, unit: str = "ms") -> None:
    floor = statistics.median(dict(rows)[floor_label])
    print(
        f"{'what':<52} {'n':>5} {'median ' + unit:>10} {'p95 ' + unit:>9} {'max ' + unit:>9} "
        f"{'x floor':>8}"
    )
    print("-" * 98)
    for label, times in rows:
        median, p95, top = summary(times)
        print(
            f"{label:<52} {len(times):>5} {median:>10.1f} {p95:>9.1f} {top:>9.1f} "
            f"{median / floor:>7.1f}x"
        )


# --- Sizes --------------------------------------------------------------------------------------


def sizes_print() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_relation_size(c.oid),
                   coalesce(pg_total_relation_size(c.reltoastrelid), 0),
                   pg_indexes_size(c.oid), pg_total_relation_size(c.oid), c.reltuples::bigint
            FROM pg_class c
            WHERE c.relname IN ('reviews_precedentdecision', 'reviews_precedentitem')
            ORDER BY c.relname
            """
        )
        tables = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            WHERE c.relname IN ('reviews_precedentdecision', 'reviews_precedentitem')
            ORDER BY 2 DESC
            """
        )
        indexes = cursor.fetchall()
    mib = 1024 * 1024
    print(
        f"{'relation':<40} {'rows':>11} {'heap MiB':>9} {'TOAST MiB':>10} {'indexes MiB':>12} "
        f"{'total MiB':>10}"
    )
    for name, heap, toast, index, total, rows in tables:
        print(
            f"{name:<40} {rows:>11,} {heap / mib:>9.0f} {toast / mib:>10.0f} {index / mib:>12.0f} "
            f"{total / mib:>10.0f}"
        )
    print()
    for name, size in indexes:
        marker = "  <- a full-text GIN index" if name in GIN_INDEXES else ""
        print(f"  index {name:<46} {size / mib:>8.0f} MiB{marker}")


# --- Import ------------------------------------------------------------------------------------

LETTER_HEAD = """Case Number:         {case_number}
Date Assigned:       {assigned}                 Date of Injury:          {injured}
Decision Date:       {decided}                 UR Denial Date:          {ur_denied}
Priority:            {priority}                   Application Received:    {received}

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer, employee, providers or the claims administrator. He/she has been
in active clinical practice for more than five years and is currently working at least 24 hours a
week in active practice.
The Expert Reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: {specialty}

CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:
{summary}

IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

"""


def _wrapped(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=96)


def letter_text_make(rng: random.Random, case_number: str) -> tuple[str, int]:
    """A published letter in the state's layout (as pdftotext -layout reads one) with 1-4
    items from the benchmark's vocabulary; returns the text and its number of items."""
    import datetime as dt

    decided = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    categories, templates = vocab.weighted(vocab.TREATMENTS)
    sources, citations = vocab.weighted(vocab.CITATIONS)
    count = rng.choices([1, 2, 3, 4], [45, 30, 17, 8])[0]
    body = rng.choice(vocab.BODY_PARTS)
    text = LETTER_HEAD.format(
        case_number=case_number,
        assigned=(decided - dt.timedelta(days=30)).strftime("%m/%d/%Y"),
        injured=(decided - dt.timedelta(days=900)).strftime("%m/%d/%Y"),
        decided=decided.strftime("%m/%d/%Y"),
        ur_denied=(decided - dt.timedelta(days=50)).strftime("%m/%d/%Y"),
        priority="Expedited" if rng.random() < 0.1 else "Standard",
        received=(decided - dt.timedelta(days=35)).strftime("%m/%d/%Y"),
        specialty=rng.choice(vocab.SPECIALTIES),
        summary=_wrapped(
            f"The injured worker is a {rng.randint(25, 64)} year old "
            f"{rng.choice(['male', 'female'])}, who sustained an industrial injury. "
            f"The injured worker reported {body} pain. "
            + " ".join(rng.sample(vocab.FINDINGS, 3)).replace("{body}", body)
        ),
    )
    for _ in range(count):
        index = rng.randrange(len(templates))
        description = _treatment_text(rng, templates[index])
        upheld = rng.random() < 0.85
        cited = rng.randrange(len(citations))
        source, citation = sources[cited], citations[cited]
        if source == "mtus":
            line = f"Decision based on {citation}."
        elif citation:
            line = (
                "The Expert Reviewer based their decision on recommendation(s) outside of the "
                f"MTUS Guidelines. Decision based on Non-MTUS Citation {citation}."
            )
        else:
            line = "The Expert Reviewer did not cite any medical evidence for its decision."
        sentences = [
            rng.choice(vocab.OPENINGS),
            *rng.sample(vocab.FINDINGS, rng.randint(2, 4)),
            rng.choice(vocab.UPHELD_ENDINGS if upheld else vocab.OVERTURNED_ENDINGS),
        ]
        rationale = (
            " ".join(sentences)
            .replace("{treatment}", description.lower())
            .replace("{body}", body)
            .replace("{guideline}", vocab.GUIDELINE_NAMES[source])
        )
        text += f"{description}:  {'Upheld' if upheld else 'Overturned'}\n"
        text += (
            _wrapped(
                "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical "
                "Treatment Guidelines Page(s): 76-80."
            )
            + "\n"
        )
        text += _wrapped(f"MAXIMUS guideline: {line}") + "\n"
        text += _wrapped(f"Decision rationale: {rationale}") + "\n"
    return text, count


def letters_write(folder: Path, first: int, count: int, rng: random.Random) -> int:
    """`count` letters numbered from `first` (CM26-9xxxxxx: apart from the generated
    decisions' numbers); returns their items."""
    folder.mkdir(parents=True, exist_ok=True)
    items = 0
    for number in range(first, first + count):
        case_number = f"CM26-{9_000_000 + number:07d}"
        text, made = letter_text_make(rng, case_number)
        (folder / f"{case_number}.txt").write_text(text, encoding="utf-8")
        items += made
    return items


def import_run(folder: Path, database_url: str) -> tuple[float, int, str]:
    """`manage.py import_decisions FOLDER` in a subprocess: seconds, decisions it printed,
    the last line of stderr when it failed."""
    env = {**os.environ, "DATABASE_URL": database_url}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "import_decisions", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - began
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    error = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]
    return took, len(lines), error


def import_measure(database_url: str, letters: int, rng: random.Random) -> list[str]:
    """Import one letter (the command's start-up), then `letters` // 2, then `letters` (new
    case numbers each time): the rate of each, and the marginal rate between the two sizes
    (start-up cancels out). Returns the failures."""
    from reviews.precedents.models import PrecedentDecision
    from reviews.precedents.published import letter_parse

    first = PrecedentDecision.objects.filter(case_number__startswith="CM26-9").count() + 1
    failures = []
    runs = []
    with tempfile.TemporaryDirectory(prefix="imr-bench-letters-") as root:
        for count in (1, letters // 2, letters):
            folder = Path(root) / f"letters-{count}"
            items = letters_write(folder, first, count, rng)
            first += count
            sample = sorted(folder.iterdir())[0]
            parsed = letter_parse(sample.read_text(encoding="utf-8"))
            if parsed.case_number != sample.stem:
                failures.append(f"the generated letter {sample.name} does not parse as written")
            took, imported, error = import_run(folder, database_url)
            if error or imported != count:
                failures.append(f"import of {count} letters: {imported} imported; {error}")
            runs.append((count, took))
            print(
                f"import_decisions, {count:>5,} letters ({items:>5,} items): {took:6.1f} s wall, "
                f"{count / took:6,.1f} decisions/s wall",
                flush=True,
            )
    (_one, start_up), (half, half_took), (full, full_took) = runs
    print(
        f"  start-up (the 1-letter run): {start_up:.1f} s; after it, {half:,} letters at "
        f"{half / max(half_took - start_up, 1e-6):,.0f}/s and {full:,} at "
        f"{full / max(full_took - start_up, 1e-6):,.0f}/s; marginal rate between the two sizes "
        f"{(full - half) / max(full_took - half_took, 1e-6):,.0f} decisions/s"
    )
    return failures


# --- The pages ----------------------------------------------------------------------------------

REVIEWER = "bench-precedents-reviewer"
WORKSPACE_CASES = 10


def workspace_cases(seed: int) -> tuple[object, list[str]]:
    """A reviewer with WORKSPACE_CASES cases in review (accepted, a draft determination with a
    decision per item), made once (bench/roster_data.py's cases); their case numbers."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from cases.lifecycle.models import Case, CaseStatus, DisputedItem
    from reviews.assignment.models import Assignment, AssignmentStatus
    from reviews.determination.models import Determination, DeterminationStatus, ItemDecision

    reviewer = User.objects.filter(username=REVIEWER).first()
    if reviewer is None:
        data = roster_data.BenchData(seed=seed)
        case_ids = data.cases_add(WORKSPACE_CASES)
        reviewer = User.objects.create(
            username=REVIEWER, role=Role.REVIEWER, first_name="Bench", last_name="Reviewer"
        )
        now = timezone.now()
        with transaction.atomic():
            for case_id in case_ids:
                Assignment.objects.create(
                    case_id=case_id,
                    reviewer=reviewer,
                    status=AssignmentStatus.ACCEPTED,
                    assigned_at=now,
                    responded_at=now,
                )
                determination = Determination.objects.create(
                    case_id=case_id, reviewer=reviewer, status=DeterminationStatus.DRAFT
                )
                ItemDecision.objects.bulk_create(
                    ItemDecision(determination=determination, item=item)
                    for item in DisputedItem.objects.filter(case_id=case_id)
                )
            Case.objects.filter(pk__in=case_ids).update(status=CaseStatus.IN_REVIEW)
    numbers = list(
        Case.objects.filter(assignments__reviewer=reviewer)
        .order_by("pk")
        .values_list("case_number", flat=True)
    )
    return reviewer, numbers


def client_for(user):
    from django.conf import settings
    from django.test import Client

    from bench.load import session_for

    client = Client()
    name, key = session_for(user).split("=", 1)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def pages_measure(rng: random.Random, count: int, seed: int) -> tuple[list, list[str]]:
    """The library's page and the workspace's step 3 with and without its panels, through the
    test client (the whole request: middleware, view, template)."""
    from django.test import override_settings
    from django.urls import reverse

    from accounts.models import Role, User
    from reviews.determination.models import ItemDecision

    failures: list[str] = []
    reviewer, numbers = workspace_cases(seed)
    client = client_for(reviewer)
    admin, _ = User.objects.get_or_create(
        username="bench-precedents-admin",
        defaults={"role": Role.CASE_ADMIN, "first_name": "Bench", "last_name": "Admin"},
    )
    admin_client = client_for(admin)
    url = reverse("precedents:precedent_search")

    def get(which, path, params=None, htmx=False) -> None:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = which.get(path, params or {}, **headers)
        if response.status_code != 200:
            failures.append(f"{path}: HTTP {response.status_code}")

    one = one_word_queries(rng, count)
    three = three_word_queries(rng, count)
    steps = [reverse("determination:workspace_step", args=[number, 3]) for number in numbers]
    items = ItemDecision.objects.filter(determination__case__case_number__in=numbers).count()
    rounds = [steps[index % len(steps)] for index in range(max(count // 2, len(steps)))]

    # The same page with the panels turned off (IMR_SIMILAR_PANELS, an organization's choice),
    # request by request in turn with it on: what the panels cost is the difference, with the
    # machine's state (its caches, other work) the same for both.
    with_panels, without_panels = [], []
    for index, path in enumerate(rounds[:3] + rounds):
        for shown, times in ((False, without_panels), (True, with_panels)):
            with override_settings(IMR_SIMILAR_PANELS=shown):
                began = time.perf_counter()
                get(client, path)
                if index >= 3:  # after three warm-up rounds
                    times.append((time.perf_counter() - began) * 1000)
    rows = [
        (
            "floor: trivial page (/health/live/)",
            timings(lambda _: get(client, "/health/live/"), list(range(count))),
        ),
        (
            "library page, (a) one word",
            timings(lambda word: get(admin_client, url, {"q": word}), one),
        ),
        (
            "library page, (b) three words + two filters",
            timings(
                lambda pair: get(
                    admin_client,
                    url,
                    {"q": pair[0], "category": pair[1].category, "outcome": pair[1].outcome},
                ),
                three,
            ),
        ),
        ("workspace step 3 without the panels", without_panels),
        (f"step 3 with its panels ({items / len(numbers):.1f} items a case)", with_panels),
    ]
    return rows, failures


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="Different queries per kind.")
    parser.add_argument("--letters", type=int, default=2_000, help="Letters for the import.")
    parser.add_argument("--skip-pages", action="store_true", help="No page measurements.")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"Which parts to run, comma-separated, of {','.join(PARTS)} (default: all).",
    )
    parser.add_argument("--data-only", action="store_true", help="Build the data and stop.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Use the decisions this benchmark made in the database before (no new data).",
    )
    args = parser.parse_args()
    parts = {part.strip() for part in args.parts.split(",") if part.strip()}
    if parts - set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")
    if args.skip_pages:
        parts.discard("pages")
    if not args.database_url or not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("give a PostgreSQL --database-url (or BENCH_DATABASE_URL)")
    from bench.load import SERVER_ENV

    # As production runs: DEBUG off (no SQL log), static files from a manifest of our own.
    os.environ.update(
        {**SERVER_ENV, "ALLOWED_HOSTS": "testserver", "STATIC_ROOT": str(STATIC_ROOT)}
    )
    where = roster_data.bench_django_setup(
        NAME, args.database_url, create=args.create_database, reuse=args.reuse
    )
    from reviews.precedents.models import PrecedentDecision

    print("precedents benchmark: the precedent library's search, panel and import at size")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    existing = PrecedentDecision.objects.count()
    if existing == 0:
        print(f"data: {args.decisions:,} published decisions")
        took = library_build(args.decisions)
        print(f"  built in {took:.0f} s")
    else:
        print(f"data: {existing:,} decisions made by an earlier run (--reuse)")
        search_indexes_build()
    library_analyze()
    if args.data_only:
        return 0
    from accounts.models import Role, User

    rng = random.Random(args.seed)
    user, _ = User.objects.get_or_create(
        username="bench-precedents-admin",
        defaults={"role": Role.CASE_ADMIN, "first_name": "Bench", "last_name": "Admin"},
    )
    failures: list[str] = []
    print()
    if "queries" in parts:
        print(f"queries in process, {args.queries} different ones each, after 3 warm-up calls:")
        rows = queries_measure(user, rng, args.queries)
        table_print(rows, rows[0][0])
        print()
    if "sizes" in parts:
        sizes_print()
        print()
    if args.letters and "import" in parts:
        failures += import_measure(args.database_url, args.letters, rng)
        print()
    if "pages" in parts:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        print("pages through Django's test client (DEBUG off), whole requests:")
        page_rows, page_failures = pages_measure(rng, args.queries, args.seed)
        failures += page_failures
        table_print(page_rows, page_rows[0][0])
        alone = statistics.median(page_rows[3][1])
        both = statistics.median(page_rows[4][1])
        print(f"step 3 with its panels / without them (medians): {both / alone:.2f}x (aim 1.5x)")
        print()
    print("aim (issue 13): p95 under 100 ms for each query; the page with the panel within 1.5x")
    for failure in dict.fromkeys(failures):
        print(f"ERROR {failure}")
    roster_data.bench_broker_clean(NAME)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
