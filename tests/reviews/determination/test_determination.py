"""The guided determination (SPEC section 5): the draft, autosave without lost text, the rules
that block signing, the soft warnings, signing and the derived outcome."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cases.lifecycle.models import CaseEvent, CaseOutcome, CaseStatus, EventType
from reviews.determination.drafting import (
    age_at_injury,
    draft_item_key,
    opening_sentence,
    summary_prompts,
)
from reviews.determination.models import Determination, DeterminationStatus, GuidelineSource
from reviews.determination.services import (
    CITATION_FIELDS,
    DraftConflict,
    determination_autosave,
    determination_draft_get_or_create,
    determination_problems,
    determination_submit,
    determination_warnings_confirm,
)
from reviews.determination.warnings import rationale_conclusion, review_warnings
from tests.factories import (
    PASSWORD,
    CaseFactory,
    case_in_review,
    determination_fill,
    reviewer_with_profile,
)

pytestmark = pytest.mark.django_db


def reload(determination):
    return Determination.objects.get(pk=determination.pk)


def item_key(determination, name, position=1):
    decision = determination.decisions.get(item__position=position)
    return draft_item_key(decision.pk, name)


# --- The draft and its opening sentence -------------------------------------------------------


def test_accepting_creates_the_draft_with_credentials_opening_sentence_and_items():
    case, reviewer, determination = case_in_review(items=2)
    assert determination.reviewer == reviewer
    assert determination.status == DeterminationStatus.DRAFT
    # Full state names and certification names: what the letter prints.
    assert determination.reviewer_licensure == ["California", "Virginia"]
    assert sorted(determination.reviewer_certifications) == ["Anesthesiology", "Pain Management"]
    assert determination.clinical_summary.startswith(
        "The injured worker is a 57 year old female, who sustained an industrial injury on "
        "July 22, 2025."
    )
    assert determination.decisions.count() == 2


def test_expired_licences_are_not_printed():
    reviewer = reviewer_with_profile(
        "REV-OLD", licences=(("CA", "2030-01-01", False), ("NY", "2001-01-01", False))
    )
    _, _, determination = case_in_review(reviewer)
    assert determination.reviewer_licensure == ["California"]


def test_opening_sentence_age_is_taken_at_the_date_of_injury():
    before_birthday = CaseFactory.build(
        worker_date_of_birth=dt.date(1963, 7, 23), date_of_injury=dt.date(2014, 7, 22)
    )
    on_birthday = CaseFactory.build(
        worker_date_of_birth=dt.date(1963, 7, 22),
        date_of_injury=dt.date(2014, 7, 22),
        worker_sex="male",
    )
    assert age_at_injury(before_birthday) == 50
    assert opening_sentence(on_birthday) == (
        "The injured worker is a 51 year old male, who sustained an industrial injury on "
        "July 22, 2014."
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            {"worker_date_of_birth": None, "worker_age": 84, "worker_sex": "female"},
            "The injured worker is an 84 year old female, who sustained",
        ),
        (
            {"worker_sex": "unknown"},
            "The injured worker is 46 years old and sustained",
        ),
        (
            {"worker_date_of_birth": None, "worker_age": None, "worker_sex": "male"},
            "The injured worker is a male who sustained",
        ),
        (
            {"worker_date_of_birth": None, "worker_age": None, "worker_sex": "other"},
            "The injured worker sustained an industrial injury on March 3, 2014.",
        ),
    ],
)
def test_opening_sentence_stays_grammatical_when_a_fact_is_missing(facts, expected):
    facts = {"worker_date_of_birth": dt.date(1968, 2, 1), **facts}
    case = CaseFactory.build(date_of_injury=dt.date(2014, 3, 3), **facts)
    assert opening_sentence(case).startswith(expected)


def test_summary_prompts_offer_the_case_facts_and_see_what_is_covered():
    case, _, determination = case_in_review()
    prompts = {prompt.key: prompt for prompt in summary_prompts(case, "")}
    assert "right shoulder contusion" in prompts["diagnoses"].starter
    assert "The plan includes lumbar sympathetic block" in prompts["request"].starter
    assert "utilization review non-certified" in prompts["ur_action"].starter
    assert not any(prompt.covered for prompt in prompts.values())
    written = opening_sentence(case) + " The injured worker was diagnosed as having CRPS."
    covered = {p.key for p in summary_prompts(case, written) if p.covered}
    assert covered == {"diagnoses"}
    # From QA: the treatment requested ticked "Treatment to date"; a summary must name the
    # treatment given so far for that.
    item = case.items.get()
    item.description = "Physical therapy 2x6"
    item.save(update_fields=["description"])
    written += " The plan includes physical therapy 2x6."
    covered = {p.key for p in summary_prompts(case, written) if p.covered}
    assert "treatment" not in covered and "request" in covered
    # The same treatment given before counts (more therapy after therapy is common).
    before = written + " She has had 12 sessions of physical therapy 2x6 so far."
    assert "treatment" in {p.key for p in summary_prompts(case, before) if p.covered}
    written += " Treatment to date has included medication."
    assert "treatment" in {p.key for p in summary_prompts(case, written) if p.covered}


@pytest.mark.parametrize(
    ("descriptions", "starter"),
    [
        (["Right knee arthroscopy"], "The plan includes right knee arthroscopy."),
        (["MRI of the left knee"], "The plan includes MRI of the left knee."),
        (["TENS unit, 30 day rental"], "The plan includes TENS unit, 30 day rental."),
        (["Norco 10/325 mg #60"], "The plan includes Norco 10/325 mg #60."),
        (
            ["Physical therapy 2x6", "Lyrica 75 mg"],
            "The plan includes physical therapy 2x6 and Lyrica 75 mg.",
        ),
    ],
)
def test_the_request_starter_writes_items_mid_sentence_keeping_acronyms_and_names(
    descriptions, starter
):
    case, _, _ = case_in_review(items=len(descriptions))
    for item, description in zip(case.items.order_by("position"), descriptions, strict=True):
        item.description = description
        item.save(update_fields=["description"])
    prompts = {prompt.key: prompt for prompt in summary_prompts(case, "")}
    assert prompts["request"].starter == starter
    # The hint quotes the items as written, after a colon.
    as_written = " and ".join(descriptions)
    assert prompts["request"].hint == f"What the provider requested: {as_written}."
    assert prompts["ur_action"].starter.endswith(f"the request for {starter[18:]}")


def test_a_draft_needs_an_accepted_assignment():
    case, reviewer, _ = case_in_review()
    stranger = reviewer_with_profile("REV-X")
    with pytest.raises(ValidationError, match="Accept the case"):
        determination_draft_get_or_create(case=case, reviewer=stranger)
    again = determination_draft_get_or_create(case=case, reviewer=reviewer)
    assert Determination.objects.filter(case=case).count() == 1
    assert again.decisions.count() == 1


# --- Autosave ----------------------------------------------------------------------------------


def test_autosave_saves_a_field_and_bumps_the_version():
    _, reviewer, determination = case_in_review()
    base = determination.clinical_summary
    result = determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={"summary": base + "Diagnosed with CRPS."},
        bases={"summary": base},
    )
    assert result.version == 2 and result.changed == ("summary",)
    assert reload(determination).clinical_summary.endswith("Diagnosed with CRPS.")


def test_autosave_of_unchanged_text_changes_nothing():
    _, reviewer, determination = case_in_review()
    text = determination.clinical_summary
    result = determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={"summary": text},
        bases={"summary": text},
    )
    assert result.changed == () and result.version == 1


def test_two_windows_editing_different_fields_are_merged():
    _, reviewer, determination = case_in_review()
    summary, rationale = "summary", item_key(determination, "rationale")
    base_summary = determination.clinical_summary
    # Window A saves the summary; window B, still on version 1, saves the rationale.
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={summary: base_summary + "A's text."},
        bases={summary: base_summary},
    )
    result = determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={rationale: "B's rationale.", summary: base_summary},
        bases={rationale: "", summary: base_summary},
    )
    assert result.merged and result.stale == (summary,)
    fresh = reload(determination)
    assert fresh.clinical_summary.endswith("A's text.")
    assert fresh.decisions.get().rationale == "B's rationale."


def test_two_windows_editing_the_same_field_conflict_and_nothing_is_overwritten():
    _, reviewer, determination = case_in_review()
    base = determination.clinical_summary
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={"summary": base + "Window A."},
        bases={"summary": base},
    )
    with pytest.raises(DraftConflict) as caught:
        determination_autosave(
            determination=determination,
            actor=reviewer,
            version=1,
            changes={"summary": base + "Window B."},
            bases={"summary": base},
        )
    conflict = caught.value
    assert conflict.version == 2
    (field,) = conflict.conflicts
    assert field.server_value.endswith("Window A.") and field.your_value.endswith("Window B.")
    assert reload(determination).clinical_summary.endswith("Window A.")
    # "Keep mine": window B saves again on top of the text it has now seen.
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=conflict.version,
        changes={"summary": base + "Window B."},
        bases={"summary": field.server_value},
    )
    assert reload(determination).clinical_summary.endswith("Window B.")


def test_a_save_without_base_needs_the_current_version():
    _, reviewer, determination = case_in_review()
    key = item_key(determination, "rationale")
    determination_autosave(
        determination=determination, actor=reviewer, version=1, changes={key: "First."}
    )
    with pytest.raises(DraftConflict):
        determination_autosave(
            determination=determination, actor=reviewer, version=1, changes={key: "Second."}
        )
    assert reload(determination).decisions.get().rationale == "First."


@pytest.mark.django_db(transaction=True)
def test_autosave_under_concurrent_edits_loses_nothing():
    """Many windows save at once (threads, each with its own connection): every text ends up
    either saved or handed back in a conflict with the server's text; none disappears."""
    _, reviewer, determination = case_in_review(items=3)
    decisions = list(determination.decisions.order_by("item__position"))
    # Two writers per rationale, each believing the field is empty (base ""), plus one
    # writer on the summary: 7 writers, all with version 1.
    writers = []
    for decision in decisions:
        for window in ("A", "B"):
            key = draft_item_key(decision.pk, "rationale")
            writers.append((key, f"{window} wrote item {decision.item.position}", ""))
    summary = determination.clinical_summary
    writers.append(("summary", summary + "The summary from window C.", summary))
    barrier = threading.Barrier(len(writers))
    outcomes = {}

    def write(index, key, text, base):
        try:
            barrier.wait()
            determination_autosave(
                determination=determination,
                actor=reviewer,
                version=1,
                changes={key: text},
                bases={key: base},
            )
            outcomes[index] = ("saved", None)
        except DraftConflict as conflict:
            outcomes[index] = ("conflict", conflict.conflicts[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(index, *writer))
        for index, writer in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(writers)
    fresh = reload(determination)
    stored = {draft_item_key(d.pk, "rationale"): d.rationale for d in fresh.decisions.all()}
    stored["summary"] = fresh.clinical_summary
    for index, (key, text, _) in enumerate(writers):
        result, conflict = outcomes[index]
        if result == "saved":
            assert stored[key] == text
        else:
            # Refused, never dropped: the window gets its own text and the winner's back.
            assert conflict.your_value == text and conflict.server_value == stored[key]
    # On each rationale exactly one of the two windows won; the summary had no rival.
    assert sorted(r for r, _ in outcomes.values()).count("saved") == len(decisions) + 1
    assert fresh.version == 1 + len(decisions) + 1


def test_autosave_is_refused_to_anyone_but_the_assigned_reviewer():
    _, _, determination = case_in_review()
    other = reviewer_with_profile("REV-OTHER")
    with pytest.raises(ValidationError, match="Only the reviewer assigned"):
        determination_autosave(
            determination=determination, actor=other, version=1, changes={"summary": "x"}
        )


def test_autosave_refuses_a_field_of_another_draft():
    _, reviewer, determination = case_in_review()
    _, _, other = case_in_review(reviewer_with_profile("REV-2"))
    foreign = draft_item_key(other.decisions.get().pk, "rationale")
    with pytest.raises(ValidationError, match="no field"):
        determination_autosave(
            determination=determination, actor=reviewer, version=1, changes={foreign: "x"}
        )


def test_picking_a_catalog_guideline_saves_its_kind_text_and_entry():
    _, reviewer, determination = case_in_review()
    entry = GuidelineSource.objects.get(section="Lumbar Sympathetic Blocks")
    changes = {
        item_key(determination, "guideline"): str(entry.pk),
        item_key(determination, "citation_kind"): entry.citation_kind,
        item_key(determination, "citation_text"): entry.citation_text,
    }
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes=changes,
        bases=dict.fromkeys(changes, ""),
    )
    decision = reload(determination).decisions.get()
    assert decision.guideline == entry
    assert decision.citation_kind == "mtus"
    assert decision.citation_text == (
        "MTUS Chronic Pain Medical Treatment Guidelines 2009 Lumbar Sympathetic Blocks Page(s): 114"
    )


