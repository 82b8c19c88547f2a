"""What a determination submitted again changed since quality review returned it. A return keeps
a copy of what it sent back (QualityReview.returned_as); the next round's page says which parts
the reviewer changed (the summary; each item's outcome, guideline and rationale) and marks the
words added and removed, so the medical director reads the answer to the return rather than
the whole determination again (from QA)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.lifecycle.models import Outcome
from reviews.determination.models import QualityOutcome

# Words, runs of white space and single marks: a change is marked by whole words.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def returned_as(determination) -> dict:
    """The copy a return keeps of what it sent back."""
    return {
        "summary": determination.clinical_summary,
        "decisions": {
            str(decision.pk): {
                "outcome": decision.outcome,
                "citation": decision.citation_text,
                "rationale": decision.rationale,
            }
            for decision in determination.decisions.all()
        },
    }


def _marked(kind: str, words: str) -> str:
    said = "added" if kind == "ins" else "removed"
    # <ins> and <del> are not read out by most screen readers: the change says itself.
    return f'<{kind}><span class="visually-hidden">{said}: </span>{escape(words)}</{kind}>'


@dataclass(frozen=True)
class TextChange:
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before.strip() != self.after.strip()

    @cached_property
    def marked(self) -> SafeString:
        """The text as it is now, with the words removed since and those added marked."""
        before, after = _TOKENS.findall(self.before), _TOKENS.findall(self.after)
        parts = []
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for op, b1, b2, a1, a2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape("".join(after[a1:a2])))
                continue
            if b2 > b1:
                parts.append(_marked("del", "".join(before[b1:b2])))
            if a2 > a1:
                parts.append(_marked("ins", "".join(after[a1:a2])))
        return mark_safe("".join(parts))  # every part escaped above


@dataclass(frozen=True)
class DecisionChange:
    position: int
    description: str
    anchor: str
    # None for an item decided only since the return (nothing was sent back to compare).
    outcome_before: str | None
    outcome_after: str
    citation: TextChange | None
    rationale: TextChange | None

    @property
    def new(self) -> bool:
        return self.citation is None

    @property
    def outcome_changed(self) -> bool:
        return not self.new and self.outcome_before != self.outcome_after

    @property
    def parts_changed(self) -> list[str]:
        """What changed, as the summary line names it."""
        if self.new:
            return ["new since the return"]
        return [
            name
            for name, changed in (
                ("outcome", self.outcome_changed),
                ("guideline", self.citation.changed),
                ("rationale", self.rationale.changed),
            )
            if changed
        ]

    @property
    def changed(self) -> bool:
        return bool(self.parts_changed)


def _outcome_label(value: str) -> str:
    return Outcome(value).label if value in Outcome.values else "undecided"


@dataclass(frozen=True)
class ChangesSinceReturn:
    round_number: int
    summary: TextChange
    decisions: dict[int, DecisionChange] = field(default_factory=dict)

    @property
    def changed_items(self) -> list[DecisionChange]:
        return [change for change in self.decisions.values() if change.changed]

    @property
    def unchanged_items(self) -> list[DecisionChange]:
        return [change for change in self.decisions.values() if not change.changed]

    @property
    def changed(self) -> bool:
        return self.summary.changed or bool(self.changed_items)


def changes_since_return(determination, rounds, decisions) -> ChangesSinceReturn | None:
    """What changed since the latest round returned the determination, or None when it was
    never returned (or returned before a return kept its copy). `rounds` are its quality
    review rounds and `decisions` its item decisions, as the page already read them."""
    returns = [round_ for round_ in rounds if round_.outcome == QualityOutcome.RETURNED]
    if not returns or not returns[-1].returned_as:
        return None
    last = returns[-1]
    sent = last.returned_as
    before = sent.get("decisions", {})
    changes = {}
    for decision in decisions:
        was = before.get(str(decision.pk))
        changes[decision.pk] = DecisionChange(
            position=decision.item.position,
            description=decision.item.description,
            anchor=f"item-{decision.pk}",
            outcome_before=_outcome_label(was["outcome"]) if was else None,
            outcome_after=_outcome_label(decision.outcome),
            citation=TextChange(was["citation"], decision.citation_text) if was else None,
            rationale=TextChange(was["rationale"], decision.rationale) if was else None,
        )
    return ChangesSinceReturn(
        round_number=last.number,
        summary=TextChange(sent.get("summary", ""), determination.clinical_summary),
        decisions=changes,
    )
