"""Benchmark: the pages under load at a real IRO's size, against a trivial page (the floor).

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/imr_load_bench
                                   [--create-database] [--reuse] [--cases 200000]
                                   [--reviewers 2000] [--seconds 10] [--clients 1,20]
                                   [--workers 2] [--port 8765] [--client auto|wrk|python]
                                   [--rounds 5]

1. Data (skipped with --reuse when the database holds this benchmark's data already): the
   roster of bench/roster_data.py (--reviewers) and --cases cases made by it, then moved along
   in bulk: about 90% issued (assignment completed, determination issued with a clinical
   summary and a decision per item with its rationale), 0.5% submitted (the quality queue),
   2.5% being written, 0.5% waiting for the reviewer to accept, the rest (about 6.5%) waiting
   for a reviewer. Who reviewed what is skewed as real workloads are: the reviewer with the
   most has about 7% of all cases, the median one a few dozen. A reviewer's open cases stay
   within their capacity (rule 6: the product never assigns past it): an open case the skew
   gives to a reviewer already full goes to the next reviewer with room. The busiest reviewer
   measured is the one with the most cases of those whose open cases fill their capacity.
2. A server: gunicorn with --workers sync workers, DEBUG off, on 127.0.0.1:--port, serving
   imrsite through bench/load_wsgi.py, which adds one trivial page (/bench/floor/: signed-in
   user, no query of ours) behind the same middleware: the floor every page is compared with.
3. The load: for each page and each number of concurrent clients (--clients), wrk (as issue
   12 measured; bench/load_wrk.lua prints its figures) or, without wrk or with --client
   python, threads with http.client: one request at a time per client, no think time, for
   --seconds; p50 and p95 of the response time, requests per second, and the ratio of the
   page's p50 to the floor's at the same concurrency: each page alternates with the floor in
   --rounds slices and the ratio is the median of the slices' ratios (the VM's speed drifts
   within minutes; the table's last lines show how far the floor moved).
   The Python client's own work shares the machine's cores with the server, the more so the
   faster the page: it slows the floor most and so flatters the ratios at 20 clients.
   Sessions are made in the database as signing in with the second factor leaves them; the
   API uses a token. The three panels pages fetch when opened (the Assign page's excluded
   reviewers, a reviewer's finished cases, who read a case) are measured as requests of
   their own, with htmx's HX-Request header.

The aim (issue 12): every page within 3x of the floor at 20 clients and p95 under 150 ms on
this machine. The figures are printed; the run fails only when a page answers with an error.
The database is never dropped or emptied: pass an empty one (or --create-database); with
--reuse the data this benchmark made before is used as it is.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402

NAME = "load"
ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
CHUNK = 10_000
RATIONALE = (
    "The MTUS Chronic Pain Medical Treatment Guidelines recommend this treatment only when "
    "there is documented functional improvement and a reduction in the dependency on continued "
    "medical treatment. The records reviewed show the injured worker's pain levels and function "
    "over the last three visits; "
) * 4
SUMMARY = (
    "The injured worker is a warehouse employee who sustained a lifting injury to the low back. "
    "Treatment to date has included physical therapy, medications and a home exercise program. "
) * 8


# --- The data ----------------------------------------------------------------------------------


def _reviewer_room(**profiles) -> dict[int, int]:
    """Rule 6: the open cases each reviewer (user id) may hold here, their maximum less those
    carried from elsewhere; `profiles` filters the roster."""
    from reviews.roster.models import ReviewerProfile

    return {
        user_id: max_open - carried
        for user_id, max_open, carried in ReviewerProfile.objects.filter(**profiles).values_list(
            "user_id", "max_open_cases", "carried_open_cases"
        )
    }


def _reviewer_with_room(room: dict[int, int], reviewer_ids: list[int], wanted: int) -> int:
    """`wanted` if below capacity, else the next reviewer in the roster's order who is; one
    open case is taken from their room."""
    start = reviewer_ids.index(wanted)
    for step in range(len(reviewer_ids)):
        reviewer_id = reviewer_ids[(start + step) % len(reviewer_ids)]
        if room.get(reviewer_id, 0) > 0:
            room[reviewer_id] -= 1
            return reviewer_id
    raise SystemExit(
        "More open cases than the roster can hold (rule 6): give more --reviewers for this "
        "many --cases."
    )


def world_build(cases: int, reviewers: int, seed: int) -> None:
    """The roster and `cases` cases in the mix the module's docstring gives, in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from cases.lifecycle.models import Case, CaseNumberCounter, CaseStatus, DisputedItem
    from reviews.assignment.models import Assignment, AssignmentStatus
    from reviews.determination.models import Determination, DeterminationStatus, ItemDecision

    data = roster_data.BenchData(seed=seed)
    started = time.perf_counter()
    data.reviewers_add(reviewers)
    reviewer_ids = list(
        User.objects.filter(role=Role.REVIEWER).order_by("pk").values_list("pk", flat=True)
    )
    room = _reviewer_room(user__is_active=True)  # what each active reviewer may still take
    print(f"  {len(reviewer_ids):,} reviewers in {time.perf_counter() - started:.0f} s")
    rng = random.Random(seed + 1)
    now = timezone.now()
    outcomes = ["upheld", "upheld", "upheld", "overturned"]
    made = 0
    while made < cases:
        count = min(CHUNK, cases - made)
        chunk_started = time.perf_counter()
        ids = data.cases_add(count)
        items: dict[int, list[int]] = {}
        for case_id, item_id in DisputedItem.objects.filter(case_id__in=ids).values_list(
            "case_id", "pk"
        ):
            items.setdefault(case_id, []).append(item_id)
        by_status: dict[str, list[int]] = {}
        assignments, determinations = [], []
        for case_id in ids:
            roll = rng.random()
            if roll < 0.065:
                continue  # waiting for a reviewer, as made
            # Skewed: the busiest reviewers take the most (index ~ u**3).
            reviewer_id = reviewer_ids[int(len(reviewer_ids) * rng.random() ** 3)]
            if roll < 0.10:  # open: within capacity, else the next reviewer with room
                reviewer_id = _reviewer_with_room(room, reviewer_ids, reviewer_id)
            if roll < 0.07:
                status, a_status, d_status = CaseStatus.REVIEWER_ASSIGNED, "assigned", None
            elif roll < 0.095:
                status, a_status, d_status = CaseStatus.IN_REVIEW, "accepted", "draft"
            elif roll < 0.10:
                status, a_status, d_status = CaseStatus.SUBMITTED, "accepted", "submitted"
            else:
                status, a_status, d_status = CaseStatus.ISSUED, "completed", "issued"
            by_status.setdefault(status, []).append(case_id)
            assigned_at = now - dt.timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 999))
            assignments.append(
                Assignment(
                    case_id=case_id,
                    reviewer_id=reviewer_id,
                    status=AssignmentStatus(a_status),
                    assigned_at=assigned_at,
                    responded_at=None if a_status == "assigned" else assigned_at,
                )
            )
            if d_status:
                determinations.append(
                    Determination(
                        case_id=case_id,
                        reviewer_id=reviewer_id,
                        status=DeterminationStatus(d_status),
                        clinical_summary=SUMMARY,
                        decision_date=assigned_at.date() if d_status == "issued" else None,
                        submitted_at=assigned_at if d_status != "draft" else None,
                        approved_at=assigned_at if d_status == "issued" else None,
                    )
                )
        with transaction.atomic():
            Assignment.objects.bulk_create(assignments, batch_size=2_000)
            made_determinations = Determination.objects.bulk_create(
                determinations, batch_size=2_000
            )
            ItemDecision.objects.bulk_create(
                [
                    ItemDecision(
                        determination=determination,
                        item_id=item_id,
                        outcome=rng.choice(outcomes) if determination.status != "draft" else "",
                        citation_kind="mtus",
                        citation_text="MTUS Chronic Pain Medical Treatment Guidelines",
                        rationale=RATIONALE,
                    )
                    for determination in made_determinations
                    for item_id in items.get(determination.case_id, ())
                ],
                batch_size=2_000,
            )
            for status, case_ids in by_status.items():
                Case.objects.filter(pk__in=case_ids).update(status=status)
        made += count
        print(
            f"  {made:,} of {cases:,} cases ({time.perf_counter() - chunk_started:.0f} s "
            "for the last chunk)",
            flush=True,
        )
    # The counter past the numbers made here, as case_create keeps it.
    CaseNumberCounter.objects.update_or_create(year=26, defaults={"last_number": cases})


