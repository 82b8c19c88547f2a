"""Soft warnings of the review step (SPEC section 5, step 4): things that are probably wrong but
that the reviewer may know to be right, so they confirm each one instead of being blocked.

- a rationale that does not state its conclusion;
- an outcome the rationale's conclusion contradicts (Overturned, "not medically necessary");
- a clinical case summary of one sentence after its opening, where a published summary gives the
  diagnoses, the treatment to date, the latest examination, the request and the UR action;
- a name the case file knows or an identifier (identifiers.py) in the summary or a rationale:
  those are printed in the public letter the state publishes, so each offers a neutral
  replacement (determination_warning_replace);
- a character the letter's typeface cannot print (an emoji) in the summary, a guideline or a
  rationale (printable.py);
- a summary or a rationale of several printed pages (TEXT_LONG_CHARS).

A confirmation is kept as the warning's key, which carries a digest of the text it is about:
once that text changes, the old confirmation no longer matches and the reviewer confirms again.
The checks are plain text patterns, so they are hints, never proof."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from django.utils.text import Truncator

from cases.lifecycle.models import CitationKind, Outcome
from reviews.determination.drafting import draft_item_key, summary_body
from reviews.determination.identifiers import (
    Excerpt,
    Hit,
    case_identifiers,
    hit_excerpt,
    identifier_hits,
)
from reviews.determination.models import Determination, ItemDecision
from reviews.determination.printable import characters_named, unprintable

# Identifiers the public letter may never print, whatever the reviewer knows (SPEC section 6:
# the public letter names no one): their patterns are specific enough that a hit is the thing
# itself, so there is nothing to confirm. From QA: a social security number, confirmed, was
# printed in the public letter. A name or a street address may be a false hit (a guideline's
# author, a drug's brand), so those stay the reviewer's to confirm.
NEVER_PUBLISHED = frozenset(
    {"ssn", "dob", "birth-date", "claim", "claim-number", "adj", "email", "phone"}
)


@dataclass(frozen=True)
class ReviewWarning:
    code: str  # e.g. "phi:summary:name", "conclusion:item12"
    item_id: int | None  # the ItemDecision it is about; None for the summary
    message: str
    subject: str  # the text it is about, digested into the key
    # A name or identifier: the draft field it is in, its neutral words, where it occurs.
    field: str = ""
    replacement: str = ""
    excerpts: tuple[Excerpt, ...] = ()
    # The id of the box the text is in, when not the summary's or the item's rationale.
    target: str = ""

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.subject.encode()).hexdigest()[:16]
        return f"{self.code}#{digest}"

    @property
    def is_identifier(self) -> bool:
        return self.code.startswith("phi:")

    @property
    def confirmable(self) -> bool:
        """False for what may never be printed (NEVER_PUBLISHED) and for a rationale cut off
        mid-sentence (from QA: one was ticked and signed): replaced or rewritten only."""
        if self.code.startswith("unfinished:"):
            return False
        return not (self.is_identifier and self.code.rsplit(":", 1)[-1] in NEVER_PUBLISHED)

    def confirmed_in(self, keys) -> bool:
        """Whether the reviewer's confirmations (`keys`) cover it: never for what cannot be
        confirmed, whatever was ticked before. The one rule the review step, signing and
        quality review read."""
        return self.confirmable and self.key in keys

    @property
    def is_about_conclusion(self) -> bool:
        """A rationale that states no conclusion, whose conclusion its outcome contradicts, or
        that ends mid-sentence: shown beside its item on the decisions step too, where the text
        is written (the names and identifiers are handled on the review step, with their
        replace buttons)."""
        return self.code.startswith(("conclusion:", "contradiction:", "unfinished:"))

    @property
    def step(self) -> int:
        return 2 if self.item_id is None else 3

    @property
    def anchor(self) -> str:
        """The id of the text box on its step that holds the text: "Fix the text" lands there."""
        if self.target:
            return self.target
        return "summary" if self.item_id is None else f"rationale-{self.item_id}"


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


def _identifier_warnings(
    identifiers, *, text: str, where: str, code_where: str, item_id: int | None, field: str
) -> list[ReviewWarning]:
    """One warning per identifier found in the text, with every place it occurs: confirming
    it, or replacing it, covers all of them."""
    by_code: dict[str, list[Hit]] = {}
    for hit in identifier_hits(identifiers, text):
        by_code.setdefault(hit.identifier.code, []).append(hit)
    found = []
    for code, hits in by_code.items():
        identifier = hits[0].identifier
        times = f" ({len(hits)} times)" if len(hits) > 1 else ""
        # As the text writes it, when that is not the name quoted ("Ms. Quintero" for the
        # worker's name "Rosa Quintero"): the warning quotes what is there.
        written = list(dict.fromkeys(hit.found for hit in hits))
        if any(form.lower() not in identifier.what.lower() for form in written):
            times = f", written {', '.join(f'“{form}”' for form in written[:3])}{times}"
        if code in NEVER_PUBLISHED:
            choice = "or rewrite the text: it may never be printed there"
        else:
            choice = "or confirm it must stay"
        found.append(
            ReviewWarning(
                code=f"phi:{code_where}:{code}",
                item_id=item_id,
                message=(
                    f"{where} contains {identifier.what}{times}. The public letter the state "
                    f"publishes names no one: replace it with "
                    f"“{identifier.replacement}”, {choice}."
                ),
                subject=text,
                field=field,
                replacement=identifier.replacement,
                excerpts=tuple(hit_excerpt(text, hit) for hit in hits),
            )
        )
    return found


def identifiers_unconfirmed(determination, warnings=None) -> list[ReviewWarning]:
    """Names and identifiers in the public letter's texts the reviewer has not confirmed: the
    letter is not issued while one stands (SPEC section 6: the public letter names no one).
    `warnings`: review_warnings(determination), when the caller has them already."""
    confirmed = set(determination.warnings_confirmed)
    if warnings is None:
        warnings = review_warnings(determination)
    return [w for w in warnings if w.is_identifier and not w.confirmed_in(confirmed)]


def contradictions_confirmed(determination, warnings=None) -> list[ReviewWarning]:
    """The items whose decision its rationale's conclusion contradicts, which the reviewer
    confirmed as right: the medical director approves only having read them (from QA: an item
    Overturned whose rationale ended "…is not medically necessary" was confirmed and issued,
    a letter that contradicts itself). Not a refusal to sign, since the conclusion is read
    from the rationale's last words and a reviewer may be right; a second physician reads
    it. `warnings`: review_warnings(determination), when the caller has them already."""
    confirmed = set(determination.warnings_confirmed)
    if warnings is None:
        warnings = review_warnings(determination)
    return [
        w for w in warnings if w.code.startswith("contradiction:") and w.confirmed_in(confirmed)
    ]


def _long_warning(
    text: str, *, where: str, code_where: str, item_id: int | None
) -> list[ReviewWarning]:
    """A text much longer than the published letters' (TEXT_LONG_CHARS)."""
    if len(text or "") <= TEXT_LONG_CHARS:
        return []
    return [
        ReviewWarning(
            code=f"long:{code_where}",
            item_id=item_id,
            message=(
                f"{where} is {len(text):,} characters long, some "
                f"{math.ceil(len(text) / CHARS_PER_PAGE)} "
                f"printed pages, where a published letter gives a few paragraphs. Shorten it to "
                "what the decision rests on (the records are listed, not copied), or confirm "
                "it is right as it is."
            ),
            subject=text,
        )
    ]


