"""Correcting case facts before issue (issue 10): the same rules as intake, an event with the
old and new values, and the deadlines a correction moves."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.eligibility.checks import CheckResult, filed_by, signed
from cases.intake.corrections import case_facts_edit
from cases.intake.services import case_create
from cases.intake.validation import intake_validate
from cases.lifecycle.history import case_history
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from tests.cases.helpers import HTMX
from tests.factories import intake_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(case_admin):
    """A case taken in through intake whose notice of assignment went out electronically."""
    (data,), errors = intake_validate(
        intake_payload(date_assigned="2016-11-04", notice_sent_by="electronic")
    )
    assert not errors
    case = case_create(data=data, actor=case_admin)
    assert case.status == CaseStatus.AWAITING_RECORDS
    return case


def test_a_correction_records_old_and_new_values_and_the_deadline_it_moved(noticed, case_admin):
    records_due = noticed.clock.records_due_on
    result = case_facts_edit(
        case=noticed,
        actor=case_admin,
        changes={
            "notice_sent_by": "mail",
            "claim_number": "05-654321",
            "employer": {"name": "Acme Foods, Inc."},
            "diagnoses": ["right shoulder contusion", "cervical strain"],
            "items": {0: {"description": "MRI of the right shoulder with contrast"}},
        },
    )
    noticed = Case.objects.get(pk=noticed.pk)  # its clock afresh
    assert noticed.notice_sent_by == "mail" and noticed.claim_number == "05-654321"
    assert noticed.party("employer").name == "Acme Foods, Inc."
    assert noticed.items.get().description == "MRI of the right shoulder with contrast"
    # 8 CCR 9792.10.5(a)(1): 15 days after a mailed notice, 12 after an electronic one.
    new_due = noticed.clock.records_due_on
    assert new_due != records_due
    assert noticed.due_on == new_due

    event = CaseEvent.objects.get(case=noticed, type=EventType.FACTS_EDITED)
    assert event.actor == case_admin
    assert {"field": "notice_sent_by", "old": "electronic", "new": "mail"} in event.details[
        "changes"
    ]
    assert {"field": "claim_number", "old": "05-123456", "new": "05-654321"} in event.details[
        "changes"
    ]
    assert event.details["moved"] == [
        {"deadline": "Records due", "from": records_due.isoformat(), "to": new_due.isoformat()}
    ]
    moved = f"Records due moved from {records_due:%m/%d/%Y} to {new_due:%m/%d/%Y}"
    assert moved + "." in result.message
    (lines,) = [
        entry.lines for entry in case_history(noticed) if entry.event.type == EventType.FACTS_EDITED
    ]
    assert "Claim number: 05-123456 → 05-654321" in lines and moved in lines
    assert not any(line.startswith("claim_number") for line in lines)  # said once, by name


def test_a_correction_is_refused_with_intakes_message_and_nothing_changes(noticed, case_admin):
    with pytest.raises(ValidationError) as refused:
        case_facts_edit(case=noticed, actor=case_admin, changes={"date_of_injury": "2016-12-01"})
    assert refused.value.messages == [
        "Date of injury: the injury (12/01/2016) cannot be after the UR decision (11/03/2016)."
    ]
    with pytest.raises(ValidationError, match="is not a way of sending the notice"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"notice_sent_by": "fax"})
    noticed.refresh_from_db()
    assert str(noticed.date_of_injury) == "2016-10-13"
    assert not CaseEvent.objects.filter(type=EventType.FACTS_EDITED).exists()


def test_a_stored_age_never_blocks_a_correction_of_the_dates(noticed, case_admin):
    """From a review: with an age stored beside the date of birth (and the facts page has no
    age field), correcting the date of injury or of birth was refused as disagreeing with it,
    and a case stored with an age that disagreed could not be corrected at all."""
    Case.objects.filter(pk=noticed.pk).update(
        worker_date_of_birth=dt.date(1968, 2, 1), worker_age=20
    )
    case_facts_edit(case=noticed, actor=case_admin, changes={"claim_number": "05-777"})
    case_facts_edit(
        case=Case.objects.get(pk=noticed.pk),
        actor=case_admin,
        changes={"date_of_injury": "2015-10-13"},
    )
    noticed.refresh_from_db()
    assert (noticed.claim_number, str(noticed.date_of_injury)) == ("05-777", "2015-10-13")
    assert noticed.worker_age is None  # the date of birth stands, as intake takes it


def test_an_issued_case_corrects_what_the_letter_prints_never_its_clocks_or_items(
    noticed, case_admin
):
    noticed.status = CaseStatus.ISSUED
    noticed.save()
    received = noticed.application_received
    # What the letter prints about the claim and the worker: corrected, for an amended version
    case_facts_edit(case=noticed, actor=case_admin, changes={"claim_number": "X-1"})
    case_facts_edit(
        case=noticed, actor=case_admin, changes={"injured_worker": {"last_name": "Ruiz-Ortega"}}
    )
    noticed.refresh_from_db()
    assert (noticed.claim_number, noticed.worker_last_name) == ("X-1", "Ruiz-Ortega")
    # What the clocks counted from, and the items decided: refused, nothing changed
    for changes in (
        {"application_received": (received - dt.timedelta(days=1)).isoformat()},
        {"priority": "expedited"},
        {"items_add": [DRUG]},
        {"items": {0: {"description": "Another treatment"}}},
    ):
        with pytest.raises(ValidationError, match="The letter is issued: only what it prints"):
            case_facts_edit(case=noticed, actor=case_admin, changes=changes)
    noticed.refresh_from_db()
    assert noticed.application_received == received and noticed.items.count() == 1
    # A page that posts the dates unchanged with the corrected number is taken
    case_facts_edit(
        case=noticed,
        actor=case_admin,
        changes={"application_received": received.isoformat(), "claim_number": "X-2"},
    )
    noticed.refresh_from_db()
    assert noticed.claim_number == "X-2"


def test_the_facts_page_of_an_issued_case_says_what_may_be_corrected_and_why(admin_client, noticed):
    noticed.status = CaseStatus.ISSUED
    noticed.save()
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    page = admin_client.get(url).content.decode()
    assert 'id="after-issue"' in page and "Issue an amended letter" in page
    assert 'name="application_received" disabled value=' in page
    assert 'name="section" value="item"' not in page  # the items decided are not edited

    done = admin_client.post(url, {"section": "case", "claim_number": "05-777777"}, follow=True)
    text = done.content.decode()
    assert "Corrected Claim number." in text
    assert "use “Issue an amended letter” in the letters panel" in text


def test_the_facts_page_edits_by_plain_post_and_htmx(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    page = admin_client.get(url)
    assert page.status_code == 200 and "05-123456" in page.content.decode()

    refused = admin_client.post(url, {"section": "case", "date_of_injury": "2016-12-01"}, **HTMX)
    # Only the refusal, put beside the form posted: the page is not drawn again, so what was
    # typed in the form stays as typed.
    assert refused["HX-Retarget"] == "#refusal-case" and refused["HX-Reselect"] == "#refusal-case"
    assert refused["HX-Reswap"] == "outerHTML"
    shown = refused.content.decode()
    assert 'id="refusal-case"' in shown and 'role="alert"' in shown
    assert "Date of injury: the injury (12/01/2016) cannot be after the UR decision" in shown
    assert "<form" not in shown
    plain = admin_client.post(url, {"section": "case", "date_of_injury": "2016-12-01"})
    assert plain.status_code == 422 and "cannot be after the UR decision" in plain.content.decode()
    refused = admin_client.post(
        url, {"section": "party", "role": "employer", "name": "", "email": "x"}, **HTMX
    )
    assert refused["HX-Retarget"] == "#refusal-party-employer"
    page = admin_client.get(url).content.decode()
    assert 'id="refusal-party-employer"' in page and 'id="refusal-item-0"' in page

    done = admin_client.post(
        url,
        {
            "section": "case",
            "claim_number": "05-654321",
            "notice_sent_by": "mail",
        },
    )
    assert done.status_code == 302
    noticed.refresh_from_db()
    assert noticed.claim_number == "05-654321"
    case_page = admin_client.get(done["Location"]).content.decode()
    assert "Records due moved from" in case_page


# --- Items added and removed, the records-complete date, the priority -------------------------

DRUG = {
    "description": "Tramadol ER 100 mg #30",
    "category": "pharmaceuticals",
    "formulary_dispute": True,
    "ur_citation": {"kind": "mtus", "text": "MTUS Chronic Pain Medical Treatment Guidelines"},
}


@pytest.fixture
def records_complete(noticed):
    """The noticed case with its records complete on 11/21/2016: the determination clock runs."""
    noticed.records_complete_on = dt.date(2016, 11, 21)
    noticed.status = CaseStatus.RECORDS_COMPLETE
    noticed.save()
    return Case.objects.get(pk=noticed.pk)


def test_an_item_is_added_through_intakes_rules_with_an_event(noticed, case_admin):
    with pytest.raises(ValidationError) as refused:
        case_facts_edit(
            case=noticed, actor=case_admin, changes={"items_add": [{**DRUG, "category": "dme"}]}
        )
    assert refused.value.messages == [
        "Item 2's drug-formulary dispute: "
        "only a pharmaceuticals item can be a drug-formulary dispute."
    ]
    assert noticed.items.count() == 1

    result = case_facts_edit(case=noticed, actor=case_admin, changes={"items_add": [DRUG]})

    added = noticed.items.get(position=2)
    assert added.description == "Tramadol ER 100 mg #30" and added.formulary_dispute
    assert added.ur_citation_kind == "mtus"
    assert result.changes == [
        {"field": "items[1]", "old": None, "new": "Tramadol ER 100 mg #30 (Pharmaceuticals)"}
    ]
    event = CaseEvent.objects.get(case=noticed, type=EventType.FACTS_EDITED)
    assert event.details["changes"] == result.changes
    (lines,) = [lines for e, lines, _ in case_history(noticed) if e.type == EventType.FACTS_EDITED]
    assert "Item 2: (none) → Tramadol ER 100 mg #30 (Pharmaceuticals)" in lines


def test_adding_and_removing_an_item_says_which_deadline_it_moved(records_complete, case_admin):
    standard_due = records_complete.clock.determination_due_on

    added = case_facts_edit(case=records_complete, actor=case_admin, changes={"items_add": [DRUG]})

    case = Case.objects.get(pk=records_complete.pk)
    # Lab. Code 4610.6(d)(1)(A): a drug-formulary dispute is decided within 5 working days,
    # and the case is due on its earliest item.
    formulary_due = case.clock.determination_due_on
    assert formulary_due < standard_due and case.due_on == formulary_due
    assert added.moved == [
        {
            "deadline": "Determination due",
            "from": standard_due.isoformat(),
            "to": formulary_due.isoformat(),
        }
    ]
    assert f"Determination due moved from {standard_due:%m/%d/%Y}" in added.message

    removed = case_facts_edit(case=case, actor=case_admin, changes={"items_remove": [1]})

    case = Case.objects.get(pk=case.pk)
    assert [item.description for item in case.items.all()] == [
        "MRI of the right shoulder without contrast"
    ]
    assert case.clock.determination_due_on == standard_due == case.due_on
    assert removed.changes == [
        {"field": "items[1]", "old": "Tramadol ER 100 mg #30 (Pharmaceuticals)", "new": None}
    ]
    assert removed.moved[0]["to"] == standard_due.isoformat()


def test_removing_the_first_item_closes_up_the_positions(noticed, case_admin):
    case_facts_edit(case=noticed, actor=case_admin, changes={"items_add": [DRUG]})
    case_facts_edit(case=noticed, actor=case_admin, changes={"items_remove": [0]})
    (item,) = noticed.items.all()
    assert (item.position, item.description) == (1, "Tramadol ER 100 mg #30")


def test_a_case_keeps_at_least_one_item(noticed, case_admin):
    with pytest.raises(ValidationError, match="keeps at least one disputed item"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"items_remove": [0]})
    assert noticed.items.count() == 1


def test_items_are_not_added_once_a_reviewer_is_assigned_or_in_a_later_round(noticed, case_admin):
    noticed.status = CaseStatus.REVIEWER_ASSIGNED
    noticed.save()
    with pytest.raises(ValidationError, match="before a reviewer is assigned"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"items_add": [DRUG]})
    noticed.status, noticed.round = CaseStatus.RECORDS_COMPLETE, 2
    noticed.save()
    with pytest.raises(ValidationError, match="before a reviewer is assigned"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"items_remove": [0]})
    # The item's words are still corrected.
    case_facts_edit(
        case=noticed, actor=case_admin, changes={"items": {0: {"description": "MRI, right"}}}
    )
    assert noticed.items.get().description == "MRI, right"


def test_the_records_complete_date_is_corrected_and_moves_the_determination(
    records_complete, case_admin
):
    due = records_complete.clock.determination_due_on
    with pytest.raises(ValidationError, match="before the notice of assignment"):
        case_facts_edit(
            case=records_complete,
            actor=case_admin,
            changes={"records_complete_on": "2016-11-01"},
        )

    result = case_facts_edit(
        case=records_complete, actor=case_admin, changes={"records_complete_on": "2016-11-28"}
    )

    case = Case.objects.get(pk=records_complete.pk)
    assert case.records_complete_on == dt.date(2016, 11, 28)
    # Lab. Code 4610.6(d): 30 days from complete records; a week later, a week later due.
    assert case.clock.determination_due_on == due + dt.timedelta(days=7)
    assert {"field": "records_complete_on", "old": "2016-11-21", "new": "2016-11-28"} in (
        result.changes
    )
    assert result.moved[0]["deadline"] == "Determination due"


def test_the_facts_page_says_a_refused_records_complete_date_beside_it_as_typed(
    admin_client, records_complete
):
    """From QA: "Records cannot be complete before the notice of assignment." was said only at
    the top of "Save the dates", not beside the date."""
    url = reverse("casefile:case_facts_edit", args=[records_complete.case_number])
    said = "Records cannot be complete before the notice of assignment."
    posted = {"section": "case", "records_complete_on": "2016-11-01", "claim_number": "05-123456"}

    plain = admin_client.post(url, posted).content.decode()
    refused = admin_client.post(url, posted, **HTMX).content.decode()

    for page in (plain, refused):
        assert f"<li>{said}</li>" in page.split("Nothing was changed", 1)[1]  # the summary
        field = page.split('id="facts-records-complete-on"', 1)[1].split("</div>", 1)[0]
        assert 'value="2016-11-01"' in field and 'aria-invalid="true"' in field
        assert (
            f'id="id_records_complete_on_error"><span class="visually-hidden">Error: </span>{said}'
            in field
        )
    assert 'id="facts-records-complete-on" class="field--error" hx-swap-oob="true"' in refused
    # Refused for another fact, the date is drawn again as typed with nothing beside it.
    posted |= {"records_complete_on": "2016-11-28", "claim_number": ""}
    again = admin_client.post(url, posted, **HTMX).content.decode()
    field = again.split('id="facts-records-complete-on"', 1)[1].split("</div>", 1)[0]
    assert 'value="2016-11-28"' in field and "field-error" not in field
    records_complete.refresh_from_db()
    assert records_complete.records_complete_on == dt.date(2016, 11, 21)


def test_records_not_yet_complete_have_no_date_to_correct(noticed, case_admin):
    with pytest.raises(ValidationError, match="not marked complete yet"):
        case_facts_edit(
            case=noticed, actor=case_admin, changes={"records_complete_on": "2016-11-28"}
        )


def test_standard_to_expedited_is_refused_and_points_to_the_conversion(noticed, case_admin):
    with pytest.raises(ValidationError, match="Convert to expedited") as refused:
        case_facts_edit(case=noticed, actor=case_admin, changes={"priority": "expedited"})
    assert "9792.10.4(c)" in refused.value.messages[0]
    noticed.refresh_from_db()
    assert noticed.priority == "standard"


def test_expedited_goes_back_to_standard_only_as_an_intake_correction_before_the_notice(
    case_admin,
):
    (data,), errors = intake_validate(intake_payload(priority="expedited"))
    assert not errors
    typed_wrong = case_create(data=data, actor=case_admin)
    assert typed_wrong.date_assigned is None

    case_facts_edit(case=typed_wrong, actor=case_admin, changes={"priority": "standard"})

    assert Case.objects.get(pk=typed_wrong.pk).priority == "standard"

    (data,), _ = intake_validate(
        intake_payload(
            application_id="APP-2",
            priority="expedited",
            date_assigned="2016-11-04",
            notice_sent_by="electronic",
        )
    )
    noticed = case_create(data=data, actor=case_admin)
    with pytest.raises(ValidationError, match="no rule turns an expedited review back"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"priority": "standard"})


def test_a_closed_case_points_to_the_corrected_version(noticed, case_admin):
    noticed.status = CaseStatus.TERMINATED
    noticed.save()
    with pytest.raises(ValidationError, match="Issue an amended letter"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"items_add": [DRUG]})


def test_an_item_added_without_its_category_or_guideline_says_so_in_plain_words(
    admin_client, noticed
):
    """From a QA pass: the facts page answered with the category codes a JSON sender needs
    ("use one of: diagnostic_imaging, ...") and "is required when kind is mtus"."""
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    refused = admin_client.post(
        url,
        {
            "section": "item_add",
            "description": "Lumbar MRI repeat",
            "category": "",
            "ur_citation_kind": "mtus",
            "ur_citation_text": "",
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 422 and noticed.items.count() == 1
    assert "Item 2&#x27;s category is required; choose one from the list." in page
    assert (
        "is required when UR cited MTUS: name the guideline cited, or choose “No citation” if "
        "UR cited none." in page
    )
    assert "(kind mtus)" not in page
    assert "diagnostic_imaging" not in page.split("Nothing was changed")[1].split("</ul>")[0]


def test_the_facts_page_adds_and_removes_items_and_parties(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    page = admin_client.get(url).content.decode()
    assert "Add a disputed item" in page and "(none on the application)" in page

    added = admin_client.post(
        url,
        {
            "section": "item_add",
            "description": "Tramadol ER 100 mg #30",
            "category": "pharmaceuticals",
            "ur_citation_kind": "none",
            "ur_citation_text": "",
            "original_request": "Lumbar MRI with contrast",
            "authorized_portion": "Lumbar X-rays, 3 views",
            "authorization_kind": "substitute",
        },
    )
    assert added.status_code == 302
    item = noticed.items.get(position=2)
    assert item.was_substituted and item.ur_citation_kind == "none"

    removed = admin_client.post(url, {"section": "item_remove", "index": "0"}, **HTMX)
    assert removed.status_code == 200 and removed["HX-Redirect"]
    assert [i.description for i in noticed.items.all()] == ["Tramadol ER 100 mg #30"]
    page = admin_client.get(url).content.decode()
    assert "Remove item 1" not in page  # the last item stays

    refused = admin_client.post(url, {"section": "item_remove", "index": "0"})
    assert refused.status_code == 422
    assert "keeps at least one disputed item" in refused.content.decode()

    attorney = admin_client.post(
        url, {"section": "party", "role": "attorney", "name": "Ruth Alvarez, Esq."}
    )
    assert attorney.status_code == 302
    assert noticed.party("attorney").name == "Ruth Alvarez, Esq."


def test_the_facts_page_sets_a_pharmaceuticals_drug_class(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    assert "Proton-pump inhibitors" in admin_client.get(url).content.decode()
    item = {
        "description": "Tramadol ER 100 mg #30",
        "category": "pharmaceuticals",
        "ur_citation_kind": "none",
        "ur_citation_text": "",
    }
    added = admin_client.post(url, {"section": "item_add", **item, "drug_class": "opioids"})
    assert added.status_code == 302
    assert noticed.items.get(position=2).drug_class == "opioids"
    changed = admin_client.post(
        url, {"section": "item", "index": "1", **item, "drug_class": "muscle_relaxants"}
    )
    assert changed.status_code == 302
    assert noticed.items.get(position=2).get_drug_class_display() == "Muscle relaxants"
    refused = admin_client.post(
        url, {"section": "item", "index": "1", **item, "category": "dme", "drug_class": "nsaids"}
    )
    assert refused.status_code == 422
    assert "only a pharmaceuticals item has a drug class" in refused.content.decode()


def test_the_facts_page_takes_a_guideline_of_unseen_characters_as_none_given(admin_client, noticed):
    """A cited guideline of a zero-width space is no guideline: the same refusal as empty."""
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    item = {
        "section": "item_add",
        "description": "Tramadol ER 100 mg #30",
        "category": "pharmaceuticals",
        "ur_citation_kind": "non_mtus",
    }

    empty = admin_client.post(url, {**item, "ur_citation_text": ""})
    unseen = admin_client.post(url, {**item, "ur_citation_text": "\u200b"})

    required = (
        "is required when UR cited Non-MTUS: name the guideline cited, or choose “No citation” "
        "if UR cited none."
    )
    assert empty.status_code == unseen.status_code == 422
    assert required in empty.content.decode() and required in unseen.content.decode()
    assert noticed.items.count() == 1


def test_the_facts_page_refuses_a_plain_priority_edit_and_points_to_the_conversion(
    admin_client, noticed
):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    page = admin_client.get(url).content.decode()
    assert "Convert to expedited" in page and 'name="priority"' not in page

    refused = admin_client.post(url, {"section": "priority", "priority": "expedited"})

    assert refused.status_code == 422
    assert "Convert to expedited" in refused.content.decode()
    noticed.refresh_from_db()
    assert noticed.priority == "standard"


# --- Other names in the case file (issue 13: the identifier check looks for them) -------------


def test_the_facts_page_keeps_other_names_one_a_line_with_an_event(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    assert "Other names in the case file" in admin_client.get(url).content.decode()

    typed = "Carlos Ruiz\n\n  Maria   Delgado \ncarlos ruiz\r\n"
    done = admin_client.post(url, {"section": "other_names", "other_names": typed})
    assert done.status_code == 302
    noticed.refresh_from_db()
    assert noticed.other_names == ["Carlos Ruiz", "Maria Delgado"]  # blanks and twice dropped
    event = CaseEvent.objects.get(case=noticed, type=EventType.FACTS_EDITED)
    assert event.details["changes"] == [
        {"field": "other_names", "old": "", "new": "Carlos Ruiz; Maria Delgado"}
    ]
    # The textarea shows one a line (&#10; is a line break inside it).
    assert "Carlos Ruiz&#10;Maria Delgado</textarea>" in admin_client.get(url).content.decode()

    admin_client.post(url, {"section": "other_names", "other_names": ""})
    noticed.refresh_from_db()
    assert noticed.other_names == []


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (
            ["Carlos Ruiz", "x" * 201],
            "Other names, line 2: at most 200 characters (one name a line).",
        ),
        (["12345"], "Other names, line 1: “12345” is not a name."),
        (
            ["Ana Ruiz", "Li"],
            "Other names, line 2: “Li” is too short to look for alone; give the full name.",
        ),
        (
            [", Ana"],
            "Other names, line 1: “, Ana” has no family name; write it as “First Last” or "
            "“Last, First”.",
        ),
        ([f"Person {n}" for n in range(31)], "Other names: at most 30 names."),
    ],
)
def test_other_names_that_are_not_names_are_refused_and_nothing_changes(
    noticed, case_admin, lines, said
):
    with pytest.raises(ValidationError) as refused:
        case_facts_edit(case=noticed, actor=case_admin, changes={"other_names": lines})
    assert refused.value.messages == [said]
    noticed.refresh_from_db()
    assert noticed.other_names == []
    assert not CaseEvent.objects.filter(case=noticed, type=EventType.FACTS_EDITED).exists()


def test_the_facts_page_shows_why_other_names_were_refused(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    refused = admin_client.post(url, {"section": "other_names", "other_names": "Ana\n%%%"})
    assert refused.status_code == 422
    assert "Other names, line 2: “%%%” is not a name." in refused.content.decode()


def test_the_history_names_each_corrected_fact_as_the_page_does(noticed, case_admin):
    CaseEvent.objects.create(
        case=noticed,
        type=EventType.FACTS_EDITED,
        actor=case_admin,
        details={
            "changes": [
                {"field": "items[0].formulary_dispute", "old": False, "new": True},
                {"field": "items[0].ur_citation.kind", "old": "mtus", "new": "other"},
                {"field": "items[0].ur_citation.text", "old": "MTUS", "new": "ODG"},
                {"field": "employer.name", "old": "Acme", "new": ""},
                {"field": "injured_worker.date_of_birth", "old": "1968-02-01", "new": "1968-02-11"},
            ],
            "moved": [],
        },
    )
    (lines,) = [
        entry.lines for entry in case_history(noticed) if entry.event.type == EventType.FACTS_EDITED
    ]
    assert lines == [
        "Item 1's drug-formulary dispute: no → yes",
        "Item 1's UR citation kind: mtus → other",
        "Item 1's UR citation text: MTUS → ODG",
        "Employer's name: Acme → (none)",
        "Injured worker's date of birth: 02/01/1968 → 02/11/1968",
    ]


def test_a_corrected_date_assigned_is_said_once_in_the_history(noticed, case_admin):
    case_facts_edit(case=noticed, actor=case_admin, changes={"date_assigned": "2016-11-07"})
    (lines,) = [
        entry.lines for entry in case_history(noticed) if entry.event.type == EventType.FACTS_EDITED
    ]
    dated = [line for line in lines if "11/07/2016" in line]
    assert dated == ["Notice of assignment dated (Date Assigned): 11/04/2016 → 11/07/2016"]


def test_a_page_opened_before_an_item_was_removed_never_changes_another_item(admin_client, noticed):
    # Given a case with two items, and its facts page open in two tabs
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    item = {"category": "pharmaceuticals", "ur_citation_kind": "none", "ur_citation_text": ""}
    admin_client.post(url, {"section": "item_add", "description": "Tramadol ER 100 mg", **item})
    first, second = noticed.items.all()
    stale_page = admin_client.get(url).content.decode()
    # (the second item's forms, as that page drew them: its place and its id)
    assert (
        '<input type="hidden" name="section" value="item_remove"><input type="hidden" '
        f'name="index" value="1"><input type="hidden" name="item" value="{second.pk}">'
    ) in stale_page
    # When the first tab removes the first item (the second moves up to its place)
    admin_client.post(url, {"section": "item_remove", "index": "0", "item": str(first.pk)})
    assert [i.description for i in noticed.items.all()] == ["Tramadol ER 100 mg"]
    # Then the stale tab's edit of "item 2" is refused: the item now first is not touched
    edit = {"section": "item", "index": "1", "item": str(second.pk), **item}
    refused = admin_client.post(url, {**edit, "description": "Tramadol ER 50 mg"}, **HTMX)
    assert "The disputed items changed since this page was opened" in refused.content.decode()
    # and so is its edit or removal of "item 1", which is now another item
    for stale in (
        {"section": "item", "index": "0", "item": str(first.pk), **item, "description": "X-ray"},
        {"section": "item_remove", "index": "0", "item": str(first.pk)},
    ):
        refused = admin_client.post(url, stale)
        assert refused.status_code == 422
        assert "Reload the page to see the items as they are now" in refused.content.decode()
    assert [i.description for i in noticed.items.all()] == ["Tramadol ER 100 mg"]
    assert CaseEvent.objects.filter(case=noticed, type=EventType.FACTS_EDITED).count() == 2


def test_the_facts_page_corrects_the_eligibility_facts_left_not_stated_at_intake(
    admin_client, case_admin
):
    """From QA: "Filed by", "Application signed", "UR decision based on" and "Liability
    disputed" left "Not stated" at intake had no field on the facts page: the screen could only
    be passed by overriding each check, and the history said "despite" facts that were true."""
    (data,), errors = intake_validate(intake_payload())
    assert not errors
    case = case_create(data=data, actor=case_admin)
    assert (case.filed_by, case.application_signed) == ("not_stated", "not_stated")
    assert filed_by(case).result == CheckResult.NEEDS_FINDING
    url = reverse("casefile:case_facts_edit", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    assert "Who filed, and what UR decided" in page
    for name in ("filed_by", "designated_on", "application_signed", "ur_decision_basis"):
        assert f'name="{name}"' in page, name

    # A value intake does not know is refused by intake's rule; nothing changes.
    refused = admin_client.post(
        url, {"section": "application", "filed_by": "the neighbour", "application_signed": "yes"}
    )
    assert refused.status_code == 422
    assert "Nothing was changed" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).application_signed == "not_stated"
    assert Case.objects.get(pk=case.pk).filed_by == "not_stated"

    response = admin_client.post(
        url,
        {
            "section": "application",
            "filed_by": "employee",
            "designated_on": "",
            "application_signed": "yes",
            "ur_decision_basis": "medical_necessity",
            "liability_disputed": "no",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.filed_by, case.application_signed, case.ur_decision_basis) == (
        "employee",
        "yes",
        "medical_necessity",
    )
    assert case.liability_disputed == "no"
    assert filed_by(case).result == signed(case).result == CheckResult.PASSES
    edited = CaseEvent.objects.get(case=case, type=EventType.FACTS_EDITED)
    assert {"field": "filed_by", "old": "not_stated", "new": "employee"} in edited.details[
        "changes"
    ]
    # The history says the values as the form offers them (from QA: "not_stated → employee").
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    text = page.content.decode()
    assert "Filed by: Not stated → The employee" in text
    assert "UR decision based on: Not stated → Medical necessity" in text

    # Once the finding is made, the section is gone: a correction would change nothing decided.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.AWAITING_RECORDS)
    assert "Who filed, and what UR decided" not in admin_client.get(url).content.decode()
