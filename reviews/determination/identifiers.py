"""What in a text of the determination would name someone in the public letter: every name the
case file knows (the worker, each party, the sources of the records, the other names the case
administrator recorded: family members, witnesses) and identifier patterns
(social security, ADJ, claim and phone numbers, street addresses, dates of birth, e-mail).

The state publishes the letter's body with no names and no claim number (SPEC section 6, the
public letter), so each hit offers a neutral replacement. The checks are text patterns: hints,
never proof; warnings.py turns hits into the review step's warnings."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from cases.formatting import in_sentence
from cases.lifecycle.models import Case, PartyRole
from cases.textsearch import APOSTROPHES, fold
from reviews.determination.drafting import date_written

# A name part shorter than this is too common to flag alone ("Li", "Ng").
MIN_NAME_PART = 3
EXCERPT_CHARS = 40


@dataclass(frozen=True)
class Identifier:
    code: str  # stable within the case: "worker", "party-employer", "phone"...
    what: str  # "the worker's name “Ana Ruiz”"
    replacement: str  # "the injured worker", "[phone number removed]"
    pattern: re.Pattern


@dataclass(frozen=True)
class Hit:
    identifier: Identifier
    start: int
    end: int
    found: str


# --- Names ------------------------------------------------------------------------------------

_TITLE = r"(?:(?i:dr|mr|mrs|ms|miss|mx)\.?\s+)?"
_CREDENTIALS = re.compile(
    r"(?:,?\s+(?:M\.?D|D\.?O|D\.?C|Ph\.?D|N\.?P|P\.?A(?:-C)?|Esq|Jr|Sr|II|III|IV)\.?)+\s*$",
    re.IGNORECASE,
)
_LEADING_TITLE = re.compile(r"^(?:dr|mr|mrs|ms|miss|mx)\.?\s+", re.IGNORECASE)
_CORPORATE = r"(?:Inc|LLC|LLP|L\.L\.C|Corp|Corporation|Co|Company|Ltd|P\.?C|APC|A\.P\.C)\.?"
_CORPORATE_TAIL = re.compile(rf",?\s+{_CORPORATE}\s*$", re.IGNORECASE)
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:inc|llc|llp|corp|company|group|clinic|center|centre|hospital|medical|services?|"
    r"offices?|law|associates|partners|insurance|health|healthcare|institute|network|"
    r"pharmacy|imaging|therapy|care|county|city|state|district|university)\b",
    re.IGNORECASE,
)
# Surnames that are also everyday words: flagged alone only when written like a name.
_COMMON_WORDS = frozenset(
    [
        "young",
        "long",
        "brown",
        "white",
        "black",
        "green",
        "gray",
        "grey",
        "hall",
        "king",
        "rose",
        "bush",
        "may",
        "hope",
        "will",
        "cook",
        "wood",
        "stone",
        "price",
        "power",
        "rich",
        "best",
        "little",
        "sharp",
        "strong",
        "wise",
        "moody",
        "bright",
        "fair",
        "park",
        "counsel",
        "bell",
        "hill",
        "lane",
        "field",
        "case",
        "page",
        "mark",
        "frank",
        "grant",
        "chase",
        "hunt",
        "miles",
        "rice",
    ]
)
# Words of a record source that only name a role ("the provider", "claims administrator").
_ROLE_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "injured",
        "worker",
        "employee",
        "applicant",
        "patient",
        "claims",
        "claim",
        "administrator",
        "adjuster",
        "insurer",
        "carrier",
        "employer",
        "requesting",
        "treating",
        "primary",
        "physician",
        "provider",
        "doctor",
        "attorney",
        "ur",
        "utilization",
        "review",
        "organization",
        "reviewer",
        "defense",
        "applicant's",
        "worker's",
        "unknown",
        "other",
        "self",
    ]
)

PERSON_ROLES = {
    PartyRole.REQUESTING_PROVIDER: "the requesting physician",
    PartyRole.UR_PHYSICIAN: "the UR physician",
    PartyRole.ATTORNEY: "the attorney",
}
# The neutral words for another person the case file names: most are the worker's family (the
# spouse, a parent, a child who cares for the worker); the reviewer may edit the words.
OTHER_PERSON = "a family member"
ORGANIZATION_ROLES = {
    PartyRole.EMPLOYER: "the employer",
    PartyRole.CLAIMS_ADMINISTRATOR: "the claims administrator",
    PartyRole.PROVIDER_GROUP: "the treating facility",
    PartyRole.UR_ORGANIZATION: "the UR organization",
}


# A name as it is typed: with or without its accents ("Astrom" for "Åström", also decomposed),
# apostrophes ("OBrien", "O’Brien" for "O'Brien") and hyphens ("Ng Astrom", "Ng‐Astrom" for
# "Ng-Astrom"). From a QA pass: the public letter printed "Ms. Ng-Astrom" and "Mr. O’Brien",
# which only the exact spellings were flagged for.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u00ad"
_MARKS = "[\u0300-\u036f]*"


def _letter_forms() -> dict[str, str]:
    """Each letter a name may hold, with the letters it is typed as (Å: a, å, á, ...)."""
    forms: dict[str, set[str]] = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        base = fold(char)
        if char.isalpha() and len(base) == 1 and base.isascii() and base.isalpha():
            forms.setdefault(base, set()).update({char, base, base.upper()})
    return {base: "".join(sorted(chars)) for base, chars in forms.items()}


_LETTER_FORMS = _letter_forms()


def _typed(text: str, *, capital_first: bool = False) -> str:
    """A regular expression for `text` as people type it (above). `capital_first`: the first
    letter must be a capital, with or without its accent."""
    out = []
    for index, char in enumerate(text):
        base = fold(char)
        if char in APOSTROPHES:
            out.append(f"[{re.escape(APOSTROPHES)}]?")
        elif char in _DASHES:
            out.append(rf"[\s{re.escape(_DASHES)}]?")
        elif _unseen(char):
            continue  # a direction mark in the case file's name: the text is read without
        elif len(base) == 1 and base in _LETTER_FORMS:
            forms = _LETTER_FORMS[base]
            if capital_first and index == 0:
                forms = "".join(form for form in forms if form.isupper())
            out.append(f"[{re.escape(forms)}]{_MARKS}")
        elif len(base) > 1:  # ß, æ, œ: as written or spelt out
            out.append(f"(?:{re.escape(char)}|{re.escape(base)})")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _word(part: str) -> str:
    """One name part, matched case-insensitively unless it is an everyday word."""
    if part.lower() in _COMMON_WORDS:
        return rf"(?-i:{_typed(part[0], capital_first=True)})(?i:{_typed(part[1:])})"
    return rf"(?i:{_typed(part)})"


def _phrase(words: list[str]) -> str:
    return r"\s+".join(rf"(?i:{_typed(word)})" for word in words)


def _bounded(body: str) -> re.Pattern:
    return re.compile(rf"(?<![\w@.])(?:{body})(?![\w@])")


def person_pattern(
    first: str, last: str, *, full: bool = True, alone: bool = True
) -> re.Pattern | None:
    """First Last (a middle name or initial allowed), "Last, First", and Last alone when it has
    at least MIN_NAME_PART letters; a title (Dr., Ms.) goes with the name. `full` or `alone`
    False leaves those forms out."""
    forms = []
    lasts = last.split()
    if full and first and lasts:
        full_last = _phrase(lasts)
        # A middle name or initial is written with a capital ("Ana M. Ruiz").
        middle = r"(?:\s+[A-Z][\w'-]*\.?)?"
        forms.append(rf"{_TITLE}(?i:{_typed(first)}){middle}\s+{full_last}")
        forms.append(rf"{full_last},\s*(?i:{_typed(first)})")
    if alone and lasts and len(re.sub(r"\W", "", last)) >= MIN_NAME_PART:
        body = r"\s+".join(_word(part) for part in lasts)
        # And the family by it, in the plural: "The Whitfields report…" (from QA: it was
        # signed into the public letter, unflagged).
        forms.append(rf"{_TITLE}{body}(?:e?s)?")
    return _bounded("|".join(forms)) if forms else None


def _person_parts(name: str) -> tuple[str, str]:
    """(first, last) of a printed name: "Dr. Lee Park, M.D." gives ("Lee", "Park")."""
    name = _CREDENTIALS.sub("", _LEADING_TITLE.sub("", name.strip())).strip(" ,")
    if "," in name:  # "Park, Lee"
        last, _, first = name.partition(",")
        return first.strip().split(" ")[0], last.strip()
    words = name.split()
    if len(words) == 1:
        return "", words[0]
    return words[0], words[-1]


def organization_pattern(name: str) -> re.Pattern | None:
    core = _CORPORATE_TAIL.sub("", name.strip()).strip(" ,")
    words = core.split()
    if not words or len(re.sub(r"\W", "", core)) < MIN_NAME_PART:
        return None
    return _bounded(rf"{_phrase(words)}(?:,?\s+(?i:{_CORPORATE}))?")


def _looks_like_person(name: str) -> bool:
    return bool(_LEADING_TITLE.match(name.strip())) or not _ORGANIZATION_WORDS.search(name)


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.lower()).split())


# --- Identifier patterns ------------------------------------------------------------------------

_MONTHS = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ANY_DATE = (
    rf"(?:\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}})"
)
_BIRTH_LABEL = r"(?:(?i:dob|d\.o\.b\.|date\s+of\s+birth|born(?:\s+on)?)\s*:?\s*)"
_STREET = (
    r"(?:Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|"
    r"Circle|Cir|Parkway|Pkwy|Highway|Hwy|Terrace|Trail|Plaza)"
)

PATTERNS = (
    Identifier(
        "ssn",
        "a social security number",
        "[social security number removed]",
        re.compile(
            r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])"
            r"|(?i:ssn|social\s+security\s+(?:number|no\.?))\s*[:#]?\s*\d{9}(?!\w)"
        ),
    ),
    Identifier(
        "email",
        "an e-mail address",
        "[e-mail address removed]",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    Identifier(
        "phone",
        "a phone number",
        "[phone number removed]",
        re.compile(
            r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
        ),
    ),
    Identifier(
        "address",
        "a street address",
        "[street address removed]",
        re.compile(
            rf"(?<![\w-])\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][\w'-]*\.?\s+){{1,4}}{_STREET}\b\.?"
            r"(?:,?\s+(?:Suite|Ste\.?|Apt\.?|Unit|#)\s*\w+)?"
        ),
    ),
    Identifier(
        "adj",
        "an ADJ (EAMS case) number",
        "[ADJ number removed]",
        re.compile(r"(?<!\w)(?i:adj)\s?-?\d{6,9}(?!\w)"),
    ),
    Identifier(
        "claim-number",
        "a claim number",
        "[claim number removed]",
        # Only the number after "claim no." is the hit; the words stay.
        re.compile(
            r"(?i:claim)\s*(?i:no\.?|number|#)\s*:?\s*(?P<id>(?=[\w-]*\d)[A-Za-z0-9][\w-]{4,})"
        ),
    ),
    Identifier(
        "birth-date",
        "a date of birth",
        "[date of birth removed]",
        re.compile(rf"(?<!\w){_BIRTH_LABEL}{_ANY_DATE}(?![\w/-])"),
    ),
)


def date_forms(born: dt.date) -> list[str]:
    """The usual ways a text writes a date: 03/15/2025, 3/15/2025, March 15, 2025, ..."""
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


def case_identifiers(case: Case) -> list[Identifier]:
    """Everything of this case to look for, the most specific first (a hit that overlaps an
    earlier one is left to it). Reads the case's parties and records (one query each); the
    other names are the case's own field."""
    found: list[Identifier] = []
    seen: set[str] = set()

    def person(code, what, replacement, first, last):
        key = _normal(f"{first} {last}")
        if not key or key in seen:
            return
        pattern = person_pattern(first, last)
        if pattern is not None:
            seen.add(key)
            found.append(Identifier(code, what, replacement, pattern))

    def organization(code, what, replacement, name):
        key = _normal(_CORPORATE_TAIL.sub("", name))
        if not key or key in seen:
            return
        pattern = organization_pattern(name)
        if pattern is not None:
            seen.add(key)
            found.append(Identifier(code, what, replacement, pattern))

    worker_first = (case.worker_first_name or "").strip()
    worker_last = (case.worker_last_name or "").strip()
    person(
        "worker",
        f"the worker's name “{f'{worker_first} {worker_last}'.strip()}”",
        "the injured worker",
        worker_first,
        worker_last,
    )
    for party in case.parties.all():
        name = (party.name or "").strip()
        role = in_sentence(party.get_role_display())
        code = f"party-{party.role}"
        if party.role in PERSON_ROLES and _looks_like_person(name):
            first, last = _person_parts(name)
            person(code, f"the {role}'s name “{name}”", PERSON_ROLES[party.role], first, last)
        else:
            replacement = ORGANIZATION_ROLES.get(party.role) or PERSON_ROLES.get(party.role, "")
            organization(code, f"the {role}'s name “{name}”", replacement, name)
    for record in case.records.all():
        source = (record.source or "").strip()
        words = set(_normal(source).split())
        if not words or words <= _ROLE_WORDS:
            continue
        code, what = f"record-{record.pk}", f"the name “{source}” (a record's source)"
        if _looks_like_person(source) and len(source.split()) <= 4:
            first, last = _person_parts(source)
            person(code, what, "the treating physician", first, last)
        else:
            organization(code, what, "the treating facility", source)

    # Other people the case file names (family members, witnesses). Their full names are looked
    # for before anyone's surname alone: a spouse often shares the worker's surname, and
    # "Carlos Ruiz" is then one hit of his, not "Carlos" and the worker's "Ruiz". A bare
    # surname shared with the worker stays the worker's (listed first).
    named_first: list[Identifier] = []
    for name in case.other_names or []:
        key = _normal(name)
        if not key or key in seen:
            continue
        seen.add(key)
        first, last = _person_parts(name)
        code = f"other-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        what = f"the name “{name}” (other names in the case file)"
        for pattern, into in (
            (person_pattern(first, last, alone=False), named_first),
            (person_pattern(first, last, full=False), found),
        ):
            if pattern is not None:
                into.append(Identifier(code, what, OTHER_PERSON, pattern))

    claim = (case.claim_number or "").strip()
    if claim:
        forms = [re.escape(claim)]
        digits = re.sub(r"\D", "", claim)
        if len(digits) >= 6 and digits != claim:
            forms.append(re.escape(digits))
        # A short claim number ("2016") may match other text (a guideline's year): it is the
        # reviewer's to confirm; a longer one with a digit may never be printed (warnings).
        specific = len(claim) >= 6 and any(ch.isdigit() for ch in claim)
        found.append(
            Identifier(
                "claim" if specific else "claim-short",
                f"the claim number {claim}",
                "[claim number removed]",
                re.compile(rf"(?<![\w-])(?i:{'|'.join(forms)})(?![\w])"),
            )
        )
    if case.worker_date_of_birth:
        forms = "|".join(re.escape(form) for form in date_forms(case.worker_date_of_birth))
        found.append(
            Identifier(
                "dob",
                f"the date of birth ({case.worker_date_of_birth:%m/%d/%Y})",
                "[date of birth removed]",
                re.compile(rf"(?<![\w/-]){_BIRTH_LABEL}?(?i:{forms})(?![\w/-]|,\d)"),
            )
        )
    return named_first + found + list(PATTERNS)


