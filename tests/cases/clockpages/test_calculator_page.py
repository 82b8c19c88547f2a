"""The deadline calculator page: the calculator of `manage.py clock` behind a form."""

import html
import json
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("clock:calculator")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.CASE_ADMIN))
    return client


def test_a_mailed_notice_explains_the_cesar_chavez_day_roll_forward(admin_client):
    response = admin_client.post(
        URL, {"priority": "standard", "notice_sent_on": "2025-03-14", "notice_sent_by": "mail"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tue 04/01/2025" in page
    assert (
        "15 days after the notice mailed 03/14/2025 ends on Sat 03/29/2025 (weekend), not a "
        "court day, nor are Sun 03/30 (weekend) and Mon 03/31 (Cesar Chavez Day): "
        "due Tue 04/01/2025"
    ) in page
    assert "judicial v1" in page


def test_a_mixed_formulary_case_shows_each_items_date(admin_client):
    # Records complete Mon 03/02/2026: 30 days is Wed 04/01/2026; five working days is
    # Mon 03/09/2026, so the formulary item is due first.
    response = admin_client.post(
        URL,
        {
            "priority": "standard",
            "records_complete_on": "2026-03-02",
            "items": "3",
            "formulary_items": "2",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Item 1 (standard)" in page
    assert "Item 2 (drug-formulary dispute)" in page
    assert "Item 3 (standard)" in page
    assert page.count("Wed 04/01/2026") >= 2
    assert "Mon 03/09/2026" in page
    assert "Item 2 is due first" in page
    assert "state_offices v1" in page


def test_a_bad_date_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        URL, {"priority": "standard", "notice_sent_on": "2025-02-30", "notice_sent_by": "mail"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "nothing was calculated" in page
    assert 'class="deadlines"' not in page


def test_a_formulary_item_beyond_the_item_count_is_refused(admin_client):
    response = admin_client.post(
        URL,
        {
            "priority": "standard",
            "records_complete_on": "2026-03-02",
            "items": "5",
            "formulary_items": "1, 7, 9",
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Item 7, 9 are listed as formulary, but only 5 item(s) are counted" in page
    assert 'class="deadlines"' not in page


@pytest.mark.parametrize("text", ["1, two", "0", "-3", "1.5"])
def test_formulary_items_that_are_not_item_numbers_are_refused(admin_client, text):
    response = admin_client.post(
        URL,
        {
            "priority": "standard",
            "records_complete_on": "2026-03-02",
            "items": "3",
            "formulary_items": text,
        },
    )

    assert response.status_code == 422
    assert "is not an item number" in response.content.decode()


def test_fifty_items_with_formulary_ones_and_the_json_kept_in_step(admin_client):
    response = admin_client.post(
        URL,
        {
            "priority": "standard",
            "records_complete_on": "2026-03-02",
            "items": "50",
            "formulary_items": "1, 3 7;50 3",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Item 50 (drug-formulary dispute)" in page
    assert "Item 49 (standard)" in page
    facts = json.loads(
        html.unescape(re.search(r'<pre class="calc__json">(.*?)</pre>', page, re.S)[1])
    )
    formulary = [n for n, item in enumerate(facts["items"], 1) if item["formulary_dispute"]]
    assert len(facts["items"]) == 50
    assert formulary == [1, 3, 7, 50]


def test_more_than_fifty_items_are_refused(admin_client):
    response = admin_client.post(URL, {"priority": "standard", "items": "51"})

    assert response.status_code == 422
    assert "less than or equal to 50" in response.content.decode()


def test_htmx_gets_the_calculator_fragment(admin_client):
    response = admin_client.post(
        URL, {"priority": "standard", "notice_sent_on": "2025-03-14"}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="calculator"' in page
    assert "Tue 04/01/2025" in page


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QUALITY_REVIEWER])
def test_only_case_administrators_use_it(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"notice_sent_on": "2025-03-14"}).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_links_to_it_for_case_administrators(admin_client):
    page = admin_client.get(URL).content.decode()

    assert f'href="{URL}" aria-current="page">Deadline calculator' in page


def test_items_due_the_same_day_are_not_one_due_first(admin_client):
    # Two standard items: both due 30 days after the records, so neither is "due first".
    response = admin_client.post(
        URL,
        {"priority": "standard", "records_complete_on": "2026-03-02", "items": "2"},
    )
    page = response.content.decode()
    assert page.count("Wed 04/01/2026") >= 2
    assert "due first" not in page


def test_a_conversion_date_on_a_standard_review_is_refused(admin_client):
    response = admin_client.post(
        URL,
        {"priority": "standard", "records_complete_on": "2026-03-02", "expedited_on": "2026-03-04"},
    )

    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert (
        "A conversion date applies only to an expedited review: choose Expedited, or clear the "
        "date."
    ) in page
    assert "Determination due" not in page


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            {"application_received": "2026-03-05", "records_complete_on": "2026-03-02"},
            "Records complete on 03/02/2026 is before the application was received on 03/05/2026",
        ),
        (
            {
                "priority": "expedited",
                "application_received": "2026-03-05",
                "expedited_on": "2026-03-01",
            },
            "Converted to expedited on 03/01/2026 is before the application was received on "
            "03/05/2026",
        ),
        (
            {"records_complete_on": "2026-03-05", "letter_mailed_on": "2026-03-04"},
            "Determination letter served on 03/04/2026 is before the records were complete on "
            "03/05/2026",
        ),
    ],
)
def test_dates_out_of_order_are_refused_naming_both(admin_client, facts, message):
    response = admin_client.post(URL, {"priority": "standard", **facts})

    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Determination due" not in page


def test_the_same_day_is_not_out_of_order(admin_client):
    response = admin_client.post(
        URL,
        {
            "priority": "expedited",
            "application_received": "2026-03-02",
            "expedited_on": "2026-03-02",
            "records_complete_on": "2026-03-02",
        },
    )

    assert response.status_code == 200
    assert "Determination due" in response.content.decode()


def test_an_expedited_calculation_labels_its_items_expedited(admin_client):
    # Records complete Mon 03/02/2026: 3 days, run through weekends, is Thu 03/05/2026.
    response = admin_client.post(
        URL,
        {
            "priority": "expedited",
            "records_complete_on": "2026-03-02",
            "items": "2",
            "formulary_items": "2",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "(standard)" not in page
    assert "Item 1 (expedited)" in page
    assert "Item 2 (expedited, drug-formulary dispute)" in page
    assert page.count("Thu 03/05/2026") >= 3
