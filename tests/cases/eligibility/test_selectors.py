"""The eligibility screen: each check's result, and the prior IMR found however reworded."""

import datetime as dt

import pytest

from cases.eligibility.checks import CheckResult
from cases.eligibility.selectors import eligibility_checks
from cases.lifecycle.models import CaseStatus
from cases.records.models import RecordKind
from cases.records.services import record_add
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from tests.factories import CaseFactory, DisputedItemFactory, pdf_upload

D = dt.date
S = CaseStatus
P, F, N = CheckResult.PASSES, CheckResult.FAILS, CheckResult.NEEDS_FINDING


def checks_by_key(case) -> dict:
    return {check.key: check for check in eligibility_checks(case)}


@pytest.mark.django_db
def test_a_timely_complete_application_passes_every_check(case_admin):
    case = CaseFactory(application_received=D(2026, 11, 19), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=case, position=1)
    record_add(
        case=case,
        actor=case_admin,
        uploaded=pdf_upload(),
        title="UR decision",
        kind=RecordKind.UR_DECISION,
    )
    checks = checks_by_key(case)
    assert {key: check.result for key, check in checks.items()} == dict.fromkeys(checks, P)
    assert "11/24/2026" in checks["timely"].explanation
    assert checks["timely"].source == "8 CCR 9792.10.1(b)(1)"


@pytest.mark.django_db
def test_the_blocking_checks_come_first(settings):
    settings.IMR_ELIGIBILITY_BLOCKING_CHECKS = ["prior_imr"]
    keys = [check.key for check in eligibility_checks(CaseFactory())]
    assert keys[0] == "prior_imr"


@pytest.mark.django_db
def test_a_late_application_without_ur_decision_or_items_fails():
    case = CaseFactory(application_received=D(2026, 11, 25), ur_decision_date=D(2026, 10, 20))
    checks = checks_by_key(case)
    assert checks["timely"].result == F and "the deadline was 11/24/2026" in (
        checks["timely"].explanation
    )
    assert checks["ur_decision_on_file"].result == F and checks["ur_decision_on_file"].blocks
    assert checks["disputed_items"].result == F


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "served_by", "said"),
    [
        # 30 + 5 days end Mon 11/24/2025; 30 + 10 end Sat 11/29, so Mon 12/01 (CCP 12a).
        (
            D(2025, 11, 25),
            "mail",
            "outside California: CCP 1013(a) then adds 10 days for mail (20 from or to "
            "another country), not 5, and the deadline was 12/01/2025.",
        ),
        # 30 + 20 end Tue 12/09; the method not recorded is taken as mail.
        (
            D(2025, 12, 2),
            "",
            "outside the United States: CCP 1013(a) then adds 20 days for "
            "mail, not 5, and the deadline was 12/09/2025.",
        ),
        (D(2025, 12, 10), "mail", None),
        (D(2025, 11, 25), "electronic", None),
    ],
)
def test_a_late_application_on_a_mailed_decision_is_told_the_longer_mail_extensions(
    received, served_by, said
):
    # From a legal review: CCP 1013(a) gives 10 days for mail from or to a place outside
    # California, 20 outside the United States; the case file does not say where the UR
    # decision was mailed from, so the clock counts 5 and the late application says the rest.
    case = CaseFactory(
        application_received=received,
        ur_decision_date=D(2025, 10, 20),
        ur_decision_served_by=served_by,
    )
    check = checks_by_key(case)["timely"]
    assert check.result == F
    if said:
        assert check.explanation.endswith(
            "It is in time if the UR decision was mailed from or to a place " + said
        )
    else:
        assert "It is in time" not in check.explanation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("served", "received", "said"),
    [
        # Served Mon 10/20/2025: 30 days end Wed 11/19; two court days, Thu 11/20 and Fri 11/21.
        (D(2025, 10, 20), D(2025, 11, 21), "11/21/2025"),
        (D(2025, 10, 20), D(2025, 11, 24), None),  # past the two court days too
        # Served Mon 10/27/2025: 30 days end Wed 11/26; Thanksgiving Thu 11/27, the day after (a
        # judicial holiday) and the weekend are no court days: Mon 12/01 and Tue 12/02.
        (D(2025, 10, 27), D(2025, 12, 2), "12/02/2025"),
        # From a review: served Thu 09/04/2025, day 30 is Sat 10/04; the two court days follow
        # it (Mon 10/06, Tue 10/07), not the Monday CCP 12a would move it to.
        (D(2025, 9, 4), D(2025, 10, 7), "10/07/2025"),
        (D(2025, 9, 4), D(2025, 10, 8), None),
    ],
)
def test_a_late_application_on_an_electronically_served_decision_is_told_the_two_court_days(
    served, received, said
):
    # From a legal review: CCP 1010.6(a)(3)(B) extends a period after electronic service by two
    # court days; whether that reaches the IMR application is not settled, so the clock does
    # not count them and the late application says what they would give.
    case = CaseFactory(
        application_received=received, ur_decision_date=served, ur_decision_served_by="electronic"
    )
    check = checks_by_key(case)["timely"]
    assert check.result == F
    if said:
        assert check.explanation.endswith(
            "It is in time if the two court days CCP 1010.6(a)(3)(B) adds after electronic "
            "service extend this period (the clock does not count them): the deadline then was "
            f"{said}."
        )
    else:
        assert "It is in time" not in check.explanation


