"""Help for writing the clinical case summary (SPEC section 5, step 2): the opening sentence
drafted from the case facts, and the prompts for what the rest of the summary should cover.

The prompts are guidance beside the text box; nothing here is put into the summary unless the
reviewer asks for it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cases.lifecycle.models import Case, Sex


def draft_item_key(decision_id: int, name: str) -> str:
    """The name of one field of the draft: "summary", or "item-<decision id>-<field>"."""
    return f"item-{decision_id}-{name}"


def date_written(day: dt.date) -> str:
    """A date as a letter writes it in prose: "July 22, 2014"."""
    return f"{day:%B} {day.day}, {day.year}"


def age_at_injury(case: Case) -> int | None:
    """Whole years from the date of birth to the date of injury; the age given at intake when
    there is no date of birth."""
    born, injured = case.worker_date_of_birth, case.date_of_injury
    if born and injured:
        years = injured.year - born.year
        if (injured.month, injured.day) < (born.month, born.day):
            years -= 1
        return years if years >= 0 else None
    return case.worker_age


def _article(number: int) -> str:
    # "an 8 year old", "an 11 year old", "an 18 year old", "an 80 year old"; "a" otherwise.
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def opening_sentence(case: Case) -> str:
    """'The injured worker is a 51 year old male, who sustained an industrial injury on July 22,
    2014.' A fact that is not known is left out and the sentence stays grammatical."""
    age = age_at_injury(case)
    sex = case.worker_sex if case.worker_sex in (Sex.MALE, Sex.FEMALE) else ""
    injury = f"sustained an industrial injury on {date_written(case.date_of_injury)}."
    if age is not None and sex:
        return f"The injured worker is {_article(age)} {age} year old {sex}, who {injury}"
    if age is not None:
        return f"The injured worker is {age} years old and {injury}"
    if sex:
        return f"The injured worker is a {sex} who {injury}"
    return f"The injured worker {injury}"


def _join(words: list[str]) -> str:
    words = [word.strip() for word in words if word and word.strip()]
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# First words of an item description that are ordinary words, lower-cased when the description
# is quoted mid-sentence ("The plan includes right knee arthroscopy."). Anything else keeps its
# capital: an acronym (MRI, TENS), or a word that may be a name (Norco, Lyrica, Synvisc): a brand
# written in lower case is a mistake in a published letter, a capital left is only a style slip.
_ORDINARY_FIRST_WORDS = frozenset(
    [
        "right",
        "left",
        "bilateral",
        "both",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "eight",
        "ten",
        "twelve",
        "additional",
        "initial",
        "repeat",
        "continued",
        "outpatient",
        "inpatient",
        "home",
        "topical",
        "oral",
        "urine",
        "lumbar",
        "cervical",
        "thoracic",
        "sacroiliac",
        "knee",
        "shoulder",
        "hip",
        "ankle",
        "wrist",
        "elbow",
        "hand",
        "foot",
        "back",
        "neck",
        "spine",
        "spinal",
        "physical",
        "occupational",
        "aquatic",
        "chiropractic",
        "acupuncture",
        "massage",
        "manipulation",
        "cognitive",
        "behavioral",
        "psychological",
        "psychiatric",
        "pain",
        "functional",
        "work",
        "epidural",
        "facet",
        "medial",
        "lateral",
        "transforaminal",
        "trigger",
        "radiofrequency",
        "nerve",
        "total",
        "partial",
        "arthroscopic",
        "open",
        "surgical",
        "surgery",
        "consultation",
        "consult",
        "referral",
        "evaluation",
        "follow-up",
        "follow",
        "post-operative",
        "postoperative",
        "pre-operative",
        "preoperative",
        "durable",
        "purchase",
        "rental",
        "cold",
        "hot",
        "continuous",
        "compound",
        "interferential",
        "electrical",
        "transcutaneous",
        "extracorporeal",
        "platelet-rich",
        "stem",
        "hyaluronic",
        "cortisone",
        "steroid",
        "injection",
        "injections",
        "lab",
        "laboratory",
        "diagnostic",
        "computerized",
        "magnetic",
        "nuclear",
        "bone",
        "ultrasound",
        "x-ray",
        "x-rays",
        "office",
        "gym",
        "pool",
        "weight",
        "custom",
        "orthotic",
        "lumbosacral",
        "cane",
        "walker",
        "wheelchair",
        "shower",
        "heating",
        "ice",
    ]
)


def item_in_sentence(description: str) -> str:
    """An item description as it reads inside a sentence: its first word lower-cased when it
    is an ordinary word ("Right knee arthroscopy" -> "right knee arthroscopy"); an acronym
    ("MRI of the left knee", "TENS unit") or a possible name ("Norco 10/325") stays as written."""
    first, space, rest = (description or "").strip().partition(" ")
    if first.lower() not in _ORDINARY_FIRST_WORDS or first[1:] != first[1:].lower():
        return description
    return first.lower() + space + rest


@dataclass(frozen=True)
class Prompt:
    key: str
    label: str
    hint: str
    # A sentence the reviewer may insert and complete (never inserted on its own).
    starter: str
    covered: bool


