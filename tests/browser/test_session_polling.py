"""A page that polls while it waits for a worker (htmx `every`) marks those requests, so that a
screen left open is still signed out after the inactivity limit (accounts.session_timeout);
what the user does on that page is not marked, and keeps the session."""

import re

import pytest
from playwright.sync_api import expect

from cases.records.models import MedicalRecord
from cases.records.services import record_add
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, pdf_upload, ready_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_page_waiting_for_a_worker_marks_its_polls_and_not_the_users_requests(
    page, live_server, reference_data
):
    admin = UserFactory(role="case_admin")
    case = ready_case()
    record = record_add(case=case, actor=admin, uploaded=pdf_upload(), title="PR-2")
    # Its pages not counted yet (the records worker is stopped): the records panel polls.
    MedicalRecord.objects.filter(pk=record.pk).update(pages=None)
    sign_in(page, live_server.url, admin)

    with page.expect_request(re.compile(r"panel=records")) as polled:
        page.goto(f"{live_server.url}/cases/{case.case_number}/")
    assert polled.value.headers.get("imr-poll") == "1"

    with page.expect_request(re.compile(r"panel=readers")) as opened:
        page.locator("#readers-summary").click()
    assert "imr-poll" not in opened.value.headers
    expect(page.locator("#readers-panel")).to_have_attribute("open", "")
