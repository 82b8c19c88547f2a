"""The one intake checker, composed of its subject checks, and the entry points that run it
over a payload: `intake_validate` (applications), `record_validate` (one record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from cases.intake.validation.base import application_id_key, max_length_of
from cases.intake.validation.dates import DateChecks
from cases.intake.validation.determination import DeterminationChecks
from cases.intake.validation.items import ItemChecks
from cases.intake.validation.keys import (
    ADJ_NUMBER_RE,
    CASE_KEYS,
    CASE_REQUIRED,
    DIAGNOSES_MAX,
    DIAGNOSIS_MAX,
    ELIGIBILITY_FACT_CHOICES,
    EXPORT_ONLY_CASE_KEYS,
)
from cases.intake.validation.parties import PartyChecks
from cases.intake.validation.records import RecordChecks
from cases.jsoncheck import JsonError, unstorable_problem
from cases.lifecycle.models import Case, FiledBy, PartyRole, Priority, SentBy, ServedBy
from cases.lifecycle.services import CASE_NUMBER_FORMAT


class IntakeInvalid(Exception):
    """The payload has problems; nothing was written. `errors` names each one by its JSON path."""

    def __init__(self, errors: list[JsonError]):
        self.errors = list(errors)
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found; nothing was imported.")


@dataclass(frozen=True)
class ImportResult:
    application_id: str
    case_number: str
    status: str
    created: bool
    # An application already on file, sent again: the facts this submission gives otherwise
    # (intake paths); nothing was changed (corrections.facts_differing).
    differs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class IntakeChecker(DateChecks, PartyChecks, ItemChecks, RecordChecks, DeterminationChecks):
    """Intake's one rule set: the case itself here, each subject in its own module."""

    def case(self, raw: Any, path: str) -> dict | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object (one application)")
            return None
        self.keys(raw, path, CASE_KEYS, ignored=EXPORT_ONLY_CASE_KEYS)
        data: dict[str, Any] = {
            "application_id": application_id_key(
                self.text(
                    raw,
                    "application_id",
                    path,
                    required="application_id" in CASE_REQUIRED,
                    max_length=max_length_of(Case, "application_id"),
                )
            ),
        }
        case_number = self.text(raw, "case_number", path)
        if case_number and not CASE_NUMBER_FORMAT.fullmatch(case_number):
            self.error(
                f"{path}.case_number",
                f"{case_number!r} is not a case number like CM16-0213037 "
                "(CM, two-digit year, '-', seven digits)",
            )
        data["case_number"] = case_number or None
        data["priority"] = self.choice(
            raw,
            "priority",
            path,
            Priority.values,
            required="priority" in CASE_REQUIRED,
            what="a priority",
        )
        for key in (
            "application_received",
            "date_assigned",
            "ur_decision_date",
            "ur_decision_served_on",
            "date_of_injury",
            "designated_on",
        ):
            data[key] = self.date(raw, key, path, required=key in CASE_REQUIRED)
        match = CASE_NUMBER_FORMAT.fullmatch(case_number or "")
        received = data["application_received"]
        if match and received and int(match["year"]) != received.year % 100:
            # A case is numbered in the year its application came (CM + two-digit year).
            self.error(
                f"{path}.case_number",
                f"{case_number} is a number of 20{match['year']}, but the application was "
                f"received in {received.year}",
            )
        notice_key = self.notice_date(raw, data, path)
        data["ur_decision_served_by"] = self.service_method(
            raw, "ur_decision_served_by", path, ServedBy.values, what="a method of service"
        )
        data["notice_sent_by"] = self.service_method(
            raw, "notice_sent_by", path, SentBy.values, what="a way of sending the notice"
        )
        if data["notice_sent_by"] and notice_key is None:
            self.error(
                f"{path}.notice_sent_by",
                "is given without the date the notice was sent (notice_sent_on)",
                form="is given without the date in Notice of assignment sent",
            )
        data["claim_number"] = self.text(
            raw,
            "claim_number",
            path,
            required="claim_number" in CASE_REQUIRED,
            max_length=max_length_of(Case, "claim_number"),
        )
        adj_number = self.text(
            raw, "adj_number", path, max_length=max_length_of(Case, "adj_number")
        )
        if adj_number and not ADJ_NUMBER_RE.fullmatch(adj_number):
            self.error(
                f"{path}.adj_number",
                f"{adj_number!r} is not an EAMS case number like ADJ9876543 (ADJ, then digits)",
            )
        data["adj_number"] = adj_number
        for key, (choices, what) in ELIGIBILITY_FACT_CHOICES.items():
            required = key in CASE_REQUIRED
            given = self.choice(raw, key, path, choices.values, required=required, what=what)
            data[key] = given or choices.NOT_STATED
        if data["designated_on"] and data["filed_by"] != FiledBy.DESIGNEE:
            # The date of a designation belongs to an application a designee filed; the
            # screen judges whether it came after the UR decision (8 CCR 9792.10.1(b)(2)).
            self.error(
                f"{path}.designated_on",
                "is given, but filed_by is not 'designee': only a designee's application has a "
                "date of designation",
                form=f"is given, but Filed by is not “{FiledBy.DESIGNEE.label}”: only an "
                "application a designee filed has the date the designee was named",
            )
        self.case_dates(data, path, notice_key=notice_key)
        data["injured_worker"] = self.worker(raw, path, data["date_of_injury"])
        for role in PartyRole.values:
            data[role] = self.party(raw, role, path)
        diagnoses = self.array(raw, "diagnoses", path, required=False, what="diagnoses as text")
        if diagnoses and len(diagnoses) > DIAGNOSES_MAX:
            self.error(
                f"{path}.diagnoses",
                f"names {len(diagnoses)} diagnoses; the limit is {DIAGNOSES_MAX}",
            )
            diagnoses = []
        data["diagnoses"] = (
            self.strings(diagnoses, f"{path}.diagnoses", max_length=DIAGNOSIS_MAX)
            if diagnoses
            else []
        )
        data["items"] = self.items(raw, path)
        data["records"] = self.records(raw, path)
        data["determination"] = self.determination(raw, path, data)
        return data


