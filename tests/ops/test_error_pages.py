"""Our pages for 400, 403, 404, 405 and 500, with a way forward, also while DEBUG is on (no URL
list, no traceback unless asked for); JSON in the API's shape on /api/ paths."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import (
    CaseFactory,
    UserFactory,
    api_client_for,
    case_in_review,
    reviewer_with_profile,
)

pytestmark = pytest.mark.django_db

URL_LIST = "Using the URLconf"  # what Django's debug 404 page says above its list of URLs


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_an_unknown_url_shows_our_page_and_no_url_list(client, debug):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert URL_LIST not in html and "api/v1/" not in html
    assert f'href="{reverse("login")}"' in html  # a way forward: sign in


def test_a_signed_in_user_is_offered_their_start_page(client, case_admin, debug):
    client.force_login(case_admin)
    response = client.get("/cases/CM26-9999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and URL_LIST not in html
    assert f'href="{reverse("casefile:home")}"' in html


def test_staff_get_our_404_too_while_debug_is_on(client, settings):
    settings.DEBUG = True
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and URL_LIST not in html


def test_the_setting_off_gives_djangos_debug_pages(client, settings):
    settings.DEBUG = True
    settings.IMR_DEBUG_ERROR_PAGES = False
    assert URL_LIST in client.get("/no-such-page/").content.decode()


def test_a_forbidden_page_shows_our_403(client, reviewer, debug):
    client.force_login(reviewer)
    response = client.get(reverse("intake:case_new"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and "Expert reviewer" in html
    assert f'href="{reverse("casefile:home")}"' in html
    # Whom the page is for (from QA: it described every role but that one).
    assert "cannot do this. This is for case administrators and system administrators." in html


FORM_BUTTON = "This address is for a form's button"


@pytest.mark.parametrize(
    ("route", "kwargs"),
    [
        ("letters:letter_correct", {"case_number": "CM26-0000001"}),
        ("casefile:case_terminate", {"case_number": "CM26-0000001"}),
        ("intake:import_run_resume", {"import_id": 1}),
        ("casefile:case_list_bulk", {}),
        ("casefile:saved_view_save", {}),
    ],
)
def test_opening_a_forms_address_shows_our_405(client, case_admin, debug, route, kwargs):
    """From a QA pass: Django's 405 has no body, so the browser showed its own "HTTP ERROR
    405". The status and the Allow header stay; the way back is the case page under which the
    address lies, else the start page, never the Referer."""
    if "case_number" in kwargs:
        CaseFactory(case_number=kwargs["case_number"])
    client.force_login(case_admin)
    response = client.get(reverse(route, kwargs=kwargs), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    assert FORM_BUTTON in html and "Nothing was saved or changed" in html
    assert int(response["Content-Length"]) == len(response.content)
    back = reverse("casefile:home")
    if "case_number" in kwargs:
        back = reverse("casefile:case_detail", args=[kwargs["case_number"]])
    assert f'class="button button--primary" href="{back}"' in html
    assert "evil.example" not in html


def test_a_405_under_a_case_that_does_not_exist_leads_to_the_start_page(client, case_admin, debug):
    """From QA: /cases/CM26-9999999/terminate/ offered "Back to the case", a 404."""
    number = "CM26-9999999"
    client.force_login(case_admin)
    response = client.get(reverse("casefile:case_terminate", args=[number]))
    assert response.status_code == 405
    html = response.content.decode()
    assert "Back to the case" not in html and f"/cases/{number}/" not in html
    assert f'class="button button--primary" href="{reverse("casefile:home")}"' in html


def test_signing_out_by_a_link_shows_our_405_to_a_visitor_too(client, debug):
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert FORM_BUTTON in response.content.decode()
    assert "csrftoken" in response.cookies  # for the page's own forms


def test_a_form_sent_to_a_page_is_not_told_the_page_is_a_forms_address(client, case_admin, debug):
    """From a review: a POST to a GET-only address was told the address is for a form's
    button, which it is not."""
    client.force_login(case_admin)
    response = client.post(reverse("casefile:case_list_csv"))
    assert response.status_code == 405
    assert FORM_BUTTON not in response.content.decode()


@pytest.mark.parametrize("route", ["reports:dashboard", "casefile:case_list"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_form_sent_to_a_page_gets_our_405_not_an_empty_one(
    client, case_admin, debug, route, method
):
    """From QA: a POST to /dashboard/ or /cases/ had an empty 405 body, which the browser
    showed as its own "HTTP ERROR 405"."""
    client.force_login(case_admin)
    response = getattr(client, method)(reverse(route))
    assert response.status_code == 405
    assert response["Allow"] in ("GET", "GET, HEAD")
    html = response.content.decode()
    assert "This page does not take a form" in html and "Nothing was saved or changed" in html
    assert f'class="button button--primary" href="{reverse("casefile:home")}"' in html
    assert int(response["Content-Length"]) == len(response.content)


def test_the_apis_405_stays_json(debug):
    api = api_client_for(UserFactory(role=Role.API_CLIENT))
    response = api.delete(reverse("api:cases"))
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    message = 'Method "DELETE" not allowed.'
    assert response.json() == {"errors": [{"path": None, "message": message}]}
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


def test_a_bad_host_gets_our_400_not_djangos_settings_page(client, debug):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The request could not be understood" in html
    assert "SECRET_KEY" not in html and "Traceback" not in html


def test_a_views_own_400_answer_is_kept(client, case_admin, case, settings):
    settings.DEBUG = True
    client.force_login(case_admin)
    response = client.post(reverse("casefile:case_eligibility", args=[case.case_number]), {})
    assert response.status_code == 400
    assert "The request could not be understood" not in response.content.decode()


@pytest.mark.urls("tests.ops.urls")
def test_a_failing_view_shows_our_500_with_the_request_id(client, debug):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert response["X-Request-ID"] in html
    assert "Traceback" not in html and "RuntimeError" not in html
    assert f'href="{reverse("login")}"' in html


@pytest.mark.urls("tests.ops.urls")
def test_tracebacks_come_back_only_when_asked_for(client, settings):
    settings.DEBUG = True
    settings.IMR_DEBUG_TRACEBACKS = True
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "a fault in a view" in response.content.decode()


@pytest.mark.urls("tests.ops.urls")
def test_api_paths_get_json_errors(client, debug):
    client.raise_request_exception = False
    for address in ("/api", "/api/", "/api/v1/", "/api/v1/no-such-thing/"):
        missing = client.get(address)
        assert missing.status_code == 404
        assert missing.json() == {
            "errors": [
                {
                    "path": None,
                    "message": "No such address in the API. The schema (/api/v1/schema/) "
                    "lists its addresses, such as /api/v1/cases/.",
                }
            ]
        }
    failed = client.get("/api/v1/boom/")
    assert failed.status_code == 500
    assert failed.json()["errors"][0]["path"] is None
    assert failed.json()["request_id"] == failed["X-Request-ID"]


def test_django_admin_refuses_a_signed_in_user_who_is_not_staff_with_our_403(
    client, reviewer, debug
):
    """From a QA pass: a reviewer opening /admin/ got Django's admin sign-in form."""
    client.force_login(reviewer)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and "Expert reviewer" in html
    client.logout()
    assert client.get("/admin/login/").status_code == 200  # signed out: Django's sign-in