@pytest.mark.django_db
def test_a_timely_application_says_its_deadline_is_still_to_come(settings):
    # From a QA pass: "the deadline was 12/28/2026" for a date still ahead.
    today = dt.date.today()
    case = CaseFactory(application_received=today, ur_decision_date=today - dt.timedelta(days=2))
    explanation = checks_by_key(case)["timely"].explanation
    assert "the deadline is " in explanation and "the deadline was" not in explanation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "key", "values"),
    [
        ("filed_by", "filed_by", {"attorney": P, "designee": N, "provider": F, "not_stated": N}),
        ("liability_disputed", "liability", {"no": P, "yes": F, "not_stated": N}),
        ("application_signed", "signed", {"yes": P, "no": F, "not_stated": N}),
        (
            "ur_decision_basis",
            "ur_decision_basis",
            {"medical_necessity": P, "other": F, "not_stated": N},
        ),
    ],
)
def test_each_fact_of_the_application_gives_its_three_results(field, key, values):
    for value, result in values.items():
        check = checks_by_key(CaseFactory(**{field: value}))[key]
        assert check.result == result, value
        assert check.needs_override == (result != P)


def issued_case(*, description, decided_on, **case_fields):
    earlier = CaseFactory(status=S.ISSUED, **case_fields)
    item = DisputedItemFactory(case=earlier, position=1, description=description)
    determination = Determination.objects.create(
        case=earlier, decision_date=decided_on, status=DeterminationStatus.ISSUED
    )
    ItemDecision.objects.create(determination=determination, item=item, outcome="upheld")
    return earlier


@pytest.mark.django_db
def test_a_prior_imr_of_the_same_treatment_reworded_is_found():
    earlier = issued_case(
        description="Magnetic resonance imaging of the right shoulder without contrast",
        decided_on=D(2026, 3, 1),
        claim_number="05-123456",
    )
    case = CaseFactory(claim_number="05-123456", application_received=D(2026, 11, 2))
    DisputedItemFactory(case=case, position=1, description="MRI right shoulder w/o contrast")
    DisputedItemFactory(case=case, position=2, description="Physical therapy, 6 visits")
    prior = checks_by_key(case)["prior_imr"]
    assert prior.result == N and prior.needs_override
    assert "change_in_facts" in prior.answers
    (match,) = prior.matches
    assert match.prior_item.case == earlier and match.item.position == 1
    assert (match.decided_on, match.outcome, match.score) == (D(2026, 3, 1), "upheld", 1.0)
    assert earlier.case_number in prior.explanation and "03/01/2026" in prior.explanation


