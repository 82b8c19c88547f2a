"""The similar decisions beside each item in step 3 (issue 13): loaded when the item comes
into view, the reviewer's own cases only, the case itself left out, a button to copy a
precedent's citation while the draft can be edited."""

import pytest
from django.urls import reverse

from accounts.models import Role
from reviews.determination.services import determination_submit
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    login,
    reviewer_with_profile,
)
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


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


def similar_url(case, decision) -> str:
    return reverse("determination:item_similar", args=[case.case_number, decision.pk])


def case_similar_url(case) -> str:
    return reverse("determination:case_similar", args=[case.case_number])


def test_step_three_loads_every_items_panel_in_one_request_after_the_page(client, mine):
    case, _, determination = mine
    decision = determination.decisions.get()

    page = client.get(reverse("determination:workspace_step", args=[case.case_number, 3]))

    text = page.content.decode()
    assert f'hx-get="{case_similar_url(case)}" hx-trigger="load" hx-swap="none"' in text
    # Until it comes (or without JavaScript), the item's place links to its panel's page.
    slot = text.split(f'id="similar-slot-{decision.pk}"')[1].split("</div>")[0]
    assert f'href="{similar_url(case, decision)}"' in slot
    # Not in the page itself: the panels' queries run in their own request.
    assert "CM15-0002001" not in text


def test_the_one_request_puts_each_items_panel_in_its_place(client):
    case, reviewer, determination = case_in_review(items=2)
    precedent_add("CM15-0002001", {"description": "Lumbar sympathetic block"})
    precedent_add(
        "CM15-0002002",
        {"description": "MRI of the left knee", "outcome": "overturned"},
    )
    login(client, reviewer)
    block, knee = determination.decisions.order_by("item__position")

    response = client.get(case_similar_url(case), **HTMX)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    first = text.split(f'<div id="similar-slot-{block.pk}" hx-swap-oob="innerHTML">')[1]
    first = first.split("similar-slot-")[0]
    second = text.split(f'<div id="similar-slot-{knee.pk}" hx-swap-oob="innerHTML">')[1]
    assert "CM15-0002001" in first and "1 of 1 similar item upheld" in first
    assert "CM15-0002002" in second and "0 of 1 similar item upheld" in second
    assert "CM15-0002002" not in first and "CM15-0002001" not in second


def test_a_precedent_like_two_items_shows_in_both_panels(client):
    case, reviewer, determination = case_in_review(items=2)
    precedent_add("CM15-0002009", {"description": "Lumbar sympathetic block, left knee"})
    login(client, reviewer)
    block, knee = determination.decisions.order_by("item__position")

    text = client.get(case_similar_url(case), **HTMX).content.decode()

    first = text.split(f'id="similar-slot-{block.pk}"')[1].split("similar-slot-")[0]
    second = text.split(f'id="similar-slot-{knee.pk}"')[1]
    assert "CM15-0002009" in first and "CM15-0002009" in second


def test_without_javascript_every_items_panel_is_one_page(client, mine):
    case, _, determination = mine
    response = client.get(case_similar_url(case))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" in text and "2 of 3 similar items upheld" in text
    assert "hx-swap-oob" not in text
    assert reverse("determination:workspace_step", args=[case.case_number, 3]) in text


def test_the_panel_shows_the_precedents_their_outcome_citation_and_rationale(client, mine):
    case, _, determination = mine
    decision = determination.decisions.get()

    response = client.get(similar_url(case, decision), **HTMX)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text  # the fragment only
    assert "2 of 3 similar items upheld" in text
    for number in ("CM15-0002001", "CM15-0002002", "CM15-0002003"):
        assert number in text
    assert case.case_number not in text.split('id="similar-')[1]  # the case itself left out
    assert "ODG Low Back 2019" in text
    assert "Two prior blocks each gave 60% relief for six weeks." in text
    assert f'data-precedent-cite data-item="{decision.pk}" data-kind="non_mtus"' in text
    assert 'data-kind="mtus" data-text="MTUS Chronic Pain Treatment Guidelines' in text


def test_without_javascript_the_panel_is_a_page_of_its_own(client, mine):
    case, _, determination = mine
    response = client.get(similar_url(case, determination.decisions.get()))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" in text and "2 of 3 similar items upheld" in text
    assert reverse("determination:workspace_step", args=[case.case_number, 3]) in text


def test_a_submitted_determination_shows_the_precedents_without_copy_buttons(client, mine):
    case, reviewer, determination = mine
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)

    response = client.get(similar_url(case, determination.decisions.get()), **HTMX)

    assert "2 of 3 similar items upheld" in response.content.decode()
    assert b"data-precedent-cite" not in response.content


def test_no_precedent_yet_says_so(client):
    case, reviewer, determination = case_in_review()
    login(client, reviewer)
    response = client.get(similar_url(case, determination.decisions.get()), **HTMX)
    assert "No prior item like this one yet." in response.content.decode()


def test_only_the_cases_reviewer_sees_the_panel(client, mine):
    case, _, determination = mine
    url = similar_url(case, determination.decisions.get())
    other_reviewer = reviewer_with_profile("REV-OTHER")
    other_case, _, other_determination = case_in_review(other_reviewer)

    # Another reviewer's item, even through one's own case number: as if it did not exist.
    assert client.get(similar_url(case, other_determination.decisions.get())).status_code == 404
    assert (
        client.get(similar_url(other_case, other_determination.decisions.get())).status_code == 404
    )
    login(client, other_reviewer)
    assert client.get(url).status_code == 404
    assert client.get(case_similar_url(case), **HTMX).status_code == 404
    for role in (Role.QUALITY_REVIEWER, Role.CASE_ADMIN):
        client.force_login(UserFactory(role=role))
        assert client.get(url).status_code == 403
        assert client.get(case_similar_url(case)).status_code == 403
