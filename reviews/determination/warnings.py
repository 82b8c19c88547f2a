"""Soft warnings of the review step (SPEC section 5, step 4): things that are probably wrong but
that the reviewer may know to be right, so they confirm each one instead of being blocked.

- a rationale that does not state its conclusion;
- an outcome the rationale's conclusion contradicts (Overturned, "not medically necessary");
- the worker's name, the claim number or the date of birth in the summary or a rationale:
  those are printed in the public letter the state publishes.

A confirmation is kept as the warning's key, which carries a digest of the text it is about:
once that text changes, the old confirmation no longer matches and the reviewer confirms again.
The checks are plain text patterns, so they are hints, never proof."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from cases.lifecycle.models import Case, Outcome
from reviews.determination.drafting import date_written
from reviews.determination.models import Determination, ItemDecision


@dataclass(frozen=True)
class ReviewWarning:
    code: str  # e.g. "phi:summary:name", "conclusion:item12"
    item_id: int | None  # the ItemDecision it is about; None for the summary
    message: str
    subject: str  # the text it is about, digested into the key

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.subject.encode()).hexdigest()[:16]
        return f"{self.code}#{digest}"

    @property
    def step(self) -> int:
        return 2 if self.item_id is None else 3


# --- Conclusions ------------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(not|cannot|can['’]t|no longer|neither|nor)\b[^.;:!?,]{0,25}$", re.IGNORECASE
)
_CONCLUSION = re.compile(
    r"\bmedically\s+(?:un)?necessary\b"
    r"|\b(?:is|are|was|were|be|been|being)\s+(?:not\s+)?(?:considered\s+|deemed\s+|found\s+)?"
    r"(?:supported|indicated|recommended|warranted|appropriate|certified|justified)\b"
    r"|\bunnecessary\b|\bnon-?certified\b|\bupheld\b|\boverturned\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Conclusion:
    text: str
    says_necessary: bool


def rationale_conclusion(rationale: str) -> Conclusion | None:
    """The rationale's last conclusion phrase ("...cannot be considered medically necessary"):
    rationales end on their conclusion, and earlier phrases often quote a guideline."""
    last = None
    for match in _CONCLUSION.finditer(rationale or ""):
        last = match
    if last is None:
        return None
    lowered = re.sub(r"\s+", " ", last.group(0).lower())
    before = rationale[max(0, last.start() - 60) : last.start()]
    negated = " not " in f" {lowered} " or bool(_NEGATION.search(before))
    if re.search(r"upheld|unnecessary|non-?certified", lowered):
        # "upheld" and "non-certified" say not necessary; "not upheld" says the opposite.
        says_necessary = negated
    else:
        says_necessary = not negated
    start = max(0, last.start() - 40)
    excerpt = rationale[start : last.end()].strip()
    if start > 0:
        excerpt = "…" + excerpt.split(" ", 1)[-1]
    return Conclusion(text=excerpt, says_necessary=says_necessary)


# --- Identifying details ----------------------------------------------------------------------


def _dob_forms(born: dt.date) -> list[str]:
    return [
        f"{born:%m/%d/%Y}",
        f"{born.month}/{born.day}/{born.year}",
        f"{born:%m-%d-%Y}",
        f"{born.month}-{born.day}-{born.year}",
        f"{born:%m/%d/%y}",
        born.isoformat(),
        date_written(born),
        f"{born:%b} {born.day}, {born.year}",
        f"{born:%b}. {born.day}, {born.year}",
        f"{born.day} {born:%B} {born.year}",
    ]


def _identifier_patterns(case: Case) -> list[tuple[str, str, re.Pattern]]:
    """(kind, what it is, pattern) for each identifying detail of the worker."""
    patterns = []
    names = []
    for name in (case.worker_first_name, case.worker_last_name):
        name = (name or "").strip()
        if len(name) >= 2 and name.lower() not in (n.lower() for n in names):
            names.append(name)
    for name in names:
        patterns.append(
            (
                "name",
                f"the worker's name “{name}”",
                re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])", re.IGNORECASE),
            )
        )
    claim = (case.claim_number or "").strip()
    if claim:
        forms = [re.escape(claim)]
        digits = re.sub(r"\D", "", claim)
        if len(digits) >= 6 and digits != claim:
            forms.append(re.escape(digits))
        patterns.append(
            (
                "claim",
                f"the claim number {claim}",
                re.compile(rf"(?<![\w-])(?:{'|'.join(forms)})(?![\w])", re.IGNORECASE),
            )
        )
    if case.worker_date_of_birth:
        forms = "|".join(re.escape(form) for form in _dob_forms(case.worker_date_of_birth))
        patterns.append(
            (
                "dob",
                f"the date of birth ({case.worker_date_of_birth:%m/%d/%Y})",
                re.compile(rf"(?<![\w/-])(?:{forms})(?![\w/-]|,\d)", re.IGNORECASE),
            )
        )
    return patterns


def _identifier_warnings(
    case: Case, *, text: str, where: str, code_where: str, item_id: int | None
) -> list[ReviewWarning]:
    found = []
    for kind, what, pattern in _identifier_patterns(case):
        if pattern.search(text or ""):
            found.append(
                ReviewWarning(
                    code=f"phi:{code_where}:{kind}",
                    item_id=item_id,
                    message=(
                        f"{where} contains {what}. It is printed in the public letter; "
                        "write “the injured worker” instead unless it must stay."
                    ),
                    subject=text,
                )
            )
    return found


def _item_label(decision: ItemDecision, number: int) -> str:
    return f"Item {number} ({decision.item.description})"


def review_warnings(determination: Determination) -> list[ReviewWarning]:
    """Every soft warning for the draft as it stands, summary first, then item by item."""
    case = determination.case
    found = _identifier_warnings(
        case,
        text=determination.clinical_summary,
        where="The clinical case summary",
        code_where="summary",
        item_id=None,
    )
    decisions = sorted(determination.decisions.all(), key=lambda d: d.item.position)
    for number, decision in enumerate(decisions, start=1):
        rationale = (decision.rationale or "").strip()
        if not rationale:
            continue
        label = _item_label(decision, number)
        conclusion = rationale_conclusion(rationale)
        if conclusion is None:
            found.append(
                ReviewWarning(
                    code=f"conclusion:item{decision.pk}",
                    item_id=decision.pk,
                    message=(
                        f"{label}: the rationale does not state its conclusion (for example "
                        "“…is medically necessary” or “…is not medically necessary”)."
                    ),
                    subject=rationale,
                )
            )
        elif decision.outcome == Outcome.OVERTURNED and not conclusion.says_necessary:
            found.append(
                ReviewWarning(
                    code=f"contradiction:item{decision.pk}",
                    item_id=decision.pk,
                    message=(
                        f"{label} is Overturned (medically necessary), but its rationale "
                        f"concludes “{conclusion.text}”."
                    ),
                    subject=f"{decision.outcome}\n{rationale}",
                )
            )
        elif decision.outcome == Outcome.UPHELD and conclusion.says_necessary:
            found.append(
                ReviewWarning(
                    code=f"contradiction:item{decision.pk}",
                    item_id=decision.pk,
                    message=(
                        f"{label} is Upheld (not medically necessary), but its rationale "
                        f"concludes “{conclusion.text}”."
                    ),
                    subject=f"{decision.outcome}\n{rationale}",
                )
            )
        found += _identifier_warnings(
            case,
            text=rationale,
            where=f"{label}: the rationale",
            code_where=f"item{decision.pk}",
            item_id=decision.pk,
        )
    return found
