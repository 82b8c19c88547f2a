"""Benchmark: batch assignment of many waiting cases (reviews.matching.assignment_plan, OR-Tools
min-cost flow) against the greedy baseline, with a verification of the optimal plan against the
rules, then one real assignments_auto run that writes the assignments.

    .venv/bin/python bench/batch_assign.py [--reviewers 2000] [--cases 1000] [--database-url URL]

Exits non-zero if the verification finds any broken rule. Not a test: nothing here runs in the
test suite.
"""

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import roster_data  # noqa: E402

NAME = "batch_assign"
SLOW_SECONDS = 30


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def plan_verify(roster, facts_list, plan, greedy) -> list[str]:
    """Every rule the optimal plan must keep, checked independently of how it was computed:
    each pair re-checked with the full rules (candidate_evaluate), capacity, one reviewer per
    case, expedited first, and no case left while an eligible reviewer still had room."""
    from reviews.assignment.matching import candidate_evaluate

    failures = []
    facts_by_number = {facts.case_number: facts for facts in facts_list}
    entries_by_user = {entry.user_id: entry for entry in roster.entries}
    assigned_numbers = Counter(planned.case_number for planned in plan.assignments)
    for number, times in assigned_numbers.items():
        if times > 1:
            failures.append(f"{number} is assigned {times} times.")
    unassigned_numbers = [number for number, _reason in plan.unassigned]
    both = set(assigned_numbers) & set(unassigned_numbers)
    if both:
        failures.append(f"{len(both)} case(s) both assigned and unassigned, e.g. {min(both)}.")
    if set(assigned_numbers) | set(unassigned_numbers) != set(facts_by_number):
        failures.append("The plan does not account for every waiting case exactly once.")

    load: Counter = Counter()
    cases_of: dict[int, list] = defaultdict(list)
    for planned in plan.assignments:
        facts = facts_by_number[planned.case_number]
        entry = entries_by_user[planned.entry.user_id]
        candidate = candidate_evaluate(entry, facts, roster)
        if not candidate.eligible:
            failures.append(
                f"{planned.case_number} -> {entry.external_id} breaks the rules: "
                + " ".join(candidate.reasons)
            )
        elif candidate.score != planned.score:
            failures.append(
                f"{planned.case_number} -> {entry.external_id}: plan score {planned.score}, "
                f"rules score {candidate.score}."
            )
        if planned.expedited != facts.expedited:
            failures.append(f"{planned.case_number}: priority differs from the case.")
        load[entry.user_id] += 1
        cases_of[entry.user_id].append(facts)
    for user_id, count in load.items():
        entry = entries_by_user[user_id]
        if count > entry.remaining_capacity:
            failures.append(
                f"{entry.external_id} gets {count} cases with room for "
                f"{entry.remaining_capacity} ({entry.open_cases} of {entry.max_open_cases} open)."
            )

    # A case left without a reviewer: nobody eligible may have spare room, and if it is
    # expedited, no eligible reviewer may have been given a standard case instead.
    for number in unassigned_numbers:
        facts = facts_by_number[number]
        for entry in roster.entries:
            if not candidate_evaluate(entry, facts, roster).eligible:
                continue
            if load[entry.user_id] < entry.remaining_capacity:
                failures.append(
                    f"{number} is unassigned although {entry.external_id} is eligible and has "
                    f"room ({load[entry.user_id]} of {entry.remaining_capacity} planned)."
                )
            if facts.expedited:
                standard = [f.case_number for f in cases_of[entry.user_id] if not f.expedited]
                if standard:
                    failures.append(
                        f"Expedited {number} is unassigned while {entry.external_id}, who could "
                        f"take it, got standard case {standard[0]}."
                    )
    if plan.total_score < greedy.total_score and len(plan.assignments) <= len(greedy.assignments):
        failures.append(
            f"The optimal plan ({plan.total_score}) scores below greedy ({greedy.total_score})."
        )
    expedited_planned = sum(planned.expedited for planned in plan.assignments)
    expedited_greedy = sum(planned.expedited for planned in greedy.assignments)
    if expedited_planned < expedited_greedy:
        failures.append(
            f"The optimal plan assigns fewer expedited cases ({expedited_planned}) than greedy "
            f"({expedited_greedy})."
        )
    return failures


def plan_line(label: str, plan, seconds: float, facts_list) -> str:
    expedited = sum(facts.expedited for facts in facts_list)
    expedited_done = sum(planned.expedited for planned in plan.assignments)
    return (
        f"{label:<28} {seconds:>8.2f} s   assigned {len(plan.assignments):>5,} of "
        f"{len(facts_list):,}   expedited {expedited_done}/{expedited}   "
        f"total score {plan.total_score:>7,}"
    )