def _unprintable_warnings(
    text: str, *, where: str, code_where: str, item_id: int | None, target: str = ""
) -> list[ReviewWarning]:
    """One warning for the characters of `text` the letter's typeface cannot print."""
    characters = unprintable(text)
    if not characters:
        return []
    one = len(characters) == 1
    them = "it" if one else "them"
    return [
        ReviewWarning(
            code=f"glyphs:{code_where}",
            item_id=item_id,
            target=target,
            message=(
                f"{where} has {'a character' if one else 'characters'} the letter's typeface "
                f"cannot print: {characters_named(characters)}. The letter would draw {them} "
                f"in another typeface or as an empty box: write {them} in words, or confirm "
                f"the letter may print {them} so."
            ),
            subject=text,
        )
    ]


def _item_label(decision: ItemDecision, number: int) -> str:
    return f"Item {number} ({decision.item.description})"


# A citation that names the MTUS at its start ("MTUS Chronic Pain…", "CA MTUS (2016)…").
_NAMES_MTUS = re.compile(r"^(?:(?:CA|California)\s+)?MTUS\b", re.IGNORECASE)
_NAMES_NON_MTUS = re.compile(r"^Non[-\s]?MTUS\b", re.IGNORECASE)


def _citation_kind_warning(decision: ItemDecision, label: str) -> ReviewWarning | None:
    """The kind chosen and the citation typed disagree. The MTUS is the first of the standards
    medical necessity is decided by, in order (Lab. Code 4610.5(c)(2)), so the letter must say
    truly whether the guideline is the MTUS."""
    text = (decision.citation_text or "").strip()
    kind = decision.citation_kind
    if kind == CitationKind.NON_MTUS and _NAMES_MTUS.match(text):
        chosen, other = "Non-MTUS", "MTUS"
    elif kind == CitationKind.MTUS and _NAMES_NON_MTUS.match(text):
        chosen, other = "MTUS", "Non-MTUS"
    else:
        return None
    return ReviewWarning(
        code=f"citation:item{decision.pk}",
        item_id=decision.pk,
        message=(
            f"{label}: the guideline is marked {chosen}, but its citation begins "
            f"“{Truncator(text).chars(60)}”. Choose {other} if that is what it is: the letter "
            "says which."
        ),
        subject=f"{kind}\n{text}",
    )


