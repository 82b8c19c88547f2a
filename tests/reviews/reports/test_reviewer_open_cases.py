"""A reviewer's open cases, reached from the dashboard's load and at-risk rows (from QA: a
deactivated reviewer's row counted open cases and gave no way to them)."""

from __future__ import annotations

import html
import pickle
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEvent
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.assignment.services import reviewer_assign
from reviews.reports.selectors import NO_CAPACITY, dashboard_table, rate
from reviews.roster.models import ReviewerProfile
from tests.factories import CaseFactory, UserFactory, ready_case, reviewer_with_profile
from tests.reviews.reports.known_month import NOVEMBER

pytestmark = pytest.mark.django_db


def _client(role=Role.CASE_ADMIN) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def _url(external_id: str) -> str:
    """A reviewer's open cases, by their roster profile's row id."""
    profile = ReviewerProfile.objects.get(external_id=external_id)
    return reverse("reports:reviewer_open_cases", args=[profile.pk])


def _open_cases_page(client: Client, external_id: str):
    return client.get(_url(external_id))


def test_the_dashboard_links_each_reviewer_to_their_open_cases(world):
    page = html.unescape(
        _client()
        .get(reverse("reports:dashboard"), {"start": "2026-11-01", "end": "2026-11-30"})
        .content.decode()
    )
    url = _url("REV-P")
    load = page.split('id="chart-load"', 1)[1].split("</section>", 1)[0]
    at_risk = page.split('id="chart-at_risk_reviewer"', 1)[1].split("</section>", 1)[0]
    # Each link carries the period and its table, for the page's way back.
    period = "start=2026-11-01&end=2026-11-30"
    assert f'<a href="{url}?{period}&chart=load">Jane Roe REV-P (REV-P)</a>' in load
    assert f'<a href="{url}?{period}&chart=at_risk_reviewer">Jane Roe REV-P (REV-P)</a>' in at_risk
    assert '<td data-label="Reviewer">No reviewer assigned</td>' in at_risk  # nobody to open


def test_the_csv_writes_the_reviewers_name_without_the_link(world):
    response = _client().get(
        reverse("reports:dashboard"),
        {"start": "2026-11-01", "end": "2026-11-30", "format": "csv", "chart": "load"},
    )
    text = response.content.decode()
    assert "Jane Roe REV-P (REV-P),2,5,40.0%,no,active" in text
    assert "<a" not in text


def test_a_kept_snapshot_keeps_each_rates_measure_and_each_reviewers_link(world):
    """The dashboard's snapshot is kept in the cache (pickled): a rate read back must still be
    drawn by its number, and a name still link, or the chart's bars and links are lost for
    the minute the snapshot is kept."""
    table = pickle.loads(pickle.dumps(dashboard_table("load", NOVEMBER, world)))
    (row,) = [row for row in table.rows if "REV-P" in row[0]]
    assert row[0].href == _url("REV-P")
    assert (row[3], row[3].value) == ("40.0%", 40.0)
    assert dict((label, value) for label, value, _ in table.chart_points())[row[0]] == 40.0
    kept = pickle.loads(pickle.dumps(NO_CAPACITY))
    assert (kept, kept.value) == ("no capacity", float("inf"))
    assert (rate(1, 3), rate(1, 3).value) == ("33.3%", pytest.approx(33.333, abs=0.001))
    assert (rate(1, 0), rate(1, 0).value) == ("", 0.0)


def _reviewer_holding():
    """A reviewer with one case awaiting acceptance and one accepted (open), and one completed
    and one declined (not open); another reviewer's open case."""
    reviewer = reviewer_with_profile(
        "REV-HOLD", max_open_cases=4, carried_open_cases=1, last_name="Hold"
    )
    other = reviewer_with_profile("REV-ELSE", last_name="Else")
    waiting = CaseFactory(worker_first_name="Maria", worker_last_name="Delgado")
    accepted = CaseFactory(worker_first_name="Ana", worker_last_name="Ruiz")
    done, declined, theirs = CaseFactory(), CaseFactory(), CaseFactory()
    Assignment.objects.create(case=waiting, reviewer=reviewer, status=AssignmentStatus.ASSIGNED)
    Assignment.objects.create(case=accepted, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)
    Assignment.objects.create(case=done, reviewer=reviewer, status=AssignmentStatus.COMPLETED)
    Assignment.objects.create(case=declined, reviewer=reviewer, status=AssignmentStatus.DECLINED)
    Assignment.objects.create(case=theirs, reviewer=other, status=AssignmentStatus.ACCEPTED)
    return reviewer, (waiting, accepted), (done, declined, theirs)


