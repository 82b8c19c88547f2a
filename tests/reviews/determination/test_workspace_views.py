"""The reviewer's dashboard and case workspace: what a reviewer sees, that nobody sees another
reviewer's cases anywhere, and the autosave endpoint as the browser uses it."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from cases.lifecycle.models import CaseStatus
from cases.records.services import record_add
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.assignment.services import reviewer_assign
from reviews.determination import selectors
from reviews.determination.drafting import draft_item_key
from reviews.determination.models import Determination, DeterminationStatus
from reviews.determination.services import (
    determination_autosave,
    determination_submit,
)
from reviews.determination.warnings import review_warnings
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    login,
    pdf_upload,
    ready_case,
    reviewer_with_profile,
    second_factor_given,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mine(client):
    """A case in review for reviewer A (logged in), with a record."""
    case, reviewer, determination = case_in_review()
    record = record_add(case=case, actor=None, uploaded=pdf_upload(), title="PR-2 progress report")
    login(client, reviewer)
    return case, reviewer, determination, record


@pytest.fixture
def theirs():
    """Another reviewer's case in review, with a record."""
    other = reviewer_with_profile("REV-THEIRS")
    case, _, determination = case_in_review(other, claim_number="99-777777")
    record = record_add(case=case, actor=None, uploaded=pdf_upload(), title="Their record")
    return case, other, determination, record


# --- The dashboard ----------------------------------------------------------------------------


def test_dashboard_lists_own_cases_by_due_date_with_days_left_and_status(client, theirs):
    today = dt.date.today()
    reviewer = reviewer_with_profile("REV-DASH")
    later, _, _ = case_in_review(reviewer)
    later.due_on = today + dt.timedelta(days=20)
    later.save(update_fields=["due_on"])
    sooner = ready_case(due_on=today + dt.timedelta(days=2))
    admin = UserFactory()
    reviewer_assign(case=sooner, reviewer=reviewer, actor=admin)
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    table = page[page.index("Open cases") :]
    assert table.index(sooner.case_number) < table.index(later.case_number)
    assert "Waiting for you to accept" in page and "Writing the determination" in page
    # One to accept and one being written: both are the reviewer's to act on (from QA:
    # "2 waiting for you" read as two new assignments).
    assert "<strong>2</strong> for you to act on" in page
    assert "days left" in page
    assert theirs[0].case_number not in page