# A rationale that says why a guideline outside the MTUS is cited: the MTUS does not address
# the treatment, or its recommendation is outweighed ("The CA MTUS does not specifically
# address…", "…is silent on…", "…outside the MTUS", "the presumption of correctness is
# rebutted").
_MTUS_SET_ASIDE = re.compile(
    # "The CA MTUS does not (specifically) address/cover/discuss…", "…is silent on…"
    r"\bMTUS\b[^.;]{0,80}?\b(?:(?:does|do|did)\s+not|doesn['’]t|didn['’]t)\s+"
    r"(?:specifically\s+|directly\s+)?(?:address|cover|discuss|mention)"
    r"|\bMTUS\b[^.;]{0,80}?\bis\s+silent"
    # "…is not addressed by the MTUS", "…not covered in the MTUS", "…outside the MTUS"
    r"|\bnot\s+(?:specifically\s+)?(?:addressed|covered|discussed)\s+(?:by|in)\s+the\s+"
    r"(?:CA\s+|California\s+)?MTUS\b"
    r"|\b(?:outside|beyond)\s+(?:of\s+)?the\s+(?:CA\s+|California\s+)?MTUS\b"
    # its presumption of correctness challenged, or its recommendation outweighed
    r"|\bpresumption\b[^.;]{0,60}?\b(?:rebutted|overcome|challenged)"
    r"|\bMTUS\b[^.;]{0,80}?\b(?:rebut|outweigh)|\b(?:rebut|outweigh)[^.;]{0,80}?\bMTUS\b",
    re.IGNORECASE,
)


def _evidence_order_warning(decision: ItemDecision, label: str) -> ReviewWarning | None:
    """A guideline outside the MTUS cited with no word of why. The MTUS is searched first and
    another guideline used only where the MTUS does not address the condition or its
    presumption of correctness is challenged (8 CCR 9792.21.1(a)(1)-(2)); from QA, a letter
    cited ODG, where the MTUS has a chapter, and its rationale spoke of the MTUS."""
    rationale = (decision.rationale or "").strip()
    if decision.citation_kind != CitationKind.NON_MTUS or not rationale:
        return None
    if _MTUS_SET_ASIDE.search(f"{decision.citation_text} {rationale}"):
        return None
    return ReviewWarning(
        code=f"evidence-order:item{decision.pk}",
        item_id=decision.pk,
        message=(
            f"{label}: the guideline cited is outside the MTUS, and the rationale does not say "
            "why. The MTUS is searched first (8 CCR 9792.21.1(a)): say that it does not address "
            "the treatment, or why its recommendation is outweighed."
        ),
        subject=f"{decision.citation_kind}\n{decision.citation_text}\n{rationale}",
    )


# A sentence ends at . ! or ? before a capital or the end, but not after a title ("Dr. Park").
_SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bvs)(?<!\bNo)"
    r"[.!?][\"”’)]*(?=\s+[A-Z0-9“\"(]|\s*$)"
)
# Fewer sentences than this after the opening sentence: the summary is probably unfinished.
SUMMARY_SENTENCES_EXPECTED = 2
# A summary or a rationale longer than this is probably pasted records, not a summary (from QA:
# 16,200 characters made an 8-page letter without a word). The published letters' summaries
# and rationales run to a few paragraphs (the seed letter's: 791 and 1,041 characters); this
# is some three printed pages of the letter (CHARS_PER_PAGE, its body's measure).
TEXT_LONG_CHARS = 8000
CHARS_PER_PAGE = 2700


# A text ends as a sentence does: . ! ? (a closing quote or bracket may follow), or a bracket
# closing a citation ("…(MTUS, page 114)").
_FINISHED = re.compile(r"(?:[.!?…][\"”’')\]]*|[)\]])\s*$")