@pytest.mark.parametrize(
    "route", ["determination:determination_submit", "determination:draft_save"]
)
def test_a_405_under_a_reviewers_workspace_leads_back_to_it(client, route, debug):
    """From QA: a refused signature (or save) leaves the browser on its form's address; opened
    again (a tab restored, a copied link), it offered only the start page. The way back is the
    workspace the address lies under, for the reviewer whose case it is."""
    case, reviewer, _ = case_in_review()
    client.force_login(reviewer)
    response = client.get(reverse(route, args=[case.case_number]))
    assert response.status_code == 405
    workspace = reverse("determination:workspace", args=[case.case_number])
    assert f'class="button button--primary" href="{workspace}">Back to the case</a>' in (
        response.content.decode()
    )
    # Nor another role to the workspace, which would answer 403 (from a review): the case page.
    client.force_login(UserFactory(role="case_admin"))
    admin = client.get(reverse(route, args=[case.case_number])).content.decode()
    assert workspace not in admin
    assert f'href="{reverse("casefile:case_detail", args=[case.case_number])}"' not in admin
    # Another reviewer is not led to a case that is not theirs.
    client.force_login(reviewer_with_profile("REV-OTHER"))
    other = client.get(reverse(route, args=[case.case_number])).content.decode()
    assert workspace not in other and "Back to the case" not in other
