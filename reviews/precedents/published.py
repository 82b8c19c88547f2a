"""Reading a published letter's text (SPEC section 6, the state's layout): the header block,
the credentials, the items with their decision, guideline lines and rationale. Used by
`manage.py import_decisions`; the text is what `pdftotext -layout` gives of a PDF, or a .txt
file of the same.

The item line is a paragraph of its own that ends "...: Upheld" or "...: Overturned" just
before "Claims Administrator guideline:"; it starts on the line after the previous item's
rationale (or after the section's lead-in), so line starts after a sentence end are where an
item line may begin. A modified request's line (" ... was the original request. ... is:
Upheld") starts at the sentence that names the original request."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cases.lifecycle.models import Outcome, Priority
from reviews.precedents.services import PrecedentItemText, case_outcome_of, guideline_source_of

CASE_NUMBER = re.compile(r"\bCM\d{2}-\d{7}\b")
_CASE_NUMBER_LINE = re.compile(r"Case Number:\s*(CM\d{2}-\d{7})")
# Running headers and footers of a PDF page, wherever pdftotext puts them.
_RUNNING = re.compile(r"^\s*(Page \d+ of \d+|Case Number: CM\d{2}-\d{7})\s*$", re.MULTILINE)
_DECISION_DATE = re.compile(r"Decision Date:\s*(\d{2}/\d{2}/\d{4})")
_PRIORITY = re.compile(r"Priority:\s*(Standard|Expedited)\b", re.IGNORECASE)
_SPECIALTY = re.compile(
    r"Certification\(s\)/Specialty:\s*(.*?)\s*(?:CLINICAL CASE SUMMARY|IMR ISSUES, DECISIONS|$)",
    re.DOTALL,
)
ISSUES_HEADING = "IMR ISSUES, DECISIONS AND RATIONALES"
# What may follow the last rationale in a party letter; a public letter ends with it.
_AFTER_ISSUES = re.compile(r"\n\s*(DOCUMENTS REVIEWED|NOTICES|cc:)\b")
_ITEM = re.compile(
    r":?[ \t]*\n?[ \t]*(?P<decision>Upheld|Overturned)\.?\s+"
    r"Claims Administrator guideline:\s*(?P<ur>.*?)\s*\n?[ \t]*"
    r"(?P<org>[^\n]{1,80}?) guideline:\s*(?P<reviewer>.*?)\s*"
    r"Decision rationale:\s*",
    re.DOTALL,
)
_NON_MTUS = re.compile(r"Decision based on Non-MTUS Citation\s*(.*)", re.DOTALL)
_MTUS = re.compile(r"Decision based on\s*(.*)", re.DOTALL)
_NO_EVIDENCE = re.compile(r"did not cite any medical evidence", re.IGNORECASE)


class LetterUnreadable(ValueError):
    """The text is not a letter in the published layout; the message says what is missing."""


@dataclass(frozen=True)
class PublishedDecision:
    case_number: str | None
    decided_on: dt.date | None
    priority: str
    reviewer_specialty: str
    items: list[PrecedentItemText]

    @property
    def outcome(self) -> str:
        return case_outcome_of([item.outcome for item in self.items])


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _lines(text: str) -> str:
    """Blank lines and runs of spaces dropped, a word broken after a hyphen at a line end
    joined again; each remaining line break kept (an item line starts on a line of its own)."""
    text = text.replace("\f", "\n").replace("\r", "")
    text = _RUNNING.sub("", text)
    text = re.sub(r"-[ \t]*\n\s*(?=\w)", "-", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ?\n[\s]*", "\n", text)
    return text.strip()


def _citation(line: str) -> tuple[str, str]:
    """The citation's text and its kind from a guideline line (SPEC section 6's forms)."""
    line = _flat(line)
    if _NO_EVIDENCE.search(line):
        return "", "none"
    if found := _NON_MTUS.search(line):
        return found.group(1).strip().rstrip("."), "non_mtus"
    if found := _MTUS.search(line):
        return found.group(1).strip().rstrip("."), ""
    return line.rstrip("."), ""


def _item_start(section: str, start: int, end: int) -> int:
    """Where the item line that ends at `end` begins: the last line start after a sentence end
    (or the lead-in's colon) between `start` and `end`; for a modified request, the one before
    its "was the original request"."""
    limit = end
    original = section.rfind(" was the original request", start, end)
    if original != -1:
        limit = original
    candidates = [
        found.end()
        for found in re.finditer(r"[.:?!)\]\"”]\n", section[start:limit])
        if start + found.end() < limit
    ]
    if candidates:
        return start + candidates[-1]
    sentences = [found.end() for found in re.finditer(r"[.?!:]\s+(?=[A-Z])", section[start:limit])]
    return start + sentences[-1] if sentences else start


def letter_parse(text: str) -> PublishedDecision:
    """The decision a published letter's text states. Raises LetterUnreadable."""
    if not text.strip():
        raise LetterUnreadable("the file has no text")
    case_number = _CASE_NUMBER_LINE.search(text)
    body = _lines(text)
    heading = body.find(ISSUES_HEADING)
    if heading == -1:
        raise LetterUnreadable(f'no "{ISSUES_HEADING}" section')
    section = body[heading + len(ISSUES_HEADING) :]
    after = _AFTER_ISSUES.search(section)
    if after:
        section = section[: after.start()]
    matches = list(_ITEM.finditer(section))
    if not matches:
        raise LetterUnreadable(
            'no item line ending "Upheld" or "Overturned" followed by its guideline lines'
        )
    items = []
    previous_end = 0
    for index, match in enumerate(matches):
        start = _item_start(section, previous_end, match.start())
        description = _flat(section[start : match.start()]).rstrip(":").strip()
        description = re.sub(r"^.*? portion of the original request, ", "", description)
        description = re.sub(r"^.*? The original request, ", "", description)
        description = re.sub(r"\s+is$", "", description)
        if not description:
            raise LetterUnreadable(f"item {index + 1} has no description before its decision")
        rationale_end = (
            _item_start(section, match.end(), matches[index + 1].start())
            if index + 1 < len(matches)
            else len(section)
        )
        citation, kind = _citation(match.group("reviewer"))
        upheld = match.group("decision") == "Upheld"
        items.append(
            PrecedentItemText(
                description=description,
                outcome=(Outcome.UPHELD if upheld else Outcome.OVERTURNED).value,
                citation=citation,
                rationale=_flat(section[match.end() : rationale_end]),
                guideline_source=guideline_source_of(kind, citation),
            )
        )
        previous_end = rationale_end
    decided = _DECISION_DATE.search(body)
    priority = _PRIORITY.search(body)
    specialty = _SPECIALTY.search(body)
    return PublishedDecision(
        case_number=case_number.group(1) if case_number else None,
        decided_on=dt.datetime.strptime(decided.group(1), "%m/%d/%Y").date() if decided else None,
        priority=Priority(priority.group(1).lower()).value if priority else "",
        reviewer_specialty=_flat(specialty.group(1)) if specialty else "",
        items=items,
    )
