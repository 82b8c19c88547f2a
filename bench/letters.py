"""Benchmark: the Final Determination Letter, from an approved determination to a signed,
stored and delivered PDF, against the bare WeasyPrint render and headless Chromium.

    .venv/bin/python bench/letters.py [--repeat 15] [--letters 500] [--max-tasks-per-child 0]
                                      [--database-url URL [--create-database]]
                                      [--redis-url redis://127.0.0.1:6379/N]
                                      [--skip-chromium] [--skip-worker]

For the seed-sized letter (the real letter of shared/seed/, one item) and a 21-item letter,
measured in one run on this machine:
- floor: the bare WeasyPrint render of the letter's HTML (warm, the stylesheet and fonts parsed
  once, as the pipeline does), for the party and the public version;
- pipeline: the whole production of one letter version (letter_request + letter_produce: load
  from the database, render the template twice, WeasyPrint twice, sign both, store both with
  their SHA-256, e-mail the three addressees through Django's locmem backend, events, case issued);
- Chromium: the same two HTML documents printed by Debian's chromium with Playwright's page.pdf;
- throughput: --letters seed-sized letters through a real `celery -A imrsite worker -Q letters
  -c 2` over the Redis database --redis-url (or $BENCH_REDIS_URL) names, letters per second
  and the worker processes' RSS sampled every 0.25 s. Only the benchmark's own queue is
  cleared there (its key "letters"); nothing else in that Redis database is touched.
Medians of --repeat runs after a warm-up. Not a test: nothing here runs in the test suite.
"""

import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402
from bench.chromium_pdf import ChromiumPrinter, chromium_cpu_seconds, descendants, rss_kib  # noqa: E402

NAME = "letters"
ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
PIPELINE_AIM = 1.3  # the pipeline within 1.3x of the bare render


def shared_file(*parts: str) -> Path:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if base.joinpath(*parts).exists():
            return base.joinpath(*parts)
    raise SystemExit(f"shared/{'/'.join(parts)} is not beside the repository")


# --- Data -------------------------------------------------------------------------------------


class Letters:
    """Approved determinations shaped like the seed letter, ready for a letter."""

    def __init__(self):
        seed = json.loads(shared_file("examples", "seed-case.json").read_text())
        self.seed = seed
        self.count = 0

    def approved(self, *, items: int = 1):
        """One approved case with parties (with e-mail addresses), `items` decisions written
        like the seed letter's, and two records."""
        from accounts.models import Role, User
        from cases.lifecycle.models import Case, CaseStatus, DisputedItem, Party, PartyRole
        from cases.records.models import MedicalRecord
        from reviews.assignment.models import Assignment, AssignmentStatus
        from reviews.determination.models import Determination, DeterminationStatus, ItemDecision

        seed = self.seed
        decision = seed["determination"]["decisions"][0]
        seed_item = seed["items"][0]
        self.count += 1
        n = self.count
        case = Case.objects.create(
            case_number=f"CM26-{n:07d}",
            application_id=f"BENCH-LETTER-{n:07d}",
            status=CaseStatus.APPROVED,
            application_received=dt.date(2026, 3, 10),
            date_assigned=dt.date(2026, 3, 16),
            records_complete_on=dt.date(2026, 3, 20),
            ur_decision_date=dt.date(2026, 3, 2),
            date_of_injury=dt.date(2025, 7, 22),
            claim_number=f"EX-{n:06d}",
            worker_first_name="Gregory",
            worker_last_name=f"Example{n}",
            worker_age=51,
            worker_sex="male",
            worker_email=f"worker{n}@example.org",
            worker_address="12 Orchard Lane\nFresno, CA 93701",
        )
        Party.objects.bulk_create(
            [
                Party(case=case, role=PartyRole.EMPLOYER, name="Example Warehouse Co."),
                Party(
                    case=case,
                    role=PartyRole.REQUESTING_PROVIDER,
                    name="Dr. Pat Example",
                    email=f"provider{n}@example.org",
                    address="400 Clinic Way\nFresno, CA 93702",
                ),
                Party(
                    case=case,
                    role=PartyRole.CLAIMS_ADMINISTRATOR,
                    name="Example Claims Services",
                    email=f"claims{n}@example.org",
                ),
                Party(case=case, role=PartyRole.UR_ORGANIZATION, name="Example UR Partners"),
            ]
        )
        MedicalRecord.objects.bulk_create(
            [
                MedicalRecord(
                    case=case,
                    title="PR-2 progress report",
                    document_date=dt.date(2026, 2, 19),
                    pages=6,
                    file="records/bench.pdf",
                ),
                MedicalRecord(
                    case=case,
                    title="UR decision",
                    document_date=dt.date(2026, 3, 2),
                    pages=3,
                    file="records/bench.pdf",
                ),
            ]
        )
        reviewer, _ = User.objects.get_or_create(
            username="bench-letter-reviewer",
            defaults={"role": Role.REVIEWER, "first_name": "Quillon", "last_name": "Bench"},
        )
        Assignment.objects.create(
            case=case, reviewer=reviewer, round=1, status=AssignmentStatus.ACCEPTED
        )
        determination = Determination.objects.create(
            case=case,
            reviewer=reviewer,
            reviewer_licensure=seed["determination"]["reviewer"]["licensure"],
            reviewer_certifications=seed["determination"]["reviewer"]["certifications"],
            clinical_summary=seed["determination"]["clinical_summary"],
            decision_date=dt.date(2026, 4, 14),
            status=DeterminationStatus.APPROVED,
        )
        for position in range(1, items + 1):
            description = seed_item["description"]
            if items > 1:
                description = f"{description}, level {position}"
            item = DisputedItem.objects.create(
                case=case,
                position=position,
                description=description,
                category=seed_item["category"],
                ur_citation_kind=seed_item["ur_citation"]["kind"],
                ur_citation_text=seed_item["ur_citation"]["text"],
            )
            ItemDecision.objects.create(
                determination=determination,
                item=item,
                outcome="upheld" if position % 3 else "overturned",
                citation_kind=decision["citation"]["kind"],
                citation_text=decision["citation"]["text"],
                rationale=decision["rationale"],
            )
        return determination


