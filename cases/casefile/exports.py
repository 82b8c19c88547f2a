"""A case as JSON: the intake shape of SPEC section 7 (so an export can be imported again) plus
where the case stands: status, round, clocks, assignment, outcome and letters. Used by
`export_case` and by the API's case detail."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from cases.casefile.selectors import case_clock_with_letter
from cases.intake.validation.keys import NPI_RE, PARTY_KEYS
from cases.integrity.stored import stored_file_bytes
from cases.lifecycle.models import Case, Party, PartyRole
from cases.registry import reviewer_side


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _party(party: Party | None, role: str) -> dict[str, Any] | None:
    if party is None:
        return None
    data: dict[str, Any] = {"name": party.name}
    keys = PARTY_KEYS[role]
    if "npi" in keys and (not party.identifier or NPI_RE.match(party.identifier)):
        data["npi"] = party.identifier or None
    elif party.identifier:
        data["identifier"] = party.identifier
    if "specialty" in keys:
        data["specialty"] = party.specialty or None
    if party.email:
        data["email"] = party.email
    if party.address:
        data["address"] = party.address
    if party.delivery_method:
        data["delivery_method"] = party.delivery_method
    data["e_service_consent"] = party.e_service_consent
    return data


def _record(record, *, include_content: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": record.title,
        "document_date": _day(record.document_date),
        "kind": record.kind,
        "source": record.source or None,
        "filename": record.original_filename or None,
        "sha256": record.sha256,
        "size": record.size,
        "pages": record.pages,
    }
    if include_content:
        # An export carries only bytes that match their SHA-256 (cases.integrity).
        data["content"] = base64.b64encode(stored_file_bytes(record, "file")).decode("ascii")
    return data


def _clocks(case: Case) -> dict[str, Any]:
    """Where the clock stands, each date with its computation in words (`explain`, keyed as the
    dates are, items as "items[i].determination_due_on") and the holiday-calendar version it
    used; an issued case adds its letter's appeal and the 8 CCR 9792.10.7 duties."""
    clock, _letter = case_clock_with_letter(case)
    deadlines = clock.deadlines
    due_first = clock.items_due_first
    return {
        "application_deadline": _day(clock.application_deadline),
        "filed_late": clock.filed_late,
        "notice_due_on": _day(clock.notice_due_on),
        "records_due_on": _day(clock.records_due_on),
        "records_complete_on": _day(clock.records_complete_on),
        "records_overdue": clock.records_overdue,
        "determination_due_on": _day(clock.determination_due_on),
        "items": [
            {
                "position": item.position,
                "determination_due_on": _day(deadline.on if deadline else None),
                "due_first": item in due_first,
            }
            for item, deadline in clock.item_deadlines
        ],
        "appeal_deadline": _day(_on(deadlines.get("appeal_deadline"))),
        "authorization_due_on": _day(_on(deadlines.get("authorization_due_on"))),
        "reimbursement_due_on": _day(_on(deadlines.get("reimbursement_due_on"))),
        "running": clock.running,
        "due_on": _day(clock.due_on),
        "days_left": clock.days_left,
        "overdue": clock.overdue,
        "explain": dict(clock.explain),
        "calendar_versions": dict(clock.calendar_versions),
        # The deadline stored on the case as it was computed (kept until recomputed).
        "stored_due_on": {
            "on": _day(case.due_on),
            "explain": case.due_on_explain or None,
            "calendar_version": case.due_on_calendar or None,
        },
    }


def _on(deadline) -> dt.date | None:
    return deadline.on if deadline else None


def _screen(case: Case) -> dict[str, Any]:
    """Where the eligibility screen stands besides the status: a deferral for a liability
    dispute (8 CCR 9792.10.3(a)(3)), a request for information (9792.10.3(b)), the conversion
    to expedited (9792.10.4(c)), the case it was consolidated into (9792.10.4(a))."""
    return {
        "deferred_on": _day(case.deferred_on),
        "information_requested_on": _day(case.information_requested_on),
        "information_due_on": _day(case.information_due_on),
        "information_missing": list(case.information_missing or []),
        "expedited_on": _day(case.expedited_on),
        "screen_resumed_on": _day(case.screen_resumed_on),
        "consolidated_into": (
            case.consolidated_into.case_number if case.consolidated_into_id else None
        ),
    }


def case_export(
    case: Case, *, include_content: bool = False, include_reviewer: bool = False
) -> dict[str, Any]:
    """The case in the intake shape plus its standing. `include_content` embeds each record's
    PDF in base64 (so the export imports again with its records); `include_reviewer` names the
    assigned reviewer's username, which only internal tools may show (SPEC section 1: the
    reviewer's identity is confidential)."""
    # The determination, assignment, outcome and letters belong to the reviewer side.
    reviewer = reviewer_side().export_sections(case, include_reviewer=include_reviewer)
    data: dict[str, Any] = {
        "application_id": case.application_id,
        "case_number": case.case_number,
        "priority": case.priority,
        "application_received": _day(case.application_received),
        "date_assigned": _day(case.date_assigned),
        # The same date under its SPEC section 7 name; intake takes both when they agree.
        "notice_sent_on": _day(case.date_assigned),
        "notice_sent_by": case.notice_sent_by or None,
        "ur_decision_date": _day(case.ur_decision_date),
        "ur_decision_served_on": _day(case.ur_decision_served_on),
        "ur_decision_served_by": case.ur_decision_served_by or None,
        "date_of_injury": _day(case.date_of_injury),
        "claim_number": case.claim_number,
        "adj_number": case.adj_number or None,
        "filed_by": case.filed_by,
        "application_signed": case.application_signed,
        "ur_decision_basis": case.ur_decision_basis,
        "liability_disputed": case.liability_disputed,
        "designated_on": _day(case.designated_on),
        "injured_worker": {
            "first_name": case.worker_first_name,
            "last_name": case.worker_last_name,
            "date_of_birth": _day(case.worker_date_of_birth),
            "age": case.worker_age,
            "sex": case.worker_sex,
            "email": case.worker_email or None,
            "address": case.worker_address or None,
            "delivery_method": case.worker_delivery_method or None,
            "e_service_consent": case.worker_e_service_consent,
        },
    }
    # One read of the parties (none when the caller prefetched them), not one per role.
    parties = {party.role: party for party in case.parties.all()}
    for role in PartyRole.values:
        data[role] = _party(parties.get(role), role)
    data.update(
        {
            "diagnoses": list(case.diagnoses or []),
            "items": [
                {
                    "description": item.description,
                    "category": item.category,
                    "original_request": item.original_request or None,
                    "authorized_portion": item.authorized_portion or None,
                    # Only a modified request has one (SPEC section 7).
                    "authorization_kind": item.authorization_kind if item.was_modified else None,
                    "ur_citation": {"kind": item.ur_citation_kind, "text": item.ur_citation_text},
                    "formulary_dispute": item.formulary_dispute,
                    "drug_class": item.drug_class or None,
                }
                for item in case.items.all()
            ],
            "records": [
                # A withdrawn record (another patient's) must not come back on re-import.
                _record(record, include_content=include_content)
                for record in case.records.all()
                if not record.withdrawn
            ],
            "determination": reviewer["determination"],
            "status": case.status,
            "round": case.round,
            "clocks": _clocks(case),
            "screen": _screen(case),
            "assignment": reviewer["assignment"],
            "outcome": reviewer["outcome"],
            "letters": reviewer["letters"],
        }
    )
    return data