def test_dashboard_accept_from_the_new_assignments_panel_still_works(client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-NEW")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    assert "I attest that I have no conflict" in page
    # The attestation covers the worker too: the card names them (from a QA pass).
    assert f"<dt>Injured worker</dt><dd>{case.worker_name}</dd>" in page
    client.post(reverse("determination:assignment_accept", args=[assignment.pk]), {"attest": "on"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert Determination.objects.filter(case=case).exists()


def test_new_assignments_beyond_the_cards_shown_are_named_and_listed(client, monkeypatch):
    monkeypatch.setattr(selectors, "WAITING_SHOWN", 1)
    reviewer = reviewer_with_profile("REV-NEW2", max_open_cases=5)
    admin = UserFactory()
    cases = [ready_case() for _ in range(2)]
    for case in cases:
        reviewer_assign(case=case, reviewer=reviewer, actor=admin)
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    assert page.count("I attest that I have no conflict") == 1
    assert "1 more new assignment, due later" in page
    table = page[page.index('id="current-title"') :]
    assert all(case.case_number in table for case in cases)
    assert table.count("Accept or decline") == 2


def test_the_dashboard_is_for_reviewers_only(client, quality_reviewer):
    login(client, quality_reviewer)
    assert client.get(reverse("determination:reviewer_dashboard")).status_code == 403


# --- Nothing of another reviewer's case, anywhere ---------------------------------------------


def _probe_urls(case, determination, record):
    number = case.case_number
    return [
        ("get", reverse("determination:workspace", args=[number])),
        ("get", reverse("determination:workspace_step", args=[number, 2])),
        ("get", reverse("determination:workspace_step", args=[number, 5])),
        ("get", reverse("letters:workspace_preview", args=[number])),
        ("get", reverse("records:case_record", args=[number, record.pk])),
        ("get", reverse("casefile:case_detail", args=[number])),
        ("post", reverse("determination:draft_save", args=[number])),
        ("post", reverse("determination:warnings_confirm", args=[number])),
        ("post", reverse("determination:warning_replace", args=[number])),
        ("post", reverse("determination:determination_submit", args=[number])),
        ("post", reverse("determination:workspace_accept", args=[number])),
        ("post", reverse("determination:workspace_decline", args=[number])),
    ]


def test_a_reviewer_probing_another_reviewers_case_gets_404_everywhere(client, mine, theirs):
    case, _, determination, record = theirs
    summary_before = determination.clinical_summary
    for method, url in _probe_urls(case, determination, record):
        data = {"summary": "overwritten", "version": "1", "password": PASSWORD}
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, url
    assert Determination.objects.get(pk=determination.pk).clinical_summary == summary_before
    assert not AuditEvent.objects.filter(
        case_number=case.case_number, kind=AuditKind.RECORD, status_code=200
    ).exists()


def test_lists_search_and_the_api_show_no_other_reviewers_case(client, mine, theirs):
    their_case = theirs[0]
    page = client.get(reverse("casefile:case_list")).content.decode()
    assert mine[0].case_number in page and their_case.case_number not in page
    own = client.get(reverse("casefile:case_list"), {"q": mine[0].claim_number}).content.decode()
    assert reverse("casefile:case_detail", args=[mine[0].case_number]) in own
    for query in (their_case.case_number, their_case.claim_number, their_case.worker_last_name):
        found = client.get(reverse("casefile:case_list"), {"q": query}).content.decode()
        # The search box repeats the query; what must not appear is a result.
        assert reverse("casefile:case_detail", args=[their_case.case_number]) not in found
        assert "Their record" not in found
    api = client.get("/api/v1/cases/")
    assert api.status_code == 200
    numbers = [row["case_number"] for row in api.json()["results"]]
    assert numbers == [mine[0].case_number]
    assert client.get(f"/api/v1/cases/{their_case.case_number}/").status_code == 404


def test_a_reviewer_of_an_earlier_round_has_no_workspace_in_the_new_one(client, mine):
    case, reviewer, _, _ = mine
    case.round += 1
    case.save(update_fields=["round"])
    assert (
        client.get(reverse("determination:workspace", args=[case.case_number])).status_code == 404
    )


# --- The workspace ----------------------------------------------------------------------------


def test_workspace_opens_on_the_first_unfinished_step_with_a_step_bar(client, mine):
    case = mine[0]
    response = client.get(reverse("determination:workspace", args=[case.case_number]))
    assert response.url == reverse("determination:workspace_step", args=[case.case_number, 2])
    page = client.get(response.url).content.decode()
    assert 'aria-current="step"' in page and "Case summary" in page
    assert "The injured worker is a 57 year old female" in page
    assert 'hx-post="' + reverse("determination:draft_save", args=[case.case_number]) in page
    assert "Lumbar sympathetic block" in page  # the disputed item beside the form
    assert "PR-2 progress report" in page


def test_the_step_bar_announces_done_steps_but_not_the_one_open(client, mine):
    # From a QA pass: a screen reader heard "Review (done)" on the Review step itself.
    case = mine[0]

    def current_step(number):
        url = reverse("determination:workspace_step", args=[case.case_number, number])
        bar = client.get(url).content.decode().split('id="stepbar"', 1)[1].split("</nav>", 1)[0]
        return bar.split('aria-current="step"', 1)[1].split("</a>", 1)[0], bar

    opened, bar = current_step(1)  # accepted: the first step is done
    assert "(done)" not in opened
    opened, bar = current_step(2)
    assert "(done)" not in opened
    assert bar.count("(done)") >= 1  # the accepted step, announced as done


def test_once_submitted_the_step_bar_ticks_every_step_on_every_step(client, mine):
    # From a QA pass: after submitting, step 6 did not tick "Sign and submit", and step 3
    # ticked "Sign and submit" but not "Decisions".
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    for number in (3, 6):
        url = reverse("determination:workspace_step", args=[case.case_number, number])
        bar = client.get(url).content.decode().split('id="stepbar"', 1)[1].split("</nav>", 1)[0]
        labels = re.findall(
            r'<span class="stepbar__num" aria-hidden="true">([^<]*)</span>\s*'
            r'<span class="stepbar__label">([^<]*)</span>'
            r'(<span class="visually-hidden"> \(done\))?',
            bar,
        )
        assert [(tick, label, bool(done)) for tick, label, done in labels] == [
            ("✓", label, True)
            for label in (
                "Accept",
                "Case summary",
                "Decisions",
                "Review",
                "Preview",
                "Sign and submit",
            )
        ], number


def test_an_issued_determination_shows_no_due_dates_nor_what_to_do(client):
    """From QA: the read-only workspace of an issued case still said "due 12/07/2026" on each
    item, and the guideline read "MTUS: MTUS Chronic Pain ..."."""
    case, reviewer, determination = case_in_review(items=2)
    # Due apart (a drug-formulary dispute is due sooner): each item's date is listed.
    case.items.filter(position=2).update(formulary_dispute=True)
    login(client, reviewer)
    determination_fill(determination, outcomes=("upheld", "upheld"))
    url = reverse("determination:workspace_step", args=[case.case_number, 3])
    assert 'class="item-due' in client.get(url).content.decode()  # while the clock runs

    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    Determination.objects.filter(pk=determination.pk).update(status=DeterminationStatus.ISSUED)
    case.status = CaseStatus.ISSUED
    case.save(update_fields=["status"])
    text = client.get(url).content.decode()
    assert 'class="item-due' not in text and ": due " not in text
    assert "MTUS: MTUS" not in text
    assert "MTUS Chronic Pain Medical Treatment Guidelines 2009</p>" in text
    # Its review step says what was checked, with nothing left to do.
    review = client.get(reverse("determination:workspace_step", args=[case.case_number, 4]))
    review_text = review.content.decode()
    assert "Checked before it was signed" in review_text
    assert "Before you sign" not in review_text and "Fix the text" not in review_text


def test_an_unaccepted_case_shows_only_the_acceptance_step(client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-NEW")
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    response = client.get(reverse("determination:workspace_step", args=[case.case_number, 3]))
    assert response.url == reverse("determination:workspace_step", args=[case.case_number, 1])
    page = client.get(response.url).content.decode()
    assert "I attest that I have no conflict" in page and "Decline the case" in page


def test_the_attestation_names_every_affiliation_lab_code_139_5_d_5_forbids(client):
    """Lab. Code 139.5(d)(5)(A)-(F) forbids a material professional, familial or financial
    affiliation with more than the case's parties: the institution where the treatment would
    be given and its developer or manufacturer are on no case, so the reviewer attests to them
    on both pages that accept."""
    case = ready_case()
    reviewer = reviewer_with_profile("REV-NEW")
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    dashboard = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    step1 = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 1])
    ).content.decode()
    for page in (dashboard, step1):
        assert "Lab. Code 139.5(d)(5)" in page
        assert "no material professional, familial or financial affiliation" in page
        for party in (
            "immediate family",
            "insurer",
            "medical provider network",
            "officer, director or management employee",
            "independent practice association",
            "institution where the treatment would be given",
            "development or manufacture of the treatment",
            # ours, as matching rule 4 excludes for them too
            "the UR organization or physician",
            "the worker&#x27;s attorney",
        ):
            assert party in page, party


def test_accepting_in_the_workspace_needs_the_attestation(client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-NEW")
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    url = reverse("determination:workspace_accept", args=[case.case_number])
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Attest that you have no conflict" in refused.content.decode()
    # Summed up where the form is and focused (from QA: the page opened at its top, the
    # message below a long attestation, out of sight on a phone).
    assert (
        '<div class="form-error" role="alert" tabindex="-1" autofocus>'
        in (refused.content.decode().split("<h3>Accept</h3>", 1)[1].split("</form>", 1)[0])
    )
    # Named shortly there (the label is the whole attestation: taller than the screen)
    assert ">No-conflict attestation</a>: Attest that you have no conflict" in (
        refused.content.decode()
    )
    declined = client.post(
        reverse("determination:workspace_decline", args=[case.case_number]), {}
    ).content.decode()
    assert "Say why you decline the case." in declined
    assert (
        '<div class="form-error" role="alert" tabindex="-1" autofocus>'
        in (declined.split("<h3>Decline</h3>", 1)[1].split("</form>", 1)[0])
    )
    accepted = client.post(url, {"attest": "on"})
    assert accepted.url == reverse("determination:workspace_step", args=[case.case_number, 2])
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_declining_in_the_workspace_returns_the_case_to_the_queue(client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-NEW")
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    response = client.post(
        reverse("determination:workspace_decline", args=[case.case_number]),
        {"reason": "I treated this worker", "conflict": "on"},
    )
    assert response.url == reverse("determination:reviewer_dashboard")
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE


def test_opening_a_record_is_recorded_and_marked_in_the_list(client, mine):
    case, reviewer, _, record = mine
    url = reverse("determination:workspace_step", args=[case.case_number, 2])
    assert "is-opened" not in client.get(url).content.decode()
    response = client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert AuditEvent.objects.filter(
        case_number=case.case_number, kind=AuditKind.RECORD, actor=reviewer, status_code=200
    ).exists()
    assert "record-list__item is-opened" in client.get(url).content.decode()


def test_the_guideline_search_lists_mtus_first_with_the_evidence_order(client, mine):
    page = client.get(
        reverse("determination:guideline_search"), {"q": "knee", "item": "7"}
    ).content.decode()
    assert (
        page.index("MTUS")
        < page.index("ACOEM Practice Guidelines (current")
        < page.index("Official Disability Guidelines")
    )
    assert 'data-item="7"' in page
    step3 = client.get(
        reverse("determination:workspace_step", args=[mine[0].case_number, 3])
    ).content.decode()
    assert "Evidence order (8 CCR 9792.21.1): MTUS first" in step3


def test_a_search_no_entry_matches_whole_offers_the_entries_with_most_of_its_words(client, mine):
    # From a QA pass: "shoulder MRI" found nothing, though the MTUS shoulder chapter (whose
    # entry says "special studies") was what the reviewer needed.
    url = reverse("determination:guideline_search")
    page = client.get(url, {"q": "shoulder MRI", "item": "7"}).content.decode()
    assert "No entry has every word of “shoulder MRI”; these have the most of them." in page
    assert "Shoulder" in page and "Nothing in the catalog matches" not in page
    assert "Knee" not in page
    # A search with every word in an entry says nothing of the kind, one with none finds none.
    assert "No entry has every word" not in client.get(url, {"q": "shoulder"}).content.decode()
    nothing = client.get(url, {"q": "zzqx"}).content.decode()
    assert "Nothing in the catalog matches “zzqx”" in nothing


@pytest.mark.parametrize("typed", ["meniscectomy", "meniscus", "arthroscopy"])
def test_another_form_of_the_catalogs_word_finds_its_entry(client, mine, typed):
    """From QA: "meniscectomy", "meniscus" and "arthroscopy" found nothing, though the ODG's
    "Arthroscopic surgery for meniscal tears" is the entry a knee surgery needs."""
    page = client.get(reverse("determination:guideline_search"), {"q": typed}).content.decode()
    assert "Arthroscopic surgery for meniscal tears" in page
    assert "Nothing in the catalog matches" not in page
    # and the MTUS's knee chapters come first, with why (8 CCR 9792.21.1(a)(1); from QA: the
    # letter cited ODG where the MTUS has a chapter for the knee)
    text = html.unescape(page)
    assert f"No MTUS entry names “{typed}”. The MTUS is searched first" in text
    assert "its chapters for the knee come first below" in text
    assert text.index("Knee Complaints") < text.index("Arthroscopic surgery for meniscal tears")
    # A search that finds an MTUS entry itself is not told so.
    shoulder = client.get(reverse("determination:guideline_search"), {"q": "shoulder"})
    assert "No MTUS entry names" not in shoulder.content.decode()


@pytest.mark.parametrize(
    ("typed", "part", "offered", "not_offered"),
    [
        ("pelvis", "hip and groin", "Hip and Groin Disorders", "Knee"),
        # ODG's low back section, not the MTUS's neck and upper back (from the review)
        ("magnetic resonance", "low back", "Low Back Complaints", "Neck and Upper Back"),
    ],
)
def test_the_mtus_offered_is_the_same_part_of_the_body(
    client, mine, typed, part, offered, not_offered
):
    page = html.unescape(
        client.get(reverse("determination:guideline_search"), {"q": typed}).content.decode()
    )
    assert f"its chapters for the {part} come first below" in page
    mtus = page.split("MTUS (ACOEM-based", 1)[1].split("guideline-group__title", 1)[0]
    assert offered in mtus and not_offered not in mtus


def test_a_drug_searched_by_its_name_finds_the_guideline_of_its_class(client, mine):
    """From QA: "gabapentin" found nothing, though the MTUS covers it under anti-epilepsy
    drugs; the results say what the name was read as."""
    url = reverse("determination:guideline_search")
    page = client.get(url, {"q": "Gabapentin", "item": "7"}).content.decode()
    assert "“Gabapentin” is searched as “anti-epilepsy drugs”" in page
    assert "Anti-epilepsy drugs (AEDs) Page(s): 16-22" in page
    assert "Opioids" not in page and "Nothing in the catalog matches" not in page
    # A brand the catalog prints is found as printed, not read as its class.
    flexeril = client.get(url, {"q": "Flexeril"}).content.decode()
    assert "Cyclobenzaprine (Flexeril)" in flexeril and "is searched as" not in flexeril
    # A brand name with a word of the catalog: both count, the ODG's opioid section among them.
    page = client.get(url, {"q": "norco, chronic"}).content.decode()
    assert "Opioids, criteria for use" in page and "Pain (Chronic), Opioids" in page
    assert "No entry has every word" not in page and "Knee" not in page
    # A word the catalog prints is not read as anything else.
    assert "is searched as" not in client.get(url, {"q": "knee"}).content.decode()


def test_the_search_offers_the_ur_decisions_own_citation_when_it_matches(client, mine):
    """From QA: "cryotherapy", the topic the UR decision cited, found nothing in the catalog."""
    case, _, determination, _ = mine
    decision = determination.decisions.get()
    item = decision.item
    item.ur_citation_kind = "non_mtus"
    item.ur_citation_text = "ODG Knee and Leg Chapter, Continuous-flow cryotherapy"
    item.save()
    url = reverse("determination:guideline_search")

    page = client.get(url, {"q": "Cryotherapy", "item": str(decision.pk)}).content.decode()

    assert "As the UR decision cited it" in page
    assert 'data-kind="non_mtus" data-text="ODG Knee and Leg Chapter, Continuous-flow ' in page
    assert "Type the citation below" not in page
    # Words the UR's citation does not hold, or another reviewer's item: not offered.
    other = client.get(url, {"q": "shoulder", "item": str(decision.pk)}).content.decode()
    assert "As the UR decision cited it" not in other
    client.force_login(reviewer_with_profile("REV-OTHER"))
    second_factor_given(client)
    theirs = client.get(url, {"q": "cryotherapy", "item": str(decision.pk)})
    assert theirs.status_code == 200 and "Cryotherapy" not in theirs.content.decode()
    assert "As the UR decision cited it" not in theirs.content.decode()
    # A digit int() does not read is no decision, not an error.
    assert client.get(url, {"q": "cryotherapy", "item": "²"}).status_code == 200


# --- Autosave as the browser does it ----------------------------------------------------------


def test_htmx_autosave_answers_with_the_new_version_and_base(client, mine):
    case, _, determination, _ = mine
    base = determination.clinical_summary
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {"step": "2", "version": "1", "summary": base + "Typed.", "base:summary": base},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="draft-version" name="version" value="2" hx-swap-oob="true"' in page
    assert 'id="base-summary"' in page and "Typed." in page
    assert "Saved" in page


def test_htmx_autosave_conflict_shows_both_texts_and_keeps_the_server_text(client, mine):
    case, reviewer, determination, _ = mine
    base = determination.clinical_summary
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={"summary": base + "From the other tab."},
        bases={"summary": base},
    )
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {"step": "2", "version": "1", "summary": base + "From this tab.", "base:summary": base},
        **HTMX,
    )
    page = response.content.decode()
    assert "Changed in another window" in page
    assert "From the other tab." in page and "From this tab." in page
    assert "Keep the text in this window" in page and "Use the other window" in page
    # Where they part, said above the two boxes, in whole words (from QA: both boxes opened on
    # the same first lines, the edits at the end).
    before = (base + "From ")[-40:]
    assert (
        f"They part after “…{before}”: this window has “this”, the other window “the other”."
        in html.unescape(page)
    )
    assert Determination.objects.get(pk=determination.pk).clinical_summary.endswith("other tab.")


def test_plain_post_conflict_returns_the_page_with_this_windows_text(client, mine):
    case, reviewer, determination, _ = mine
    base = determination.clinical_summary
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={"summary": base + "Other."},
        bases={"summary": base},
    )
    url = reverse("determination:draft_save", args=[case.case_number])
    data = {"step": "2", "version": "1", "summary": base + "Mine.", "base:summary": base}
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mine.</textarea>" in page
    # The base is now the server's text: saving again keeps this window's text, knowingly.
    data["base:summary"] = base + "Other."
    assert client.post(url, data).status_code == 302
    assert Determination.objects.get(pk=determination.pk).clinical_summary.endswith("Mine.")


