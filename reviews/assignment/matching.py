"""Who may review a case, and how well they fit (SPEC section 4).

Eligibility is six hard rules, each failure with a reason a person can read. Among the eligible,
reviewers rank by: exact specialty match with the requesting provider, then lower load (the
share of their maximum open cases in use), then more spare days before the case is due. The same
facts give each pair a match score (0-100) that batch assignment maximizes; its load part weighs
the same share the ranking compares.

The roster is read once, in a fixed number of queries, into plain objects (`Roster`), so
evaluating one case or a thousand costs no more queries as the roster grows.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import math
import re
from dataclasses import dataclass, field, replace

from django.db.models import (
    Count,
    F,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import Truncator
from ortools.graph.python import min_cost_flow

# A search for reviewers splits and folds its words as the case list's name search does ("Park,
# Helen" finds what "helen park" finds, "Perez" what "Pérez" finds).
from accounts.models import Role
from cases.casefile.selectors import search_words
from cases.lifecycle.models import Case, ItemCategory, PartyRole
from cases.textsearch import fold
from reviews.assignment.models import Assignment, AssignmentStatus, CaseConflict
from reviews.roster.models import (
    Affiliation,
    AffiliationKind,
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    specialty_key,
)

# Rule 3: more than five years of active practice, at least 24 hours a week now (SPEC section 4:
# the organization's standard for the qualifications Lab. Code 139.5 requires it to keep).
MIN_YEARS_EXCLUSIVE = 5
MIN_WEEKLY_HOURS = 24

# Score weights (sum 100): specialty match dominates, then spare capacity, then spare days.
SCORE_SPECIALTY = 50
SCORE_LOAD = 30
SCORE_SPARE_DAYS = 20
SPARE_DAYS_CAP = 30

OPEN_ASSIGNMENT_STATUSES = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)

_CORPORATE_WORDS = {
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "pc",
    "pllc",
    "plc",
    "the",
    "dr",
    "md",
    "do",
    "phd",
}


_INITIAL_DOT = re.compile(r"\b([a-z])\.(?=[a-z]\b)")
_WORD = re.compile(r"[a-z0-9]+")
_NOT_IDENTIFIER = re.compile(r"[^A-Z0-9]")


# Cached: a roster repeats the same employers, groups and claims administrators many times over.
@functools.lru_cache(maxsize=32_768)
def name_key(name: str) -> str:
    """ "ACME Foods, Inc." and "Acme Foods Inc" and "acme foods" are one name."""
    text = (name or "").lower().replace("&", " and ")
    # Initials written with dots read as one word: "U.R." is "UR", "L.L.C." is "LLC".
    text = _INITIAL_DOT.sub(r"\1", text)
    words = _WORD.findall(text)
    return " ".join(word for word in words if word not in _CORPORATE_WORDS)


def _in_sentence(label: str) -> str:
    """'Employer' reads 'employer' mid-sentence; 'UR organization' keeps its capitals."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


@functools.lru_cache(maxsize=32_768)
def identifier_key(identifier: str) -> str:
    return _NOT_IDENTIFIER.sub("", (identifier or "").upper())


@dataclass
class RosterEntry:
    profile_id: int
    user_id: int
    external_id: str
    name: str
    email: str
    licensed: bool
    licence_reason: str
    specialty_keys: frozenset[str]
    specialty_names: tuple[str, ...]
    years_in_practice: int
    weekly_practice_hours: int
    max_open_cases: int
    open_cases: int
    on_leave_now: bool
    leave: tuple[tuple[dt.date, dt.date], ...]
    affiliations: tuple[tuple[str, str, str], ...]  # (identifier key, name key, label)
    # Of open_cases, those carried over from another system (the rest are assignments here).
    carried_open_cases: int = 0

    @property
    def remaining_capacity(self) -> int:
        return max(self.max_open_cases - self.open_cases, 0)


@dataclass
class Roster:
    today: dt.date
    entries: list[RosterEntry]
    category_specialties: dict[str, frozenset[str]]  # category -> specialty keys
    specialty_labels: dict[str, str]  # key -> display name


def open_assignments_by_reviewer(user_ids: list[int]) -> dict[int, int]:
    """{reviewer's user id: their open assignments} for these reviewers, in one aggregate over
    their open assignments only (the partial index assignment_open_by_reviewer). For the
    Assign page's possible reviewers this is cheaper than the correlated count per reviewer,
    which the database ran twice for each (in the capacity test and in the row). COUNT(*), not
    of a column: the index alone answers it (open_assignments_count)."""
    return dict(
        Assignment.objects.filter(
            _AnyOf(F("reviewer_id"), user_ids), status__in=OPEN_ASSIGNMENT_STATUSES
        )
        .order_by()
        .values("reviewer_id")
        .annotate(open_count=Count("*"))
        .values_list("reviewer_id", "open_count")
    )


