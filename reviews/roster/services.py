"""Bulk loads of the reviewer roster and of the category-to-specialties table (SPEC sections 4, 7).

Both files are checked whole before anything is written (reviews.roster.validation): one problem
means nothing is written. A valid file is applied in one transaction. For each reviewer it lists,
the roster file is the source of truth: their licences, certifications, affiliations and leave are
replaced by the file's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from cases.jsoncheck import JsonError
from cases.lifecycle.models import ItemCategory
from reviews.roster.models import (
    Affiliation,
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    RosterVersion,
    Specialty,
    specialty_key,
)
from reviews.roster.selectors import specialty_vocabulary
from reviews.roster.validation import roster_validate, specialty_table_validate

logger = logging.getLogger(__name__)


class RosterInvalid(ValidationError):
    """The file has problems; nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: list[JsonError]):
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


# --- Roster import ----------------------------------------------------------------------------


_STATUSES = ("created", "updated", "unchanged")
_PROFILE_FIELDS = ("years_in_practice", "weekly_practice_hours", "max_open_cases", "on_leave")


def _roster_version_lock() -> None:
    """Lock the roster version's row before the profiles: a change to the roster takes it
    first (its triggers lock it before each statement's rows), so an import that locked the
    profiles before it could deadlock with a change to one of them made meanwhile."""
    list(RosterVersion.objects.select_for_update().filter(pk=1).values_list("pk"))


def reviewers_import(*, payload: Any, actor=None) -> list[RosterResult]:
    """Create or update every reviewer in the roster file (idempotent by external_id).

    Raises RosterInvalid, having written nothing, if the file has any problem. A reviewer whose
    data already matches is reported `unchanged` and none of their rows is touched."""
    rows, errors = roster_validate(payload)
    if errors:
        raise RosterInvalid(errors)
    results = []
    with transaction.atomic():
        _roster_version_lock()
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


def specialty_table_import(*, payload: Any, actor=None) -> SpecialtyTableSummary:
    """Replace the whole category-to-specialties table with the file's (SPEC section 7).

    A specialty the vocabulary lacks is added under the file's spelling; a known one keeps its
    display name. Categories the file leaves out end with no specialty at all."""
    table, errors = specialty_table_validate(payload)
    if errors:
        raise RosterInvalid(errors)
    with transaction.atomic():
        vocabulary = specialty_vocabulary()
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
    """Add a specialty to the vocabulary; a name that matches one already there, or has no
    letters or digits, is refused (Specialty.clean)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the specialty's name.")
    specialty = Specialty(name=name)
    specialty.full_clean(exclude=["key"])
    specialty.save()
    return specialty
