"""The similar decisions beside each item in step 3 (issue 13): shown with the page, the case
itself left out, a button to copy a precedent's citation while the draft can be edited, and
none when the organization turns the panels off (IMR_SIMILAR_PANELS)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.determination.drafting import draft_item_key
from reviews.determination.services import determination_submit
from tests.factories import (
    PASSWORD,
    case_in_review,
    determination_fill,
    login,
)
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(client):
    """Reviewer A's case in review (its item a lumbar sympathetic block), logged in, and
    three precedents: two upheld, one overturned; and the case's own earlier letter."""
    case, reviewer, determination = case_in_review()
    precedent_add(
        "CM15-0002001",
        {
            "description": "Lumbar sympathetic block, right",
            "citation": "ODG Low Back 2019",
            "guideline_source": "odg",
        },
    )
    precedent_add("CM15-0002002", {"description": "Lumbar sympathetic block x2"})
    precedent_add(
        "CM15-0002003",
        {
            "description": "Lumbar sympathetic block",
            "outcome": "overturned",
            "rationale": "Two prior blocks each gave 60% relief for six weeks.",
        },
    )
    precedent_add(case.case_number, {"description": "Lumbar sympathetic block"})
    login(client, reviewer)
    return case, reviewer, determination


def step_three(client, case) -> str:
    response = client.get(reverse("determination:workspace_step", args=[case.case_number, 3]))
    assert response.status_code == 200
    return response.content.decode()


def panel_of(text: str, decision) -> str:
    """The panel of one item decision in step 3's page."""
    return text.split(f'id="similar-{decision.pk}"')[1].split('class="similar"')[0]


def test_each_item_shows_the_precedents_their_outcome_citation_and_rationale(client, mine):
    case, _, determination = mine
    decision = determination.decisions.get()

    panel = panel_of(step_three(client, case), decision)

    assert "2 of 3 similar items upheld" in panel
    for number in ("CM15-0002001", "CM15-0002002", "CM15-0002003"):
        assert number in panel
    assert case.case_number not in panel  # the case's own earlier letter left out
    assert "ODG Low Back 2019" in panel
    assert "Two prior blocks each gave 60% relief for six weeks." in panel
    assert f'data-precedent-cite data-item="{decision.pk}" data-kind="non_mtus"' in panel
    assert 'data-kind="mtus" data-text="MTUS Chronic Pain Treatment Guidelines' in panel


def test_each_items_panel_is_in_its_place(client):
    case, reviewer, determination = case_in_review(items=2)
    precedent_add("CM15-0002001", {"description": "Lumbar sympathetic block"})
    precedent_add(
        "CM15-0002002",
        {"description": "MRI of the left knee", "outcome": "overturned"},
    )
    login(client, reviewer)
    block, knee = determination.decisions.order_by("item__position")

    text = step_three(client, case)

    first, second = panel_of(text, block), panel_of(text, knee)
    assert "CM15-0002001" in first and "1 of 1 similar item upheld" in first
    assert "CM15-0002002" in second and "0 of 1 similar item upheld" in second
    assert "CM15-0002002" not in first and "CM15-0002001" not in second


def test_a_precedent_like_two_items_shows_in_both_panels(client):
    case, reviewer, determination = case_in_review(items=2)
    precedent_add("CM15-0002009", {"description": "Lumbar sympathetic block, left knee"})
    login(client, reviewer)
    block, knee = determination.decisions.order_by("item__position")

    text = step_three(client, case)

    assert "CM15-0002009" in panel_of(text, block)
    assert "CM15-0002009" in panel_of(text, knee)


def precedents_read(queries) -> int:
    return sum("reviews_precedentitem" in query["sql"] for query in queries.captured_queries)


def test_a_submitted_determination_shows_no_panels_and_ranks_none(client, mine):
    case, reviewer, determination = mine
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)

    with CaptureQueriesContext(connection) as queries:
        text = step_three(client, case)

    assert "How similar items were decided" not in text
    assert "CM15-0002001" not in text
    assert precedents_read(queries) == 0


def test_an_autosave_of_step_three_ranks_no_precedent(client, mine):
    # The answer to an autosave is the save's status, not the page: no panel to compute.
    case, _, determination = mine
    key = draft_item_key(determination.decisions.get().pk, "rationale")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("determination:draft_save", args=[case.case_number]),
            {"step": "3", "version": "1", key: "Why.", f"base:{key}": ""},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    assert determination.decisions.get().rationale == "Why."
    assert precedents_read(queries) == 0


def test_no_precedent_yet_says_so(client):
    case, reviewer, determination = case_in_review()
    login(client, reviewer)
    text = step_three(client, case)
    assert "No prior item like this one yet." in panel_of(text, determination.decisions.get())


def test_an_organization_can_keep_the_panels_out_of_the_workspace(client, mine, settings):
    case, _, _ = mine
    settings.IMR_SIMILAR_PANELS = False

    text = step_three(client, case)

    assert "How similar items were decided" not in text
    assert "CM15-0002001" not in text
