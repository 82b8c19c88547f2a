"""Bulk import in the browser: an intake file (the JSON import_cases reads, SPEC section 7)
uploaded by a case administrator, stored privately, and imported case by case by a Celery task
with its progress on the run. Unlike import_cases (all or nothing), each application stands on
its own: a refused one is named with its reasons and nothing of it is written; the others are
made. The rules are intake's own (cases.intake.validation, case_create)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator

from cases.intake import tasks
from cases.intake.corrections import facts_differing
from cases.intake.models import ImportRow, ImportRowOutcome, ImportRun, ImportRunStatus
from cases.intake.services import case_bulk_ready, case_create, cases_create_bulk
from cases.intake.validation import IntakeInvalid, existing_checks, payload_validate
from cases.integrity.stored import StoredFileCorrupt, stored_file_bytes
from cases.jsoncheck import (
    JsonError,
    JsonKeyRepeated,
    JsonTooDeep,
    json_loads,
    unstorable_problem,
)
from cases.lifecycle.history import fact_label
from cases.outbox.runs import run_stuck
from cases.outbox.services import follow_up_add
from cases.records.storage import private_storage

logger = logging.getLogger(__name__)

# An error's application: "$[12].items[0].category" belongs to "$[12]".
_ROW_OF_PATH = re.compile(r"^\$(\[\d+\])?")


class IntakeFileUnreadable(ValueError):
    """The file is not UTF-8 JSON; the message says where, after the file's name."""


def intake_file_parse(raw: bytes) -> Any:
    """The payload of an intake file's bytes (import_cases and the import page read it so).
    Raises IntakeFileUnreadable with what is wrong, worded to follow the file's name."""
    try:
        # A byte-order mark, which some editors write at the start of UTF-8, is not the JSON.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeFileUnreadable(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02X} at position {exc.start:,}): save "
            "it as UTF-8 and upload it again."
        ) from exc
    if not text.strip():
        raise IntakeFileUnreadable(
            "is empty: an intake file holds one application object or a list of them."
        )
    try:
        return json_loads(text)
    except json.JSONDecodeError as exc:
        raise IntakeFileUnreadable(
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    except JsonTooDeep as exc:
        raise IntakeFileUnreadable(f"{exc}: an intake file is a list of applications.") from exc
    except JsonKeyRepeated as exc:
        raise IntakeFileUnreadable(f"gives a key twice at {exc.path}: {exc.problem}.") from exc


# Faults that pass (the database or the file store away a moment, a worker out of memory):
# the run is left to Resume.
_PASSING_FAULTS = (OperationalError, InterfaceError, OSError, MemoryError)

# Rows of a run written in one transaction, their new cases together (cases_create_bulk).
IMPORT_CHUNK_ROWS = 100


class ApplicationImportFailed(Exception):
    """An application of a run could not be imported: a fault no rule foresaw (`fault`, also
    the cause), which would come again on every Resume, and where the application sits in the
    file (`path`), which the run's failure names. A passing fault is never wrapped in one: it
    stays itself, so the run is left to Resume."""

    def __init__(self, path: str, fault: Exception):
        super().__init__(f"the application at {path}: {type(fault).__name__}: {fault}")
        self.path = path
        self.fault = fault


class _Application(NamedTuple):
    """One application of a run's file: where it is, what it says, and what intake made of it
    (its cleaned data, or None, and its problems)."""

    position: int
    path: str
    raw: Any
    data: dict | None
    errors: list[JsonError]


def _applications(payload: Any) -> list[tuple[str, Any]]:
    if isinstance(payload, list):
        return [(f"$[{index}]", entry) for index, entry in enumerate(payload)]
    return [("$", payload)]


def import_run_start(*, actor, uploaded: UploadedFile) -> ImportRun:
    """Store an uploaded intake file, record its run and hand it to the task queue (through
    the outbox, in this transaction). Raises ValidationError, storing nothing, when the file is
    too large, not JSON, or holds no application."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if (uploaded.size or 0) > limit:
        raise ValidationError(
            f"The file is {uploaded.size / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB. Split it into smaller files."
        )
    raw = uploaded.read()
    name = Path(uploaded.name or "import.json").name[:255]
    try:
        payload = intake_file_parse(raw)
    except IntakeFileUnreadable as exc:
        raise ValidationError(f"{name} {exc}") from exc
    if not isinstance(payload, dict | list) or payload == []:
        raise ValidationError(
            f"{name} holds no application: give one application object or a list of them, "
            "each as the API's schema describes it."
        )
    run = ImportRun(
        created_by=actor,
        original_filename=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        total=len(payload) if isinstance(payload, list) else 1,
    )
    try:
        with transaction.atomic():
            run.file.save("import.json", ContentFile(raw), save=False)
            run.full_clean()
            run.save()
            follow_up_add(
                task=tasks.import_run_work.name,
                args=[run.pk],
                what=f"The cases of {name} will be imported",
            )
    except BaseException:
        if run.file.name:
            private_storage.delete(run.file.name)
        raise
    return run


def import_run_stuck(run: ImportRun, *, now: dt.datetime | None = None) -> bool:
    """A run nobody has worked on for IMPORT_RUN_STUCK_MINUTES (its worker died, or the
    broker lost its message): the administrator may resume it."""
    return run_stuck(run, minutes=settings.IMPORT_RUN_STUCK_MINUTES, now=now)


def import_run_resume(*, run: ImportRun, actor) -> ImportRun:
    """Send a stuck run to the task queue again. The task skips the rows already done (each
    row's outcome is written with its case), and an application already on file is never made
    twice (its application_id)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not import_run_stuck(run):
            raise ValidationError("This import is not stuck: it is finished or still working.")
        run.status = ImportRunStatus.QUEUED
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "heartbeat_at"])
        follow_up_add(
            task=tasks.import_run_work.name,
            args=[run.pk],
            what=f"The import of {run.original_filename} will be resumed",
            again=True,
        )
    return run


