"""The periodic re-check of every stored file (the beat task and `manage.py verify_files`):
each registered kind is read in batches of rows, each file hashed in chunks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from cases.integrity.models import (
    IntegrityCheckRun,
    IntegrityFinding,
    IntegrityProblem,
    IntegritySource,
)
from cases.integrity.report import integrity_failure_report, integrity_run_report
from cases.integrity.stored import file_sha256, stored_kinds

logger = logging.getLogger(__name__)

# Rows fetched per query: memory stays flat however many files there are.
BATCH_ROWS = 500


@dataclass
class CheckResult:
    run: IntegrityCheckRun
    findings: list[IntegrityFinding] = field(default_factory=list)


def stored_files_verify() -> CheckResult:
    """Hash every stored file that has a recorded SHA-256 and report each that is missing or
    does not match: findings, case events, ERROR logs and one e-mail to the administrators."""
    run = IntegrityCheckRun.objects.create()
    result = CheckResult(run=run)
    for kind in stored_kinds():
        columns = ["pk", kind.file_field, kind.sha256_field]
        if kind.case_field:
            columns.append(f"{kind.case_field}_id")
        rows = (
            kind.queryset()
            .exclude(**{kind.file_field: ""})
            .exclude(**{kind.sha256_field: ""})
            .only(*columns)
            .order_by("pk")
        )
        for obj in rows.iterator(chunk_size=BATCH_ROWS):
            fieldfile = getattr(obj, kind.file_field)
            expected = getattr(obj, kind.sha256_field)
            try:
                with fieldfile.storage.open(fieldfile.name, "rb") as handle:
                    actual, size = file_sha256(handle)
            except FileNotFoundError:
                actual, size, problem = "", 0, IntegrityProblem.MISSING
            except Exception:  # noqa: BLE001 - one unreadable file must not end the run
                # Permissions, a storage that refuses, a read that fails half way: this file's
                # finding (the log has the error), and the check goes on to the next file.
                logger.exception("integrity check: %s %s could not be read", kind.label, obj.pk)
                actual, size, problem = "", 0, IntegrityProblem.UNREADABLE
            else:
                problem = IntegrityProblem.MISMATCH if actual != expected else None
            run.files_checked += 1
            run.bytes_checked += size
            if problem is None:
                continue
            result.findings.append(
                integrity_failure_report(
                    kind=kind.label,
                    object_id=obj.pk,
                    case_id=getattr(obj, f"{kind.case_field}_id") if kind.case_field else None,
                    path=fieldfile.name,
                    expected=expected,
                    actual=actual,
                    problem=problem,
                    source=IntegritySource.CHECK,
                    run=run,
                    mail=False,
                )
            )
    run.problems = len(result.findings)
    run.finished_at = timezone.now()
    run.save(update_fields=["files_checked", "bytes_checked", "problems", "finished_at"])
    integrity_run_report(run, result.findings)
    return result