def _unseen(char: str) -> bool:
    """A format character: a zero-width space or joiner, a direction mark (U+200E, U+200F), a
    soft hyphen, a byte-order mark. None prints, and text pasted from a word processor or a PDF
    carries them."""
    return unicodedata.category(char) == "Cf"


def identifier_hits(identifiers: list[Identifier], text: str) -> list[Hit]:
    """Every hit in the text, in the order of the text; overlapping hits go to the identifier
    listed first (the worker's name before a generic pattern). The text is read as it is, and
    again without its format characters (_unseen), since none prints: a social security
    number with a direction mark inside printed whole in the public letter, unflagged (from the
    notes). Read as it is too, since a zero-width space between two words stands for a space
    (from a review: "Ruiz\u200breports" read without it was no name). A hit's span is the
    text's own, marks and all, so replacing it leaves none behind."""
    text = text or ""
    kept = [index for index, char in enumerate(text) if not _unseen(char)]
    readings = [(text, None)]
    if len(kept) < len(text):
        readings.append(("".join(text[index] for index in kept), kept))
    hits: list[Hit] = []
    for identifier in identifiers:
        group = "id" if "id" in identifier.pattern.groupindex else 0
        for read, positions in readings:
            for match in identifier.pattern.finditer(read):
                start, end = match.span(group)
                if start == end:
                    continue
                if positions is not None:
                    start, end = positions[start], positions[end - 1] + 1
                if any(h.start < end and start < h.end for h in hits):
                    continue
                hits.append(Hit(identifier, start, end, text[start:end]))
    return sorted(hits, key=lambda hit: hit.start)


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(' \t"“(')
    return not before or before[-1] in ".!?\n:"