def open_assignments_count():
    """A reviewer profile's open assignments, as an expression over profiles (OuterRef
    user_id), counted from the open ones only, through the partial index
    assignment_open_by_reviewer: a filtered aggregate over every assignment ever made read all
    of them (467 ms at 188,000 assignments, of which about 4,600 are open). The roster and the
    dashboard's reviewer load read it. It counts rows (COUNT(*)), not ids: the index holds
    everything the count needs, so PostgreSQL answers from the index alone; counting ids
    fetched every open assignment's table row (8.3 ms for 50 busy reviewers, 0.6 ms now)."""
    return Coalesce(
        Subquery(
            Assignment.objects.filter(
                reviewer_id=OuterRef("user_id"), status__in=OPEN_ASSIGNMENT_STATUSES
            )
            .order_by()
            .values("reviewer_id")
            .annotate(open_count=Count("*"))
            .values("open_count"),
            output_field=IntegerField(),
        ),
        0,
    )


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the ids as one array parameter on PostgreSQL; `IN (...)`
    elsewhere. A list of hundreds of ids (the Assign page's possible reviewers) costs Django
    and psycopg a parameter each in every query that names it: a third of roster_load's time
    at 2,000 reviewers (issue 12)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def on_roster(path: str = "") -> Q:
    """Who is on the roster, as a condition on a reviewer's profile (or a row reached through
    `path` to it, e.g. "profile__"): an active user whose role is expert reviewer. A reviewer
    moved to another role (a physician who becomes medical director) keeps their profile, and
    is offered for no case while the role says otherwise."""
    return Q(**{f"{path}user__is_active": True, f"{path}user__role": Role.REVIEWER})


def roster_load(
    *, today: dt.date | None = None, user_ids=None, with_assignments: bool = True
) -> Roster:
    """The whole active roster (or the given reviewers) in six queries, whatever its size.
    Without `with_assignments` each entry's open cases are the carried ones only (the copy
    roster_snapshot keeps: assignments change by the minute and are read where used).

    Rows are read as plain values, not model instances: for a roster of thousands, building
    instances and prefetch querysets cost ten times more than the queries themselves."""
    today = today or timezone.localdate()
    of_roster = on_roster("profile__")
    profiles = ReviewerProfile.objects.filter(on_roster())
    if user_ids is not None:
        profiles = profiles.filter(_AnyOf(F("user_id"), list(user_ids)))
    rows = list(
        profiles.annotate(
            open_assignments=open_assignments_count() if with_assignments else Value(0)
        )
        .order_by("external_id")
        .values_list(
            "pk",
            "user_id",
            "external_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__email",
            "years_in_practice",
            "weekly_practice_hours",
            "max_open_cases",
            "carried_open_cases",
            "on_leave",
            "open_assignments",
        )
    )
    profile_ids = [row[0] for row in rows]
    if user_ids is not None:
        # A few reviewers (the Assign page's shown ones): their rows by profile id, without
        # the joins to the users that choosing the whole roster takes.
        of_roster = Q(_AnyOf(F("profile_id"), profile_ids))
    # Each related list keeps its model's ordering (licences by state, certifications by name,
    # affiliations by kind and name, leave by start), as the prefetched relations did.
    licences: dict[int, list[tuple[dt.date, bool]]] = {}
    for profile_id, expires, restricted in Licence.objects.filter(of_roster).values_list(
        "profile_id", "expires", "restricted"
    ):
        licences.setdefault(profile_id, []).append((expires, restricted))
    certifications: dict[int, list[tuple[str, str]]] = {}
    through = ReviewerProfile.certifications.through
    for profile_id, key, name in (
        through.objects.filter(
            Q(_AnyOf(F("reviewerprofile_id"), profile_ids))
            if user_ids is not None
            else on_roster("reviewerprofile__")
        )
        .order_by("specialty__name")
        .values_list("reviewerprofile_id", "specialty__key", "specialty__name")
    ):
        certifications.setdefault(profile_id, []).append((key, name))
    # As they read mid-sentence, once per kind rather than once per affiliation.
    kind_labels = {kind: _in_sentence(str(label)) for kind, label in AffiliationKind.choices}
    affiliations: dict[int, list[tuple[str, str, str]]] = {}
    for profile_id, kind, name, identifier in Affiliation.objects.filter(of_roster).values_list(
        "profile_id", "kind", "name", "identifier"
    ):
        affiliations.setdefault(profile_id, []).append(
            (
                identifier_key(identifier),
                name_key(name),
                f"{kind_labels.get(kind) or _in_sentence(kind)} '{name}'",
            )
        )
    leave_periods: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for profile_id, starts, ends in LeavePeriod.objects.filter(of_roster).values_list(
        "profile_id", "starts", "ends"
    ):
        leave_periods.setdefault(profile_id, []).append((starts, ends))

    entries = []
    for (
        profile_id,
        user_id,
        external_id,
        first_name,
        last_name,
        username,
        email,
        years_in_practice,
        weekly_practice_hours,
        max_open_cases,
        carried_open_cases,
        on_leave,
        open_assignments,
    ) in rows:
        held = licences.get(profile_id, ())
        licensed = any(expires > today and not restricted for expires, restricted in held)
        if licensed:
            licence_reason = ""
        elif not held:
            licence_reason = "No medical licence on file."
        else:
            licence_reason = "No active, unrestricted licence (all expired or restricted)."
        certified = certifications.get(profile_id, ())
        leave = tuple(leave_periods.get(profile_id, ()))
        entries.append(
            RosterEntry(
                profile_id=profile_id,
                user_id=user_id,
                external_id=external_id,
                # As User.get_full_name(), falling back to the username (ReviewerProfile.name).
                name=f"{first_name} {last_name}".strip() or username,
                email=email,
                licensed=licensed,
                licence_reason=licence_reason,
                specialty_keys=frozenset(key for key, _name in certified),
                specialty_names=tuple(name for _key, name in certified),
                years_in_practice=years_in_practice,
                weekly_practice_hours=weekly_practice_hours,
                max_open_cases=max_open_cases,
                open_cases=carried_open_cases + open_assignments,
                carried_open_cases=carried_open_cases,
                on_leave_now=on_leave or any(starts <= today <= ends for starts, ends in leave),
                leave=leave,
                affiliations=tuple(affiliations.get(profile_id, ())),
            )
        )
    table: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for category, key, name in CategorySpecialty.objects.values_list(
        "category", "specialty__key", "specialty__name"
    ):
        table.setdefault(category, set()).add(key)
        labels[key] = name
    return Roster(
        today=today,
        entries=entries,
        category_specialties={category: frozenset(keys) for category, keys in table.items()},
        specialty_labels=labels,
    )


@dataclass
class CaseFacts:
    case_id: int
    case_number: str
    expedited: bool
    due_on: dt.date | None
    categories: tuple[str, ...]
    provider_specialty_key: str
    parties_by_identifier: dict[str, str]  # identifier key -> party label
    parties_by_name: dict[str, list[tuple[str, str]]]  # name key -> [(identifier key, label)]
    previous_reviewer_ids: frozenset[int]
    declared_conflicts: dict[int, str]  # user id -> reason
    # user id -> how they had the case before (the latest), as the Assign page says it
    previous_reviewer_notes: dict[int, str]


# The words of a decline or an unassignment quoted in an exclusion's reason: the start of them
# (the Assign page and the batch plan quote them in each row; the history keeps them whole).
QUOTED_REASON_CHARS = 160


def _previous_note(status: str, round_: int, declined: str, ended: str) -> str:
    """How a reviewer had the case before, for the administrator (rule 5's reason): the
    decline's or the unassignment's reason in their words."""
    if status == AssignmentStatus.DECLINED:
        return f"declined it: “{_quoted(declined)}”" if declined.strip() else "declined it"
    if status == AssignmentStatus.WITHDRAWN:
        return f"was taken off it: “{_quoted(ended)}”" if ended.strip() else "was taken off it"
    if status == AssignmentStatus.COMPLETED:
        return f"reviewed it in round {round_}"
    return "has it now"


def _quoted(reason: str) -> str:
    return Truncator(reason.strip()).chars(QUOTED_REASON_CHARS)


def case_facts_load(cases: list[Case]) -> list[CaseFacts]:
    """The facts matching needs for each case, in a fixed number of queries."""
    case_ids = [case.pk for case in cases]
    previous: dict[int, dict[int, str]] = {}
    for case_id, reviewer_id, status, round_, declined, ended in (
        Assignment.objects.filter(case_id__in=case_ids)
        .order_by("assigned_at", "pk")  # the latest last: it is the one said
        .values_list("case_id", "reviewer_id", "status", "round", "decline_reason", "end_reason")
    ):
        previous.setdefault(case_id, {})[reviewer_id] = _previous_note(
            status, round_, declined, ended
        )
    conflicts: dict[int, dict[int, str]] = {}
    for case_id, reviewer_id, reason in CaseConflict.objects.filter(
        case_id__in=case_ids
    ).values_list("case_id", "reviewer_id", "reason"):
        conflicts.setdefault(case_id, {})[reviewer_id] = reason
    facts = []
    for case in cases:
        by_identifier: dict[str, str] = {}
        by_name: dict[str, list[tuple[str, str]]] = {}
        provider_specialty = ""
        for party in case.parties.all():
            label = f"{_in_sentence(party.get_role_display())} '{party.name}'"
            ident = identifier_key(party.identifier)
            if ident:
                by_identifier[ident] = label
            key = name_key(party.name)
            if key:
                by_name.setdefault(key, []).append((ident, label))
            if party.role == PartyRole.REQUESTING_PROVIDER:
                provider_specialty = specialty_key(party.specialty)
        worker_key = name_key(case.worker_name)
        if worker_key:
            by_name.setdefault(worker_key, []).append(("", f"injured worker '{case.worker_name}'"))
        facts.append(
            CaseFacts(
                case_id=case.pk,
                case_number=case.case_number,
                expedited=case.priority == "expedited",
                due_on=case.due_on,
                categories=tuple(dict.fromkeys(item.category for item in case.items.all())),
                provider_specialty_key=provider_specialty,
                parties_by_identifier=by_identifier,
                parties_by_name=by_name,
                previous_reviewer_ids=frozenset(previous.get(case.pk, {})),
                declared_conflicts=conflicts.get(case.pk, {}),
                previous_reviewer_notes=previous.get(case.pk, {}),
            )
        )
    return facts


def conflicts_between(entry: RosterEntry, facts: CaseFacts) -> list[str]:
    """Declared affiliations against the case's parties: by identifier where both sides have
    one, else by normalized name (SPEC section 4, rule 4)."""
    found = []
    for ident, key, label in entry.affiliations:
        if ident and ident in facts.parties_by_identifier:
            party = facts.parties_by_identifier[ident]
            found.append(
                f"Conflict: affiliated with the {party} (declared: {label}, same identifier)."
            )
            continue
        for party_ident, party in facts.parties_by_name.get(key, ()):
            if ident and party_ident:
                continue  # both identified, and the identifiers differ: another entity
            found.append(f"Conflict: affiliated with the {party} (declared: {label}).")
            break
    return found


def spare_days(entry: RosterEntry, due_on: dt.date | None, today: dt.date) -> int:
    """Working window before the case is due, less any leave in it."""
    return _spare_days(entry.leave, due_on, today)


def _spare_days(leave, due_on: dt.date | None, today: dt.date) -> int:
    if due_on is None:
        return SPARE_DAYS_CAP
    days = (due_on - today).days
    if days <= 0:
        return 0
    for starts, ends in leave:
        overlap_start = max(starts, today + dt.timedelta(days=1))
        overlap_end = min(ends, due_on)
        if overlap_end >= overlap_start:
            days -= (overlap_end - overlap_start).days + 1
    return max(days, 0)


def pair_score(entry: RosterEntry, facts: CaseFacts, today: dt.date) -> tuple[int, bool, int]:
    """(score 0-100, exact specialty match, spare days) for an eligible pair."""
    exact = bool(facts.provider_specialty_key) and (
        facts.provider_specialty_key in entry.specialty_keys
    )
    days = spare_days(entry, facts.due_on, today)
    return score_of(exact, entry.open_cases, entry.max_open_cases, days), exact, days


def load_share(open_cases: int, max_open_cases: int) -> float:
    """A reviewer's load: the share of their maximum open cases in use (2 of 8 is lighter than
    2 of 5). Equal shares compare equal (2/8 and 1/4 are the same float)."""
    return open_cases / max_open_cases if max_open_cases else 1


def score_of(exact: bool, open_cases: int, max_open_cases: int, days: int) -> int:
    """The match score (0-100) of an eligible pair from its terms."""
    return round(
        SCORE_SPECIALTY * exact
        + SCORE_LOAD * (1 - load_share(open_cases, max_open_cases))
        + SCORE_SPARE_DAYS * min(days, SPARE_DAYS_CAP) / SPARE_DAYS_CAP
    )


def rank_key(
    exact: bool, open_cases: int, max_open_cases: int, days: int, external_id: str
) -> tuple:
    """Where an eligible pair ranks (SPEC section 4): exact specialty first, then lower load by
    the measure the score's load part uses (a share of capacity, not a count), then more spare
    days, then the roster's id for a fixed order."""
    return (not exact, load_share(open_cases, max_open_cases), -days, external_id)


@dataclass(frozen=True)
class ScorePart:
    """One part of a match score, as the Assign page shows it."""

    label: str
    points: int
    out_of: int
    why: str


def score_parts(entry: RosterEntry, facts: CaseFacts, today: dt.date) -> list[ScorePart]:
    """The score of an eligible pair broken down: the same terms pair_score adds, in whole
    points that add up to the score shown (the largest remainders rounded up; from QA: rounded
    each, 50 + 27 + 3 stood beside a score of 81)."""
    exact = bool(facts.provider_specialty_key) and (
        facts.provider_specialty_key in entry.specialty_keys
    )
    days = spare_days(entry, facts.due_on, today)
    share = load_share(entry.open_cases, entry.max_open_cases)
    raw = [
        SCORE_LOAD * (1 - share),
        SCORE_SPARE_DAYS * min(days, SPARE_DAYS_CAP) / SPARE_DAYS_CAP,
    ]
    points = [math.floor(value) for value in raw]
    left = score_of(exact, entry.open_cases, entry.max_open_cases, days)
    left -= (SCORE_SPECIALTY if exact else 0) + sum(points)
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - points[i], reverse=True)[:left]:
        points[index] += 1
    load_points, days_points = points
    return [
        ScorePart(
            "Specialty match",
            SCORE_SPECIALTY if exact else 0,
            SCORE_SPECIALTY,
            "same specialty as the requesting provider"
            if exact
            else "not the requesting provider's specialty",
        ),
        ScorePart(
            "Load",
            load_points,
            SCORE_LOAD,
            f"{entry.open_cases} of {entry.max_open_cases} open cases",
        ),
        ScorePart(
            "Spare days",
            days_points,
            SCORE_SPARE_DAYS,
            f"{days} day{pluralize(days)} before the case is due (full marks at {SPARE_DAYS_CAP})"
            if facts.due_on
            else "no due date yet: full marks",
        ),
        ScorePart(
            "Conflicts",
            0,
            0,
            "none found (a conflict of interest excludes a reviewer, it is not weighed)",
        ),
    ]