def world_analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- Who visits, and what ------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    path: str
    cookie: str = ""
    token: str = ""
    # An htmx request (HX-Request): a panel the page fetches on demand.
    htmx: bool = False


def session_for(user) -> str:
    """A session as signing in with the second factor leaves it; returns the cookie header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.session_timeout import LAST_ACTIVITY, SIGNED_IN_AT

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Bench app", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # A long run stays signed in: the idle clock restarts with each request.
    session[SIGNED_IN_AT] = session[LAST_ACTIVITY] = time.time()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def pages_build() -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import Role, User
    from accounts.tokens import api_token_create
    from cases.lifecycle.models import Case, CaseStatus
    from reviews.assignment.matching import OPEN_ASSIGNMENT_STATUSES
    from reviews.assignment.models import Assignment

    def user(username: str, role: str):
        found, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "first_name": "Bench", "last_name": role}
        )
        return found

    admin = session_for(user("bench-admin", Role.CASE_ADMIN))
    quality = session_for(user("bench-quality", Role.QUALITY_REVIEWER))
    api_user = user("bench-api", Role.API_CLIENT)
    _token, key = api_token_create(user=api_user, name="load bench")
    loads = list(
        Assignment.objects.values("reviewer_id")
        .annotate(cases=Count("pk"))
        .order_by("-cases", "reviewer_id")
        .values_list("reviewer_id", "cases")
    )
    # The busiest reviewer: the most cases of those whose open work fills their capacity (a
    # reviewer whose capacity the cases carried from elsewhere fill has no open case here).
    open_counts = dict(
        Assignment.objects.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
        .values("reviewer_id")
        .annotate(cases=Count("pk"))
        .values_list("reviewer_id", "cases")
    )
    room = _reviewer_room()
    busiest_id, busiest_cases = next(
        (user_id, cases)
        for user_id, cases in loads
        if room.get(user_id, 0) > 0 and open_counts.get(user_id, 0) >= room[user_id]
    )
    busiest_open = open_counts[busiest_id]
    median_id, median_cases = loads[len(loads) // 2]
    busiest = session_for(User.objects.get(pk=busiest_id))
    median = session_for(User.objects.get(pk=median_id))
    waiting = (
        Case.objects.filter(status=CaseStatus.RECORDS_COMPLETE).order_by("due_on", "pk").first()
    )
    in_review = Case.objects.filter(status=CaseStatus.IN_REVIEW).order_by("pk").first()
    worker = Case.objects.order_by("pk").values_list("worker_last_name", flat=True)[0]
    number = Case.objects.order_by("-pk").values_list("case_number", flat=True)[0]
    case_list = reverse("casefile:case_list")
    return [
        Page("floor (trivial view)", "/bench/floor/", admin),
        Page("case list (default)", case_list, admin),
        Page("operations dashboard", reverse("reports:dashboard"), admin),
        Page("case list, status filter", case_list + "?status=submitted", admin),
        Page("case list, search by worker name", f"{case_list}?q={worker}", admin),
        Page("case list, search by case number", f"{case_list}?q={number}", admin),
        Page("case list, page 50", case_list + "?page=50", admin),
        Page("case page", reverse("casefile:case_detail", args=[in_review.case_number]), admin),
        Page(
            "case page, readers panel opened (htmx)",
            reverse("casefile:case_detail", args=[in_review.case_number]) + "?panel=readers",
            admin,
            htmx=True,
        ),
        Page(
            "Assign page (suggest reviewers)",
            reverse("assignment:case_assign", args=[waiting.case_number]),
            admin,
        ),
        Page(
            "Assign page, excluded panel opened (htmx)",
            reverse("assignment:case_assign", args=[waiting.case_number]) + "?excluded_page=1",
            admin,
            htmx=True,
        ),
        Page("batch assignment page", reverse("assignment:assignments_batch"), admin),
        Page(
            f"reviewer dashboard, busiest ({busiest_cases:,} cases, {busiest_open} open)",
            reverse("determination:reviewer_dashboard"),
            busiest,
        ),
        Page(
            f"reviewer dashboard, median ({median_cases:,} cases)",
            reverse("determination:reviewer_dashboard"),
            median,
        ),
        Page(
            "reviewer dashboard, median, finished panel (htmx)",
            reverse("determination:reviewer_dashboard") + "?finished=1",
            median,
            htmx=True,
        ),
        Page("quality queue", reverse("quality:quality_queue"), quality),
        Page("API case list", reverse("api:cases"), token=key),
    ]


# --- The server -------------------------------------------------------------------------------


# The server's settings, also this process's (its sessions must be signed with the same key).
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # Plain HTTP on loopback: no redirect to HTTPS.
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    # The static files' manifest, collected by this benchmark into a folder of its own.
    "STATIC_ROOT": str(BENCH_VAR / "load-static"),
}


def server_start(port: int, workers: int) -> subprocess.Popen:
    log_path = BENCH_VAR / "load-gunicorn.log"
    env = {**os.environ, **SERVER_ENV, "PYTHONPATH": str(ROOT)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.load_wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--backlog",
        "256",
        "--timeout",
        "120",
    ]
    log_file = open(log_path, "wb")  # noqa: SIM115 (closed with the process, below)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start; see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/live/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)


def server_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- The load ------------------------------------------------------------------------------------


@dataclass
class Result:
    p50: float  # ms
    p95: float
    rate: float  # requests per second
    count: int
    errors: list[str]
    # The p50 as a multiple of the floor's (alternated); None for the floor itself.
    ratio: float | None = None


def request_once(connection: http.client.HTTPConnection, page: Page) -> int:
    headers = {"Host": "127.0.0.1"}
    if page.cookie:
        headers["Cookie"] = page.cookie
    if page.token:
        headers["Authorization"] = f"Token {page.token}"
    if page.htmx:
        headers["HX-Request"] = "true"
    connection.request("GET", page.path, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.getheader("connection", "").lower() == "close":
        connection.close()
    return response.status


def measure(port: int, page: Page, clients: int, seconds: float) -> Result:
    """`clients` threads each requesting the page back to back for `seconds`."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, bad = [], []
        start.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                status = request_once(connection, page)
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                bad.append(f"{type(exc).__name__}: {exc}")
                continue
            mine.append((time.perf_counter() - began) * 1000)
            if status != 200:
                bad.append(f"HTTP {status}")
        connection.close()
        with lock:
            times.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if not times:
        return Result(0, 0, 0, 0, errors or ["no response"])
    return Result(
        p50=statistics.median(times),
        p95=roster_data.percentile(times, 0.95),
        rate=len(times) / elapsed,
        count=len(times),
        errors=errors,
    )


