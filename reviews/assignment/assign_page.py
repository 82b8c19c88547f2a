"""The Assign page's reviewers: every eligible one ranked, every other one excluded, and only
the reviewers on the pages shown evaluated in full (reasons and the score's parts).

The roster comes from this process's copy (roster_snapshot: read again whenever the database's
roster changed), the case's facts and the reviewers' open cases from the database on every
request. The answers are reviewers_for_case's (tests hold them to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.utils import timezone

from cases.lifecycle.models import Case
from reviews.assignment.matching import (
    CaseFacts,
    RosterEntry,
    candidate_evaluate,
    case_facts_load,
    conflicts_between,
    open_assignments_by_reviewer,
    rank_key,
    reviewer_search_words,
    score_of,
    spare_days,
)
from reviews.assignment.roster_snapshot import RosterSnapshot, roster_snapshot, with_open_cases


@dataclass(frozen=True, slots=True)
class RankedReviewer:
    """An eligible reviewer as the Assign page ranks them: what the ranking, the search and the
    reassign list need. Only the reviewers on the page shown are evaluated in full (reasons and
    the score's parts, as candidate_evaluate gives them)."""

    user_id: int
    profile_id: int
    external_id: str
    name: str
    score: int
    rank_key: tuple


@dataclass
class AssignPage:
    case: Case
    eligible: list[RankedReviewer]  # every eligible reviewer, ranked
    eligible_page: Page  # one page of those matching the search (Candidates, in full)
    excluded_total: int  # every active reviewer the rules exclude
    # One page of them (Candidates, each with every reason); None when not asked for.
    excluded_page: Page | None


def _eligible_ranked(
    possible: list[RosterEntry], open_counts: dict[int, int], facts: CaseFacts, today: dt.date
) -> list[RankedReviewer]:
    """Of the reviewers who may be eligible (rules 1, 2, 3 and leave), those the other rules
    keep (4, 5 and 6's capacity, with their open assignments now: `open_counts`), ranked as
    reviewers_for_case ranks them, with their scores."""
    provider = facts.provider_specialty_key
    unavailable = facts.previous_reviewer_ids | facts.declared_conflicts.keys()  # rules 4, 5
    eligible = []
    for entry in possible:
        open_cases = entry.carried_open_cases + open_counts.get(entry.user_id, 0)
        if (
            open_cases >= entry.max_open_cases  # rule 6
            or entry.user_id in unavailable
            or conflicts_between(entry, facts)  # rule 4
        ):
            continue
        exact = bool(provider) and provider in entry.specialty_keys
        days = spare_days(entry, facts.due_on, today)
        eligible.append(
            RankedReviewer(
                user_id=entry.user_id,
                profile_id=entry.profile_id,
                external_id=entry.external_id,
                name=entry.name,
                score=score_of(exact, open_cases, entry.max_open_cases, days),
                rank_key=rank_key(exact, open_cases, entry.max_open_cases, days, entry.external_id),
            )
        )
    eligible.sort(key=lambda reviewer: reviewer.rank_key)
    return eligible


def _evaluate_shown(
    snapshot: RosterSnapshot,
    facts: CaseFacts,
    open_counts: dict[int, int],
    *,
    eligible_shown: Page | None,
    excluded_shown: Page | None,
) -> None:
    """The pages' reviewers evaluated by the full rules with their open cases now
    (`open_counts` holds those of the eligible; the excluded shown are read in one query):
    the pages then hold Candidates. A page not given is left as it is."""
    eligible_ids = (
        [reviewer.user_id for reviewer in eligible_shown.object_list]
        if eligible_shown is not None
        else []
    )
    excluded = list(excluded_shown.object_list) if excluded_shown is not None else []
    shown = with_open_cases([snapshot.by_user[user_id] for user_id in eligible_ids], open_counts)
    shown += with_open_cases(excluded)
    candidates = [candidate_evaluate(entry, facts, snapshot.roster) for entry in shown]
    if eligible_shown is not None:
        eligible_shown.object_list = candidates[: len(eligible_ids)]
    if excluded_shown is not None:
        excluded_shown.object_list = candidates[len(eligible_ids) :]


def assign_page_candidates(
    case: Case,
    *,
    query: str = "",
    eligible_page: str | int | None = None,
    excluded_page: str | int | None = None,
    page_size: int = 25,
    today: dt.date | None = None,
    with_excluded: bool = True,
    with_eligible: bool = True,
) -> AssignPage:
    """The Assign page's reviewers. The roster's copy keeps who may be eligible for a case's
    categories (licensed, certified, in practice, not on leave); their open cases are read,
    then capacity, conflicts and earlier rounds decide, and the score ranks. Only the
    reviewers on the pages shown (eligible and excluded) are evaluated in full. The excluded
    are every other active reviewer, by name.

    Without `with_excluded` (no search, the excluded panel still closed) only their number is
    given: the page fetches their list when the user opens the panel (issue 12). Without
    `with_eligible` (that panel alone) the eligible are ranked, not evaluated in full."""
    today = today or timezone.localdate()
    # The page's case was read in this request (case_get_for prefetches its parties and
    # items): those are reused, read only if missing.
    prefetch_related_objects([case], "parties", "items")
    (facts,) = case_facts_load([case])
    snapshot = roster_snapshot(today)
    possible = snapshot.may_be_eligible(facts.categories)
    open_counts = open_assignments_by_reviewer([entry.user_id for entry in possible])
    eligible = _eligible_ranked(possible, open_counts, facts, today)
    words = reviewer_search_words(query)
    found = (
        [r for r in eligible if snapshot.matches(snapshot.by_user[r.user_id], words)]
        if words
        else eligible
    )
    eligible_shown = Paginator(found, page_size).get_page(eligible_page)
    # Every eligible reviewer is an active one: the others are the excluded.
    excluded_total = len(snapshot.by_user) - len(eligible)
    excluded_shown = None
    if with_excluded or words:
        eligible_ids = {reviewer.user_id for reviewer in eligible}
        excluded_shown = Paginator(
            [
                entry
                for entry in snapshot.by_name
                if entry.user_id not in eligible_ids
                and (not words or snapshot.matches(entry, words))
            ],
            page_size,
        ).get_page(excluded_page)
    _evaluate_shown(
        snapshot,
        facts,
        open_counts,
        eligible_shown=eligible_shown if with_eligible else None,
        excluded_shown=excluded_shown,
    )
    return AssignPage(
        case=case,
        eligible=eligible,
        eligible_page=eligible_shown,
        excluded_total=excluded_total,
        excluded_page=excluded_shown,
    )
