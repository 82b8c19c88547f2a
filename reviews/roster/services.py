"""Bulk loads of the reviewer roster and of the category-to-specialties table (SPEC sections 4, 7).

Both files are checked whole before anything is written: every problem is reported with its JSON
path (`$[3].licences[0].expires`), and one problem means nothing is written. A valid file is
applied in one transaction. For each reviewer it lists, the roster file is the source of truth:
their licences, certifications, affiliations and leave are replaced by the file's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Role
from cases.lifecycle.models import ItemCategory
from cases.states import state_code
from reviews.roster.models import (
    Affiliation,
    AffiliationKind,
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    Specialty,
    specialty_key,
)

if TYPE_CHECKING:
    pass


logger = logging.getLogger(__name__)

# Field sizes of the models the roster fills (accounts.User, reviews.models).
EXTERNAL_ID_MAX = 64
NAME_PART_MAX = 150
LICENCE_NUMBER_MAX = 40
AFFILIATION_NAME_MAX = 200
AFFILIATION_IDENTIFIER_MAX = 64
LEAVE_NOTE_MAX = 200
SPECIALTY_NAME_MAX = 120
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField
HOURS_IN_A_WEEK = 168

REVIEWER_FIELDS = (
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
)
OPTIONAL_REVIEWER_FIELDS = {"leave"}
LICENCE_FIELDS = {"state", "number", "expires", "restricted"}
AFFILIATION_FIELDS = {"kind", "name"}
OPTIONAL_AFFILIATION_FIELDS = {"identifier"}
LEAVE_FIELDS = {"starts", "ends"}
OPTIONAL_LEAVE_FIELDS = {"note"}

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

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IDENTIFIER_SHAPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_USERNAME_UNSAFE = re.compile(r"[^a-z0-9@.+_-]+")


@dataclass(frozen=True)
class RosterError:
    """One problem in an import file, located by its JSON path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RosterInvalid(ValidationError):
    """The file has problems; nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: list[RosterError]):
        self.errors = list(errors)
        super().__init__([str(error) for error in self.errors])


@dataclass(frozen=True)
class RosterResult:
    external_id: str
    username: str
    status: str  # created | updated | unchanged

    def __str__(self) -> str:
        return f"{self.external_id} {self.username} {self.status}"


@dataclass(frozen=True)
class SpecialtyTableSummary:
    categories: int
    rows: int
    new_specialties: list[str]
    categories_without_specialties: list[str]


# --- Shared checks ----------------------------------------------------------------------------


class _Collector:
    """Gathers problems so a file reports all of them at once, not the first one."""

    def __init__(self):
        self.errors: list[RosterError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(RosterError(path, message))

    def keys(self, obj: dict, path: str, required, optional=frozenset()) -> None:
        for name in required:
            if name not in obj:
                self.add(f"{path}.{name}", "is required.")
        known = set(required) | set(optional)
        for name in obj:
            if name not in known:
                close = difflib.get_close_matches(str(name), sorted(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.add(_key_path(path, name), f"unknown field '{name}'{hint}.")

    def text(
        self, value, path: str, *, max_length: int, required: bool = True, numbers: bool = False
    ) -> str | None:
        if value is None and not required:
            return ""
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            # Exports often write an NPI or a licence number as a JSON number.
            value = str(value)
        if not isinstance(value, str):
            self.add(path, f"must be text, not {_json_type(value)}.")
            return None
        value = value.strip()
        if required and not value:
            self.add(path, "must not be empty.")
            return None
        if len(value) > max_length:
            self.add(path, f"is {len(value)} characters long; at most {max_length} allowed.")
            return None
        return value

    def whole_number(self, value, path: str, *, maximum: int = SMALL_INT_MAX) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"must be a whole number, not {_json_type(value)}.")
            return None
        if value < 0:
            self.add(path, f"must not be negative (got {value}).")
            return None
        if value > maximum:
            self.add(path, f"must be at most {maximum} (got {value}).")
            return None
        return value

    def boolean(self, value, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, f"must be true or false, not {_json_type(value)}.")
            return None
        return value

    def date(self, value, path: str) -> dt.date | None:
        if not isinstance(value, str):
            self.add(path, f"must be a date as YYYY-MM-DD text, not {_json_type(value)}.")
            return None
        if not _DATE_SHAPE.match(value):
            self.add(path, f"'{value}' is not a date as YYYY-MM-DD.")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(path, f"'{value}' is not a real calendar date.")
            return None

    def listing(self, value, path: str) -> list | None:
        if not isinstance(value, list):
            self.add(path, f"must be a list, not {_json_type(value)}.")
            return None
        return value

    def mapping(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"must be an object, not {_json_type(value)}.")
            return None
        return value


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _key_path(path: str, key) -> str:
    key = str(key)
    if _IDENTIFIER_SHAPE.match(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def _closest(word: str, choices: dict[str, str], n: int = 3) -> list[str]:
    """Display names of the choices closest to `word`; `choices` maps a match key to a name."""
    keys = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    return [choices[key] for key in keys]


def _vocabulary() -> dict[str, Specialty]:
    return {specialty.key: specialty for specialty in Specialty.objects.all()}


# --- Names and usernames ----------------------------------------------------------------------


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


# --- Roster validation ------------------------------------------------------------------------


def roster_validate(payload: Any) -> tuple[list[dict], list[RosterError]]:
    """Check a roster file. Returns the reviewers in clean form and every problem found.

    The clean form has two-letter state codes, dates, Specialty objects, and the name split
    into first and last name; it is meaningful only when there are no problems."""
    check = _Collector()
    if not isinstance(payload, list):
        check.add("$", f"must be a list of reviewers, not {_json_type(payload)}.")
        return [], check.errors
    if not payload:
        check.add("$", "lists no reviewers.")
        return [], check.errors

    vocabulary = _vocabulary()
    vocabulary_names = {key: specialty.name for key, specialty in vocabulary.items()}
    clean: list[dict] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(payload):
        path = f"$[{index}]"
        reviewer = check.mapping(raw, path)
        if reviewer is None:
            continue
        check.keys(reviewer, path, REVIEWER_FIELDS, OPTIONAL_REVIEWER_FIELDS)
        row: dict[str, Any] = {"index": index}

        external_id = (
            check.text(reviewer["external_id"], f"{path}.external_id", max_length=EXTERNAL_ID_MAX)
            if "external_id" in reviewer
            else None
        )
        if external_id is not None:
            username = username_for(external_id)
            # Usernames are lower case, so "REV-14" and "rev-14" would be one account.
            seen_key = username or external_id
            if seen_key in first_seen:
                check.add(
                    f"{path}.external_id",
                    f"'{external_id}' repeats the reviewer at $[{first_seen[seen_key]}]; "
                    "each reviewer appears once.",
                )
            else:
                first_seen[seen_key] = index
            if not username:
                check.add(
                    f"{path}.external_id",
                    f"'{external_id}' gives no usable sign-in name; use letters or digits.",
                )
            row["external_id"] = external_id
            row["username"] = username

        if "name" in reviewer:
            name = check.text(reviewer["name"], f"{path}.name", max_length=2 * NAME_PART_MAX)
            if name is not None:
                first_name, last_name = name_split(name)
                if not last_name:
                    check.add(f"{path}.name", "must contain the reviewer's name.")
                elif len(first_name) > NAME_PART_MAX or len(last_name) > NAME_PART_MAX:
                    check.add(f"{path}.name", f"each part is at most {NAME_PART_MAX} characters.")
                row["first_name"], row["last_name"] = first_name, last_name

        if "email" in reviewer:
            email = check.text(reviewer["email"], f"{path}.email", max_length=254)
            if email is not None:
                try:
                    validate_email(email)
                except ValidationError:
                    check.add(f"{path}.email", f"'{email}' is not a valid email address.")
                row["email"] = email

        for name, maximum in (
            ("years_in_practice", SMALL_INT_MAX),
            ("weekly_practice_hours", HOURS_IN_A_WEEK),
            ("max_open_cases", SMALL_INT_MAX),
            ("current_open_cases", SMALL_INT_MAX),
        ):
            if name in reviewer:
                row[name] = check.whole_number(reviewer[name], f"{path}.{name}", maximum=maximum)
        if "on_leave" in reviewer:
            row["on_leave"] = check.boolean(reviewer["on_leave"], f"{path}.on_leave")

        if "licences" in reviewer:
            row["licences"] = _licences_validate(check, reviewer["licences"], f"{path}.licences")
        if "certifications" in reviewer:
            row["certifications"] = _certifications_validate(
                check,
                reviewer["certifications"],
                f"{path}.certifications",
                vocabulary,
                vocabulary_names,
            )
        if "affiliations" in reviewer:
            row["affiliations"] = _affiliations_validate(
                check, reviewer["affiliations"], f"{path}.affiliations"
            )
        row["leave"] = (
            _leave_validate(check, reviewer["leave"], f"{path}.leave")
            if "leave" in reviewer
            else []
        )
        clean.append(row)

    _accounts_check(check, clean)
    return clean, check.errors


def _licences_validate(check: _Collector, value, path: str) -> list[dict]:
    licences = check.listing(value, path)
    if licences is None:
        return []
    clean = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(licences):
        item_path = f"{path}[{index}]"
        licence = check.mapping(raw, item_path)
        if licence is None:
            continue
        check.keys(licence, item_path, LICENCE_FIELDS)
        state = number = expires = restricted = None
        if "state" in licence:
            state_value = check.text(licence["state"], f"{item_path}.state", max_length=60)
            if state_value is not None:
                # Licence.state keeps the two-letter code; letters print the full name.
                state = state_code(state_value)
                if state is None:
                    check.add(
                        f"{item_path}.state",
                        f"'{state_value}' is not a US state name or two-letter code.",
                    )
        if "number" in licence:
            number = check.text(
                licence["number"],
                f"{item_path}.number",
                max_length=LICENCE_NUMBER_MAX,
                numbers=True,
            )
        if "expires" in licence:
            expires = check.date(licence["expires"], f"{item_path}.expires")
        if "restricted" in licence:
            restricted = check.boolean(licence["restricted"], f"{item_path}.restricted")
        if state and number:
            key = (state, number.upper())
            if key in seen:
                check.add(
                    f"{item_path}.number",
                    f"licence {state} {number} is listed twice (also at {path}[{seen[key]}]).",
                )
            else:
                seen[key] = index
        clean.append(
            {"state": state, "number": number, "expires": expires, "restricted": restricted}
        )
    return clean


def _certifications_validate(
    check: _Collector, value, path: str, vocabulary: dict, vocabulary_names: dict
) -> list[Specialty]:
    names = check.listing(value, path)
    if names is None:
        return []
    found: dict[int, Specialty] = {}
    for index, name in enumerate(names):
        item_path = f"{path}[{index}]"
        name = check.text(name, item_path, max_length=SPECIALTY_NAME_MAX)
        if name is None:
            continue
        key = specialty_key(name)
        specialty = vocabulary.get(key)
        if specialty is None:
            close = _closest(key, vocabulary_names)
            hint = (
                "closest known: " + ", ".join(f"'{match}'" for match in close)
                if close
                else "no known specialty is close"
            )
            check.add(
                item_path,
                f"'{name}' is not in the specialty vocabulary ({hint}). New specialties are "
                "added with import_specialty_table or in the admin.",
            )
            continue
        found[specialty.pk] = specialty
    return list(found.values())


def _affiliations_validate(check: _Collector, value, path: str) -> list[dict]:
    affiliations = check.listing(value, path)
    if affiliations is None:
        return []
    clean = []
    kinds = list(AffiliationKind.values)
    for index, raw in enumerate(affiliations):
        item_path = f"{path}[{index}]"
        affiliation = check.mapping(raw, item_path)
        if affiliation is None:
            continue
        check.keys(affiliation, item_path, AFFILIATION_FIELDS, OPTIONAL_AFFILIATION_FIELDS)
        kind = name = identifier = None
        if "kind" in affiliation:
            kind = affiliation["kind"]
            if kind not in kinds:
                check.add(
                    f"{item_path}.kind",
                    f"'{kind}' is not an affiliation kind; use one of {', '.join(kinds)}.",
                )
                kind = None
        if "name" in affiliation:
            name = check.text(
                affiliation["name"], f"{item_path}.name", max_length=AFFILIATION_NAME_MAX
            )
        identifier = check.text(
            affiliation.get("identifier"),
            f"{item_path}.identifier",
            max_length=AFFILIATION_IDENTIFIER_MAX,
            required=False,
            numbers=True,
        )
        clean.append({"kind": kind, "name": name, "identifier": identifier or ""})
    return clean


def _leave_validate(check: _Collector, value, path: str) -> list[dict]:
    periods = check.listing(value, path)
    if periods is None:
        return []
    clean = []
    for index, raw in enumerate(periods):
        item_path = f"{path}[{index}]"
        period = check.mapping(raw, item_path)
        if period is None:
            continue
        check.keys(period, item_path, LEAVE_FIELDS, OPTIONAL_LEAVE_FIELDS)
        starts = check.date(period["starts"], f"{item_path}.starts") if "starts" in period else None
        ends = check.date(period["ends"], f"{item_path}.ends") if "ends" in period else None
        note = check.text(
            period.get("note"), f"{item_path}.note", max_length=LEAVE_NOTE_MAX, required=False
        )
        if starts and ends and ends < starts:
            check.add(f"{item_path}.ends", f"{ends} is before the start, {starts}.")
        clean.append({"starts": starts, "ends": ends, "note": note or ""})
    return clean


def _accounts_check(check: _Collector, rows: list[dict]) -> None:
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
        check.add(
            f"$[{row['index']}].external_id",
            f"the sign-in name '{username}' already belongs to another account, not to "
            f"reviewer {row['external_id']}.",
        )


# --- Roster import ----------------------------------------------------------------------------


_STATUSES = ("created", "updated", "unchanged")
_PROFILE_FIELDS = ("years_in_practice", "weekly_practice_hours", "max_open_cases", "on_leave")


def reviewers_import(*, payload: Any, actor=None) -> list[RosterResult]:
    """Create or update every reviewer in the roster file (idempotent by external_id).

    Raises RosterInvalid, having written nothing, if the file has any problem. A reviewer whose
    data already matches is reported `unchanged` and none of their rows is touched."""
    rows, errors = roster_validate(payload)
    if errors:
        raise RosterInvalid(errors)
    results = []
    with transaction.atomic():
        existing = {
            profile.external_id: profile
            for profile in ReviewerProfile.objects.select_for_update(of=("self",))
            .filter(external_id__in=[row["external_id"] for row in rows])
            .select_related("user")
            .prefetch_related("licences", "certifications", "affiliations", "leave")
        }
        for row in rows:
            profile = existing.get(row["external_id"])
            if profile is None:
                profile = _reviewer_create(row)
                status = "created"
            else:
                status = "updated" if _reviewer_update(profile, row) else "unchanged"
            results.append(
                RosterResult(
                    external_id=profile.external_id, username=profile.user.username, status=status
                )
            )
    if actor is not None:
        # Who changed the roster, for the server log; the command prints its own lines.
        counts = {status: sum(r.status == status for r in results) for status in _STATUSES}
        logger.info(
            "Roster import by %s: %s created, %s updated, %s unchanged.",
            actor,
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
    return results


def _reviewer_create(row: dict) -> ReviewerProfile:
    User = get_user_model()
    user = User(
        username=row["username"],
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        role=Role.REVIEWER,
    )
    # New reviewers sign in after an administrator sets a password or sends a reset.
    user.set_unusable_password()
    user.full_clean()
    user.save()
    profile = ReviewerProfile(
        user=user,
        external_id=row["external_id"],
        carried_open_cases=row["current_open_cases"],
        **{name: row[name] for name in _PROFILE_FIELDS},
    )
    profile.full_clean()
    profile.save()
    _licences_replace(profile, row["licences"])
    profile.certifications.set(row["certifications"])
    _affiliations_replace(profile, row["affiliations"])
    _leave_replace(profile, row["leave"])
    return profile


def _reviewer_update(profile: ReviewerProfile, row: dict) -> bool:
    """Bring an existing reviewer in line with the file; True if anything differed."""
    changed = False
    user = profile.user
    wanted_user = {
        "email": row["email"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "role": Role.REVIEWER,
    }
    if any(getattr(user, name) != value for name, value in wanted_user.items()):
        for name, value in wanted_user.items():
            setattr(user, name, value)
        user.full_clean()
        user.save(update_fields=list(wanted_user))
        changed = True

    wanted_profile = {name: row[name] for name in _PROFILE_FIELDS}
    wanted_profile["carried_open_cases"] = row["current_open_cases"]
    profile_changed = any(getattr(profile, name) != value for name, value in wanted_profile.items())
    for name, value in wanted_profile.items():
        setattr(profile, name, value)

    if _licence_set(profile.licences.all()) != _licence_set_from(row["licences"]):
        profile.licences.all().delete()
        _licences_replace(profile, row["licences"])
        changed = True
    current_certifications = {specialty.pk for specialty in profile.certifications.all()}
    if current_certifications != {specialty.pk for specialty in row["certifications"]}:
        profile.certifications.set(row["certifications"])
        changed = True
    if _affiliation_list(profile.affiliations.all()) != _affiliation_list_from(row["affiliations"]):
        profile.affiliations.all().delete()
        _affiliations_replace(profile, row["affiliations"])
        changed = True
    if _leave_list(profile.leave.all()) != _leave_list_from(row["leave"]):
        profile.leave.all().delete()
        _leave_replace(profile, row["leave"])
        changed = True
    if profile_changed or changed:
        # Saved even when only the lists changed, so updated_at says when the file last differed.
        profile.full_clean()
        profile.save()
    return changed or profile_changed


def _licence_set(licences) -> set:
    return {(lic.state, lic.number, lic.expires, lic.restricted) for lic in licences}


def _licence_set_from(licences: list[dict]) -> set:
    return {(lic["state"], lic["number"], lic["expires"], lic["restricted"]) for lic in licences}


def _affiliation_list(affiliations) -> list:
    return sorted((a.kind, a.name, a.identifier) for a in affiliations)


def _affiliation_list_from(affiliations: list[dict]) -> list:
    return sorted((a["kind"], a["name"], a["identifier"]) for a in affiliations)


def _leave_list(periods) -> list:
    return sorted((p.starts, p.ends, p.note) for p in periods)


def _leave_list_from(periods: list[dict]) -> list:
    return sorted((p["starts"], p["ends"], p["note"]) for p in periods)


# The file was checked for repeats within each reviewer and the reviewer's old rows were just
# deleted, so the uniqueness checks full_clean would query for are already settled.
def _licences_replace(profile: ReviewerProfile, licences: list[dict]) -> None:
    rows = [Licence(profile=profile, **licence) for licence in licences]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    Licence.objects.bulk_create(rows)


def _affiliations_replace(profile: ReviewerProfile, affiliations: list[dict]) -> None:
    rows = [Affiliation(profile=profile, **affiliation) for affiliation in affiliations]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    Affiliation.objects.bulk_create(rows)


def _leave_replace(profile: ReviewerProfile, periods: list[dict]) -> None:
    rows = [LeavePeriod(profile=profile, **period) for period in periods]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    LeavePeriod.objects.bulk_create(rows)


# --- The category-to-specialties table --------------------------------------------------------


def specialty_table_validate(payload: Any) -> tuple[dict[str, list[str]], list[RosterError]]:
    """Check a table file `{"injection": ["Pain Management", ...], ...}`.

    Returns the table in clean form (category -> distinct specialty names, in file order) and
    every problem found."""
    check = _Collector()
    if not isinstance(payload, dict):
        check.add("$", f"must be an object of category -> specialties, not {_json_type(payload)}.")
        return {}, check.errors
    if not payload:
        check.add("$", "names no category; the table would be empty.")
        return {}, check.errors
    categories = {slug: slug for slug in ItemCategory.values}
    clean: dict[str, list[str]] = {}
    for slug, value in payload.items():
        path = _key_path("$", slug)
        if slug not in categories:
            close = _closest(slug, categories)
            hint = (
                " (closest: " + ", ".join(f"'{c}'" for c in close) + ")"
                if close
                else "; see the item categories in SPEC section 7"
            )
            check.add(path, f"'{slug}' is not an item category{hint}.")
        names = check.listing(value, path)
        if names is None:
            continue
        if not names:
            check.add(path, "lists no specialty; give at least one.")
            continue
        distinct: dict[str, str] = {}
        for index, name in enumerate(names):
            item_path = f"{path}[{index}]"
            name = check.text(name, item_path, max_length=SPECIALTY_NAME_MAX)
            if name is None:
                continue
            key = specialty_key(name)
            if not key:
                check.add(item_path, f"'{name}' has no letters or digits.")
                continue
            distinct.setdefault(key, name)
        clean[slug] = list(distinct.values())
    return clean, check.errors


def specialty_table_import(*, payload: Any, actor=None) -> SpecialtyTableSummary:
    """Replace the whole category-to-specialties table with the file's (SPEC section 7).

    A specialty the vocabulary lacks is added under the file's spelling; a known one keeps its
    display name. Categories the file leaves out end with no specialty at all."""
    table, errors = specialty_table_validate(payload)
    if errors:
        raise RosterInvalid(errors)
    with transaction.atomic():
        vocabulary = _vocabulary()
        new_names: list[str] = []
        rows: list[CategorySpecialty] = []
        for category, names in table.items():
            for name in names:
                key = specialty_key(name)
                specialty = vocabulary.get(key)
                if specialty is None:
                    specialty = Specialty(name=name)
                    specialty.full_clean(exclude=["key"])
                    specialty.save()
                    vocabulary[specialty.key] = specialty
                    new_names.append(name)
                row = CategorySpecialty(category=category, specialty=specialty)
                row.full_clean(validate_unique=False, validate_constraints=False)
                rows.append(row)
        CategorySpecialty.objects.all().delete()
        CategorySpecialty.objects.bulk_create(rows)
    summary = SpecialtyTableSummary(
        categories=len(table),
        rows=len(rows),
        new_specialties=new_names,
        categories_without_specialties=[slug for slug in ItemCategory.values if slug not in table],
    )
    if actor is not None:
        logger.info(
            "Specialty table replaced by %s: %s categories, %s rows, new specialties: %s.",
            actor,
            summary.categories,
            summary.rows,
            ", ".join(new_names) or "none",
        )
    return summary


# --- The category-to-specialties table (SPEC section 4, rule 2) -------------------------------


@transaction.atomic
def category_specialties_set(*, category: str, specialty_ids: list[int], actor) -> list[str]:
    """Replace the specialties accepted for one category of disputed item."""
    if category not in ItemCategory.values:
        raise ValidationError(f"Unknown category {category!r}.")
    specialties = list(Specialty.objects.filter(pk__in=specialty_ids))
    if len(specialties) != len(set(specialty_ids)):
        raise ValidationError("One of the chosen specialties no longer exists; reload the page.")
    if not specialties:
        raise ValidationError(
            "Choose at least one specialty: with none, no reviewer could decide "
            f"{ItemCategory(category).label.lower()} items."
        )
    CategorySpecialty.objects.filter(category=category).delete()
    CategorySpecialty.objects.bulk_create(
        CategorySpecialty(category=category, specialty=specialty) for specialty in specialties
    )
    return sorted(specialty.name for specialty in specialties)


@transaction.atomic
def specialty_add(*, name: str, actor) -> Specialty:
    """Add a specialty to the vocabulary; a name that matches one already there is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the specialty's name.")
    key = specialty_key(name)
    existing = Specialty.objects.filter(key=key).first()
    if existing:
        raise ValidationError(f"'{existing.name}' is already in the list.")
    specialty = Specialty(name=name)
    specialty.full_clean(exclude=["key"])
    specialty.save()
    return specialty
