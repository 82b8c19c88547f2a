"""Pages of several forms that each save alone: the facts page and the case page's next step.
From QA: saving the dates threw away the worker's name typed beside them, and a note typed in
the Ineligible box was lost on leaving the page, each without a word."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import Case, CaseStatus
from tests.browser.test_reviewer_flow import sign_in
from tests.cases.helpers import overrides_for
from tests.factories import (
    UserFactory,
    case_in_review,
    case_taken_in,
    ready_case,
    reviewer_with_profile,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Dialogs:
    """Each dialog the page opens, as (type, message): a confirm answered as `agree` says, the
    question on leaving answered "stay"."""

    def __init__(self, page):
        self.seen: list[tuple[str, str]] = []
        self.agree = False
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        if self.agree and dialog.type != "beforeunload":
            dialog.accept()
        else:
            dialog.dismiss()

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.seen]


def test_saving_one_fact_with_another_typed_asks_first_and_saves_once_agreed(
    page, live_server, reference_data, artifacts
):
    case = ready_case(claim_number="05-111111", worker_first_name="Maria")
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/{case.case_number}/facts/")
    page.get_by_label("Claim number").fill("05-222222")
    first_name = page.get_by_label("First name")
    first_name.fill("Mariana")

    dialogs = Dialogs(page)
    page.get_by_role("button", name="Save the dates").click()
    expect(first_name).to_be_focused()
    assert dialogs.kinds == ["confirm"]
    assert "Your changes to the worker are not saved" in dialogs.seen[0][1]
    expect(first_name).to_have_value("Mariana")
    case.refresh_from_db()
    assert case.claim_number == "05-111111"

    # Leaving with them typed asks too; staying keeps them.
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(500)
    assert dialogs.kinds == ["confirm", "beforeunload"]
    expect(first_name).to_have_value("Mariana")
    page.screenshot(path=str(artifacts / "facts-unsaved-asked.png"))

    # Agreed: the dates are saved and the page left for the case page, asked nothing more.
    dialogs.agree = True
    page.get_by_role("button", name="Save the dates").click()
    expect(page.get_by_text("Corrected Claim number")).to_be_visible()
    assert dialogs.kinds == ["confirm", "beforeunload", "confirm"]
    case.refresh_from_db()
    assert (case.claim_number, case.worker_first_name) == ("05-222222", "Maria")


def test_after_a_refusal_in_place_what_is_typed_next_is_still_asked_about(
    page, live_server, reference_data
):
    """From QA: a refusal drawn in place left the page thinking it was being left, so what was
    typed afterwards (in any form) was lost without a question."""
    case = ready_case(worker_last_name="Kowalski")
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/{case.case_number}/facts/")
    page.get_by_label("Date of injury").fill("2099-12-30")
    page.get_by_role("button", name="Save the dates").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    last_name = page.get_by_label("Last name")
    last_name.fill("Kowalska-Nowak")

    dialogs = Dialogs(page)
    page.evaluate("() => { window.location.href = '/cases/'; }")
    page.wait_for_timeout(500)
    assert dialogs.kinds == ["beforeunload"]
    expect(last_name).to_have_value("Kowalska-Nowak")
    case.refresh_from_db()
    assert case.worker_last_name == "Kowalski"


def test_a_note_typed_in_a_finding_is_not_lost_by_leaving_or_by_the_other_finding(
    page, live_server, reference_data, artifacts
):
    admin = UserFactory(role=Role.CASE_ADMIN)
    case = case_taken_in(admin)
    assert case.status == CaseStatus.RECEIVED
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    ineligible = page.locator("form.finding--ineligible")
    note = ineligible.get_by_role("textbox", name="Note")
    note.fill("The UR decision attached is for another worker.")

    dialogs = Dialogs(page)
    page.evaluate("() => { window.location.href = '/cases/'; }")
    page.wait_for_timeout(500)
    assert dialogs.kinds == ["beforeunload"]
    expect(note).to_have_value("The UR decision attached is for another worker.")

    page.get_by_role("button", name="Record eligible and send the notice").click()
    assert dialogs.kinds == ["beforeunload", "confirm"]
    assert "Your changes to the ineligible finding are not saved" in dialogs.seen[1][1]
    expect(note).to_be_focused()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED
    page.screenshot(path=str(artifacts / "case-finding-unsaved-asked.png"))


def test_a_button_that_acts_at_once_asks_too_when_a_form_has_typed_work(
    page, live_server, reference_data
):
    """From a review: "Mark records complete" (a form of its own, not watched) redraws the next
    step and the record upload, so a title typed for a new record was lost without a word."""
    admin = UserFactory(role=Role.CASE_ADMIN)
    case = case_taken_in(admin)
    case_eligibility_record(case=case, actor=admin, eligible=True, overrides=overrides_for(case))
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    title = page.locator("#record-add").get_by_label("Title")
    title.fill("PR-2 progress report of 11/02")

    dialogs = Dialogs(page)
    page.get_by_role("button", name="Mark records complete").click()
    assert dialogs.kinds == ["confirm"]
    assert dialogs.seen[0][1].startswith(
        "Your changes to the new record are not saved, and “Mark records complete” does not "
        "save them"
    )
    assert dialogs.seen[0][1].endswith("Go on with “Mark records complete”?")
    expect(title).to_be_focused()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AWAITING_RECORDS


def test_a_finding_refused_with_nothing_typed_asks_nothing_on_leaving(
    page, live_server, reference_data
):
    """From QA: a finding refused for a missing record, with nothing typed in it, made the
    page ask "Your changes to the eligible finding are not saved" before the upload its refusal
    asked for, and again on leaving."""
    admin = UserFactory(role=Role.CASE_ADMIN)
    case = case_taken_in(admin)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    page.get_by_role("button", name="Record eligible and send the notice").click()
    expect(page.get_by_role("alert").first).to_contain_text("Not recorded")
    # The panels the refusal redraws have settled (as they have by the time anyone acts).
    page.wait_for_load_state("networkidle")

    dialogs = Dialogs(page)
    page.evaluate("() => { window.location.href = '/cases/'; }")
    expect(page).to_have_url(f"{live_server.url}/cases/", timeout=10_000)
    assert dialogs.kinds == []


def test_a_reason_typed_to_take_a_case_back_is_asked_about_before_a_search(
    page, live_server, reference_data
):
    """From QA: on the Assign page, a search for a reviewer (to see their score first) brought
    the page back without the reason typed to take the case back."""
    case, _reviewer, _ = case_in_review(reviewer_with_profile("REV-KEEP"))
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/{case.case_number}/assign/")
    reason = page.locator("#unassign-reason")
    reason.fill("The reviewer is on leave until January.")

    dialogs = Dialogs(page)
    page.get_by_label("Find a reviewer by name, reviewer id or specialty").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    page.wait_for_timeout(300)
    assert dialogs.kinds == ["confirm"]
    assert "reason for taking the case back" in dialogs.seen[0][1]
    expect(reason).to_have_value("The reviewer is on leave until January.")
    assert "q=" not in page.url

    dialogs.agree = True
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile("q=Okafor"))
