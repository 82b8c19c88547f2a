"""What each status of a determination allows, and the reviewer's dashboard stages."""

import pytest

from reviews.determination.models import Determination, DeterminationStatus
from reviews.determination.status_table import (
    DETERMINATION_ACTIONS,
    STAGES_FINISHED,
    STAGES_NEEDING_REVIEWER,
    STAGES_OPEN,
    DeterminationAction,
    Stage,
    determination_actions,
    determination_statuses_allowing,
)

D = DeterminationStatus
DA = DeterminationAction

EXPECTED = {
    D.DRAFT: {DA.EDIT, DA.SUBMIT},
    D.RETURNED: {DA.EDIT, DA.SUBMIT},
    D.SUBMITTED: {DA.QUALITY_REVIEW},
    D.APPROVED: {DA.MAKE_LETTER},
    D.ISSUED: {DA.MAKE_LETTER},
    # Kept as history once its reviewer is taken off the case.
    D.WITHDRAWN: set(),
}


def test_every_status_has_a_row():
    assert set(DETERMINATION_ACTIONS) == set(D)


@pytest.mark.parametrize("status", list(D))
def test_each_status_allows_exactly_its_actions(status):
    assert determination_actions(Determination(status=status)) == EXPECTED[status]


def test_before_a_draft_exists_nothing_is_allowed():
    assert determination_actions(None) == frozenset()


def test_only_the_reviewers_own_statuses_are_editable():
    assert determination_statuses_allowing(DA.EDIT) == {D.DRAFT, D.RETURNED}
    assert determination_statuses_allowing(DA.QUALITY_REVIEW) == {D.SUBMITTED}


def test_past_acceptance_the_stage_is_the_determinations_status():
    # ReviewerCase.stage_key turns a determination's status into its stage.
    assert {status: Stage(status) for status in D} == {
        D.DRAFT: Stage.DRAFT,
        D.RETURNED: Stage.RETURNED,
        D.SUBMITTED: Stage.SUBMITTED,
        D.APPROVED: Stage.APPROVED,
        D.ISSUED: Stage.ISSUED,
        D.WITHDRAWN: Stage.WITHDRAWN,
    }


def test_each_stage_is_either_open_or_finished():
    assert set(Stage) == STAGES_OPEN | STAGES_FINISHED
    assert not STAGES_OPEN & STAGES_FINISHED
    assert STAGES_NEEDING_REVIEWER < STAGES_OPEN