def test_plain_save_and_continue_moves_to_the_next_step(client, mine):
    case, _, determination, _ = mine
    key = draft_item_key(determination.decisions.get().pk, "rationale")
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {"step": "3", "version": "1", key: "Why.", f"base:{key}": "", "then": "next"},
    )
    assert response.url == reverse("determination:workspace_step", args=[case.case_number, 4])
    assert determination.decisions.get().rationale == "Why."


def test_a_field_too_long_is_said_and_the_rest_of_the_step_saved(client, mine):
    """From QA: one over-long rationale kept the step's other fields from ever saving."""
    case, _, determination, _ = mine
    summary = determination.clinical_summary
    key = draft_item_key(determination.decisions.get().pk, "rationale")
    posted = {
        "step": "3",
        "version": "1",
        "summary": summary + " Also typed.",
        "base:summary": summary,
        key: "y" * 20_001,
        f"base:{key}": "",
    }
    url = reverse("determination:draft_save", args=[case.case_number])
    page = html.unescape(client.post(url, posted, **HTMX).content.decode())
    assert "Not saved: Item 1 (" in page and "rationale is 20,001 characters long" in page
    assert "The rest is saved" in page
    assert 'id="base-summary"' in page and f'id="base-{key}"' not in page
    assert Determination.objects.get(pk=determination.pk).clinical_summary.endswith("Also typed.")
    # Beside the item, what the draft on file lacks is said as that, under why the box's text
    # is not saved (from QA: "Still needed: Write the rationale" under a full box).
    needs = page.split(f'id="item-needs-{determination.decisions.get().pk}"', 1)[1]
    needs = needs.split("</div>", 1)[0]
    assert (
        "Not saved: Item 1 (" in needs
        and "Until it is, the draft on file keeps what was saved before, and still needs what "
        "is below."
        in needs
    )
    assert "The draft on file still needs:" in needs and "Still needed:" not in needs

    # Without JavaScript: the page comes back with the long text in its box, to be shortened.
    posted["summary"] = summary + " Also typed. And more."
    posted["base:summary"] = summary + " Also typed."
    posted["version"] = "2"
    response = client.post(url, posted)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Not saved: Item 1 (" in page and "y" * 20_001 in page
    # The save bar says so too (from QA: it said "Your text is saved as you type").
    bar = page[page.index('id="save-status"') :]
    bar = bar[: bar.index("</p>")]
    assert "Not saved: Item 1 (" in bar and "saved as you type" not in bar
    assert "The draft on file still needs:" in page
    determination.refresh_from_db()
    assert determination.clinical_summary.endswith("And more.")
    assert determination.decisions.get().rationale == ""


def test_autosave_after_the_session_ended_answers_401_not_the_login_page(client, mine):
    case = mine[0]
    client.logout()
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]), {"summary": "x"}, **HTMX
    )
    assert response.status_code == 401


