"""Reads that carry rules: who may see which case, what is due, what the eligibility rules say.
Views call these; they never build access rules themselves."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import cached_property

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from cases.access import Ability, cases_visible_to, may
from cases.casefile.models import SavedView
from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import (
    CLOSED_STATUSES,
    Case,
    CaseStatus,
    due_or_earliest,
    expedited_first,
    workflow_step,
)
from cases.lifecycle.services import case_number_lookup
from cases.registry import reviewer_side
from cases.textsearch import (
    fold,
    folded_contains,
    number_key,
    number_key_contains,
    number_key_equals,
)

DUE_FILTERS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due within 7 days",
    "none": "No clock running",
}


# The one column of SORTS that may be empty: a case with no clock running sorts last either way.
_DUE = F("due_on")

# The columns the case list sorts by (`?sort=name`, `?sort=-name` for descending): the only
# values taken, so a request cannot order by an arbitrary column. Each ends with the case number
# so pages do not overlap. Descending turns every term around, so that one index
# (cases.lifecycle.models: case_by_received, case_by_step, the case number's own) serves both
# directions; the due date keeps no clock last both ways (case_by_due, case_by_due_latest).
SORTS = {
    "case": (F("case_number"),),
    "received": (F("application_received"), F("case_number")),
    "due": (_DUE, F("case_number")),
    "status": (workflow_step(), F("case_number")),
}


def share_audience(user) -> int:
    """How many others a view the user shares is shown to now: the other active users of their
    role (SavedViewsShown reads it from their side)."""
    return User.objects.filter(role=user.role, is_active=True).exclude(pk=user.pk).count()


class SavedViewsShown:
    """The saved views the case list offers a user: their own, and those the other active users
    of their role shared with it, while they hold it (models.SavedView), read in one query when
    first shown (the whole page shows them; the fragment htmx asks for does not). Only to those
    who may share (cases.access, SHARE_VIEWS)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _all(self) -> list[SavedView]:
        user = self.user
        shown = Q(owner=user)
        if may(user, Ability.SHARE_VIEWS):
            shown |= Q(shared_role=user.role, owner__role=user.role, owner__is_active=True)
        return list(SavedView.objects.filter(shown).select_related("owner").order_by("name", "pk"))

    @property
    def own(self) -> list[SavedView]:
        return [view for view in self._all if view.owner_id == self.user.pk]

    @property
    def shared(self) -> list[SavedView]:
        return [view for view in self._all if view.owner_id != self.user.pk]


def sort_valid(sort: str) -> str:
    """The sort as asked if it is one of SORTS (with "-": descending), else "" (due first)."""
    return sort if sort.removeprefix("-") in SORTS else ""


def search_words(q: str) -> list[str]:
    """The words of a name search, folded (cases.textsearch): "Delgado, Maria" and "maria
    delgado" give the same words, and "García" the same as "Garcia"."""
    return [word for word in re.split(r"[\s,]+", fold(q)) if word]


# A trigram index finds a substring of at least three characters; a shorter one is looked for
# row by row.
TRIGRAM = 3


