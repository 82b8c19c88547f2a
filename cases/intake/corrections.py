"""Correcting a case's facts before the letter is issued (issue 10): parties, dates (with the day
records were complete), items (edited, added, removed), diagnoses, and the other people's names
the case file knows (family members, witnesses: the identifier check looks for them). A
corrected fact obeys the same rules as intake: the case is put back into the intake shape of
SPEC section 7 with the change applied and checked by intake's one checker (`intake_validate`),
so an edit is refused with intake's own message (other names are not an intake key: checked by
`other_names_clean`). Each edit writes one event with the old and new value of every field it
changed, and says which deadline moved. The priority is not a plain fact: a standard review
becomes expedited only through the conversion on the physician's certification (8 CCR
9792.10.4(c), `case_expedite`), and an expedited review is made standard only to correct intake
before the notice of assignment went out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.eligibility.services import RECORDS_COMPLETE_DAY, records_complete_date_check
from cases.intake.validation import intake_validate
from cases.intake.validation.keys import PARTY_KEYS
from cases.intake.validation.records import record_digest
from cases.lifecycle import events
from cases.lifecycle.delivery import WORKER_ROLE, address_problem
from cases.lifecycle.history import fact_label
from cases.lifecycle.models import Case, DisputedItem, ItemCategory, Party, PartyRole, Priority
from cases.lifecycle.services import case_due_on_refresh, case_lock
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.selectors import records_in_file
from cases.registry import reviewer_side

# Intake key -> Case field, for the facts of the application itself.
CASE_FIELDS = {
    "priority": "priority",
    "application_received": "application_received",
    "date_assigned": "date_assigned",
    "notice_sent_by": "notice_sent_by",
    "ur_decision_date": "ur_decision_date",
    "ur_decision_served_on": "ur_decision_served_on",
    "ur_decision_served_by": "ur_decision_served_by",
    "date_of_injury": "date_of_injury",
    "claim_number": "claim_number",
    "adj_number": "adj_number",
    "filed_by": "filed_by",
    "application_signed": "application_signed",
    "ur_decision_basis": "ur_decision_basis",
    "liability_disputed": "liability_disputed",
    "designated_on": "designated_on",
}
WORKER_FIELDS = {
    "first_name": "worker_first_name",
    "last_name": "worker_last_name",
    "date_of_birth": "worker_date_of_birth",
    "age": "worker_age",
    "sex": "worker_sex",
    "email": "worker_email",
    "address": "worker_address",
}
PARTY_FIELDS = ("name", "identifier", "specialty", "email", "address")
ITEM_FIELDS = (
    "description",
    "category",
    "original_request",
    "authorized_portion",
    "authorization_kind",
    "formulary_dispute",
    "drug_class",
)
# The deadlines the case's clock computes from these facts, as the case page names them.
DEADLINE_LABELS = {
    "application_deadline": "Application deadline",
    "notice_due_on": "Notice of assignment due",
    "records_due_on": "Records due",
    "determination_due_on": "Determination due",
}


_UNCHANGED = object()

# Other names in the case file (Case.other_names): how many, and how long each may be (as a
# party's name).
OTHER_NAMES_MAX = 30
OTHER_NAME_MAX_CHARS = 200
# A name given as one word is looked for only from this many letters (a shorter one would flag
# every "Li" or "Bo" in a rationale): reviews.determination.identifiers.MIN_NAME_PART.
OTHER_NAME_MIN_LETTERS = 3


def other_names_clean(lines: list[str]) -> list[str]:
    """The other people's names as typed, one a line: blank lines dropped, a name given twice
    kept once. ValidationError names each line that is not a name."""
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ValidationError("Other names: give one name a line.")
    names: list[str] = []
    seen: set[str] = set()
    problems = []
    for number, line in enumerate(lines, start=1):
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) > OTHER_NAME_MAX_CHARS:
            problems.append(
                f"Other names, line {number}: at most {OTHER_NAME_MAX_CHARS} characters "
                "(one name a line)."
            )
        elif not any(char.isalpha() for char in name):
            problems.append(f"Other names, line {number}: “{name}” is not a name.")
        elif name.startswith(","):
            problems.append(
                f"Other names, line {number}: “{name}” has no family name; write it as "
                "“First Last” or “Last, First”."
            )
        elif len(name.split()) == 1 and sum(c.isalpha() for c in name) < OTHER_NAME_MIN_LETTERS:
            problems.append(
                f"Other names, line {number}: “{name}” is too short to look for alone; give "
                "the full name."
            )
        elif name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    if len(names) > OTHER_NAMES_MAX:
        problems.append(f"Other names: at most {OTHER_NAMES_MAX} names.")
    if problems:
        raise ValidationError(problems)
    return names


@dataclass(frozen=True)
class FactsEdited:
    changes: list[dict]  # {"field": intake path, "old": ..., "new": ...}
    moved: list[dict]  # {"deadline": label, "from": iso date, "to": iso date}

    @property
    def message(self) -> str:
        if not self.changes:
            return "Nothing changed."
        fields = ", ".join(fact_label(change["field"]) for change in self.changes)
        text = f"Corrected {fields}."
        for move in self.moved:
            text += f" {move['deadline']} moved from {_date(move['from'])} to {_date(move['to'])}."
        return text


def _date(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%m/%d/%Y") if value else "none"


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def case_intake_shape(case: Case) -> dict[str, Any]:
    """The case as intake JSON (SPEC section 7), without its records: what an edit is checked
    as. Empty values are left out, as a sender would."""
    data: dict[str, Any] = {"application_id": case.application_id}
    for key, field in CASE_FIELDS.items():
        data[key] = _json(getattr(case, field))
    data["injured_worker"] = {key: _json(getattr(case, f)) for key, f in WORKER_FIELDS.items()}
    for party in case.parties.all():
        data[party.role] = {
            key: getattr(party, key) for key in PARTY_FIELDS if key in PARTY_KEYS[party.role]
        }
    data["diagnoses"] = list(case.diagnoses or [])
    data["items"] = [
        {
            **{key: getattr(item, key) for key in ITEM_FIELDS},
            "ur_citation": {"kind": item.ur_citation_kind, "text": item.ur_citation_text},
        }
        for item in case.items.all()
    ]
    return _without_empty(data)


# An application sent again under an application_id already on file is compared with the case
# on file fact by fact (its intake shape, SPEC section 7): a sender reusing an id for another
# application, or sending a corrected or fuller copy, is told which facts differ; nothing is
# changed (the IRO's staff correct a case, and records are added to it on their own).
_NOT_GIVEN = (None, "", "not_stated")
# What the checker fills in for a key left out (validation: parties, items): not compared, as a
# value the sender never gave.
_WORKER_DEFAULTS = {"sex": "unknown"}
_ITEM_DEFAULTS = {"formulary_dispute": False, "authorization_kind": "portion"}


def _differs(given, stored, *, default=None) -> bool:
    """Whether a fact the sender gave differs from the one on file; a value left out, or the
    `default` the checker fills in for it, is not compared."""
    if given in _NOT_GIVEN or given == [] or (default is not None and given == default):
        return False
    return str(_json(given)) != str(_json(stored) if stored is not None else "")


def facts_differing(case: Case, data: dict) -> tuple[str, ...]:
    """The intake paths of the facts `data` (a cleaned application) gives otherwise than the
    case on file: each fact of the application, the worker, each party and each item (a fact
    left out is not compared), and each record whose PDF is not in the case's file."""
    shape = case_intake_shape(case)
    paths = [f"$.{key}" for key in CASE_FIELDS if _differs(data.get(key), shape.get(key))]
    if _differs(data.get("case_number"), case.case_number):
        paths.append("$.case_number")
    worker, stored_worker = data.get("injured_worker") or {}, shape.get("injured_worker") or {}
    paths += [
        f"$.injured_worker.{key}"
        for key in WORKER_FIELDS
        if _differs(worker.get(key), stored_worker.get(key), default=_WORKER_DEFAULTS.get(key))
    ]
    for role in PartyRole.values:
        if role == WORKER_ROLE:
            continue
        given, stored = data.get(role) or {}, shape.get(role) or {}
        paths += [
            f"$.{role}.{key}" for key in PARTY_FIELDS if _differs(given.get(key), stored.get(key))
        ]
    if _differs(data.get("diagnoses"), shape.get("diagnoses") or []):
        paths.append("$.diagnoses")
    paths += _items_differing(data.get("items") or [], shape.get("items") or [])
    paths += _records_not_on_file(case, data.get("records") or [])
    return tuple(paths)


