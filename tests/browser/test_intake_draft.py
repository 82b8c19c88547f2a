"""The intake form in a real browser keeps its work through an ended session: typed text is
saved while typing, the page says when the session has ended, and after signing in again in
a new page the draft is back with everything typed, including what was typed after the end."""

import re

import pytest
from playwright.sync_api import expect

from cases.intake.models import IntakeDraft
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_typing_survives_an_ended_session_and_comes_back_in_a_new_page(
    page, live_server, reference_data, artifacts, tmp_path
):
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/new/")
    context = page.context

    page.get_by_label("First name").fill("Ana")
    last_name = page.get_by_label("Last name")
    last_name.press_sequentially("Ruiz", delay=5)
    status = page.locator("#draft-status")
    expect(status).to_contain_text("Saved", timeout=10_000)
    assert IntakeDraft.objects.get().values["worker-last_name"] == "Ruiz"

    # A chosen record file goes up at once and is listed with the draft.
    pdf = tmp_path / "ur-decision.pdf"
    pdf.write_bytes(minimal_pdf())  # a real PDF: a record is checked by parsing
    page.locator("#id_records-0-file").set_input_files(str(pdf))
    expect(page.locator("#file-slot-records-0")).to_contain_text("ur-decision.pdf")

    # The session ends while typing: the page says so and keeps the text.
    context.clear_cookies(name="sessionid")
    diagnoses = page.get_by_role("textbox", name="Diagnoses")
    diagnoses.press_sequentially("right shoulder contusion", delay=5)
    expect(status).to_contain_text("session has ended", timeout=10_000)
    expect(page.locator("#session-ended")).to_be_visible()
    expect(diagnoses).to_have_value("right shoulder contusion")
    page.screenshot(path=str(artifacts / "intake-draft-session-ended.png"), full_page=True)
    assert not IntakeDraft.objects.get().values.get("diagnoses-diagnoses")

    # Signing in again in a new page brings the draft back, with what was typed after.
    again = context.new_page()
    sign_in(again, live_server.url, admin)
    again.goto(f"{live_server.url}/cases/new/")
    expect(again.get_by_label("Last name")).to_have_value("Ruiz")
    expect(again.get_by_role("textbox", name="Diagnoses")).to_have_value("right shoulder contusion")
    expect(again.locator("#file-slot-records-0")).to_contain_text("ur-decision.pdf")
    expect(again.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)
    draft = IntakeDraft.objects.get()
    assert draft.values["diagnoses-diagnoses"] == "right shoulder contusion"
    again.screenshot(path=str(artifacts / "intake-draft-back.png"), full_page=True)

    # The first tab, out of date since the new sign-in, still saves (it uses the new token).
    page.bring_to_front()
    page.get_by_label("Claim number").press_sequentially("05-123456", delay=5)
    expect(status).to_contain_text(re.compile("Saved"), timeout=10_000)
    assert IntakeDraft.objects.get().values["application-claim_number"] == "05-123456"
