"""The Assign page, batch assignment, the reviewer's accept/decline and the specialty table."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from reviews.assignment.models import Assignment, CaseConflict
from reviews.roster.models import CategorySpecialty, Specialty
from tests.factories import PASSWORD, UserFactory, login, ready_case, reviewer_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, case_admin):
    client.login(username=case_admin.username, password=PASSWORD)
    return client


def test_assign_page_ranks_eligible_and_explains_every_exclusion(admin_client):
    case = ready_case()
    reviewer_with_profile("REV-GOOD", last_name="Good")
    reviewer_with_profile(
        "REV-CONFLICT", last_name="Conflicted", affiliations=(("employer", "Acme Foods", ""),)
    )
    url = reverse("assignment:case_assign", args=[case.case_number])
    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    eligible, excluded = page.split('id="excluded-heading"')
    assert "Jane Good" in eligible and '>Assign<span class="visually-hidden">' in eligible
    # The closed panel counts the excluded; their list is read when it is opened.
    assert "Excluded (1)" in excluded and "Jane Conflicted" not in excluded
    assert f'hx-get="{url}?excluded_page=1"' in page
    assert 'href="?excluded_page=1#excluded-heading"' in excluded
    for opened in (
        admin_client.get(url, {"excluded_page": 1}, HTTP_HX_REQUEST="true"),  # htmx: the list
        admin_client.get(url, {"excluded_page": 1}),  # the link: the page, the panel open
    ):
        excluded = opened.content.decode().split('id="excluded-heading"')[-1]
        assert "Jane Conflicted" in excluded
        assert "Conflict: affiliated with the employer" in excluded
        # An excluded reviewer has no button: the page offers no override.
        assert excluded.count('>Assign<span class="visually-hidden">') == 0
    fragment = admin_client.get(url, {"excluded_page": 1}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "Jane Good" not in fragment.content.decode()
    assert '<details id="excluded-panel" open' in opened.content.decode()
    # The fragment is the whole panel, open, with its count, and says what it listed.
    assert '<details id="excluded-panel" open' in fragment.content.decode()
    assert "Excluded (1)" in fragment.content.decode()
    assert "1 excluded reviewer listed below" in fragment.content.decode()


def test_with_nobody_excluded_the_panel_says_so_without_a_fetch(admin_client):
    case = ready_case()
    reviewer_with_profile("REV-ONLY", last_name="Only")
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    html = page.content.decode()
    excluded = html.split('id="excluded-heading"')[1]
    assert "Excluded (0)" in excluded and "Nobody is excluded." in excluded
    assert "Show every excluded reviewer" not in excluded
    assert '<details id="excluded-panel">' in html  # closed, and nothing to fetch


def test_one_click_assigns_and_the_case_page_names_the_reviewer(admin_client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1", last_name="Roe")
    response = admin_client.post(
        reverse("assignment:case_assign", args=[case.case_number]),
        {"reviewer": reviewer.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "casefile:case_detail", args=[case.case_number]
    )
    page = response.content.decode()
    assert "assigned to Jane Roe" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWER_ASSIGNED


def test_posting_an_excluded_reviewer_is_refused_with_the_reason_and_logged(admin_client):
    case = ready_case()
    conflicted = reviewer_with_profile("REV-C", affiliations=(("employer", "ACME FOODS INC", ""),))
    response = admin_client.post(
        reverse("assignment:case_assign", args=[case.case_number]),
        {"reviewer": conflicted.pk},
        follow=True,
    )
    assert "Conflict: affiliated with the employer" in response.content.decode()
    assert not Assignment.objects.exists()
    assert CaseEvent.objects.filter(case=case, type=EventType.ASSIGNMENT_REFUSED).exists()


def test_htmx_assign_redirects_the_browser(admin_client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1")
    response = admin_client.post(
        reverse("assignment:case_assign", args=[case.case_number]),
        {"reviewer": reviewer.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.headers["HX-Redirect"] == reverse(
        "casefile:case_detail", args=[case.case_number]
    )


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QUALITY_REVIEWER])
def test_only_case_managers_reach_assignment_pages(client, role):
    case = ready_case()
    login(client, UserFactory(role=role))
    for url in (
        reverse("assignment:case_assign", args=[case.case_number]),
        reverse("assignment:assignments_batch"),
        reverse("roster:specialty_table"),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_reviewer_accepts_with_attestation_from_the_queue(client, case_admin):
    from reviews.assignment.services import reviewer_assign

    case = ready_case()
    reviewer = reviewer_with_profile("REV-1")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    assert case.case_number in page and "I attest that I have no conflict" in page
    response = client.post(
        reverse("determination:assignment_accept", args=[assignment.pk]), follow=True
    )
    assert "Attest that you have no conflict" in response.content.decode()
    client.post(reverse("determination:assignment_accept", args=[assignment.pk]), {"attest": "on"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_reviewer_declines_with_a_conflict_and_cannot_touch_others(client, case_admin):
    from reviews.assignment.services import reviewer_assign

    case = ready_case()
    reviewer, other = reviewer_with_profile("REV-1"), reviewer_with_profile("REV-2")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=case_admin)
    login(client, other)
    assert (
        client.post(reverse("determination:assignment_decline", args=[assignment.pk])).status_code
        == 404
    )
    client.logout()
    login(client, reviewer)
    client.post(
        reverse("determination:assignment_decline", args=[assignment.pk]),
        {"reason": "My group treats this worker", "conflict": "on"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert CaseConflict.objects.filter(case=case, reviewer=reviewer).exists()


def test_specialty_table_edit_replaces_one_category(admin_client):
    chiropractic = Specialty.objects.get(name="Chiropractic")
    pain = Specialty.objects.get(name="Pain Management")
    response = admin_client.post(
        reverse("roster:specialty_table"),
        {"category": "acupuncture", "specialties": [chiropractic.pk, pain.pk]},
    )
    assert response.status_code == 302
    chosen = set(
        CategorySpecialty.objects.filter(category="acupuncture").values_list(
            "specialty__name", flat=True
        )
    )
    assert chosen == {"Chiropractic", "Pain Management"}


def test_specialty_table_refuses_an_empty_category_and_keeps_it(admin_client):
    before = CategorySpecialty.objects.filter(category="dental").count()
    response = admin_client.post(
        reverse("roster:specialty_table"), {"category": "dental"}, HTTP_HX_REQUEST="true"
    )
    assert "Choose at least one specialty" in response.content.decode()
    assert CategorySpecialty.objects.filter(category="dental").count() == before > 0


def test_adding_a_specialty_that_exists_under_another_spelling_is_refused(admin_client):
    response = admin_client.post(
        reverse("roster:specialty_table"),
        {"action": "add_specialty", "name": "physical medicine and rehabilitation"},
    )
    assert "already in the list" in response.content.decode()
    admin_client.post(
        reverse("roster:specialty_table"),
        {"action": "add_specialty", "name": "Hyperbaric Medicine"},
    )
    assert Specialty.objects.filter(name="Hyperbaric Medicine").exists()