def _items_differing(given: list[dict], stored: list[dict]) -> list[str]:
    if not given:
        return []
    if len(given) != len(stored):
        return ["$.items"]
    paths = []
    for index, (item, on_file) in enumerate(zip(given, stored, strict=True)):
        here = f"$.items[{index}]"
        for key in ITEM_FIELDS:
            value = item.get(key)
            if isinstance(value, str):
                value = value.strip()
            if _differs(value, on_file.get(key), default=_ITEM_DEFAULTS.get(key)):
                paths.append(f"{here}.{key}")
        citation, cited = item.get("ur_citation") or {}, on_file.get("ur_citation") or {}
        paths += [
            f"{here}.ur_citation.{key}"
            for key in ("kind", "text")
            if _differs(citation.get(key), cited.get(key))
        ]
    return paths


def _records_not_on_file(case: Case, records: list[dict]) -> list[str]:
    """The records sent whose PDF the case's file does not hold (one query, only when records
    were sent): not added with an application already on file; the records API or the case
    page adds them."""
    if not records:
        return []
    # The case's file as the case page lists it: a withdrawn record's PDF is not in it.
    on_file = set(records_in_file(case).values_list("sha256", flat=True))
    return [
        f"$.records[{index}]"
        for index, record in enumerate(records)
        if record_digest(record) not in on_file
    ]


