"""Correcting a case's facts before the letter is issued (issue 10): parties, dates, items and
diagnoses. A corrected fact obeys the same rules as intake: the case is put back into the intake
shape of SPEC section 7 with the change applied and checked by intake's one checker
(`intake_validate`), so an edit is refused with intake's own message. Each edit writes one event
with the old and new value of every field it changed, and says which deadline moved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.intake.validation import PARTY_KEYS, intake_validate
from cases.lifecycle import events
from cases.lifecycle.delivery import WORKER_ROLE
from cases.lifecycle.models import Case, DisputedItem, Party, PartyRole
from cases.lifecycle.services import case_due_on_refresh, case_lock
from cases.lifecycle.status_table import Action, allowed_actions
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
    "formulary_dispute",
)
# The deadlines the case's clock computes from these facts, as the case page names them.
DEADLINE_LABELS = {
    "application_deadline": "Application deadline",
    "notice_due_on": "Notice of assignment due",
    "records_due_on": "Records due",
    "determination_due_on": "Determination due",
}


@dataclass(frozen=True)
class FactsEdited:
    changes: list[dict]  # {"field": intake path, "old": ..., "new": ...}
    moved: list[dict]  # {"deadline": label, "from": iso date, "to": iso date}

    @property
    def message(self) -> str:
        if not self.changes:
            return "Nothing changed."
        fields = ", ".join(change["field"] for change in self.changes)
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


def _without_empty(value):
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in (None, "")}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def _merged(shape: dict, changes: dict) -> dict:
    merged = dict(shape)
    for key, value in changes.items():
        if key == "items":
            items = [dict(item) for item in merged.get("items", [])]
            for index, item_changes in value.items():
                items[index].update(item_changes)
            merged["items"] = items
        elif isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return _without_empty(merged)


def _deadlines(case: Case) -> dict[str, str | None]:
    case.__dict__.pop("clock", None)
    clock = case.clock
    due = {key: _json(deadline.on) for key, deadline in clock.deadlines.items()}
    return {key: due.get(key) for key in DEADLINE_LABELS}


def _service_changed_roles(changed: list[dict]) -> set[str]:
    roles = set()
    for change in changed:
        owner, _, key = change["field"].partition(".")
        if key in ("email", "address"):
            roles.add(WORKER_ROLE if owner == "injured_worker" else owner)
    return roles


def _record(changes: list, field: str, old, new) -> None:
    old, new = _json(old), _json(new)
    if (old or None) != (new or None):
        changes.append({"field": field, "old": old, "new": new})


@transaction.atomic
def case_facts_edit(
    *, case: Case, actor, changes: dict[str, Any], today: dt.date | None = None
) -> FactsEdited:
    """Apply `changes` (intake-shaped: case keys, `injured_worker`, a party role, `diagnoses`,
    or `items` as {index: {field: value}}) if the whole case still passes intake's rules.
    Before issue only: an issued letter is corrected by an amended version."""
    case = case_lock(case)
    if Action.EDIT_FACTS not in allowed_actions(case):
        raise ValidationError(
            "The facts of a closed case cannot be edited: once the letter is issued, only an "
            "amended letter corrects it."
        )
    if "date_assigned" in changes and case.date_assigned and not changes["date_assigned"]:
        raise ValidationError("The notice of assignment was sent: give its date.")
    if "date_assigned" in changes and case.date_assigned is None:
        raise ValidationError(
            "The notice of assignment has not been sent: record eligibility and send it."
        )
    if "items" in changes and any(
        not isinstance(index, int) or not 0 <= index < case.items.count()
        for index in changes["items"]
    ):
        raise ValidationError("No such disputed item.")
    cleaned, errors = intake_validate(_merged(case_intake_shape(case), changes), today=today)
    if errors:
        raise ValidationError([f"{error.path}: {error.message}" for error in errors])
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
    case.full_clean(exclude=["due_on"])
    case_due_on_refresh(case)
    case.save()

    for role in PartyRole.values:
        new = data.get(role)
        party = case.parties.filter(role=role).first()
        if new is None:
            continue
        party = party or Party(case=case, role=role)
        for key in PARTY_FIELDS:
            value = (new.get(key) or "") if key != "identifier" else (new.get("identifier") or "")
            _record(changed, f"{role}.{key}", getattr(party, key), value)
            setattr(party, key, value)
        party.full_clean()
        party.save()

    for index, (item, new) in enumerate(zip(case.items.all(), data["items"], strict=True)):
        for key in ITEM_FIELDS:
            value = new.get(key)
            value = bool(value) if key == "formulary_dispute" else (value or "")
            _record(changed, f"items[{index}].{key}", getattr(item, key), value)
            setattr(item, key, value)
        citation = new["ur_citation"]
        _record(
            changed, f"items[{index}].ur_citation.kind", item.ur_citation_kind, citation["kind"]
        )
        _record(
            changed, f"items[{index}].ur_citation.text", item.ur_citation_text, citation["text"]
        )
        item.ur_citation_kind, item.ur_citation_text = citation["kind"], citation["text"] or ""
        item.full_clean()
        DisputedItem.save(item)

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
        reviewer_side().party_service_changed(case, role)
    return FactsEdited(changes=changed, moved=moved)
