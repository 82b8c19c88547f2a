"""Intake of applications from other systems (SPEC section 7): the JSON shape that `import_cases`
and the API share. A payload is validated as a whole, every problem named by its JSON path, and
nothing is written unless all of it is valid."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.access import Ability, cases_visible_to, may
from cases.jsoncheck import Checker, JsonError, key_path
from cases.lifecycle.models import (
    Answer,
    AuthorizationKind,
    Case,
    CitationKind,
    DeliveryMethod,
    FiledBy,
    ItemCategory,
    Outcome,
    Party,
    PartyRole,
    Priority,
    SentBy,
    ServedBy,
    Sex,
    UrDecisionBasis,
)
from cases.lifecycle.services import CASE_NUMBER_FORMAT
from cases.records.models import MedicalRecord, RecordKind
from cases.records.services import record_file_check
from cases.states import state_name

NPI_RE = re.compile(r"^\d{10}$")
# The EAMS case number of the WCAB: ADJ and digits (8 CCR 10575(e) asks an appeal to give it).
ADJ_NUMBER_RE = re.compile(r"^ADJ\d{1,12}$")
WORKER_MIN_AGE, WORKER_MAX_AGE = 14, 110

# The parties an application must name: the letter is addressed to the requesting provider and
# the claims administrator, names the employer, and every party is checked for conflicts.
REQUIRED_PARTIES = (
    PartyRole.EMPLOYER,
    PartyRole.CLAIMS_ADMINISTRATOR,
    PartyRole.REQUESTING_PROVIDER,
    PartyRole.UR_ORGANIZATION,
)
_PHYSICIAN_ROLES = (PartyRole.REQUESTING_PROVIDER, PartyRole.UR_PHYSICIAN)
_NPI_ROLES = (PartyRole.REQUESTING_PROVIDER, PartyRole.UR_PHYSICIAN, PartyRole.PROVIDER_GROUP)
PARTY_KEYS: dict[str, tuple[str, ...]] = {
    role: (
        "name",
        "identifier",
        *(("npi",) if role in _NPI_ROLES else ()),
        *(("specialty",) if role in _PHYSICIAN_ROLES else ()),
        "email",
        "address",
        "delivery_method",
        "e_service_consent",
    )
    for role in PartyRole.values
}

CASE_KEYS = (
    "application_id",
    "case_number",
    "priority",
    "application_received",
    "date_assigned",
    "notice_sent_on",
    "notice_sent_by",
    "ur_decision_date",
    "ur_decision_served_on",
    "ur_decision_served_by",
    "date_of_injury",
    "claim_number",
    "adj_number",
    "filed_by",
    "application_signed",
    "ur_decision_basis",
    "liability_disputed",
    "designated_on",
    "injured_worker",
    *PartyRole.values,
    "diagnoses",
    "items",
    "records",
    "determination",
)
# What export_case adds to the intake shape. Accepted and ignored on intake, so that an export
# can be imported again; the status follows from the data, never from this field.
EXPORT_ONLY_CASE_KEYS = (
    "status",
    "round",
    "clocks",
    "screen",
    "assignment",
    "outcome",
    "letters",
)
WORKER_KEYS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "age",
    "sex",
    "email",
    "address",
    "delivery_method",
    "e_service_consent",
)
ITEM_KEYS = (
    "description",
    "category",
    "original_request",
    "authorized_portion",
    "authorization_kind",
    "ur_citation",
    "formulary_dispute",
)
CITATION_KEYS = ("kind", "text")
RECORD_KEYS = (
    "title",
    "document_date",
    "kind",
    "source",
    "file",
    "content",
    "filename",
    "sha256",
)
# Facts export_case prints about a stored record; on intake they are ignored (sha256 is checked).
EXPORT_ONLY_RECORD_KEYS = ("size", "pages")
DETERMINATION_KEYS = ("reviewer", "decision_date", "clinical_summary", "decisions")
REVIEWER_KEYS = ("licensure", "certifications")
DECISION_KEYS = ("item", "outcome", "citation", "rationale")

# The keys required in each object; every other key of its table is optional. The checker asks
# these, and the API's schema (cases.intake.schema) states them: one list for both.
CASE_REQUIRED = (
    "application_id",
    "priority",
    "application_received",
    "ur_decision_date",
    "date_of_injury",
    "claim_number",
    "injured_worker",
    *REQUIRED_PARTIES,
    "items",
)
WORKER_REQUIRED = ("first_name", "last_name")
PARTY_REQUIRED = ("name",)
ITEM_REQUIRED = ("description", "category", "ur_citation")
CITATION_REQUIRED = ("kind",)
RECORD_REQUIRED = ("title",)
DETERMINATION_REQUIRED = DETERMINATION_KEYS
REVIEWER_REQUIRED = REVIEWER_KEYS
DECISION_REQUIRED = DECISION_KEYS

# Words senders use for a method of service, only to hint at the right value; the values
# themselves are the vocabulary of ServedBy and SentBy.
_SERVICE_WORDS = {
    "email": ServedBy.ELECTRONIC,
    "e-mail": ServedBy.ELECTRONIC,
    "hand": ServedBy.PERSONAL,
    "in person": ServedBy.PERSONAL,
    "post": ServedBy.MAIL,
    "postal": ServedBy.MAIL,
    "us mail": ServedBy.MAIL,
}

# The facts of the application the eligibility screen judges: optional, "not_stated" when absent.
ELIGIBILITY_FACT_CHOICES: dict[str, tuple[type, str]] = {
    "filed_by": (FiledBy, "who filed"),
    "application_signed": (Answer, "yes, no or not_stated"),
    "ur_decision_basis": (UrDecisionBasis, "a basis of the UR decision"),
    "liability_disputed": (Answer, "yes, no or not_stated"),
}

# "IMR application", "Application for IMR", "DWC Form IMR": the application form itself, which
# is not a medical record to decide on (8 CCR 9792.10.6(b)(2); cases.eligibility.services).
_APPLICATION_TITLE = re.compile(
    r"\b(imr\s+application|application\s+for\s+(independent\s+medical\s+review|imr)|"
    r"dwc\s+form\s+imr)\b",
    re.IGNORECASE,
)
# "Physician's certification", "Certification for expedited review" (8 CCR 9792.10.4(c)); not
# a UR "non-certification", which is a UR decision (matched first).
_CERTIFICATION_TITLE = re.compile(r"(?<![-\w])(?<!non )certification\b", re.IGNORECASE)
_UR_DECISION_TITLE = re.compile(
    r"\b(ur|utilization\s+review)\b.*\b(decision|denial|determination|modification|"
    r"non-?certification)s?\b",
    re.IGNORECASE,
)


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_kind_infer(title: str) -> str:
    """A record's kind when the sender gave none: the UR decision, the IMR application or the
    physician's certification if the title says so, otherwise a medical record."""
    if _APPLICATION_TITLE.search(title):
        return RecordKind.APPLICATION
    if _UR_DECISION_TITLE.search(title):
        return RecordKind.UR_DECISION
    return RecordKind.CERTIFICATION if _CERTIFICATION_TITLE.search(title) else RecordKind.MEDICAL


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class _Checker(Checker):
    """Walks a payload of applications with intake's rules on top of the generic checks."""

    def __init__(self, *, base_dir: Path | None, today: dt.date):
        super().__init__()
        self.base_dir = base_dir
        self.today = today

    def date(self, parent: dict, key: str, path: str, *, required: bool = False):
        """A YYYY-MM-DD date that has happened: every intake date records a past event."""
        day = super().date(parent, key, path, required=required)
        if day is not None and day > self.today:
            self.error(key_path(path, key), f"{day} is in the future")
        return day

    # --- the case ------------------------------------------------------------------------

    def case(self, raw: Any, path: str) -> dict | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object (one application)")
            return None
        self.keys(raw, path, CASE_KEYS, ignored=EXPORT_ONLY_CASE_KEYS)
        data: dict[str, Any] = {
            "application_id": self.text(
                raw,
                "application_id",
                path,
                required="application_id" in CASE_REQUIRED,
                max_length=_max_length(Case, "application_id"),
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
            )
        data["claim_number"] = self.text(
            raw,
            "claim_number",
            path,
            required="claim_number" in CASE_REQUIRED,
            max_length=_max_length(Case, "claim_number"),
        )
        adj_number = self.text(raw, "adj_number", path, max_length=_max_length(Case, "adj_number"))
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
            )
        self.case_dates(data, path, notice_key=notice_key)
        data["injured_worker"] = self.worker(raw, path, data["date_of_injury"])
        for role in PartyRole.values:
            data[role] = self.party(raw, role, path)
        diagnoses = self.array(raw, "diagnoses", path, required=False, what="diagnoses as text")
        data["diagnoses"] = self.strings(diagnoses, f"{path}.diagnoses") if diagnoses else []
        data["items"] = self.items(raw, path)
        data["records"] = self.records(raw, path)
        data["determination"] = self.determination(raw, path, data)
        return data

    def notice_date(self, raw: dict, data: dict, path: str) -> str | None:
        """The notice of assignment's date, given as notice_sent_on or as date_assigned (the
        letter's Date Assigned: SPEC section 7 takes both for the same date), into
        data["date_assigned"]. Returns the key the date was given by (None: not given)."""
        notice_on = self.date(raw, "notice_sent_on", path)
        assigned = data["date_assigned"]
        if notice_on and assigned and notice_on != assigned:
            self.error(
                f"{path}.notice_sent_on",
                f"{notice_on} differs from {path}.date_assigned ({assigned}); both are the "
                "notice of assignment's date: give one of them, or the same date in both",
            )
        if notice_on and not assigned:
            data["date_assigned"] = notice_on
        for key in ("date_assigned", "notice_sent_on"):
            if raw.get(key) not in (None, ""):
                return key
        return None

    def service_method(self, raw: dict, key: str, path: str, choices, *, what: str):
        """One of `choices`, optional; a word senders use for one of them gets that as the
        hint ("email" is electronic service, not a misspelt "mail")."""
        value = raw.get(key)
        hint = _SERVICE_WORDS.get(value.strip().lower()) if isinstance(value, str) else None
        if hint in choices:
            self.error(
                key_path(path, key),
                f"{json.dumps(value)} is not {what} (did you mean '{hint}'?); "
                f"use one of: {', '.join(choices)}",
            )
            return None
        return self.choice(raw, key, path, choices, required=key in CASE_REQUIRED, what=what)

    def case_dates(self, data: dict, path: str, *, notice_key: str | None) -> None:
        injury, ur = data["date_of_injury"], data["ur_decision_date"]
        received, assigned = data["application_received"], data["date_assigned"]
        served = data["ur_decision_served_on"]
        if ur and received and received < ur:
            self.error(
                f"{path}.application_received",
                f"the application ({received}) cannot be received before the UR decision ({ur})",
            )
        if injury and ur and injury > ur:
            self.error(
                f"{path}.date_of_injury",
                f"the injury ({injury}) cannot be after the UR decision ({ur})",
            )
        elif injury and received and not ur and injury > received:
            self.error(
                f"{path}.date_of_injury",
                f"the injury ({injury}) cannot be after the application ({received})",
            )
        if served and ur and served < ur:
            self.error(
                f"{path}.ur_decision_served_on",
                f"the UR decision ({ur}) cannot be served before it was made ({served})",
            )
        if assigned and received and assigned < received:
            self.error(
                f"{path}.{notice_key}",
                f"the notice of assignment ({assigned}) cannot precede the application "
                f"({received})",
            )

    def worker(self, raw: dict, path: str, injury: dt.date | None) -> dict:
        here = f"{path}.injured_worker"
        worker = self.obj(
            raw,
            "injured_worker",
            path,
            required="injured_worker" in CASE_REQUIRED,
            what="the injured worker",
        )
        if worker is None:
            return {}
        self.keys(worker, here, WORKER_KEYS)
        cleaned: dict[str, Any] = {
            "first_name": self.text(
                worker,
                "first_name",
                here,
                required="first_name" in WORKER_REQUIRED,
                max_length=_max_length(Case, "worker_first_name"),
            ),
            "last_name": self.text(
                worker,
                "last_name",
                here,
                required="last_name" in WORKER_REQUIRED,
                max_length=_max_length(Case, "worker_last_name"),
            ),
            "date_of_birth": self.date(worker, "date_of_birth", here),
            "age": None,
            "sex": self.choice(worker, "sex", here, Sex.values, required=False, what="a sex")
            or Sex.UNKNOWN,
            "email": self.email(worker, "email", here),
            "address": self.text(worker, "address", here),
            **self.service(worker, here),
        }
        age = worker.get("age")
        if age is not None:
            if (
                isinstance(age, bool)
                or not isinstance(age, int)
                or not WORKER_MIN_AGE <= age <= WORKER_MAX_AGE
            ):
                self.error(
                    f"{here}.age",
                    f"must be a whole number of years from {WORKER_MIN_AGE} to {WORKER_MAX_AGE}",
                )
            else:
                cleaned["age"] = age
        birth = cleaned["date_of_birth"]
        if birth and injury:
            years = (
                injury.year - birth.year - ((injury.month, injury.day) < (birth.month, birth.day))
            )
            if not WORKER_MIN_AGE <= years <= WORKER_MAX_AGE:
                self.error(
                    f"{here}.date_of_birth",
                    f"{birth} makes the worker {years} years old at the injury ({injury})",
                )
        return cleaned

    def party(self, raw: dict, role: str, path: str) -> dict | None:
        here = key_path(path, role)
        label = PartyRole(role).label
        label = label if label[:2].isupper() else label[0].lower() + label[1:]
        party = self.obj(
            raw, role, path, required=role in REQUIRED_PARTIES, what=f"the {label}, with a name"
        )
        if party is None:
            return None
        self.keys(party, here, PARTY_KEYS[role])
        identifier = self.text(
            party, "identifier", here, max_length=_max_length(Party, "identifier")
        )
        npi = self.text(party, "npi", here)
        if npi and not NPI_RE.match(npi):
            self.error(f"{here}.npi", f"{npi!r} is not an NPI (ten digits)")
        if npi and identifier and npi != identifier:
            self.error(f"{here}.npi", "differs from identifier; give one of them")
        return {
            "name": self.text(
                party,
                "name",
                here,
                required="name" in PARTY_REQUIRED,
                max_length=_max_length(Party, "name"),
            ),
            "identifier": identifier or npi,
            "specialty": self.text(
                party, "specialty", here, max_length=_max_length(Party, "specialty")
            ),
            "email": self.email(party, "email", here),
            "address": self.text(party, "address", here),
            **self.service(party, here),
        }

    def service(self, raw: dict, here: str) -> dict:
        """How the party is served: `delivery_method` (email or mail; absent: e-mail with an
        address and consent, else mail) and `e_service_consent` (CCP 1010.6(a)(2))."""
        method = self.choice(
            raw, "delivery_method", here, DeliveryMethod.values, required=False, what="a method"
        )
        consent = self.boolean(raw, "e_service_consent", here)
        if method == DeliveryMethod.EMAIL and not (raw.get("email") and consent):
            self.error(
                f"{here}.delivery_method",
                "email service needs an email address and e_service_consent: true",
            )
        return {"delivery_method": method or "", "e_service_consent": bool(consent)}

    def citation(
        self, parent: dict, key: str, path: str, *, whose: str, required: bool
    ) -> dict | None:
        here = key_path(path, key)
        citation = self.obj(
            parent, key, path, required=required, what=f"{whose} citation: kind and text"
        )
        if citation is None:
            return None
        self.keys(citation, here, CITATION_KEYS)
        kind = self.choice(
            citation,
            "kind",
            here,
            CitationKind.values,
            required="kind" in CITATION_REQUIRED,
            what="a citation kind",
        )
        text = self.text(citation, "text", here)
        if kind in (CitationKind.MTUS, CitationKind.NON_MTUS) and not text:
            self.error(f"{here}.text", f"is required when kind is {kind} (the guideline cited)")
        if kind == CitationKind.NONE and text:
            self.error(f"{here}.text", "must be empty when kind is none (nothing was cited)")
        return {"kind": kind, "text": text}

    def items(self, raw: dict, path: str) -> list[dict]:
        items = self.array(
            raw, "items", path, required="items" in CASE_REQUIRED, what="the disputed items"
        )
        cleaned = []
        for index, item in enumerate(items or []):
            here = f"{path}.items[{index}]"
            if not isinstance(item, dict):
                self.error(here, "must be an object (a disputed item)")
                continue
            self.keys(item, here, ITEM_KEYS)
            category = self.choice(
                item,
                "category",
                here,
                ItemCategory.values,
                required="category" in ITEM_REQUIRED,
                what="an item category",
            )
            original = self.text(item, "original_request", here)
            authorized = self.text(item, "authorized_portion", here)
            # A modified request names both what was asked and what UR authorized (SPEC section 6).
            if original and not authorized:
                self.error(
                    f"{here}.authorized_portion",
                    "is required when original_request is given (UR modified the request)",
                )
            if authorized and not original:
                self.error(
                    f"{here}.original_request",
                    "is required when authorized_portion is given (UR modified the request)",
                )
            kind = self.choice(
                item,
                "authorization_kind",
                here,
                AuthorizationKind.values,
                required=False,
                what="an authorization kind",
            )
            # A substitute names the original request (decided whole) and the substitute the
            # claims administrator authorized instead (SPEC section 6's second item-line form).
            if kind == AuthorizationKind.SUBSTITUTE and not (original and authorized):
                self.error(
                    f"{here}.authorization_kind",
                    "substitute needs original_request (the request decided) and "
                    "authorized_portion (the substitute the claims administrator authorized)",
                )
            formulary = self.boolean(item, "formulary_dispute", here)
            if formulary and category and category != ItemCategory.PHARMACEUTICALS:
                self.error(
                    f"{here}.formulary_dispute",
                    "only a pharmaceuticals item can be a drug-formulary dispute",
                )
            cleaned.append(
                {
                    "description": self.text(
                        item, "description", here, required="description" in ITEM_REQUIRED
                    ),
                    "category": category,
                    "original_request": original,
                    "authorized_portion": authorized,
                    "authorization_kind": kind or AuthorizationKind.PORTION,
                    "ur_citation": self.citation(
                        item,
                        "ur_citation",
                        here,
                        whose="the UR",
                        required="ur_citation" in ITEM_REQUIRED,
                    ),
                    "formulary_dispute": formulary,
                }
            )
        return cleaned

    # --- records -------------------------------------------------------------------------

    def records(self, raw: dict, path: str) -> list[dict]:
        records = self.array(raw, "records", path, required=False, what="the medical records")
        cleaned = []
        for index, record in enumerate(records or []):
            result = self.record(record, f"{path}.records[{index}]")
            if result is not None:
                cleaned.append(result)
        return cleaned

    def record(self, record: Any, here: str) -> dict | None:
        if not isinstance(record, dict):
            self.error(here, "must be an object (a record: title, document_date, file or content)")
            return None
        self.keys(record, here, RECORD_KEYS, ignored=EXPORT_ONLY_RECORD_KEYS)
        title = self.text(
            record,
            "title",
            here,
            required="title" in RECORD_REQUIRED,
            max_length=_max_length(MedicalRecord, "title"),
        )
        kind = self.choice(
            record, "kind", here, RecordKind.values, required=False, what="a record kind"
        )
        cleaned = {
            "title": title,
            "document_date": self.date(record, "document_date", here),
            "kind": kind or record_kind_infer(title or ""),
            "source": self.text(
                record, "source", here, max_length=_max_length(MedicalRecord, "source")
            ),
            "filename": self.text(
                record,
                "filename",
                here,
                max_length=_max_length(MedicalRecord, "original_filename"),
            ),
            "path": None,
            "content": None,
            "upload": None,
        }
        if isinstance(record.get("file"), File):
            # The intake form's door: the browser sent the PDF itself, under the same key.
            cleaned["upload"] = self.record_upload_check(record["file"], f"{here}.file")
            if cleaned["upload"] is None:
                return None
            cleaned["filename"] = cleaned["filename"] or cleaned["upload"].name
            return cleaned
        has_file = record.get("file") not in (None, "")
        has_content = record.get("content") not in (None, "")
        if has_file and has_content:
            self.error(here, "give either file or content, not both")
            return None
        if not has_file and not has_content:
            self.error(
                here,
                "needs file (a PDF path relative to the JSON file) or content (the PDF in base64)",
            )
            return None
        if has_file:
            cleaned["path"] = self.record_path(record["file"], f"{here}.file")
            if cleaned["path"] is None:
                return None
            cleaned["filename"] = cleaned["filename"] or cleaned["path"].name
        else:
            cleaned["filename"] = cleaned["filename"] or "record.pdf"
            cleaned["content"] = self.record_content(
                record["content"], f"{here}.content", cleaned["filename"]
            )
            if cleaned["content"] is None:
                return None
        self.record_digest_check(record, here, cleaned)
        return cleaned

    def record_upload_check(self, uploaded: File, here: str) -> File | None:
        try:
            record_file_check(uploaded)
        except ValidationError as exc:
            self.error(here, " ".join(exc.messages))
            return None
        return uploaded

    def record_path(self, value: Any, here: str) -> Path | None:
        if self.base_dir is None:
            self.error(here, "file paths are read only by import_cases; send the PDF in content")
            return None
        if not isinstance(value, str):
            self.error(here, "must be text: a path relative to the JSON file")
            return None
        relative = PurePosixPath(value)
        if relative.is_absolute() or value.startswith("\\") or re.match(r"^[A-Za-z]:", value):
            self.error(here, f"{value!r} is an absolute path; give it relative to the JSON file")
            return None
        if ".." in relative.parts:
            self.error(here, f"{value!r} leaves the JSON file's folder ('..' is not allowed)")
            return None
        base = self.base_dir.resolve()
        target = (base / relative).resolve()
        if not target.is_relative_to(base):
            self.error(here, f"{value!r} leads outside the JSON file's folder")
            return None
        if not target.is_file():
            self.error(here, f"{value!r}: no such file next to the JSON file")
            return None
        try:
            with target.open("rb") as handle:
                record_file_check(File(handle, name=target.name))
        except ValidationError as exc:
            self.error(here, " ".join(exc.messages))
            return None
        except OSError as exc:
            self.error(here, f"{value!r} cannot be read: {exc.strerror}")
            return None
        return target

    def record_content(self, value: Any, here: str, filename: str) -> bytes | None:
        if not isinstance(value, str):
            self.error(here, "must be text: the PDF encoded in base64")
            return None
        compact = re.sub(r"\s+", "", value)
        limit = settings.RECORD_MAX_UPLOAD_BYTES
        if len(compact) * 3 // 4 > limit + 2:
            self.error(
                here,
                f"the file is about {len(compact) * 3 / 4 / 1_048_576:.1f} MB; "
                f"the limit is {limit / 1_048_576:.0f} MB",
            )
            return None
        try:
            data = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            self.error(here, "is not valid base64")
            return None
        try:
            record_file_check(SimpleUploadedFile(filename, data, content_type="application/pdf"))
        except ValidationError as exc:
            self.error(here, " ".join(exc.messages))
            return None
        return data

    def record_digest_check(self, record: dict, here: str, cleaned: dict) -> None:
        """An export carries each record's SHA-256: a re-import proves the bytes are the same."""
        expected = record.get("sha256")
        if expected in (None, ""):
            return
        if not isinstance(expected, str) or not re.match(r"^[0-9a-fA-F]{64}$", expected):
            self.error(f"{here}.sha256", "must be 64 hexadecimal digits")
            return
        digest = hashlib.sha256()
        if cleaned["content"] is not None:
            digest.update(cleaned["content"])
        else:
            with cleaned["path"].open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        if digest.hexdigest() != expected.lower():
            self.error(f"{here}.sha256", "does not match the record's content")

    # --- a legacy determination ----------------------------------------------------------

    def determination(self, raw: dict, path: str, case: dict) -> dict | None:
        here = f"{path}.determination"
        determination = self.obj(
            raw, "determination", path, required=False, what="a completed determination"
        )
        if determination is None:
            return None
        self.keys(determination, here, DETERMINATION_KEYS)
        reviewer = self.obj(
            determination,
            "reviewer",
            here,
            required="reviewer" in DETERMINATION_REQUIRED,
            what="the reviewer's licensure and certifications",
        )
        licensure, certifications = [], []
        if reviewer is not None:
            self.keys(reviewer, f"{here}.reviewer", REVIEWER_KEYS)
            licensure = self.licensure(reviewer, f"{here}.reviewer")
            values = self.array(
                reviewer,
                "certifications",
                f"{here}.reviewer",
                required="certifications" in REVIEWER_REQUIRED,
                what="board certifications or specialties",
            )
            certifications = self.strings(values or [], f"{here}.reviewer.certifications")
        decided_on = self.date(
            determination, "decision_date", here, required="decision_date" in DETERMINATION_REQUIRED
        )
        for key, label in (("application_received", "application"), ("date_assigned", "notice")):
            earlier = case.get(key)
            if decided_on and earlier and decided_on < earlier:
                self.error(
                    f"{here}.decision_date",
                    f"the decision ({decided_on}) cannot precede the {label} ({earlier})",
                )
        return {
            "reviewer": {"licensure": licensure, "certifications": certifications},
            "decision_date": decided_on,
            "clinical_summary": self.text(
                determination,
                "clinical_summary",
                here,
                required="clinical_summary" in DETERMINATION_REQUIRED,
            ),
            "decisions": self.decisions(determination, here, case["items"], raw.get("items")),
        }

    def licensure(self, reviewer: dict, path: str) -> list[str]:
        values = self.array(
            reviewer,
            "licensure",
            path,
            required="licensure" in REVIEWER_REQUIRED,
            what="states of licensure",
        )
        names: list[str] = []
        for index, value in enumerate(values or []):
            name = state_name(value) if isinstance(value, str) else None
            if name is None:
                self.error(
                    f"{path}.licensure[{index}]",
                    f"{json.dumps(value)} is not a US state (give a name like California or a "
                    "code like CA)",
                )
            elif name not in names:
                names.append(name)
        return names

    def decisions(self, determination: dict, path: str, items: list, raw_items) -> list[dict]:
        values = self.array(
            determination,
            "decisions",
            path,
            required="decisions" in DETERMINATION_REQUIRED,
            what="one decision per item",
        )
        # Item numbers are checked against the payload's items only when those are all readable.
        count = (
            len(raw_items) if isinstance(raw_items, list) and len(items) == len(raw_items) else None
        )
        seen: dict[int, int] = {}
        cleaned = []
        for index, decision in enumerate(values or []):
            here = f"{path}.decisions[{index}]"
            if not isinstance(decision, dict):
                self.error(here, "must be an object (item, outcome, citation, rationale)")
                continue
            self.keys(decision, here, DECISION_KEYS)
            number = decision.get("item")
            if isinstance(number, bool) or not isinstance(number, int):
                self.error(f"{here}.item", "must be the item's number (1 for the first item)")
                number = None
            elif count is not None and not 1 <= number <= count:
                self.error(
                    f"{here}.item",
                    f"there is no item {number}; the application has {_plural(count, 'item')}",
                )
                number = None
            elif number in seen:
                self.error(
                    f"{here}.item",
                    f"item {number} is already decided at {path}.decisions[{seen[number]}]; "
                    "each item is decided once",
                )
                number = None
            else:
                seen[number] = index
            cleaned.append(
                {
                    "item": number,
                    "outcome": self.choice(
                        decision,
                        "outcome",
                        here,
                        Outcome.values,
                        required="outcome" in DECISION_REQUIRED,
                        what="an outcome",
                    ),
                    "citation": self.citation(
                        decision,
                        "citation",
                        here,
                        whose="the reviewer's",
                        required="citation" in DECISION_REQUIRED,
                    ),
                    "rationale": self.text(
                        decision, "rationale", here, required="rationale" in DECISION_REQUIRED
                    ),
                }
            )
        if count is not None and values is not None:
            for number in range(1, count + 1):
                if number not in seen:
                    self.error(
                        f"{path}.decisions",
                        f"item {number} has no decision; each item is decided exactly once",
                    )
        return cleaned


