"""The case list and the case page with its actions."""

import csv
import datetime as dt
import html as html_module
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType, SentBy, ServedBy
from cases.records.models import MedicalRecord
from cases.records.services import record_withdraw
from cases.records.storage import private_storage, stored_names
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from tests.cases.helpers import HTMX, add_record, overrides_for
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    PartyFactory,
    UserFactory,
    case_in_review,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

# ... the user's saved views, and the audit log's row for the search (audit.routes).
LIST_QUERIES = 5


def awaiting_records(case, actor, *, notice_on):
    add_record(case, actor)
    return case_eligibility_record(
        case=case, actor=actor, eligible=True, overrides=overrides_for(case), notice_on=notice_on
    )


# --- The case list ----------------------------------------------------------------------------


def test_list_shows_the_clock_and_marks_overdue_and_expedited(admin_client, case_admin):
    today = timezone.localdate()
    late = CaseFactory(priority="expedited", worker_first_name="Lina", worker_last_name="Okafor")
    DisputedItemFactory(case=late)
    awaiting_records(late, case_admin, notice_on=today - dt.timedelta(days=5))
    CaseFactory(worker_last_name="Quiet")

    page = admin_client.get(reverse("casefile:case_list")).content.decode()

    assert "Okafor, Lina" in page
    assert "Expedited" in page
    assert "Overdue" in page  # expedited records were due 24 hours after the notice
    assert "No clock running" in page  # the case still waiting for eligibility


def test_list_filters_and_search_return_the_right_rows(admin_client, case_admin):
    expedited = CaseFactory(priority="expedited", claim_number="05-777001")
    standard = CaseFactory(worker_first_name="Maria", worker_last_name="Gonzalez")
    closed = CaseFactory(status=CaseStatus.TERMINATED)
    url = reverse("casefile:case_list")

    def shown(**params):
        page = admin_client.get(url, params).content.decode()
        return {
            case.case_number for case in (expedited, standard, closed) if case.case_number in page
        }

    open_cases = {expedited.case_number, standard.case_number}
    assert shown() == open_cases  # closed cases only when asked for
    assert shown(status="all") == {*open_cases, closed.case_number}
    assert shown(status="closed") == {closed.case_number}
    assert shown(priority="expedited") == {expedited.case_number}
    assert shown(status="open") == open_cases
    assert shown(status="terminated") == {closed.case_number}
    assert shown(q="777001") == {expedited.case_number}
    assert shown(q="maria gonzalez") == {standard.case_number}
    assert shown(q=standard.case_number) == {standard.case_number}
    assert shown(q=closed.case_number.lower(), status="all") == {closed.case_number}
    assert shown(due="none", status="open") == open_cases
    assert shown(due="overdue") == set()
    assert shown(status="not-a-status") == shown()  # a bad value is ignored, not an error
    # A search longer than any column (a URL edited by hand) finds nothing, not every case.
    assert shown(q="Gonzalez" * 13) == set()


def test_list_says_which_filters_in_the_address_it_does_not_know(admin_client):
    # Given an old bookmark whose priority, due date, status and sort the list no longer knows
    case = CaseFactory()
    page = admin_client.get(
        reverse("casefile:case_list"),
        {"priority": "urgent", "due": "soon", "status": "waiting", "sort": "colour"},
    ).content.decode()
    # Then the list says none of them was applied, and shows the open cases
    assert (
        "Not applied: Status “waiting”, not one of its choices; Priority “urgent”, not one of "
        "its choices; Due “soon”, not one of its choices; Sort “colour”, not one of its "
        "columns. The list below is shown without them"
    ) in page
    assert case.case_number in page
    # and a list asked for with known filters says nothing of the kind
    page = admin_client.get(reverse("casefile:case_list"), {"priority": "expedited"})
    assert "Not applied" not in page.content.decode()


def test_list_shows_open_cases_by_default_and_says_so_in_the_filter(admin_client):
    CaseFactory(status=CaseStatus.ISSUED)
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert '<option value="open" selected>Open cases</option>' in page
    assert "No open cases" in page  # the issued case is hidden
    page = admin_client.get(reverse("casefile:case_list"), {"status": "all"}).content.decode()
    assert '<option value="all" selected>All cases</option>' in page


@pytest.mark.parametrize("query", ["Delgado, Maria", "Maria Delgado", "delgado maria", "DELGADO"])
def test_list_finds_a_worker_by_name_in_any_order(admin_client, query):
    maria = CaseFactory(worker_first_name="Maria", worker_last_name="Delgado")
    other = CaseFactory(worker_first_name="Maria", worker_last_name="Ruiz")
    page = admin_client.get(reverse("casefile:case_list"), {"q": query}).content.decode()
    assert maria.case_number in page
    assert other.case_number not in page


def test_list_sorts_by_a_column_and_marks_it(admin_client):
    old = CaseFactory(application_received=dt.date(2026, 1, 5))
    new = CaseFactory(application_received=dt.date(2026, 3, 5))
    url = reverse("casefile:case_list")

    page = admin_client.get(url, {"sort": "received"}).content.decode()
    assert page.index(old.case_number) < page.index(new.case_number)
    assert 'aria-sort="ascending"' in page
    assert "sort=-received" in page  # the header's link turns the order around

    page = admin_client.get(url, {"sort": "-received"}).content.decode()
    assert page.index(new.case_number) < page.index(old.case_number)
    assert 'aria-sort="descending"' in page

    # A column not on the whitelist is ignored: what is due first, nothing marked.
    page = admin_client.get(url, {"sort": "worker_ssn"}).content.decode()
    assert "aria-sort" not in page and old.case_number in page


def test_list_shows_the_outcome_of_an_issued_case(admin_client, reviewer):
    case = CaseFactory(status=CaseStatus.ISSUED)
    upheld, overturned = DisputedItemFactory(case=case), DisputedItemFactory(case=case)
    determination = Determination.objects.create(
        case=case, reviewer=reviewer, status=DeterminationStatus.ISSUED
    )
    ItemDecision.objects.create(determination=determination, item=upheld, outcome="upheld")
    ItemDecision.objects.create(determination=determination, item=overturned, outcome="overturned")

    page = admin_client.get(reverse("casefile:case_list"), {"status": "closed"}).content.decode()
    assert "Partially Overturned" in page


