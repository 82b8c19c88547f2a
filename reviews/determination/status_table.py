"""What each status of a determination allows (SPEC section 5), and where a reviewer's work on a
case stands. Services, views and templates ask this; nothing else spells out what a
determination's status allows."""

from django.db import models

from reviews.determination.models import Determination, DeterminationStatus


class DeterminationAction(models.TextChoices):
    """What may be done with a determination. TextChoices so templates can name a member."""

    EDIT = "edit", "Edited by its reviewer"
    SUBMIT = "submit", "Submitted for quality review"
    QUALITY_REVIEW = "quality_review", "Approved or returned by quality review"
    MAKE_LETTER = "make_letter", "Made into a letter"


D = DeterminationStatus
DA = DeterminationAction

DETERMINATION_ACTIONS: dict[str, frozenset[DeterminationAction]] = {
    D.DRAFT: frozenset({DA.EDIT, DA.SUBMIT}),
    # Returned with comments: the reviewer revises and submits again.
    D.RETURNED: frozenset({DA.EDIT, DA.SUBMIT}),
    D.SUBMITTED: frozenset({DA.QUALITY_REVIEW}),
    D.APPROVED: frozenset({DA.MAKE_LETTER}),
    # An issued determination may become a corrected letter version.
    D.ISSUED: frozenset({DA.MAKE_LETTER}),
    # Kept as history once its reviewer was taken off the case: nothing more is done with it.
    D.WITHDRAWN: frozenset(),
}


def determination_actions(determination: Determination | None) -> frozenset[DeterminationAction]:
    """What the determination's status allows; nothing before a draft exists."""
    if determination is None:
        return frozenset()
    return DETERMINATION_ACTIONS.get(determination.status, frozenset())


def determination_statuses_allowing(action: DeterminationAction) -> frozenset[str]:
    """The statuses whose table allows `action`, for queries (`status__in=`)."""
    return frozenset(
        status for status, actions in DETERMINATION_ACTIONS.items() if action in actions
    )


class Stage(models.TextChoices):
    """Where a reviewer's work on a case stands, in their words. Past acceptance the stage is
    the determination's status, so those values are the same."""

    ASSIGNED = "assigned", "Waiting for you to accept"
    DRAFT = D.DRAFT.value, "Writing the determination"
    RETURNED = D.RETURNED.value, "Returned with comments"
    SUBMITTED = D.SUBMITTED.value, "Submitted for quality review"
    APPROVED = D.APPROVED.value, "Approved; letter being issued"
    ISSUED = D.ISSUED.value, "Letter issued"
    CLOSED = "closed", "Review ended (case terminated)"
    WITHDRAWN = D.WITHDRAWN.value, "Taken off the case"


# Stages in which the reviewer has something to do, which are still open, and which are done.
STAGES_NEEDING_REVIEWER = frozenset({Stage.ASSIGNED, Stage.DRAFT, Stage.RETURNED})
STAGES_OPEN = STAGES_NEEDING_REVIEWER | {Stage.SUBMITTED}
STAGES_FINISHED = frozenset({Stage.APPROVED, Stage.ISSUED, Stage.CLOSED, Stage.WITHDRAWN})
