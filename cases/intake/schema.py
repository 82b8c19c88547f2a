"""The intake JSON's OpenAPI schema, built from the checker's own tables (key lists, choices,
field sizes, patterns) so that the API documents exactly what cases.intake.validation accepts:
a key added to a table appears in both. Tests hold the required keys to the checker's."""

from __future__ import annotations

import re
from typing import Any

from cases.intake.validation.keys import (
    ADJ_NUMBER_RE,
    CASE_KEYS,
    CASE_REQUIRED,
    CITATION_KEYS,
    CITATION_REQUIRED,
    CITATION_TEXT_MAX,
    DECISION_KEYS,
    DECISION_REQUIRED,
    DETERMINATION_KEYS,
    DETERMINATION_REQUIRED,
    DIAGNOSES_MAX,
    DIAGNOSIS_MAX,
    ITEM_KEYS,
    ITEM_REQUIRED,
    ITEM_TEXT_MAX,
    ITEMS_MAX,
    NPI_RE,
    PARTY_KEYS,
    PARTY_REQUIRED,
    RECORD_KEYS,
    RECORD_REQUIRED,
    REVIEWER_KEYS,
    REVIEWER_REQUIRED,
    WORKER_KEYS,
    WORKER_MAX_AGE,
    WORKER_MIN_AGE,
    WORKER_REQUIRED,
)
from cases.jsoncheck import EMAIL_MAX_LENGTH
from cases.lifecycle.models import (
    ADDRESS_MAX,
    Answer,
    AuthorizationKind,
    Case,
    CitationKind,
    DeliveryMethod,
    DrugClass,
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


def _size(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _text(max_length: int | None = None, **extra) -> dict:
    return {"type": "string", **({"maxLength": max_length} if max_length else {}), **extra}


def _choice(choices, **extra) -> dict:
    return {"type": "string", "enum": list(choices), **extra}


def _date(**extra) -> dict:
    return {"type": "string", "format": "date", **extra}


def _texts(**extra) -> dict:
    return {"type": "array", "items": {"type": "string", "minLength": 1}, **extra}


def _email() -> dict:
    return _text(EMAIL_MAX_LENGTH, format="email")


def _nullable(schema: dict) -> dict:
    """`schema` taking null too. OpenAPI 3.0 reads `nullable` beside a type, and a list of
    choices must name null itself, or a strict validator refuses it."""
    nullable = {**schema, "nullable": True}
    if "enum" in schema and None not in schema["enum"]:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


def _object(keys, required, properties: dict[str, dict], **extra) -> dict:
    """An object of exactly `keys` (unknown keys are an intake error), in the table's order.
    An optional key may be null: the checker reads null as not given (jsoncheck.Checker), and
    the export writes null for what a case does not have (from QA: the shipped example's
    `"npi": null` failed the schema)."""
    return {
        "type": "object",
        "properties": {
            key: properties.get(key, {}) if key in required else _nullable(properties.get(key, {}))
            for key in keys
        },
        "required": [key for key in keys if key in required],
        "additionalProperties": False,
        **extra,
    }


def _pattern(regex: re.Pattern) -> str:
    return "^" + re.sub(r"\?P<\w+>", "", regex.pattern).strip("^$") + "$"


def _citation(description: str) -> dict:
    return _object(
        CITATION_KEYS,
        CITATION_REQUIRED,
        {
            "kind": _choice(CitationKind.values),
            "text": _text(
                CITATION_TEXT_MAX,
                description="The guideline cited; required for mtus and non_mtus.",
            ),
        },
        description=description,
    )


def _service() -> dict:
    return {
        "delivery_method": {
            **_choice(DeliveryMethod.values),
            "description": "How papers are served; absent: e-mail with consent, else mail.",
        },
        "e_service_consent": {
            "type": "boolean",
            "description": "Consent to electronic service (CCP 1010.6(a)(2)).",
        },
    }


# From QA: identifier and npi read as two fields, but a party has one identifier: both sent with
# different values are refused (cases.intake.validation.parties).
NPI_SAME_FIELD = (
    "npi and identifier are one field, the party's identifier: give one of them (both only with "
    "the same value; different values are refused). The export gives it as npi when it is ten "
    "digits, else as identifier."
)


def _party(role: str) -> dict:
    return _object(
        PARTY_KEYS[role],
        PARTY_REQUIRED,
        {
            "name": _text(_size(Party, "name")),
            "identifier": _text(
                _size(Party, "identifier"),
                description="FEIN or similar."
                + (f" {NPI_SAME_FIELD}" if "npi" in PARTY_KEYS[role] else ""),
            ),
            "npi": _text(pattern=_pattern(NPI_RE), description=f"Ten digits. {NPI_SAME_FIELD}"),
            "specialty": _text(_size(Party, "specialty")),
            "email": _email(),
            "address": _text(ADDRESS_MAX),
            **_service(),
        },
        description=PartyRole(role).label,
    )


def record_json_schema() -> dict[str, Any]:
    """One medical record as intake (and the API's record upload) takes it."""
    return _object(
        RECORD_KEYS,
        RECORD_REQUIRED,
        {
            "title": _text(_size(MedicalRecord, "title")),
            "document_date": _date(),
            "source": _text(
                _size(MedicalRecord, "source"),
                description="Who sent the record (the letter lists it), when known.",
            ),
            "kind": _choice(
                RecordKind.values,
                description="Inferred from the title when absent (a UR decision, else medical).",
            ),
            "file": _text(
                description="A PDF path relative to the JSON file: import_cases only; over the "
                "API send content."
            ),
            "content": _text(description="The PDF, base64-encoded."),
            "filename": _text(_size(MedicalRecord, "original_filename")),
            "sha256": _text(pattern="^[0-9a-fA-F]{64}$", description="Must match the content."),
        },
        description="Give file or content, not both.",
    )


def intake_case_json_schema() -> dict[str, Any]:
    """One IMR application in the intake shape (SPEC section 7)."""
    worker = _object(
        WORKER_KEYS,
        WORKER_REQUIRED,
        {
            "first_name": _text(_size(Case, "worker_first_name")),
            "last_name": _text(_size(Case, "worker_last_name")),
            "date_of_birth": _date(),
            "age": {
                "type": "integer",
                "minimum": WORKER_MIN_AGE,
                "maximum": WORKER_MAX_AGE,
                "description": "Age at the date of injury; may stand for date_of_birth.",
            },
            "sex": _choice(Sex.values),
            "email": _email(),
            "address": _text(ADDRESS_MAX),
            **_service(),
        },
    )
    item = _object(
        ITEM_KEYS,
        ITEM_REQUIRED,
        {
            "description": _text(ITEM_TEXT_MAX),
            "category": _choice(ItemCategory.values),
            "original_request": _text(
                ITEM_TEXT_MAX, description="With authorized_portion when UR modified it."
            ),
            "authorized_portion": _text(
                ITEM_TEXT_MAX,
                description="What the claims administrator authorized: the portion, or the "
                "substitute when authorization_kind is substitute.",
            ),
            "authorization_kind": _choice(
                AuthorizationKind.values,
                description="portion (default): the rest of the request is decided; substitute: "
                "the original request is decided whole (needs original_request and "
                "authorized_portion).",
            ),
            "ur_citation": _citation("The UR's citation."),
            "formulary_dispute": {
                "type": "boolean",
                "description": "A drug-formulary dispute (pharmaceuticals only).",
            },
            "drug_class": _choice(
                DrugClass.values,
                description="The drug class of a pharmaceuticals item (pharmaceuticals only).",
            ),
        },
    )
    decision = _object(
        DECISION_KEYS,
        DECISION_REQUIRED,
        {
            "item": {"type": "integer", "minimum": 1, "description": "The item's number, from 1."},
            "outcome": _choice(Outcome.values),
            "citation": _citation("The reviewer's citation."),
            "rationale": _text(),
        },
    )
    determination = _object(
        DETERMINATION_KEYS,
        DETERMINATION_REQUIRED,
        {
            "reviewer": _object(
                REVIEWER_KEYS,
                REVIEWER_REQUIRED,
                {
                    "licensure": _texts(minItems=1, description="State names or two-letter codes."),
                    "certifications": _texts(minItems=1),
                },
            ),
            "decision_date": _date(),
            "clinical_summary": _text(),
            "decisions": {"type": "array", "items": decision, "minItems": 1},
        },
        description="A completed review from a legacy system (case administrators only).",
    )
    properties = {
        "application_id": _text(
            _size(Case, "application_id"),
            description="Makes intake idempotent: a known id is not created again.",
        ),
        "case_number": _text(
            pattern=_pattern(CASE_NUMBER_FORMAT),
            description=(
                "Assigned if absent (and returned). Only case and system administrators may "
                "give one, a legacy system's, of the year the application was received; an "
                "API client's is refused."
            ),
        ),
        "priority": _choice(Priority.values),
        "application_received": _date(),
        "date_assigned": _date(
            description="The notice of assignment's date (the letter's Date Assigned), if sent; "
            "the same field as notice_sent_on.",
        ),
        "notice_sent_on": _date(
            description="The notice of assignment's date, if sent; the same field as "
            "date_assigned (giving both with different dates is an error).",
        ),
        "notice_sent_by": _choice(
            SentBy.values,
            description="How the notice of assignment was sent (records are due 15 days after a "
            "mailed notice, 12 after an electronic one); needs its date.",
        ),
        "ur_decision_date": _date(),
        "ur_decision_served_on": _date(),
        "ur_decision_served_by": _choice(
            ServedBy.values,
            description="How the UR decision was served; absent when not known.",
        ),
        "date_of_injury": _date(),
        "claim_number": _text(_size(Case, "claim_number")),
        "adj_number": _text(
            _size(Case, "adj_number"),
            pattern=_pattern(ADJ_NUMBER_RE),
            description="The EAMS case number (ADJ and digits), when known; the letter prints it.",
        ),
        "filed_by": _choice(
            FiledBy.values, description="8 CCR 9792.10.1(b)(2); not_stated when absent."
        ),
        "application_signed": _choice(
            Answer.values, description="8 CCR 9792.10.1(b)(1); not_stated when absent."
        ),
        "ur_decision_basis": _choice(
            UrDecisionBasis.values,
            description="Lab. Code 4610.5(c)(1), (3); not_stated when absent.",
        ),
        "liability_disputed": _choice(
            Answer.values,
            description="Whether the claims administrator disputes liability "
            "(8 CCR 9792.10.3(a)(3), (d)); not_stated when absent.",
        ),
        "designated_on": _date(),
        "injured_worker": worker,
        **{role: _party(role) for role in PartyRole.values},
        "diagnoses": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": DIAGNOSIS_MAX},
            "maxItems": DIAGNOSES_MAX,
        },
        "items": {"type": "array", "items": item, "minItems": 1, "maxItems": ITEMS_MAX},
        "records": {"type": "array", "items": record_json_schema()},
        "determination": determination,
    }
    return _object(
        CASE_KEYS,
        CASE_REQUIRED,
        properties,
        description="Dates are YYYY-MM-DD and none may be in the future.",
    )


def intake_json_schema() -> dict[str, Any]:
    """The intake request body: one application, or a list of them."""
    case = intake_case_json_schema()
    return {"oneOf": [case, {"type": "array", "items": case, "minItems": 1}]}