def test_list_exports_the_current_view_as_csv(admin_client):
    CaseFactory(worker_first_name="Maria", worker_last_name="Delgado", claim_number="=HYPERLINK(1)")
    CaseFactory(worker_first_name="Ana", worker_last_name="Ruiz")
    CaseFactory(worker_first_name="Maria", worker_last_name="Closed", status=CaseStatus.TERMINATED)

    response = admin_client.get(reverse("casefile:case_list_csv"), {"q": "maria"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Case number,Worker last name,Worker first name")
    assert len(lines) == 2  # Maria Delgado only: open cases, the search applied
    assert "Delgado" in lines[1]
    assert "'=HYPERLINK(1)" in lines[1]  # a formula is written as text


def test_list_csv_says_what_is_due_and_how_many_days_are_left_as_the_list_does(admin_client):
    """From QA: the export kept only the due date; the list says what is due and how late."""
    today = timezone.localdate()
    CaseFactory(
        worker_last_name="Late",
        status=CaseStatus.AWAITING_RECORDS,
        due_on=today - dt.timedelta(days=5),
    )
    CaseFactory(worker_last_name="Done", status=CaseStatus.TERMINATED, due_on=today)

    response = admin_client.get(reverse("casefile:case_list_csv"), {"status": "all"})

    rows = {
        row["Worker last name"]: row
        for row in csv.DictReader(b"".join(response.streaming_content).decode().splitlines())
    }
    late = rows["Late"]
    assert late["Due"] == (today - dt.timedelta(days=5)).isoformat()
    assert (late["Due for"], late["Days left"]) == ("records", "-5")
    # A closed case runs no clock: nothing due, as its row on the screen shows.
    assert (rows["Done"]["Due"], rows["Done"]["Due for"], rows["Done"]["Days left"]) == ("", "", "")


def test_list_csv_says_its_encoding_so_an_accented_name_reads_as_written(admin_client):
    """From QA: sent as bare text/csv, "José Núñez" opened as "JosÃ© NÃºÃ±ez"."""
    CaseFactory(worker_first_name="José", worker_last_name="Núñez")

    response = admin_client.get(reverse("casefile:case_list_csv"))

    assert response.charset == "utf-8"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode(response.charset)
    assert "Núñez,José" in body


def test_list_links_its_csv_export_with_the_filters(admin_client):
    CaseFactory(worker_last_name="Delgado")
    params = {"q": "delgado", "page": 1, "sort": "due"}
    page = admin_client.get(reverse("casefile:case_list"), params).content.decode()
    assert reverse("casefile:case_list_csv") + "?q=delgado&amp;sort=due" in page


def test_an_export_with_a_filter_the_list_does_not_know_is_refused_not_every_case(admin_client):
    """From QA: /cases/export.csv?priority=urgent downloaded every open case, while the list
    said the priority was not applied."""
    CaseFactory(worker_last_name="Delgado")

    response = admin_client.get(
        reverse("casefile:case_list_csv"), {"priority": "urgent", "q": "delgado"}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Not applied to the case list: Priority “urgent”, not one of its choices. No CSV was "
        "made: choose from the case list's filters and export again."
    )


def test_the_list_offers_the_export_of_what_it_shows_without_the_unknown_filter(admin_client):
    CaseFactory(worker_last_name="Delgado")
    params = {"priority": "urgent", "q": "delgado", "sort": "due"}

    page = admin_client.get(reverse("casefile:case_list"), params).content.decode()

    export = reverse("casefile:case_list_csv")
    assert (
        f'href="{export}?q=delgado&amp;sort=due" download>Export the whole list (CSV), without '
        "Priority"
    ) in page
    assert "urgent" not in page[page.index(f'href="{export}') :].split(">")[0]
    shown = admin_client.get(export, {"q": "delgado", "sort": "due"})
    assert shown.status_code == 200


def test_list_says_what_to_do_when_empty(admin_client):
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert "No open cases" in page and reverse("intake:case_new") in page
    page = admin_client.get(reverse("casefile:case_list"), {"q": "nobody"}).content.decode()
    assert "No cases match these filters" in page
    assert "Check the spelling of the search, choose “All cases”" in page


@pytest.mark.parametrize(
    ("asked", "advice"),
    [
        ({"q": "nobody", "status": "closed"}, "Check the spelling of the search, choose “All"),
        ({"priority": "expedited"}, "Choose “All cases” (closed cases are hidden"),
        ({"q": "nobody", "status": "all"}, "Check the spelling of the search, or <a"),
        ({"priority": "expedited", "status": "all"}, "Widen the filters above, or <a"),
    ],
)
def test_an_empty_list_advises_all_cases_only_when_it_would_show_more(admin_client, asked, advice):
    """From QA: with the status already "All cases", the empty list still said to choose it."""
    CaseFactory(priority="standard")
    page = admin_client.get(reverse("casefile:case_list"), asked).content.decode()
    empty = page.split('class="empty__title">No cases match these filters.</p>', 1)[1]
    empty = empty.split("</div>", 1)[0]
    assert advice in empty
    assert ("“All cases”" in empty) == (asked.get("status") != "all")
    assert ("spelling" in empty) == ("q" in asked)


def test_a_search_that_finds_only_a_closed_case_says_so_and_links_to_it(admin_client):
    """From QA: an application ID read out on the phone found "No cases match" while its case
    was issued; the open list, empty, now says a closed case matches and links to it."""
    issued = CaseFactory(status=CaseStatus.ISSUED, application_id="IMR-2026-PHONE1")
    CaseFactory(application_id="IMR-2026-OPEN1")
    url = reverse("casefile:case_list")

    page = admin_client.get(url, {"q": "imr-2026-phone1", "priority": ""}).content.decode()

    assert "No open case matches, but a closed one does." in page
    assert f'href="{url}?status=closed&amp;q=imr-2026-phone1">Show the closed cases' in page
    shown = admin_client.get(url, {"status": "closed", "q": "imr-2026-phone1"}).content.decode()
    assert issued.case_number in shown
    # A search that finds nothing anywhere, or that finds an open case, says nothing of it.
    for q in ("nobody", "IMR-2026-OPEN1"):
        page = admin_client.get(url, {"q": q}).content.decode()
        assert "but a closed one does" not in page


def test_list_htmx_request_gets_only_the_results(admin_client):
    case = CaseFactory()
    response = admin_client.get(reverse("casefile:case_list"), {"q": case.claim_number}, **HTMX)
    html = response.content.decode()
    assert 'id="case-results"' in html
    assert case.case_number in html
    assert "<html" not in html and 'role="search"' not in html


def test_list_filter_form_works_without_javascript_and_with_htmx(admin_client):
    html = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert 'method="get"' in html
    assert 'hx-get="/cases/"' in html and 'hx-push-url="true"' in html
    assert "input changed delay:300ms" in html


def test_list_paginates_fifty_a_page(admin_client):
    CaseFactory.create_batch(51)
    first = admin_client.get(reverse("casefile:case_list")).content.decode()
    # No count of the whole list: a page says whether more follow (issue 12).
    assert "Cases 1–50, more on the next page" in first and "Page 1" in first
    assert first.count('class="case-link"') == 50
    # More than a page: the bulk actions offer every case matching, not only the page's ticks.
    assert 'name="scope" value="matching"> Every case matching the filters, on all pages' in first
    assert 'href="/cases/?page=2" hx-get="/cases/?page=2"' in " ".join(first.split())
    second = admin_client.get(reverse("casefile:case_list"), {"page": 2}).content.decode()
    assert second.count('class="case-link"') == 1
    assert "51 cases, showing 51–51" in second and "Next" not in second
    # Filtered, what the cases are comes first, then where they go on (from QA).
    filtered = admin_client.get(reverse("casefile:case_list"), {"priority": "standard"})
    assert "Cases 1–50 matching the filters, more on the next page" in " ".join(
        filtered.content.decode().split()
    )
    assert 'href="/cases/?page=1" hx-get="/cases/?page=1"' in " ".join(second.split())


def test_a_page_number_past_any_list_shows_the_first_page(admin_client):
    """A page number in the digits (a mistyped or forged link) would make an offset the
    database refuses: it shows the first page, as any page past the end does."""
    CaseFactory.create_batch(2)
    response = admin_client.get(reverse("casefile:case_list"), {"page": "9" * 25})
    assert response.status_code == 200
    assert response.content.decode().count('class="case-link"') == 2
    # and says so, for an old link and a page number that is none (from QA: without a word)
    for asked, said in (
        ("999", "There is no page 999 of this list (it is shorter now, or the link is old)"),
        ("-1", "There is no page -1: this is page 1."),
        ("abc", "“abc” is no page number: this is page 1."),
    ):
        page = admin_client.get(reverse("casefile:case_list"), {"page": asked}).content.decode()
        assert said in html_module.unescape(page), asked
    assert "this is page 1" not in (
        admin_client.get(reverse("casefile:case_list")).content.decode()
    )


def test_a_whole_case_number_finds_that_case_only(admin_client):
    wanted, other = CaseFactory.create_batch(2)
    html = admin_client.get(
        reverse("casefile:case_list"), {"q": wanted.case_number.lower()}
    ).content.decode()
    assert wanted.case_number in html and other.case_number not in html
    assert "1 case found by its case number" in " ".join(html.split())


def test_list_query_count_does_not_grow_with_the_cases(admin_client, django_assert_num_queries):
    def make_cases(count):
        for _ in range(count):
            case = CaseFactory()
            DisputedItemFactory(case=case)
            DisputedItemFactory(case=case)

    # The session, the user, the page of cases (one row more than a page, no count; a row's
    # clock is the stored due date, so no disputed items are read).
    make_cases(2)
    with django_assert_num_queries(LIST_QUERIES):
        admin_client.get(reverse("casefile:case_list"))
    make_cases(20)
    with django_assert_num_queries(LIST_QUERIES):
        response = admin_client.get(reverse("casefile:case_list"))
    assert response.content.decode().count('class="case-link"') == 22


# --- The case page ----------------------------------------------------------------------------


def test_case_page_shows_facts_items_and_clock(admin_client, case):
    page = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number])
    ).content.decode()
    assert case.case_number in page and case.worker_name in page
    assert "Received" in page
    assert "Statutory clock" in page and "Application deadline" in page
    assert "MRI of the right shoulder without contrast" in page
    assert "Diagnostic: imaging" in page and "MTUS Shoulder Complaints 2004" in page
    assert "Filed within 30 days of the UR decision" in page
    assert "Application received" in page  # the history


