"""Benchmark: `manage.py import_cases` of a large intake file (issue 12: 10,000 cases at 100
cases/s or better, flat over the file).

    .venv/bin/python bench/intake.py [--cases 10000] [--database-url URL] [--create-database]

Generates --cases applications in the intake JSON of SPEC section 7 (the shape of
shared/examples/seed-case.json without its legacy determination: a worker, the parties, one to
three disputed items, no record files), varied names, dates and items, and runs, in this
process after Django setup:

1. the floor: reading the file and validating every application (`intake_file_parse` and
   `payload_validate`, what import_cases does before it writes anything);
2. `import_cases` on the first tenth of the file, then on the whole file (the first tenth is
   then "existing", so the second run creates the other nine tenths): the rate of the small
   file against the large one's says whether the rate stays flat as the file and the table grow;
3. the browser's import (the import page's upload, `import_run_start`, and its Celery task's
   work, `import_run_work`, run here in process) of a further tenth, new applications, each
   standing on its own and the run's progress written as it goes.

Prints cases per second and the ratio to the floor. The database: a throwaway SQLite file under
var/bench/ by default, or the one --database-url names (it must hold no case; it is never
dropped or emptied). Not a test.
"""

import io
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402

NAME = "intake"
FIRST = ("Maria", "James", "Linh", "Roberto", "Aisha", "Gregory", "Ana", "Samuel", "Mei", "Omar")
LAST = ("Delgado", "Nguyen", "Smith", "Okafor", "Garcia", "Kowalski", "Hernandez", "Brown")
ITEMS = (
    ("Lumbar epidural steroid injection L4-5", "injection"),
    ("Physical therapy, 12 sessions, lumbar spine", "pt_ot"),
    ("MRI of the left knee without contrast", "diagnostic_imaging"),
    ("Tramadol 50 mg #60", "pharmaceuticals"),
    ("Right shoulder arthroscopy with subacromial decompression", "surgery_arthroscopic"),
    ("Functional restoration program, 80 hours", "programs"),
)


def applications(count: int, seed: int) -> list[dict]:
    import datetime as dt

    rng = random.Random(seed)
    today = dt.date.today()
    out = []
    for index in range(count):
        received = today - dt.timedelta(days=rng.randrange(1, 20))
        ur = received - dt.timedelta(days=rng.randrange(3, 25))
        items = []
        for description, category in rng.sample(ITEMS, rng.randrange(1, 4)):
            items.append(
                {
                    "description": description,
                    "category": category,
                    "ur_citation": {
                        "kind": "mtus",
                        "text": "MTUS Chronic Pain Medical Treatment Guidelines",
                    },
                }
            )
        out.append(
            {
                "application_id": f"BENCH-{seed}-{index:07d}",
                "priority": "expedited" if rng.random() < 0.05 else "standard",
                "application_received": received.isoformat(),
                "ur_decision_date": ur.isoformat(),
                "date_of_injury": (ur - dt.timedelta(days=rng.randrange(60, 2000))).isoformat(),
                "claim_number": f"BC-{rng.randrange(10**7):07d}",
                "injured_worker": {
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "age": rng.randrange(19, 70),
                    "sex": rng.choice(("male", "female")),
                },
                "employer": {"name": f"{rng.choice(LAST)} Logistics {index % 500}"},
                "claims_administrator": {"name": f"Claims Services {index % 40}"},
                "requesting_provider": {
                    "name": f"Dr. {rng.choice(FIRST)} {rng.choice(LAST)}",
                    "specialty": "Pain Management",
                    "npi": None,
                },
                "ur_organization": {"name": f"UR Partners {index % 12}"},
                "diagnoses": ["lumbar radiculopathy", "left knee sprain"],
                "items": items,
                "records": [],
            }
        )
    return out


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="Applications in the file.")
    args = parser.parse_args()
    where = roster_data.bench_django_setup(NAME, args.database_url, create=args.create_database)

    from django.core.management import call_command

    from cases.intake.imports import intake_file_parse
    from cases.intake.validation import payload_validate
    from cases.lifecycle.models import Case

    print("intake benchmark: manage.py import_cases of one large file")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")

    data = applications(args.cases, args.seed)
    small_count = max(1, args.cases // 10)
    large = roster_data.BENCH_VAR / "intake-large.json"
    small = roster_data.BENCH_VAR / "intake-small.json"
    large.write_text(json.dumps(data))
    small.write_text(json.dumps(data[:small_count]))

    started = time.perf_counter()
    entries, errors = payload_validate(
        intake_file_parse(large.read_bytes()), base_dir=large.parent, today=None
    )
    floor = time.perf_counter() - started
    if errors:
        print(f"the generated file is invalid: {errors[:3]}")
        return 1

    def imported(path: Path) -> float:
        started = time.perf_counter()
        call_command("import_cases", str(path), stdout=io.StringIO())
        return time.perf_counter() - started

    def browser_imported(entries: list[dict]) -> float:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from accounts.models import Role, User
        from cases.intake.imports import import_run_start, import_run_work

        actor, _ = User.objects.get_or_create(
            username="bench-intake-admin", defaults={"role": Role.CASE_ADMIN}
        )
        upload = SimpleUploadedFile("bench.json", json.dumps(entries).encode())
        started = time.perf_counter()
        run = import_run_start(actor=actor, uploaded=upload)
        import_run_work(run_id=run.pk)
        return time.perf_counter() - started

    small_seconds = imported(small)
    large_seconds = imported(large)
    made = Case.objects.filter(application_id__startswith=f"BENCH-{args.seed}-").count()
    if made != args.cases:
        print(f"expected {args.cases} cases, found {made}")
        return 1
    small_rate = small_count / small_seconds
    # The browser's import of a tenth more, new applications (another seed, other ids).
    browser_seconds = browser_imported(applications(small_count, args.seed + 1))
    browser_made = Case.objects.filter(application_id__startswith=f"BENCH-{args.seed + 1}-")
    if browser_made.count() != small_count:
        print(f"the browser's import made {browser_made.count()} of {small_count} cases")
        return 1
    # The large run created the other nine tenths; the first tenth was found existing.
    large_rate = (args.cases - small_count) / large_seconds

    print()
    header = f"{'what':<58}  {'cases':>7}  {'seconds':>8}  {'cases/s':>8}  {'x floor':>7}"
    print(header)
    print("-" * len(header))
    rows = (
        ("floor: read and validate the whole file (no writes)", len(entries), floor),
        (f"import_cases, the first {small_count:,} (empty table)", small_count, small_seconds),
        (
            f"import_cases, all {args.cases:,} (the other {args.cases - small_count:,} created)",
            args.cases - small_count,
            large_seconds,
        ),
        (
            f"the browser's import, {small_count:,} more (import_run_work)",
            small_count,
            browser_seconds,
        ),
    )
    for label, count, seconds in rows:
        per_case_floor = floor / len(entries)
        print(
            f"{label:<58}  {count:>7,}  {seconds:>8.2f}  {count / seconds:>8.1f}  "
            f"{seconds / count / per_case_floor:>6.1f}x"
        )
    print(
        f"\nflatness: the large file's rate is {large_rate / small_rate:.2f}x the small one's "
        f"(1.00 = flat); aim 100 cases/s or better: "
        f"{'met' if min(small_rate, large_rate) >= 100 else 'not met'}; the browser's import "
        f"{small_count / browser_seconds:.0f} cases/s."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
