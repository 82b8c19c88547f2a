"""Checks of the roster file and of the category-to-specialties table (SPEC sections 4, 7), on the
one JSON checker intake uses (cases.jsoncheck): every problem is named by its JSON path
(`$[3].licences[0].expires`), and one problem means nothing is written."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model

from cases.jsoncheck import Checker, JsonError, closest, json_type, key_path, not_one_of
from cases.lifecycle.models import ItemCategory
from cases.states import state_code
from reviews.roster.models import (
    HOURS_IN_A_WEEK,
    AffiliationKind,
    ReviewerProfile,
    Specialty,
    specialty_key,
)
from reviews.roster.selectors import specialty_vocabulary

# Field sizes of the models the roster fills (accounts.User, reviews.models).
EXTERNAL_ID_MAX = 64
NAME_PART_MAX = 150
STATE_MAX = 60
LICENCE_NUMBER_MAX = 40
AFFILIATION_NAME_MAX = 200
AFFILIATION_IDENTIFIER_MAX = 64
LEAVE_NOTE_MAX = 200
SPECIALTY_NAME_MAX = 120
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField

# Every key is required except those named optional beside each table.
REVIEWER_KEYS = (
    "external_id",
    "name",
    "email",
    "licences",
    "certifications",
    "years_in_practice",
    "weekly_practice_hours",
    "max_open_cases",
    "current_open_cases",
    "on_leave",
    "affiliations",
    "leave",  # optional
)
LICENCE_KEYS = ("state", "number", "expires", "restricted")
AFFILIATION_KEYS = ("kind", "name", "identifier")  # identifier optional
LEAVE_KEYS = ("starts", "ends", "note")  # note optional
_WHOLE_NUMBERS = (
    ("years_in_practice", SMALL_INT_MAX),
    ("weekly_practice_hours", HOURS_IN_A_WEEK),
    ("max_open_cases", SMALL_INT_MAX),
    ("current_open_cases", SMALL_INT_MAX),
)

# Honorifics before a name and credentials after it are not part of the person's name.
_HONORIFICS = {"dr", "doctor", "prof", "professor"}
_CREDENTIALS = {
    "md",
    "do",
    "phd",
    "dc",
    "dds",
    "dmd",
    "dpm",
    "psyd",
    "mph",
    "ms",
    "msc",
    "facs",
    "facp",
    "facoem",
    "qme",
    "lac",
    "rn",
    "np",
    "pa",
    "pt",
    "dpt",
    "od",
    "mba",
}
# Degrees that are never a family name, so they are dropped even without a comma or dots.
_UNAMBIGUOUS_CREDENTIALS = {
    "md",
    "phd",
    "psyd",
    "dds",
    "dmd",
    "dpm",
    "dc",
    "mph",
    "facs",
    "facp",
    "facoem",
    "dpt",
}
_GENERATIONAL = {"jr", "sr", "ii", "iii", "iv"}
_PARTICLES = {"de", "del", "della", "la", "le", "da", "di", "do", "dos", "du", "van", "von", "der"}

_USERNAME_UNSAFE = re.compile(r"[^a-z0-9@.+_-]+")


def _bare(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


def _is_credential(word: str, *, after_comma: bool) -> bool:
    # "Minh Do" is a name, "Minh Do, DO" and "Minh Do D.O." carry a degree.
    bare = _bare(word)
    if bare not in _CREDENTIALS:
        return False
    return after_comma or "." in word or bare in _UNAMBIGUOUS_CREDENTIALS


def _without_honorifics(words: list[str]) -> list[str]:
    while len(words) > 1 and _bare(words[0]) in _HONORIFICS:
        words = words[1:]
    return words


def name_split(name: str) -> tuple[str, str]:
    """ "Dr. Jane Q. Roe, MD" -> ("Jane Q.", "Roe"); "Roe, Jane" -> ("Jane", "Roe"). Honorifics
    and credentials are not part of the name; a generational suffix stays with the family name
    ("Roe Jr.")."""
    parts = [part.strip() for part in name.split(",") if part.strip()]
    while len(parts) > 1 and all(
        _is_credential(word, after_comma=True) for word in parts[-1].split()
    ):
        parts.pop()
    generational = ""
    if len(parts) > 1 and _bare(parts[-1]) in _GENERATIONAL:
        generational = parts.pop()
    if len(parts) == 2:
        # "Family, Given" as rosters exported from other systems often write it.
        family = " ".join(_without_honorifics(parts[0].split()))
        given = " ".join(_without_honorifics(parts[1].split()))
        return given, " ".join(filter(None, [family, generational]))
    words = _without_honorifics(" ".join(parts).split())
    while len(words) > 1 and _is_credential(words[-1], after_comma=False):
        words.pop()
    if generational:
        words.append(generational)
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    family_start = len(words) - 1
    if _bare(words[-1]) in _GENERATIONAL and len(words) > 2:
        family_start -= 1
    # "Maria de la Cruz": lower-case particles belong to the family name.
    while family_start > 1 and words[family_start - 1] in _PARTICLES:
        family_start -= 1
    return " ".join(words[:family_start]), " ".join(words[family_start:])


def username_for(external_id: str) -> str:
    """The sign-in name a new reviewer gets: "REV-14" -> "rev-14" (characters Django's username
    validator refuses become "-")."""
    return _USERNAME_UNSAFE.sub("-", external_id.lower()).strip("-")


# --- The roster -------------------------------------------------------------------------------


def roster_validate(payload: Any) -> tuple[list[dict], list[JsonError]]:
    """Check a roster file. Returns the reviewers in clean form and every problem found.

    The clean form has two-letter state codes, dates, Specialty objects, and the name split
    into first and last name; it is meaningful only when there are no problems."""
    check = Checker()
    check.storable_text(payload, "$")
    if not isinstance(payload, list):
        check.error("$", f"must be a list of reviewers, not {json_type(payload)}")
        return [], check.errors
    if not payload:
        check.error("$", "lists no reviewers")
        return [], check.errors

    vocabulary = specialty_vocabulary()
    clean: list[dict] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(payload):
        path = key_path("$", index)
        reviewer = check.mapping(raw, path, what="a reviewer")
        if reviewer is None:
            continue
        check.keys(reviewer, path, REVIEWER_KEYS)
        row: dict[str, Any] = {"index": index}

        external_id = check.text(
            reviewer, "external_id", path, required=True, max_length=EXTERNAL_ID_MAX
        )
        if external_id:
            username = username_for(external_id)
            # Usernames are lower case, so "REV-14" and "rev-14" would be one account.
            seen_key = username or external_id
            if seen_key in first_seen:
                check.error(
                    f"{path}.external_id",
                    f"'{external_id}' repeats the reviewer at $[{first_seen[seen_key]}]; "
                    "each reviewer appears once",
                )
            else:
                first_seen[seen_key] = index
            if not username:
                check.error(
                    f"{path}.external_id",
                    f"'{external_id}' gives no usable sign-in name; use letters or digits",
                )
            row["external_id"] = external_id
            row["username"] = username

        name = check.text(reviewer, "name", path, required=True, max_length=2 * NAME_PART_MAX)
        if name:
            first_name, last_name = name_split(name)
            if not last_name:
                check.error(f"{path}.name", "must contain the reviewer's name")
            elif len(first_name) > NAME_PART_MAX or len(last_name) > NAME_PART_MAX:
                check.error(f"{path}.name", f"each part is at most {NAME_PART_MAX} characters")
            row["first_name"], row["last_name"] = first_name, last_name

        row["email"] = check.email(reviewer, "email", path, required=True)
        for key, maximum in _WHOLE_NUMBERS:
            row[key] = check.whole_number(reviewer, key, path, maximum=maximum, required=True)
        row["on_leave"] = check.boolean(reviewer, "on_leave", path, required=True)
        row["licences"] = _licences_validate(check, reviewer, path)
        row["certifications"] = _certifications_validate(check, reviewer, path, vocabulary)
        row["affiliations"] = _affiliations_validate(check, reviewer, path)
        row["leave"] = _leave_validate(check, reviewer, path)
        clean.append(row)

    _accounts_check(check, clean)
    return clean, check.errors


def _objects(check: Checker, parent: dict, key: str, path: str, *, required: bool, what: str):
    """Each object of a list (which may be empty) with its path."""
    values = check.array(parent, key, path, required=required, what=what, allow_empty=True)
    for index, raw in enumerate(values or []):
        here = key_path(key_path(path, key), index)
        value = check.mapping(raw, here, what=what)
        if value is not None:
            yield here, value


def _licences_validate(check: Checker, reviewer: dict, path: str) -> list[dict]:
    clean = []
    seen: dict[tuple[str, str], str] = {}
    for here, licence in _objects(
        check, reviewer, "licences", path, required=True, what="licences to practise"
    ):
        check.keys(licence, here, LICENCE_KEYS)
        state = None
        state_value = check.text(licence, "state", here, required=True, max_length=STATE_MAX)
        if state_value:
            # Licence.state keeps the two-letter code; letters print the full name.
            state = state_code(state_value)
            if state is None:
                check.error(
                    f"{here}.state",
                    f"'{state_value}' is not a US state name or two-letter code",
                )
        number = check.text(
            licence, "number", here, required=True, max_length=LICENCE_NUMBER_MAX, numbers=True
        )
        if state and number:
            key = (state, number.upper())
            if key in seen:
                check.error(
                    f"{here}.number",
                    f"licence {state} {number} is listed twice (also at {seen[key]})",
                )
            else:
                seen[key] = here
        clean.append(
            {
                "state": state,
                "number": number,
                "expires": check.date(licence, "expires", here, required=True),
                "restricted": check.boolean(licence, "restricted", here, required=True),
            }
        )
    return clean


def _certifications_validate(
    check: Checker, reviewer: dict, path: str, vocabulary: dict[str, Specialty]
) -> list[Specialty]:
    here = key_path(path, "certifications")
    names = check.array(
        reviewer,
        "certifications",
        path,
        required=True,
        what="board certifications, by specialty",
        allow_empty=True,
    )
    found: dict[int, Specialty] = {}
    for index, _ in enumerate(names or []):
        name = check.text(names, index, here, required=True, max_length=SPECIALTY_NAME_MAX)
        if not name:
            continue
        key = specialty_key(name)
        specialty = vocabulary.get(key)
        if specialty is None:
            close = [vocabulary[match].name for match in closest(key, vocabulary, n=3)]
            hint = (
                "closest known: " + ", ".join(f"'{match}'" for match in close)
                if close
                else "no known specialty is close"
            )
            check.error(
                key_path(here, index),
                f"'{name}' is not in the specialty vocabulary ({hint}); new specialties are "
                "added with import_specialty_table or in the admin",
            )
            continue
        found[specialty.pk] = specialty
    return list(found.values())


def _affiliations_validate(check: Checker, reviewer: dict, path: str) -> list[dict]:
    clean = []
    for here, affiliation in _objects(
        check, reviewer, "affiliations", path, required=True, what="affiliations"
    ):
        check.keys(affiliation, here, AFFILIATION_KEYS)
        identifier = check.text(
            affiliation,
            "identifier",
            here,
            max_length=AFFILIATION_IDENTIFIER_MAX,
            numbers=True,
        )
        clean.append(
            {
                "kind": check.choice(
                    affiliation,
                    "kind",
                    here,
                    AffiliationKind.values,
                    required=True,
                    what="an affiliation kind",
                ),
                "name": check.text(
                    affiliation, "name", here, required=True, max_length=AFFILIATION_NAME_MAX
                ),
                "identifier": identifier or "",
            }
        )
    return clean


def _leave_validate(check: Checker, reviewer: dict, path: str) -> list[dict]:
    clean = []
    for here, period in _objects(
        check, reviewer, "leave", path, required=False, what="periods of leave"
    ):
        check.keys(period, here, LEAVE_KEYS)
        starts = check.date(period, "starts", here, required=True)
        ends = check.date(period, "ends", here, required=True)
        note = check.text(period, "note", here, max_length=LEAVE_NOTE_MAX)
        if starts and ends and ends < starts:
            check.error(f"{here}.ends", f"{ends} is before the start, {starts}")
        clean.append({"starts": starts, "ends": ends, "note": note or ""})
    return clean


def _accounts_check(check: Checker, rows: list[dict]) -> None:
    """A new reviewer's sign-in name must not belong to someone else already."""
    external_ids = [row["external_id"] for row in rows if row.get("external_id")]
    known = set(
        ReviewerProfile.objects.filter(external_id__in=external_ids).values_list(
            "external_id", flat=True
        )
    )
    wanted = {
        row["username"]: row
        for row in rows
        if row.get("external_id") and row["external_id"] not in known and row.get("username")
    }
    User = get_user_model()
    for username in User.objects.filter(username__in=list(wanted)).values_list(
        "username", flat=True
    ):
        row = wanted[username]
        check.error(
            f"$[{row['index']}].external_id",
            f"the sign-in name '{username}' already belongs to another account, not to "
            f"reviewer {row['external_id']}",
        )