def test_case_facts_say_how_the_ur_decision_was_served_and_how_the_notice_went(
    admin_client, case, case_admin
):
    url = reverse("casefile:case_detail", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    assert '<dt>UR decision served by</dt><dd><span class="muted">not known</span></dd>' in page
    assert '<dt>Notice of assignment sent</dt><dd><span class="muted">not sent</span>' in page

    case.ur_decision_served_by = ServedBy.PERSONAL
    case.save(update_fields=["ur_decision_served_by"])
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        notice_on=dt.date(2026, 11, 4),
        sent_by=SentBy.MAIL,
        overrides=overrides_for(case),
    )
    page = admin_client.get(url).content.decode()

    assert "<dt>UR decision served by</dt><dd>Personal delivery</dd>" in page
    assert "<dt>Notice of assignment sent</dt><dd>11/04/2026 (mail)</dd>" in page
    assert "Notice of assignment dated 11/04/2026, by mail" in page  # the history


def test_a_notice_sent_after_its_due_date_stays_marked_late(admin_client, case_admin):
    # From a QA pass: the "Notice late" badge went once the notice was sent, and nothing
    # showed it had been late.
    received = dt.date(2026, 11, 2)
    late = CaseFactory(application_received=received, ur_decision_date=received)
    DisputedItemFactory(case=late)
    awaiting_records(late, case_admin, notice_on=received + dt.timedelta(days=10))
    on_time = CaseFactory(application_received=received, ur_decision_date=received)
    DisputedItemFactory(case=on_time)
    awaiting_records(on_time, case_admin, notice_on=received)

    def clock_panel(case):
        page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
        return page.content.decode().split("<dt>Notice of assignment</dt>", 1)[1].split("</dd>")[0]

    assert "Sent late" in clock_panel(late)
    assert "Sent late" not in clock_panel(on_time)


def test_overdue_case_says_overdue_on_its_page(admin_client, case, case_admin):
    awaiting_records(case, case_admin, notice_on=timezone.localdate() - dt.timedelta(days=20))
    page = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number])
    ).content.decode()
    assert "OVERDUE" in page
    assert "Proceed without complete records" in page


def test_record_upload_from_the_case_page(admin_client, case):
    url = reverse("casefile:case_record_add", args=[case.case_number])
    response = admin_client.post(
        url,
        {
            "record-file": pdf_upload("pr2.pdf", pages=2),
            "record-title": "PR-2 progress report",
            "record-document_date": "2026-10-19",
            "record-kind": "medical",
        },
    )
    assert response.status_code == 302
    record = case.records.get()
    assert record.title == "PR-2 progress report" and record.original_filename == "pr2.pdf"
    page = admin_client.get(response["Location"]).content.decode()
    assert "PR-2 progress report" in page and "10/19/2026" in page


def test_record_upload_refuses_a_file_that_is_not_a_pdf(admin_client, case):
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": SimpleUploadedFile("scan.png", b"\x89PNG...."),
            "record-title": "Scan",
            "record-kind": "medical",
        },
    )
    assert response.status_code == 200
    assert "this is not a PDF file" in response.content.decode()
    assert not MedicalRecord.objects.exists()


def test_a_title_too_long_is_said_once_not_also_as_missing(admin_client, case):
    """From a QA pass: a 301-character title got "Ensure this value has at most 300 characters"
    and "Give the record a title" together."""
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {"record-file": pdf_upload(), "record-title": "T" * 301, "record-kind": "medical"},
    )
    page = response.content.decode()
    assert "at most 300 characters (it has 301)" in page
    assert "Give the record a title" not in page
    assert not MedicalRecord.objects.exists()


def test_record_upload_refuses_a_file_over_the_limit(admin_client, case, settings):
    settings.RECORD_MAX_UPLOAD_BYTES = 100
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {"record-file": pdf_upload(), "record-title": "PR-2", "record-kind": "medical"},
        **HTMX,
    )
    html = response.content.decode()
    assert "the limit is" in html
    assert 'id="record-add"' in html and "<html" not in html
    assert not MedicalRecord.objects.exists()


ELIGIBLE_ON_NOV_4 = {
    "finding": "eligible",
    "eligible-notice_on": "2026-11-04",
    "eligible-ur_decision_on_file_answer": "override",
    "eligible-ur_decision_on_file_reason": "The UR decision is on the paper file.",
}


def _every_party_by_email(case) -> None:
    case.worker_email, case.worker_e_service_consent = "worker@example.org", True
    case.save(update_fields=["worker_email", "worker_e_service_consent"])
    for party in case.parties.all():
        party.email, party.e_service_consent = f"{party.role}@example.org", True
        party.save(update_fields=["email", "e_service_consent"])


def test_eligible_finding_sends_the_notice_and_starts_the_records_clock(admin_client, case):
    # Nobody here has consented to e-service: the notice goes by mail, and the form says so.
    form = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "The notice goes by mail" in form.content.decode()
    assert 'name="eligible-notice_sent_by"' not in form.content.decode()
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]), ELIGIBLE_ON_NOV_4
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_RECORDS
    # Dated the day of the finding, whatever date a form of an older page sends.
    assert case.date_assigned == timezone.localdate()
    assert case.notice_sent_by == SentBy.MAIL
    page = admin_client.get(response["Location"]).content.decode()
    assert f"records are due {case.clock.records_due_on:%m/%d/%Y}" in page
    assert "15 days after the notice mailed" in case.clock.explain["records_due_on"]
    assert "Status: Received → Eligible" in page  # the history explains the change
    assert "Override of “UR decision on file”" in page
    assert "The UR decision is on the paper file." in page


