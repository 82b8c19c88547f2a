"""From a read of the panels that poll, in a real browser: the case page's records panel redraws
itself every 3 seconds while a record's pages are being counted (for as long as the task queue is
down), and each redraw closed the "Withdraw" box another record had open and dropped the reason
being typed in it."""

import pytest
from playwright.sync_api import expect

from cases.records.models import MedicalRecord
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_withdrawal_being_typed_survives_the_panels_redraws(
    page, live_server, reference_data, artifacts
):
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)
    for title, pages in (("PR-2 of 03/04/2026", 4), ("Scanned fax", None)):  # None: counting
        MedicalRecord.objects.create(
            case=case, title=title, pages=pages, file=f"records/{case.pk}/{pages}.pdf"
        )
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")

    records = page.locator("#records")
    records.locator("summary", has_text="Withdraw PR-2").click()
    reason = records.get_by_label("Why (e.g. another patient's record)").first
    reason.fill("Another patient's")
    for _redraw in range(2):
        with page.expect_response(lambda response: "panel=records" in response.url):
            pass
    expect(reason).to_be_visible()
    expect(reason).to_have_value("Another patient's")
    expect(reason).to_be_focused()
    page.screenshot(path=str(artifacts / "records-withdraw-typing.png"))

    reason.press_sequentially(" report")
    records.get_by_role("button", name="Withdraw the record PR-2").click()
    expect(records).to_contain_text("Withdrawn")
    expect(records).to_contain_text("Another patient's report")
    assert MedicalRecord.objects.get(title__startswith="PR-2").withdrawn