@dataclass
class Candidate:
    entry: RosterEntry
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    score: int = 0
    exact_specialty: bool = False
    spare_days: int = 0
    # For the score's parts, worked out only when shown (a page shows 25 of hundreds).
    facts: CaseFacts | None = field(default=None, repr=False, compare=False)
    today: dt.date | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def score_parts(self) -> list[ScorePart]:
        if not self.eligible or self.facts is None:
            return []
        return score_parts(self.entry, self.facts, self.today)

    @property
    def rank_key(self):
        entry = self.entry
        return rank_key(
            self.exact_specialty,
            entry.open_cases,
            entry.max_open_cases,
            self.spare_days,
            entry.external_id,
        )


def no_specialty_reason(category: str) -> str:
    """Rule 2's reason for the whole roster."""
    return f"No specialty accepted for {ItemCategory(category).label.lower()} items."


def specialty_not_accepted_reason(entry: RosterEntry, category: str) -> str:
    """Rule 2's reason for one reviewer, naming their specialties (from QA: "No specialty
    accepted for …" read as if the category accepted none)."""
    items = f"{ItemCategory(category).label.lower()} items"
    names = entry.specialty_names
    if not names:
        return f"No specialty on file; {items} need an accepted one."
    said = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    verb = "is" if len(names) == 1 else "are"
    return f"{said} {verb} not accepted for {items}."