def _without_empty(value):
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in (None, "")}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def _merged(shape: dict, changes: dict, *, adding: list, removing: list) -> dict:
    """The case's intake shape with the changes applied: items edited in place, the removed
    ones left out and the added ones last."""
    merged = dict(shape)
    items = [dict(item) for item in merged.get("items", [])]
    for index, item_changes in changes.get("items", {}).items():
        items[index].update(item_changes)
    merged["items"] = [item for index, item in enumerate(items) if index not in removing] + [
        dict(item) for item in adding
    ]
    for key, value in changes.items():
        if key == "items":
            continue
        if isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return _without_empty(merged)


def _deadlines(case: Case) -> dict[str, str | None]:
    case.__dict__.pop("clock", None)
    clock = case.clock
    due = {key: _json(deadline.on) for key, deadline in clock.deadlines.items()}
    return {key: due.get(key) for key in DEADLINE_LABELS}


def _item_text(item: dict) -> str:
    """An added or removed item as the history names it."""
    category = item.get("category")
    label = ItemCategory(category).label if category in ItemCategory.values else category
    return f"{item.get('description') or ''} ({label})" if label else item.get("description")


def standard_correctable(case: Case) -> bool:
    """An expedited application typed in by mistake is corrected to standard before its notice
    only: not once converted on a certification, nor once the notice went out
    (_priority_check says why)."""
    return case.priority == Priority.EXPEDITED and not case.expedited_on and not case.date_assigned