def _entries(payload: Any) -> list[tuple[str, Any]]:
    """Each application with its JSON path: `$` for a single object, `$[i]` in a list."""
    if isinstance(payload, list):
        return [(f"$[{index}]", entry) for index, entry in enumerate(payload)]
    return [("$", payload)]


def _validate(
    payload: Any, *, base_dir: Path | None, today: dt.date | None
) -> tuple[list[tuple[str, dict]], list[JsonError]]:
    checker = _Checker(base_dir=base_dir, today=today or timezone.localdate())
    checker.no_nul(payload, "$")
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
            if not value:
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
    entries, errors = _validate(payload, base_dir=base_dir, today=today)
    return [data for _, data in entries], errors


def record_validate(payload: Any, *, today: dt.date | None = None):
    """Check one record sent on its own (the API's record upload): title, document_date, kind,
    content. Returns (cleaned record or None, errors)."""
    checker = _Checker(base_dir=None, today=today or timezone.localdate())
    checker.no_nul(payload, "$")
    cleaned = checker.record(payload, "$")
    return cleaned, checker.errors


def record_upload(record: dict):
    """The cleaned record's bytes as a file object for `record_add`."""
    if record.get("upload") is not None:
        return record["upload"]
    if record["content"] is not None:
        return SimpleUploadedFile(
            record["filename"], record["content"], content_type="application/pdf"
        )
    return File(record["path"].open("rb"), name=record["filename"])