def candidate_evaluate(entry: RosterEntry, facts: CaseFacts, roster: Roster) -> Candidate:
    today = roster.today
    reasons: list[str] = []
    # Rule 1: an active, unrestricted licence in at least one state (Lab. Code 139.5).
    if not entry.licensed:
        reasons.append(entry.licence_reason)
    # Rule 2: a certification accepted for every disputed item's category.
    for category in facts.categories:
        accepted = roster.category_specialties.get(category, frozenset())
        if not entry.specialty_keys & accepted:
            reasons.append(specialty_not_accepted_reason(entry, category))
    # Rule 3: practice.
    if entry.years_in_practice <= MIN_YEARS_EXCLUSIVE:
        reasons.append(
            f"{entry.years_in_practice} years in practice; more than {MIN_YEARS_EXCLUSIVE} needed."
        )
    if entry.weekly_practice_hours < MIN_WEEKLY_HOURS:
        reasons.append(
            f"{entry.weekly_practice_hours} hours a week of current practice; "
            f"at least {MIN_WEEKLY_HOURS} needed."
        )
    # Rule 4: conflicts of interest, declared affiliations and conflicts declared for this case.
    # Lab. Code 139.5(d)(5)(A), (C), (F): the employer, the claims administrator, the requesting
    # provider and their group, the worker; the UR organization and physician and the worker's
    # attorney are our own additions. (D) the institution and (E) the treatment's developer or
    # manufacturer are on no case: the reviewer attests to them (CONFLICT_ATTESTATION).
    reasons.extend(conflicts_between(entry, facts))
    if entry.user_id in facts.declared_conflicts:
        reasons.append(
            f"Declared a conflict for this case: {facts.declared_conflicts[entry.user_id]}"
        )
    # Rule 5: a remand needs a different reviewer (Lab. Code 4610.6(i)); our own rule asks the
    # same of every case, so a decline or an unassignment excludes the reviewer too (README).
    declared = entry.user_id in facts.declared_conflicts
    if entry.user_id in facts.previous_reviewer_ids and not declared:
        note = facts.previous_reviewer_notes.get(entry.user_id)
        reasons.append(
            f"Already reviewed or was offered this case ({note})."
            if note
            else "Already reviewed or was offered this case."
        )
    # Rule 6: available and below their maximum open cases.
    if entry.on_leave_now:
        reasons.append("On leave.")
    if entry.open_cases >= entry.max_open_cases:
        reasons.append(
            f"At capacity: {entry.open_cases} open case{pluralize(entry.open_cases)} of "
            f"{entry.max_open_cases} allowed."
        )
    if reasons:
        return Candidate(entry=entry, eligible=False, reasons=reasons)

    score, exact, days = pair_score(entry, facts, today)
    fit = []
    if exact:
        fit.append(
            "Same specialty as the requesting provider "
            f"({roster.specialty_labels.get(facts.provider_specialty_key, 'specialty')})."
        )
    else:
        fit.append("Specialty accepted for every disputed item.")
    fit.append(f"{entry.open_cases} of {entry.max_open_cases} open cases.")
    if facts.due_on:
        fit.append(f"{days} spare day{pluralize(days)} before the case is due.")
    return Candidate(
        entry=entry,
        eligible=True,
        reasons=fit,
        score=score,
        exact_specialty=exact,
        spare_days=days,
        facts=facts,
        today=today,
    )


