"""Writes of medical records: the upload check, adding a record (its page count follows in a
Celery task, recorded in the outbox with the record), and recording each opening."""

from __future__ import annotations

import datetime as dt
import functools

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cases.integrity.stored import file_sha256
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.models import (
    Case,
)
from cases.lifecycle.services import case_lock
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.services import follow_up_add

# tasks.py imports this module by name (a task calls one service), so this side imports the
# module, not its names: each resolves at call time.
from cases.records import tasks
from cases.records.models import MedicalRecord, RecordKind
from cases.records.pdfcheck import PageCount, pdf_page_count, pdf_problem
from cases.records.selectors import records_in_file
from cases.records.storage import local_copy


def record_file_check(uploaded: UploadedFile) -> None:
    """A record must be a readable, unencrypted PDF by its content (not its name), within the
    size and page limits (cases.records.pdfcheck). Every door (the web, the API, import_cases)
    calls this before anything is stored."""
    limit = settings.RECORD_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            f"{uploaded.name}: the file is {uploaded.size / 1_048_576:.1f} MB; "
            f"the limit is {limit / 1_048_576:.0f} MB."
        )
    if uploaded.size == 0:
        raise ValidationError(f"{uploaded.name}: the file is empty.")
    problem = pdf_problem(uploaded, max_pages=settings.RECORD_MAX_PAGES)
    if problem:
        raise ValidationError(f"{uploaded.name}: {problem}")


def _files_taken_back_on_failure(service):
    """`service` in a transaction, handed the list in which `_record_create` notes each file it
    stores: if the service or its commit fails, the rollback takes the rows back and the files
    are deleted here, so no stored PDF is left that no record points to. (Inside a caller's
    transaction, intake's case_create, the caller deletes what it stored once it fails.)"""

    @functools.wraps(service)
    def run(**kwargs):
        stored: list[str] = []
        try:
            with transaction.atomic():
                return service(stored=stored, **kwargs)
        except BaseException:
            storage = MedicalRecord._meta.get_field("file").storage
            for name in stored:
                storage.delete(name)
            raise

    return run


@_files_taken_back_on_failure
def record_add(
    *,
    case: Case,
    actor,
    uploaded: UploadedFile,
    title: str,
    document_date: dt.date | None = None,
    kind: str = RecordKind.MEDICAL,
    source: str = "",
    stored: list[str],
) -> MedicalRecord:
    """Add a record to the case (intake; the case page adds through records_add)."""
    # Read the status under the lock: a case closed a moment ago takes no more records.
    case = case_lock(case)
    _record_addable(case, uploaded)
    digest = _sha256_of(uploaded)
    return _record_create(
        case=case,
        actor=actor,
        uploaded=uploaded,
        digest=digest,
        title=title,
        document_date=document_date,
        kind=kind,
        source=source,
        stored=stored,
    )


def _already_in_file(uploaded: UploadedFile, same: MedicalRecord, *, alone: bool) -> str:
    found = (
        f"{uploaded.name}: this PDF is already in the case file as “{same.title}”, "
        f"added {timezone.localtime(same.received_at):%m/%d/%Y}"
    )
    if not alone:  # the upload's last line says what to do
        return f"{found}."
    return f"{found}; nothing was added. {_REFILE}"


_REFILE = "To file it under another title, withdraw that record first."
# Said after the problems of an upload of several files: it is all or none.
NONE_ADDED = "Nothing was added: choose the files again without these."


@_files_taken_back_on_failure
def records_add(
    *,
    case: Case,
    actor,
    files: list[tuple[UploadedFile, str]],
    document_date: dt.date | None = None,
    kind: str = RecordKind.MEDICAL,
    source: str = "",
    stored: list[str],
) -> list[MedicalRecord]:
    """The case page's upload: each (file, title) a record, all or none. Every file is checked
    first, and refused if already in the case's file or chosen twice (it would be listed twice
    among the letter's documents reviewed); every problem is named at once. A failure while
    storing them takes back the files stored before it (_files_taken_back_on_failure), as the
    transaction takes back the rows."""
    case = case_lock(case)
    if Action.ADD_RECORD not in allowed_actions(case):
        raise ValidationError("Records cannot be added to a closed case.")
    problems: list[str] = []
    digests: dict[str, str] = {}
    for uploaded, _title in files:
        try:
            record_file_check(uploaded)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        digest = _sha256_of(uploaded)
        if digest in digests:
            problems.append(f"{uploaded.name}: the same PDF as {digests[digest]}, chosen twice.")
        elif (same := records_in_file(case).filter(sha256=digest).first()) is not None:
            problems.append(_already_in_file(uploaded, same, alone=len(files) == 1))
        digests.setdefault(digest, uploaded.name or "")
    if problems:
        if len(files) > 1:
            problems.append(NONE_ADDED)
        raise ValidationError(problems)
    return [
        _record_create(
            case=case,
            actor=actor,
            uploaded=uploaded,
            digest=_sha256_of(uploaded),
            title=title,
            document_date=document_date,
            kind=kind,
            source=source,
            stored=stored,
        )
        for uploaded, title in files
    ]


