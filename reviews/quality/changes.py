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
from reviews.determination.citations import EXPERT_REVIEWER, citation_render
from reviews.determination.models import Determination, ItemDecision, QualityOutcome, QualityReview

# A word with the white space after it, a mark with its own, or white space alone: a change is
# marked by whole words, and the diff stays quick on the longest text allowed (a token for each
# run of spaces doubled the tokens of a quadratic diff: 3 s for 20,000 characters).
_TOKENS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


def _guideline(kind: str, text: str) -> str:
    """The guideline as the letter prints it: a change of kind (MTUS, non-MTUS, none) with the
    same text changes it too (from a review)."""
    return citation_render(kind, text, by=EXPERT_REVIEWER) if kind else text


def determination_as_returned(determination: Determination, decisions: list[ItemDecision]) -> dict:
    """The copy a return keeps of what it sent back."""
    return {
        "summary": determination.clinical_summary,
        "decisions": {
            str(decision.pk): {
                "outcome": decision.outcome,
                "guideline": _guideline(decision.citation_kind, decision.citation_text),
                "rationale": decision.rationale,
            }
            for decision in decisions
        },
    }


# A sentence with the space after it, or a line: the first, coarse pass of the diff. Together
# they give back the whole text.
_SENTENCES = re.compile(r"[^\n.!?]*(?:[.!?]+|\n)\s*|[^\n.!?]+$")
# Past this many pairs of words a run of changed sentences is marked sentence by sentence: the
# word diff's time grows with the product (a quarter of a second for two texts of 20,000
# characters changed throughout).
WORD_DIFF_MOST = 1_000_000


def _opcodes(before: list[str], after: list[str]):
    """The diff of two token lists, a token compared without the white space after it: from
    QA, "therapy " before a word and "therapy" before a comma were marked removed and added."""
    keys_before = [token.rstrip() for token in before]
    keys_after = [token.rstrip() for token in after]
    return difflib.SequenceMatcher(None, keys_before, keys_after, autojunk=False).get_opcodes()


def _words_marked(was: str, now: str) -> str:
    before, after = _TOKENS.findall(was), _TOKENS.findall(now)
    if len(before) * len(after) > WORD_DIFF_MOST:
        before, after = _SENTENCES.findall(was), _SENTENCES.findall(now)
    parts = []
    for op, b1, b2, a1, a2 in _opcodes(before, after):
        if op == "equal":
            parts.append(escape("".join(after[a1:a2])))
            continue
        if b2 > b1:
            removed = "".join(before[b1:b2])
            # The space the text now has not, before words it no longer has: "therapy as
            # before" read "therapyas before" (from a review).
            if b1 and before[b1 - 1][-1:].isspace() and a1 and not after[a1 - 1][-1:].isspace():
                removed = " " + removed
            parts.append(_marked("del", removed))
        if a2 > a1:
            parts.append(_marked("ins", "".join(after[a1:a2])))
    return "".join(parts)


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
        """The text as it is now, with the words removed since and those added marked: the
        sentences first, then the words of each run of sentences changed."""
        before, after = _SENTENCES.findall(self.before), _SENTENCES.findall(self.after)
        parts = []
        for op, b1, b2, a1, a2 in _opcodes(before, after):
            now = "".join(after[a1:a2])
            if op == "equal":
                parts.append(escape(now))
            else:
                parts.append(_words_marked("".join(before[b1:b2]), now))
        return mark_safe("".join(parts))  # every part escaped


@dataclass(frozen=True)
class DecisionChange:
    number: int  # as the page numbers its items
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

    @property
    def unchanged_said(self) -> str:
        """What did not change, as the page lists it: "the summary; item 1, item 3"."""
        items = ", ".join(f"item {change.number}" for change in self.unchanged_items)
        summary = "" if self.summary.changed else "the summary"
        return "; ".join(part for part in (summary, items) if part)


def changes_since_return(
    determination: Determination, rounds: list[QualityReview], decisions: list[ItemDecision]
) -> ChangesSinceReturn | None:
    """What changed since the latest round returned the determination, or None when it was
    never returned (or returned before a return kept its copy). `rounds` are its quality
    review rounds and `decisions` its item decisions in the page's order, as it read them."""
    returns = [round_ for round_ in rounds if round_.outcome == QualityOutcome.RETURNED]
    if not returns or not returns[-1].returned_as:
        return None
    last = returns[-1]
    sent = last.returned_as
    before = sent.get("decisions", {})
    changes = {}
    for number, decision in enumerate(decisions, start=1):
        was = before.get(str(decision.pk))
        guideline = _guideline(decision.citation_kind, decision.citation_text)
        changes[decision.pk] = DecisionChange(
            number=number,
            description=decision.item.description,
            anchor=f"item-{decision.pk}",
            outcome_before=_outcome_label(was["outcome"]) if was else None,
            outcome_after=_outcome_label(decision.outcome),
            citation=TextChange(was["guideline"], guideline) if was else None,
            rationale=TextChange(was["rationale"], decision.rationale) if was else None,
        )
    return ChangesSinceReturn(
        round_number=last.number,
        summary=TextChange(sent.get("summary", ""), determination.clinical_summary),
        decisions=changes,
    )
