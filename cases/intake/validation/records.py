"""The medical records sent with an application or on their own: the file (a path next to
the JSON, base64 content, or an upload), its checks and digest, and the kind a title implies."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.intake.validation.base import IntakeCheckerBase, max_length_of
from cases.intake.validation.keys import EXPORT_ONLY_RECORD_KEYS, RECORD_KEYS, RECORD_REQUIRED
from cases.integrity.stored import file_sha256
from cases.records.models import MedicalRecord, RecordKind
from cases.records.services import record_file_check

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


def record_kind_infer(title: str) -> str:
    """A record's kind when the sender gave none: the UR decision, the IMR application or the
    physician's certification if the title says so, otherwise a medical record."""
    if _APPLICATION_TITLE.search(title):
        return RecordKind.APPLICATION
    if _UR_DECISION_TITLE.search(title):
        return RecordKind.UR_DECISION
    return RecordKind.CERTIFICATION if _CERTIFICATION_TITLE.search(title) else RecordKind.MEDICAL


class RecordChecks(IntakeCheckerBase):
    """The records of an application, or one record on its own."""

    def records(self, raw: dict, path: str) -> list[dict]:
        records = self.array(raw, "records", path, required=False, what="the medical records")
        cleaned = []
        # A PDF sent twice in one application would be listed twice among the letter's
        # documents reviewed: the case page and the records API refuse it, and so does intake.
        first_of: dict[str, str] = {}  # digest -> the title of the record that had it first
        for index, record in enumerate(records or []):
            here = f"{path}.records[{index}]"
            result = self.record(record, here)
            if result is None:
                continue
            digest = record_digest(result)
            if digest in first_of:
                self.error(
                    here,
                    f"is the same PDF as “{first_of[digest]}”, an earlier record of this "
                    "application; send each record once",
                )
                continue
            first_of[digest] = result["title"] or result["filename"]
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
            max_length=max_length_of(MedicalRecord, "title"),
        )
        kind = self.choice(
            record, "kind", here, RecordKind.values, required=False, what="a record kind"
        )
        cleaned = {
            "title": title,
            "document_date": self.date(record, "document_date", here),
            "kind": kind or record_kind_infer(title or ""),
            "source": self.text(
                record, "source", here, max_length=max_length_of(MedicalRecord, "source")
            ),
            "filename": self.text(
                record,
                "filename",
                here,
                max_length=max_length_of(MedicalRecord, "original_filename"),
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
            if record.get("content") == "":
                self.error(f"{here}.content", "is empty; give the PDF in base64")
            elif record.get("file") == "":
                self.error(f"{here}.file", "is empty; give the PDF's path")
            else:
                self.error(
                    here,
                    "needs file (a PDF path relative to the JSON file) or content (the PDF in "
                    "base64)",
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
        if record_digest(cleaned) != expected.lower():
            self.error(f"{here}.sha256", "does not match the record's content")


def record_digest(cleaned: dict) -> str:
    """The SHA-256 of a cleaned record's bytes, whichever way they came (an upload is left at
    its start)."""
    if cleaned["content"] is not None:
        return hashlib.sha256(cleaned["content"]).hexdigest()
    if cleaned["upload"] is not None:
        upload = cleaned["upload"]
        upload.seek(0)
        digest, _size = file_sha256(upload)
        upload.seek(0)
        return digest
    with cleaned["path"].open("rb") as handle:
        return file_sha256(handle)[0]


def record_upload(record: dict):
    """The cleaned record's bytes as a file object for `record_add`."""
    if record.get("upload") is not None:
        return record["upload"]
    if record["content"] is not None:
        return SimpleUploadedFile(
            record["filename"], record["content"], content_type="application/pdf"
        )
    return File(record["path"].open("rb"), name=record["filename"])