# --- Timing helpers ---------------------------------------------------------------------------


def timed(function, repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (this process) of `repeat` calls after one
    warm-up call."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def pages_of(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


# --- In-process measurements ------------------------------------------------------------------


def measure_letter(kind: str, items: int, data: Letters, repeat: int, chromium) -> dict:
    from django.core import mail
    from django.utils import timezone
    from weasyprint import CSS, HTML

    from reviews.letters.models import Letter
    from reviews.letters.render import (
        _letter_html_for_pdf,
        _letter_stylesheet_path,
        letter_html,
        letter_pdf,
        letter_text_current,
        static_file_fetcher,
    )
    from reviews.letters.services import letter_produce, letter_request

    determination = data.approved(items=items)
    draft = Letter(
        case=determination.case,
        determination=determination,
        version=1,
        letter_text=letter_text_current(),
        mailing_date=timezone.localdate(),
    )
    html = {
        public: _letter_html_for_pdf(determination, public=public, letter=draft)
        for public in (False, True)
    }
    result = {"kind": kind, "items": items}
    for public, which in ((False, "party"), (True, "public")):
        pdf = letter_pdf(html[public])
        result[f"{which}_pages"] = pages_of(pdf)
        result[f"floor_{which}"] = timed(lambda p=public: letter_pdf(html[p]), repeat)

    # The same call without the cached stylesheet and fonts: what a naive caller pays.
    stylesheet = str(_letter_stylesheet_path())

    def naive():
        fetcher = static_file_fetcher()
        HTML(string=html[False], base_url=stylesheet, url_fetcher=fetcher).write_pdf(
            stylesheets=[CSS(filename=stylesheet, url_fetcher=fetcher)]
        )

    result["naive_party"] = timed(naive, max(3, repeat // 3))

    # The whole pipeline: a fresh approved case each time (built outside the timing).
    prepared = [data.approved(items=items) for _ in range(repeat + 1)]

    def pipeline_run(queue=prepared):
        determination = queue.pop()
        letter = letter_request(determination=determination, actor=None, enqueue=False)
        outcome = letter_produce(letter_id=letter.pk)
        mail.outbox.clear()
        assert outcome.endswith("delivered"), outcome

    result["pipeline"] = timed(pipeline_run, repeat)

    if chromium is not None:
        preview = {
            public: letter_html(determination, public=public).replace(
                'href="/static/letters/letter.css"', f'href="{Path(stylesheet).as_uri()}"'
            )
            for public in (False, True)
        }
        for public, which in ((False, "party"), (True, "public")):
            result[f"chromium_{which}_pages"] = pages_of(chromium.pdf(preview[public]))
            chromium.pdf(preview[public])
            walls = []
            # CPU in clock ticks (10 ms): the mean over all runs, not a median of coarse values.
            cpu = chromium_cpu_seconds()
            for _ in range(repeat):
                wall = time.perf_counter()
                chromium.pdf(preview[public])
                walls.append(time.perf_counter() - wall)
            cpu = (chromium_cpu_seconds() - cpu) / repeat
            result[f"chromium_{which}"] = (statistics.median(walls), cpu)
    return result


def report_letter(result: dict) -> list[str]:
    floor = tuple(a + b for a, b in zip(result["floor_party"], result["floor_public"], strict=True))
    pipeline = result["pipeline"]
    lines = [
        f"{result['kind']} letter ({result['items']} item{'s' if result['items'] > 1 else ''}: "
        f"party {result['party_pages']} pages, public {result['public_pages']} pages)",
        f"  {'':38} {'wall ms':>8} {'CPU ms':>8}",
        f"  {'floor: WeasyPrint, party HTML':38} {ms(result['floor_party'][0])} "
        f"{ms(result['floor_party'][1])}",
        f"  {'floor: WeasyPrint, public HTML':38} {ms(result['floor_public'][0])} "
        f"{ms(result['floor_public'][1])}",
        f"  {'floor: both versions':38} {ms(floor[0])} {ms(floor[1])}",
        f"  {'naive WeasyPrint, party (no cache)':38} {ms(result['naive_party'][0])} "
        f"{ms(result['naive_party'][1])}",
        f"  {'pipeline: one letter, both versions':38} {ms(pipeline[0])} {ms(pipeline[1])}",
        f"  pipeline / floor (both versions): {pipeline[0] / floor[0]:.2f}x wall "
        f"(aim {PIPELINE_AIM}x), {pipeline[1] / floor[1]:.2f}x CPU",
        f"  pipeline / floor (party only):    {pipeline[0] / result['floor_party'][0]:.2f}x wall",
    ]
    if "chromium_party" in result:
        chromium = tuple(
            a + b for a, b in zip(result["chromium_party"], result["chromium_public"], strict=True)
        )
        party_wall = result["floor_party"][0] / result["chromium_party"][0]
        party_cpu = result["floor_party"][1] / result["chromium_party"][1]
        lines += [
            f"  {'Chromium page.pdf, party HTML':38} {ms(result['chromium_party'][0])} "
            f"{ms(result['chromium_party'][1])}  ({result['chromium_party_pages']} pages)",
            f"  {'Chromium page.pdf, public HTML':38} {ms(result['chromium_public'][0])} "
            f"{ms(result['chromium_public'][1])}  ({result['chromium_public_pages']} pages)",
            f"  {'Chromium, both versions':38} {ms(chromium[0])} {ms(chromium[1])}",
            f"  WeasyPrint floor / Chromium (party):  {party_wall:.2f}x wall, {party_cpu:.2f}x CPU",
            f"  pipeline / Chromium (both versions):  {pipeline[0] / chromium[0]:.2f}x wall, "
            f"{pipeline[1] / chromium[1]:.2f}x CPU (aim for the seed letter: 1.00x or less)",
        ]
    return lines


# --- A real worker ------------------------------------------------------------------------------


def worker_throughput(
    data: Letters, count: int, max_tasks_per_child: int, redis_url: str
) -> list[str]:
    import redis
    from django.conf import settings
    from django.db import connection

    from imrsite.celery import app
    from reviews.letters.models import Letter, LetterStatus
    from reviews.letters.services import letter_request
    from reviews.letters.tasks import letter_render

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        # Letters left queued by an earlier run that stopped early; the rest of the database
        # is not ours.
        client.delete("letters")
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis is not reachable at {redis_url} ({exc}); start it: redis-server --daemonize "
            'yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
        ) from exc
    import kombu.pools

    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = redis_url
    app.conf.broker_url = redis_url
    app.conf.broker_transport_options = {}
    kombu.pools.reset()
    app._pool = None

    started = time.perf_counter()
    determinations = [data.approved(items=1) for _ in range(count)]
    letter_ids = []
    for determination in determinations:
        letter = letter_request(determination=determination, actor=None, enqueue=False)
        letter_ids.append(letter.pk)
    for letter_id in letter_ids:
        letter_render.apply_async(args=[letter_id], queue="letters")
    built = time.perf_counter() - started

    mail_dir = BENCH_VAR / "letters-mail"
    shutil.rmtree(mail_dir, ignore_errors=True)
    log_path = BENCH_VAR / "letters-worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "CELERY_BROKER_URL": redis_url,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # As in production: with DEBUG on, Django keeps every SQL query of the process in
        # memory (up to 9,000), which would read as a leak here.
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "SIGNING_DEV_CERTIFICATE": "true",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "imrsite",
        "worker",
        "-Q",
        "letters",
        "-c",
        "2",
        "-P",
        "prefork",
        "--prefetch-multiplier",
        "1",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname=bench-letters-{os.getpid()}@%h",
    ]
    if max_tasks_per_child:
        command.append(f"--max-tasks-per-child={max_tasks_per_child}")
    connection.close()
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    samples = []  # (seconds, letters done, [RSS KiB of each pool process], main RSS KiB)
    try:
        deadline = time.monotonic() + 120
        while " ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The worker did not start; see {log_path}")
            time.sleep(0.05)
        t0 = time.perf_counter()
        deadline = time.monotonic() + 60 + count * 2
        done = 0
        while done < count:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The worker stopped or timed out at {done}; see {log_path}")
            time.sleep(0.25)
            done = Letter.objects.filter(pk__in=letter_ids, status=LetterStatus.DELIVERED).count()
            children = descendants(process.pid)
            samples.append(
                (
                    time.perf_counter() - t0,
                    done,
                    [rss_kib(pid) for pid in children],
                    rss_kib(process.pid),
                )
            )
        elapsed = time.perf_counter() - t0
        failed = Letter.objects.filter(pk__in=letter_ids, status=LetterStatus.FAILED).count()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(mail_dir, ignore_errors=True)

    pool_peaks = [max(sample[2]) for sample in samples if sample[2]]
    totals = [sum(sample[2]) + sample[3] for sample in samples]
    tenth = max(1, count // 10)
    early = [max(s[2]) for s in samples if s[2] and s[1] <= tenth]
    late = [max(s[2]) for s in samples if s[2] and s[1] >= count - tenth]
    early_rss = statistics.median(early) if early else 0
    late_rss = statistics.median(late) if late else 0
    # The largest pool process's RSS when each tenth of the letters was done: flat or growing?
    curve = []
    for step in range(1, 11):
        mark = count * step // 10
        reached = [max(s[2]) for s in samples if s[2] and s[1] >= mark]
        if reached:
            curve.append(f"{mark}: {reached[0] / 1024:.0f}")
    recycle = f", --max-tasks-per-child={max_tasks_per_child}" if max_tasks_per_child else ""
    return [
        f"throughput: {count} seed-sized letters, real worker -Q letters -c 2 (prefork{recycle}) "
        f"over Redis",
        f"  setup: {count} approved cases and queued letters in {built:.1f} s",
        f"  all {count} signed, stored and delivered in {elapsed:.1f} s: "
        f"{count / elapsed:.1f} letters/s ({failed} failed)",
        f"  peak RSS of one pool process: {max(pool_peaks) / 1024:.0f} MiB; of the worker "
        f"(main + 2 pool processes): {max(totals) / 1024:.0f} MiB",
        f"  pool process RSS, median over the first {tenth} letters: {early_rss / 1024:.0f} MiB; "
        f"over the last {tenth}: {late_rss / 1024:.0f} MiB "
        f"({(late_rss - early_rss) / 1024:+.0f} MiB)",
        f"  largest pool process RSS (MiB) by letters done: {', '.join(curve)}",
        f"  worker log: {log_path}",
    ]


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs of each measure.")
    parser.add_argument("--letters", type=int, default=500, help="Letters through the worker.")
    parser.add_argument(
        "--max-tasks-per-child",
        type=int,
        default=0,
        help="Recycle each worker process after this many letters (0: never).",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or None,
        help="The Redis database the worker's queue uses (default: $BENCH_REDIS_URL); "
        "needed unless --skip-worker.",
    )
    parser.add_argument("--skip-chromium", action="store_true")
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()
    if not args.skip_worker and not args.redis_url:
        parser.error("--redis-url (or BENCH_REDIS_URL) is needed for the worker; or --skip-worker")

    private = BENCH_VAR / "letters-private"
    shutil.rmtree(private, ignore_errors=True)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(private)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are
    # ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    where = roster_data.bench_django_setup(NAME, args.database_url, create=args.create_database)
    # Measured as production runs (and as the worker below): DEBUG off, so no SQL query log
    # and no template debug information.
    from django.conf import settings
    from django.template import engines

    settings.DEBUG = False
    for engine in engines.all():
        engine.engine.debug = False
    import weasyprint

    print("letters benchmark: the Final Determination Letter pipeline")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    print(f"WeasyPrint {weasyprint.__version__}; medians of {args.repeat} runs after a warm-up")
    print()
    data = Letters()
    results = []
    chromium = None
    printer = None
    if not args.skip_chromium:
        printer = ChromiumPrinter(BENCH_VAR / "chromium-base.html")
        chromium = printer.__enter__()
    try:
        for kind, items in (("seed-sized", 1), ("21-item", 21)):
            results.append(measure_letter(kind, items, data, args.repeat, chromium))
    finally:
        if printer is not None:
            printer.__exit__(None, None, None)
    for result in results:
        print("\n".join(report_letter(result)))
        print()
    if not args.skip_worker:
        print(
            "\n".join(
                worker_throughput(data, args.letters, args.max_tasks_per_child, args.redis_url)
            )
        )
    shutil.rmtree(private, ignore_errors=True)
    roster_data.bench_broker_clean(NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
