"""Benchmark: `manage.py clock` over many facts objects (the statutory clock with its
explanations, cases.clock.calculator).

    .venv/bin/python bench/clock.py [--objects 100000] [--seed N] [--database-url URL]

Generates varied facts objects (dates across 2013-2036, every service method and none, about
10% expedited, 0-5 items with formulary flags), writes them as one JSON file and times, in this
process after Django setup: the command itself (`call_command("clock", FILE)`, the code path of
`manage.py clock`), and two floors measured in the same run on the same objects: reading and
writing the JSON alone (`json.loads` of the file + `json.dumps(indent=2)` of the objects), and
parsing the facts alone (`parse_facts`). Then runs `manage.py clock FILE` once end to end in a
subprocess, with `manage.py clock` on an empty list as the process start-up floor.

The database: by default a throwaway SQLite file under var/bench/, deleted, created and migrated
(bench/README.md). With --database-url the clock only reads that database's holiday tables: it
is neither dropped nor migrated, so it must already hold them. Not a test.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402

NAME = "clock"
FIRST_DAY = dt.date(2013, 1, 1)
LAST_DAY = dt.date(2036, 10, 31)  # every computed date stays inside the seeded years
DATE_KEYS = (
    "application_deadline",
    "notice_due_on",
    "records_due_on",
    "determination_due_on",
    "appeal_deadline",
    "authorization_due_on",
    "reimbursement_due_on",
)


def facts_generate(count: int, seed: int) -> list[dict]:
    """`count` facts objects as a case file would hold them at some point of its life."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    ur_methods = ("mail", "electronic", "personal", None)
    methods = ("mail", "electronic", None)
    objects = []
    for _ in range(count):
        served = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        received = served + dt.timedelta(days=rng.randrange(1, 45))
        notice = received + dt.timedelta(days=rng.randrange(0, 4))
        complete = notice + dt.timedelta(days=rng.randrange(1, 20))
        mailed = complete + dt.timedelta(days=rng.randrange(1, 30))
        facts: dict = {}
        if rng.random() < 0.1:
            facts["priority"] = "expedited"
        elif rng.random() < 0.5:
            facts["priority"] = "standard"
        # A case further along its life has more facts; some keys are simply left out.
        stage = rng.randrange(5)
        if rng.random() < 0.9:
            facts["ur_decision_served_on"] = served.isoformat()
            method = rng.choice(ur_methods)
            if method:
                facts["ur_decision_served_by"] = method
        facts["application_received"] = received.isoformat()
        if stage >= 1:
            facts["notice_sent_on"] = notice.isoformat()
            method = rng.choice(methods)
            if method:
                facts["notice_sent_by"] = method
        items = rng.randrange(6)
        if items or rng.random() < 0.5:
            facts["items"] = [{"formulary_dispute": rng.random() < 0.3} for _ in range(items)]
        if stage >= 2:
            facts["records_complete_on"] = complete.isoformat()
        if stage >= 3:
            facts["letter_mailed_on"] = mailed.isoformat()
            method = rng.choice(methods)
            if method:
                facts["letter_sent_by"] = method
        objects.append(facts)
    return objects


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000, help="Facts objects to run.")
    parser.add_argument("--seed", type=int, default=roster_data.DEFAULT_SEED, help="RNG seed.")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="Read the holiday tables of this (migrated) database; it is never dropped "
        "(default: $BENCH_DATABASE_URL, as the other benchmarks, else a throwaway SQLite file).",
    )
    args = parser.parse_args()
    if args.database_url:
        # Handed a database: use it as it is (the clock only reads).
        os.environ["DJANGO_SETTINGS_MODULE"] = "imrsite.settings"
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        where = f"{args.database_url.split('@')[-1]} (as given, not migrated)"
    else:
        where = roster_data.bench_django_setup(NAME, None)

    from django.core.management import call_command

    from cases.clock.calculator import parse_facts
    from cases.clock.calendars import calendars_forget, judicial, state_offices

    print("clock benchmark: manage.py clock over facts objects")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    calendars_forget()
    print(f"calendars: {judicial().label}, {state_offices().label}")

    elapsed, objects = timed(lambda: facts_generate(args.objects, args.seed))
    path = roster_data.BENCH_VAR / "clock-facts.json"
    text = json.dumps(objects)
    path.write_text(text)
    n = len(objects)
    print(
        f"facts:    {n:,} objects generated in {elapsed:.1f} s, "
        f"{len(text) / 1e6:.1f} MB ({path.relative_to(roster_data.ROOT)})"
    )

    def command():
        out = io.StringIO()
        call_command("clock", str(path), stdout=out)
        return out.getvalue()

    def json_floor():
        return json.dumps(json.loads(path.read_text()), indent=2)

    def parse_floor():
        return [parse_facts(facts, f"$[{index}]") for index, facts in enumerate(objects)]

    # Warm: imports, the calendars read, the code paths.
    warm = roster_data.BENCH_VAR / "clock-warm.json"
    warm.write_text(json.dumps(objects[:1000]))
    call_command("clock", str(warm), stdout=io.StringIO())
    warm.unlink()

    rows = []
    command_seconds, output = timed(command)
    for label, seconds in (
        ("JSON floor: json.loads + json.dumps(indent=2)", timed(json_floor)[0]),
        ("facts floor: parse_facts only", timed(parse_floor)[0]),
        ("manage.py clock in-process (call_command)", command_seconds),
    ):
        rows.append((label, seconds))

    results = json.loads(output)
    unexplained, dated = [], 0
    for index, result in enumerate(results):
        dates = {key: value for key, value in result.items() if key in DATE_KEYS and value}
        for item_index, item in enumerate(result["items"]):
            if item["determination_due_on"]:
                dates[f"items[{item_index}].determination_due_on"] = item["determination_due_on"]
        dated += len(dates)
        if set(dates) != set(result["explain"]):
            unexplained.append(index)
    explained = sum(len(result["explain"]) for result in results)

    print()
    header = f"{'what':<48}  {'total s':>8}  {'µs/object':>10}  {'objects/s':>10}  {'ratio':>7}"
    print(header)
    print("-" * len(header))
    floor_json, floor_parse = rows[0][1], rows[1][1]
    for label, seconds in rows:
        print(
            f"{label:<48}  {seconds:>8.2f}  {seconds / n * 1e6:>10.1f}  {n / seconds:>10,.0f}  "
            f"{seconds / floor_json:>6.1f}x"
        )
    print(
        f"\nratio: against the JSON floor. The command is {command_seconds / floor_parse:.1f}x "
        f"the facts floor; its output is {len(output) / 1e6:.0f} MB "
        f"({explained:,} explanations for {dated:,} dates)."
    )

    # End to end, as a user runs it: a fresh process, Django setup, the tables read, the file.
    env = dict(os.environ)
    empty = roster_data.BENCH_VAR / "clock-empty.json"
    empty.write_text("[]")
    startup, _ = timed(
        lambda: subprocess.run(
            [sys.executable, "manage.py", "clock", str(empty)],
            cwd=roster_data.ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    )
    whole, _ = timed(
        lambda: subprocess.run(
            [sys.executable, "manage.py", "clock", str(path)],
            cwd=roster_data.ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    )
    empty.unlink()
    path.unlink()
    if not args.database_url:
        roster_data.bench_broker_clean(NAME)
    print(
        f"\nmanage.py clock FILE end to end (subprocess, once): {whole:.2f} s for {n:,} objects, "
        f"{(whole - startup) / n * 1e6:.1f} µs/object after start-up "
        f"(`manage.py clock` on [] takes {startup:.2f} s)."
    )
    if len(results) != n or unexplained:
        print(
            f"CHECK FAILED: {len(results):,} results for {n:,} objects; dates and explanations "
            f"differ at {unexplained[:5]}"
        )
        return 1
    print(f"Checked: {n:,} results, every date explained.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