def main() -> int:
    parser = roster_data.bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=2_000)
    parser.add_argument("--cases", type=int, default=1_000)
    args = parser.parse_args()
    where = roster_data.bench_django_setup(NAME, args.database_url, create=args.create_database)

    from cases.lifecycle.models import Case, CaseStatus
    from reviews.assignment.matching import (
        assignment_plan,
        case_facts_load,
        eligible_pairs,
        greedy_plan,
        roster_load,
    )
    from reviews.assignment.models import Assignment, AssignmentStatus
    from reviews.assignment.selectors import cases_waiting_for_reviewer
    from reviews.assignment.services import assignments_auto

    print("batch_assign benchmark: reviews.matching.assignment_plan (OR-Tools) vs greedy_plan")
    print(f"machine:  {roster_data.machine_line()}")
    print(f"database: {where}")
    data = roster_data.BenchData(seed=args.seed)
    started = time.perf_counter()
    data.reviewers_add(args.reviewers)
    data.cases_add(args.cases)
    print(
        f"data:     {args.reviewers:,} reviewers, {args.cases:,} waiting cases, built in "
        f"{time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    roster = roster_load()
    cases = list(cases_waiting_for_reviewer())
    facts_list = case_facts_load(cases)
    load_seconds = time.perf_counter() - started
    pairs, pairs_seconds = timed(eligible_pairs, roster, facts_list)
    pair_count = sum(len(case_pairs) for case_pairs in pairs)
    used = {i for case_pairs in pairs for i, _score in case_pairs}
    capacity = sum(roster.entries[i].remaining_capacity for i in used)
    optimal, optimal_seconds = timed(assignment_plan, roster, facts_list)
    greedy, greedy_seconds = timed(greedy_plan, roster, facts_list)

    print()
    print(f"{'load roster + case facts':<28} {load_seconds:>8.2f} s")
    print(
        f"{'eligible_pairs alone':<28} {pairs_seconds:>8.2f} s   {pair_count:,} eligible pairs, "
        f"{len(used):,} reviewers eligible for something, room for {capacity:,} cases"
    )
    print(plan_line("optimal (assignment_plan)", optimal, optimal_seconds, facts_list))
    print(plan_line("greedy (greedy_plan)", greedy, greedy_seconds, facts_list))
    ratio_score = optimal.total_score / greedy.total_score if greedy.total_score else float("inf")
    print(
        f"optimal/greedy: total score x{ratio_score:.4f} "
        f"({optimal.total_score - greedy.total_score:+,}), "
        f"cases assigned {len(optimal.assignments) - len(greedy.assignments):+,}, "
        f"time x{optimal_seconds / greedy_seconds:.2f}"
    )
    # By the reason's first sentence: what follows names the reviewers of each case.
    reasons = Counter(
        reason.split(". ", 1)[0].rstrip(".") + "." for _number, reason in optimal.unassigned
    )
    for reason, count in reasons.most_common():
        print(f"  unassigned by the optimal plan: {count} x {reason}")
    print("(the plan times include eligible_pairs, which each plan computes itself)")
    if optimal_seconds > SLOW_SECONDS:
        print(f"SLOW: the optimal plan took over {SLOW_SECONDS} s.")

    print()
    started = time.perf_counter()
    failures = plan_verify(roster, facts_list, optimal, greedy)
    verify_seconds = time.perf_counter() - started
    if failures:
        print(f"VERIFICATION FAILED: {len(failures)} problem(s) ({verify_seconds:.1f} s)")
        for failure in failures[:30]:
            print(f"  - {failure}")
    else:
        print(
            f"VERIFICATION PASSED ({verify_seconds:.1f} s): {len(optimal.assignments):,} pairs "
            "re-checked with candidate_evaluate (licence, specialty, practice, conflicts, "
            "previous reviewers, availability) and scores equal; no reviewer over capacity; no "
            "case twice; no unassigned case with an eligible reviewer who had room; no expedited "
            "case left while a reviewer who could take it got a standard case."
        )

    print()
    started = time.perf_counter()
    outcome = assignments_auto(actor=None)
    auto_seconds = time.perf_counter() - started
    written = Assignment.objects.filter(status=AssignmentStatus.ASSIGNED).count()
    now_assigned = Case.objects.filter(status=CaseStatus.REVIEWER_ASSIGNED).count()
    same_plan = outcome.plan.as_dict() == optimal.as_dict()
    per_case_ms = auto_seconds / len(outcome.assigned) * 1000 if outcome.assigned else 0
    print(
        f"{'assignments_auto (real run)':<28} {auto_seconds:>8.2f} s   assigned "
        f"{len(outcome.assigned):,}, refused {len(outcome.refused)}, "
        f"{per_case_ms:.1f} ms per assignment (lock, re-check, write, event, enqueue notice)"
    )
    print(
        f"  database afterwards: {written:,} live assignments, {now_assigned:,} cases "
        f"reviewer_assigned; plan identical to the one verified: {'yes' if same_plan else 'NO'}"
    )
    real_run_ok = same_plan and written == now_assigned == len(outcome.assigned) == len(
        optimal.assignments
    )
    if not real_run_ok:
        failures.append("The real run did not write exactly the verified plan.")
        print("REAL RUN CHECK FAILED: the real run did not write exactly the verified plan.")
    roster_data.bench_broker_clean(NAME)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
