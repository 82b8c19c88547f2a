"""Helpers the case file's tests share (the rooms' test modules import them)."""

import datetime as dt
import itertools
import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from cases.eligibility.checks import eligibility_checks
from cases.eligibility.services import Override
from cases.lifecycle.models import CaseEvent
from cases.records.services import record_add
from tests.factories import pdf_upload

D = dt.date
HTMX = {"HTTP_HX_REQUEST": "true"}
# The seed letter as an intake file (the same as shared/examples/seed-case.json).
SEED_CASE = Path(settings.BASE_DIR) / "examples" / "seed-case.json"
_application_ids = itertools.count(1)


def intake_data(**overrides) -> dict:
    """Cleaned intake data (SPEC section 7, dates as `date` objects) as case_create takes it."""
    data = {
        "application_id": f"A-2026-{next(_application_ids):06d}",
        "priority": "standard",
        "application_received": D(2026, 11, 2),
        "ur_decision_date": D(2026, 10, 20),
        "date_of_injury": D(2025, 7, 22),
        "claim_number": "05-123456",
        "filed_by": "employee",
        "application_signed": "yes",
        "ur_decision_basis": "medical_necessity",
        "liability_disputed": "no",
        "injured_worker": {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": D(1968, 2, 1),
            "sex": "female",
        },
        "employer": {"name": "Acme Foods Inc."},
        "claims_administrator": {"name": "Pacific Claims Services"},
        "requesting_provider": {
            "name": "Dr. Lee Park",
            "specialty": "Orthopedic Surgery",
            "npi": "1234567890",
        },
        "ur_organization": {"name": "Coastal UR"},
        "diagnoses": ["right shoulder contusion"],
        "items": [
            {
                "description": "MRI of the right shoulder without contrast",
                "category": "diagnostic_imaging",
                "ur_citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
            },
            {
                "description": "Physical therapy, 12 visits",
                "category": "pt_ot",
                "original_request": "12 visits",
                "authorized_portion": "6 visits",
                "ur_citation": {"kind": "non_mtus", "text": "ODG Shoulder"},
            },
        ],
    }
    data.update(overrides)
    return data


def event_types(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))


def add_record(case, actor, *, kind="medical", title="PR-2 progress report"):
    return record_add(
        case=case, actor=actor, uploaded=pdf_upload("pr2.pdf"), title=title, kind=kind
    )


def run(*args) -> tuple[str, str]:
    """A management command's standard output and error."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_json(folder: Path, payload, name="cases.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def overrides_for(case) -> dict:
    """A written reason for every blocking check the case does not pass (most test cases have
    no UR decision on file): for tests of what comes after the finding, not of the screen."""
    return {
        check.key: Override(check.answers[0], "Checked against the paper file.")
        for check in eligibility_checks(case)
        if check.needs_override
    }
