"""Checking a JSON file whole: every problem is collected with its JSON path (`$.items[0].category`)
instead of stopping at the first. The generic shapes live here (objects, lists, text, choices,
dates, booleans, emails, whole numbers, unknown and required keys); the rules of each file stay
with it: intake's in cases.intake.validation, the roster's and the specialty table's in
reviews.roster.validation. Pure Python and Django validators only: it imports no room."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FORMAT = "YYYY-MM-DD"
# A date standing alone, not inside an id ("IMR-2016-11-04-001" stays as sent).
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")
# No date a case records comes before this one (a worker's birth is the earliest): a record
# dated 01/01/1800 was taken, and its letter would have listed it so.
EARLIEST_DATE = dt.date(1900, 1, 1)
EMAIL_MAX_LENGTH = 254
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def happened_problem(day: dt.date, *, today: dt.date) -> str | None:
    """Why `day` cannot date something that happened, in words that follow the date or its
    name ("is in the future", "is before 1900-01-01"), or None. The words give dates in ISO;
    a form shows them as its pages print them (form_dates)."""
    if day > today:
        return "is in the future"
    if day < EARLIEST_DATE:
        return f"is before {EARLIEST_DATE.isoformat()}"
    return None


# A problem worded to follow the name of what it is about: "is required", "must not be empty".
_PREDICATES = ("is ", "are ", "must ", "names ", "differs ", "contains ")


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first letter and a full stop."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def form_dates(text: str) -> str:
    """The text with its ISO dates as the form pages print them (MM/DD/YYYY)."""
    return _ISO_DATE.sub(r"\2/\3/\1", text)


# PostgreSQL stores no NUL character in text or jsonb (psycopg refuses it, a 500 before this
# rule): every text input refuses it with a message, in JSON as in forms and addresses.
NUL = "\x00"
NUL_MESSAGE = "contains a NUL character (\\u0000), which no field accepts; remove it"


def has_nul(text: str) -> bool:
    return NUL in text


# A JSON escape may name half of a UTF-16 pair alone ("\ud800"): that is no character, UTF-8
# cannot encode it and the database refused it (a server error, and an import stuck on it).
# Forms cannot send one (their bytes are decoded as UTF-8, with replacement).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = (
    "contains half of a UTF-16 surrogate pair (\\ud800-\\udfff) without its other half, "
    "which is no character; send the whole character"
)


# Control characters but tab, line feed and carriage return (C0, DEL, C1), and the
# bidirectional embedding, override and isolate controls: stored, they print as nothing or
# reorder what is shown, so a page and a search disagree with what is on file (from QA:
# "Smith\u202egnorw" showed as "Smithwrong"; an escape sequence printed as a box).
# A form feed or vertical tab (common in text copied out of a PDF) is taken as a line break
# (visible_strip's caller, JsonChecker.text).
_HIDDEN_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PAGE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def controls_removed(text: str) -> str:
    """The text shown without its hidden controls: what a draft holds as typed, before intake
    refuses them (from QA: a name with U+202E showed reversed in the draft's banner)."""
    return _HIDDEN_CONTROL.sub("", text)


def unstorable_problem(text: str) -> str | None:
    """Why no field can store the text (a NUL, a lone surrogate, a hidden control), or None."""
    if has_nul(text):
        return NUL_MESSAGE
    if _LONE_SURROGATE.search(text):
        return SURROGATE_MESSAGE
    if found := _HIDDEN_CONTROL.search(text):
        return (
            f"contains the control character \\u{ord(found.group()):04x}, which prints as "
            "nothing or reorders the text around it; remove it"
        )
    return None


def visible_strip(text: str) -> str:
    """The text without what surrounds it unseen: whitespace, and format characters such as a
    zero-width space, a word joiner or a byte-order mark (a name of "\u200b" printed as
    nothing, and passed "is required"). Inside the text they stay: joiners shape scripts."""
    start, end = 0, len(text)
    while start < end and _unseen(text[start]):
        start += 1
    while end > start and _unseen(text[end - 1]):
        end -= 1
    return text[start:end]


def _unseen(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) == "Cf"


# How deep a document's lists and objects may nest. An intake file is five levels deep; a body
# nested thousands deep overflowed the parser's (and the checker's) recursion: a server error.
MAX_DEPTH = 32
TOO_DEEP = f"nests lists or objects more than {MAX_DEPTH} levels deep"


class JsonTooDeep(ValueError):
    """A document nested deeper than MAX_DEPTH."""


class JsonKeyRepeated(ValueError):
    """An object that gives one key more than once. json.loads keeps the last value silently:
    `{"claim_number": "FIRST", "claim_number": "SECOND"}` was taken as SECOND (from QA). Which
    one the sender meant is unknown, so the document is refused, the key named by its path."""

    def __init__(self, path: str, key: str):
        self.path = path
        self.key = key
        self.problem = (
            f"the key {shown(key)} is given more than once in the same object; give it once"
        )
        super().__init__(f"{path}: {self.problem}")


class _KeysRepeated(dict):
    """An object of a document that gave some keys more than once (`repeated`, in order)."""

    repeated: tuple[str, ...] = ()


def json_loads(text: str | bytes, *, parse_constant: Callable[[str], Any] | None = None) -> Any:
    """json.loads, refusing a document nested deeper than MAX_DEPTH (JsonTooDeep) or with a key
    given twice in one object (JsonKeyRepeated) as it would refuse bad syntax
    (json.JSONDecodeError): every JSON a sender gives goes through here."""
    repeats: list[_KeysRepeated] = []

    def object_from(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        seen: set[str] = set()
        repeated = _KeysRepeated(obj)
        repeated.repeated = tuple(key for key, _ in pairs if key in seen or seen.add(key))
        repeats.append(repeated)
        return repeated

    value = depth_checked(
        lambda: json.loads(text, object_pairs_hook=object_from, parse_constant=parse_constant)
    )
    if repeats:
        raise _first_repeat(value)
    return value


def _first_repeat(value: Any) -> JsonKeyRepeated:
    """A key given twice, at its path: an object's own before those of the objects in it, then
    in the document's order (read without recursion)."""
    stack = [(value, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _KeysRepeated):
            key = node.repeated[0]
            return JsonKeyRepeated(key_path(path, key), key)
        children = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (child, key_path(path, key))
            for key, child in reversed(list(children))
            if isinstance(child, dict | list)
        )
    raise AssertionError("a repeated key was parsed but not found")


def depth_checked(parse: Callable[[], Any]) -> Any:
    """What `parse` gives, or JsonTooDeep when it nests deeper than MAX_DEPTH: a parser that
    ran out of recursion, or a document it could read but no checker should walk."""
    try:
        value = parse()
    except RecursionError as exc:
        raise JsonTooDeep(TOO_DEEP) from exc
    if too_deep(value):
        raise JsonTooDeep(TOO_DEEP)
    return value


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest deeper than `limit` (read without recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


@dataclass(frozen=True)
class JsonError:
    """One problem in a JSON document, located by its JSON path. A value outside a fixed list
    carries that list apart from the problem: a JSON sender is told the codes to use, a person at
    a form (who picks from the form's own list) is not."""

    path: str
    problem: str
    choices: tuple[str, ...] = ()
    # The same problem in a person's words, where the JSON's name a key, a code or a format the
    # form does not show ("is required" for "is required (a date, YYYY-MM-DD)"); "" when the
    # JSON's words serve both.
    form_problem: str = ""

    @property
    def message(self) -> str:
        """The problem for a JSON or API sender, with the codes to use."""
        if not self.choices:
            return self.problem
        return f"{self.problem}; use one of: {', '.join(self.choices)}"

    @property
    def form_message(self) -> str:
        """The problem for a person at a form: the choices are the form's own list, and the
        dates as the form's pages print them (MM/DD/YYYY; a JSON sender wrote them in ISO)."""
        problem = form_dates(self.form_problem or self.problem)
        return f"{problem}; choose one from the list" if self.choices else problem

    def form_sentence(self, label: str = "") -> str:
        """The problem as a whole sentence for a form, naming the field by its label: "Date of
        injury is required." A problem with its own subject follows the label and a colon
        ("Date of injury: 01/01/2999 is in the future.")."""
        problem = self.form_message
        if label:
            joint = " " if problem.startswith(_PREDICATES) else ": "
            problem = f"{label}{joint}{problem}"
        return sentence(problem)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def key_path(path: str, key: str | int) -> str:
    """`$.items` for a plain key, `$["odd key"]` otherwise, `$[0]` for a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def json_type(value: Any) -> str:
    """What a JSON value is, in the words a problem names it: "not a number"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def closest(
    word: str,
    choices: Iterable[str],
    *,
    n: int = 1,
    cutoff: float = 0.6,
    labels: dict[str, str] | None = None,
) -> list[str]:
    """The choices closest to `word`, best first, for a "did you mean" hint. With `labels`
    (each choice's words for people), the one choice whose code and label hold every word of
    `word` comes first: "physical_therapy" is "pt_ot" (Physical / occupational therapy), not the
    "psych_therapy" its spelling is nearest (from QA: a hint that would have filed physical
    therapy as psychological, and the category decides which specialties may review it)."""
    choices = list(choices)
    if labels:
        typed = _words(str(word))
        named = [c for c in choices if typed and typed <= _words(f"{c} {labels.get(c, '')}")]
        if len(named) == 1:
            return named
    return difflib.get_close_matches(str(word), choices, n=n, cutoff=cutoff)


# A value a message quotes back is cut to this many characters: a 2 MB category came back
# whole in the API's error, and in each refused row of an import and on its page.
SHOWN_MAX = 80


def shown_cut(text: str) -> str:
    """`text` cut to SHOWN_MAX characters, the cut marked with an ellipsis."""
    return text if len(text) <= SHOWN_MAX else f"{text[: SHOWN_MAX - 1]}…"


def shown(value: Any) -> str:
    """A value as a message quotes it (as JSON), cut to SHOWN_MAX characters."""
    return shown_cut(json.dumps(value))


def not_one_of(
    path: str, value: Any, choices: Iterable[str], *, what: str, labels: dict | None = None
) -> JsonError:
    """A value outside its choices, with the nearest one as a hint and the full list."""
    choices = tuple(choices)
    hint = closest(str(value), choices, labels=labels)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    return JsonError(path, f"{shown(value)} is not {what}{suggestion}", choices)


def _what(what: str) -> str:
    return f" ({what})" if what else ""


def _given(parent: dict | list, key: str | int) -> Any:
    return parent[key] if isinstance(parent, list) else parent.get(key)


class Checker:
    """Walks a document, collecting every problem. Each check takes the parent (an object, or a
    list with an index for key), the key and the parent's path; absent or null is not given."""

    def __init__(self):
        self.errors: list[JsonError] = []

    def error(
        self, path: str, message: str, choices: Iterable[str] = (), *, form: str = ""
    ) -> None:
        """`form`: the problem in a person's words when `message` names JSON keys, codes or
        formats (JsonError.form_problem)."""
        self.errors.append(JsonError(path, message, tuple(choices), form))

    def storable_text(self, value: Any, path: str) -> None:
        """Report every text (a key or a value, at any depth) no field can store: a NUL
        character or a lone surrogate (unstorable_problem)."""
        if isinstance(value, str):
            problem = unstorable_problem(value)
            if problem:
                self.error(path, problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                here = key_path(path, str(key))  # json.dumps escapes what cannot print
                problem = unstorable_problem(key) if isinstance(key, str) else None
                if problem:
                    self.error(here, f"the field's name {problem}")
                self.storable_text(item, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.storable_text(item, key_path(path, index))

    def keys(self, obj: dict, path: str, allowed: Iterable[str], ignored=()) -> None:
        """Report unknown keys: a typo must never drop data silently."""
        allowed = list(allowed)
        for key in obj:
            if key in allowed or key in ignored:
                continue
            key = str(key)
            hint = closest(key, allowed, cutoff=0.7)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            # A name pasted by mistake (megabytes) is named by its start, as values are (shown).
            self.error(key_path(path, shown_cut(key)), f"unknown field{suggestion}")

    def missing(self, parent, key, path: str, *, required: bool, what: str) -> bool:
        """True if the key is not given (absent, null or empty text); reported if required."""
        if _given(parent, key) not in (None, ""):
            return False
        if required:
            self.error(key_path(path, key), f"is required{_what(what)}", form="is required")
        return True

    def mapping(self, value: Any, path: str, *, what: str = "") -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"must be an object{_what(what)}, not {json_type(value)}")
            return None
        return value

    def obj(self, parent: dict, key: str, path: str, *, required: bool, what: str = ""):
        if self.missing(parent, key, path, required=required, what=what):
            return None
        return self.mapping(_given(parent, key), key_path(path, key), what=what)

    def array(
        self,
        parent: dict,
        key: str,
        path: str,
        *,
        required: bool,
        what: str = "",
        allow_empty: bool | None = None,
        empty_said: str = "",
    ):
        """A list; a required one must not be empty unless `allow_empty` (`empty_said`: that
        problem in a person's words, for a form)."""
        if self.missing(parent, key, path, required=required, what=what):
            return None
        value, here = _given(parent, key), key_path(path, key)
        if not isinstance(value, list):
            self.error(here, f"must be a list{_what(what)}, not {json_type(value)}")
            return None
        if not value and required and not allow_empty:
            self.error(
                here, f"must not be empty{_what(what)}", form=empty_said or "must not be empty"
            )
        return value

    def text(
        self,
        parent: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        numbers: bool = False,
    ) -> str | None:
        """Stripped text (visible_strip); "" when not given, None when it has a problem. With
        `numbers`, a JSON number is taken as its digits (exports often write an NPI so)."""
        value = _given(parent, key)
        here = key_path(path, key)
        if value is None:
            value = ""
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(here, f"must be text, not {json_type(value)}")
            return None
        value = visible_strip(value.translate(_PAGE_BREAKS))
        if required and not value:
            # A list's entry has no key to require; it is there, but empty.
            self.error(here, "is required" if isinstance(key, str) else "must be non-empty text")
            return None
        if max_length and len(value) > max_length:
            self.error(here, f"is {len(value)} characters long; the limit is {max_length}")
            return None
        return value

    def strings(self, values: list, path: str, *, max_length: int | None = None) -> list[str]:
        """Each entry of a list as non-empty text (of at most `max_length` characters)."""
        cleaned = []
        for index, value in enumerate(values):
            value = visible_strip(value.translate(_PAGE_BREAKS)) if isinstance(value, str) else ""
            if not value:
                self.error(key_path(path, index), "must be non-empty text")
                continue
            if max_length and len(value) > max_length:
                self.error(
                    key_path(path, index),
                    f"is {len(value)} characters long; the limit is {max_length}",
                )
                continue
            cleaned.append(value)
        return cleaned

    def choice(
        self,
        parent: dict,
        key: str,
        path: str,
        choices,
        *,
        required: bool,
        what: str,
        labels: dict | None = None,
    ):
        if _given(parent, key) in (None, ""):
            if required:
                self.error(key_path(path, key), "is required", choices)
            return None
        value = _given(parent, key)
        if not isinstance(value, str) or value not in choices:
            self.errors.append(
                not_one_of(key_path(path, key), value, choices, what=what, labels=labels)
            )
            return None
        return value

    def date(self, parent: dict, key: str, path: str, *, required: bool = False):
        if self.missing(parent, key, path, required=required, what=f"a date, {DATE_FORMAT}"):
            return None
        value, here = _given(parent, key), key_path(path, key)
        if not isinstance(value, str) or not DATE_RE.match(value):
            self.error(
                here,
                f"{shown(value)} is not a date in the form {DATE_FORMAT}",
                form=f"{shown_cut(str(value))} is not a date; enter it as MM/DD/YYYY",
            )
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(here, f"{value} is not a real calendar date")
            return None

    def boolean(self, parent: dict, key: str, path: str, *, required: bool = False):
        """true or false; False when not given (None if required and missing)."""
        if _given(parent, key) is None:
            if required:
                self.error(key_path(path, key), "is required (true or false)", form="is required")
                return None
            return False
        value = _given(parent, key)
        if not isinstance(value, bool):
            self.error(key_path(path, key), f"must be true or false, not {json_type(value)}")
            return None
        return value

    def email(self, parent: dict, key: str, path: str, *, required: bool = False) -> str | None:
        value = self.text(parent, key, path, required=required, max_length=EMAIL_MAX_LENGTH)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(key_path(path, key), f"{value!r} is not an email address")
                return None
        return value

    def whole_number(
        self, parent: dict, key: str, path: str, *, maximum: int, required: bool = False
    ) -> int | None:
        """A whole number from 0 to `maximum`."""
        if _given(parent, key) is None:
            if required:
                self.error(key_path(path, key), "is required (a whole number)", form="is required")
            return None
        value, here = _given(parent, key), key_path(path, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                here,
                f"must be a whole number, not {json_type(value)}",
                form="must be a whole number",
            )
            return None
        if value < 0:
            self.error(here, f"must not be negative (got {value})")
            return None
        if value > maximum:
            self.error(here, f"must be at most {maximum} (got {value})")
            return None
        return value