@dataclass
class MatchResult:
    case: Case
    eligible: list[Candidate]
    excluded: list[Candidate]

    def as_dict(self) -> dict:
        return {
            "case": self.case.case_number,
            "eligible": [
                {
                    "external_id": c.entry.external_id,
                    "name": c.entry.name,
                    "score": c.score,
                    "reasons": c.reasons,
                }
                for c in self.eligible
            ],
            "excluded": [
                {"external_id": c.entry.external_id, "name": c.entry.name, "reasons": c.reasons}
                for c in self.excluded
            ],
        }


def search_text(entry: RosterEntry) -> str:
    """What a search for reviewers looks in: the name, the reviewer id and the specialties'
    names, folded (cases.textsearch)."""
    return fold(" ".join((entry.name, entry.external_id, *entry.specialty_names)))


# "and" and "&" join a specialty's name the one way or the other ("Physical Medicine and
# Rehabilitation" is "Physical Medicine & Rehabilitation", reviews.roster.models.specialty_key):
# beside other words, a search drops them.
_JOINING_WORDS = frozenset({"and", "&"})
# A title or degree typed with a name ("Dr. Helen Park", "Helen Park, MD"): the roster's names
# carry none, so a search drops them (from QA: "Dr. Helen Park" found nobody).
_TITLE_WORDS = frozenset({"dr", "dr.", "doctor", "md", "m.d.", "do", "d.o.", "dc", "d.c."})