def test_a_submitted_determination_is_read_only_in_the_workspace(client, mine):
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 2])
    ).content.decode()
    assert "read-only" in page and "data-autosave" not in page
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {"step": "2", "version": "9", "summary": "changed"},
        **HTMX,
    )
    assert "Not saved" in response.content.decode()
    assert Determination.objects.get(pk=determination.pk).clinical_summary != "changed"


# --- Review, preview, submit ------------------------------------------------------------------


def test_review_step_lists_what_is_missing_and_the_warnings(client, mine):
    case, _, determination, _ = mine
    determination.clinical_summary += " " + case.worker_last_name + " reported pain."
    determination.save()
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 4])
    ).content.decode()
    assert "choose Upheld or Overturned" in page
    assert f"the worker&#x27;s name “{case.worker_name}”" in page
    assert 'type="checkbox" name="confirm"' in page


def test_fix_the_text_links_to_the_text_box_not_the_item_heading(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    determination.clinical_summary += " " + case.worker_last_name + " reported pain."
    determination.save()
    decision = determination.decisions.get()
    decision.rationale = f"{case.worker_last_name} has pain. " + decision.rationale
    decision.save()
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 4])
    ).content.decode()
    fixes = re.findall(r'class="warning-list__fix" href="([^"]+)"', page)
    step = lambda n: reverse("determination:workspace_step", args=[case.case_number, n])  # noqa: E731
    assert set(fixes) == {f"{step(2)}#summary", f"{step(3)}#rationale-{decision.pk}"}
    # The anchors are the text boxes themselves.
    assert '<textarea id="summary"' in client.get(step(2)).content.decode()
    assert f'<textarea id="rationale-{decision.pk}"' in client.get(step(3)).content.decode()


def test_the_decisions_step_says_beside_the_item_that_its_conclusion_contradicts_it(client, mine):
    """From QA: an item Overturned with a rationale concluding "not medically necessary" was
    shown as "✓ Decided" on step 3; the warning appeared only on step 4."""
    case, _, determination, _ = mine
    determination_fill(determination, outcomes=("overturned",))
    decision = determination.decisions.get()
    decision.rationale = "No lasting relief is documented, so it is not medically necessary."
    decision.save()
    url = reverse("determination:workspace_step", args=[case.case_number, 3])
    page = client.get(url).content.decode()
    assert "✓ Decided" not in page
    assert "the rationale’s conclusion needs a look" in page
    assert re.search(
        r'class="callout callout--warn[^"]*">Item 1 \([^)]*\) is Overturned \(medically '
        r"necessary\), but its rationale concludes “[^”]*not medically necessary”",
        page,
    )
    # The autosave redraws the item's note with it.
    key = draft_item_key(decision.pk, "rationale")
    saved = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {
            "step": "3",
            "version": str(determination.version),
            key: "The prior block gave lasting relief, so it is medically necessary.",
            f"base:{key}": decision.rationale,
        },
        **HTMX,
    ).content.decode()
    assert "✓ Decided" in saved and "callout--warn" not in saved
    # Confirmed as right on the review step: decided, without the callout.
    decision.refresh_from_db()
    decision.rationale = "No lasting relief is documented, so it is not medically necessary."
    decision.save()
    (warning,) = [w for w in review_warnings(determination) if w.is_about_conclusion]
    client.post(
        reverse("determination:warnings_confirm", args=[case.case_number]),
        {"confirm": [warning.key]},
    )
    page = client.get(url).content.decode()
    assert "✓ Decided, with its guideline and rationale." in page
    assert "callout--warn" not in page


def test_a_rationale_without_a_conclusion_is_said_on_the_decisions_step(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination, rationale="The records were read beside the guideline.")
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 3])
    ).content.decode()
    assert "✓ Decided" not in page and "Still needed" not in page
    assert "the rationale’s conclusion needs a look" in page
    assert "the rationale does not state its conclusion" in page