def test_the_catalog_is_seeded_in_evidence_order():
    families = list(GuidelineSource.objects.values_list("family", flat=True))
    assert families.index("mtus") < families.index("acoem") < families.index("odg")
    assert GuidelineSource.objects.filter(family="other").exists()
    titles = {entry.citation_text for entry in GuidelineSource.objects.filter(family="mtus")}
    assert "MTUS ACOEM Elbow Disorders 2007" in titles
    assert "MTUS Chronic Pain Medical Treatment Guidelines 2009 Opioids Page(s): 74-96" in titles


def test_autosave_refuses_an_unknown_outcome():
    _, reviewer, determination = case_in_review()
    key = item_key(determination, "outcome")
    result = determination_autosave(
        determination=determination, actor=reviewer, version=1, changes={key: "maybe"}
    )
    ((refused_key, why),) = result.refused
    assert refused_key == key and why.startswith("Item 1 (")
    assert why.endswith("): decision: choose Upheld or Overturned.")
    assert result.changed == () and reload(determination).version == 1


def test_a_guideline_refused_keeps_its_kind_and_text_unsaved_too():
    """From a review: a guideline entry refused while its kind and text were saved left the
    item citing one source in words and another by its catalog entry."""
    _, reviewer, determination = case_in_review()
    keys = {name: item_key(determination, name) for name in CITATION_FIELDS}
    result = determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={
            keys["citation_kind"]: "non_mtus",
            keys["citation_text"]: "ODG Knee 2019",
            keys["guideline"]: "999999",
            item_key(determination, "rationale"): "Saved: not part of the guideline.",
        },
    )
    assert dict(result.refused).keys() == set(keys.values())
    assert result.refused_said.endswith(
        "guideline (catalog entry): not in the catalog; search again."
    )
    decision = determination.decisions.get()
    assert (decision.citation_kind, decision.citation_text, decision.guideline_id) == ("", "", None)
    assert decision.rationale == "Saved: not part of the guideline."