WRK_SCRIPT = Path(__file__).with_name("load_wrk.lua")


def measure_wrk(port: int, page: Page, clients: int, seconds: float) -> Result:
    """wrk (as issue 12 measured): `clients` connections, each one request at a time, for
    `seconds`; its Lua script prints the figures."""
    command = [
        "wrk",
        f"--threads={min(clients, 2)}",
        f"--connections={clients}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=120s",
        f"--script={WRK_SCRIPT}",
        "--header=Host: 127.0.0.1",
    ]
    if page.cookie:
        command.append(f"--header=Cookie: {page.cookie}")
    if page.token:
        command.append(f"--header=Authorization: Token {page.token}")
    if page.htmx:
        command.append("--header=HX-Request: true")
    command.append(f"http://127.0.0.1:{port}{page.path}")
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((row for row in run.stdout.splitlines() if row.startswith("LOAD ")), None)
    if run.returncode or line is None:
        return Result(0, 0, 0, 0, [f"wrk: {(run.stderr or run.stdout).strip()[:200]}"])
    p50, p95, count, elapsed, bad_status, bad_socket = line.split()[1:]
    errors = [f"{bad_status} responses not 200"] if int(bad_status) else []
    errors += [f"{bad_socket} socket errors"] if int(bad_socket) else []
    return Result(
        p50=int(p50) / 1000,
        p95=int(p95) / 1000,
        rate=int(count) / float(elapsed),
        count=int(count),
        errors=errors,
    )