def reviewer_search_words(query: str) -> list[str]:
    """The words a search for reviewers looks for (folded), without the joining words and
    the titles."""
    words = search_words(query)
    kept = [word for word in words if word not in _JOINING_WORDS | _TITLE_WORDS]
    return kept or words


def candidates_matching(candidates: list[Candidate], query: str) -> list[Candidate]:
    """The candidates whose name, reviewer id or a specialty holds every word of `query`."""
    words = reviewer_search_words(query)
    if not words:
        return candidates
    return [c for c in candidates if all(word in search_text(c.entry) for word in words)]


def _case_for_matching(case: Case) -> Case:
    return Case.objects.prefetch_related("parties", "items").get(pk=case.pk)


def reviewers_for_case(
    case: Case, *, today: dt.date | None = None, roster: Roster | None = None
) -> MatchResult:
    """Every reviewer: eligible ones ranked, the others with every reason they are excluded."""
    roster = roster or roster_load(today=today)
    case = _case_for_matching(case)
    (facts,) = case_facts_load([case])
    eligible, excluded = [], []
    for entry in roster.entries:
        candidate = candidate_evaluate(entry, facts, roster)
        (eligible if candidate.eligible else excluded).append(candidate)
    eligible.sort(key=lambda c: c.rank_key)
    excluded.sort(key=lambda c: (c.entry.name, c.entry.external_id))
    return MatchResult(case=case, eligible=eligible, excluded=excluded)


# --- Batch assignment ------------------------------------------------------------------------

# An expedited case outweighs any standard one, so scarce capacity goes to expedited cases first.
EXPEDITED_BONUS = 1_000
# Costs are value * TIE_SCALE + the reviewer's rank for the case: equal totals resolve to the
# better-ranked reviewers, the same way on every run.
TIE_SCALE = 1 << 22


@dataclass
class PlannedAssignment:
    case_id: int
    case_number: str
    expedited: bool
    entry: RosterEntry
    score: int
    # How the score is made, as the Assign page shows it (from the notes: the batch plan
    # showed total scores only).
    parts: list[ScorePart] = field(default_factory=list)


@dataclass
class Plan:
    assignments: list[PlannedAssignment]
    unassigned: list[tuple[str, str]]  # (case number, reason)

    @property
    def total_score(self) -> int:
        return sum(a.score for a in self.assignments)

    def as_dict(self) -> dict:
        return {
            "assignments": [
                {
                    "case": a.case_number,
                    "priority": "expedited" if a.expedited else "standard",
                    "external_id": a.entry.external_id,
                    "name": a.entry.name,
                    "score": a.score,
                    "parts": [
                        {"label": p.label, "points": p.points, "out_of": p.out_of, "why": p.why}
                        for p in a.parts
                    ],
                }
                for a in self.assignments
            ],
            "unassigned": [
                {"case": number, "reason": reason} for number, reason in self.unassigned
            ],
            "total_score": self.total_score,
        }


