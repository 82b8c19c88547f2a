"""Where one page of the load benchmark spends its time, in this process (no server, no load).

    .venv/bin/python bench/profile_page.py --database-url postgres://postgres@127.0.0.1:5432/imr_load_bench
                                           --page "Assign page" [--requests 50]
                                           [--sql] [--profile] [--lines 40]

The pages and the signed-in users are bench/load.py's (run it with --data-only first; the data
is used as it is and never changed, besides the sessions and the API token load.py makes). Each
chosen page (--page: words its label contains, comma-separated; every page when empty) is asked
for --requests times through Django's test client with the server's settings (DEBUG off), after
one warm-up request, and the median and 90th percentile of the time in process are printed:
the part of the load benchmark's figures the server's own code decides, without the client or
the second worker sharing the cores. --sql prints each query of one request with its time;
--profile, the functions that took most time over the requests (cProfile, by --sort).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load, roster_data  # noqa: E402


def client_for(page):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {}
    if page.cookie:
        name, _, value = page.cookie.partition("=")
        client.cookies[name] = value
    if page.token:
        headers["Authorization"] = f"Token {page.token}"
    if page.htmx:
        headers["HX-Request"] = "true"
    return client, headers


def timed(client, headers, path) -> float:
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed * 1000


def sql_print(client, headers, path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    total = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    print(f"  {len(captured.captured_queries)} queries, {total:.1f} ms as the client measured them")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--page", default="", help="Words the pages' labels contain.")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sql", action="store_true", help="Each query of one request.")
    parser.add_argument("--profile", action="store_true", help="cProfile over the requests.")
    parser.add_argument("--lines", type=int, default=40, help="Lines of the profile.")
    parser.add_argument(
        "--sort", default="cumulative", choices=("cumulative", "tottime"), help="Profile order."
    )
    args = parser.parse_args()
    os.environ.update(load.SERVER_ENV)
    roster_data.bench_django_setup(load.NAME, args.database_url, create=False, reuse=True)
    from cases.lifecycle.models import Case

    if not Case.objects.exists():
        raise SystemExit("no data: run bench/load.py --data-only with this database first")
    from django.core.management import call_command

    # The server's static files' manifest (DEBUG off), as load.py collects it.
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench import load_wsgi  # noqa: F401  (the floor's URL, as the server has it)

    pages = load.pages_build()
    wanted = [word.strip() for word in args.page.split(",") if word.strip()]
    if wanted:
        pages = [page for page in pages if any(word in page.label for word in wanted)]
    for page in pages:
        client, headers = client_for(page)
        timed(client, headers, page.path)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        times = sorted(timed(client, headers, page.path) for _ in range(args.requests))
        if profiler:
            profiler.disable()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(f"{page.label}: median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms")
        if args.sql:
            sql_print(client, headers, page.path)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
    roster_data.bench_broker_clean(load.NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