def test_the_page_lists_the_reviewers_open_cases_each_with_its_reassignment():
    reviewer, open_cases, not_open = _reviewer_holding()
    response = _open_cases_page(_client(), "REV-HOLD")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Open cases of Jane Hold (REV-HOLD)" in page
    for case in open_cases:
        assert f'href="{reverse("casefile:case_detail", args=[case.case_number])}"' in page
        assign = reverse("assignment:case_assign", args=[case.case_number])
        back = quote(_url("REV-HOLD"), safe="")  # the Assign page comes back here
        assert f'href="{assign}?back={back}#unassign-heading"' in page
    for case in not_open:
        assert case.case_number not in page
    assert "Delgado, Maria" in page and "awaiting acceptance since" in page  # as lists name them
    assert "Ruiz, Ana" in page
    # As the load chart counts them: two here and one carried over from another system.
    assert "3 (2 assigned in IMR Desk, 1 carried over from another system)" in page
    assert "can no longer sign in" not in page


def test_a_deactivated_reviewers_page_says_each_case_waits_until_reassigned():
    reviewer, open_cases, _ = _reviewer_holding()
    User.objects.filter(pk=reviewer.pk).update(is_active=False)
    page = html.unescape(_open_cases_page(_client(), "REV-HOLD").content.decode())
    assert "This reviewer can no longer sign in" in page
    assert "reassigned on its Assign page" in page


def test_the_medical_director_reads_the_list_without_the_assign_links():
    _, open_cases, _ = _reviewer_holding()
    page = html.unescape(
        _open_cases_page(_client(Role.QUALITY_REVIEWER), "REV-HOLD").content.decode()
    )
    assert open_cases[0].case_number in page
    assert reverse("assignment:case_assign", args=[open_cases[0].case_number]) not in page


def test_the_page_is_audited_as_a_reviewers_open_cases():
    _reviewer_holding()
    client = _client()
    before = AuditEvent.objects.count()
    _open_cases_page(client, "REV-HOLD")
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    # Its own kind, not "Case list" (from QA: the profile's id read as a list's number).
    assert (event.route, event.kind) == ("reports:reviewer_open_cases", "reviewer_cases")


def test_a_reviewer_the_roster_does_not_have_is_not_found():
    unknown = reverse("reports:reviewer_open_cases", args=[987654])
    assert _client().get(unknown).status_code == 404


def test_a_reviewer_with_nothing_open_is_told_so():
    reviewer_with_profile("REV-FREE", last_name="Free")
    page = _open_cases_page(_client(), "REV-FREE").content.decode()
    assert "No open case assigned in IMR Desk." in page


@pytest.mark.parametrize("external_id", ["REV 12/B", "REV\n7", "..", "a/../b"])
def test_a_roster_id_typed_oddly_still_links_and_opens(external_id):
    """A roster id is typed by people (the roster file, Django admin): one with a slash, a line
    break or dots broke the dashboard (a 500 from reverse) or led elsewhere, when the link was
    made of it. The link is the profile's row id."""
    reviewer = reviewer_with_profile(external_id, max_open_cases=2, last_name="Odd")
    case = CaseFactory()
    Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)
    client = _client()
    dashboard = client.get(reverse("reports:dashboard"))
    assert dashboard.status_code == 200
    url = _url(external_id)
    assert f'<a href="{url}?' in dashboard.content.decode()
    page = html.unescape(client.get(url).content.decode())
    assert f"Open cases of Jane Odd ({external_id})" in page and case.case_number in page
    csv_file = client.get(reverse("reports:dashboard"), {"format": "csv", "chart": "load"})
    assert csv_file.status_code == 200


