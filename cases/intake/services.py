"""Writes to the case file. Each function is one business step in one transaction, checks that
the step is allowed, and records what it did as a case event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.eligibility.services import _eligible_and_notice
from cases.intake.corrections import facts_differing
from cases.intake.models import IntakeDraft, IntakeDraftFile
from cases.intake.validation import (
    ImportResult,
    IntakeInvalid,
    existing_checks,
    payload_validate,
    record_upload,
    validation_error_paths,
)
from cases.lifecycle import events
from cases.lifecycle.models import (
    Answer,
    AuthorizationKind,
    Case,
    DisputedItem,
    FiledBy,
    Party,
    PartyRole,
    UrDecisionBasis,
)
from cases.lifecycle.services import (
    DUE_ON_FIELDS,
    _case_number_reserve,
    case_due_on_refresh,
    case_number_next,
    case_numbers_next,
    case_numbers_reserve,
)
from cases.records.services import record_add, record_file_check
from cases.records.storage import private_storage
from cases.registry import reviewer_side


def case_create(
    *,
    data: dict[str, Any],
    actor=None,
    source: str = "ui",
    path: str = "$",
    case_number: str | None = None,
    draft_id: int | None = None,
) -> Case:
    """Create a case with its parties, items, records and any legacy determination, in one
    transaction, from cleaned intake data (`intake_validate`'s output: the intake JSON of SPEC
    section 7 with dates as `date` objects). Every door (the form, import_cases, the API, the
    demo seeder) comes through here. Raises IntakeInvalid, naming each problem by its JSON path
    under `path`, having written nothing (and removed any PDF it stored).

    A case may arrive with its number and a Date Assigned (from another system); otherwise we
    give the number and the administrator later sends the notice of assignment. `case_number`
    is one already taken from the counter for it (case_numbers_next, an import's block);
    `draft_id` the intake form's draft it was made from, kept in its received event."""
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            case = _case_row_create(
                data=data,
                actor=actor,
                source=source,
                path=path,
                case_number=case_number,
                draft_id=draft_id,
            )
            for index, record in enumerate(data.get("records") or []):
                upload = record_upload(record)
                try:
                    added = record_add(
                        case=case,
                        actor=actor,
                        uploaded=upload,
                        title=record["title"],
                        document_date=record.get("document_date"),
                        kind=record["kind"],
                        source=record.get("source") or "",
                    )
                except ValidationError as exc:
                    raise IntakeInvalid(
                        validation_error_paths(exc, f"{path}.records[{index}]")
                    ) from exc
                finally:
                    if record.get("upload") is None:
                        upload.close()
                stored_files.append(added.file.name)
            if data.get("determination"):
                try:
                    reviewer_side().legacy_determination_import(
                        case=case,
                        actor=actor,
                        determination=data["determination"],
                        source=source,
                    )
                except ValidationError as exc:
                    raise IntakeInvalid(
                        validation_error_paths(exc, f"{path}.determination")
                    ) from exc
                case.refresh_from_db()
    except BaseException:
        # The rows are rolled back; the stored PDFs are not, so remove them too.
        for name in stored_files:
            private_storage.delete(name)
        raise
    return case


def _case_row_create(
    *,
    data: dict[str, Any],
    actor,
    source: str,
    path: str,
    case_number: str | None,
    draft_id: int | None = None,
) -> Case:
    """The case, its parties and items, and the received event (no records)."""
    try:
        return _case_rows_save(
            data=data, actor=actor, source=source, allocated=case_number, draft_id=draft_id
        )
    except ValidationError as exc:
        raise IntakeInvalid(validation_error_paths(exc, path)) from exc


def _case_rows_save(
    *,
    data: dict[str, Any],
    actor,
    source: str,
    allocated: str | None,
    draft_id: int | None = None,
) -> Case:
    case_number = data.get("case_number")
    if case_number:
        if Case.objects.filter(case_number=case_number).exists():
            raise ValidationError({"case_number": f"Case number {case_number} is already in use."})
        _case_number_reserve(case_number)
    elif allocated:
        case_number = allocated
    else:
        case_number = case_number_next(year=data["application_received"].year)
    case = _case_new(data=data, actor=actor, source=source, case_number=case_number)
    case.full_clean(exclude=["due_on"])
    case.save()
    for party in _parties_new(case, data):
        party.full_clean()
        party.save()
    for item in _items_new(case, data):
        item.full_clean()
        item.save()
    events.case_received(case=case, actor=case.created_by, source=source, draft=draft_id)
    if data.get("date_assigned"):
        # The other system already found it eligible and sent the notice of assignment.
        _eligible_and_notice(
            case=case,
            actor=case.created_by,
            notice_on=data["date_assigned"],
            # Blank when the sender did not say how it went: not guessed.
            sent_by=data.get("notice_sent_by") or "",
            reasons=["Found eligible before intake (Date Assigned given)."],
            produce_notice=False,
        )
    else:
        # The clock runs from the first day: the finding and the notice of assignment are due
        # one business day after receipt (8 CCR 9792.10.4(b)); the case list sorts by it.
        case_due_on_refresh(case)
        case.save(update_fields=list(DUE_ON_FIELDS))
    return case


# New cases written together by cases_create_bulk: one INSERT per table for this many.
IMPORT_BATCH = 500
ROWS_PER_INSERT = 1_000


def case_bulk_ready(data: dict[str, Any]) -> bool:
    """Whether a new case is only its own rows (the case, parties, items, the received event),
    so cases_create_bulk can write it with others: no record files, no legacy determination,
    no Date Assigned (its finding and notice are steps of their own), no number of its own."""
    return not (
        data.get("records")
        or data.get("determination")
        or data.get("date_assigned")
        or data.get("case_number")
    )


def cases_create_bulk(
    *, batch: list[tuple[str, dict[str, Any], str | None]], actor, source: str
) -> list[Case]:
    """Create cases that case_bulk_ready accepts, each with the rows case_create gives it, with
    one INSERT per table for the whole batch of (JSON path, cleaned data, number). Written one
    by one, each case's rows took about 26 queries, so an import on PostgreSQL ran at half
    its aim (issue 12). A number None is taken from the counter, in one block per year in
    the batch's order, as case_create would take them one by one. Every case is checked before
    anything is written; raises IntakeInvalid naming the first that fails by its path, having
    written nothing.

    Not checked against the table row by row (a query each): the application ids are checked
    by existing_checks and the file's own check for repeats, the counter's numbers skip any in
    use, and each party and item is one of its case's by construction. A case another door
    makes meanwhile fails the INSERT with IntegrityError, as case_create would."""
    wanted: dict[int, list[int]] = {}
    for index, (_path, data, number) in enumerate(batch):
        if number is None:
            wanted.setdefault(data["application_received"].year, []).append(index)
    cases: list[Case] = []
    parties: list[Party] = []
    items: list[DisputedItem] = []
    with transaction.atomic():
        numbers: dict[int, str] = {}
        for year, indexes in wanted.items():
            block = case_numbers_next(year=year, count=len(indexes))
            numbers.update(zip(indexes, block, strict=True))
        for index, (path, data, number) in enumerate(batch):
            case = _case_new(
                data=data, actor=actor, source=source, case_number=number or numbers[index]
            )
            case_parties, case_items = _parties_new(case, data), _items_new(case, data)
            try:
                case.full_clean(exclude=["due_on"], validate_unique=False)
                for row in (*case_parties, *case_items):
                    row.full_clean(exclude=["case"], validate_constraints=False)
            except ValidationError as exc:
                raise IntakeInvalid(validation_error_paths(exc, path)) from exc
            # The first day's clock (8 CCR 9792.10.4(b)), as _case_rows_save stores it.
            case_due_on_refresh(case)
            cases.append(case)
            parties.extend(case_parties)
            items.extend(case_items)
        Case.objects.bulk_create(cases)
        # A case may have many items: no one INSERT grows past the database's limits.
        Party.objects.bulk_create(parties, batch_size=ROWS_PER_INSERT)
        DisputedItem.objects.bulk_create(items, batch_size=ROWS_PER_INSERT)
        events.cases_received(cases=cases, source=source)
    return cases


def _case_new(*, data: dict[str, Any], actor, source: str, case_number: str) -> Case:
    """The case row of cleaned intake data, unsaved."""
    worker = data["injured_worker"]
    return Case(
        case_number=case_number,
        application_id=data["application_id"],
        priority=data.get("priority") or "standard",
        application_received=data["application_received"],
        ur_decision_date=data["ur_decision_date"],
        ur_decision_served_on=data.get("ur_decision_served_on"),
        ur_decision_served_by=data.get("ur_decision_served_by") or "",
        date_of_injury=data["date_of_injury"],
        claim_number=data["claim_number"],
        adj_number=data.get("adj_number") or "",
        filed_by=data.get("filed_by") or FiledBy.NOT_STATED,
        application_signed=data.get("application_signed") or Answer.NOT_STATED,
        ur_decision_basis=data.get("ur_decision_basis") or UrDecisionBasis.NOT_STATED,
        liability_disputed=data.get("liability_disputed") or Answer.NOT_STATED,
        designated_on=data.get("designated_on"),
        worker_first_name=worker["first_name"],
        worker_last_name=worker["last_name"],
        worker_date_of_birth=worker.get("date_of_birth"),
        worker_age=worker.get("age"),
        worker_sex=worker.get("sex") or "unknown",
        worker_email=worker.get("email") or "",
        worker_address=worker.get("address") or "",
        worker_delivery_method=worker.get("delivery_method") or "",
        worker_e_service_consent=bool(worker.get("e_service_consent")),
        diagnoses=list(data.get("diagnoses") or []),
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _parties_new(case: Case, data: dict[str, Any]) -> list[Party]:
    """The case's parties, unsaved, one per role given."""
    parties = []
    for role in PartyRole.values:
        party = data.get(role)
        if party:
            parties.append(
                Party(
                    case=case,
                    role=role,
                    name=party["name"],
                    identifier=party.get("identifier") or party.get("npi") or "",
                    specialty=party.get("specialty") or "",
                    email=party.get("email") or "",
                    address=party.get("address") or "",
                    delivery_method=party.get("delivery_method") or "",
                    e_service_consent=bool(party.get("e_service_consent")),
                )
            )
    return parties


def _items_new(case: Case, data: dict[str, Any]) -> list[DisputedItem]:
    """The case's disputed items, unsaved, numbered in the order given."""
    items = []
    for position, item in enumerate(data["items"], start=1):
        citation = item.get("ur_citation") or {"kind": "none", "text": ""}
        items.append(
            DisputedItem(
                case=case,
                position=position,
                description=item["description"],
                category=item["category"],
                original_request=item.get("original_request") or "",
                authorized_portion=item.get("authorized_portion") or "",
                authorization_kind=item.get("authorization_kind") or AuthorizationKind.PORTION,
                ur_citation_kind=citation["kind"],
                ur_citation_text=citation.get("text") or "",
                formulary_dispute=bool(item.get("formulary_dispute")),
                drug_class=item.get("drug_class") or "",
            )
        )
    return items


def cases_import(
    *, payload: Any, actor=None, source: str = "import", base_dir: Path | None = None
) -> list[ImportResult]:
    """Validate everything, then create every new case (with its records and any legacy
    determination) in one transaction. An application already known by its application_id is
    not touched: its result says `created=False` with its current number and status. Raises
    IntakeInvalid, having written nothing, if anything is wrong. `actor` None means the
    system itself (import_cases); otherwise it limits what the actor may see and bring."""
    entries, errors = payload_validate(payload, base_dir=base_dir, today=None)
    # Two passes at most: a concurrent request may create one of these applications between
    # our check and our insert; the second pass then reports it as existing.
    for attempt in (1, 2):
        existing, db_errors = existing_checks(entries, actor=actor)
        if errors or db_errors:
            raise IntakeInvalid(errors + db_errors)
        try:
            return _cases_write(entries, existing=existing, actor=actor, source=source)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _cases_write(entries, *, existing, actor, source) -> list[ImportResult]:
    stored_files: list[str] = []
    results: dict[str, ImportResult] = {}
    # New cases that are only their own rows, waiting to be written together.
    batch: list[tuple[str, dict[str, Any], str | None]] = []

    def batch_write() -> None:
        if not batch:
            return
        for case in cases_create_bulk(batch=batch, actor=actor, source=source):
            results[case.application_id] = ImportResult(
                case.application_id, case.case_number, case.status, True
            )
        batch.clear()

    try:
        with transaction.atomic():
            new = [data for _path, data in entries if data["application_id"] not in existing]
            numbers = _case_numbers_for(new)
            for path, data in entries:
                case = existing.get(data["application_id"])
                if case is not None:
                    results[case.application_id] = ImportResult(
                        case.application_id,
                        case.case_number,
                        case.status,
                        False,
                        differs=facts_differing(case, data),
                    )
                    continue
                number = None if data.get("case_number") else numbers[data["application_id"]]
                if case_bulk_ready(data):
                    batch.append((path, data, number))
                    if len(batch) >= IMPORT_BATCH:
                        batch_write()
                    continue
                # In the file's order: the cases before it first (an error names the first
                # application that has one).
                batch_write()
                case = case_create(
                    data=data, actor=actor, source=source, path=path, case_number=number
                )
                stored_files.extend(case.records.values_list("file", flat=True))
                results[case.application_id] = ImportResult(
                    case.application_id, case.case_number, case.status, True
                )
            batch_write()
    except BaseException:
        # A later application failed: the earlier cases' rows are rolled back, their PDFs
        # are not, so remove them too.
        for name in stored_files:
            private_storage.delete(name)
        raise
    return [results[data["application_id"]] for _path, data in entries]


def _case_numbers_for(new: list[dict[str, Any]]) -> dict[str, str]:
    """The numbers of an import's new cases, by application id, taken in one block per year
    (in the file's order), after moving the counter past any number a case brings."""
    case_numbers_reserve(data["case_number"] for data in new if data.get("case_number"))
    by_year: dict[int, list[str]] = {}
    for data in new:
        if not data.get("case_number"):
            by_year.setdefault(data["application_received"].year, []).append(data["application_id"])
    numbers: dict[str, str] = {}
    for year, application_ids in by_year.items():
        try:
            block = case_numbers_next(year=year, count=len(application_ids))
        except ValidationError as exc:
            raise IntakeInvalid(validation_error_paths(exc, "$")) from exc
        numbers.update(zip(application_ids, block, strict=True))
    return numbers


# --- The intake form's draft ----------------------------------------------------------------

# What one draft may hold: the form has about 60 fields plus 50 item and 50 record rows; its
# longest field as intake takes it is the diagnoses, 50 lines of 500 characters (25,049 with
# the line ends, 25,098 if the browser sends them as CRLF).
DRAFT_MAX_FIELDS = 2_000
DRAFT_MAX_VALUE = 30_000
# As many record rows as the form takes (forms.RecordFormSet's max_num).
DRAFT_MAX_RECORD_ROWS = 50
DRAFT_RECORD_ROW = re.compile(r"^records-(\d+)$")


@dataclass(frozen=True)
class DraftSaveResult:
    draft: IntakeDraft
    # Another window saved since this one's version: only this window's changed fields were
    # written, the others keep what the other window saved.
    merged: bool = False
    # Fields longer than a draft keeps, (name, length): not written (the draft keeps what it
    # held for them), the rest is; the page names them to shorten.
    too_long: tuple[tuple[str, int], ...] = ()


def intake_draft_save(
    *,
    owner,
    draft: IntakeDraft | None,
    values: dict[str, str],
    changed: list[str] | None = None,
    version: int | None = None,
) -> DraftSaveResult:
    """Keep what the intake form holds (`values`: field name -> text). A new draft when
    `draft` is None. With `changed` (the fields this window changed since the server last
    confirmed) and an older `version`, only those fields are written; without them the form's
    values replace the draft's (a plain form post carries the whole form). A field longer
    than DRAFT_MAX_VALUE is not written and is named in the result (from QA: one such field
    was a server error and lost the whole form)."""
    if len(values) > DRAFT_MAX_FIELDS:
        raise ValidationError("The form holds more fields than a draft can keep; reload the page.")
    too_long = tuple(
        (key, len(str(value))) for key, value in values.items() if len(str(value)) > DRAFT_MAX_VALUE
    )
    skipped = {key for key, _ in too_long}
    values = {key: value for key, value in values.items() if key not in skipped}
    if changed is not None:
        changed = [key for key in changed if key not in skipped]
    with transaction.atomic():
        if draft is None:
            draft = IntakeDraft(owner=owner, values=dict(values))
            draft.full_clean()
            draft.save()
            return DraftSaveResult(draft=draft, too_long=too_long)
        draft = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
        merged = changed is not None and version != draft.version
        if merged:
            new_values = dict(draft.values)
            for key in changed:
                if key in values:
                    new_values[key] = values[key]
                else:  # an unticked box is not posted
                    new_values.pop(key, None)
        else:
            new_values = dict(values)
            # A field too long keeps what the draft held for it.
            new_values.update({key: draft.values[key] for key in skipped if key in draft.values})
        if new_values != draft.values:
            draft.values = new_values
            draft.version += 1
            draft.updated_at = timezone.now()
            draft.full_clean()
            draft.save()
    return DraftSaveResult(draft=draft, merged=merged, too_long=too_long)


def intake_draft_file_add(*, draft: IntakeDraft, row: str, uploaded: UploadedFile):
    """Keep a record file chosen in row `row` ("records-0") with the draft, replacing the one
    chosen there before. Checked as a record is (a PDF, within the size limit); raises
    ValidationError with the reason otherwise. Stored privately; it becomes a MedicalRecord
    only when the case is created."""
    match = DRAFT_RECORD_ROW.match(row)
    if match is None or int(match[1]) >= DRAFT_MAX_RECORD_ROWS:
        raise ValidationError("The form is damaged; reload the page.")
    record_file_check(uploaded)
    replaced: list[str] = []
    stored = IntakeDraftFile(
        row=row,
        original_filename=Path(uploaded.name or "record.pdf").name[:255],
        size=uploaded.size or 0,
    )
    try:
        with transaction.atomic():
            draft = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
            for old in draft.files.filter(row=row):
                replaced.append(old.file.name)
                old.delete()
            stored.draft = draft
            stored.file.save(uploaded.name or "record.pdf", uploaded, save=False)
            stored.full_clean()
            stored.save()
            draft.updated_at = timezone.now()
            draft.save(update_fields=["updated_at"])
            transaction.on_commit(lambda: _stored_delete(replaced))
    except BaseException:
        if stored.file.name:
            private_storage.delete(stored.file.name)
        raise
    return stored


def intake_draft_file_remove(*, draft_file: IntakeDraftFile) -> None:
    name = draft_file.file.name
    with transaction.atomic():
        draft_file.delete()
        transaction.on_commit(lambda: _stored_delete([name]))


def intake_draft_discard(*, draft: IntakeDraft) -> None:
    """Drop a draft and its files ("Start over", or its case was created)."""
    with transaction.atomic():
        names = list(draft.files.values_list("file", flat=True))
        draft.delete()
        transaction.on_commit(lambda: _stored_delete(names))


def case_create_from_form(*, data: dict[str, Any], actor, draft: IntakeDraft | None = None) -> Case:
    """The intake form's submission: the case, and its draft gone, in one transaction."""
    with transaction.atomic():
        case = case_create(
            data=data, actor=actor, source="ui", draft_id=draft.pk if draft is not None else None
        )
        if draft is not None:
            intake_draft_discard(draft=draft)
    return case


def _stored_delete(names: list[str]) -> None:
    for name in names:
        private_storage.delete(name)