def _run_fail(run: ImportRun, error: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRunStatus.FAILED, error=error, finished_at=timezone.now()
    )


def import_run_work(*, run_id: int) -> bool:
    """The task's work: read the stored file, check every application with intake's rules,
    then make each valid new one, row by row, each row's outcome with its case in one
    transaction. A row already done (a resumed run) is skipped. Returns False when there was
    nothing to do."""
    run = ImportRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None or not run.working:
        return False
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        payload = intake_file_parse(stored_file_bytes(run, "file"))
    except IntakeFileUnreadable as exc:
        _run_fail(run, f"{run.original_filename} {exc}")
        return False
    except StoredFileCorrupt as exc:
        _run_fail(run, f"The stored file cannot be read: {exc}")
        return False
    entries, errors = payload_validate(payload, base_dir=None, today=None)
    applications = _applications(payload)
    if isinstance(payload, list):
        # Problems of the file as a whole ("$"): not one application's.
        whole = [str(error) for error in errors if error.path == "$"]
        if whole or not applications:
            _run_fail(run, "; ".join(whole) or "The file holds no application.")
            return False
    by_row: dict[str, list[JsonError]] = {}
    for error in errors:
        by_row.setdefault(_ROW_OF_PATH.match(error.path)[0], []).append(error)
    valid = dict(entries)
    done = set(run.rows.values_list("position", flat=True))
    ImportRun.objects.filter(pk=run.pk).update(total=len(applications))
    waiting = [
        _Application(position, path, raw, valid.get(path), by_row.get(path, []))
        for position, (path, raw) in enumerate(applications)
        if position not in done
    ]
    try:
        for start in range(0, len(waiting), IMPORT_CHUNK_ROWS):
            _rows_import(run, waiting[start : start + IMPORT_CHUNK_ROWS])
    except _PASSING_FAULTS:
        raise  # left running: the stuck check offers Resume, and the rows done stay done
    except Exception as exc:
        # A fault that would come again on every Resume (an application no rule foresaw):
        # the run says so and ends, instead of being stuck for good.
        logger.exception("import run %s stopped", run.pk)
        _run_stop(run, total=len(applications), exc=exc)
        return False
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRunStatus.FINISHED, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    return True


