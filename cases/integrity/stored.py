"""The one integrity check of a stored file: its bytes must hash to the SHA-256 recorded when it
was stored (HIPAA Security Rule, 45 CFR 164.312(c)(1) integrity and (c)(2) a mechanism to
authenticate electronic protected health information). Every download and every read that
passes a stored file on (an export, an e-mail attachment, a print batch) goes through
`stored_file_open` or `stored_file_bytes`; a file that fails is never served, and the failure is
reported (`integrity_failure_report`).

The kinds of stored file are registered by the rooms that own them (`stored_kind_register`):
the records room here in the case file, the letters room from the reviewer side above it, so
that the periodic check (`cases.integrity.checks`) walks all of them without an upward import."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet

from cases.integrity.models import IntegrityProblem, IntegritySource
from cases.integrity.report import integrity_failure_report

logger = logging.getLogger(__name__)

# Files are hashed in chunks of this size: a 50 MB record never sits in memory whole.
CHUNK_BYTES = 1024 * 1024
# A verified file up to this size is served from memory; larger ones from a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class StoredKind:
    """One kind of stored file: the rows that hold it, the file field and the hash field."""

    label: str  # what a person calls it: "Medical record", "Letter (party copy)"
    queryset: Callable[[], QuerySet]
    file_field: str
    sha256_field: str
    # The row's case (its `_id` attribute is read), or None for a file of no one case.
    case_field: str | None = "case"


_kinds: dict[str, StoredKind] = {}


def stored_kind_register(kind: StoredKind) -> None:
    _kinds[kind.label] = kind


def stored_kinds() -> list[StoredKind]:
    return list(_kinds.values())


def stored_kind_of(obj: Any, file_field: str) -> StoredKind:
    for kind in _kinds.values():
        if kind.file_field == file_field and isinstance(obj, kind.queryset().model):
            return kind
    raise LookupError(f"No stored kind is registered for {type(obj).__name__}.{file_field}")


class StoredFileCorrupt(Exception):
    """A stored file is missing or its bytes do not match the SHA-256 recorded for it. It has
    been reported (log, administrators' e-mail, case event); it must not be served."""

    def __init__(self, *, kind: str, obj: Any, problem: str):
        self.kind = kind
        self.obj = obj
        self.problem = problem
        super().__init__(f"{kind} {obj.pk}: {IntegrityProblem(problem).label}")


def file_sha256(handle: IO[bytes], copy_to: IO[bytes] | None = None) -> tuple[str, int]:
    """The SHA-256 and size of a file read in chunks (copied to `copy_to` as it is read)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest(), size


def stored_file_open(obj: Any, file_field: str, *, actor=None) -> IO[bytes]:
    """The stored file of `obj` as a readable binary file whose bytes were checked against the
    recorded SHA-256: the copy handed out is the one that was hashed, so nothing changed on disk
    between the check and the read is served. Raises StoredFileCorrupt (after reporting it)
    when the file is missing or does not match."""
    kind = stored_kind_of(obj, file_field)
    fieldfile = getattr(obj, file_field)
    expected = getattr(obj, kind.sha256_field)
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            actual, _size = file_sha256(handle, copy_to=copy)
    except FileNotFoundError:
        copy.close()
        _refuse(kind, obj, problem=IntegrityProblem.MISSING, actual="", actor=actor)
    if actual != expected:
        copy.close()
        _refuse(kind, obj, problem=IntegrityProblem.MISMATCH, actual=actual, actor=actor)
    copy.seek(0)
    return copy


def stored_file_bytes(obj: Any, file_field: str, *, actor=None) -> bytes:
    """The checked bytes of a stored file, for what needs them whole (an attachment, a batch)."""
    with stored_file_open(obj, file_field, actor=actor) as handle:
        return handle.read()


def _refuse(kind: StoredKind, obj: Any, *, problem: str, actual: str, actor) -> None:
    integrity_failure_report(
        kind=kind.label,
        object_id=obj.pk,
        case_id=getattr(obj, f"{kind.case_field}_id") if kind.case_field else None,
        path=getattr(obj, kind.file_field).name,
        expected=getattr(obj, kind.sha256_field),
        actual=actual,
        problem=problem,
        source=IntegritySource.DOWNLOAD,
        actor=actor,
    )
    raise StoredFileCorrupt(kind=kind.label, obj=obj, problem=problem)