# Words that suggest a part of the summary is already written. Guidance only: the reviewer
# decides what the summary needs.
_COVERAGE = {
    "diagnoses": re.compile(r"diagnos", re.IGNORECASE),
    "mechanism": re.compile(
        r"\b(due to|fell|fall|falling|lifting|lifted|slipped|tripped|struck|twisted|"
        r"repetitive|mechanism|motor vehicle|while (working|lifting|carrying|pulling|pushing))\b",
        re.IGNORECASE,
    ),
    "treatment": re.compile(
        r"\b(treatment|therapy|medications?|surgery|injections?|chiropractic|acupuncture)\b",
        re.IGNORECASE,
    ),
    "examination": re.compile(
        r"\b(exam|examination|progress note|progress report|evaluation|visit|complains?)\b",
        re.IGNORECASE,
    ),
    "request": re.compile(r"\b(request(ed|s)?|plan includes|recommend(ed|s)?)\b", re.IGNORECASE),
    "ur_action": re.compile(
        r"\b(utilization review|UR|non-?certified|modified|denied)\b", re.IGNORECASE
    ),
}


def summary_prompts(case: Case, summary: str) -> list[Prompt]:
    """What a clinical case summary covers after its opening sentence, in the order the
    published letters follow, each with a sentence starter drafted from the case facts."""
    items = list(case.items.all())
    requested = _join([item.description for item in items]) or "the disputed treatment"
    # Quoted mid-sentence in the starters below.
    requested_in_sentence = (
        _join([item_in_sentence(item.description) for item in items]) or "the disputed treatment"
    )
    ur_verb = "modified" if any(item.was_modified for item in items) else "non-certified"
    diagnoses = _join(list(case.diagnoses or []))
    prompts = [
        (
            "diagnoses",
            "Diagnoses",
            "The diagnoses, as the records give them."
            + (f" On the application: {diagnoses}." if diagnoses else ""),
            f"The injured worker was diagnosed as having {diagnoses or '…'}.",
        ),
        (
            "mechanism",
            "Mechanism of injury",
            "How the injury happened.",
            "The injured worker reported … due to ….",
        ),
        (
            "treatment",
            "Treatment to date",
            "Treatment and diagnostic studies so far, and how they helped.",
            "Treatment and diagnostic studies to date have included ….",
        ),
        (
            "examination",
            "The latest examination",
            "The most recent progress note: complaints, findings, function.",
            "A progress note dated … provides the injured worker complains of …. "
            "Physical exam notes ….",
        ),
        (
            "request",
            "The request",
            f"What the provider requested: {requested}.",
            f"The plan includes {requested_in_sentence}.",
        ),
        (
            "ur_action",
            "The UR action",
            f"What utilization review decided on {case.ur_decision_date:%m/%d/%Y}.",
            f"On {date_written(case.ur_decision_date)}, utilization review {ur_verb} the request "
            f"for {requested_in_sentence}.",
        ),
    ]
    text = summary or ""
    # The opening sentence itself says nothing about these parts.
    text = text.replace(opening_sentence(case), "")
    # The treatment requested is no treatment to date (from QA: "The plan includes physical
    # therapy" ticked "Treatment to date" in a summary that named none): the sentences that
    # state the request or the UR action are left out of that check.
    to_date = " ".join(
        sentence
        for sentence in re.split(r"(?<=[.!?])\s+", text)
        if not (_COVERAGE["request"].search(sentence) or _COVERAGE["ur_action"].search(sentence))
    )
    return [
        Prompt(
            key,
            label,
            hint,
            starter,
            bool(_COVERAGE[key].search(to_date if key == "treatment" else text)),
        )
        for key, label, hint, starter in prompts
    ]


# The blanks of the starter sentences: "…" (and "..." typed for it), standing alone as the
# starters leave them. A starter inserted and not completed would print in the letter as
# "diagnosed as having …": never sent to a party. Words left out of a quotation are written
# "[…]" or "[...]", as legal writing marks them, and are no blank (from a QA pass: an elided
# MTUS quotation could not be signed); nor is an ellipsis joined to the word or quotation mark
# before it, as a word processor writes one ("cold therapy… as needed", "“…the surgeon"; from
# a later pass: a note pasted from Word could not be signed).
# Run on the text and on the preview's escaped HTML, where a blank may follow a tag ("<br>…")
# and a quotation mark is an entity ("&quot;…"): what joins an ellipsis to the text before it
# is a letter or digit, a quotation mark or ";" (an entity's end), or the "[" of an omission.
# A blank is followed by a space, a full stop or the end, as the starters leave it; an ellipsis
# followed by a word is a quotation's start ("…continuous-flow cryotherapy is recommended").
PLACEHOLDER = re.compile(r"(?<![\[\w\"“”'‘’;])(?:…|\.\.\.)(?![\]\w])")
_PLACEHOLDER_CONTEXT = 30


def placeholders_in(text: str) -> list[str]:
    """Each place a blank is left in `text`, quoted with the words around it so the reviewer
    finds it ("…reported … due to ….”); blanks close together are one place. Empty when none."""
    text = text or ""
    spans: list[list[int]] = []
    for match in PLACEHOLDER.finditer(text):
        # Whole words at both ends ("…medication. The", not "…n. The").
        start = max(0, match.start() - _PLACEHOLDER_CONTEXT)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = min(len(text), match.end() + _PLACEHOLDER_CONTEXT)
        while end < len(text) and not text[end].isspace():
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [
        f"{'…' if start else ''}{' '.join(text[start:end].split())}{'…' if end < len(text) else ''}"
        for start, end in spans
    ]


def summary_body(case: Case, summary: str) -> str:
    """The summary without its drafted opening sentence: what the reviewer wrote."""
    return (summary or "").replace(opening_sentence(case), "", 1).strip()
