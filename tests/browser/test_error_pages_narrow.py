"""From QA, the error pages on a phone (390 px): the 404's two ways forward stood touching,
one on the other, and the 500's request id broke in the middle of the token."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_404s_buttons_stand_apart(page, live_server, artifacts):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/no-such-page/")
    main = page.locator("#main")
    sign_in = main.get_by_role("link", name="Sign in").bounding_box()
    verify = main.get_by_role("link", name="Verify a letter or notice").bounding_box()
    # One under the other on a phone, with a gap between them.
    assert verify["y"] >= sign_in["y"] + sign_in["height"] + 8
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "error-404-390.png"), full_page=True)


@pytest.mark.urls("tests.ops.urls")
def test_on_a_phone_the_500s_request_id_stays_whole(page, live_server, artifacts):
    page.set_viewport_size(PHONE)
    request_id = "0f8e6a1c2b3d4e5f60718293a4b5c6d7"
    page.set_extra_http_headers({"X-Request-ID": request_id})
    response = page.goto(f"{live_server.url}/boom/")
    assert response.status == 500
    reference = page.locator("code.request-id")
    expect(reference).to_have_text(request_id)
    # One line box: the token is not broken across lines.
    assert reference.evaluate("element => element.getClientRects().length") == 1
    box = reference.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "error-500-390.png"), full_page=True)