def test_the_eligible_button_says_whom_the_notice_cannot_reach_yet(admin_client, case):
    """From QA: a case whose parties had no address was found eligible with only a hint above
    the date; its notice went to nobody. The warning stands at the button, naming them."""
    url = reverse("casefile:case_detail", args=[case.case_number])
    case.worker_address, case.worker_email = "", ""
    case.save(update_fields=["worker_address", "worker_email"])
    case.parties.update(address="", email="")
    page = admin_client.get(url).content.decode()
    assert "Nobody can be served the notice yet: no usable address for " in page
    assert "Each copy waits until its party’s address or e-mail is given" in page
    assert 'aria-describedby="eligible-notice-held"' in page

    employer = PartyFactory(case=case, role="employer", name="Acme Foods Inc.")
    _every_party_by_email(case)
    case.parties.filter(pk=employer.pk).update(email="", e_service_consent=False)
    page = admin_client.get(url).content.decode()
    assert f"Not everyone can be served: no usable address for {employer.name} (Employer)." in (
        page
    )

    case.parties.filter(pk=employer.pk).update(email="hr@example.org", e_service_consent=True)
    page = admin_client.get(url).content.decode()
    assert "eligible-notice-held" not in page


def test_an_eligible_finding_with_every_party_served_by_email_gives_the_records_12_days(
    admin_client, case
):
    _every_party_by_email(case)
    form = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "The notice goes electronically" in form.content.decode()
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]), ELIGIBLE_ON_NOV_4
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.notice_sent_by == SentBy.ELECTRONIC
    # 8 CCR 9792.10.5(a)(1)
    assert "12 days after the notice sent electronically" in (case.clock.explain["records_due_on"])