def test_back_to_the_dashboard_returns_to_its_period_and_table():
    """From QA: "Back to the dashboard" showed the default period and the load table, whatever
    the period chosen and the table the reviewer was followed from."""
    reviewer_with_profile("REV-BACK")
    url = _url("REV-BACK")
    client = _client()
    page = html.unescape(
        client.get(
            url, {"start": "2026-12-01", "end": "2026-12-06", "chart": "at_risk_reviewer"}
        ).content.decode()
    )
    dashboard = reverse("reports:dashboard")
    assert f'href="{dashboard}?start=2026-12-01&end=2026-12-06#chart-at_risk_reviewer"' in page
    # Nothing asked (a bookmark), or a table that does not link here: the load table.
    page = html.unescape(client.get(url, {"chart": "nothing"}).content.decode())
    assert f'href="{dashboard}#chart-load"' in page


def test_a_case_reassigned_from_the_list_comes_back_to_the_list():
    """From QA: after each reassignment the case page opened, and the deactivated reviewer's
    list was three clicks away; the Assign page opened from the list goes back to it."""
    reviewer = reviewer_with_profile("REV-HOLD", last_name="Hold")
    waiting = ready_case()
    reviewer_assign(case=waiting, reviewer=reviewer, actor=UserFactory(role=Role.CASE_ADMIN))
    other = reviewer_with_profile("REV-NEXT", last_name="Next")
    client = _client()
    back = _url("REV-HOLD") + "?chart=load"
    assign = reverse("assignment:case_assign", args=[waiting.case_number])
    page = html.unescape(client.get(assign, {"back": back}).content.decode())
    assert f'<a href="{back}">Back to Jane Hold\'s open cases</a>' in page
    response = client.post(
        reverse("assignment:case_unassign", args=[waiting.case_number]),
        {
            "reason": "Login deactivated",
            "reviewer": str(other.pk),
            "assignment": str(Assignment.objects.get(case=waiting, reviewer=reviewer).pk),
            "back": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    listed = html.unescape(client.get(back).content.decode())
    assert f"{waiting.case_number} reassigned to Jane Next" in listed  # the message, here
    assert waiting.case_number not in listed.split("Assigned in IMR Desk", 1)[1]
    assert "No open case assigned in IMR Desk." in listed


def test_the_assign_page_goes_back_only_to_a_reviewers_list_on_this_site():
    waiting = ready_case()
    reviewer_assign(
        case=waiting,
        reviewer=reviewer_with_profile("REV-HOLD"),
        actor=UserFactory(role=Role.CASE_ADMIN),
    )
    client = _client()
    assign = reverse("assignment:case_assign", args=[waiting.case_number])
    page = client.get(assign, {"back": _url("REV-HOLD")}).content.decode()
    assert f'name="back" value="{_url("REV-HOLD")}"' in page  # the one it takes
    for back in (
        "https://elsewhere.example/",
        "//elsewhere.example/",
        f"https://elsewhere.example{_url('REV-HOLD')}",  # the same path on another host
        "/cases/",
        "/nowhere/",
        f"{_url('REV-HOLD')}../../../cases/",
    ):
        page = client.get(assign, {"back": back}).content.decode()
        assert 'name="back"' not in page, back


def test_a_search_on_the_assign_page_keeps_the_way_back():
    """From a review: the reviewer search and "Show everyone" dropped `back`, so an
    unassignment after a search landed on the case page."""
    waiting = ready_case()
    admin = UserFactory(role=Role.CASE_ADMIN)
    reviewer_assign(case=waiting, reviewer=reviewer_with_profile("REV-HOLD"), actor=admin)
    assign = reverse("assignment:case_assign", args=[waiting.case_number])
    back = _url("REV-HOLD")
    page = html.unescape(_client().get(assign, {"back": back, "q": "Jane"}).content.decode())
    search = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="back" value="{back}">' in search
    assert f'href="{assign}?back={quote(back, safe="")}">Show everyone</a>' in search