def test_a_rationale_that_cannot_be_signed_as_it_is_is_not_shown_decided(client, mine):
    """From QA: a phone number in a rationale (which may never be printed) stood under
    "✓ Decided", its link said "Replace or confirm", and step 6 asked to confirm it."""
    case, _, determination, _ = mine
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale += " Call 559-555-0199."
    decision.save()
    step = lambda n: client.get(  # noqa: E731
        reverse("determination:workspace_step", args=[case.case_number, n])
    ).content.decode()
    page = step(3)
    assert "✓ Decided" not in page
    assert "Decided, but the rationale cannot be signed as it is" in page
    assert "Replace it on the review step, or rewrite the text here" in page
    assert "Replace or confirm it" not in page
    sign = step(6)
    assert "1 text to replace or rewrite: it cannot be confirmed." in sign
    assert "warning to confirm" not in sign
    # The review step does not say it with a lone green tick (from QA).
    before_sign = step(4).split('id="before-sign"', 1)[1].split("</div>", 1)[0]
    assert "✓" in before_sign  # complete: every item decided
    assert "1 warning cannot be confirmed: replace or rewrite the text." in before_sign


def test_before_signing_counts_the_warnings_left_as_they_are_confirmed(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    determination.clinical_summary += " " + case.worker_last_name + " reported pain."
    determination.save()
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 4])
    ).content.decode()
    assert "1 warning to confirm as right, or to fix." in page
    (warning,) = [w for w in review_warnings(determination) if w.is_identifier]
    answer = client.post(
        reverse("determination:warnings_confirm", args=[case.case_number]),
        {"confirm": [warning.key]},
        **HTMX,
    ).content.decode()
    # Drawn again beside the warnings, out of band.
    redrawn = answer.split('<div id="before-sign" hx-swap-oob="true">', 1)[1].split("</div>")[0]
    assert "The summary is written, and every item is decided" in redrawn
    assert "warning" not in redrawn


def test_an_undecided_draft_claims_no_checked_rationale_and_its_preview_says_so(client, mine):
    case, _, determination, _ = mine
    step = lambda n: client.get(  # noqa: E731
        reverse("determination:workspace_step", args=[case.case_number, n])
    ).content.decode()
    # Nothing decided yet: no warning, but no claim that every rationale states its conclusion.
    assert "No warnings in what is written so far" in step(4)
    assert "every rationale states a conclusion" not in step(4)
    assert "This draft is not complete yet" in step(5)
    determination_fill(determination)
    assert "every rationale states a conclusion that matches its decision" in step(4)
    assert "This draft is not complete yet" not in step(5)


def test_confirming_a_warning_is_kept(client, mine):
    case, _, determination, _ = mine
    determination.clinical_summary += " " + case.worker_last_name + " reported pain."
    determination.save()
    (warning,) = [w for w in review_warnings(determination) if w.is_identifier]
    response = client.post(
        reverse("determination:warnings_confirm", args=[case.case_number]),
        {"confirm": [warning.key]},
        **HTMX,
    )
    assert "Confirmed as right" in response.content.decode()
    assert Determination.objects.get(pk=determination.pk).warnings_confirmed == [warning.key]


def test_boxes_ticked_in_quick_succession_each_keep_their_answer(client, mine):
    """From QA: two warnings ticked one right after the other saved only the first. Each box
    is sent alone as it changes, with the form as it stood then (the second box's request
    does not know the first's answer, nor the first the second's), and names itself."""
    case, _, determination, _ = mine
    determination_fill(determination)
    determination.clinical_summary += f" {case.worker_last_name} reported pain. Dr. Park agreed."
    determination.save()
    first, second = [w for w in review_warnings(determination) if w.confirmable][:2]
    url = reverse("determination:warnings_confirm", args=[case.case_number])
    page = client.get(reverse("determination:workspace_step", args=[case.case_number, 4]))
    assert f'hx-vals=\'{{"toggled": "{first.key}"}}\'' in page.content.decode()

    # Both sent before either answer came back: each with only its own box ticked.
    client.post(url, {"confirm": [first.key], "toggled": first.key}, **HTMX)
    client.post(url, {"confirm": [second.key], "toggled": second.key}, **HTMX)
    assert sorted(Determination.objects.get(pk=determination.pk).warnings_confirmed) == sorted(
        [first.key, second.key]
    )
    # Unticking one leaves the other.
    client.post(url, {"confirm": [second.key], "toggled": first.key}, **HTMX)
    assert Determination.objects.get(pk=determination.pk).warnings_confirmed == [second.key]


def test_preview_renders_the_letter_template_with_a_strict_policy(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    response = client.get(reverse("letters:workspace_preview", args=[case.case_number]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "CLINICAL CASE SUMMARY" in page and "lumbar radiculopathy" in page
    assert "default-src 'none'" in response["Content-Security-Policy"]
    step5 = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 5])
    ).content.decode()
    assert reverse("letters:workspace_preview", args=[case.case_number]) in step5


def test_signing_through_the_page_needs_the_password(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    url = reverse("determination:determination_submit", args=[case.case_number])
    wrong = client.post(url, {"password": "nope"})
    assert wrong.status_code == 400 and "not your password" in wrong.content.decode()
    right = client.post(url, {"password": PASSWORD})
    assert right.url == reverse("determination:workspace_step", args=[case.case_number, 6])
    page = client.get(right.url).content.decode()
    assert "Signed and submitted" in page
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED


def _sign_page(client, case) -> tuple[str, str]:
    """The sign step's page and the draft's version it shows (what a signature is put on)."""
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 6])
    ).content.decode()
    return page, re.search(r'name="version" value="(\d+)"', page)[1]


def test_signing_a_page_drawn_before_another_window_saved_the_draft_signs_nothing(client, mine):
    """From a QA pass: the sign page showed item 1 upheld, another tab changed it, and the
    signature went on the changed draft without a word."""
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    sign_page, shown = _sign_page(client, case)
    assert "<strong>Upheld</strong>" in sign_page
    decision = determination.decisions.get()
    determination.refresh_from_db()
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={
            draft_item_key(decision.pk, "outcome"): "overturned",
            draft_item_key(decision.pk, "rationale"): (
                "The records document the criteria the guideline sets, so the request is "
                "medically necessary."
            ),
        },
    )

    answer = client.post(
        reverse("determination:determination_submit", args=[case.case_number]),
        {"password": PASSWORD, "version": shown},
    )

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "The draft was changed after this page was opened" in page
    # Where the changed texts are read (from QA: "read the decisions below", which show the
    # outcomes only).
    assert "read the changed texts in the letter&#x27;s preview (step 5), then sign" in page
    assert "<strong>Overturned</strong>" in page  # the decisions as they are now
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.DRAFT
    # Read again, it signs.
    current = re.search(r'name="version" value="(\d+)"', page)[1]
    client.post(
        reverse("determination:determination_submit", args=[case.case_number]),
        {"password": PASSWORD, "version": current},
    )
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.SUBMITTED