def test_a_notice_method_other_than_the_parties_service_is_refused(case, case_admin):
    """How the notice goes is not a choice: it is mailed to a party served by mail, and the
    notice prints the records due date by that; a caller saying otherwise changes nothing."""
    with pytest.raises(ValidationError, match="The notice goes by mail"):
        case_eligibility_record(
            case=case,
            actor=case_admin,
            eligible=True,
            notice_on=dt.date(2026, 11, 4),
            sent_by=SentBy.ELECTRONIC,
            overrides=overrides_for(case),
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.notice_sent_by == ""


def test_ineligible_finding_closes_the_case_with_its_reasons(admin_client, case):
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {
            "finding": "ineligible",
            "ineligible-reasons": ["no_ur_decision", "duplicate"],
            "ineligible-note": "Same as CM26-0000001.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.INELIGIBLE
    event = case.events.get(type="eligibility_recorded")
    assert event.details["reason_codes"] == ["no_ur_decision", "duplicate"]
    assert event.details["note"] == "Same as CM26-0000001."
    page = admin_client.get(response["Location"]).content.decode()
    assert "Reason: No UR decision (8 CCR 9792.10.1(b)(1))" in page
    assert "Reason: Duplicate application" in page and "Note: Same as CM26-0000001." in page
    # From QA: the clock still said "not sent, due 12/01/2026", a past date read as missed.
    notice = page.split("<dt>Notice of assignment</dt>", 1)[1].split("</dd>", 1)[0]
    assert "none: the case closed without one" in notice
    assert "due" not in notice


def test_other_beside_another_reason_still_needs_its_note(admin_client, case):
    """From a review: "Other (see the note)" beside another reason was recorded with no note,
    and the notice printed "see the note" over nothing."""
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {"finding": "ineligible", "ineligible-reasons": ["other", "not_signed"]},
    )
    page = response.content.decode()
    assert "Say in the note why the application is ineligible." in page
    # Said beside the note, which is marked (from QA: only at the top of the form).
    note = page[page.index('id="id_ineligible-note"') - 300 :].split("</textarea>", 1)[0]
    assert 'aria-invalid="true"' in note
    label = page[page.index('for="id_ineligible-note"') :].split("</label>", 1)[0]
    assert "Note" in label and "optional" not in label  # needed now
    assert page.index("Error: </span>Say in the note why") < page.index('id="id_ineligible-note"')
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_ineligible_for_a_reason_its_check_passed_needs_the_note_that_says_why(admin_client, case):
    """From QA: "Application filed late" ticked beside "Filed within 30 days: passes" closed
    the case, and its notice went out, without a word of why."""
    url = reverse("casefile:case_eligibility", args=[case.case_number])
    response = admin_client.post(url, {"finding": "ineligible", "ineligible-reasons": ["late"]})
    page = response.content.decode()
    assert "The screen found no ground for “Application filed late” (the check “Filed within " in (
        page
    )
    assert "say in the note why the application is ineligible for it all the same" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED

    response = admin_client.post(
        url,
        {
            "finding": "ineligible",
            "ineligible-reasons": ["late"],
            "ineligible-note": "The UR decision was served on 09/01, not as the form says.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.INELIGIBLE


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_ineligible_needs_a_reason_said_at_the_top_of_the_form_and_focused(
    admin_client, case, headers
):
    """From QA: the refusal was a generic "This field is required." beside the boxes, out of
    view of the button pressed; it is now said whole, at the form's top, and focused."""
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {"finding": "ineligible", "ineligible-note": "  "},
        **headers,
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('<div class="form-error" role="alert" tabindex="-1" autofocus>', 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert "Not recorded:" in summary
    assert 'href="#id_ineligible-reasons_0">Reasons</a>: Tick at least one reason' in summary
    assert "This field is required" not in page
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_an_ineligibility_note_too_long_to_print_is_refused_and_nothing_changes(admin_client, case):
    # The note is printed in the notice of ineligibility: a pasted file is no note.
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {"finding": "ineligible", "ineligible-reasons": ["other"], "ineligible-note": "x" * 2001},
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters (it has 2001)." in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and not case.events.filter(
        type="eligibility_recorded"
    )


def test_late_application_needs_a_written_reason_to_be_accepted(admin_client):
    late = CaseFactory(
        ur_decision_date=dt.date(2026, 9, 1), application_received=dt.date(2026, 11, 2)
    )
    DisputedItemFactory(case=late)
    url = reverse("casefile:case_eligibility", args=[late.case_number])
    page = admin_client.get(
        reverse("casefile:case_detail", args=[late.case_number])
    ).content.decode()
    assert "Filed late" in page and 'name="eligible-timely_reason"' in page
    # The reason is what lets it through: never marked "(optional)"
    label = page.split('for="id_eligible-timely_reason"', 1)[1].split("</label>", 1)[0]
    assert "Reason to find it eligible anyway" in label and "(optional)" not in label

    post = {
        "finding": "eligible",
        "eligible-notice_on": "2026-11-04",
        "eligible-ur_decision_on_file_answer": "override",
        "eligible-ur_decision_on_file_reason": "On the paper file.",
    }
    response = admin_client.post(url, post)
    assert response.status_code == 200
    # From QA: refused in one sentence at the top, with no way to the box to fill. Now the
    # summary names the check, linked to its reason box, and the error also sits beside it.
    page = response.content.decode()
    summary = page.split('<div class="form-error" role="alert" tabindex="-1" autofocus>', 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert (
        '<a href="#id_eligible-timely_reason">Filed within 30 days of the UR decision</a>: '
        "Write why the case is eligible past this check, or find it ineligible." in summary
    )
    assert "ur_decision_on_file" not in summary  # its reason was given
    row = page.split('id="check-timely"', 1)[1].split("</li>", 1)[0]
    assert "Write why the case is eligible past this check" in row
    late.refresh_from_db()
    assert late.status == CaseStatus.RECEIVED

    post.update({"eligible-timely_answer": "override", "eligible-timely_reason": "Mailed late."})
    response = admin_client.post(url, post)
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == CaseStatus.AWAITING_RECORDS
    details = late.events.get(type="eligibility_recorded").details
    assert details["late_application"] is True
    assert {o["check"]: o["reason"] for o in details["overrides"]}["timely"] == "Mailed late."


def test_the_notice_is_dated_the_day_of_the_finding_and_no_date_is_asked(admin_client, case):
    """From QA: the finding asked for the notice's date and took any day back to the receipt;
    the notice it sent was dated and mailed the day of the finding, so the case's Date
    Assigned hid a late notice and counted the records from days before the notice printed."""
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    page = page.content.decode()
    assert 'name="eligible-notice_on"' not in page
    assert f"dated today, {timezone.localdate():%m/%d/%Y}" in page
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {**ELIGIBLE_ON_NOV_4, "eligible-notice_on": case.application_received.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.date_assigned == timezone.localdate() != case.application_received


def test_a_failing_check_with_one_way_past_it_is_passed_by_its_reason_alone(admin_client):
    """From a QA pass: beside a failing check sat "Finding (optional)", a list of one choice
    ("Eligible despite this check"), next to a reason the finding requires. The reason is now
    the only control: given, the check is passed; left empty, the finding is refused."""
    late = CaseFactory(
        ur_decision_date=dt.date(2026, 9, 1), application_received=dt.date(2026, 11, 2)
    )
    DisputedItemFactory(case=late)
    page = admin_client.get(
        reverse("casefile:case_detail", args=[late.case_number])
    ).content.decode()
    row = page.split('id="check-timely"', 1)[1].split("</li>", 1)[0]
    assert "Reason to find it eligible anyway" in row
    assert "<select" not in row and 'type="checkbox"' not in row and "(optional)" not in row

    url = reverse("casefile:case_eligibility", args=[late.case_number])
    post = {
        "finding": "eligible",
        "eligible-notice_on": "2026-11-04",
        "eligible-ur_decision_on_file_reason": "On the paper file.",
        "eligible-timely_reason": "",
    }
    refused = admin_client.post(url, post)
    assert refused.status_code == 200
    assert "Write why the case is eligible past this check" in refused.content.decode()
    late.refresh_from_db()
    assert late.status == CaseStatus.RECEIVED

    admin_client.post(url, {**post, "eligible-timely_reason": "Mailed late."})
    late.refresh_from_db()
    assert late.status == CaseStatus.AWAITING_RECORDS


def test_service_refusal_is_shown_and_changes_nothing(admin_client):
    no_items = CaseFactory()
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[no_items.case_number]),
        {"finding": "eligible", "eligible-notice_on": "2026-11-04"},
        **HTMX,
    )
    html = response.content.decode()
    assert "A case with no disputed item cannot be eligible." in html
    assert "HX-Trigger-After-Settle" not in response.headers
    no_items.refresh_from_db()
    assert no_items.status == CaseStatus.RECEIVED


def test_htmx_action_swaps_its_panel_and_tells_the_others(admin_client, case):
    response = admin_client.post(
        reverse("casefile:case_eligibility", args=[case.case_number]),
        {
            "finding": "ineligible",
            "ineligible-reasons": "duplicate",
            "ineligible-note": "Same as CM26-0000001, filed under another claim number.",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="workflow"' in html and "<html" not in html
    assert "case-changed" in response.headers["HX-Trigger-After-Settle"]
    assert 'hx-swap-oob="innerHTML:#messages"' in html and "is ineligible and closed" in html


def test_panels_refresh_themselves_with_htmx(admin_client, case):
    url = reverse("casefile:case_detail", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    assert page.count('hx-trigger="case-changed from:body"') >= 4
    for panel, marker in (("clock", 'id="clock"'), ("history", 'id="history"')):
        html = admin_client.get(url, {"panel": panel}, **HTMX).content.decode()
        assert marker in html and "<html" not in html and 'id="workflow"' not in html


def test_records_complete_starts_the_determination_clock(admin_client, case, case_admin):
    awaiting_records(case, case_admin, notice_on=dt.date(2026, 11, 4))
    response = admin_client.post(
        reverse("casefile:case_records_complete", args=[case.case_number]),
        {"complete-on": "2026-11-10"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert case.records_complete_on == dt.date(2026, 11, 10)
    page = admin_client.get(response["Location"]).content.decode()
    assert "The determination is due 12/10/2026." in page


def test_records_cannot_be_complete_in_the_future(admin_client, case, case_admin):
    awaiting_records(case, case_admin, notice_on=dt.date(2026, 11, 4))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = admin_client.post(
        reverse("casefile:case_records_complete", args=[case.case_number]),
        {"complete-on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "cannot be marked complete on a future date" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_RECORDS


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-11-03", "Records cannot be complete before the notice of assignment."),
        ("2999-01-01", "Records cannot be marked complete on a future date."),
    ],
)
def test_a_refused_records_complete_date_is_said_beside_it_as_typed(
    admin_client, case, case_admin, typed, said
):
    """From QA: the date's refusal was said only in the summary at the form's top, not beside
    the date (as an empty date's is)."""
    awaiting_records(case, case_admin, notice_on=dt.date(2026, 11, 4))

    response = admin_client.post(
        reverse("casefile:case_records_complete", args=[case.case_number]),
        {"complete-on": typed},
    )

    page = response.content.decode()
    beside = '<p class="field-error" id="id_complete-on_error"><span class="visually-hidden">'
    assert f"{beside}Error: </span>{said}</p>" in page
    summary = page.split('<div class="form-error"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="#id_complete-on">Records complete on</a>: {said}' in summary
    field = re.search(r'<input [^>]*id="id_complete-on"[^>]*>', page)[0]
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field


def test_proceed_without_records_only_once_they_are_overdue(admin_client, case, case_admin):
    today = timezone.localdate()
    awaiting_records(case, case_admin, notice_on=today - dt.timedelta(days=2))
    url = reverse("casefile:case_records_complete", args=[case.case_number])
    page = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number])
    ).content.decode()
    assert "Proceed without complete records" not in page

    response = admin_client.post(url, {"proceed_without": "1"})
    assert "Records are not overdue yet" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_RECORDS

    other = CaseFactory()
    DisputedItemFactory(case=other)
    awaiting_records(other, case_admin, notice_on=today - dt.timedelta(days=20))
    response = admin_client.post(
        reverse("casefile:case_records_complete", args=[other.case_number]),
        {"proceed_without": "1"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == CaseStatus.RECORDS_COMPLETE
    assert other.events.get(type="records_completed").details["complete"] is False


def test_terminate_needs_the_confirmation(admin_client, case):
    url = reverse("casefile:case_terminate", args=[case.case_number])
    response = admin_client.post(url, {"terminate-reason": "withdrawn"})
    assert "Tick the box to confirm the termination." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED

    response = admin_client.post(
        url,
        {
            "terminate-reason": "withdrawn",
            "terminate-note": "Worker's attorney withdrew",
            "terminate-confirm": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    page = admin_client.get(response["Location"]).content.decode()
    assert "The application was withdrawn" in page and "Worker&#x27;s attorney withdrew" in page
    assert (
        reverse("casefile:case_terminate", args=[case.case_number]) not in page
    )  # closed: no action

    # Sent again from a tab opened before: refused once, at the top of the panel, and no
    # termination form is drawn on the closed case (a review found it drawn, bound, twice).
    again = admin_client.post(
        url, {"terminate-reason": "withdrawn", "terminate-confirm": "on"}
    ).content.decode()
    assert again.count("cannot become terminated") == 1
    assert "the case has moved on since that page was opened" in again
    assert reverse("casefile:case_terminate", args=[case.case_number]) not in again


def test_remand_of_an_issued_case_starts_a_new_round(admin_client):
    issued = CaseFactory(status=CaseStatus.ISSUED)
    DisputedItemFactory(case=issued)
    page = admin_client.get(
        reverse("casefile:case_detail", args=[issued.case_number])
    ).content.decode()
    assert "Remand for a new review" in page
    response = admin_client.post(
        reverse("casefile:case_remand", args=[issued.case_number]),
        {"remand-note": "WCAB order of 11/20/2026", "remand-confirm": "on"},
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == CaseStatus.REMANDED and issued.round == 2


def test_remand_is_refused_for_a_case_not_issued(admin_client, case):
    response = admin_client.post(
        reverse("casefile:case_remand", args=[case.case_number]), {"remand-confirm": "on"}
    )
    assert "cannot become remanded" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.round == 1


def test_the_case_page_names_each_items_ur_citation_once_with_whether_it_is_mtus(admin_client):
    """UR's citation as cited, with whether it is in the MTUS where its name does not say so
    already (not "MTUS: MTUS ACOEM ...")."""
    case = CaseFactory()
    for position, kind, text in (
        (1, "mtus", "MTUS ACOEM Low Back Complaints, Chapter 12"),
        (2, "non_mtus", "ODG Low Back, Lumbar & Thoracic (Acute & Chronic)"),
        (3, "none", ""),
    ):
        DisputedItemFactory(
            case=case, position=position, ur_citation_kind=kind, ur_citation_text=text
        )
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    text = page.content.decode()
    assert "<dd>MTUS ACOEM Low Back Complaints, Chapter 12</dd>" in text
    assert "<dd>ODG Low Back, Lumbar &amp; Thoracic (Acute &amp; Chronic) (Non-MTUS)</dd>" in text
    assert "<dd>UR cited no medical evidence</dd>" in text
    assert "MTUS: MTUS" not in text


def test_the_same_pdf_uploaded_again_is_refused_and_names_the_record_on_file(admin_client, case):
    # Given a PDF already added from the case page
    url = reverse("casefile:case_record_add", args=[case.case_number])
    first = {"record-title": "PR-2 progress report", "record-kind": "medical"}
    admin_client.post(url, {**first, "record-file": pdf_upload("pr2.pdf", pages=2)})
    # When the same file is sent again (a second tab, a page opened before), under any title
    again = {"record-title": "PR-2 again", "record-kind": "medical"}
    response = admin_client.post(
        url, {**again, "record-file": pdf_upload("pr2-copy.pdf", pages=2)}, **HTMX
    )
    # Then it is refused beside the file, naming the record already on file; one record stays
    html = response.content.decode()
    assert "pr2-copy.pdf: this PDF is already in the case file as “PR-2 progress report”" in html
    assert [record.title for record in case.records.all()] == ["PR-2 progress report"]
    # and once that record is withdrawn, the file can be filed again under its right title
    record_withdraw(record=case.records.get(), actor=None, reason="Filed under the wrong title")
    admin_client.post(url, {**again, "record-file": pdf_upload("pr2-copy.pdf", pages=2)})
    assert case.records.filter(withdrawn_at__isnull=True).get().title == "PR-2 again"


def test_a_record_refused_for_its_date_names_the_file_to_choose_again(admin_client, case):
    # Given a good PDF sent with a document date in the future
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": pdf_upload("mri-report.pdf"),
            "record-title": "MRI report",
            "record-document_date": "2099-01-01",
            "record-kind": "medical",
        },
        **HTMX,
    )
    # Then the form says why, keeps the title, and names the file the browser dropped
    html = response.content.decode()
    assert "The document date is in the future." in html
    assert 'value="MRI report"' in html
    assert "You had chosen “mri-report.pdf”" in html and "choose the file again" in html
    assert not MedicalRecord.objects.exists()


def test_a_remanded_case_does_not_show_its_records_as_late(admin_client):
    # Given an issued case whose records came on time (due 11/16/2026, complete 11/10/2026)
    case = CaseFactory(
        status=CaseStatus.ISSUED,
        date_assigned=dt.date(2026, 11, 4),
        records_complete_on=dt.date(2026, 11, 10),
    )
    DisputedItemFactory(case=case, position=1)
    page_url = reverse("casefile:case_detail", args=[case.case_number])
    assert "Records late" not in admin_client.get(page_url).content.decode()
    # When the WCAB's remand is recorded
    admin_client.post(
        reverse("casefile:case_remand", args=[case.case_number]),
        {"remand-note": "WCAB order", "remand-confirm": "on"},
    )
    # Then the clock counts the new round from the remand without calling the records late,
    # and the history says when the new determination is due
    case.refresh_from_db()
    page = admin_client.get(page_url).content.decode()
    assert case.status == CaseStatus.REMANDED
    assert "Records late" not in page
    assert "the remand's date: review round 2 is counted from it" in page
    assert f"Determination due {case.clock.determination_due_on:%m/%d/%Y}" in page


# --- Several records in one upload ---------------------------------------------------------------


def _stored_record_files() -> list[str]:
    return [name for name in stored_names(private_storage) if name.startswith("records/")]


def test_several_pdfs_in_one_upload_become_records_titled_by_their_file_names(admin_client, case):
    # Given three PDFs chosen at once, with a date, kind and sender for them all
    url = reverse("casefile:case_record_add", args=[case.case_number])
    files = [
        pdf_upload("PR-2_progress_report.pdf", pages=1),
        pdf_upload("MRI lumbar spine.PDF", pages=2),
        pdf_upload("UR decision.pdf", pages=3),
    ]
    response = admin_client.post(
        url,
        {
            "record-file": files,
            "record-document_date": "2026-03-01",
            "record-kind": "medical",
            "record-source": "Pacific Claims Services",
        },
        follow=True,
    )

    # Then each is a record of its own, titled by its file's name, with what they share
    html = response.content.decode()
    assert "3 records added: “PR-2 progress report”, “MRI lumbar spine”, “UR decision”." in html
    records = list(case.records.order_by("pk"))
    assert [r.title for r in records] == ["PR-2 progress report", "MRI lumbar spine", "UR decision"]
    assert {(r.document_date, r.source) for r in records} == {
        (dt.date(2026, 3, 1), "Pacific Claims Services")
    }
    # and the history lists each one added
    assert case.events.filter(type="record_added").count() == 3


def test_one_bad_file_among_several_adds_none_and_names_it(admin_client, case):
    # Given two good PDFs and a picture sent as a record
    url = reverse("casefile:case_record_add", args=[case.case_number])
    response = admin_client.post(
        url,
        {
            "record-file": [
                pdf_upload("pr2.pdf", pages=1),
                SimpleUploadedFile("scan.png", b"\x89PNG...."),
                pdf_upload("mri.pdf", pages=2),
            ],
            "record-kind": "medical",
        },
        **HTMX,
    )

    # Then nothing is added nor stored, and the page names the bad file and asks again
    html = response.content.decode()
    assert "scan.png: " in html
    assert "Nothing was added: choose the files again without these." in html
    assert not MedicalRecord.objects.exists() and _stored_record_files() == []


def test_a_pdf_chosen_twice_or_already_on_file_adds_none_of_the_upload(admin_client, case):
    url = reverse("casefile:case_record_add", args=[case.case_number])
    admin_client.post(
        url,
        {"record-file": pdf_upload("pr2.pdf"), "record-title": "PR-2", "record-kind": "medical"},
    )
    stored_before = _stored_record_files()

    # When an upload holds that PDF again, and another PDF twice
    response = admin_client.post(
        url,
        {
            "record-file": [
                pdf_upload("pr2-again.pdf", pages=1),
                pdf_upload("mri.pdf", pages=2),
                pdf_upload("mri-copy.pdf", pages=2),
            ],
            "record-kind": "medical",
        },
        **HTMX,
    )

    # Then each problem is named and only the first record is on file
    html = response.content.decode()
    # (a list, one line a file)
    assert "<li>pr2-again.pdf: this PDF is already in the case file as “PR-2”, added" in html
    assert "<li>mri-copy.pdf: the same PDF as mri.pdf, chosen twice.</li>" in html
    assert [r.title for r in case.records.all()] == ["PR-2"]
    assert _stored_record_files() == stored_before


def test_a_title_with_several_files_is_refused_rather_than_given_to_each(admin_client, case):
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": [pdf_upload("a.pdf", pages=1), pdf_upload("b.pdf", pages=2)],
            "record-title": "PR-2",
            "record-kind": "medical",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "With 2 files each record is titled by its file&#x27;s name" in html
    assert "You had chosen “a.pdf”, “b.pdf”" in html
    assert not MedicalRecord.objects.exists()


def test_a_failure_storing_the_second_file_takes_back_the_first(admin_client, case, monkeypatch):
    # Given the second record of an upload fails as it is saved
    saved = []
    original = MedicalRecord.full_clean

    def fails_second(record, *args, **kwargs):
        saved.append(record.title)
        if len(saved) == 2:
            raise ValidationError("The disk is full.")
        return original(record, *args, **kwargs)

    monkeypatch.setattr(MedicalRecord, "full_clean", fails_second)
    admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": [pdf_upload("a.pdf", pages=1), pdf_upload("b.pdf", pages=2)],
            "record-kind": "medical",
        },
        **HTMX,
    )

    # Then neither record nor either stored file is left
    assert saved == ["a", "b"]
    assert not MedicalRecord.objects.exists() and _stored_record_files() == []


def test_a_failure_after_the_second_file_is_stored_leaves_no_file_behind(
    admin_client, case, monkeypatch
):
    # Given the second record's page count cannot be queued, after its file and row are saved
    import cases.records.services as records

    queued = []
    original = records.follow_up_add

    def fails_second(**kwargs):
        queued.append(kwargs["what"])
        if len(queued) == 2:
            raise RuntimeError("The outbox is unavailable.")
        return original(**kwargs)

    monkeypatch.setattr(records, "follow_up_add", fails_second)
    with pytest.raises(RuntimeError):
        admin_client.post(
            reverse("casefile:case_record_add", args=[case.case_number]),
            {
                "record-file": [pdf_upload("a.pdf", pages=1), pdf_upload("b.pdf", pages=2)],
                "record-kind": "medical",
            },
            **HTMX,
        )

    # Then no record is kept, nor either stored PDF
    assert len(queued) == 2
    assert not MedicalRecord.objects.exists() and _stored_record_files() == []


@pytest.mark.parametrize("status", [None, "open", "received"])
def test_a_whole_case_number_finds_a_closed_case_whatever_the_status_filter(admin_client, status):
    """From QA: an administrator taking a call searched an issued case's number and read "No
    cases match these filters", the list showing open cases by default."""
    issued = CaseFactory(status=CaseStatus.ISSUED, worker_last_name="Okafor")
    CaseFactory(worker_last_name="Delgado")
    params = {"q": issued.case_number.lower(), **({"status": status} if status else {})}

    page = admin_client.get(reverse("casefile:case_list"), params).content.decode()
    export = admin_client.get(reverse("casefile:case_list_csv"), params)

    assert issued.case_number in page and "Okafor" in page
    assert "Delgado" not in page and "No cases match" not in page
    # The count does not claim filters it did not apply (from QA: "matching the filters")
    assert "found by its case number (the filters do not apply to a whole case number)" in page
    assert "matching the filters" not in page
    rows = list(csv.reader(b"".join(export.streaming_content).decode().splitlines()))
    assert [row[0] for row in rows[1:]] == [issued.case_number]


def test_part_of_a_case_number_still_searches_within_the_filters(admin_client):
    issued = CaseFactory(status=CaseStatus.ISSUED)

    page = admin_client.get(reverse("casefile:case_list"), {"q": issued.case_number[:-1]})

    assert issued.case_number not in page.content.decode()


def test_one_record_with_no_title_is_titled_by_its_file_name_as_several_are(admin_client, case):
    """From QA: one file with no title was refused ("Give the record a title") while two were
    each titled from their file's name."""
    upload = pdf_upload("PR-2_progress_report.pdf")
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {"record-file": upload, "record-title": "", "record-kind": "medical"},
        follow=True,
    )
    assert response.status_code == 200
    assert list(MedicalRecord.objects.values_list("title", flat=True)) == ["PR-2 progress report"]
    # Nor is the title drawn or announced as required (from a review).
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    html = page.content.decode()
    title = html.split('name="record-title"', 1)[1].split(">", 1)[0]
    assert "aria-required" not in title and "required" not in title
    label = html.split('for="id_record-title"', 1)[1].split("</label>", 1)[0]
    assert "(optional)" in label


def test_the_postal_address_box_says_the_name_is_printed_from_the_partys_name(admin_client, case):
    """From QA: a name typed in the address box too printed twice on the envelope."""
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "the name is printed above it from the party&#x27;s name." in page.content.decode()


def test_the_list_filters_by_the_day_the_application_was_received(admin_client):
    """The dashboard's "Cases by stage" counts the period's applications; the list shows the
    same cases (from QA: no filter could)."""
    early = CaseFactory(application_received=dt.date(2026, 10, 31))
    inside = CaseFactory(application_received=dt.date(2026, 11, 1))
    last = CaseFactory(application_received=dt.date(2026, 11, 30))
    late = CaseFactory(application_received=dt.date(2026, 12, 1))
    page = admin_client.get(
        reverse("casefile:case_list"),
        {"received_from": "2026-11-01", "received_to": "2026-11-30"},
    ).content.decode()
    for case in (inside, last):
        assert case.case_number in page
    for case in (early, late):
        assert case.case_number not in page
    assert "matching the filters" in " ".join(page.split())
    # The CSV of the view has the same cases.
    exported = b"".join(
        admin_client.get(
            reverse("casefile:case_list_csv"), {"received_from": "2026-11-01"}
        ).streaming_content
    ).decode()
    assert inside.case_number in exported and late.case_number in exported
    assert early.case_number not in exported
    # A date that is none is not applied, and the list says so.
    page = html_module.unescape(
        admin_client.get(
            reverse("casefile:case_list"), {"received_to": "2026-13-45"}
        ).content.decode()
    )
    assert "Not applied: Received to “2026-13-45”, not a date." in page
    assert early.case_number in page and late.case_number in page


def test_a_received_date_given_otherwise_is_shown_as_the_date_box_holds_it(admin_client):
    """From QA: ?received_from=11/05/2026 filtered the list but the date box showed nothing
    (it drops text it cannot hold), so the filter was unseen and lost by what reads the form;
    a year typed a digit at a time and dates the wrong way round are said, not applied."""
    CaseFactory(application_received=dt.date(2026, 11, 6))
    page = admin_client.get(
        reverse("casefile:case_list"), {"received_from": "11/05/2026"}
    ).content.decode()
    assert 'name="received_from" value="2026-11-05"' in page
    page = html_module.unescape(
        admin_client.get(
            reverse("casefile:case_list"), {"received_from": "0002-11-05"}
        ).content.decode()
    )
    assert "Received from 11/05/0002, before Independent Medical Review began." in page
    # Both before it, the wrong way round: each said for what it is (from a review: "the first
    # date after the last" hid that neither is a date the list holds).
    page = html_module.unescape(
        admin_client.get(
            reverse("casefile:case_list"),
            {"received_from": "0002-11-05", "received_to": "0001-01-01"},
        ).content.decode()
    )
    assert "Received from 11/05/0002, before Independent Medical Review began" in page
    assert "Received to 01/01/0001, before Independent Medical Review began" in page
    assert "the first date after the last" not in page
    page = html_module.unescape(
        admin_client.get(
            reverse("casefile:case_list"),
            {"received_from": "2026-11-20", "received_to": "2026-11-01"},
        ).content.decode()
    )
    # One sentence for the two, the dates as the boxes show them (from QA: "no such choice",
    # each date in the address's form).
    assert (
        "Not applied: Received from 11/20/2026 to 11/01/2026, the first date after the last."
        in page
    )


# --- A case page left open ----------------------------------------------------------------------


def test_a_case_page_left_open_is_told_when_the_case_changed_elsewhere(admin_client):
    """From QA: an administrator's case page left open still said "waiting for quality review"
    long after the determination was approved and its letter issued elsewhere. The header asks
    every 30 s (as a poll); unchanged is a 204, changed a note to reload, not a redraw that
    could drop a form being typed."""
    case = CaseFactory(status=CaseStatus.IN_REVIEW)
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    asks = reverse("casefile:case_changed", args=[case.case_number])
    shown = page.content.decode()
    question = _poll_asks(shown, asks)
    seen = question["seen"]
    assert 'hx-trigger="every 30s"' in shown.split(asks, 1)[1].split(">", 1)[0]

    assert admin_client.get(asks, question, **HTMX).status_code == 204

    # Submitted elsewhere, as a status change saves it (with updated_at).
    type(case).objects.filter(pk=case.pk).update(
        status=CaseStatus.SUBMITTED, updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    changed = admin_client.get(asks, question, **HTMX)
    assert changed.status_code == 200
    note = html_module.unescape(changed.content.decode())
    assert "This case has changed since this page was drawn: its status is now Submitted" in note
    assert "every 30s" not in note  # asked no more
    # The header drawn again after one's own change carries the new stamp.
    header = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number]), {"panel": "header"}, **HTMX
    ).content.decode()
    fresh = _poll_asks(header, asks)
    assert fresh["seen"] != seen
    assert admin_client.get(asks, fresh, **HTMX).status_code == 204


def test_a_fact_corrected_elsewhere_is_told_without_a_status_change(
    admin_client, case_admin, quality_reviewer
):
    """From QA: a colleague's correction of a fact (which saves the case) was told as "it is now
    records complete", the status the page already showed."""
    case = CaseFactory(status=CaseStatus.RECORDS_COMPLETE)
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    asks = reverse("casefile:case_changed", args=[case.case_number])
    question = _poll_asks(page.content.decode(), asks)
    type(case).objects.filter(pk=case.pk).update(
        updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    CaseEvent.objects.create(case=case, type=EventType.FACTS_EDITED, actor=quality_reviewer)
    note = html_module.unescape(admin_client.get(asks, question, **HTMX).content.decode())
    assert "Case facts corrected by" in note
    assert "This case has changed since this page was drawn." in note and "it is now" not in note


def test_ones_own_change_before_the_next_poll_keeps_the_note_of_others(
    admin_client, case_admin, quality_reviewer
):
    """From QA: a colleague corrected a fact, then within 30 s the administrator added a record
    on the open page: the header drawn again with the new stamps swallowed the colleague's
    change, and the facts panel, not redrawn, went on showing the old value. The header's
    redraw sends the event its page drew, and keeps the note."""
    case = CaseFactory(status=CaseStatus.RECORDS_COMPLETE)
    url = reverse("casefile:case_detail", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    drawn = page.split('id="case-stale-after" name="after" value="', 1)[1].split('"', 1)[0]
    assert 'hx-include="#case-stale-after"' in page
    CaseEvent.objects.create(case=case, type=EventType.FACTS_EDITED, actor=quality_reviewer)
    add_record(case, case_admin, title="Own upload")  # one's own change: the header redrawn
    header = admin_client.get(url, {"panel": "header", "after": drawn}, **HTMX).content.decode()
    note = html_module.unescape(header)
    assert "This case has changed since this page was drawn." in note
    assert "Case facts corrected by" in note and "Record added" not in note
    # Still keeps the event it was drawn with, for the next redraw.
    assert f'id="case-stale-after" name="after" value="{drawn}"' in header
    # With nothing done by others, the redraw polls afresh.
    quiet = CaseFactory(status=CaseStatus.RECORDS_COMPLETE)
    quiet_url = reverse("casefile:case_detail", args=[quiet.case_number])
    drawn = (
        admin_client.get(quiet_url)
        .content.decode()
        .split('id="case-stale-after" name="after" value="', 1)[1]
        .split('"', 1)[0]
    )
    add_record(quiet, case_admin)
    header = admin_client.get(
        quiet_url, {"panel": "header", "after": drawn}, **HTMX
    ).content.decode()
    assert 'hx-trigger="every 30s"' in header and "has changed" not in header


def _poll_asks(page: str, asks: str) -> dict:
    """The case page's poll's question (seen, since), as its header prints it."""
    query = html_module.unescape(page.split(f'hx-get="{asks}?', 1)[1].split('"', 1)[0])
    return dict(part.split("=", 1) for part in query.split("&"))


def test_a_case_page_left_open_is_told_what_others_did_meanwhile(
    admin_client, case_admin, quality_reviewer
):
    """From the last notes: a record added, or a letter served, elsewhere leaves the case's
    status as it was, and the page left open was not told. Its poll names what others did
    since it was drawn (the newest few), as the reader may read the names; not what the reader
    did elsewhere, and not a reading (a record opened)."""
    case = CaseFactory(status=CaseStatus.IN_REVIEW)
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    asks = reverse("casefile:case_changed", args=[case.case_number])
    question = _poll_asks(page.content.decode(), asks)

    # The reader's own record, added in another tab, and someone else's reading.
    add_record(case, case_admin, title="Own upload")
    CaseEvent.objects.create(case=case, type=EventType.RECORD_OPENED, actor=quality_reviewer)
    assert admin_client.get(asks, question, **HTMX).status_code == 204

    add_record(case, quality_reviewer, title="MRI report")
    note = html_module.unescape(admin_client.get(asks, question, **HTMX).content.decode())
    assert f"Record added by {quality_reviewer.display_name}" in note
    # What and who, not the details (the poll is not audited as a read; the page is).
    assert "MRI report" not in note
    assert "Own upload" not in note and "Record opened" not in note
    assert "Reload the page</a> to see them" in note
    # Its status did not change: it is not said as if it had (from a review).
    assert "This case has changed since this page was drawn." in note and "it is now" not in note

    # The case's reviewer is told of another reviewer's change without their name (Lab. Code
    # 4610.6(f): a reviewer knows only themselves), as their history says it.
    assigned, its_reviewer, _ = case_in_review()
    client = Client()
    client.force_login(its_reviewer)
    drawn = client.get(reverse("casefile:case_detail", args=[assigned.case_number]))
    reviewer_asks = reverse("casefile:case_changed", args=[assigned.case_number])
    question = _poll_asks(drawn.content.decode(), reviewer_asks)
    assert client.get(reviewer_asks, question, **HTMX).status_code == 204
    other = UserFactory(role=Role.REVIEWER, first_name="Omar", last_name="Haddad")
    add_record(assigned, other, title="Late records")
    told = html_module.unescape(client.get(reviewer_asks, question, **HTMX).content.decode())
    assert "Record added by a reviewer" in told and "Haddad" not in told


def test_whether_a_case_changed_is_not_told_of_a_case_one_may_not_see(client, reviewer):
    case = CaseFactory(status=CaseStatus.IN_REVIEW)
    client.force_login(reviewer)
    asks = reverse("casefile:case_changed", args=[case.case_number])
    assert client.get(asks, {"seen": "0"}, **HTMX).status_code == 404