def _entries(payload: Any) -> list[tuple[str, Any]]:
    """Each application with its JSON path: `$` for a single object, `$[i]` in a list."""
    if isinstance(payload, list):
        return [(f"$[{index}]", entry) for index, entry in enumerate(payload)]
    return [("$", payload)]


def payload_validate(
    payload: Any, *, base_dir: Path | None, today: dt.date | None
) -> tuple[list[tuple[str, dict]], list[JsonError]]:
    checker = IntakeChecker(base_dir=base_dir, today=today or timezone.localdate())
    checker.storable_text(payload, "$")
    if not isinstance(payload, dict | list):
        checker.error("$", "must be an application object or a list of them")
        return [], checker.errors
    if isinstance(payload, list) and not payload:
        checker.error("$", "the list holds no application")
    cleaned: list[tuple[str, dict]] = []
    first_seen: dict[tuple[str, str], str] = {}
    for path, raw in _entries(payload):
        data = checker.case(raw, path)
        if data is None:
            continue
        cleaned.append((path, data))
        for key in ("application_id", "case_number"):
            value = data.get(key)
            if not value or unstorable_problem(value):  # refused already; no field stores it
                continue
            if (key, value) in first_seen:
                checker.error(
                    f"{path}.{key}",
                    f"{value} appears more than once in this file (first at "
                    f"{first_seen[(key, value)]})",
                )
            else:
                first_seen[(key, value)] = path
    return cleaned, checker.errors


def intake_validate(
    payload: Any, *, base_dir: Path | None = None, today: dt.date | None = None
) -> tuple[list[dict], list[JsonError]]:
    """Check one application or a list of them (SPEC section 7) and return the cleaned data
    (dates as `date` objects, the contract of `cases.services.case_create`) and every problem
    found. Record files are read relative to `base_dir`; without it only base64 `content` is
    accepted. The cleaned data is only meant to be used when there is no problem."""
    entries, errors = payload_validate(payload, base_dir=base_dir, today=today)
    return [data for _, data in entries], errors


def record_validate(payload: Any, *, today: dt.date | None = None):
    """Check one record sent on its own (the API's record upload): title, document_date, kind,
    content. Returns (cleaned record or None, errors)."""
    checker = IntakeChecker(base_dir=None, today=today or timezone.localdate())
    checker.storable_text(payload, "$")
    cleaned = checker.record(payload, "$")
    return cleaned, checker.errors