def _may_take_any(roster: Roster) -> set[int]:
    """The roster's indices of the reviewers whom the rules that do not depend on the case
    leave in: licence (1), practice (3), leave and capacity (6)."""
    return {
        i
        for i, e in enumerate(roster.entries)
        if e.licensed
        and e.years_in_practice > MIN_YEARS_EXCLUSIVE
        and e.weekly_practice_hours >= MIN_WEEKLY_HOURS
        and not e.on_leave_now
        and e.open_cases < e.max_open_cases
    }


def eligible_pairs(roster: Roster, facts_list: list[CaseFacts]) -> list[list[tuple[int, int]]]:
    """For each case, its eligible reviewers as (roster index, score), best-ranked first.

    The same six rules as candidate_evaluate, computed with set operations so a thousand cases
    over thousands of reviewers stay fast; tests hold the two to the same answers."""
    entries = roster.entries
    base = _may_take_any(roster)
    by_specialty: dict[str, set[int]] = {}
    by_affiliation_id: dict[str, set[int]] = {}
    by_affiliation_name: dict[str, list[tuple[int, str]]] = {}
    by_user: dict[int, int] = {}
    for i in base:
        entry = entries[i]
        by_user[entry.user_id] = i
        for key in entry.specialty_keys:
            by_specialty.setdefault(key, set()).add(i)
        for ident, key, _label in entry.affiliations:
            if ident:
                by_affiliation_id.setdefault(ident, set()).add(i)
            by_affiliation_name.setdefault(key, []).append((i, ident))
    by_category: dict[str, set[int]] = {}
    for category, keys in roster.category_specialties.items():
        members: set[int] = set()
        for key in keys:
            members |= by_specialty.get(key, set())
        by_category[category] = members

    result = []
    for facts in facts_list:
        if facts.categories:
            pool = set(base)
            for category in facts.categories:
                pool &= by_category.get(category, set())
        else:
            pool = set()
        for ident in facts.parties_by_identifier:
            pool -= by_affiliation_id.get(ident, set())
        for key, parties in facts.parties_by_name.items():
            for i, affiliation_ident in by_affiliation_name.get(key, ()):
                if any(not (affiliation_ident and party_ident) for party_ident, _ in parties):
                    pool.discard(i)
        for user_id in facts.previous_reviewer_ids | set(facts.declared_conflicts):
            pool.discard(by_user.get(user_id, -1))
        candidates = []
        for i in pool:
            entry = entries[i]
            score, exact, days = pair_score(entry, facts, roster.today)
            key = rank_key(exact, entry.open_cases, entry.max_open_cases, days, entry.external_id)
            candidates.append((key, i, score))
        candidates.sort()
        result.append([(i, score) for _key, i, score in candidates])
    return result


# A case nobody can take names this many of the reviewers whose specialty fits it, each with
# every reason the Assign page gives; the page lists them all.
UNASSIGNED_NAMED = 3


def _as_sentence(text: str) -> str:
    """A reason that ends in someone's words ("Declared a conflict for this case: …") reads as
    a sentence among others."""
    return text if text.endswith((".", "!", "?", "”")) else f"{text}."


class _WhyNobody:
    """Why nobody can take a case, in the Assign page's words (candidate_evaluate's reasons).

    Only the cases left without a reviewer ask, and each evaluates at most UNASSIGNED_NAMED
    reviewers: the plan's cost stays that of its set operations, with no query. Named first
    are the reviewers whom only this case excludes (they declined it or were taken off it,
    declared a conflict, reviewed an earlier round, or are affiliated with a party), then the
    others whose specialty fits (licence, practice, leave, capacity), by name."""

    def __init__(self, roster: Roster):
        self.roster = roster
        self._index: tuple[set[int], dict[str, set[int]]] | None = None

    def _load(self) -> tuple[set[int], dict[str, set[int]]]:
        # Built on the first case that asks: a plan where every case gets a reviewer skips it.
        if self._index is None:
            by_specialty: dict[str, set[int]] = {}
            for i, entry in enumerate(self.roster.entries):
                for key in entry.specialty_keys:
                    by_specialty.setdefault(key, set()).add(i)
            by_category = {
                category: set().union(*(by_specialty.get(key, ()) for key in keys))
                for category, keys in self.roster.category_specialties.items()
            }
            self._index = (_may_take_any(self.roster), by_category)
        return self._index

    def reason(self, facts: CaseFacts, pairs: list[tuple[int, int]]) -> str:
        if pairs:
            return "Every eligible reviewer's capacity went to other cases."
        lead = "No eligible reviewer."
        if not facts.categories:
            return f"{lead} The case has no disputed item."
        entries = self.roster.entries
        if not entries:
            return f"{lead} No reviewer is on the roster."
        may_take_any, by_category = self._load()
        fitting = [by_category.get(category, set()) for category in facts.categories]
        unheld = [c for c, members in zip(facts.categories, fitting, strict=True) if not members]
        if unheld:
            said = " ".join(no_specialty_reason(category) for category in unheld)
            return f"{lead} Every reviewer ({len(entries):,}): {said}"
        certified = set.intersection(*fitting)
        if not certified:
            return (
                f"{lead} No one reviewer has a specialty accepted for every disputed item "
                "(each category has its own reviewers)."
            )
        this_case = facts.previous_reviewer_ids | facts.declared_conflicts.keys()

        def order(i: int) -> tuple:
            entry = entries[i]
            # In may_take_any and certified, yet not eligible: this case's rules exclude them.
            by_this_case = i in may_take_any or entry.user_id in this_case
            return (not by_this_case, entry.name, entry.external_id)

        named = [
            candidate_evaluate(entries[i], facts, self.roster)
            for i in heapq.nsmallest(UNASSIGNED_NAMED, certified, key=order)
        ]
        said = [f"{c.entry.name}: {' '.join(map(_as_sentence, c.reasons))}" for c in named]
        more = len(certified) - len(named)
        if more:
            said.append(
                f"And {more} more whose specialty fits, each with every reason on the Assign page."
            )
        return " ".join([lead, *said])