@pytest.mark.django_db
def test_a_prior_imr_of_the_same_claim_written_without_its_dashes_is_found():
    earlier = issued_case(
        description="MRI right shoulder", decided_on=D(2026, 3, 1), claim_number="05-123456"
    )
    case = CaseFactory(
        claim_number="05123456",
        worker_date_of_birth=None,
        worker_last_name="Somebody Else",
        application_received=D(2026, 11, 2),
    )
    DisputedItemFactory(case=case, position=1, description="MRI right shoulder")
    prior = checks_by_key(case)["prior_imr"]
    assert prior.result == N
    (match,) = prior.matches
    assert match.prior_item.case == earlier


@pytest.mark.django_db
@pytest.mark.parametrize("placeholder", ["N/A", "n/a", "pending"])
def test_a_claim_number_without_a_digit_names_no_worker_for_the_prior_imr(placeholder):
    # From a review: "N/A" is "n/a" by their keys, and a claim match alone counts as the same
    # worker; a number without a digit names no claim, so it matches no one.
    issued_case(description="MRI right shoulder", decided_on=D(2026, 3, 1), claim_number="N/A")
    case = CaseFactory(
        claim_number=placeholder,
        worker_date_of_birth=None,
        worker_last_name="Somebody Else",
        application_received=D(2026, 11, 2),
    )
    DisputedItemFactory(case=case, position=1, description="MRI right shoulder")
    assert checks_by_key(case)["prior_imr"].result == P


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "now"),
    # From a review: the same worker typed without the accents or apostrophe an earlier
    # application had was another worker, and the prior IMR went unseen.
    [
        (("Ana", "Ruiz"), ("ANA", "RUIZ")),
        (("José", "García"), ("Jose", "Garcia")),
        (("Seán", "O'Brien"), ("Sean", "O’Brien")),
        # From QA: without the hyphen and apostrophe, as a feeder system writes it.
        (("José", "O'Brien-Núñez"), ("Jose", "OBrien Nunez")),
        (("Mary-Ann", "Lee"), ("Mary Ann", "LEE")),
    ],
)
def test_the_same_worker_by_name_and_birth_date_counts_under_another_claim(before, now):
    issued_case(
        description="MRI of the right shoulder",
        decided_on=D(2026, 6, 1),
        claim_number="05-999999",
        worker_first_name=before[0],
        worker_last_name=before[1],
    )
    case = CaseFactory(claim_number="05-123456", worker_first_name=now[0], worker_last_name=now[1])
    DisputedItemFactory(case=case, position=1, description="mri right shoulder")
    assert checks_by_key(case)["prior_imr"].result == N


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other",
    [
        # decided more than 12 months before the application (11/02/2026)
        {"decided_on": D(2025, 11, 1), "claim_number": "05-123456"},
        # another worker on another claim
        {
            "decided_on": D(2026, 6, 1),
            "claim_number": "05-999999",
            "worker_last_name": "Lopez",
        },
        # the other side of the body
        {"decided_on": D(2026, 6, 1), "claim_number": "05-123456", "left": True},
    ],
)
def test_a_prior_imr_outside_the_window_of_another_worker_or_treatment_is_not_found(other):
    left = other.pop("left", False)
    description = "MRI of the left shoulder" if left else "MRI of the right shoulder"
    issued_case(description=description, **other)
    case = CaseFactory(claim_number="05-123456", worker_last_name="Ruiz")
    DisputedItemFactory(case=case, position=1, description="MRI of the right shoulder")
    assert checks_by_key(case)["prior_imr"].result == P


@pytest.mark.django_db
def test_a_case_never_decided_is_no_prior_imr():
    earlier = CaseFactory(claim_number="05-123456", status=S.IN_REVIEW)
    DisputedItemFactory(case=earlier, position=1, description="MRI of the right shoulder")
    case = CaseFactory(claim_number="05-123456")
    DisputedItemFactory(case=case, position=1, description="MRI of the right shoulder")
    assert checks_by_key(case)["prior_imr"].result == P
