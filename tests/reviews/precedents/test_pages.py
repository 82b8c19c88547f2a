"""The precedent library's page (/precedents/) and its CSV: every staff role searches it, the
filters work without script, matches are marked and nothing else is markup, pages without a
count, and a link to the case only for those who may open it."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from reviews.precedents.selectors import ITEMS_PER_PAGE
from tests.factories import CaseFactory, UserFactory, case_in_review
from tests.reviews.precedents.helpers import precedent_add

pytestmark = pytest.mark.django_db
URL = reverse("precedents:precedent_search")
CSV_URL = reverse("precedents:precedent_search_csv")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.CASE_ADMIN, 200),
        (Role.SYSTEM_ADMIN, 200),
        (Role.QUALITY_REVIEWER, 200),
        (Role.REVIEWER, 200),
        (Role.API_CLIENT, 302),  # no web session: sent to sign in
    ],
)
def test_every_staff_role_searches_the_library_and_finds_it_in_the_menu(role, status):
    response = signed_in(UserFactory(role=role)).get(URL)

    assert response.status_code == status
    if status == 200:
        assert f'href="{URL}"' in response.content.decode()
        assert signed_in(UserFactory(role=role)).get(CSV_URL).status_code == 200


def test_a_search_with_filters_shows_the_matching_items_with_the_words_marked():
    precedent_add(
        "CM15-0000101",
        {"description": "Lumbar sympathetic block", "rationale": "The block lacks support."},
    )
    precedent_add(
        "CM15-0000102",
        {"description": "Stellate block", "category": "injection_facet"},
    )
    precedent_add("CM15-0000103", {"description": "Knee brace", "category": "dme"})

    response = signed_in(UserFactory()).get(URL, {"q": "block", "category": "injection"})

    page = response.content.decode()
    assert "CM15-0000101" in page
    assert "CM15-0000102" not in page and "CM15-0000103" not in page
    assert "sympathetic <mark>block</mark>" in page
    assert "1 item" in page


def test_letter_text_is_never_markup_on_the_page():
    precedent_add(
        "CM15-0000110",
        {
            "description": '<img src=x onerror="alert(1)"> block',
            "citation": "<script>alert(2)</script>",
            "rationale": "<b onclick=x>block</b>",
        },
        specialty="<i>Pain</i>",
    )

    page = signed_in(UserFactory()).get(URL, {"q": "block"}).content.decode()

    assert "<img" not in page and "<script>alert" not in page and "<b onclick" not in page
    assert "<i>Pain" not in page
    assert "&lt;img src=x" in page and "&lt;script&gt;alert(2)" in page
    assert "<mark>block</mark>" in page


def test_the_results_page_on_without_a_count():
    for number in range(ITEMS_PER_PAGE + 1):
        precedent_add(
            f"CM15-{number:07d}", decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=number)
        )
    client = signed_in(UserFactory())

    first = client.get(URL, {"q": "block"}).content.decode()
    second = client.get(URL, {"q": "block", "page": 2}).content.decode()

    assert f"Items 1–{ITEMS_PER_PAGE}, more on the next page" in first
    assert "page=2" in first and "CM15-0000000" not in first
    assert "CM15-0000000" in second and "Page 2" in second
    assert f"showing {ITEMS_PER_PAGE + 1}–{ITEMS_PER_PAGE + 1}" in second


def test_the_link_to_the_case_is_shown_only_to_those_who_may_open_it():
    case, reviewer, _ = case_in_review()
    other_case = CaseFactory()
    precedent_add(case.case_number, {"description": "Mine block"}, source="issued", case=case)
    precedent_add(
        other_case.case_number, {"description": "Theirs block"}, source="issued", case=other_case
    )
    mine = reverse("casefile:case_detail", args=[case.case_number])
    theirs = reverse("casefile:case_detail", args=[other_case.case_number])

    reviewer_page = signed_in(reviewer).get(URL, {"q": "block"}).content.decode()
    admin_page = signed_in(UserFactory()).get(URL, {"q": "block"}).content.decode()

    assert f'href="{mine}"' in reviewer_page
    assert f'href="{theirs}"' not in reviewer_page and other_case.case_number in reviewer_page
    assert f'href="{mine}"' in admin_page and f'href="{theirs}"' in admin_page


def test_htmx_gets_the_results_only():
    precedent_add("CM15-0000120")

    response = signed_in(UserFactory()).get(URL, {"q": "block"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert 'id="precedent-results"' in page and "CM15-0000120" in page
    assert "<form" not in page


def test_the_csv_holds_every_item_of_the_search_in_rank_order_and_no_formula():
    precedent_add("CM15-0000130", {"description": "=HYPERLINK(1) injection"})
    precedent_add("CM15-0000131", {"description": "Knee brace", "rationale": "No injection."})
    precedent_add("CM15-0000132", {"description": "Acupuncture", "rationale": "Nothing."})

    response = signed_in(UserFactory()).get(CSV_URL, {"q": "injection"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Case number", "Source", "Decision date"]
    assert [row[0] for row in rows[1:]] == ["CM15-0000130", "CM15-0000131"]
    assert rows[1][7] == "'=HYPERLINK(1) injection"
    assert rows[1][10] == "MTUS"


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"q": "block " * 50 + "now"},
            "Search: Ensure this value has at most 200 characters (it has 303).",
        ),
        ({"decided_from": "2016-13-45"}, "Decided from: Enter a valid date."),
        (
            # From a QA pass: a range ending before it starts listed "No decided items match".
            {"decided_to": "2016-01-01", "decided_from": "2016-03-01"},
            "Decided to: Choose a date on or after 03/01/2016, the date decided from.",
        ),
        (
            {"category": "zzz"},
            "Item category: Select a valid choice. zzz is not one of the available choices.",
        ),
    ],
)
def test_a_value_that_is_not_valid_lists_nothing_and_says_why(params, message):
    precedent_add("CM15-0000120")
    precedent_add("CM15-0000121")
    client = signed_in(UserFactory())

    response = client.get(URL, params)

    assert response.status_code == 422
    page = response.content.decode()
    assert f"Not searched: {message}".replace("'", "&#x27;") in page
    field = next(iter(params))
    error = message.split(": ", 1)[1]
    assert f'id="precedent-error-{field}">{error}</p>' in page  # beside its field
    assert "CM15-0000120" not in page and "latest decision first" not in page
    # htmx gets the same refusal (as 200, which it swaps) and the field's message out of band.
    fragment = client.get(URL, params, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "Not searched" in text and "CM15-0000120" not in text
    assert f'id="precedent-error-{field}" hx-swap-oob="true">{error}</p>' in text
    # The CSV of such a search is refused too, never every item.
    download = client.get(CSV_URL, params)
    assert download.status_code == 422
    assert not download.streaming and b"CM15-0000120" not in download.content
    assert download.content.decode().startswith(f"Not searched: {message}")