# After a hit, the start of the next sentence (or the end of the text).
_NEXT_SENTENCE = re.compile(r"\s*$|\s+[A-Z“\"(\[]")


# An article just before a name on the same line ("the Whitfield family", "from the Valley
# Medical Group", "a Whitfield relative"), and a replacement that brings its own ("the injured
# worker"). "A" and "An" with a capital only where a sentence starts, not after a title: not
# "Exhibit A", "Dr. An Whitfield" (_article_before).
_ARTICLE_BEFORE = re.compile(r"\b(?P<word>[Tt]he|[Aa]n?)[ \t]+$")
_TITLE_BEFORE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Mx)\.\s*$")
_ARTICLE = re.compile(r"^the\s", re.IGNORECASE)
# After a person's name used as an adjective, the kin or home it qualifies: "the Whitfield
# family" is "the injured worker's family". Any other word keeps the name a noun ("the Valley
# Packing Co. for ten years" is "the employer for ten years").
_KIN_AFTER = re.compile(
    r"[ \t]+(?:family|families|household|home|house|children|child|kids|relatives?|wife|"
    r"husband|spouse|partner|sons?|daughters?|parents?|mother|father|siblings?|brothers?|"
    r"sisters?)\b"
)


def _article_before(text: str, start: int):
    """The article just before `start` (a match of _ARTICLE_BEFORE), or None."""
    article = _ARTICLE_BEFORE.search(text, 0, start)
    if article and article["word"] in ("A", "An"):
        at = article.start()
        if not _at_sentence_start(text, at) or _TITLE_BEFORE.search(text, 0, at):
            return None
    return article