def test_a_field_refused_leaves_the_others_saved():
    """From QA: one rationale over the limit kept every other field of the step from saving,
    though the message named only the long one."""
    _, reviewer, determination = case_in_review(items=2)
    first, second = determination.decisions.order_by("item__position")
    first_key, second_key = f"item-{first.pk}-rationale", f"item-{second.pk}-rationale"
    result = determination_autosave(
        determination=determination,
        actor=reviewer,
        version=1,
        changes={first_key: "Kept, though the other is too long.", second_key: "x" * 20_001},
        bases={first_key: "", second_key: ""},
    )
    assert result.changed == (first_key,) and result.version == 2
    ((key, why),) = result.refused
    assert key == second_key
    assert why.startswith(f"Item 2 ({second.item.description}): rationale is 20,001 characters")
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.rationale, second.rationale) == ("Kept, though the other is too long.", "")


# --- What blocks signing ----------------------------------------------------------------------


def test_a_fresh_draft_lists_everything_still_missing():
    _, _, determination = case_in_review()
    messages = [problem.message for problem in determination_problems(determination)]
    assert any("clinical case summary" in message for message in messages)
    assert any("choose Upheld or Overturned" in message for message in messages)
    assert any("name the guideline" in message for message in messages)
    assert any("write the rationale" in message for message in messages)


