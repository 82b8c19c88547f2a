"""The public letter names no one (issue 13): the detector of names and identifiers in the
summary and rationales, its one-click neutral replacement on the review step, and the letter
held back (submission, quality approval) while a hit stands unconfirmed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.intake.corrections import OTHER_NAME_MIN_LETTERS, other_names_clean
from cases.lifecycle.models import PartyRole
from cases.records.models import MedicalRecord
from reviews.determination.drafting import draft_item_key
from reviews.determination.identifiers import (
    MIN_NAME_PART,
    PATTERNS,
    case_identifiers,
    hits_replaced,
    identifier_hits,
)
from reviews.determination.models import Determination, DeterminationStatus
from reviews.determination.services import (
    determination_submit,
    determination_warning_replace,
    determination_warnings_confirm,
)
from reviews.determination.warnings import review_warnings
from reviews.quality.services import determination_approve
from tests.factories import (
    PASSWORD,
    PartyFactory,
    case_in_review,
    determination_fill,
    reviewer_with_profile,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def _hits(text, identifiers=PATTERNS):
    return [(hit.identifier.code, hit.found) for hit in identifier_hits(list(identifiers), text)]


# --- The patterns (no database) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "found"),
    [
        ("SSN 123-45-6789 is on file.", "ssn", "123-45-6789"),
        (
            "Her social security number 123456789 was sent.",
            "ssn",
            "social security number 123456789",
        ),
        ("Write to ana.ruiz@example.org today.", "email", "ana.ruiz@example.org"),
        ("Call (559) 555-0142 for results.", "phone", "(559) 555-0142"),
        ("Call 559-555-0142 for results.", "phone", "559-555-0142"),
        ("She lives at 12 Orchard Lane, Fresno.", "address", "12 Orchard Lane"),
        (
            "Seen at 400 N. Clinic Way Suite 210 on Monday.",
            "address",
            "400 N. Clinic Way Suite 210",
        ),
        ("The WCAB case ADJ9876543 is open.", "adj", "ADJ9876543"),
        ("Under claim no. 05-998877 the knee was accepted.", "claim-number", "05-998877"),
        ("DOB: 02/01/1968, right-handed.", "birth-date", "DOB: 02/01/1968"),
        ("She was born on March 3, 1970 in Fresno.", "birth-date", "born on March 3, 1970"),
    ],
)
def test_each_identifier_pattern_finds_its_kind(text, code, found):
    (hit,) = identifier_hits(list(PATTERNS), text)
    assert (hit.identifier.code, hit.found) == (code, found)
    # The offsets point at the hit in the text.
    assert text[hit.start : hit.end] == found


@pytest.mark.parametrize(
    "text",
    [
        "Physical therapy 2 times per week for 6 weeks; 12 visits so far.",
        "The injury of 07/22/2014 involved L4-5 and L5-S1.",
        "MTUS Chronic Pain Medical Treatment Guidelines 2009 Page(s): 114.",
        "VAS pain 7/10, range of motion 90-120 degrees, 1-2 tablets twice daily.",
        "The claim was accepted for the lumbar spine.",
    ],
)
def test_clinical_text_is_not_an_identifier(text):
    assert _hits(text) == []


# --- Names the case file knows ---------------------------------------------------------------


@pytest.fixture
def named_case(db):
    """Ana Ruiz's case: the factory's employer, provider (Dr. Lee Park), claims administrator and
    UR organization, plus an attorney, a UR physician with a two-letter surname and a record
    from a treating facility."""
    case, reviewer, determination = case_in_review(
        worker_first_name="Ana", worker_last_name="Ruiz", claim_number="05-123456"
    )
    PartyFactory(case=case, role=PartyRole.ATTORNEY, name="Morgan Counsel, Esq.")
    PartyFactory(case=case, role=PartyRole.UR_PHYSICIAN, name="Wei Li, M.D.")
    record = MedicalRecord.objects.create(
        case=case, title="PR-2", source="Valley Orthopedic Center", file="records/x.pdf"
    )
    MedicalRecord.objects.create(
        case=case, title="UR letter", source="Claims administrator", file="records/y.pdf"
    )
    return case, reviewer, determination, record


@pytest.mark.parametrize(
    ("text", "code", "found", "replacement"),
    [
        ("Ana Ruiz reported pain.", "worker", "Ana Ruiz", "the injured worker"),
        ("Per the file, Ruiz, Ana reported pain.", "worker", "Ruiz, Ana", "the injured worker"),
        ("Later ms. RUIZ reported pain.", "worker", "ms. RUIZ", "the injured worker"),
        ("Seen: Ana M. Ruiz, age 51.", "worker", "Ana M. Ruiz", "the injured worker"),
        # A lower-case word between is no middle name: the surname alone is the hit.
        ("Ana and Ruiz met.", "worker", "Ruiz", "the injured worker"),
        # The family by the surname, in the plural (from QA: signed into the public letter).
        ("The Ruizes report he cannot kneel.", "worker", "Ruizes", "the injured worker"),
        ("Dr. Park requested the block.", "party-requesting_provider", "Dr. Park", ""),
        ("Dr. Lee Park requested it.", "party-requesting_provider", "Dr. Lee Park", ""),
        ("Park, Lee requested it.", "party-requesting_provider", "Park, Lee", ""),
        ("She works at Acme Foods, Inc. as a cook.", "party-employer", "Acme Foods, Inc.", ""),
        ("Pacific Claims Services denied it.", "party-claims_administrator", "", ""),
        ("Mr. Counsel filed the application.", "party-attorney", "Mr. Counsel", ""),
        ("Wei Li modified the request.", "party-ur_physician", "Wei Li", "the UR physician"),
        ("Coastal UR modified the request.", "party-ur_organization", "Coastal UR", ""),
        ("Seen at Valley Orthopedic Center.", "record", "Valley Orthopedic Center", ""),
    ],
)
def test_each_name_of_the_case_file_is_found(named_case, text, code, found, replacement):
    case, _, _, record = named_case
    hits = identifier_hits(case_identifiers(case), text)
    assert len(hits) == 1
    (hit,) = hits
    assert hit.identifier.code.startswith(code)
    if found:
        assert hit.found == found == text[hit.start : hit.end]
    if replacement:
        assert hit.identifier.replacement == replacement


@pytest.mark.parametrize(
    "text",
    [
        # A short surname alone (Li) and an everyday word that is a surname (park, counsel).
        "Li was not documented; the patient walks in the park with legal counsel.",
        # A word that merely contains a name; a role word as a record's source.
        "An analgesic helped; the claims administrator denied it.",
    ],
)
def test_short_parts_and_everyday_words_are_not_names(named_case, text):
    case = named_case[0]
    assert identifier_hits(case_identifiers(case), text) == []


def test_replacement_is_neutral_and_starts_a_sentence_capitalized(named_case):
    case = named_case[0]
    text = "Ms. Ruiz reported pain; Dr. Park saw Ruiz. Call 559-555-0142."
    hits = identifier_hits(case_identifiers(case), text)
    assert hits_replaced(text, hits) == (
        "The injured worker reported pain; the requesting physician saw the injured worker. "
        "Call [phone number removed]."
    )


def test_a_name_ending_a_sentence_with_its_own_period_keeps_the_sentence_ended(named_case):
    # From a QA pass: "at Acme Foods, Inc. Treatment…" became "at the employer Treatment…".
    case = named_case[0]
    text = "She lifted boxes at Acme Foods, Inc. Treatment has included rest. Acme Foods, Inc."
    hits = identifier_hits(case_identifiers(case), text)
    assert hits_replaced(text, hits) == (
        "She lifted boxes at the employer. Treatment has included rest. The employer."
    )
    # Inside a sentence the period goes with the name.
    text = "She works at Acme Foods, Inc. as a cook."
    hits = identifier_hits(case_identifiers(case), text)
    assert hits_replaced(text, hits) == "She works at the employer as a cook."


@pytest.mark.parametrize(
    ("text", "replaced"),
    [
        # From QA: "The the injured worker family reports locking."
        ("The Ruiz family reports locking.", "The injured worker's family reports locking."),
        ("She lives with the Ruiz household.", "She lives with the injured worker's household."),
        ("Ana Ruiz's MRI shows a tear.", "The injured worker's MRI shows a tear."),
        # From a review: a name after "the" that is a noun stays one.
        (
            "He worked for the Acme Foods, Inc. for ten years.",
            "He worked for the employer for ten years.",
        ),
        ("The Acme Foods, Inc. is the employer.", "The employer is the employer."),
        ("He is the Ruiz who called.", "He is the injured worker who called."),
        ("Seen by the Park.", "Seen by the requesting physician."),
        ("A Ruiz relative drives.", "The injured worker's relative drives."),
        ("She has a Ruiz relative.", "She has the injured worker's relative."),
        # "A" and "An" inside a sentence, or after a title, are a letter or a first name.
        ("Exhibit A\nRuiz reports fatigue.", "Exhibit A\nThe injured worker reports fatigue."),
        ("See exhibit A Ruiz notes.", "See exhibit A the injured worker notes."),
    ],
)
def test_a_name_after_the_article_is_replaced_without_a_second_article(named_case, text, replaced):
    case = named_case[0]
    hits = identifier_hits(case_identifiers(case), text)
    assert hits_replaced(text, hits) == replaced


def test_each_hit_is_a_warning_of_its_text_with_where_it_is(named_case):
    case, _, determination, _ = named_case
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = (
        "Dr. Park asked again; Ruiz, Ana has no relief, so not medically necessary."
    )
    decision.save()
    determination.clinical_summary += " Ana Ruiz and ana ruiz again."
    determination.save()
    warnings = {w.code: w for w in review_warnings(determination) if w.is_identifier}
    summary = warnings["phi:summary:worker"]
    assert summary.field == "summary" and "(2 times)" in summary.message
    assert "written" not in summary.message  # the name as the warning quotes it
    assert [e.found for e in summary.excerpts] == ["Ana Ruiz", "ana ruiz"]
    item = warnings[f"phi:item{decision.pk}:worker"]
    assert item.field == draft_item_key(decision.pk, "rationale") and item.item_id == decision.pk
    assert item.excerpts[0].before.endswith("asked again; ")
    assert f"phi:item{decision.pk}:party-requesting_provider" in warnings


def test_a_warning_quotes_the_name_as_the_text_writes_it(named_case):
    # From a QA pass: "Ms. Ruiz" was reported as "the worker's name “Ana Ruiz”", which the
    # reviewer could not find in the text.
    case, _, determination, _ = named_case
    determination_fill(determination)
    determination.clinical_summary += " Ms. Ruiz reported relief."
    determination.save()
    (warning,) = [w for w in review_warnings(determination) if w.code == "phi:summary:worker"]
    assert "the worker's name “Ana Ruiz”, written “Ms. Ruiz”." in warning.message


# --- The replacement on the review step ---------------------------------------------------------


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _summary_warning(determination):
    fresh = Determination.objects.get(pk=determination.pk)
    return next(w for w in review_warnings(fresh) if w.code == "phi:summary:worker")


def test_one_click_replaces_the_name_and_the_warning_goes(client, named_case):
    case, reviewer, determination, _ = named_case
    determination.clinical_summary += " Ms. Ruiz reported pain. Ruiz walks with a cane."
    determination.save()
    warning = _summary_warning(determination)
    _login(client, reviewer)
    response = client.post(
        reverse("determination:warning_replace", args=[case.case_number]),
        {"warning": warning.key},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "the worker&#x27;s name" not in page
    fresh = Determination.objects.get(pk=determination.pk)
    assert fresh.clinical_summary.endswith(
        " The injured worker reported pain. The injured worker walks with a cane."
    )
    assert fresh.version == determination.version + 1


def test_without_javascript_the_replacement_returns_to_the_review_step(client, named_case):
    case, reviewer, determination, _ = named_case
    determination.clinical_summary += " Call 559-555-0142."
    determination.save()
    fresh = Determination.objects.get(pk=determination.pk)
    (warning,) = [w for w in review_warnings(fresh) if w.is_identifier]
    _login(client, reviewer)
    response = client.post(
        reverse("determination:warning_replace", args=[case.case_number]),
        {"warning": warning.key},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/step/4/")
    assert "Replaced. The draft is saved." in response.content.decode()
    assert Determination.objects.get(pk=determination.pk).clinical_summary.endswith(
        " Call [phone number removed]."
    )


@pytest.mark.parametrize("key", ["", "phi:summary:worker#0000000000000000", "x" * 500])
def test_a_stale_or_bogus_warning_changes_nothing(client, named_case, key):
    case, reviewer, determination, _ = named_case
    determination.clinical_summary += " Ms. Ruiz reported pain."
    determination.save()
    before = Determination.objects.get(pk=determination.pk)
    _login(client, reviewer)
    response = client.post(
        reverse("determination:warning_replace", args=[case.case_number]),
        {"warning": key},
        **HTMX,
    )
    assert "That warning no longer stands" in response.content.decode()
    after = Determination.objects.get(pk=determination.pk)
    assert (after.clinical_summary, after.version) == (before.clinical_summary, before.version)


def test_a_warning_that_is_not_a_name_has_no_replacement(named_case):
    _, reviewer, determination, _ = named_case
    determination_fill(determination, rationale="There is limited evidence for this procedure.")
    (warning,) = review_warnings(Determination.objects.get(pk=determination.pk))
    assert warning.code.startswith("conclusion:")
    with pytest.raises(ValidationError, match="no longer stands"):
        determination_warning_replace(determination=determination, actor=reviewer, key=warning.key)


def test_another_reviewer_cannot_replace_in_a_draft_not_theirs(client, named_case):
    case, _, determination, _ = named_case
    determination.clinical_summary += " Ms. Ruiz reported pain."
    determination.save()
    warning = _summary_warning(determination)
    other = reviewer_with_profile("REV-OTHER")
    case_in_review(other, claim_number="88-111111")
    _login(client, other)
    response = client.post(
        reverse("determination:warning_replace", args=[case.case_number]),
        {"warning": warning.key},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="Only the reviewer assigned"):
        determination_warning_replace(determination=determination, actor=other, key=warning.key)
    assert "Ms. Ruiz" in Determination.objects.get(pk=determination.pk).clinical_summary


def test_the_review_step_shows_the_hit_marked_with_its_replace_button(client, named_case):
    case, reviewer, determination, _ = named_case
    determination.clinical_summary += " Seen by Dr. Park at Valley Orthopedic Center."
    determination.save()
    _login(client, reviewer)
    page = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 4])
    ).content.decode()
    assert "<mark>Dr. Park</mark>" in page
    assert "Replace with “the requesting physician”" in page
    assert "Replace with “the treating facility”" in page
    step2 = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 2])
    ).content.decode()
    assert "<mark>Dr. Park</mark>" in step2 and "Replace or confirm it on the review step" in step2


# --- Held back until confirmed ------------------------------------------------------------------


def test_submission_waits_for_every_hit_and_a_confirmed_one_passes(named_case):
    _, reviewer, determination, _ = named_case
    determination_fill(determination)
    determination.clinical_summary += " The clinic is at 1200 Harbor Boulevard."
    determination.save()
    with pytest.raises(ValidationError, match="a street address"):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    (warning,) = review_warnings(Determination.objects.get(pk=determination.pk))
    determination_warnings_confirm(determination=determination, actor=reviewer, keys=[warning.key])
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (" SSN 123-45-6789.", "a social security number"),
        (" Her phone is 559-555-0142.", "a phone number"),
        (" Reach her at ana@example.org.", "an e-mail address"),
    ],
)
def test_what_the_public_letter_may_never_print_cannot_be_confirmed_only_replaced(
    named_case, text, what
):
    """From QA: a social security number, ticked as right, was printed in the public letter
    the state publishes. Nothing to tick: the reviewer replaces it or rewrites the text."""
    _, reviewer, determination, _ = named_case
    determination_fill(determination)
    determination.clinical_summary += text
    determination.save()
    (warning,) = review_warnings(Determination.objects.get(pk=determination.pk))
    assert not warning.confirmable and "it may never be printed there" in warning.message

    confirmed = determination_warnings_confirm(
        determination=determination, actor=reviewer, keys=[warning.key]
    )

    assert confirmed == []
    with pytest.raises(
        ValidationError, match=f"replace or rewrite what cannot be confirmed:.*{what}"
    ):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination_warning_replace(determination=determination, actor=reviewer, key=warning.key)
    determination_submit(
        determination=Determination.objects.get(pk=determination.pk),
        actor=reviewer,
        password=PASSWORD,
    )
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED


def test_approval_refuses_what_may_never_be_printed_even_if_confirmed_before(
    named_case, quality_reviewer
):
    # Given a determination submitted before the rule, its SSN ticked as right then
    _, reviewer, determination, _ = named_case
    determination_fill(determination)
    determination.save()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    fresh = Determination.objects.get(pk=determination.pk)
    fresh.clinical_summary += " SSN 123-45-6789."
    (warning,) = review_warnings(fresh)
    fresh.warnings_confirmed = [warning.key]
    fresh.save()

    # Then the medical director cannot issue the letter that would print it
    with pytest.raises(ValidationError, match="The letter cannot be issued"):
        determination_approve(determination=fresh, actor=quality_reviewer)


def test_approval_refuses_a_hit_the_reviewer_never_confirmed(client, named_case, quality_reviewer):
    case, reviewer, determination, _ = named_case
    determination_fill(determination)
    determination.clinical_summary += " Treated by Dr. Osei."
    determination.save()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    # The UR physician's name corrected after signing: the submitted text now names them.
    case.parties.filter(role=PartyRole.UR_PHYSICIAN).update(name="Kwame Osei")
    fresh = Determination.objects.get(pk=determination.pk)
    with pytest.raises(ValidationError, match="The letter cannot be issued"):
        determination_approve(determination=fresh, actor=quality_reviewer)
    _login(client, quality_reviewer)
    response = client.post(reverse("quality:quality_approve", args=[case.case_number]), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The letter cannot be issued" in page and "Kwame Osei" in page
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED


# --- Other names in the case file ---------------------------------------------------------------


def test_a_family_member_named_in_a_rationale_is_flagged_and_replaced(client, named_case):
    case, reviewer, determination, _ = named_case
    case.other_names = ["Carlos Ruiz", "Maria Delgado"]
    case.save()
    determination_fill(determination)
    decision = determination.decisions.get()
    decision.rationale = (
        "Her husband Carlos Ruiz drives her; Ms. Delgado, her sister, helps at home. "
        "Ruiz reports no relief."
    )
    decision.save()
    fresh = Determination.objects.get(pk=determination.pk)
    warnings = [w for w in review_warnings(fresh) if w.item_id == decision.pk and w.is_identifier]
    # The spouse's full name is his, though he shares the worker's surname; the bare surname
    # stays the worker's.
    by_found = {e.found: w for w in warnings for e in w.excerpts}
    assert set(by_found) == {"Carlos Ruiz", "Ms. Delgado", "Ruiz"}
    assert by_found["Carlos Ruiz"].replacement == "a family member"
    assert "other names in the case file" in by_found["Carlos Ruiz"].message
    assert by_found["Ruiz"].replacement == "the injured worker"

    _login(client, reviewer)
    for found in ("Carlos Ruiz", "Ms. Delgado"):
        current = Determination.objects.get(pk=determination.pk)
        warning = next(w for w in review_warnings(current) for e in w.excerpts if e.found == found)
        response = client.post(
            reverse("determination:warning_replace", args=[case.case_number]),
            {"warning": warning.key},
            **HTMX,
        )
        assert response.status_code == 200
    assert Determination.objects.get(pk=determination.pk).decisions.get().rationale == (
        "Her husband a family member drives her; a family member, her sister, helps at home. "
        "Ruiz reports no relief."
    )


def test_a_first_name_alone_among_other_names_is_looked_for(named_case):
    case = named_case[0]
    case.other_names = ["Lupe", "Ana Ruiz"]  # the worker's own name is hers, not a relative's
    hits = identifier_hits(case_identifiers(case), "Lupe brings Ana Ruiz to visits.")
    assert [(hit.found, hit.identifier.replacement) for hit in hits] == [
        ("Lupe", "a family member"),
        ("Ana Ruiz", "the injured worker"),
    ]


def test_every_other_name_the_facts_page_takes_is_looked_for(named_case):
    """The facts page refuses the names the check could not look for (too short alone, no
    family name); whatever it takes, the check builds a pattern for."""
    case = named_case[0]
    for name in ("Tomas Vega", "Vega, Tomas", "Dr. Bo Li", "Lupe", "Marta E. Solis-Ortiz"):
        assert other_names_clean([name]) == [name]
        case.other_names = [name]
        assert any(f"“{name}”" in i.what for i in case_identifiers(case)), name
    assert OTHER_NAME_MIN_LETTERS == MIN_NAME_PART


@pytest.mark.parametrize(
    ("first", "last", "text", "found"),
    [
        ("Zoë", "Ng-Åström", "Ms. Ng-Astrom reports pain.", "Ms. Ng-Astrom"),
        ("Zoë", "Ng-Åström", "Ms. Ng Astrom was examined.", "Ms. Ng Astrom"),
        ("Zoë", "Ng-Åström", "Zoe Ng-Astrom signed.", "Zoe Ng-Astrom"),
        (
            "Zoë",
            "Ng-Åström",
            "Seen: Ms. Ng\u2010\u00c5stro\u0308m.",
            "Ms. Ng\u2010\u00c5stro\u0308m",
        ),
        ("Luis", "O'Brien", "Mr. O’Brien returned.", "Mr. O’Brien"),
        ("Luis", "O'Brien", "Mr. OBrien returned.", "Mr. OBrien"),
        ("José", "García", "JOSE GARCIA was seen.", "JOSE GARCIA"),
        ("Jose", "Garcia", "Mr. García was seen.", "Mr. García"),
    ],
)
def test_the_workers_name_is_found_as_people_type_it(db, first, last, text, found):
    """From a QA pass: the public letter printed "Ms. Ng-Astrom", "Zoe Ng-Astrom" and
    "Mr. O’Brien" (the worker Zoë Ng-Åström, Luis O'Brien) with "No warnings": only the exact
    spellings were flagged."""
    case, _, _ = case_in_review(worker_first_name=first, worker_last_name=last)
    hits = identifier_hits(case_identifiers(case), text)
    assert [(hit.identifier.code, hit.found) for hit in hits] == [("worker", found)]


LRM, ZWSP, SOFT_HYPHEN = "\u200e", "\u200b", "\u00ad"


def test_an_identifier_with_unseen_characters_inside_is_found_and_replaced_whole(named_case):
    """From the notes: a social security number with a direction mark inside (pasted from a
    PDF) was not flagged, and the public letter would print it. Format characters print
    nothing, so the text is read without them, and the replacement takes them too."""
    case = named_case[0]
    ssn, claim = f"123-{LRM}45-6789", f"05-{ZWSP}123456"
    name = f"Ms. R{SOFT_HYPHEN}uiz"
    text = f"SSN {ssn}. Claim {claim}. {name} reports pain."
    hits = identifier_hits(case_identifiers(case), text)
    assert [(hit.identifier.code, hit.found) for hit in hits] == [
        ("ssn", ssn),
        ("claim", claim),
        ("worker", name),
    ]
    assert hits_replaced(text, hits) == (
        "SSN [social security number removed]. Claim [claim number removed]. "
        "The injured worker reports pain."
    )


def test_a_zero_width_space_between_words_still_parts_them(named_case):
    """From a review: read without its format characters, "Ruiz\u200breports" joined into one
    word and the name, a social security and a claim number beside such a space were missed."""
    case = named_case[0]
    text = f"Ana Ruiz{ZWSP}reports pain. SSN{ZWSP}123-45-6789. Claim{ZWSP}05-123456 open."
    hits = identifier_hits(case_identifiers(case), text)
    assert [(hit.identifier.code, hit.found) for hit in hits] == [
        ("worker", "Ana Ruiz"),
        ("ssn", "123-45-6789"),
        ("claim", "05-123456"),
    ]
    email = identifier_hits(case_identifiers(case), f"email{ZWSP}ana@example.org")
    assert [hit.found for hit in email] == ["ana@example.org"]


def test_a_name_the_case_file_holds_with_a_direction_mark_is_found_without_it(db):
    case, _, _ = case_in_review(worker_first_name="Ana", worker_last_name=f"Ruiz{LRM}")
    hits = identifier_hits(case_identifiers(case), "Ana Ruiz reports pain.")
    assert [(hit.identifier.code, hit.found) for hit in hits] == [("worker", "Ana Ruiz")]


@pytest.mark.django_db
def test_a_short_claim_number_found_in_other_text_stays_the_reviewers_to_confirm():
    """A claim number "2016" matches a guideline's year ("MTUS (2016)"): it cannot be held
    never printable, or the citation could be neither signed nor kept."""
    _, reviewer, determination = case_in_review(claim_number="2016")
    determination_fill(determination)
    determination.clinical_summary += " Per the MTUS (2016), therapy was given."
    determination.save()
    (warning,) = review_warnings(determination)
    assert warning.code.endswith(":claim-short") and warning.confirmable
