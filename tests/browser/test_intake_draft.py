"""The intake form in a real browser keeps its work through an ended session: typed text is
saved while typing, the page says when the session has ended, and after signing in again in
a new page the draft is back with everything typed, including what was typed after the end."""

import re

import pytest
from playwright.sync_api import expect

from cases.intake.models import IntakeDraft
from cases.lifecycle.models import Case
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


def fill_application(page, application_id: str) -> None:
    """The intake form filled with a valid application, `application_id` its ID."""
    for selector, value in {
        "#id_application-application_id": application_id,
        "#id_application-claim_number": "05-123456",
        "#id_application-application_received": "2025-11-03",
        "#id_application-ur_decision_date": "2025-10-27",
        "#id_application-date_of_injury": "2025-07-22",
        "#id_worker-first_name": "Ana",
        "#id_worker-last_name": "Ruiz",
        "#id_employer-name": "Acme Foods Inc.",
        "#id_claims_administrator-name": "Pacific Claims Services",
        "#id_requesting_provider-name": "Dr. Lee Park",
        "#id_ur_organization-name": "Coastal UR",
        "#id_items-0-description": "MRI of the right shoulder without contrast",
        "#id_items-0-ur_citation_text": "MTUS Shoulder Complaints 2004",
    }.items():
        page.fill(selector, value)
    page.select_option("#id_items-0-category", "diagnostic_imaging")