def test_a_rationale_under_forty_characters_is_too_short():
    _, _, determination = case_in_review()
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = "Not medically necessary."
    decision.save()
    (problem,) = determination_problems(determination)
    assert "too short (24 characters; at least 40)" in problem.message


def test_an_mtus_citation_needs_its_text_but_none_needs_nothing():
    _, _, determination = case_in_review()
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.citation_text = ""
    decision.save()
    assert [p.detail for p in determination_problems(determination)] == ["type the citation."]
    decision.citation_kind = "none"
    decision.save()
    assert determination_problems(determination) == []


def test_a_starter_prompt_left_in_the_summary_or_a_rationale_blocks_signing():
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    starter = next(p for p in summary_prompts(case, "") if p.key == "mechanism").starter
    determination.clinical_summary += " " + starter
    determination.save()
    decision = determination.decisions.get()
    decision.rationale = "The guideline recommends ... so the request is not medically necessary."
    decision.save()

    messages = [problem.message for problem in determination_problems(determination)]
    omitted = (
        " (words left out of a quotation are written […], or with the … joined to the word before)."
    )
    assert messages == [
        # Whole words at both ends (from a QA pass: "…n The injured worker").
        "Clinical case summary: complete the starter sentence: replace the … in "
        "“…medication. The injured worker reported … due to ….”" + omitted,
        f"Item 1 ({decision.item.description}): complete the starter sentence: replace the … "
        "in “The guideline recommends ... so the request is not medically…”" + omitted,
    ]
    with pytest.raises(ValidationError, match="complete the starter sentence"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    assert reload(determination).status == DeterminationStatus.DRAFT


@pytest.mark.parametrize(
    "omission", ["[…]", "[...]", "supported…", "supported...", "“…", "…when", "(...when"]
)
def test_words_left_out_of_a_quotation_in_brackets_are_no_blank(omission):
    """From a QA pass: any ellipsis blocked signing as an unfinished starter sentence, so an
    elided guideline quotation could not be signed; from a later one, nor could an ellipsis a
    word processor joined to the word before it ("cold therapy… as needed")."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = (
        f"The MTUS states that imaging is indicated {omission} when red flags are present; none "
        "are documented, so the request is not medically necessary."
    )
    decision.save()

    assert determination_problems(determination) == []


# --- Soft warnings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rationale", "says_necessary"),
    [
        ("Therefore the current request cannot be considered medically necessary.", False),
        ("The request is not medically necessary.", False),
        ("The block is medically necessary for this worker.", True),
        ("Opioids are not recommended first line; here continued use is supported.", True),
        ("The UR decision is upheld.", False),
        ("The request is supported by the guidelines.", True),
    ],
)
def test_the_rationale_conclusion_is_its_last_conclusion_phrase(rationale, says_necessary):
    assert rationale_conclusion(rationale).says_necessary is says_necessary


def test_a_rationale_without_a_conclusion_is_flagged():
    _, _, determination = case_in_review()
    determination_fill(
        determination, rationale="There is limited evidence for this procedure in the records."
    )
    codes = [warning.code for warning in review_warnings(determination)]
    assert codes == [f"conclusion:item{determination.decisions.get().pk}"]


@pytest.mark.parametrize(
    ("body", "warned"),
    [
        (" Mr. Delgado reported left ankle pain due to a fall.", True),
        (" Seen by Dr. Park on 01/02/2026. The MRI showed a tear", False),
        (" The worker fell. Treatment to date has included physical therapy.", False),
    ],
)
def test_a_summary_of_one_sentence_after_its_opening_is_a_warning_to_confirm(body, warned):
    """From QA: a summary of one sentence passed as complete; a published summary gives the
    diagnoses, treatment to date, the latest examination, the request and the UR action."""
    _, reviewer, determination = case_in_review(items=1)
    determination_fill(determination)
    opening = determination.clinical_summary.split(" The injured worker was diagnosed")[0]
    determination.clinical_summary = opening + body
    determination.save()
    short = [w for w in review_warnings(determination) if w.code == "summary:short"]
    assert bool(short) == warned
    if warned:
        assert "The clinical case summary has one sentence after its opening" in short[0].message
        with pytest.raises(ValidationError, match="one sentence after its opening"):
            determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
        determination_warnings_confirm(
            determination=determination, actor=reviewer, keys=[short[0].key]
        )
        determination_submit(determination=reload(determination), actor=reviewer, password=PASSWORD)


def test_a_rationale_cut_off_mid_sentence_is_flagged_as_unfinished_not_contradicted():
    """From QA: "…is recommended for up to 7 days after surgery. Since the surgery is" was
    said to conclude "is recommended", its first sentence; it concludes nothing."""
    _, _, determination = case_in_review(items=1)
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = (
        "Continuous-flow cryotherapy is recommended for up to 7 days after surgery. "
        "Since the surgery is"
    )
    decision.save()
    (warning,) = review_warnings(determination)
    assert warning.code == f"unfinished:item{decision.pk}"
    assert warning.is_about_conclusion  # said beside the item on the decisions step too
    # From QA: ticked, it was signed; a full stop is all it takes, so nothing to tick.
    assert not warning.confirmable
    assert (
        "the rationale ends mid-sentence (“…for up to 7 days after surgery. Since the surgery is”)"
        in (warning.message)
    )
    # Ending on a citation in brackets is finished.
    decision.rationale = "The request is not medically necessary (MTUS, page 114)"
    decision.save()
    assert review_warnings(determination) == []


def test_a_summary_ending_mid_sentence_cannot_be_signed_until_finished():
    """From QA: a summary ending "…after surgery. ok" was signed with no warning, and the
    medical director returned it."""
    _, reviewer, determination = case_in_review(items=1)
    determination_fill(determination)
    determination.clinical_summary += " ok"
    determination.save(update_fields=["clinical_summary"])
    (warning,) = review_warnings(determination)
    assert warning.code == "unfinished:summary" and warning.step == 2
    assert not warning.confirmable
    assert "The clinical case summary ends mid-sentence (“…" in warning.message
    with pytest.raises(ValidationError, match="ends mid-sentence"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination.clinical_summary = determination.clinical_summary.removesuffix(" ok")
    determination.save(update_fields=["clinical_summary"])
    assert review_warnings(determination) == []


def test_an_outcome_its_rationale_contradicts_is_flagged_both_ways():
    _, _, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=("overturned", "upheld"))
    first, second = determination.decisions.order_by("item__position")
    first.rationale = "The guideline criteria are not met, so it is not medically necessary."
    first.save()
    second.rationale = "The worker meets every criterion; the MRI is medically necessary."
    second.save()
    messages = [warning.message for warning in review_warnings(determination)]
    assert len(messages) == 2
    assert "is Overturned (medically necessary), but its rationale concludes" in messages[0]
    assert "is Upheld (not medically necessary), but its rationale concludes" in messages[1]


@pytest.mark.parametrize(
    ("kind", "text", "chosen"),
    [
        ("non_mtus", "MTUS Chronic Pain Medical Treatment Guidelines (2016), page 9", "Non-MTUS"),
        ("non_mtus", "California MTUS, ACOEM Low Back Chapter", "Non-MTUS"),
        ("mtus", "Non-MTUS: ODG Pain Chapter, opioids", "MTUS"),
    ],
)
def test_a_citation_its_kind_contradicts_is_flagged(kind, text, chosen):
    _, _, determination = case_in_review(items=1)
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.citation_kind, decision.citation_text = kind, text
    decision.save()
    (warning,) = review_warnings(determination)
    assert warning.code == f"citation:item{decision.pk}"
    assert f"the guideline is marked {chosen}, but its citation begins “{text[:20]}" in (
        warning.message
    )


def test_a_non_mtus_citation_that_only_mentions_the_mtus_is_not_flagged():
    _, _, determination = case_in_review(items=1)
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.citation_kind = "non_mtus"
    decision.citation_text = "ODG Pain Chapter (the MTUS is silent on this treatment)"
    decision.save()
    assert review_warnings(determination) == []


@pytest.mark.parametrize(
    ("rationale", "warned"),
    [
        ("ODG recommends a 7-day rental after surgery, so it is medically necessary.", True),
        ("The MTUS supports cold therapy; the rental is medically necessary.", True),
        (
            "The CA MTUS does not specifically address cold therapy units. ODG recommends a "
            "7-day rental after surgery, so it is medically necessary.",
            False,
        ),
        ("The MTUS is silent on this device; ODG supports it. It is medically necessary.", False),
        ("The guideline outside the MTUS applies; the unit is medically necessary.", False),
        # From the review: the MTUS addressing it, and saying no, is no reason to cite ODG.
        ("The MTUS does not recommend it, but ODG does. It is medically necessary.", True),
        ("Its benefits outweigh the risks, so it is medically necessary.", True),
        ("This device is not addressed by the MTUS; ODG supports it: medically necessary.", False),
        (
            "The MTUS's presumption of correctness is rebutted by newer evidence; ODG supports "
            "it, so it is medically necessary.",
            False,
        ),
    ],
)
def test_a_guideline_outside_the_mtus_cited_without_saying_why_is_flagged(rationale, warned):
    """8 CCR 9792.21.1(a): the MTUS first, another guideline only where the MTUS does not
    address the treatment or its recommendation is outweighed. From QA: a letter cited ODG
    where the MTUS has a chapter, and its rationale said "The MTUS supports…"."""
    _, _, determination = case_in_review(items=1)
    determination_fill(determination, outcomes=("overturned",))
    decision = determination.decisions.get()
    decision.citation_kind = "non_mtus"
    decision.citation_text = "ODG Knee and Leg Chapter, Continuous-flow cryotherapy"
    decision.rationale = rationale
    decision.save()
    codes = [warning.code for warning in review_warnings(determination)]
    assert codes == ([f"evidence-order:item{decision.pk}"] if warned else [])
    if warned:
        (warning,) = review_warnings(determination)
        assert "The MTUS is searched first (8 CCR 9792.21.1(a))" in warning.message
        assert warning.confirmable  # a soft warning: the reviewer may know better


def test_a_consistent_draft_has_no_warning():
    _, _, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=("upheld", "overturned"))
    assert review_warnings(determination) == []


def test_a_summary_of_several_printed_pages_is_a_warning_to_shorten_or_confirm():
    """From QA: a 16,200-character summary made an 8-page letter without a word."""
    _, _, determination = case_in_review()
    determination_fill(determination)
    sentence = "Physical therapy notes describe the same range of motion each visit. "
    determination.clinical_summary += sentence * 100  # 6,800 characters: a long summary
    determination.save()
    assert review_warnings(determination) == []

    determination.clinical_summary += sentence * 140
    determination.save()
    (warning,) = review_warnings(determination)

    assert warning.code == "long:summary" and warning.confirmable
    length = len(determination.clinical_summary)
    assert warning.message.startswith(f"The clinical case summary is {length:,} characters long")


def test_a_character_the_letter_cannot_print_is_a_warning_where_it_was_typed():
    """From QA: an emoji in the summary reached quality review without a word; the letter's
    typeface has no glyph for it. Accents, curly quotes, dashes and symbols print."""
    _, _, determination = case_in_review()
    determination_fill(determination)
    determination.clinical_summary += " José’s café-style diet — ≥ 5 mg/kg, ½ tablet, 38 °C."
    determination.save()
    assert review_warnings(determination) == []

    determination.clinical_summary += " Feels better 😀."
    determination.save()
    decision = determination.decisions.get()
    decision.rationale = decision.rationale.replace("The", "The 🙂‍", 1)
    decision.save()
    summary, item = review_warnings(determination)

    assert summary.item_id is None and summary.step == 2
    assert summary.message.startswith(
        "The clinical case summary has a character the letter's typeface cannot print: "
        "“😀” (U+1F600). The letter would draw it in another typeface or as an empty box"
    )
    assert item.item_id == decision.pk and item.step == 3
    assert item.message.startswith("Item 1 (")
    assert ": the rationale has a character" in item.message
    assert "“🙂” (U+1F642)." in item.message and "200D" not in item.message
    assert item.anchor == f"rationale-{decision.pk}"
    assert summary.confirmable and item.confirmable
    # One in the guideline's citation leads to its own box (from a review).
    decision.citation_text += " 🚀"
    decision.save()
    citation = review_warnings(determination)[1]
    assert "the guideline's citation has a character" in citation.message
    assert "“🚀” (U+1F680)" in citation.message and citation.anchor == f"ctext-{decision.pk}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ms. Ruiz reported ankle pain.", "worker"),
        ("RUIZ, ANA was seen on 02/19/2015.", "worker"),
        ("See claim {claim} for the history.", "claim"),
        ("Born 02/01/1968, she reported pain.", "dob"),
        ("Born 1968-02-01.", "dob"),
        ("Born February 1, 1968.", "dob"),
        ("Born 2/1/1968.", "dob"),
    ],
)
def test_identifying_details_in_the_summary_are_flagged(text, kind):
    case, _, determination = case_in_review(
        worker_first_name="Ana", worker_last_name="Ruiz", claim_number="05-123456"
    )
    determination.clinical_summary += text.format(claim=case.claim_number)
    determination.save()
    codes = [warning.code for warning in review_warnings(determination)]
    assert f"phi:summary:{kind}" in codes


def test_a_word_that_merely_contains_the_name_is_not_flagged():
    _, _, determination = case_in_review(worker_first_name="Ana", worker_last_name="Lee")
    determination.clinical_summary += "An analgesic was prescribed; the gleeful mood persisted."
    determination.save()
    assert [w for w in review_warnings(determination) if w.is_identifier] == []


def test_identifying_details_in_a_rationale_are_flagged_on_that_item():
    case, _, determination = case_in_review(worker_last_name="Delgado")
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = "Mr. Delgado's records show no relief, so it is not medically necessary."
    decision.save()
    (warning,) = review_warnings(determination)
    assert warning.code == f"phi:item{decision.pk}:worker" and warning.item_id == decision.pk


# --- Signing ----------------------------------------------------------------------------------


def test_submit_signs_the_draft_and_sends_it_to_quality_review():
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    fresh = reload(determination)
    assert fresh.status == DeterminationStatus.SUBMITTED
    assert fresh.decision_date == timezone.localdate()
    assert fresh.submitted_at is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    event = CaseEvent.objects.get(case=case, type=EventType.DETERMINATION_SUBMITTED)
    assert event.actor == reviewer and event.details["outcome"] == "upheld"
    # Read-only from now on.
    with pytest.raises(ValidationError, match="read-only") as caught:
        determination_autosave(
            determination=fresh, actor=reviewer, version=fresh.version, changes={"summary": "x"}
        )
    assert caught.value.code == "read_only"
    with pytest.raises(ValidationError):
        determination_submit(determination=fresh, actor=reviewer, password=PASSWORD)


def test_submit_needs_the_password():
    _, reviewer, determination = case_in_review()
    determination_fill(determination)
    with pytest.raises(ValidationError, match="not your password"):
        determination_submit(determination=determination, actor=reviewer, password="wrong")
    assert reload(determination).status == DeterminationStatus.DRAFT


def test_submit_refuses_an_incomplete_draft():
    _, reviewer, determination = case_in_review()
    with pytest.raises(ValidationError, match="choose Upheld or Overturned"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)


# Pasted from a web page or a Word file: zero-width spaces, word joiners, byte-order marks.
INVISIBLE = "\u200b\u2060\ufeff" * 20


def test_text_that_prints_nothing_is_no_summary_citation_or_rationale():
    """From a QA pass: a summary, citation and rationale of nothing but characters that print
    nothing counted as written, so a letter with blank sections could be signed."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={
            "summary": opening_sentence(case) + " " + INVISIBLE,
            item_key(determination, "citation_text"): INVISIBLE,
            item_key(determination, "rationale"): INVISIBLE,
        },
    )

    with pytest.raises(ValidationError) as refused:
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)

    messages = " ".join(refused.value.messages)
    assert "Write the clinical case summary" in messages
    assert "type the citation." in messages
    assert "write the rationale." in messages
    assert reload(determination).status == DeterminationStatus.DRAFT