def _run_stop(run: ImportRun, *, total: int, exc: Exception) -> None:
    """Fail the run with the fault that stopped it and, when one application's, which."""
    made = ImportRun.objects.values_list("done", flat=True).get(pk=run.pk)
    if isinstance(exc, ApplicationImportFailed):
        which, fault = f"the one at {exc.path}", exc.fault
    else:
        which, fault = "one", exc
    _run_fail(
        run,
        f"Stopped after {made:,} of {total:,} applications: {which} could not be imported "
        f"({type(fault).__name__}: {fault}). The applications done are kept; import the file "
        "again without it, or send it to support with this message (applications already "
        "made are found, not made twice).",
    )


def _alone(application: _Application) -> bool:
    """An application written on its own, not with its chunk: a new case with more than its
    own rows (records to store, a legacy determination), whose writing may take long; a
    chunk's transaction (and its lock on the run) stays short, and the run's progress moves."""
    data = application.data
    return data is not None and not application.errors and not case_bulk_ready(data)


def _rows_import(run: ImportRun, chunk: list[_Application]) -> None:
    """A chunk of applications, in the file's order: the runs of plain ones each in one
    transaction, their new cases written together; an application with records alone. If
    writing a run of them fails (an application the database refuses, a case another door
    made a moment ago), it is rolled back and done again row by row, so one bad application
    takes none of the others with it."""
    together: list[_Application] = []

    def together_import() -> None:
        if not together:
            return
        try:
            _rows_import_together(run, together)
        except _PASSING_FAULTS:
            raise
        except Exception:  # one application the database or the writer refused: row by row
            for application in together:
                _application_import(run, application)
        together.clear()

    for application in chunk:
        if _alone(application):
            together_import()
            _application_import(run, application)
        else:
            together.append(application)
    together_import()


def _application_import(run: ImportRun, application: _Application) -> None:
    try:
        _row_import(
            run,
            position=application.position,
            path=application.path,
            raw=application.raw,
            data=application.data,
            errors=application.errors,
        )
    except _PASSING_FAULTS:
        raise  # as it is, before any wrapping: the run is left to Resume
    except Exception as exc:
        raise ApplicationImportFailed(application.path, exc) from exc


def _rows_import_together(run: ImportRun, chunk: list[_Application]) -> None:
    """The chunk's outcomes and cases, and the run's progress, in one transaction under the
    run's lock (a second worker on the same run waits, then finds the rows done). The cases
    are made as _row_import makes them one by one, numbered in the file's order. Plain
    applications only: their cases are their own rows, no file to store."""
    actor = run.created_by
    with transaction.atomic():
        ImportRun.objects.select_for_update().filter(pk=run.pk).first()
        done = set(
            ImportRow.objects.filter(
                run=run, position__in=[application.position for application in chunk]
            ).values_list("position", flat=True)
        )
        chunk = [application for application in chunk if application.position not in done]
        if not chunk:
            return
        checked = [
            (application.path, application.data)
            for application in chunk
            if application.data is not None and not application.errors
        ]
        existing, problems = existing_checks(checked, actor=actor)
        problems_by_row: dict[str, list[JsonError]] = {}
        for problem in problems:
            problems_by_row.setdefault(_ROW_OF_PATH.match(problem.path)[0], []).append(problem)
        rows: list[ImportRow] = []
        # The new cases, written together once every row is sorted.
        batch: list[tuple[ImportRow, dict]] = []
        for application in chunk:
            row = _row_new(run, application)
            rows.append(row)
            data = application.data
            if application.errors or data is None:
                row.reasons = [str(error) for error in application.errors]
            elif row.path in problems_by_row:
                row.reasons = [str(problem) for problem in problems_by_row[row.path]]
            elif data["application_id"] in existing:
                row.case = existing[data["application_id"]]
                row.outcome = ImportRowOutcome.EXISTING
                row.reasons = _differing(row.case, data)
            else:
                # Plain applications only (_rows_import sends the others alone).
                batch.append((row, data))
        if batch:
            cases = cases_create_bulk(
                batch=[(row.path, data, None) for row, data in batch],
                actor=actor,
                source="import",
            )
            for (row, _data), case in zip(batch, cases, strict=True):
                row.case, row.outcome = case, ImportRowOutcome.CREATED
        ImportRow.objects.bulk_create(rows)
        refused = sum(row.outcome == ImportRowOutcome.REFUSED for row in rows)
        ImportRun.objects.filter(pk=run.pk).update(
            done=F("done") + len(rows),
            failed=F("failed") + refused,
            heartbeat_at=timezone.now(),
        )


