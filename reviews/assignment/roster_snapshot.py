"""The active roster kept in memory between requests, for as long as it is the roster.

Reading the roster is six queries and thousands of plain rows: 10-20 ms at 2,000 reviewers, on
every Assign page, for data that changes a few times a day (an import, a leave period, a licence
renewed). The database keeps a version of it (reviews.roster.models.RosterVersion: triggers
on every table the roster is read from give it a value never used before); each use reads the
version, one row, and a copy made at another version, or for another day (licences expire and
leave begins by the day), is read again. So the copy is the roster as the database has it now,
read less often: nothing about a reviewer is older than the last change. A write the triggers
do not see (made with them off, as a restore can) shows once the copy is older than
settings.ROSTER_COPY_MAX_AGE_SECONDS, when it is read again whatever the version says.

Assignments change by the minute and are not part of it: each use reads the open cases of the
reviewers it needs (`with_open_cases`), as the case's facts (parties, earlier rounds, declared
conflicts) are read for each case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case as DbCase
from django.db.models import F, Value, When
from django.db.models.functions import Concat, Trim

from reviews.assignment.matching import (
    MIN_WEEKLY_HOURS,
    MIN_YEARS_EXCLUSIVE,
    Roster,
    RosterEntry,
    on_roster,
    open_assignments_by_reviewer,
    roster_load,
    search_text,
)
from reviews.roster.models import ReviewerProfile, RosterVersion


@dataclass
class RosterSnapshot:
    version: int | None
    today: dt.date
    # Every active reviewer; each entry's open cases are the carried ones only: with_open_cases
    # gives them with their open assignments now.
    roster: Roster
    by_user: dict[int, RosterEntry]
    # In the database's order of display name, then reviewer id (its collation, as a list
    # sorted by the database reads).
    by_name: tuple[RosterEntry, ...]
    # Licensed, in practice long and much enough, not on leave today (rules 1, 3 and 6's
    # leave): the only ones who may be eligible for any case.
    practising: tuple[RosterEntry, ...]
    # What a search for reviewers looks in (matching.search_text), by user id.
    search_text: dict[int, str]
    # When it was read (time.monotonic()), for its age (settings.ROSTER_COPY_MAX_AGE_SECONDS).
    read_at: float = 0.0
    _certified: dict[str, frozenset[int]] = field(default_factory=dict)

    def certified_for(self, category: str) -> frozenset[int]:
        """The user ids with a certification accepted for `category` (rule 2)."""
        found = self._certified.get(category)
        if found is None:
            accepted = self.roster.category_specialties.get(category, frozenset())
            found = frozenset(
                entry.user_id for entry in self.roster.entries if entry.specialty_keys & accepted
            )
            self._certified[category] = found
        return found

    def may_be_eligible(self, categories) -> list[RosterEntry]:
        """Rules 1, 2, 3 and leave today: a reviewer outside these cannot be eligible. The rules
        that depend on the case's parties and history, and capacity, are the caller's."""
        certified = [self.certified_for(category) for category in categories]
        return [
            entry for entry in self.practising if all(entry.user_id in users for users in certified)
        ]

    def matches(self, entry: RosterEntry, words: list[str]) -> bool:
        """Every word (folded) in the reviewer's name, reviewer id or a specialty's name."""
        text = self.search_text[entry.user_id]
        return all(word in text for word in words)


def _by_display_name() -> list[int]:
    """The active reviewers' user ids by display name (the full name, else the username), then
    reviewer id, in the database's collation."""
    return list(
        ReviewerProfile.objects.filter(on_roster())
        .annotate(
            display_name=DbCase(
                When(user__first_name="", user__last_name="", then=F("user__username")),
                default=Trim(Concat(F("user__first_name"), Value(" "), F("user__last_name"))),
            )
        )
        .order_by("display_name", "external_id")
        .values_list("user_id", flat=True)
    )


def roster_version() -> int | None:
    """The roster's version now; None when its row is missing (a flushed database), when
    nothing may be kept."""
    return RosterVersion.objects.filter(pk=1).values_list("version", flat=True).first()


def _snapshot_read(version: int | None, today: dt.date) -> RosterSnapshot:
    # Read after the version: a change committed in between is in the copy and gives the
    # next use a new version, so it is read again; never the other way round.
    read_at = time.monotonic()
    roster = roster_load(today=today, with_assignments=False)
    by_user = {entry.user_id: entry for entry in roster.entries}
    order = _by_display_name()
    by_name = [by_user[user_id] for user_id in order if user_id in by_user]
    if len(by_name) != len(by_user):
        # A reviewer added between the two reads: still listed, after the others (the version
        # changed with them, so the next use reads everything again).
        listed = set(order)
        by_name += [entry for entry in roster.entries if entry.user_id not in listed]
    return RosterSnapshot(
        version=version,
        today=today,
        roster=roster,
        by_user=by_user,
        by_name=tuple(by_name),
        practising=tuple(
            entry
            for entry in roster.entries
            if entry.licensed
            and entry.years_in_practice > MIN_YEARS_EXCLUSIVE
            and entry.weekly_practice_hours >= MIN_WEEKLY_HOURS
            and not entry.on_leave_now
        ),
        search_text={entry.user_id: search_text(entry) for entry in roster.entries},
        read_at=read_at,
    )


# This process's copy: one, the latest (a process serves one roster at a time).
_kept: RosterSnapshot | None = None


def roster_snapshot(today: dt.date) -> RosterSnapshot:
    """The active roster for `today`, from this process's copy when the database's roster has
    not changed since it was read (one query) and the copy is not too old, else read again
    (and kept)."""
    global _kept
    version = roster_version()
    max_age = settings.ROSTER_COPY_MAX_AGE_SECONDS
    kept = _kept
    if (
        version is not None
        and kept is not None
        and (kept.version, kept.today) == (version, today)
        and time.monotonic() - kept.read_at < max_age
    ):
        return kept
    snapshot = _snapshot_read(version, today)
    _kept = snapshot if version is not None and max_age > 0 else None
    return snapshot


def with_open_cases(
    entries: list[RosterEntry], counts: dict[int, int] | None = None
) -> list[RosterEntry]:
    """The entries with their open cases as they are now: those carried over plus the open
    assignments (`counts`, read for these reviewers when not given). Copies: the kept roster
    is not changed."""
    if not entries:
        return []
    if counts is None:
        counts = open_assignments_by_reviewer([entry.user_id for entry in entries])
    return [
        dataclasses.replace(
            entry, open_cases=entry.carried_open_cases + counts.get(entry.user_id, 0)
        )
        for entry in entries
    ]