def test_a_double_click_on_create_case_sends_the_application_once(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: a second press while the first post was on its way sent the form twice;
    the page that came back said the application was already on file, nothing was saved."""
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/new/")
    fill_application(page, "A-DOUBLE-1")
    expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)

    # The post takes a moment to reach the server, long enough for a second press.
    posts = []

    def slow_post(route, request):
        if request.method == "POST" and request.url.endswith("/cases/new/"):
            posts.append(request.url)
            page.wait_for_timeout(400)
        route.continue_()

    page.route(re.compile(r".*/cases/new/$"), slow_post)
    create = page.locator("button.button--primary", has_text="Create case")
    create.evaluate("button => { button.click(); setTimeout(() => button.click(), 50); }")

    expect(page).to_have_url(re.compile(r"/cases/CM\d{2}-\d{7}/$"), timeout=10_000)
    expect(page.get_by_text("already on file")).to_have_count(0)
    assert len(posts) == 1
    assert Case.objects.filter(application_id="A-DOUBLE-1").count() == 1
    assert not IntakeDraft.objects.exists()
    page.screenshot(path=str(artifacts / "intake-double-click.png"))


def test_a_date_that_is_no_day_of_the_calendar_is_named_and_nothing_is_sent(
    page, live_server, reference_data
):
    """From QA: 02/31/2026 typed as the date of injury was sent as no date at all (the browser's
    date field sends nothing for it), and the answer said the date "is required"."""
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/new/")
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and request.url.endswith("/cases/new/")
            else None
        ),
    )
    field = page.locator("#id_application-date_of_injury")
    field.click()
    page.keyboard.type("02312026")
    assert field.evaluate("input => input.validity.badInput")

    page.get_by_role("button", name="Create case").click()

    expect(field).to_be_focused()
    assert field.evaluate("input => input.validationMessage") == (
        "This date is not whole, or is no day of the calendar (such as 02/31): check the month, "
        "the day and the year."
    )
    assert posts == [] and not Case.objects.exists()
    # A button that skips the checks on purpose still sends the form as it is (from a review).
    drafts = []
    page.on(
        "request",
        lambda request: (
            drafts.append(request.url)
            if request.method == "POST" and "/draft" in request.url
            else None
        ),
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert drafts and not Case.objects.exists()
    # Mended, the date's words are cleared: the form may be sent.
    field = page.locator("#id_application-date_of_injury")
    field.fill("2026-02-28")
    assert field.evaluate("input => input.validationMessage") == ""


def test_back_after_a_case_made_before_any_autosave_restores_no_stray_draft(
    page, live_server, reference_data, artifacts
):
    """From QA: Create case pressed before the first autosave left the browser's copy of the
    form; Back brought it back ("Restored what you typed…") and saved it as a new draft of the
    application just made, which the next New application opened."""
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    # No autosave reaches the server: the case is made from the form alone.
    page.route(re.compile(r".*/cases/new/draft/$"), lambda route: route.abort())
    page.goto(f"{live_server.url}/cases/new/")
    fill_application(page, "A-QUICK-1")
    page.get_by_role("button", name="Create case").click()
    expect(page).to_have_url(re.compile(r"/cases/CM\d{2}-\d{7}/$"), timeout=10_000)
    page.wait_for_load_state("load")  # the case page's scripts have run
    expect(page.get_by_text("created for Ana Ruiz")).to_be_visible()
    assert (
        page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('imr-intake:'))")
        == []
    )
    assert not IntakeDraft.objects.exists()
    page.unroute(re.compile(r".*/cases/new/draft/$"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/cases/new/"))
    page.wait_for_timeout(1500)  # longer than the autosave's delay
    expect(page.get_by_text("Restored what you typed")).to_have_count(0)
    assert not IntakeDraft.objects.exists()
    assert Case.objects.filter(application_id="A-QUICK-1").count() == 1


def test_create_case_pressed_after_the_session_ended_stays_and_keeps_what_was_typed(
    page, live_server, reference_data, artifacts
):
    """From QA: "Create case" pressed after the session ended went to the sign-in form, and
    what was typed since the last autosave was lost. The form's hx-post is its autosave, so
    the session check every plain form has (static/js/session.js) had passed it by."""
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/new/")
    fill_application(page, "A-ENDED-1")
    expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)

    page.context.clear_cookies(name="sessionid")
    page.locator("button.button--primary", has_text="Create case").click()

    expect(page.locator("#session-ended")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cases/new/"))
    expect(page.locator("#id_items-0-description")).to_have_value(
        "MRI of the right shoulder without contrast"
    )
    page.screenshot(path=str(artifacts / "intake-create-after-session-ended.png"))
    assert not Case.objects.filter(application_id="A-ENDED-1").exists()


def test_a_record_file_chosen_keeps_the_focus_in_its_row(
    page, live_server, reference_data, tmp_path
):
    """From QA: after "+ Add another item", choosing a record's PDF sent the focus back to
    the added item (its [autofocus] was taken again when the draft saved), and the record title
    typed next changed that item's category. The focus stays in the record's row: on the file
    kept, and after Remove on the file box drawn again."""
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_role("button", name="+ Add another item").click()
    treatment = page.locator("#id_items-1-description")
    expect(treatment).to_be_focused()
    treatment.fill("Acupuncture, 6 sessions")
    expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)

    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(minimal_pdf())
    page.locator("#id_records-0-file").focus()  # as a click or Space on it leaves it
    page.locator("#id_records-0-file").set_input_files(str(pdf))
    kept = page.locator("#file-slot-records-0 .record-file__kept")
    expect(kept).to_contain_text("record.pdf")
    expect(kept).to_be_focused()
    first = page.locator("#id_items-0-description")
    first.fill("MRI right shoulder")  # elsewhere, then a draft save
    expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)
    expect(first).to_be_focused()

    page.locator("#file-slot-records-0").get_by_role("button", name="Remove record.pdf").click()
    expect(page.locator("#id_records-0-file")).to_be_focused()
    expect(page.locator("#id_items-1-category")).not_to_be_focused()


def test_a_text_pasted_longer_than_its_box_is_not_cut_to_fit_without_a_word(
    page, live_server, reference_data
):
    """From QA: a 200-character claim number pasted became its first 64 (the box's maxlength)
    without a word, and could have been filed so. The paste is not made, and the box says
    why."""
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/new/")
    claim = page.get_by_label("Claim number")
    claim.focus()
    paste(page, "PCS-" + "1" * 196)
    said = page.locator("#id_application-claim_number_not-pasted")
    expect(said).to_have_text(
        "Not pasted: the text is 200 characters long, and this box holds 64. Shorten it, then "
        "paste it again."
    )
    expect(claim).to_have_value("")
    claim.press_sequentially("PCS-2411")
    expect(said).to_have_count(0)
    expect(claim).to_have_value("PCS-2411")
    # An e-mail box, which tells no selection (from a review: it was cut silently).
    email = page.locator("input[type=email]").first
    email.focus()
    paste(page, "a" * 250 + "@example.org")
    expect(page.locator(f"#{email.get_attribute('id')}_not-pasted")).to_contain_text(
        "the text is 262 characters long, and this box holds 254"
    )
    # A spreadsheet cell's line break is not counted: it fits.
    claim.fill("")
    paste(page, "PCS-" + "1" * 60 + "\r\n")
    expect(said).to_have_count(0)


def paste(page, text: str) -> None:
    """A paste of `text` into the focused box, as the clipboard sends it."""
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text", text);
            document.activeElement.dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }""",
        text,
    )
