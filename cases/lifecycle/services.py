"""Writes to the case file. Each function is one business step in one transaction, checks that
the step is allowed, and records what it did as a case event."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from cases.clock.calendars import calendars_forget
from cases.lifecycle import events
from cases.lifecycle.clock import CLOCK_COLUMNS, ITEM_CLOCK_COLUMNS
from cases.lifecycle.delivery import (
    SERVED_PARTY_ROLES,
    WORKER_ROLE,
    address_problem,
    delivery_method_for,
    service_problem,
)
from cases.lifecycle.expedite import expedited_due_dates
from cases.lifecycle.models import (
    ADDRESS_MAX,
    Case,
    CaseNumberCounter,
    CaseStatus,
    DeliveryMethod,
    DisputedItem,
    Party,
    Priority,
)
from cases.lifecycle.status_table import Action, allowed_actions, can_transition, refusal_message
from cases.lifecycle.statuses import CLOSED_STATUSES, OPEN_STATUSES
from cases.registry import reviewer_side
from cases.textsearch import number_key

CASE_NUMBER_FORMAT = re.compile(r"CM(?P<year>\d{2})-(?P<serial>\d{7})")


def case_number_next(*, year: int) -> str:
    """CM + two-digit year + '-' + seven digits; numbers only go up, so none is ever reused.
    Must run inside the caller's transaction (the counter row is locked)."""
    yy = year % 100
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    while True:
        counter.last_number += 1
        _serial_check(counter.last_number, yy)
        number = f"CM{yy:02d}-{counter.last_number:07d}"
        if not Case.objects.filter(case_number=number).exists():
            break
    counter.save(update_fields=["last_number"])
    return number


def case_numbers_next(*, year: int, count: int) -> list[str]:
    """`count` numbers for one year at once, as case_number_next gives them one by one, with
    one update of the counter row. An import of thousands of cases that took its numbers one by
    one updated the same row once per case inside one transaction; on PostgreSQL every update
    leaves a row version the next one walks, so each case got slower (2.5 ms at the start,
    14 ms at 10,000; issue 12). Must run inside the caller's transaction (the row is locked)."""
    yy = year % 100
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    numbers: list[str] = []
    last = counter.last_number
    while len(numbers) < count:
        wanted = count - len(numbers)
        _serial_check(last + wanted, yy)
        candidates = [f"CM{yy:02d}-{serial:07d}" for serial in range(last + 1, last + wanted + 1)]
        last += wanted
        used = set(
            Case.objects.filter(case_number__in=candidates).values_list("case_number", flat=True)
        )
        numbers.extend(number for number in candidates if number not in used)
    if count:
        counter.last_number = last
        counter.save(update_fields=["last_number"])
    return numbers


LAST_SERIAL = 9_999_999  # seven digits (CASE_NUMBER_FORMAT)


def _serial_check(serial: int, yy: int) -> None:
    """A case number has seven digits: past the last, no number is made (an eighth digit would
    make a number no door accepts) and the application is refused in words."""
    if serial > LAST_SERIAL:
        raise ValidationError(
            {
                "case_number": (
                    f"No case number is left for 20{yy:02d}: the numbers of that year run to "
                    f"CM{yy:02d}-{LAST_SERIAL}. Ask a system administrator."
                )
            }
        )


def case_number_lookup(q: str) -> str:
    """The case number a search is a lookup of (a whole case number, in any case, with or
    without its dash: "cm26 0000101", "CM260000101"), or "". The case list's search and the
    audit log's both read it so."""
    key = number_key(q)
    number = f"{key[:4]}-{key[4:]}"
    return number if CASE_NUMBER_FORMAT.fullmatch(number) else ""


def case_numbers_reserve(numbers) -> None:
    """Move each year's counter past the highest of these brought numbers, once per year (an
    import's cases that bring their numbers; see _case_number_reserve)."""
    highest: dict[int, tuple[int, str]] = {}
    for number in numbers:
        match = CASE_NUMBER_FORMAT.fullmatch(number)
        if match is None:
            continue  # case_create reports it with its JSON path
        yy, serial = int(match["year"]), int(match["serial"])
        if serial > highest.get(yy, (0, ""))[0]:
            highest[yy] = (serial, number)
    for _serial, number in highest.values():
        _case_number_reserve(number)


def _case_number_reserve(number: str) -> None:
    """An imported case brings its number; move the counter past it so we never hand it out."""
    match = CASE_NUMBER_FORMAT.fullmatch(number)
    if match is None:
        raise ValidationError(
            {"case_number": f"Case number {number} is not of the form CM16-0213037."}
        )
    yy, serial = int(match["year"]), int(match["serial"])
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    if serial > counter.last_number:
        counter.last_number = serial
        counter.save(update_fields=["last_number"])


# What case_due_on_refresh sets: a save after it names these in its update_fields.
DUE_ON_FIELDS = ("due_on", "due_on_explain", "due_on_calendar")


