"""Who may open and do what in the case pages."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent, AuditKind
from cases.lifecycle.models import CaseStatus
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from reviews.assignment.models import Assignment
from tests.factories import PASSWORD, CaseFactory, DisputedItemFactory, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def record(case, case_admin):
    return record_add(
        case=case, actor=case_admin, uploaded=pdf_upload("pr2.pdf"), title="PR-2 progress report"
    )


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("casefile:home", {}),
        ("casefile:case_list", {}),
        ("intake:case_new", {}),
        ("casefile:case_detail", {"case_number": "CM26-0000001"}),
        ("records:case_record", {"case_number": "CM26-0000001", "record_id": 1}),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_post_to_an_action_is_sent_to_login_and_changes_nothing(client, case):
    response = client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {"finding": "ineligible", "ineligible-reasons": "duplicate"},
    )
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_login_page_names_the_product_and_signs_in(client, case_admin):
    page = client.get(reverse("login"))
    assert "IMR Desk" in page.content.decode()
    response = client.post(
        reverse("login"), {"username": case_admin.username, "password": PASSWORD}
    )
    # The password is the first step: a staff user sets up the second factor next.
    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('account:second_factor_setup')}?next=%2F")


def test_wrong_password_says_so(client, case_admin):
    response = client.post(reverse("login"), {"username": case_admin.username, "password": "no"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_logout_is_a_post_button_in_the_header(client, case_admin):
    page = signed_in(client, case_admin).get(reverse("casefile:case_list")).content.decode()
    assert f'action="{reverse("logout")}"' in page
    client.post(reverse("logout"))
    assert client.get(reverse("casefile:case_list")).status_code == 302


def test_home_sends_case_admins_to_the_dashboard_and_reviewers_to_their_queue(
    client, case_admin, reviewer
):
    for user, page in (
        (case_admin, "reports:dashboard"),
        (reviewer, "determination:reviewer_dashboard"),
    ):
        response = signed_in(client, user).get(reverse("casefile:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse(page)


def test_an_api_client_has_no_web_pages(client, api_client_user):
    """Least privilege: an API client uses the API only. A web session it holds anyway is ended
    at its first page (sent to sign in), and the sign-in form says why it cannot sign in."""
    for url in (reverse("casefile:home"), reverse("clock:calculator")):
        response = signed_in(client, api_client_user).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    page = client.post(
        reverse("login"), {"username": api_client_user.username, "password": PASSWORD}
    ).content.decode()
    assert "cannot sign in to the web pages" in page


def test_header_links_follow_the_role(client, case_admin, reviewer):
    system_admin = UserFactory(role=Role.SYSTEM_ADMIN, first_name="Sam", last_name="Sysop")
    page = signed_in(client, system_admin).get(reverse("casefile:case_list")).content.decode()
    assert 'href="/admin/"' in page
    assert "New application" in page
    assert "Sam Sysop" in page and "System administrator" in page

    page = signed_in(client, case_admin).get(reverse("casefile:case_list")).content.decode()
    assert 'href="/admin/"' not in page
    assert reverse("intake:case_new") in page

    page = signed_in(client, reviewer).get(reverse("casefile:case_list")).content.decode()
    assert reverse("intake:case_new") not in page
    assert "Expert reviewer" in page


def test_reviewer_sees_only_the_case_assigned_to_them(client, reviewer, case_admin):
    assigned = CaseFactory()
    DisputedItemFactory(case=assigned)
    other = CaseFactory()
    Assignment.objects.create(case=assigned, reviewer=reviewer, assigned_by=case_admin)
    signed_in(client, reviewer)

    assert (
        client.get(reverse("casefile:case_detail", args=[assigned.case_number])).status_code == 200
    )
    response = client.get(reverse("casefile:case_detail", args=[other.case_number]))
    assert response.status_code == 404

    listing = client.get(reverse("casefile:case_list")).content.decode()
    assert assigned.case_number in listing
    assert other.case_number not in listing


def test_reviewer_cannot_download_a_record_of_a_case_not_assigned(
    client, reviewer, case, record, case_admin
):
    url = reverse("records:case_record", args=[case.case_number, record.pk])
    assert signed_in(client, reviewer).get(url).status_code == 404
    # The probe is in the audit log, as a refusal: nothing was opened.
    (probe,) = AuditEvent.objects.filter(kind=AuditKind.RECORD, actor=reviewer)
    assert probe.status_code == 404

    Assignment.objects.create(case=case, reviewer=reviewer, assigned_by=case_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_record_of_another_case_is_not_found_under_this_case(client, case_admin, record):
    other = CaseFactory()
    url = reverse("records:case_record", args=[other.case_number, record.pk])
    assert signed_in(client, case_admin).get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QUALITY_REVIEWER])
def test_reviewers_cannot_take_in_applications(client, role):
    user = UserFactory(role=role)
    assert signed_in(client, user).get(reverse("intake:case_new")).status_code == 403
    response = client.post(reverse("intake:case_new"), {"application-application_id": "A-1"})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QUALITY_REVIEWER])
@pytest.mark.parametrize(
    "url_name, data",
    [
        ("casefile:case_eligibility", {"finding": "ineligible", "ineligible-reasons": "duplicate"}),
        ("casefile:case_records_complete", {"complete-on": "2026-11-10"}),
        ("casefile:case_terminate", {"terminate-reason": "withdrawn", "terminate-confirm": "on"}),
        ("casefile:case_remand", {"remand-confirm": "on"}),
        ("casefile:case_record_add", {"record-title": "PR-2"}),
    ],
)
def test_reviewers_get_403_on_every_case_action(client, case, case_admin, role, url_name, data):
    user = UserFactory(role=role)
    Assignment.objects.create(case=case, reviewer=user, assigned_by=case_admin)
    response = signed_in(client, user).post(reverse(url_name, args=[case.case_number]), data)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert not MedicalRecord.objects.exists()


def test_quality_reviewer_sees_the_case_without_action_forms(client, quality_reviewer, case):
    page = signed_in(client, quality_reviewer).get(
        reverse("casefile:case_detail", args=[case.case_number])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Filed within 30 days" in html  # the eligibility checks are shown
    assert reverse("casefile:case_eligibility", args=[case.case_number]) not in html
    assert reverse("casefile:case_terminate", args=[case.case_number]) not in html
    assert reverse("casefile:case_record_add", args=[case.case_number]) not in html


def test_unknown_case_shows_the_sites_404_page(client, case_admin):
    response = signed_in(client, case_admin).get(
        reverse("casefile:case_detail", args=["CM26-9999999"])
    )
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_htmx_request_after_the_session_ended_gets_401_and_the_page_says_so(client, case):
    page = reverse("casefile:case_detail", args=[case.case_number])
    response = client.get(
        page,
        {"panel": "clock"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    # The same answer as every other htmx request with an ended session (cases.access): the
    # panel is not replaced by the sign-in form, and nothing typed elsewhere is lost.
    assert response.status_code == 401
    assert "session has ended" in response.content.decode()


def test_a_full_page_after_the_session_ended_goes_to_the_login_page_and_back(client, case):
    page = reverse("casefile:case_detail", args=[case.case_number])
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page}"


def test_every_page_carries_the_ended_session_notice(client, case_admin):
    html = signed_in(client, case_admin).get(reverse("casefile:case_list")).content.decode()
    assert 'id="session-ended"' in html and "js/session.js" in html