def _priority_check(case: Case, new: str | None) -> None:
    if new in (None, "") or new == case.priority:
        return
    if new == Priority.EXPEDITED:
        # 8 CCR 9792.10.4(c): the conversion rests on the treating physician's certification.
        raise ValidationError(
            "A standard review becomes expedited only on the treating physician's written "
            "certification (8 CCR 9792.10.4(c)): use “Convert to expedited” on the case page "
            "with the date the certification came; the expedited clocks run from that date."
        )
    if new != Priority.STANDARD:
        return  # intake's checker names the unknown priority
    if case.expedited_on:
        raise ValidationError(
            "This review was converted to expedited on the physician's certification (8 CCR "
            "9792.10.4(c)); no rule turns an expedited review back into a regular one."
        )
    if case.date_assigned:
        raise ValidationError(
            "The notice of assignment went out for an expedited review; no rule turns an "
            "expedited review back into a regular one (8 CCR 9792.10.4(c) converts only the "
            "other way). Only an application typed in as expedited by mistake is corrected, "
            "before its notice."
        )


def _records_complete_on(case: Case, value) -> dt.date:
    """The corrected day records were complete (the determination clock's start)."""
    if case.records_complete_on is None:
        raise ValidationError(
            "Records are not marked complete yet: mark them complete on the case page."
        )
    if value in (None, ""):
        raise ValidationError(
            "Records were marked complete: give the day they were.", code=RECORDS_COMPLETE_DAY
        )
    try:
        on = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError(
            f"{value!r} is not a date (YYYY-MM-DD).", code=RECORDS_COMPLETE_DAY
        ) from error
    records_complete_date_check(case, on)
    return on


def _item_list_check(case: Case, *, count: int, adding: list, removing: list) -> None:
    if Action.CHANGE_ITEMS not in allowed_actions(case):
        raise ValidationError(
            "Disputed items are added or removed before a reviewer is assigned, in the first "
            "review only: the reviewer is matched to the items and decides each one. Correct "
            "an item's words instead."
        )
    if any(not isinstance(index, int) or not 0 <= index < count for index in removing):
        raise ValidationError("No such disputed item.")
    if count - len(removing) + len(adding) < 1:
        # 8 CCR 9792.10.6(a): a review whose every item is authorized ends by termination.
        raise ValidationError(
            "A case keeps at least one disputed item. If the claims administrator authorized "
            "every item, terminate the review instead (8 CCR 9792.10.6(a))."
        )


def _items_shown_check(case: Case, shown: dict[int, int]) -> None:
    """Each item named by its place is still the item the page showed there (by id): another
    tab or person may have added or removed one since, moving the others."""
    ids = list(case.items.values_list("pk", flat=True))
    if any(index >= len(ids) or ids[index] != item_id for index, item_id in shown.items()):
        raise ValidationError(
            "The disputed items changed since this page was opened (an item was added or "
            "removed in another tab or by someone else): nothing was changed. Reload the page "
            "to see the items as they are now."
        )


def _service_changed_roles(changed: list[dict]) -> set[str]:
    roles = set()
    for change in changed:
        owner, _, key = change["field"].partition(".")
        if key in ("email", "address"):
            roles.add(WORKER_ROLE if owner == "injured_worker" else owner)
    return roles


# After issue, the names and numbers the letter prints are corrected for an amended version;
# what the review's clocks counted from, the priority and the items decided stay as decided.
AFTER_ISSUE_CASE_KEYS = frozenset({"date_of_injury", "claim_number", "adj_number"})
_AFTER_ISSUE_REFUSED = frozenset({"items", "items_add", "items_remove"})


def _after_issue_check(case: Case, shape: dict, changes: dict) -> None:
    """An issued case's correction changes only what the letter prints about the people and the
    claim (`shape`, the case as intake JSON): a date the clocks counted from, the priority or
    a decided item is refused."""
    current = {**shape, "records_complete_on": _json(case.records_complete_on)}
    changed_clock_facts = [
        key
        for key, value in changes.items()
        if (key in CASE_FIELDS or key == "records_complete_on")
        and key not in AFTER_ISSUE_CASE_KEYS
        and str(value or "") != str(current.get(key) or "")
    ]
    items_changed = any(changes.get(key) for key in _AFTER_ISSUE_REFUSED)
    if changed_clock_facts or items_changed:
        raise ValidationError(
            "The letter is issued: only what it prints about the worker, the parties and the "
            "claim (names, numbers, the date of injury, the diagnoses) is corrected now, for an "
            "amended version. The dates the clocks counted from, the priority and the items "
            "decided stay as the review had them."
        )