def alternated(load, port, page, floor, clients, seconds, rounds) -> tuple[Result, Result]:
    """The page and the floor in `rounds` alternating slices of seconds / rounds each. The VM's
    speed drifts within minutes (the floor's p50 at 20 clients moved 2-fold within one run),
    so each slice of the page is compared with the floor's slice just before it. Returns the
    page's result (medians of the slices' p50 and p95, with `ratio` the median of the slices'
    ratios) and the floor's (medians of its slices)."""
    pages, floors = [], []
    for _ in range(rounds):
        floors.append(load(port, floor, clients, seconds / rounds))
        pages.append(load(port, page, clients, seconds / rounds))
    ratios = [p.p50 / f.p50 for p, f in zip(pages, floors, strict=True) if f.p50 and p.p50]

    def merged(results: list[Result], **extra) -> Result:
        return Result(
            p50=statistics.median(r.p50 for r in results),
            p95=statistics.median(r.p95 for r in results),
            rate=statistics.median(r.rate for r in results),
            count=sum(r.count for r in results),
            errors=[error for r in results for error in r.errors],
            **extra,
        )

    return merged(pages, ratio=statistics.median(ratios) if ratios else 0.0), merged(floors)


def report(
    pages: list[Page],
    results: dict[tuple[str, int], Result],
    floors: dict[tuple[str, int], Result],
    clients: list[int],
) -> None:
    """The table: each page's p50 as a multiple of the floor's, slice by slice (alternated);
    the first row is the floor's own run; the last lines, the floor's slices beside the pages."""
    head = f"{'page':<44}"
    for count in clients:
        head += f" | {count:>2} client{'s' if count > 1 else ' '}: p50 / p95 ms   x floor   req/s"
    print(head)
    print("-" * len(head))
    for page in pages:
        line = f"{page.label:<44}"
        for count in clients:
            result = results[(page.label, count)]
            ratio = result.ratio if result.ratio is not None else 1.0
            line += (
                f" | {result.p50:>9.1f} / {result.p95:>7.1f}   {ratio:>6.1f}x  {result.rate:>6.1f}"
            )
        print(line)
    for count in clients:
        beside = [result.p50 for (_label, at), result in floors.items() if at == count]
        if beside:
            print(
                f"the floor beside each page, {count} client{'s' if count > 1 else ''}: p50 "
                f"{min(beside):.1f}-{max(beside):.1f} ms (median {statistics.median(beside):.1f})"
            )


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--reviewers", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="Load per page and count.")
    parser.add_argument("--clients", default="1,20", help="Concurrent clients, comma-separated.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="Slices of --seconds in which each page alternates with the floor.",
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="The load: wrk (issue 12's method; apt-get install wrk), Python threads, or "
        "wrk when it is installed (auto).",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Use the cases this benchmark made in the database before (no new data).",
    )
    parser.add_argument("--data-only", action="store_true", help="Build the data and stop.")
    parser.add_argument(
        "--pages",
        default="",
        help="Only the pages whose label contains one of these comma-separated words "
        "(the floor is always measured).",
    )
    args = parser.parse_args()
    if not args.database_url and args.cases > 50_000:
        parser.error("give a PostgreSQL --database-url (or BENCH_DATABASE_URL) for this size")
    clients = [int(part) for part in args.clients.split(",") if part.strip()]
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), or use --client python")
    load = measure_wrk if client == "wrk" else measure
    os.environ.update(SERVER_ENV)
    where = roster_data.bench_django_setup(
        NAME, args.database_url, create=args.create_database, reuse=args.reuse
    )
    from cases.lifecycle.models import Case

    print("load benchmark: the pages at size, against a trivial page behind the same middleware")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    existing = Case.objects.count()
    if existing == 0:
        print(f"data: {args.cases:,} cases and {args.reviewers:,} reviewers")
        world_build(args.cases, args.reviewers, args.seed)
    else:
        print(f"data: {existing:,} cases made by an earlier run (--reuse)")
    world_analyze()
    if args.data_only:
        return 0
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    pages = pages_build()
    wanted = [word.strip() for word in args.pages.split(",") if word.strip()]
    if wanted:
        pages = pages[:1] + [p for p in pages[1:] if any(w in p.label for w in wanted)]
    from django.db import connection

    connection.close()
    server = server_start(args.port, args.workers)
    results: dict[tuple[str, int], Result] = {}
    floors: dict[tuple[str, int], Result] = {}
    failures = []
    try:
        print(
            f"server: gunicorn, {args.workers} sync workers, DEBUG off; {args.seconds:g} s per "
            f"page and client count after one warm-up request, in {args.rounds} slices "
            "alternating with the floor"
        )
        print(
            "load:   "
            + (
                "wrk (C, on this machine)"
                if client == "wrk"
                else "Python threads with http.client (on this machine)"
            )
        )
        print()
        floor = pages[0]
        for page in pages:
            warm = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
            request_once(warm, page)
            warm.close()
            for count in clients:
                if page is floor:
                    result = load(args.port, page, count, args.seconds)
                else:
                    result, floors[(page.label, count)] = alternated(
                        load, args.port, page, floor, count, args.seconds, args.rounds
                    )
                results[(page.label, count)] = result
                if result.errors:
                    failures.append(f"{page.label} at {count}: {result.errors[0]}")
    finally:
        server_stop(server)
    report(pages, results, floors, clients)
    print()
    print("aim (issue 12): within 3x of the floor at 20 clients, p95 under 150 ms")
    for failure in failures:
        print(f"ERROR {failure}")
    roster_data.bench_broker_clean(NAME)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