def case_list_for(
    user,
    *,
    status: str = "",
    priority: str = "",
    due: str = "",
    q: str = "",
    sort: str = "",
    received_from: str = "",
    received_to: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list: filtered, searched, what is due first (no clock last) unless sorted by one
    of SORTS. `status` is a status, "open", "closed", or "" / "all" for every case;
    `received_from` and `received_to` (ISO dates, each optional) bound the day the application
    was received."""
    today = today or timezone.localdate()
    cases = cases_visible_to(user)
    q = q.strip()
    if number := case_number_lookup(q):
        # A whole case number ("cm26-0000101" too) is a lookup of that case, whatever the
        # status, priority and due filters say: from QA, an administrator taking a call typed an
        # issued case's number and read "No cases match", the list showing open cases by
        # default. Found through its unique index, not a scan of every case's columns (306 ms
        # at 200,000 cases, issue 12).
        return cases.filter(case_number=number).order_by(*_ordering(sort_valid(sort)))
    if status == "open":
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    elif status == "closed":
        cases = cases.filter(status__in=CLOSED_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    if priority in ("standard", "expedited"):
        cases = cases.filter(priority=priority)
    if due == "overdue":
        cases = cases.filter(due_on__lt=today)
    elif due == "today":
        cases = cases.filter(due_on=today)
    elif due == "week":
        cases = cases.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7))
    elif due == "none":
        cases = cases.filter(due_on__isnull=True)
    if received_from:
        cases = cases.filter(application_received__gte=dt.date.fromisoformat(received_from))
    if received_to:
        cases = cases.filter(application_received__lte=dt.date.fromisoformat(received_to))
    by_match = False
    if q:
        # Substring searches use trigram indexes on PostgreSQL: the case number's
        # UPPER(column) gin_trgm_ops (what icontains compares, migration 0027), the claim
        # number's key (0051), the names' folded (0039). A name search narrows with each word,
        # in any order ("Delgado, Maria", "maria delgado"), without accents or apostrophes
        # ("Garcia" finds "García"): every word must be in the worker's first or last name.
        words = search_words(q)
        name = Q()
        for word in words:
            name &= Q(folded_contains("worker_last_name", word)) | Q(
                folded_contains("worker_first_name", word)
            )
        # A claim number is found however its marks are typed ("PCS24118204" finds
        # "PCS-2411-8204"), through the trigram indexes of its key (migration 0051); an
        # application ID (unique, printed on the paper application) whole, in any case and with
        # or without its dashes (from QA: it found nothing), through the index of its key
        # (case_by_application_key). A search of marks alone ("/") is a key of nothing, which
        # every claim number holds: it looks for no number.
        numbers = Q(pk__in=[])
        if number_key(q):
            numbers = Q(number_key_contains("claim_number", q)) | Q(
                number_key_equals("application_id", q)
            )
        cases = cases.filter(Q(case_number__icontains=q) | numbers | name)
        by_match = min(len(word) for word in [q, *words]) >= TRIGRAM
    sort = sort_valid(sort)
    if status in CaseStatus.values and sort.removeprefix("-") == "status":
        # One status: every row's step is the same, so the order is the case number's, read
        # from its index (not a sort of every issued case: 306 ms at 200,000 cases).
        sort = sort.replace("status", "case")
    # No row reads its items: the list shows the stored running deadline (Case.list_clock).
    return cases.order_by(*_ordering(sort, by_match=by_match))


def closed_cases_match(user, filters: dict) -> bool:
    """Whether a search of the open cases (the list's default) would find a closed case with
    the same filters. From QA: an application ID read out on the phone found nothing while its
    case was issued, the list showing open cases by default. One EXISTS, through the indexes
    the search uses; the list asks it only when its open cases came back empty."""
    if not filters["q"] or filters["status"] != "open":
        return False
    return case_list_for(user, **{**filters, "status": "closed"}).exists()


def cases_selected_for(user, numbers: list[str], *, sort: str = "") -> QuerySet[Case]:
    """The selected cases the user may act on (cases.access), in the list's order (`sort`, as
    the list was sorted when they were selected: from QA, a file of them came in case-number
    order); the others are left out as if they did not exist."""
    return (
        cases_visible_to(user)
        .filter(case_number__in=[number.upper() for number in numbers])
        .order_by(*_ordering(sort_valid(sort)))
    )


def _ordering(sort: str, *, by_match: bool = False) -> tuple:
    """The list's order: `sort` (one of SORTS), else what is due first. `by_match`: the same
    order, written so that PostgreSQL reads a search's few matches through the trigram index
    and sorts them. Walking the open cases in order (case_open_due_first, which holds the
    searched columns) and testing each one took 2.3 ms for "White" at 200,000 cases, where
    the trigram index took 0.3 ms; a search with a word under three characters, which no
    trigram index serves, still walks them in order (14 ms sorting every open case for "A")."""
    if not sort:
        if by_match:
            # The date no case is due on sorts last, as NULLS LAST does.
            due = Coalesce(F("due_on"), Value(dt.date.max))
            return (due.asc(), expedited_first(), "case_number")
        # The order of index case_open_due_first (cases.lifecycle.models): change both together.
        return (F("due_on").asc(nulls_last=True), expedited_first(), "case_number")
    descending = sort.startswith("-")
    return tuple(_directed(term, descending) for term in SORTS[sort.removeprefix("-")])


def _directed(term, descending: bool):
    """`term` in the sort's direction; every term turned around when descending, so that a
    backward index scan serves it (DESC is NULLS FIRST on PostgreSQL, so no NULLS LAST on
    columns that are never empty). The due date keeps no clock last: NULLS LAST is
    PostgreSQL's own ascending order, and descending counts no clock as the earliest day."""
    if term == _DUE:
        return due_or_earliest().desc() if descending else term.asc(nulls_last=True)
    return term.desc() if descending else term.asc()


def case_clock_with_letter(case: Case):
    """The case's clock with its issued letter's dates (the appeal and, for overturned items,
    the authorization and reimbursement duties), and the letter's service or None. Only an
    issued case asks the reviewer side, so open cases keep their query counts."""
    service = reviewer_side().letter_service(case) if case.status == CaseStatus.ISSUED else None
    if service is None:
        return case.clock, None
    if service.served_on is None:
        # Lab. Code 4610.6(h); 8 CCR 9792.10.7(a): no service, no date counted from it; the
        # explanation takes the dates' place. The duties (only where an item was overturned)
        # run from the claims administrator's own copy, which may be served already.
        duties = service.duties_served
        clock = (
            case_clock(case, duties=duties, duties_printed=service.duties_printed)
            if duties
            else case.clock
        )
        keys = ("appeal_deadline",) + (
            ("authorization_due_on", "reimbursement_due_on")
            if service.overturned and not duties
            else ()
        )
        explain = {**clock.explain, **dict.fromkeys(keys, service.not_served)}
        return replace(clock, explain=explain, letter_not_served=service.not_served), service
    return (
        case_clock(
            case,
            letter=(service.served_on, service.sent_by),
            duties=service.duties_served,
            duties_printed=service.duties_printed,
        ),
        service,
    )