def test_a_sign_refused_for_another_windows_edit_says_so_when_that_edit_left_work_to_do(
    client, mine
):
    """From QA: another tab's edit left a warning to confirm; signing in the first tab showed
    only "Not ready to sign yet: 1 warning to confirm", without a word of the other window."""
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    _, shown = _sign_page(client, case)
    decision = determination.decisions.get()
    determination.refresh_from_db()
    determination_autosave(  # a rationale that contradicts its outcome: a warning to confirm
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={
            draft_item_key(decision.pk, "rationale"): decision.rationale
            + " Therefore the request is medically necessary."
        },
    )

    answer = client.post(
        reverse("determination:determination_submit", args=[case.case_number]),
        {"password": PASSWORD, "version": shown},
    )

    page = html.unescape(answer.content.decode())
    assert answer.status_code == 400 and "Not ready to sign yet" in page
    said = page.index("The draft was changed after this page was opened")
    assert said < page.index("Not ready to sign yet")
    # It points at nothing the page does not show (from QA: "the outcomes below").
    assert "this page now shows the draft as it is" in page and "outcomes below" not in page
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.DRAFT


def test_guessing_the_password_at_signing_is_stopped_by_the_lock_out(client, mine, settings):
    """From a security review: signing checked the password with no limit and no audit entry,
    so a session left open was a place to guess it. Wrong ones now count with the sign-in's."""
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    url = reverse("determination:determination_submit", args=[case.case_number])
    for guess in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"password": f"guess {guess}"})

    answer = client.post(url, {"password": PASSWORD})

    assert answer.status_code == 429
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.DRAFT
    assert (
        AuditEvent.objects.filter(action="sign_in_failed", username=reviewer.username).count()
        >= settings.AXES_FAILURE_LIMIT
    )


def test_the_sign_step_says_what_is_missing_instead_of_offering_the_form(client, mine):
    case = mine[0]
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 6])
    ).content.decode()
    assert "Not ready to sign yet" in page and 'name="password"' not in page


def test_the_sign_step_counts_open_warnings_in_words_that_agree(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    sign_step = reverse("determination:workspace_step", args=[case.case_number, 6])
    determination.clinical_summary += " " + case.worker_last_name + " reported pain."
    determination.save()
    page = client.get(sign_step).content.decode()
    assert "1 warning to confirm." in page and ">Review it</a>" in page
    decision = determination.decisions.get()
    decision.rationale = f"{case.worker_last_name} has pain. " + decision.rationale
    decision.save()
    page = client.get(sign_step).content.decode()
    assert "2 warnings to confirm." in page and ">Review them</a>" in page


def test_workspace_page_query_count_does_not_grow_with_items(
    client, django_assert_max_num_queries, settings
):
    reviewer = reviewer_with_profile("REV-Q")
    case, _, determination = case_in_review(reviewer, items=6)
    login(client, reviewer)
    # Step 3's similar decisions rank each item on its own (a case has a few; pinned in
    # tests/test_query_budgets.py); the page's own reads do not grow.
    settings.IMR_SIMILAR_PANELS = False
    for step in (2, 3, 4):
        # The step's reads and the audit log's row for them; the records' sources are read
        # once for the names the public letter must not print; the newest event's id (the
        # page's poll of what others did asks after it).
        with django_assert_max_num_queries(17):
            client.get(reverse("determination:workspace_step", args=[case.case_number, step]))


def test_a_closing_tabs_beacon_is_saved_quietly(client, mine):
    case, _, determination, _ = mine
    base = determination.clinical_summary
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {
            "step": "2",
            "version": "1",
            "summary": base + "Last words.",
            "base:summary": base,
            "beacon": "1",
        },
    )
    assert response.status_code == 204
    assert Determination.objects.get(pk=determination.pk).clinical_summary.endswith("Last words.")


