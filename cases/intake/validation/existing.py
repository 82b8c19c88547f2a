"""Checks of a valid payload against what is stored: known applications (idempotency), case
numbers in use, who may bring a completed determination; and a model's ValidationError as
JSON-path problems."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cases.access import Ability, cases_visible_to, may
from cases.jsoncheck import JsonError, key_path, unstorable_problem
from cases.lifecycle.models import Case

# What a sender is told about a number or an application id that is already on file: that it is
# taken, nothing more (whose it is, its application id or status would leak another sender's
# case).
APPLICATION_ID_IN_USE = (
    "this application_id is already on file; it cannot be submitted again. If the application "
    "is yours (typed in from paper by the review organization, say), ask the review "
    "organization for its case number; otherwise send it under its own id"
)
CASE_NUMBER_IN_USE = "{} is already in use; leave case_number out and IMR Desk numbers the case"


def existing_checks(
    entries: list[tuple[str, dict]], *, actor
) -> tuple[dict[str, Case], list[JsonError]]:
    """Checks against what is stored: known applications (idempotency), case numbers in use,
    and who may bring a completed determination."""
    errors: list[JsonError] = []
    # A value no field can store (already refused by the checker) is not looked up: PostgreSQL
    # refuses a NUL even in a query, and the sender is owed every problem at once.
    application_ids = [
        data["application_id"]
        for _, data in entries
        if data["application_id"] and not unstorable_problem(data["application_id"])
    ]
    # With their parties and items: an application sent again is compared with the case on
    # file (corrections.facts_differing), in two queries however many there are.
    existing = {
        case.application_id: case
        for case in Case.objects.filter(application_id__in=application_ids).prefetch_related(
            "parties", "items"
        )
    }
    visible = (
        set(
            cases_visible_to(actor)
            .filter(pk__in=[c.pk for c in existing.values()])
            .values_list("pk", flat=True)
        )
        if actor is not None
        else {case.pk for case in existing.values()}
    )
    numbers = [
        data["case_number"]
        for _, data in entries
        if data["case_number"] and not unstorable_problem(data["case_number"])
    ]
    taken = set(Case.objects.filter(case_number__in=numbers).values_list("case_number", flat=True))
    for path, data in entries:
        case = existing.get(data["application_id"])
        if case is not None:
            if case.pk not in visible:
                # Another sender's application: the one unavoidable fact (the id is taken) and
                # nothing of the case, the same words whoever holds it.
                errors.append(JsonError(f"{path}.application_id", APPLICATION_ID_IN_USE))
            continue
        number = data["case_number"]
        if number and number in taken:
            # Nothing of the case that holds the number (not its application id): the same
            # words for a sender's own case and another's, so numbers cannot be probed.
            errors.append(JsonError(f"{path}.case_number", CASE_NUMBER_IN_USE.format(number)))
        if number and actor is not None and not may(actor, Ability.MANAGE_CASES):
            # Case numbers are the IRO's: a brought one moves the counter every later case is
            # numbered from, so only its own administrators carry one over (a legacy system).
            errors.append(JsonError(f"{path}.case_number", CASE_NUMBER_NOT_YOURS))
        if data["determination"] and actor is not None and not may(actor, Ability.MANAGE_CASES):
            # A completed determination becomes a letter the IRO stands behind: only the
            # IRO's own administrators carry one over from a legacy system.
            errors.append(
                JsonError(
                    f"{path}.determination",
                    "only a case administrator may import a completed determination",
                )
            )
    return existing, errors


CASE_NUMBER_NOT_YOURS = (
    "only the review organization numbers cases; leave case_number out and the case gets its "
    "number (it comes back in the answer)"
)


def validation_error_paths(exc: ValidationError, path: str) -> list[JsonError]:
    """A Django ValidationError's messages as JsonErrors under `path` (fields as sub-paths)."""
    if hasattr(exc, "error_dict"):
        return [
            JsonError(key_path(path, field) if field != "__all__" else path, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [JsonError(path, message) for message in exc.messages]