@_files_taken_back_on_failure
def record_add_once(
    *,
    case: Case,
    actor,
    uploaded: UploadedFile,
    title: str,
    document_date: dt.date | None = None,
    kind: str = RecordKind.MEDICAL,
    source: str = "",
    stored: list[str],
) -> tuple[MedicalRecord, bool]:
    """record_add for a sender that may send one record again (an API client retrying after a
    timeout): the same PDF under the same title and date, already in the case's file, is that
    record, returned with False; the same PDF under another title or date is refused, as the
    case page refuses it (it would be listed twice among the letter's documents reviewed);
    otherwise the record is added and returned with True."""
    case = case_lock(case)
    digest = _sha256_of(uploaded)
    # The case's records of this PDF (one query): a retry's, or another title's.
    same = list(records_in_file(case).filter(sha256=digest).order_by("pk"))
    for record in same:
        if record.title == title.strip() and record.document_date == document_date:
            return record, False
    if same:
        raise ValidationError({"content": _already_in_file(uploaded, same[0], alone=True)})
    _record_addable(case, uploaded)
    record = _record_create(
        case=case,
        actor=actor,
        uploaded=uploaded,
        digest=digest,
        title=title,
        document_date=document_date,
        kind=kind,
        source=source,
        stored=stored,
    )
    return record, True


def _record_addable(case: Case, uploaded: UploadedFile) -> None:
    """The case (locked by the caller, so a case closed a moment ago is seen closed) takes
    records, and the file is one it may take."""
    if Action.ADD_RECORD not in allowed_actions(case):
        raise ValidationError("Records cannot be added to a closed case.")
    record_file_check(uploaded)


def _record_create(
    *, case: Case, actor, uploaded, digest: str, title, document_date, kind, source, stored
) -> MedicalRecord:
    """The record of `case` (locked and checked by the caller), its file stored (its name noted
    in `stored`, for _files_taken_back_on_failure), its event written and its pages to be
    counted."""
    record = MedicalRecord(
        case=case,
        title=title.strip(),
        document_date=document_date,
        kind=kind,
        source=source.strip(),
        original_filename=(uploaded.name or "")[:255],
        size=uploaded.size or 0,
        sha256=digest,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Checked to be a PDF by its content: stored as one, whatever name it was uploaded under
    # (a name like x.html must never decide how the file is served).
    record.file.save("record.pdf", uploaded, save=False)
    stored.append(record.file.name)
    record.full_clean()
    record.save()
    events.record_added(case=case, actor=record.uploaded_by, record=record)

    follow_up_add(
        task=tasks.record_inspect.name,
        args=[record.pk],
        case=case,
        what=f"The pages of “{record.title}” will be counted",
    )
    return record


def _sha256_of(uploaded: UploadedFile) -> str:
    uploaded.seek(0)
    digest, _size = file_sha256(uploaded)
    uploaded.seek(0)
    return digest


def record_inspect_pages(*, record_id: int) -> MedicalRecord | None:
    """Count a record's pages (printed in the letter's list of documents reviewed), in a child
    process with a memory and a time limit; a file that cannot be counted within them is marked
    "could not be counted" with the reason. Idempotent. The count runs outside any transaction:
    it may take seconds and must hold no lock meanwhile."""
    record = MedicalRecord.objects.filter(pk=record_id).first()
    if record is None or record.pages is not None:
        return record
    try:
        # The child process reads a path: a copy on this machine's disk, wherever the store is.
        with local_copy(record.file.storage, record.file.name, suffix=".pdf") as path:
            count = pdf_page_count(
                path,
                max_pages=settings.RECORD_MAX_PAGES,
                memory_bytes=settings.RECORD_PAGE_COUNT_MEMORY_BYTES,
                seconds=settings.RECORD_PAGE_COUNT_SECONDS,
            )
    except FileNotFoundError:
        count = PageCount(None, "the stored file is missing.")
    except SoftTimeLimitExceeded:
        count = PageCount(None, "counting the pages took longer than the task's time limit.")
    return record_pages_record(record_id=record_id, count=count)


@transaction.atomic
def record_pages_record(*, record_id: int, count: PageCount) -> MedicalRecord | None:
    """Store a page count (0 pages and the problem when it could not be counted), once."""
    record = MedicalRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None or record.pages is not None:
        return record
    record.pages = count.pages or 0
    record.pages_problem = count.problem[
        : MedicalRecord._meta.get_field("pages_problem").max_length
    ]
    record.save(update_fields=["pages", "pages_problem"])
    events.record_inspected(case=record.case, record=record)
    return record


# The reason shows in the history and beside the struck-through record on the case page: a
# sentence, not a document (a 100,000-character paste made the page hang a phone's browser).
WITHDRAW_REASON_MAX_CHARS = 500


@transaction.atomic
def record_withdraw(*, record: MedicalRecord, actor, reason: str) -> MedicalRecord:
    """Withdraw a record filed by mistake (another patient's PDF, a wrong upload): kept on
    file, hidden from the reviewer and the letter, and the withdrawal is in the history.
    Before the letter is issued only: a signed letter is corrected by an amended version."""
    case = case_lock(record.case)
    record = MedicalRecord.objects.select_for_update().get(pk=record.pk)
    reason = visible_strip(reason or "")
    if Action.WITHDRAW_RECORD not in allowed_actions(case):
        raise ValidationError(
            "A record cannot be withdrawn once the case is closed; an issued letter is "
            "corrected by an amended version."
        )
    if record.withdrawn_at is not None:
        raise ValidationError(f"“{record.title}” is already withdrawn.")
    if not reason:
        raise ValidationError("Say why the record is withdrawn (e.g. another patient's record).")
    if len(reason) > WITHDRAW_REASON_MAX_CHARS:
        raise ValidationError(
            f"Keep the reason to {WITHDRAW_REASON_MAX_CHARS} characters (this one has "
            f"{len(reason):,}); “{record.title}” was not withdrawn."
        )
    record.withdrawn_at = timezone.now()
    record.withdrawn_reason = reason
    record.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
    record.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by"])
    events.record_withdrawn(case=case, actor=record.withdrawn_by, record=record, reason=reason)
    return record