def _unfinished_warning(
    text: str, *, where: str, finish: str, code_where: str, item_id: int | None
) -> ReviewWarning:
    """A text that ends mid-sentence (no closing stop): shown with its last words, and never
    confirmed (ReviewWarning.confirmable): it is finished, not ticked."""
    tail = Truncator(text[-60:].split(" ", 1)[-1]).chars(60)
    return ReviewWarning(
        code=f"unfinished:{code_where}",
        item_id=item_id,
        message=(
            f"{where} ends mid-sentence (“…{tail}”). Finish it with {finish}: it cannot be "
            "signed as it is."
        ),
        subject=text,
    )


def _summary_warning(determination: Determination) -> ReviewWarning | None:
    """A summary of one sentence after its drafted opening passes the completeness check (a few
    words are enough there) but is unlikely to be what the letter should print."""
    body = summary_body(determination.case, determination.clinical_summary)
    sentences = [part for part in _SENTENCE_END.split(body) if part.strip()]
    if not sentences or len(sentences) >= SUMMARY_SENTENCES_EXPECTED:
        return None
    return ReviewWarning(
        code="summary:short",
        item_id=None,
        message=(
            "The clinical case summary has one sentence after its opening. A published summary "
            "gives the diagnoses, the treatment to date, the latest examination, the request "
            "and the UR action: add what is missing, or confirm it is complete."
        ),
        subject=determination.clinical_summary,
    )


def review_warnings(determination: Determination) -> list[ReviewWarning]:
    """Every soft warning for the draft as it stands, summary first, then item by item."""
    case = determination.case
    identifiers = case_identifiers(case)
    found = [short] if (short := _summary_warning(determination)) else []
    found += _identifier_warnings(
        identifiers,
        text=determination.clinical_summary,
        where="The clinical case summary",
        code_where="summary",
        item_id=None,
        field="summary",
    )
    found += _long_warning(
        determination.clinical_summary,
        where="The clinical case summary",
        code_where="summary",
        item_id=None,
    )
    found += _unprintable_warnings(
        determination.clinical_summary,
        where="The clinical case summary",
        code_where="summary",
        item_id=None,
    )
    summary = (determination.clinical_summary or "").strip()
    if summary and not _FINISHED.search(summary):
        # From QA: a summary ending "…after surgery. ok" was signed with no word of it, and the
        # medical director returned it. As a rationale cut off: rewritten, never confirmed.
        found.append(
            _unfinished_warning(
                summary,
                where="The clinical case summary",
                finish="a full stop",
                code_where="summary",
                item_id=None,
            )
        )
    decisions = sorted(determination.decisions.all(), key=lambda d: d.item.position)
    for number, decision in enumerate(decisions, start=1):
        label = _item_label(decision, number)
        if (mismatch := _citation_kind_warning(decision, label)) is not None:
            found.append(mismatch)
        elif (order := _evidence_order_warning(decision, label)) is not None:
            # (A kind the citation contradicts is corrected first: one warning at a time.)
            found.append(order)
        found += _long_warning(
            decision.rationale,
            where=f"{label}: the rationale",
            code_where=f"item{decision.pk}",
            item_id=decision.pk,
        )
        found += _unprintable_warnings(
            decision.citation_text,
            where=f"{label}: the guideline's citation",
            code_where=f"item{decision.pk}:citation",
            item_id=decision.pk,
            target=f"ctext-{decision.pk}",
        )
        found += _unprintable_warnings(
            decision.rationale,
            where=f"{label}: the rationale",
            code_where=f"item{decision.pk}",
            item_id=decision.pk,
        )
        rationale = (decision.rationale or "").strip()
        if not rationale:
            continue
        conclusion = rationale_conclusion(rationale)
        if not _FINISHED.search(rationale):
            # From QA: "…Since the surgery is" was taken to conclude on an earlier sentence;
            # a rationale cut off has no conclusion to judge.
            found.append(
                _unfinished_warning(
                    rationale,
                    where=f"{label}: the rationale",
                    finish="its conclusion and a full stop",
                    code_where=f"item{decision.pk}",
                    item_id=decision.pk,
                )
            )
        elif conclusion is None:
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
            identifiers,
            text=decision.rationale,
            where=f"{label}: the rationale",
            code_where=f"item{decision.pk}",
            item_id=decision.pk,
            field=draft_item_key(decision.pk, "rationale"),
        )
    return found