# --- The category-to-specialties table --------------------------------------------------------


def specialty_table_validate(payload: Any) -> tuple[dict[str, list[str]], list[JsonError]]:
    """Check a table file `{"injection": ["Pain Management", ...], ...}`.

    Returns the table in clean form (category -> distinct specialty names, in file order) and
    every problem found."""
    check = Checker()
    check.storable_text(payload, "$")
    if not isinstance(payload, dict):
        check.error("$", f"must be an object of category -> specialties, not {json_type(payload)}")
        return {}, check.errors
    if not payload:
        check.error("$", "names no category; the table would be empty")
        return {}, check.errors
    clean: dict[str, list[str]] = {}
    for slug in payload:
        here = key_path("$", slug)
        if slug not in ItemCategory.values:
            check.errors.append(
                not_one_of(here, slug, ItemCategory.values, what="an item category")
            )
        names = check.array(
            payload, slug, "$", required=True, what="the specialties accepted for it"
        )
        if not names:
            continue
        distinct: dict[str, str] = {}
        for index, _ in enumerate(names):
            name = check.text(names, index, here, required=True, max_length=SPECIALTY_NAME_MAX)
            if not name:
                continue
            key = specialty_key(name)
            if not key:
                check.error(key_path(here, index), f"'{name}' has no letters or digits")
                continue
            distinct.setdefault(key, name)
        clean[slug] = list(distinct.values())
    return clean, check.errors
