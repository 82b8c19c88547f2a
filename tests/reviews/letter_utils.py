"""Helpers for the letter tests: text extraction with poppler, and the seed letter."""

import re
import subprocess
from pathlib import Path

from django.conf import settings


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext (poppler) extracts it."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_info(pdf: bytes) -> str:
    return subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def shared_path(*parts: str) -> Path:
    """A file of the project's shared folder (beside the repository; /work/shared here)."""
    for base in (Path(settings.BASE_DIR).parent / "shared", Path("/work/shared")):
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"shared/{'/'.join(parts)} is not beside the repository")


# Running headers and footers: where they land in extracted text is not defined (pdftotext
# puts them where they sit), so comparisons of the body drop them.
_RUNNING = re.compile(r"^\s*(Page \d+ of \d+|Case Number: CM\d{2}-\d{7})\s*$", re.MULTILINE)


def body_flat(text: str) -> str:
    """Text on one line: running headers and footers dropped, a word broken after a hyphen
    at a line end joined again, every run of whitespace one space."""
    text = _RUNNING.sub("", text)
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def body_segments(text: str, *, short_name: str) -> dict[str, str]:
    """The parts of a letter body that the reviewer's data decides (SPEC section 6)."""
    flat = body_flat(text)
    short = re.escape(short_name)
    patterns = {
        "summary": r"including all medical records: (.*?) IMR ISSUES, DECISIONS AND RATIONALES",
        "item_line": r"below: (.*?) Claims Administrator guideline:",
        "ur_guideline": rf"Claims Administrator guideline: (.*?) {short} guideline:",
        "reviewer_guideline": rf"{short} guideline: (.*?) Decision rationale:",
        "rationale": r"Decision rationale: (.*?)(?: DOCUMENTS REVIEWED|$)",
    }
    segments = {}
    for name, pattern in patterns.items():
        match = re.search(pattern, flat)
        assert match, f"{name} not found in: {flat[:3000]}"
        segments[name] = match.group(1).strip()
    return segments


def party_service_changed(case, actor, role: str, **changes) -> list[dict]:
    """How `role` (a served party, or the worker) receives the papers changed by an
    administrator: party_service_set with the party's details as the database holds them, but
    for `changes` (email, address, delivery_method, e_service_consent)."""
    from cases.lifecycle.delivery import WORKER_ROLE
    from cases.lifecycle.models import Case
    from cases.lifecycle.services import party_service_set

    fields = ("email", "address", "delivery_method", "e_service_consent")
    if role == WORKER_ROLE:
        held = Case.objects.get(pk=case.pk)
        current = {field: getattr(held, f"worker_{field}") for field in fields}
    else:
        party = case.parties.get(role=role)
        current = {field: getattr(party, field) for field in fields}
    return party_service_set(case=case, role=role, actor=actor, **(current | changes))