def test_dashboard_query_count_does_not_grow_with_finished_cases(client, django_assert_num_queries):
    reviewer = reviewer_with_profile("REV-FIN", max_open_cases=10)
    login(client, reviewer)

    def finish_cases(count):
        for _ in range(count):
            _, _, determination = case_in_review(reviewer)
            determination_fill(determination)
            Determination.objects.filter(pk=determination.pk).update(
                status=DeterminationStatus.APPROVED
            )

    # The dashboard: the session, the user, the open assignments (a few columns each; every
    # case here is finished, so no row is drawn). The finished history, fetched when its
    # panel is opened: those and the ids of a page of finished cases, the rows drawn
    # with their cases, their items, the determinations and their decisions' outcomes (as
    # values): finished rows print it.
    url = reverse("determination:reviewer_dashboard")
    finish_cases(1)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = client.get(url).content.decode()
    assert "Upheld" not in page and f'hx-get="{url}?finished=1"' in page
    assert 'href="?finished=1#finished"' in page  # the same, without JavaScript
    with django_assert_num_queries(FINISHED_QUERIES):
        client.get(url, {"finished": 1}, HTTP_HX_REQUEST="true")
    finish_cases(3)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(url)
    with django_assert_num_queries(FINISHED_QUERIES):
        fragment = client.get(url, {"finished": 1}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count("Upheld") == 4 and "<html" not in fragment


# ... and the audit log's row for the read (audit.routes). No new assignment here, so no query
# for parties (only a new assignment lists them).
DASHBOARD_QUERIES = 4
FINISHED_QUERIES = 9


def test_the_finished_history_is_paged_most_recent_first(client, monkeypatch):
    """The busiest reviewer has thousands of finished cases: the dashboard shows a page of
    them, the most recent first, with a link to older ones, and no decision's rationale."""
    monkeypatch.setattr(selectors, "FINISHED_PAGE_SIZE", 2)
    reviewer = reviewer_with_profile("REV-PAGE", max_open_cases=10)
    login(client, reviewer)
    numbers = []
    for _ in range(3):
        case, _, determination = case_in_review(reviewer)
        determination_fill(determination)
        determination.decisions.update(rationale="A rationale only the workspace shows.")
        Determination.objects.filter(pk=determination.pk).update(status=DeterminationStatus.ISSUED)
        Assignment.objects.filter(case=case).update(status=AssignmentStatus.COMPLETED)
        numbers.append(case.case_number)
    url = reverse("determination:reviewer_dashboard")
    first = client.get(url + "?finished=1").content.decode()
    finished = first[first.index('id="finished-title"') :]
    assert numbers[2] in finished and numbers[1] in finished and numbers[0] not in finished
    assert "Older finished cases" in finished
    assert "A rationale only the workspace shows." not in first
    second = client.get(url + "?finished=2").content.decode()
    finished = second[second.index('id="finished-title"') :]
    assert numbers[0] in finished and numbers[2] not in finished
    assert "Newer finished cases" in finished and "Older finished cases" not in finished
    # A page past any history (here one whose offset no database takes) shows the first.
    past = client.get(url + "?finished=" + "9" * 25).content.decode()
    assert numbers[2] in past[past.index('id="finished-title"') :]


def test_open_cases_are_paged_due_first_and_counted_whole(client, monkeypatch):
    """A page draws a bounded number of open cases (each with its computed clock), the ones
    due first; the counts above cover every open case."""
    monkeypatch.setattr(selectors, "OPEN_PAGE_SIZE", 2)
    reviewer = reviewer_with_profile("REV-OPEN", max_open_cases=10)
    cases = [case_in_review(reviewer)[0] for _ in range(3)]
    today = dt.date.today()
    for days, case in zip((-2, 5, 9), cases, strict=True):
        case.due_on = today + dt.timedelta(days=days)
        case.save(update_fields=["due_on"])
    login(client, reviewer)
    url = reverse("determination:reviewer_dashboard")
    first = client.get(url).content.decode()
    table = first[first.index('id="current-title"') :]
    assert cases[0].case_number in table and cases[2].case_number not in table
    assert "Open cases 1–2 of 3" in table and "Due later" in table
    assert "<strong>3</strong> open" in first
    second = client.get(url + "?open=2").content.decode()
    table = second[second.index('id="current-title"') :]
    assert cases[2].case_number in table and cases[0].case_number not in table
    assert "Due sooner" in table


def test_the_reviewer_sees_each_items_due_date_and_which_is_due_first(client):
    """Lab. Code 4610.6(d): a drug-formulary item is due in 5 working days, the others in 30;
    the dashboard, the workspace head and the decisions step show which is first."""
    case, reviewer, _ = case_in_review(items=2)
    knee = case.items.get(position=2)
    knee.formulary_dispute = True
    knee.save(update_fields=["formulary_dispute"])
    clock = case.clock
    first_on = clock.item_deadlines[1][1].on
    other_on = clock.item_deadlines[0][1].on
    assert clock.first_item.pk == knee.pk and first_on < other_on
    login(client, reviewer)

    dashboard = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    head = client.get(reverse("determination:workspace_step", args=[case.case_number, 1]))
    decisions = client.get(reverse("determination:workspace_step", args=[case.case_number, 3]))

    for page in (dashboard, head.content.decode()):
        listed = page[page.index("item-due") :]
        knee_line = listed[listed.index(knee.description) :]
        assert knee_line.startswith(f"{knee.description}: due {first_on:%m/%d/%Y} <span")
        assert knee_line.index("Due first") < knee_line.index("</li>")
        assert f": due {other_on:%m/%d/%Y}</li>" in listed  # the other item, not marked
    step = decisions.content.decode()
    knee_panel = step[step.index(f"Item 2</span> {knee.description}") :]
    assert f'Due {first_on:%m/%d/%Y} <span class="badge badge--today">Due first' in knee_panel
    assert "drug-formulary dispute" in knee_panel
    assert "determination</span>" in dashboard  # the running clock named in the Due column


def test_the_review_step_and_the_preview_mark_a_starter_prompt_left_in(client, mine):
    case, _, determination, _ = mine
    determination_fill(determination)
    determination.clinical_summary += " Treatment and diagnostic studies to date have included …."
    determination.save()
    step4 = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 4])
    ).content.decode()
    assert "complete the starter sentence" in step4
    preview = client.get(reverse("letters:workspace_preview", args=[case.case_number]))
    assert '<mark class="placeholder"' in preview.content.decode()
    # A blank at the start of a line or a paragraph, after the preview's <br> or <p>, is
    # marked too (from the review: signing refused it, the preview did not show it), and an
    # ellipsis joined to a word or a quotation mark is not.
    determination.clinical_summary = (
        determination.clinical_summary.split(" Treatment and diagnostic", 1)[0]
        + '\n… due to a fall. The note reads "…no locking" and “cold therapy… as needed”.'
    )
    determination.save()
    preview = client.get(reverse("letters:workspace_preview", args=[case.case_number]))
    assert preview.content.decode().count('<mark class="placeholder"') == 1
    assert '<br><mark class="placeholder" title="Complete this sentence">…</mark> due' in (
        preview.content.decode()
    )


SUBSTITUTE_NOTE = (
    "Lumbar MRI with contrast was the original request. The Claims Administrator authorized "
    "Lumbar X-rays, 3 views, leaving the original request IMR eligible."
)


def test_a_substitute_item_is_described_as_the_letter_prints_it_everywhere(
    client, mine, quality_reviewer
):
    case, reviewer, determination, _ = mine
    case.items.update(
        original_request="Lumbar MRI with contrast",
        authorized_portion="Lumbar X-rays, 3 views",
        authorization_kind="substitute",
    )
    determination_fill(determination)

    def shown(url):
        # The letter holds compounds ("X-rays") together with a word joiner.
        return " ".join(client.get(url).content.decode().replace("\u2060", "").split())

    step3 = shown(reverse("determination:workspace_step", args=[case.case_number, 3]))
    step6 = shown(reverse("determination:workspace_step", args=[case.case_number, 6]))
    preview = shown(reverse("letters:workspace_preview", args=[case.case_number]))
    for page in (step3, step6):
        assert SUBSTITUTE_NOTE in page
        assert "Decide the original request, Lumbar MRI with contrast." in page
        assert "remaining portion" not in page and "Authorized:" not in page
    assert SUBSTITUTE_NOTE + " The original request, Lumbar MRI with contrast is:" in preview

    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    login(client, quality_reviewer)
    quality = shown(reverse("quality:quality_review", args=[case.case_number]))
    assert SUBSTITUTE_NOTE in quality and "remaining portion" not in quality


def test_a_portion_item_keeps_the_remaining_portion_wording(client, mine):
    case, _, determination, _ = mine
    case.items.update(
        original_request="Physical therapy 12 sessions", authorized_portion="Physical therapy 6"
    )
    step3 = " ".join(
        client.get(reverse("determination:workspace_step", args=[case.case_number, 3]))
        .content.decode()
        .split()
    )
    assert (
        "Physical therapy 12 sessions was the original request. Physical therapy 6 was "
        "authorized by the Claims Administrator. Decide the remaining IMR eligible portion"
    ) in step3


def test_submitting_an_incomplete_draft_shows_what_is_missing(client, mine):
    """Posted straight to the sign step (an old tab, a crafted request): the page lists what is
    missing, as the review step does, and nothing is signed."""
    case, _, determination, _ = mine
    response = client.post(
        reverse("determination:determination_submit", args=[case.case_number]),
        {"password": PASSWORD},
    )
    assert response.status_code == 400
    assert "choose Upheld or Overturned" in response.content.decode()
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.DRAFT


# --- Pages opened before the case stopped being the reviewer's ----------------------------------


