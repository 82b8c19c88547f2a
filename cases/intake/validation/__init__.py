"""Intake of applications from other systems (SPEC section 7): the JSON shape that `import_cases`,
the API and the intake form share. A payload is validated as a whole, every problem named by its
JSON path, and nothing is written unless all of it is valid.

One rule set, one checker (`checker.IntakeChecker`), split by subject: `keys` (the tables the
checker asks and the OpenAPI schema states), `dates` (dates and methods of service), `parties`
(the worker and the parties), `items` (disputed items and citations), `records` (medical records),
`determination` (a legacy determination), `existing` (checks against what is stored). Callers use
the entry points below; the tables are imported from `keys`."""

from cases.intake.validation.checker import (
    ImportResult,
    IntakeInvalid,
    intake_validate,
    payload_validate,
    record_validate,
)
from cases.intake.validation.existing import existing_checks, validation_error_paths
from cases.intake.validation.records import record_kind_infer, record_upload

__all__ = [
    "ImportResult",
    "IntakeInvalid",
    "existing_checks",
    "intake_validate",
    "payload_validate",
    "record_kind_infer",
    "record_upload",
    "record_validate",
    "validation_error_paths",
]
