"""The party letter's notices as the law reads (issue 10): the appeal's grounds, remedy, where
to file and last day; the overturned items' duties with their exception and penalty; what each
decision means in plain words; the documents reviewed with their source; the ADJ number. Each
is checked in the text pdftotext extracts from the rendered PDF."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.clock.calculator import Facts, compute
from cases.lifecycle.models import AuthorizationKind, CaseEvent, EventType, SentBy
from reviews.letters.models import Letter, LetterText
from reviews.letters.render import _letter_html_for_pdf, letter_pdf, letter_text_current
from reviews.letters.services import letter_text_update
from tests.factories import UserFactory, approved_determination
from tests.reviews.letter_utils import body_flat, pdf_text

pytestmark = pytest.mark.django_db

MAILED_ON = dt.date(2026, 11, 23)  # a Monday


def party_and_public_text(determination, *, sent_by=SentBy.MAIL) -> tuple[str, str]:
    """The party and the public letter of a letter served on MAILED_ON by `sent_by`, as
    pdftotext reads them."""
    letter = Letter.objects.create(
        case=determination.case,
        determination=determination,
        version=1,
        letter_text=letter_text_current(),
        mailing_date=MAILED_ON,
        served_on=MAILED_ON,
        sent_by=sent_by,
    )
    texts = []
    for public in (False, True):
        html = _letter_html_for_pdf(determination, public=public, letter=letter)
        texts.append(body_flat(pdf_text(letter_pdf(html))))
    return texts[0], texts[1]


@pytest.fixture
def modified_items():
    """A case with an ADJ number, a record whose sender is known, and two items UR modified: one
    by authorizing a portion (overturned), one by authorizing a substitute (upheld)."""
    determination = approved_determination(
        outcomes=("overturned", "upheld"),
        descriptions=["Physical therapy 6 sessions", "Lumbar MRI with contrast"],
        records=(("PR-2 progress report", dt.date(2026, 10, 19), 4),),
        adj_number="ADJ10987654",
    )
    case = determination.case
    case.records.update(source="Pacific Claims Services")
    portion, substitute = case.items.order_by("position")
    portion.original_request = "Physical therapy 12 sessions"
    portion.authorized_portion = "Physical therapy 6 sessions"
    portion.save()
    substitute.original_request = "Lumbar MRI with contrast"
    substitute.authorized_portion = "Lumbar X-rays, 3 views"
    substitute.authorization_kind = AuthorizationKind.SUBSTITUTE
    substitute.save()
    return determination


def test_the_appeal_notice_gives_the_five_grounds_the_remedy_where_to_file_and_the_last_day(
    modified_items,
):
    party, _public = party_and_public_text(modified_items)

    # Lab. Code 4610.6(h)(1)-(5): every ground, and only by clear and convincing proof.
    for ground in (
        "clear and convincing proof",
        "(1) the Administrative Director acted without or in excess of the Administrative "
        "Director's powers",
        "(2) the determination was procured by fraud",
        "(3) the expert reviewer had a material conflict of interest in violation of Lab. Code "
        "139.5",
        "(4) the determination was the result of bias on the basis of race, national origin",
        "(5) the determination was the result of a plainly erroneous finding of fact",
    ):
        assert ground in party, ground
    # Lab. Code 4610.6(i): the remedy is a new review by a different reviewer.
    assert "a new review by a different independent review organization" in party
    assert "by a different reviewer" in party
    assert "(Lab. Code 4610.6(i))" in party
    # Where and how: the WCAB, a verified petition, its caption and the IMR Unit (8 CCR 10575).
    assert "filing a verified petition with the Workers' Compensation Appeals Board" in party
    assert "Petition Appealing Administrative Director's Independent Medical Review" in party
    assert "8 CCR 10575" in party
    # The last day: 30 days from service, five more for service other than personal service,
    # by mail (CCP 1013(a)) or e-mail alike (8 CCR 10605(a)).
    by_mail = compute(Facts(letter_mailed_on=MAILED_ON, letter_sent_by="mail")).appeal_deadline.on
    by_email = compute(
        Facts(letter_mailed_on=MAILED_ON, letter_sent_by="electronic")
    ).appeal_deadline.on
    assert by_mail >= MAILED_ON + dt.timedelta(days=35) and by_mail == by_email
    assert (
        "with 5 days added for service other than personal service to an address in "
        "California (10 days to an address elsewhere in the United States, 20 outside it: "
        "8 CCR 10605(a); Code Civ. Proc. 1013(a)), the 30 days for an appeal end on "
        f"{by_mail:%m/%d/%Y}" in party
    )


def test_the_overturned_notice_counts_from_receipt_unless_appealed_with_exception_and_penalty(
    modified_items,
):
    party, _public = party_and_public_text(modified_items)
    clocks = compute(Facts(letter_mailed_on=MAILED_ON, letter_sent_by="mail"))

    assert "For each item overturned above, unless an appeal is filed" in party
    assert "within 5 working days of receipt of this determination" in party
    assert "within 20 days of receipt (8 CCR 9792.10.7(a)(1), (a)(2))" in party
    assert (
        f"authorization is due by {clocks.authorization_due_on.on:%m/%d/%Y} and reimbursement "
        f"of a service already provided by {clocks.reimbursement_due_on.on:%m/%d/%Y}" in party
    )
    # A copy served later (held for an address) counts from its own receipt (from a QA pass:
    # the duties' dates read as everyone's).
    assert (
        f"{clocks.reimbursement_due_on.on:%m/%d/%Y} for a copy served on {MAILED_ON:%m/%d/%Y}; "
        "for a copy served later, each is counted the same way from the receipt of that copy."
    ) in party
    # Received five days after a mailed letter: the duties run from then, not from mailing.
    assert clocks.authorization_due_on.on > MAILED_ON + dt.timedelta(days=5)
    assert "disputed liability for the treatment for a reason other than medical necessity" in (
        party
    )
    assert "administrative penalty for each day the decision is not carried out" in party
    assert "(8 CCR 9792.10.7(b); 8 CCR 9792.12)" in party


def test_each_item_says_in_plain_words_what_the_decision_means_for_the_worker(modified_items):
    party, public = party_and_public_text(modified_items)

    assert (
        "WHAT THE DECISIONS MEAN 1. Physical therapy 6 sessions: Overturned. The treatment was "
        "found medically necessary: the claims administrator must authorize it" in party
    )
    assert (
        "2. Lumbar MRI with contrast: Upheld. The treatment was found not medically necessary: "
        "the UR decision stands" in party
    )
    # The public letter is the body only.
    assert "WHAT THE DECISIONS MEAN" not in public
    assert "found medically necessary" not in public


def test_the_two_item_line_forms_print_as_the_published_letters_do(modified_items):
    party, public = party_and_public_text(modified_items)
    portion = (
        "Physical therapy 12 sessions was the original request. Physical therapy 6 sessions was "
        "authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Physical therapy 6 sessions is: Overturned"
    )
    substitute = (
        "Lumbar MRI with contrast was the original request. The Claims Administrator authorized "
        "Lumbar X-rays, 3 views, leaving the original request IMR eligible. The original "
        "request, Lumbar MRI with contrast is: Upheld"
    )
    for text in (party, public):
        assert portion in text
        assert substitute in text


def test_the_header_gives_the_adj_number_and_the_documents_their_source_and_dates(
    modified_items,
):
    party, public = party_and_public_text(modified_items)
    record = modified_items.case.records.get()
    received = timezone.localtime(record.received_at).date()  # the letter prints local dates

    # 8 CCR 10575(e): an appeal petition gives the ADJ number; the identifiers carry it.
    case = modified_items.case
    assert f"Date of Injury: {case.date_of_injury:%m/%d/%Y} ADJ Number: ADJ10987654" in party
    assert (
        "PR-2 progress report, 10/19/2026, 4 pages, from Pacific Claims Services, received "
        f"{received:%m/%d/%Y}" in party
    )
    # The public letter carries none of the names, nor the ADJ number.
    for private in ("ADJ10987654", "Pacific Claims Services", "PR-2 progress report"):
        assert private not in public, private


def test_a_letter_with_no_adj_number_prints_no_adj_line():
    party, _public = party_and_public_text(approved_determination())
    assert "ADJ Number" not in party


def test_a_case_file_listing_no_records_does_not_say_there_were_none():
    # A case carried over from another system: its documents are not listed here, while the
    # summary's lead-in says the reviewer read all the medical records.
    party, _public = party_and_public_text(approved_determination(records=()))

    assert "including all medical records" in party
    assert "no medical records" not in party
    assert "DOCUMENTS REVIEWED The documents the expert reviewer examined are not listed" in party


def test_a_review_that_went_on_without_complete_records_says_so():
    determination = approved_determination()
    CaseEvent.objects.create(
        case=determination.case,
        type=EventType.RECORDS_COMPLETED,
        details={"complete": False, "late": True},
    )
    party, public = party_and_public_text(determination)

    assert (
        "PR-2 progress report, 10/19/2026, 4 pages, received" in party
        and "Not every record asked for was received by its due date" in party
    )
    assert "Not every record" not in public


def test_the_notices_are_the_organizations_versioned_text(modified_items):
    letter_text_update(actor=UserFactory(), appeal_remedy="Our own words on the remedy.")
    assert LetterText.objects.count() == 2
    party, _public = party_and_public_text(modified_items)
    assert "Our own words on the remedy." in party
    assert "a new review by a different independent review organization" not in party