def hits_replaced(text: str, hits: list[Hit]) -> str:
    """The text with each hit replaced by its neutral words ("The injured worker" at the start
    of a sentence), from the end so the offsets hold. A name whose last period also ended the
    sentence ("at Valley Packing Co. Treatment…") leaves the period: "at the employer.
    Treatment…". After "the", the replacement's own article takes its place (from QA: "The the
    injured worker family"), and a name that qualifies kin or a home is made a possessive:
    "The Whitfield family reports…" is "The injured worker's family reports…"."""
    for hit in sorted(hits, key=lambda hit: hit.start, reverse=True):
        words = hit.identifier.replacement
        start = hit.start
        article = _article_before(text, hit.start)
        if article and _ARTICLE.match(words):
            start = article.start()
            if _KIN_AFTER.match(text, hit.end):
                words += "'s"
        if words[:1].islower() and _at_sentence_start(text, start):
            words = words[0].upper() + words[1:]
        if (
            hit.found.endswith(".")
            and not words.endswith(".")
            and _NEXT_SENTENCE.match(text, hit.end)
        ):
            words += "."
        text = text[:start] + words + text[hit.end :]
    return text


@dataclass(frozen=True)
class Excerpt:
    before: str
    found: str
    after: str


def hit_excerpt(text: str, hit: Hit) -> Excerpt:
    """A few words either side of the hit, cut at a space, with … where the text goes on."""
    start, end = max(0, hit.start - EXCERPT_CHARS), min(len(text), hit.end + EXCERPT_CHARS)
    before, after = text[start : hit.start], text[hit.end : end]
    if start > 0:
        before = "…" + (before.split(" ", 1)[-1] if " " in before else before)
    if end < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return Excerpt(before, hit.found, after)
