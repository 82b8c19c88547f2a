"""The Assign page, batch assignment, the reviewer's accept/decline and the specialty table."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from accounts.models import Role, User
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
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
    assert "Excluded (none)" in excluded and "Nobody is excluded." in excluded
    # From QA: a search read "Excluded (0 matching “only”, of 0)" when nobody was excluded.
    searched = admin_client.get(
        reverse("assignment:case_assign", args=[case.case_number]), {"q": "only"}
    ).content.decode()
    assert "Excluded (none)" in searched and "of 0" not in searched
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
    # The answer is where the focus lands on the case page (from QA: on the page's body).
    assert re.search(r'tabindex="-1" autofocus>\s*<p>CM26-\d+ assigned to Jane Roe', page)
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
    response = client.post(
        reverse("determination:assignment_accept", args=[assignment.pk]), {"attest": "on"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    # Accepting starts the review (from QA: it came back to the list).
    assert response["Location"] == reverse(
        "determination:workspace_step", args=[case.case_number, 2]
    )


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


def _rows(html: str) -> list[str]:
    import re

    return re.findall(r"<tr><td.*?</tr>", html, flags=re.S)


def test_assign_page_rows_show_rank_score_parts_and_reasons_with_every_value_escaped(
    admin_client,
):
    """The rows drawn in Python (reviews/templatetags/assign_rows.py): what each tells the
    administrator, the form that assigns, and every value escaped."""
    case = ready_case()
    reviewer_with_profile("REV-<1>", first_name="Ann", last_name="O'Neil <b>")
    reviewer_with_profile("REV-2", first_name="Bo", last_name="Second")
    reviewer_with_profile(
        "REV-3", first_name="Cy", last_name="Tied", affiliations=(("employer", "Acme Foods", ""),)
    )
    url = reverse("assignment:case_assign", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    eligible = page.split('id="excluded-heading"')[0]
    # Equal in specialty, load and spare days: ranked by reviewer id ("REV-2" before "REV-<").
    second, first = _rows(eligible)
    assert '<td data-label="#">2</td>' in first and '<td data-label="#">1</td>' in second
    assert "<strong>Ann O&#x27;Neil &lt;b&gt;</strong>" in first and "<b>" not in first
    assert "REV-&lt;1&gt; · Pain Management" in first
    assert 'aria-label="Match score ' in first
    assert "<li><strong>Specialty match</strong>: " in first
    assert "<li><strong>Conflicts</strong>: excluded if any · none found" in first
    # The form assigns this reviewer, with the page's CSRF token; the first is the primary one.
    reviewer = User.objects.get(username="rev-<1>")
    assert f'<input type="hidden" name="reviewer" value="{reviewer.pk}">' in first
    assert 'name="csrfmiddlewaretoken" value="' in first
    assert f'action="{url}" hx-post="{url}"' in first
    assert 'class="button">Assign<span class="visually-hidden"> Ann O&#x27;Neil' in first
    assert 'class="button button--primary">Assign<span class="visually-hidden"> Bo Second' in second
    # A search: no primary button, and the rank is within what was found.
    found = admin_client.get(url, {"q": "second"}).content.decode().split('id="excluded-heading"')
    (row,) = _rows(found[0])
    assert '<td data-label="#">1</td>' in row and "button--primary" not in row
    # The excluded panel: every reason, escaped.
    panel = admin_client.get(url, {"excluded_page": 1}, HTTP_HX_REQUEST="true").content.decode()
    (excluded,) = _rows(panel)
    assert "<strong>Cy Tied</strong>" in excluded
    assert (
        "<li>Conflict: affiliated with the employer &#x27;Acme Foods, Inc.&#x27; "
        "(declared: employer &#x27;Acme Foods&#x27;).</li>"
    ) in excluded


def test_assign_page_offers_no_assign_button_when_the_case_is_not_waiting(admin_client):
    case = ready_case()
    reviewer_with_profile("REV-1", last_name="Only")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ELIGIBLE)
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    (row,) = _rows(page.content.decode().split('id="excluded-heading"')[0])
    assert "<strong>Jane Only</strong>" in row and "<form" not in row


def test_the_assign_page_of_a_case_not_waiting_names_its_status(admin_client):
    """From QA: "This case is received: it is not waiting for a reviewer" used the status's
    name as an adjective ("is information requested", "is returned to reviewer")."""
    case = ready_case()
    url = reverse("assignment:case_assign", args=[case.case_number])
    said = {}
    for status in CaseStatus:
        Case.objects.filter(pk=case.pk).update(status=status)
        page = html.unescape(admin_client.get(url).content.decode())
        said[status] = re.search(r"This case\S* [^:]*: it is not waiting", page)

    # These wait for a reviewer.
    assert said.pop(CaseStatus.RECORDS_COMPLETE) is None and said.pop(CaseStatus.REMANDED) is None
    assert said[CaseStatus.RECEIVED][0] == "This case's status is Received: it is not waiting"
    for status, found in said.items():
        assert found and found[0].startswith(f"This case's status is {status.label}:"), status


def test_the_assign_page_names_the_deadline_that_runs(admin_client):
    """From QA: a received case's Assign page said "due 12/07/2026" (its notice of
    assignment's deadline) and scored spare days against it as if it were a determination's."""
    waiting = ready_case()
    page = admin_client.get(reverse("assignment:case_assign", args=[waiting.case_number]))
    assert "· determination due 12/10/2026" in page.content.decode()
    assert "ranked as if it were" not in page.content.decode()

    received = ready_case(status=CaseStatus.RECEIVED, due_on=dt.date(2026, 12, 7))
    page = admin_client.get(reverse("assignment:case_assign", args=[received.case_number]))
    shown = page.content.decode()
    assert "· notice of assignment due 12/07/2026" in shown
    assert (
        "The reviewers below are ranked as if it were: their spare days count to the notice of "
        "assignment due 12/07/2026, not to a determination's due date." in html.unescape(shown)
    )