def test_accepting_in_a_tab_opened_before_declining_says_the_case_was_declined(client):
    """From QA: the accept button of a tab opened before the reviewer declined in another tab
    showed "Page not found"."""
    case = ready_case()
    reviewer = reviewer_with_profile("REV-TWO-TABS")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    client.post(
        reverse("determination:workspace_decline", args=[case.case_number]),
        {"reason": "Travelling"},
    )
    for url in (
        reverse("determination:workspace_accept", args=[case.case_number]),
        reverse("determination:assignment_accept", args=[assignment.pk]),
    ):
        response = client.post(url, {"attest": "on"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("determination:reviewer_dashboard")
        assert (
            f"You declined {case.case_number} on {dt.date.today():%m/%d/%Y}; it is no longer "
            "yours, so nothing was done."
        ) in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLINED


def test_a_page_of_a_case_taken_back_says_so_and_a_stranger_still_gets_404(client, mine):
    case, reviewer, determination, _ = mine
    from reviews.assignment.services import reviewer_unassign

    reviewer_unassign(case=case, actor=UserFactory(), reason="On leave")
    step = reverse("determination:workspace_step", args=[case.case_number, 2])
    submit = reverse("determination:determination_submit", args=[case.case_number])
    for url, data in ((step, None), (submit, {"password": PASSWORD})):
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        assert page.count(f"{case.case_number} was taken back from you on") == 1
    stranger = reviewer_with_profile("REV-STRANGER")
    login(client, stranger)
    assert client.get(step).status_code == 404


def test_signing_twice_says_it_was_already_submitted(client, mine):
    """From QA: a second "Sign and submit" (a double click, a second tab) answered 400 with the
    signed page and no word of why."""
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    url = reverse("determination:determination_submit", args=[case.case_number])
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    response = client.post(url, {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This determination was submitted on " in text
    assert "it is read-only now. Nothing more was done." in text
    assert Determination.objects.get(pk=determination.pk).version == determination.version + 1


def test_saving_a_submitted_draft_says_when_it_was_submitted_as_the_pages_write_times(client, mine):
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    submitted_at = timezone.make_aware(dt.datetime(2026, 12, 2, 18, 4))
    Determination.objects.filter(pk=determination.pk).update(submitted_at=submitted_at)
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {"step": "2", "version": "9", "summary": "changed"},
        **HTMX,
    )
    text = response.content.decode()
    assert "This determination was submitted on 12/02/2026 at 6:04 PM;" in text
    assert "06:04" not in text


def test_accepting_twice_opens_the_workspace(client):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-TWICE")
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory())
    login(client, reviewer)
    url = reverse("determination:workspace_accept", args=[case.case_number])
    client.post(url, {"attest": "on"})
    response = client.post(url, {"attest": "on"}, follow=True)
    assert response.status_code == 200
    assert f"You have already accepted {case.case_number}." in response.content.decode()


def test_signing_after_the_case_was_terminated_says_so(client, mine):
    """From the review: the refusal said "already signed and submitted" of a determination
    never submitted, because an administrator had terminated the case meanwhile."""
    from cases.lifecycle.services import case_terminate

    case, reviewer, determination, _ = mine
    determination_fill(determination)
    case_terminate(
        case=case, actor=UserFactory(role="case_admin"), reason="authorized", note="Approved."
    )
    url = reverse("determination:determination_submit", args=[case.case_number])
    for password in (PASSWORD, "wrong password"):
        text = client.post(url, {"password": password}, follow=True).content.decode()
        assert "The case is terminated; its determination can no longer be changed." in text
        assert "submitted" not in text.split("Nothing more was done.")[0].split("The case is")[-1]
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.DRAFT


def _ticked(client, case, on_step) -> dict[str, bool]:
    url = reverse("determination:workspace_step", args=[case.case_number, on_step])
    bar = client.get(url).content.decode().split('id="stepbar"', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(
        r'<span class="stepbar__num" aria-hidden="true">([^<]*)</span>\s*'
        r'<span class="stepbar__label">([^<]*)</span>',
        bar,
    )
    return {label: tick == "✓" for tick, label in labels}


def test_decisions_are_not_ticked_while_a_rationale_cannot_be_signed(client, mine):
    """From QA: the bar ticked "Decisions" beside "Decided, but the rationale cannot be signed
    as it is"."""
    case, _reviewer, determination, _ = mine
    determination_fill(determination)
    assert _ticked(client, case, on_step=4)["Decisions"]

    decision = determination.decisions.get()
    decision.rationale = decision.rationale.rstrip(".") + " and since the surgery is"
    decision.save()

    ticked = _ticked(client, case, on_step=4)
    assert not ticked["Decisions"] and ticked["Case summary"]


def test_the_summary_step_says_what_it_still_needs(client, mine):
    """From QA: the bar did not tick "Case summary", and only the review step said why."""
    case, reviewer, determination, _ = mine
    determination_fill(determination)
    url = reverse("determination:workspace_step", args=[case.case_number, 2])
    assert 'id="summary-needs"' in client.get(url).content.decode()
    assert "Still needed" not in client.get(url).content.decode().split('id="summary-needs"')[1]

    determination.refresh_from_db()
    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {
            "step": "2",
            "version": determination.version,
            "summary": determination.clinical_summary + " A progress note dated … provides.",
        },
        headers={"HX-Request": "true"},
    )

    needs = response.content.decode().split('id="summary-needs"', 1)[1].split("</div>", 1)[0]
    assert 'hx-swap-oob="true"' in needs
    assert "Still needed:" in needs
    assert (
        "<li>Complete the starter sentence: replace the … in “…medication. A progress note" in needs
    )
    page = client.get(url).content.decode().split('id="summary-needs"', 1)[1]
    assert "Still needed:" in page.split("</div>", 1)[0]
    assert not _ticked(client, case, on_step=3)["Case summary"]


def test_the_notes_above_the_summary_are_redrawn_as_it_is_saved(client, mine):
    """From QA: the note that the letter cannot print an emoji stayed above the box after the
    emoji was deleted and the text saved, until the page was reloaded."""
    case, _reviewer, determination, _ = mine
    determination_fill(determination)
    determination.clinical_summary += " Feels better 😀."
    determination.save()
    url = reverse("determination:workspace_step", args=[case.case_number, 2])
    notes = client.get(url).content.decode().split('id="summary-notes"', 1)[1]
    assert "cannot print: “😀”" in notes.split("</div>", 1)[0]

    response = client.post(
        reverse("determination:draft_save", args=[case.case_number]),
        {
            "step": "2",
            "version": determination.version,
            "summary": determination.clinical_summary.replace(" 😀", ""),
        },
        headers={"HX-Request": "true"},
    )

    notes = response.content.decode().split('id="summary-notes"', 1)[1].split("</div>", 1)[0]
    assert 'hx-swap-oob="true"' in notes
    assert "cannot print" not in notes


def test_the_workspace_left_open_is_told_of_a_record_added_meanwhile(client, mine, case_admin):
    """From QA: a record added while the reviewer wrote was said on the case page, not in the
    workspace, where the reviewer reads the records and signs."""
    case = mine[0]
    page = client.get(reverse("determination:workspace_step", args=[case.case_number, 2]))
    asks = reverse("casefile:case_changed", args=[case.case_number])
    shown = page.content.decode()
    assert 'hx-trigger="every 30s"' in shown.split(f'hx-get="{asks}?', 1)[1].split(">", 1)[0]
    query = html.unescape(shown.split(f'hx-get="{asks}?', 1)[1].split('"', 1)[0])
    question = dict(part.split("=", 1) for part in query.split("&"))
    assert client.get(asks, question, **HTMX).status_code == 204
    record_add(
        case=case, actor=case_admin, uploaded=pdf_upload("late.pdf"), title="Late", kind="medical"
    )
    note = html.unescape(client.get(asks, question, **HTMX).content.decode())
    assert f"Record added by {case_admin.display_name}" in note
    assert '<a href="">Reload the page</a>' in note  # this page, the workspace