def case_due_on_refresh(case: Case) -> None:
    """Store the running deadline (Case.due_on, for lists to sort on) with its computation in
    words and the calendar version it used; they keep that version until recomputed here."""
    case.__dict__.pop("clock", None)
    # A review converted to expedited runs from its conversion (8 CCR 9792.10.4(c)).
    deadline = case.clock.running_deadline
    case.due_on = deadline.on if deadline else None
    case.due_on_explain = deadline.text if deadline else ""
    case.due_on_calendar = (deadline.calendar or "") if deadline else ""


# How many open cases one transaction of cases_due_on_recount reads, locks and writes.
RECOUNT_BATCH = 500


def cases_due_on_recount(*, batch_size: int = RECOUNT_BATCH) -> int:
    """Compute again the stored running deadline (DUE_ON_FIELDS) of every open case, on the
    current calendar versions, and write those that differ; returns how many changed. Run after
    a holiday edit: the case list, its due-date filters and the CSV read the stored date, so a
    removed holiday (an earlier deadline) could otherwise hide an overdue case. A second run
    finds nothing to change. Batches of `batch_size` cases, each locked while it is counted, so
    a service acting on one of them waits rather than being overwritten."""
    # This process may hold the versions that were current before the edit.
    calendars_forget()
    items = Prefetch("items", DisputedItem.objects.only(*ITEM_CLOCK_COLUMNS).order_by("position"))
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).order_by("pk")
    changed = 0
    after = 0
    while True:
        with transaction.atomic():
            batch = list(
                open_cases.filter(pk__gt=after)
                .select_for_update()
                .only(*CLOCK_COLUMNS, "due_on_explain", "due_on_calendar")
                .prefetch_related(items)[:batch_size]
            )
            if not batch:
                return changed
            after = batch[-1].pk
            stale = []
            for case in batch:
                stored = tuple(getattr(case, name) for name in DUE_ON_FIELDS)
                case_due_on_refresh(case)
                if tuple(getattr(case, name) for name in DUE_ON_FIELDS) != stored:
                    stale.append(case)
            # updated_at stays: the facts did not change, only the calendar they are counted on.
            Case.objects.bulk_update(stale, DUE_ON_FIELDS)
            changed += len(stale)


def case_lock(case: Case) -> Case:
    """Re-read the case under a row lock so two people acting at once cannot both succeed."""
    return Case.objects.select_for_update().get(pk=case.pk)


def case_transition_check(*, case: Case, to_status: str) -> None:
    if not can_transition(case.status, to_status):
        raise ValidationError(refusal_message(case.status, to_status), code="illegal_transition")


def case_status_set(*, case: Case, to_status: str, actor=None) -> str:
    """Move a locked case to `to_status` if the lifecycle allows it; returns the old status.
    For services (here and in reviews) that write their own event in the same transaction.
    A case that closes tells the reviewer side (registry.case_closed), by `actor`."""
    case_transition_check(case=case, to_status=to_status)
    from_status = case.status
    case.status = to_status
    case_due_on_refresh(case)
    case.save(update_fields=["status", *DUE_ON_FIELDS, "updated_at"])
    if to_status in CLOSED_STATUSES:
        reviewer_side().case_closed(case=case, actor=actor)
    return from_status


TERMINATION_REASONS = {
    # 8 CCR 9792.10.6(a): the claims administrator may end the review by authorizing.
    "authorized": "The claims administrator authorized the treatment (8 CCR 9792.10.6(a))",
    "withdrawn": "The application was withdrawn",
}
# 8 CCR 9792.10.3(b): what a request for missing information may ask the parties for.
MISSING_INFORMATION = {
    "signed_application": "The signed application (DWC Form IMR)",
    "ur_decision": "A copy of the UR decision",
    "physician_certification": "The treating physician's certification for an expedited review",
    "other": "Other information (see the note)",
}

# Closures that other steps make, with their own services: not offered by the terminate form.
TERMINATION_REASONS_BY_STEP = {
    "liability_denied": "Liability was found against the worker (8 CCR 9792.10.3(d))",
    "consolidated": "Consolidated into another case (8 CCR 9792.10.4(a))",
}


@transaction.atomic
def case_terminate(*, case: Case, actor, reason: str, note: str = "") -> Case:
    case = case_lock(case)
    if reason not in TERMINATION_REASONS:
        raise ValidationError("Choose why the review ends: treatment authorized, or withdrawn.")
    from_status = case_status_set(case=case, to_status=CaseStatus.TERMINATED, actor=actor)
    events.case_terminated(
        case=case, actor=actor, reason=reason, note=note.strip(), from_status=from_status
    )
    return case


