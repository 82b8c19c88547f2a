"""Every page carries the Content Security Policy and holds no inline script or style; every
answer to a signed-in request and every API answer says Cache-Control: no-store; no page can be
framed by another site (README "Production settings")."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from reviews.determination.models import Determination
from reviews.determination.services import determination_submit
from reviews.letters.services import letter_request
from tests.cases.helpers import add_record
from tests.factories import (
    PASSWORD,
    UserFactory,
    api_token_for,
    approved_determination,
    case_in_review,
    determination_fill,
)

pytestmark = pytest.mark.django_db

# An inline script (a <script> without src), an inline event handler, htmx's hx-on (code in an
# attribute), an inline style element or attribute, a javascript: URL.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "on* handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on[:-]", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style= attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A case in quality review (with a record), a case whose letter is out, and one user of
    each role."""
    case, reviewer, determination = case_in_review()
    admin = UserFactory(role=Role.CASE_ADMIN)
    add_record(case, admin)
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    issued = approved_determination()
    with django_capture_on_commit_callbacks(execute=True):
        letter_request(determination=issued, actor=None)
    return {
        "case": case,
        "issued": issued.case,
        "reviewer": reviewer,
        "determination": Determination.objects.get(pk=determination.pk),
        Role.CASE_ADMIN: admin,
        Role.QUALITY_REVIEWER: UserFactory(role=Role.QUALITY_REVIEWER),
        Role.SYSTEM_ADMIN: UserFactory(role=Role.SYSTEM_ADMIN),
        Role.API_CLIENT: UserFactory(role=Role.API_CLIENT),
    }


def pages(world):
    """(who, url) of the main pages of each kind."""
    case, issued = world["case"].case_number, world["issued"].case_number
    return [
        (Role.CASE_ADMIN, reverse("casefile:home")),
        (Role.CASE_ADMIN, reverse("casefile:case_list")),
        (Role.CASE_ADMIN, reverse("casefile:case_detail", args=[case])),
        (Role.CASE_ADMIN, reverse("casefile:case_detail", args=[issued])),  # its letters panel
        (Role.CASE_ADMIN, reverse("letters:case_letters", args=[issued])),
        (Role.CASE_ADMIN, reverse("intake:case_new")),
        (Role.CASE_ADMIN, reverse("letters:print_queue")),
        (Role.CASE_ADMIN, reverse("clock:calculator")),
        (Role.QUALITY_REVIEWER, reverse("quality:quality_queue")),
        (Role.QUALITY_REVIEWER, reverse("quality:quality_review", args=[case])),
        (Role.SYSTEM_ADMIN, reverse("letters:organization_settings")),
        (Role.SYSTEM_ADMIN, reverse("clock:holidays")),
        (Role.SYSTEM_ADMIN, reverse("integrity:integrity")),
        (Role.API_CLIENT, reverse("casefile:home")),
        ("reviewer", reverse("determination:reviewer_dashboard")),
        *(
            ("reviewer", reverse("determination:workspace_step", args=[case, step]))
            for step in range(1, 7)
        ),
        (None, reverse("login")),
        (None, reverse("letters:letter_verify")),
    ]


def test_every_page_has_the_policy_and_no_inline_script_or_style(world):
    checked = 0
    for who, url in pages(world):
        client = Client()
        if who is not None:
            client.force_login(world[who])
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert response["X-Frame-Options"] == "DENY", url
        html = response.content.decode()
        for what, pattern in INLINE.items():
            found = pattern.search(html)
            assert found is None, f"{url}: {what}: {found and found.group(0)}"
        # htmx is told to inject no style and evaluate no code.
        if "htmx.min.js" in html:
            assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html
        checked += 1
    assert checked == len(pages(world))


def test_the_letter_preview_keeps_its_stricter_policy_and_opens_in_our_own_frame(world):
    client = Client()
    client.force_login(world["reviewer"])
    url = reverse("letters:workspace_preview", args=[world["case"].case_number])
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # falls back to default-src 'none': no script at all
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_a_record_opens_in_the_case_pages_viewer_frame_and_nowhere_else(world):
    client = Client()
    client.force_login(world[Role.CASE_ADMIN])
    record = world["case"].records.exclude(sha256="").get()
    url = reverse("records:case_record", args=[world["case"].case_number, record.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_every_signed_in_answer_and_every_api_answer_is_no_store(world):
    for who, url in pages(world):
        client = Client()
        if who is None or who == Role.API_CLIENT:
            continue  # an API client has no web session (it is ended: a redirect to sign in)
        client.force_login(world[who])
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert response["Pragma"] == "no-cache", url
    # An htmx fragment and a refusal are medical-information answers too.
    admin = Client()
    admin.force_login(world[Role.CASE_ADMIN])
    missing = admin.get(reverse("casefile:case_detail", args=["CM00-0000000"]))
    assert missing.status_code == 404 and "no-store" in missing["Cache-Control"]
    # The API: with a token, and even refused without one.
    api = Client()
    key = api_token_for(world[Role.API_CLIENT])
    listed = api.get(reverse("api:cases"), HTTP_AUTHORIZATION=f"Token {key}")
    assert listed.status_code == 200 and "no-store" in listed["Cache-Control"]
    refused = Client().get(reverse("api:cases"))
    assert refused.status_code in (401, 403) and "no-store" in refused["Cache-Control"]


def test_a_signed_out_visitors_sign_in_page_is_not_marked(world):
    response = Client().get(reverse("login"))
    assert "Pragma" not in response


def test_every_page_has_an_icon_the_policy_allows_and_favicon_ico_finds_it():
    # From a QA pass: /favicon.ico answered 404 on every page.
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("favicon.svg")
    page = Client().get(reverse("login"))
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in page.content.decode()
    # The icon is our own file: the policy's img-src 'self' allows it.
    assert "img-src 'self'" in page["Content-Security-Policy"]
    with open(finders.find("favicon.svg"), encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == icon
