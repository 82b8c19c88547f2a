"""Benchmark: how long the Assign page's reviewer list takes (reviews.matching.reviewers_for_case)
and whether its SQL query count stays flat as the roster grows.

    .venv/bin/python bench/suggest_reviewers.py [--cases 30] [--database-url URL] [--pages 20]

Builds the roster in steps (200, 1,000, 2,000 reviewers by default) on a throwaway database and,
at each size, times one full call (roster load + every rule for every reviewer + ranking) for
each of the cases, after a warm-up call. Then, at the largest size, the Assign page itself
through Django's test client with DEBUG off (the whole request: middleware, view, template) for
a drug case and a surgery case, against a trivial page in the same run. Not a test: nothing
here runs in the test suite.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402

NAME = "suggest_reviewers"
ROSTER_SIZES = (200, 1_000, 2_000)
SLOW_MEDIAN_MS = 300
STATIC_ROOT = roster_data.BENCH_VAR / "suggest-static"


def case_with(cases, wanted) -> object | None:
    """The first case whose items' categories satisfy `wanted` (a test on the set of them)."""
    for case in cases:
        if wanted({item.category for item in case.items.all()}):
            return case
    return None


def pages_measure(cases, repeat: int) -> list[tuple[str, list[float], int, int]]:
    """The Assign page (first page, a later page of the excluded, a search) for a drug case and
    a surgery case, and the floor, through the test client as a signed-in case administrator."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Role, User
    from bench.precedents import client_for

    admin, _ = User.objects.get_or_create(
        username="bench-assign-admin",
        defaults={"role": Role.CASE_ADMIN, "first_name": "Bench", "last_name": "Admin"},
    )
    client = client_for(admin)
    drug = case_with(cases, lambda categories: categories == {"pharmaceuticals"})
    surgery = case_with(cases, lambda categories: any(c.startswith("surgery") for c in categories))
    visits = [("floor: trivial page (/health/live/)", "/health/live/")]
    for label, case in (("drug", drug), ("surgery", surgery)):
        if case is None:
            continue
        path = reverse("assignment:case_assign", args=[case.case_number])
        visits += [
            (f"Assign page, {label} case {case.case_number}", path),
            (f"  excluded, page 3 ({label})", path + "?excluded_page=3"),
            (f"  search 'pain' ({label})", path + "?q=pain"),
        ]
    rows = []
    for label, path in visits:
        client.get(path)  # warm
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        rows.append((label, timings, len(queries.captured_queries), len(response.content)))
    return rows


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30, help="Cases timed at each size.")
    parser.add_argument(
        "--pages", type=int, default=20, help="Requests timed per page (0: no pages)."
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in ROSTER_SIZES),
        help="Roster sizes, comma-separated, ascending.",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    from bench.load import SERVER_ENV

    # As production runs: DEBUG off, static files from a manifest of this benchmark's own.
    os.environ.update(
        {**SERVER_ENV, "ALLOWED_HOSTS": "testserver", "STATIC_ROOT": str(STATIC_ROOT)}
    )
    where = roster_data.bench_django_setup(NAME, args.database_url, create=args.create_database)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.lifecycle.models import Case
    from reviews.assignment.matching import reviewers_for_case, roster_load

    print("suggest_reviewers benchmark: reviews.matching.reviewers_for_case")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    data = roster_data.BenchData(seed=args.seed)
    started = time.perf_counter()
    case_ids = data.cases_add(args.cases)
    cases = list(Case.objects.filter(pk__in=case_ids).order_by("case_number"))
    print(f"cases:    {len(cases)} waiting cases built in {time.perf_counter() - started:.2f} s")
    print()
    header = (
        f"{'reviewers':>9}  {'SQL queries':>11}  {'median ms':>9}  {'p95 ms':>7}  "
        f"{'max ms':>7}  {'roster_load ms':>14}  {'eligible':>8}  {'excluded':>8}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for size in sizes:
        started = time.perf_counter()
        data.reviewers_add(size - data.reviewers)
        build_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # As autovacuum would: planner statistics for the rows just added.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        reviewers_for_case(cases[0])  # warm: imports, the connection, the query plans
        with CaptureQueriesContext(connection) as queries:
            reviewers_for_case(cases[0])
        timings, eligible, excluded = [], [], []
        for case in cases:
            started = time.perf_counter()
            result = reviewers_for_case(case)
            timings.append((time.perf_counter() - started) * 1000)
            eligible.append(len(result.eligible))
            excluded.append(len(result.excluded))
        load_timings = []
        for _ in range(5):
            started = time.perf_counter()
            roster_load()
            load_timings.append((time.perf_counter() - started) * 1000)
        row = {
            "size": size,
            "queries": len(queries.captured_queries),
            "median": statistics.median(timings),
            "p95": roster_data.percentile(timings, 0.95),
            "max": max(timings),
            "load": statistics.median(load_timings),
            "eligible": statistics.mean(eligible),
            "excluded": statistics.mean(excluded),
            "build": build_seconds,
        }
        rows.append(row)
        print(
            f"{size:>9,}  {row['queries']:>11}  {row['median']:>9.1f}  {row['p95']:>7.1f}  "
            f"{row['max']:>7.1f}  {row['load']:>14.1f}  {row['eligible']:>8.0f}  "
            f"{row['excluded']:>8.0f}"
        )
    print()
    print(
        "median/p95/max: one reviewers_for_case call per case "
        f"({len(cases)} cases); roster_load: median of 5 loads of the whole roster; "
        "eligible/excluded: mean reviewers per case."
    )
    build_total = sum(row["build"] for row in rows)
    print(f"roster of {sizes[-1]:,} reviewers built in {build_total:.1f} s (bulk_create).")
    counts = {row["queries"] for row in rows}
    flat = len(counts) == 1
    print(
        "SQL queries per call: "
        + ("the same at every roster size" if flat else "GROWS with the roster")
        + f" ({', '.join(str(row['queries']) for row in rows)})."
    )
    largest = rows[-1]
    if largest["median"] > SLOW_MEDIAN_MS:
        print(
            f"SLOW: median {largest['median']:.0f} ms at {largest['size']:,} reviewers is over "
            f"the {SLOW_MEDIAN_MS} ms budget."
        )
    else:
        print(
            f"Within budget: median {largest['median']:.0f} ms at {largest['size']:,} reviewers "
            f"(budget {SLOW_MEDIAN_MS} ms)."
        )
    if args.pages:
        call_command("collectstatic", interactive=False, verbosity=0)
        print()
        print(
            f"pages through Django's test client (DEBUG off), whole requests, "
            f"{sizes[-1]:,} reviewers, {args.pages} requests each after a warm-up:"
        )
        page_header = (
            f"{'what':<44}  {'median ms':>9}  {'p95 ms':>7}  {'max ms':>7}  "
            f"{'SQL queries':>11}  {'KB':>5}  {'x floor':>7}"
        )
        print(page_header)
        print("-" * len(page_header))
        cases = list(
            Case.objects.filter(pk__in=case_ids).prefetch_related("items").order_by("case_number")
        )
        page_rows = pages_measure(cases, args.pages)
        floor = statistics.median(page_rows[0][1])
        for label, timings, query_count, size in page_rows:
            median = statistics.median(timings)
            print(
                f"{label:<44}  {median:>9.1f}  {roster_data.percentile(timings, 0.95):>7.1f}  "
                f"{max(timings):>7.1f}  {query_count:>11}  {size / 1024:>5.0f}  "
                f"{median / floor:>6.1f}x"
            )
    roster_data.bench_broker_clean(NAME)
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