def _row_new(run: ImportRun, application: _Application) -> ImportRow:
    """An application's outcome, refused until its case is made or found."""
    raw = application.raw
    application_id = (application.data or {}).get("application_id") or (
        raw.get("application_id") if isinstance(raw, dict) else ""
    )
    application_id = str(application_id or "")
    if unstorable_problem(application_id):
        application_id = json.dumps(application_id)[1:-1]  # as its escapes, refused already
    return ImportRow(
        run=run,
        path=application.path,
        position=application.position,
        application_id=application_id[:64],
        worker_name=_worker_named(raw),
        outcome=ImportRowOutcome.REFUSED,
    )


def _worker_named(raw: Any) -> str:
    """The injured worker as the file names them, "Last, First", or "" (a name that no field
    can store, or not text, is left out: its refusal says why)."""
    worker = raw.get("injured_worker") if isinstance(raw, dict) else None
    if not isinstance(worker, dict):
        return ""
    parts = [worker.get("last_name"), worker.get("first_name")]
    names = [part.strip() for part in parts if isinstance(part, str) and part.strip()]
    if any(unstorable_problem(name) for name in names):
        return ""
    return Truncator(", ".join(names)).chars(120)


def _row_import(
    run: ImportRun, *, position: int, path: str, raw: Any, data: dict | None, errors: list
) -> None:
    """One application: its case made (or found on file) or its refusal, and the run's
    progress, in one transaction under the run's lock (a second worker on the same run waits,
    then finds the row done)."""
    actor = run.created_by
    stored: list[str] = []
    try:
        with transaction.atomic():
            ImportRun.objects.select_for_update().filter(pk=run.pk).first()
            if ImportRow.objects.filter(run=run, position=position).exists():
                return
            row = _row_new(run, _Application(position, path, raw, data, errors))
            if errors or data is None:
                row.reasons = [str(error) for error in errors]
            else:
                _row_case(row, data=data, actor=actor)
                if row.outcome == ImportRowOutcome.CREATED:
                    stored = list(row.case.records.values_list("file", flat=True))
            row.save()
            refused = row.outcome == ImportRowOutcome.REFUSED
            ImportRun.objects.filter(pk=run.pk).update(
                done=F("done") + 1,
                failed=F("failed") + (1 if refused else 0),
                heartbeat_at=timezone.now(),
            )
    except BaseException:
        # The case's rows are rolled back with the row's outcome; its PDFs are not.
        for name in stored:
            private_storage.delete(name)
        raise


def _row_case(row: ImportRow, *, data: dict, actor) -> None:
    entry = [(row.path, data)]
    existing, problems = existing_checks(entry, actor=actor)
    if not problems and not existing:
        try:
            row.case = case_create(data=data, actor=actor, source="import", path=row.path)
            row.outcome = ImportRowOutcome.CREATED
            return
        except IntakeInvalid as exc:
            problems = exc.errors
        except IntegrityError:
            # Made a moment ago by another door (the API, import_cases): look again.
            existing, problems = existing_checks(entry, actor=actor)
    if problems:
        row.reasons = [str(problem) for problem in problems]
        return
    case = existing[data["application_id"]]
    row.case = case
    row.outcome = ImportRowOutcome.EXISTING
    row.reasons = _differing(case, data)


def _differing(case, data: dict) -> list[str]:
    """An application already on file whose row gives other facts: which, said on the page
    (an application_id reused for another application); nothing is changed."""
    message = differs_message(facts_differing(case, data))
    return [message] if message else []


def differs_message(paths) -> str:
    """What an application already on file, sent again with other facts, is told (the import
    page, import_cases): which facts, and that nothing was changed."""
    if not paths:
        return ""
    facts = ", ".join(fact_label(path) for path in paths)
    return f"This file gives other facts than the case on file: {facts}. Nothing was changed."