@transaction.atomic
def case_expedite(*, case: Case, actor, certified_on: dt.date, note: str = "") -> Case:
    """8 CCR 9792.10.4(c): the treating physician's written certification, with supporting
    documentation, of an imminent and serious threat to the worker's health converts a regular
    review to expedited. The clocks run again, expedited, from the day it was received."""
    case = case_lock(case)
    if Action.CONVERT_TO_EXPEDITED not in allowed_actions(case):
        if case.priority == Priority.EXPEDITED:
            raise ValidationError("The review is already expedited.")
        raise ValidationError(
            f"A case that is {CaseStatus(case.status).label.lower()} cannot be converted to "
            "expedited: the determination is already submitted or the case is closed."
        )
    if certified_on > timezone.localdate():
        raise ValidationError("The certification cannot be received in the future.")
    if certified_on < case.application_received:
        raise ValidationError(
            "The certification converts a review when it comes after the application "
            f"(received {case.application_received:%m/%d/%Y}; 8 CCR 9792.10.4(c)); an expedited "
            "application is taken in as expedited."
        )
    case.priority = Priority.EXPEDITED
    case.expedited_on = certified_on
    case_due_on_refresh(case)
    case.save(update_fields=["priority", "expedited_on", *DUE_ON_FIELDS, "updated_at"])
    records_due, determination_due = expedited_due_dates(case)
    events.case_expedited(
        case=case,
        actor=actor,
        certified_on=certified_on,
        records_due_on=records_due if case.records_complete_on is None else None,
        determination_due_on=determination_due,
        note=note.strip(),
    )
    return case


@transaction.atomic
def case_remand(*, case: Case, actor, note: str = "") -> Case:
    """A new review ordered on appeal (Lab. Code 4610.6(i)): a new round, a different reviewer,
    a new letter. The statute sends it to a different organization first and to a different
    reviewer of the same one only when none is available; a remand recorded here is one the
    Administrative Director sent back to this organization."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.REMANDED)
    case.round += 1
    # The new round's determination clock runs from the day the remand is received.
    case.records_complete_on = timezone.localdate()
    case.save(update_fields=["round", "records_complete_on"])
    from_status = case_status_set(case=case, to_status=CaseStatus.REMANDED)
    events.case_remanded(case=case, actor=actor, note=note.strip(), from_status=from_status)
    return case


def case_status_move(case: Case, *, to_status: str) -> tuple[Case, str]:
    """Lock the case (case_lock's row lock) and move it to `to_status`; returns the
    locked case and its old status, for the caller's event."""
    case = case_lock(case)
    return case, case_status_set(case=case, to_status=to_status)


# --- How a party is served --------------------------------------------------------------------

# The worker's service details live on the case; a party's on its row.
_WORKER_SERVICE_FIELDS = {
    "email": "worker_email",
    "address": "worker_address",
    "delivery_method": "worker_delivery_method",
    "e_service_consent": "worker_e_service_consent",
}
SERVICE_FIELD_LABELS = {
    "email": "E-mail",
    "address": "Postal address",
    "delivery_method": "Delivery method",
    "e_service_consent": "Consent to electronic service",
}


def party_service_set(
    *,
    case: Case,
    role: str,
    actor,
    email: str,
    address: str,
    delivery_method: str,
    e_service_consent: bool,
) -> list[dict]:
    """Change how a served party (or the worker) receives the case's papers. One event with each
    old and new value; then the letters room serves again whatever waited for this party (a
    letter held for an address). Returns the changes (empty when nothing changed)."""
    if delivery_method not in ("", *DeliveryMethod.values):
        raise ValidationError({"delivery_method": "Choose e-mail or postal mail."})
    if len(address.strip()) > ADDRESS_MAX:
        raise ValidationError(
            {
                "address": f"The address is {len(address.strip()):,} characters long; the limit "
                f"is {ADDRESS_MAX}."
            }
        )
    if delivery_method == DeliveryMethod.EMAIL and not (email.strip() and e_service_consent):
        raise ValidationError(
            {
                "delivery_method": "E-mail service needs an e-mail address and the party's "
                "consent to electronic service (CCP 1010.6(a)(2))."
            }
        )
    new = {
        "email": email.strip(),
        "address": address.strip(),
        "delivery_method": delivery_method,
        "e_service_consent": bool(e_service_consent),
    }
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if role == WORKER_ROLE:
            target, fields, name = case, _WORKER_SERVICE_FIELDS, case.worker_name
        elif role in SERVED_PARTY_ROLES:
            target = Party.objects.filter(case=case, role=role).first()
            if target is None:
                raise ValidationError("The case has no such party.")
            fields, name = {key: key for key in new}, target.name
        else:
            raise ValidationError("That party is not served with the case's papers.")
        changes = []
        for key, value in new.items():
            old = getattr(target, fields[key])
            if old != value:
                changes.append(
                    {"field": SERVICE_FIELD_LABELS[key], "key": key, "old": old, "new": value}
                )
                setattr(target, fields[key], value)
        if not changes:
            return []
        # An address typed now is checked; one kept as intake had it is not in the way of a
        # change of e-mail or method.
        changed = {change["key"] for change in changes}
        if "address" in changed and (problem := address_problem(new["address"])):
            raise ValidationError({"address": problem})
        target.full_clean()
        target.save(update_fields=[fields[key] for key in new])
        method = delivery_method_for(
            chosen=new["delivery_method"], email=new["email"], consent=new["e_service_consent"]
        )
        events.party_service_changed(
            case=case,
            actor=actor,
            role=role,
            name=name,
            changes=changes,
            method=method,
            problem=service_problem(
                method=method,
                email=new["email"],
                address=new["address"],
                consent=new["e_service_consent"],
            ),
        )
        # What waited for this party (held for an address, or by a method now changed).
        reviewer_side().party_service_changed(case, role, actor)
    return changes
