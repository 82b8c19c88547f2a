"""Duplicate applications offered for consolidation (8 CCR 9792.10.4(a))."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.casefile.exports import case_export
from cases.eligibility.duplicates import case_duplicates
from cases.eligibility.services import case_consolidate
from cases.intake.validation import intake_validate
from cases.lifecycle.history import case_history
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType, PartyRole
from tests.cases.helpers import add_record, event_types
from tests.factories import CaseFactory, DisputedItemFactory, PartyFactory, intake_payload

pytestmark = pytest.mark.django_db

S = CaseStatus


def application(status=S.AWAITING_RECORDS, *, physician="NPI-1", item="MRI right shoulder", **kw):
    fields = dict(
        claim_number="05-777",
        worker_last_name="Ruiz",
        date_of_injury=dt.date(2025, 7, 22),
        date_assigned=dt.date(2026, 11, 20),
    )
    fields.update(kw)
    case = CaseFactory(status=status, **fields)
    DisputedItemFactory(case=case, position=1, description=item)
    if physician:
        PartyFactory(
            case=case, role=PartyRole.REQUESTING_PROVIDER, name="Dr. Lee", identifier=physician
        )
    return case


def test_the_same_dispute_is_found_with_what_it_shares():
    kept = application()
    other = application(item="MRI  right shoulder", application_id="A-2")

    [duplicate] = case_duplicates(kept)

    assert duplicate.case == other
    assert "same requesting physician" in duplicate.reasons
    assert "same item: MRI  right shoulder" in duplicate.reasons
    assert duplicate.refusal == ""


@pytest.mark.parametrize("written", ["05777", "05 777", "05/777", "05.777"])
def test_the_same_claim_is_found_however_its_number_is_written(written):
    # A feeder system that drops the dashes, or prints spaces, stops or slashes in their place.
    kept = application()
    other = application(claim_number=written, application_id="A-2")

    [duplicate] = case_duplicates(kept)

    assert duplicate.case == other
    assert f"claim number written “{written}” there" in duplicate.reasons
    assert duplicate.refusal == ""


@pytest.mark.parametrize(
    ("kept_name", "other_name"),
    [
        ("Núñez", "NUNEZ"),
        # From QA: a feeder system that drops the apostrophe and the hyphen.
        ("O'Brien-Núñez", "OBrien Nunez"),
        ("De la Cruz", "Delacruz"),
    ],
)
def test_the_same_worker_typed_without_accents_or_hyphens_is_the_same_dispute(
    kept_name, other_name
):
    kept = application(worker_last_name=kept_name)
    other = application(worker_last_name=other_name, application_id="A-2")

    [duplicate] = case_duplicates(kept)

    assert duplicate.case == other and duplicate.refusal == ""


def test_another_worker_on_the_same_claim_is_no_duplicate():
    kept = application(worker_last_name="Ruiz")
    application(worker_last_name="Ruizz", application_id="A-2")

    assert case_duplicates(kept) == []


def test_another_physician_or_injury_or_a_closed_case_is_no_duplicate():
    kept = application()
    application(physician="NPI-2")
    application(date_of_injury=dt.date(2024, 1, 1))
    application(status=S.TERMINATED)

    assert case_duplicates(kept) == []


def test_an_application_not_yet_eligible_is_listed_but_not_consolidated():
    kept = application()
    application(status=S.RECEIVED)

    [duplicate] = case_duplicates(kept)
    assert "must be found eligible first" in duplicate.refusal


def test_consolidation_copies_the_items_and_records_and_closes_the_duplicate(case_admin):
    kept = application()
    duplicate = application(item="Physical therapy x 12")
    record = add_record(duplicate, case_admin, title="PR-2 of 11/01")

    case_consolidate(kept=kept, duplicate=duplicate, actor=case_admin, note="Same RFA")

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert [i.description for i in kept.items.all()] == [
        "MRI right shoulder",
        "Physical therapy x 12",
    ]
    [copy] = kept.records.all()
    assert copy.sha256 == record.sha256 and copy.file.name == record.file.name
    assert copy.title == f"PR-2 of 11/01 (from {duplicate.case_number})"
    # The duplicate keeps everything it held, closed and linked to the kept case.
    assert duplicate.items.count() == 1 and duplicate.records.count() == 1
    assert duplicate.status == S.TERMINATED
    assert duplicate.consolidated_into == kept
    assert kept.status == S.AWAITING_RECORDS
    # One event on each case.
    assert event_types(kept) == [EventType.CASE_CONSOLIDATED]
    assert event_types(duplicate)[-1] == EventType.CASE_CONSOLIDATED
    assert event_types(duplicate).count(EventType.CASE_CONSOLIDATED) == 1
    kept_event = CaseEvent.objects.get(case=kept)
    assert kept_event.details["duplicate"] == duplicate.case_number
    assert kept_event.details["items"] == 1 and kept_event.details["records"] == 1
    assert (
        f"Consolidated into {kept.case_number} (8 CCR 9792.10.4(a))"
        in case_history(duplicate)[0][1]
    )
    assert any(
        line.startswith(f"Took in {duplicate.case_number}") for line in case_history(kept)[0][1]
    )


def test_consolidation_is_refused_with_its_reason(case_admin):
    kept = application(status=S.IN_REVIEW)
    duplicate = application()
    with pytest.raises(ValidationError, match="must be eligible with no reviewer yet"):
        case_consolidate(kept=kept, duplicate=duplicate, actor=case_admin)

    kept = application(physician="")
    with pytest.raises(ValidationError, match="same requesting physician"):
        case_consolidate(kept=kept, duplicate=duplicate, actor=case_admin)
    assert not CaseEvent.objects.filter(type=EventType.CASE_CONSOLIDATED).exists()


def test_the_case_page_offers_and_does_the_consolidation(admin_client):
    kept = application()
    duplicate = application()
    url = reverse("casefile:case_detail", args=[kept.case_number])
    page = admin_client.get(url).content.decode()
    assert f"Consolidate {duplicate.case_number} into {kept.case_number}" in page

    admin_client.post(
        reverse("casefile:case_consolidate", args=[kept.case_number]),
        {"consolidate-duplicate": duplicate.case_number, "consolidate-confirm": "on"},
    )

    duplicate.refresh_from_db()
    assert duplicate.status == S.TERMINATED and duplicate.consolidated_into == kept


def _consolidate_from_a_stale_page(admin_client, kept, duplicate, **headers) -> str:
    """The Consolidate button of `duplicate`'s row, pressed on `kept`'s page drawn earlier."""
    response = admin_client.post(
        reverse("casefile:case_consolidate", args=[kept.case_number]),
        {
            "consolidate-duplicate": duplicate.case_number,
            "consolidate-note": "Same RFA",
            "consolidate-confirm": "on",
        },
        **headers,
    )
    assert response.status_code == 200
    return response.content.decode()


def _top_of_the_panel(page: str) -> str:
    """The workflow panel up to its first section: where a refusal must be read."""
    panel = page[page.index('id="workflow"') :]
    return panel[: panel.index("</div>")]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain POST", "htmx"])
def test_a_duplicate_closed_meanwhile_is_refused_at_the_top_of_the_panel(
    admin_client, case_admin, htmx
):
    """From a user: a second tab consolidated the duplicate elsewhere; pressing Consolidate on
    the first tab said nothing they could see, as the refusal belonged to a row no longer
    drawn."""
    kept = application()
    duplicate = application()
    elsewhere = application()
    page = admin_client.get(reverse("casefile:case_detail", args=[kept.case_number]))
    assert f"Consolidate {duplicate.case_number} into {kept.case_number}" in page.content.decode()
    case_consolidate(kept=elsewhere, duplicate=duplicate, actor=case_admin)

    page = _consolidate_from_a_stale_page(
        admin_client, kept, duplicate, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
    )

    top = _top_of_the_panel(page)
    assert 'role="alert"' in top
    assert f"Not done, {duplicate.case_number} has changed since that page was opened:" in top
    assert (
        f"{duplicate.case_number} is closed: it was consolidated into {elsewhere.case_number}."
        in top
    )
    assert "Nothing was changed. It is no longer one of the possible duplicates below." in top
    assert f"Open {duplicate.case_number}" in top
    # Said once, and the other rows' forms are not filled with what was typed.
    assert page.count("consolidated into " + elsewhere.case_number) == 1
    assert "Same RFA" not in page
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert [item.description for item in kept.items.all()] == ["MRI right shoulder"]
    assert not kept.records.exists() and event_types(kept) == []
    assert duplicate.consolidated_into == elsewhere


def test_a_duplicate_given_a_reviewer_meanwhile_is_refused_at_the_top_too(admin_client):
    kept = application()
    duplicate = application()
    Case.objects.filter(pk=duplicate.pk).update(status=S.REVIEWER_ASSIGNED)

    page = _consolidate_from_a_stale_page(admin_client, kept, duplicate)

    top = _top_of_the_panel(page)
    assert f"Not done, {duplicate.case_number} has changed since that page was opened:" in top
    assert "The duplicate must be found eligible first, with no reviewer yet" in top
    assert "It is listed below with why it cannot be consolidated now." in top
    assert not CaseEvent.objects.filter(type=EventType.CASE_CONSOLIDATED).exists()


def test_a_consolidation_done_in_another_tab_is_not_done_twice(admin_client, case_admin):
    kept = application()
    duplicate = application()
    case_consolidate(kept=kept, duplicate=duplicate, actor=case_admin)

    page = _consolidate_from_a_stale_page(admin_client, kept, duplicate)

    top = _top_of_the_panel(page)
    assert (
        f"{duplicate.case_number} is already consolidated into {kept.case_number}: its items "
        "and records are in this case." in top
    )
    assert "Nothing was changed, and there is nothing more to do." in top
    assert kept.items.count() == 2
    assert CaseEvent.objects.filter(case=kept, type=EventType.CASE_CONSOLIDATED).count() == 1


def test_a_consolidation_still_offered_keeps_its_errors_on_its_row(admin_client):
    kept = application()
    duplicate = application()
    response = admin_client.post(
        reverse("casefile:case_consolidate", args=[kept.case_number]),
        {"consolidate-duplicate": duplicate.case_number},
    )
    page = response.content.decode()
    assert "Tick the box to confirm the consolidation." in page
    assert 'id="workflow-refused"' not in page


def test_the_export_says_where_a_consolidated_application_went(case_admin):
    kept = application()
    duplicate = application(item="Physical therapy x 12")
    case_consolidate(kept=kept, duplicate=duplicate, actor=case_admin, note="Same RFA")

    exported = case_export(Case.objects.get(pk=duplicate.pk))

    assert exported["status"] == S.TERMINATED
    assert exported["screen"]["consolidated_into"] == kept.case_number
    assert case_export(Case.objects.get(pk=kept.pk))["screen"]["consolidated_into"] is None
    # An export imports again: intake ignores what only the export carries.
    payload = {**intake_payload(), "screen": exported["screen"]}
    assert intake_validate(payload, today=dt.date(2026, 12, 1))[1] == []


def test_the_case_page_lists_ten_duplicates_the_closest_first_and_counts_the_rest(
    admin_client,
):
    """From QA: after 1,000 identical API posts a case page listed every one, each with its
    consolidation form: 108,000 px tall."""
    kept = application()
    others = [application(application_id=f"A-{n}") for n in range(13)]

    page = admin_client.get(reverse("casefile:case_detail", args=[kept.case_number]))

    html = page.content.decode()
    listed = [other.case_number for other in others if f">{other.case_number}</a>" in html]
    assert listed == sorted(other.case_number for other in others)[:10]
    assert html.count(f"into {kept.case_number}</button>") == 10
    assert "Possible duplicate applications (13, the first 10 listed)" in html
    assert "And 3 more, not listed here" in html
    assert 'href="/cases/?q=05-777">open cases of claim 05-777</a>' in html


def test_the_screens_duplicate_check_names_ten_and_counts_the_rest(admin_client):
    received = application(S.RECEIVED)
    others = [application(application_id=f"A-{n}") for n in range(12)]

    page = admin_client.get(reverse("casefile:case_detail", args=[received.case_number]))

    html = page.content.decode()
    first, eleventh = sorted(other.case_number for other in others)[0::10][:2]
    assert f"Possible duplicate applications: {first} (" in html
    assert f"{eleventh} (" not in html
    assert "; and 2 more. Consolidate once both are eligible" in html


def test_the_case_list_link_shows_every_duplicate(admin_client):
    kept = application()
    others = [application(application_id=f"A-{n}") for n in range(12)]

    listing = admin_client.get(reverse("casefile:case_list"), {"q": kept.claim_number})

    html = listing.content.decode()
    assert all(other.case_number in html for other in [kept, *others])