def test_submit_refuses_another_reviewer():
    _, _, determination = case_in_review()
    determination_fill(determination)
    other = reviewer_with_profile("REV-OTHER")
    with pytest.raises(ValidationError, match="Only the reviewer assigned"):
        determination_submit(determination=determination, actor=other, password=PASSWORD)


def test_every_warning_must_be_confirmed_and_again_after_the_text_changes():
    case, reviewer, determination = case_in_review(worker_last_name="Delgado")
    determination_fill(determination)
    determination.clinical_summary += " Mr. Delgado reported pain."
    determination.save()
    with pytest.raises(ValidationError, match="Confirm each warning"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    (warning,) = review_warnings(determination)
    determination_warnings_confirm(
        determination=determination, actor=reviewer, keys=[warning.key, "bogus#123"]
    )
    assert reload(determination).warnings_confirmed == [warning.key]
    # The reviewer edits the summary again: the old confirmation no longer covers it.
    text = reload(determination).clinical_summary
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=reload(determination).version,
        changes={"summary": text + " Mr. Delgado walks with a cane."},
        bases={"summary": text},
    )
    with pytest.raises(ValidationError, match="Confirm each warning"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    (changed,) = review_warnings(reload(determination))
    determination_submit(
        determination=determination,
        actor=reviewer,
        password=PASSWORD,
        confirmed_warnings=[changed.key],
    )
    assert reload(determination).status == DeterminationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (("upheld", "upheld"), CaseOutcome.UPHELD),
        (("overturned", "overturned"), CaseOutcome.OVERTURNED),
        (("upheld", "overturned"), CaseOutcome.PARTIALLY_OVERTURNED),
    ],
)
def test_the_case_outcome_is_derived_from_the_item_decisions(outcomes, expected):
    _, _, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=outcomes)
    assert reload(determination).outcome == expected


def test_the_outcome_is_not_derived_while_an_item_is_undecided():
    _, _, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=("upheld",))
    assert reload(determination).outcome is None