def _record(changes: list, field: str, old, new) -> None:
    old, new = _json(old), _json(new)
    if (old or None) != (new or None):
        changes.append({"field": field, "old": old, "new": new})


@transaction.atomic
def case_facts_edit(
    *, case: Case, actor, changes: dict[str, Any], today: dt.date | None = None
) -> FactsEdited:
    """Apply `changes` (intake-shaped: case keys, `injured_worker`, a party role, `diagnoses`,
    `items` as {index: {field: value}}, `items_add` as a list of intake items, `items_remove`
    as a list of indexes, `items_shown` as {index: item id} as the page showed them; and
    `records_complete_on`, and `other_names` as a list of lines) if the whole case still
    passes intake's rules. Before issue only: an issued letter is
    corrected by an amended version."""
    case = case_lock(case)
    actions = allowed_actions(case)
    shape = case_intake_shape(case)
    if Action.EDIT_FACTS not in actions:
        if Action.CORRECT_FOR_AMENDMENT not in actions:
            raise ValidationError(
                "The facts of a closed case cannot be edited: once the letter is issued, only "
                "an amended letter corrects it (“Issue an amended letter” on the case page: a "
                "new version marked Amended, served again to every party)."
            )
        _after_issue_check(case, shape, changes)
    changes = dict(changes)
    adding = list(changes.pop("items_add", None) or [])
    removing = sorted(set(changes.pop("items_remove", None) or []))
    _items_shown_check(case, changes.pop("items_shown", None) or {})
    records_complete = changes.pop("records_complete_on", _UNCHANGED)
    other_names = changes.pop("other_names", _UNCHANGED)
    if other_names is not _UNCHANGED:
        other_names = other_names_clean(other_names)
    _priority_check(case, changes.get("priority"))
    if "date_assigned" in changes and case.date_assigned and not changes["date_assigned"]:
        raise ValidationError("The notice of assignment was sent: give its date.")
    if "date_assigned" in changes and case.date_assigned is None:
        raise ValidationError(
            "The notice of assignment has not been sent: record eligibility and send it."
        )
    count = case.items.count()
    if "items" in changes and any(
        not isinstance(index, int) or not 0 <= index < count or index in removing
        for index in changes["items"]
    ):
        raise ValidationError("No such disputed item.")
    if adding or removing:
        _item_list_check(case, count=count, adding=adding, removing=removing)
    if records_complete is not _UNCHANGED:
        records_complete = _records_complete_on(case, records_complete)
    merged = _merged(shape, changes, adding=adding, removing=removing)
    worker = merged.get("injured_worker") or {}
    if worker.get("date_of_birth"):
        # The age stands for the date of birth (SPEC 7): with one, the page (which has no age
        # field) keeps no age of its own, so a corrected date never disagrees with it.
        worker.pop("age", None)
    cleaned, errors = intake_validate(merged, today=today)
    if errors:
        raise ValidationError([error.form_sentence(fact_label(error.path)) for error in errors])
    data = cleaned[0]
    before = _deadlines(case)
    changed: list[dict] = []

    for key, field in CASE_FIELDS.items():
        new = data.get(key) or ("" if isinstance(getattr(case, field), str) else None)
        _record(changed, key, getattr(case, field), new)
        setattr(case, field, new)
    for key, field in WORKER_FIELDS.items():
        old = getattr(case, field)
        new = data["injured_worker"].get(key)
        new = new if new is not None else ("" if isinstance(old, str) else None)
        _record(changed, f"injured_worker.{key}", old, new)
        setattr(case, field, new)
    _record(changed, "diagnoses", "; ".join(case.diagnoses or []), "; ".join(data["diagnoses"]))
    case.diagnoses = list(data["diagnoses"])
    if other_names is not _UNCHANGED:
        _record(changed, "other_names", "; ".join(case.other_names or []), "; ".join(other_names))
        case.other_names = other_names
    if records_complete is not _UNCHANGED:
        _record(changed, "records_complete_on", case.records_complete_on, records_complete)
        case.records_complete_on = records_complete

    for role in PartyRole.values:
        new = data.get(role)
        party = case.parties.filter(role=role).first()
        if new is None:
            continue
        party = party or Party(case=case, role=role)
        for key in PARTY_FIELDS:
            value = new.get(key) or ""
            _record(changed, f"{role}.{key}", getattr(party, key), value)
            setattr(party, key, value)
        party.full_clean()
        party.save()
    # An address typed here is checked as the service panel checks it (from a review: this page
    # went round the rule, and the papers held for the party went out to "5 Dock Rd").
    for change in changed:
        if change["field"].endswith(".address") and (
            problem := address_problem(change["new"] or "")
        ):
            raise ValidationError(f"{fact_label(change['field'])}: {problem}")

    _items_apply(case, data["items"], shape=shape, removing=removing, changed=changed)

    # The clock reads the items too: the deadlines are compared once every change is in.
    case.full_clean(exclude=["due_on"])
    case_due_on_refresh(case)
    case.save()
    after = _deadlines(case)
    moved = [
        {"deadline": label, "from": before[key], "to": after[key]}
        for key, label in DEADLINE_LABELS.items()
        if before[key] != after[key]
    ]
    if changed:
        events.case_facts_edited(case=case, actor=actor, changes=changed, moved=moved)
    # A party given an e-mail or an address: the copies held for them go out now.
    for role in sorted(_service_changed_roles(changed)):
        reviewer_side().party_service_changed(case, role, actor)
    return FactsEdited(changes=changed, moved=moved)