def assignment_plan(roster: Roster, facts_list: list[CaseFacts]) -> Plan:
    """The optimal batch: maximum total score within every reviewer's remaining capacity,
    expedited cases first, deterministic ties (OR-Tools min-cost flow)."""
    pairs = eligible_pairs(roster, facts_list)
    n_cases, n_reviewers = len(facts_list), len(roster.entries)
    source, sink = 0, 1 + n_cases + n_reviewers
    flow = min_cost_flow.SimpleMinCostFlow()
    for c, facts in enumerate(facts_list):
        case_node = 1 + c
        flow.add_arc_with_capacity_and_unit_cost(source, case_node, 1, 0)
        # Leaving a case unassigned costs nothing; assigning it earns its value.
        flow.add_arc_with_capacity_and_unit_cost(case_node, sink, 1, 0)
        bonus = EXPEDITED_BONUS if facts.expedited else 0
        for rank, (i, score) in enumerate(pairs[c]):
            cost = -((score + bonus + 1) * TIE_SCALE) + rank
            flow.add_arc_with_capacity_and_unit_cost(case_node, 1 + n_cases + i, 1, cost)
    used = {i for case_pairs in pairs for i, _ in case_pairs}
    for i in sorted(used):
        capacity = roster.entries[i].remaining_capacity
        flow.add_arc_with_capacity_and_unit_cost(1 + n_cases + i, sink, capacity, 0)
    flow.set_node_supply(source, n_cases)
    flow.set_node_supply(sink, -n_cases)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The assignment solver failed (status {status}).")
    chosen: dict[int, int] = {}
    for arc in range(flow.num_arcs()):
        tail, head = flow.tail(arc), flow.head(arc)
        if flow.flow(arc) and 1 <= tail <= n_cases and head not in (sink,):
            chosen[tail - 1] = head - 1 - n_cases
    return _plan_from(roster, facts_list, pairs, chosen)


def greedy_plan(roster: Roster, facts_list: list[CaseFacts]) -> Plan:
    """Baseline for the benchmark: take the highest-scoring pair first while capacity lasts."""
    pairs = eligible_pairs(roster, facts_list)
    remaining = [entry.remaining_capacity for entry in roster.entries]
    ordered = sorted(
        (
            (-(score + (EXPEDITED_BONUS if facts_list[c].expedited else 0)), c, rank, i)
            for c, case_pairs in enumerate(pairs)
            for rank, (i, score) in enumerate(case_pairs)
        )
    )
    chosen: dict[int, int] = {}
    for _value, c, _rank, i in ordered:
        if c in chosen or remaining[i] <= 0:
            continue
        chosen[c] = i
        remaining[i] -= 1
    return _plan_from(roster, facts_list, pairs, chosen)


def _plan_parts(entry: RosterEntry, facts: CaseFacts, today: dt.date) -> list[ScorePart]:
    """A planned pair's score parts. Every pair is scored on the loads the roster had before
    the plan (the capacity a plan may use is its limit): the load says so, as a reviewer given
    three cases by one plan reads "0 of 5 open cases" beside each."""
    return [
        replace(part, why=f"{part.why} before this plan") if part.label == "Load" else part
        for part in score_parts(entry, facts, today)
    ]


def _plan_from(roster, facts_list, pairs, chosen: dict[int, int]) -> Plan:
    assignments, unassigned = [], []
    why_nobody = _WhyNobody(roster)
    for c, facts in enumerate(facts_list):
        if c in chosen:
            i = chosen[c]
            score = next(score for j, score in pairs[c] if j == i)
            assignments.append(
                PlannedAssignment(
                    case_id=facts.case_id,
                    case_number=facts.case_number,
                    expedited=facts.expedited,
                    entry=roster.entries[i],
                    score=score,
                    parts=_plan_parts(roster.entries[i], facts, roster.today),
                )
            )
        else:
            unassigned.append((facts.case_number, why_nobody.reason(facts, pairs[c])))
    return Plan(assignments=assignments, unassigned=unassigned)