# --- writing --------------------------------------------------------------------------------


def _existing_checks(
    entries: list[tuple[str, dict]], *, actor
) -> tuple[dict[str, Case], list[JsonError]]:
    """Checks against what is stored: known applications (idempotency), case numbers in use,
    and who may bring a completed determination."""
    errors: list[JsonError] = []
    application_ids = [data["application_id"] for _, data in entries if data["application_id"]]
    existing = {
        case.application_id: case
        for case in Case.objects.filter(application_id__in=application_ids)
    }
    visible = (
        set(
            cases_visible_to(actor)
            .filter(pk__in=[c.pk for c in existing.values()])
            .values_list("pk", flat=True)
        )
        if actor is not None
        else {case.pk for case in existing.values()}
    )
    numbers = [data["case_number"] for _, data in entries if data["case_number"]]
    taken = dict(
        Case.objects.filter(case_number__in=numbers).values_list("case_number", "application_id")
    )
    for path, data in entries:
        case = existing.get(data["application_id"])
        if case is not None:
            if case.pk not in visible:
                # Another submitter's application: say it exists, but show nothing of it.
                errors.append(
                    JsonError(
                        f"{path}.application_id",
                        "this application was already submitted by another sender",
                    )
                )
            continue
        number = data["case_number"]
        if number and number in taken:
            errors.append(
                JsonError(
                    f"{path}.case_number",
                    f"{number} is already the number of another application ({taken[number]})",
                )
            )
        if data["determination"] and actor is not None and not may(actor, Ability.MANAGE_CASES):
            # A completed determination becomes a letter the IRO stands behind: only the
            # IRO's own administrators carry one over from a legacy system.
            errors.append(
                JsonError(
                    f"{path}.determination",
                    "only a case administrator may import a completed determination",
                )
            )
    return existing, errors


def validation_error_paths(exc: ValidationError, path: str) -> list[JsonError]:
    """A Django ValidationError's messages as JsonErrors under `path` (fields as sub-paths)."""
    if hasattr(exc, "error_dict"):
        return [
            JsonError(key_path(path, field) if field != "__all__" else path, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [JsonError(path, message) for message in exc.messages]