def _item_values(item: DisputedItem, new: dict) -> None:
    for key in ITEM_FIELDS:
        value = new.get(key)
        setattr(item, key, bool(value) if key == "formulary_dispute" else (value or ""))
    item.ur_citation_kind = new["ur_citation"]["kind"]
    item.ur_citation_text = new["ur_citation"]["text"] or ""


def _items_apply(case: Case, cleaned: list, *, shape: dict, removing: list, changed: list):
    """The items as `cleaned` holds them: the kept ones in order (edited), then the added ones;
    the removed ones deleted and the positions closed up."""
    items = list(case.items.all())
    for index in removing:
        _record(changed, f"items[{index}]", _item_text(shape["items"][index]), None)
        items[index].delete()
    kept = [(index, item) for index, item in enumerate(items) if index not in removing]
    for position, ((index, item), new) in enumerate(
        zip(kept, cleaned[: len(kept)], strict=True), start=1
    ):
        for key in ITEM_FIELDS:
            old = getattr(item, key)
            value = new.get(key)
            value = bool(value) if key == "formulary_dispute" else (value or "")
            _record(changed, f"items[{index}].{key}", old, value)
        citation = new["ur_citation"]
        _record(
            changed, f"items[{index}].ur_citation.kind", item.ur_citation_kind, citation["kind"]
        )
        _record(
            changed, f"items[{index}].ur_citation.text", item.ur_citation_text, citation["text"]
        )
        _item_values(item, new)
        # Ascending, so the position below is already free (item_position_unique).
        item.position = position
        item.full_clean()
        item.save()
    for position, new in enumerate(cleaned[len(kept) :], start=len(kept) + 1):
        item = DisputedItem(case=case, position=position)
        _item_values(item, new)
        item.full_clean()
        item.save()
        _record(changed, f"items[{position - 1}]", None, _item_text(new))
