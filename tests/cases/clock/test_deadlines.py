"""The statutory clock (SPEC section 3) on the seeded holiday tables of 2025 and 2026."""

import datetime as dt

import pytest

from cases.clock.calculator import calculate
from cases.clock.deadlines import (
    add_business_days,
    add_calendar_days,
    authorization_due_on,
    business_days_between,
    determination_due_on,
    holiday_name,
    is_business_day,
    reimbursement_due_on,
)
from cases.lifecycle.clock import case_clock, formulary_only
from cases.lifecycle.models import CaseStatus, SentBy
from tests.factories import CaseFactory, DisputedItemFactory

D = dt.date

pytestmark = pytest.mark.django_db  # the holiday tables are data


def application_deadline(served, by="personal"):
    facts = {"ur_decision_served_on": served.isoformat(), "ur_decision_served_by": by}
    return D.fromisoformat(calculate(facts)["application_deadline"])


def application_filed_late(*, ur_served_on, received_on, by="personal"):
    facts = {
        "ur_decision_served_on": ur_served_on.isoformat(),
        "ur_decision_served_by": by,
        "application_received": received_on.isoformat(),
    }
    return calculate(facts)["filed_late"]


def records_due_on(*, notice_on, expedited, electronic):
    facts = {
        "priority": "expedited" if expedited else "standard",
        "notice_sent_on": notice_on.isoformat(),
        "notice_sent_by": "electronic" if electronic else "mail",
    }
    return D.fromisoformat(calculate(facts)["records_due_on"])


# --- business days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, name",
    [
        (D(2026, 1, 1), "New Year's Day"),
        (D(2026, 1, 19), "Martin Luther King Jr. Day"),
        (D(2026, 2, 16), "Presidents' Day"),
        (D(2025, 3, 31), "Cesar Chavez Day"),
        (D(2026, 3, 31), "Cesar Chavez Day"),
        (D(2026, 5, 25), "Memorial Day"),
        (D(2026, 9, 7), "Labor Day"),
        (D(2025, 11, 11), "Veterans Day"),
        (D(2026, 11, 11), "Veterans Day"),
        (D(2026, 11, 26), "Thanksgiving Day"),
        (D(2026, 11, 27), "Day after Thanksgiving"),
        (D(2026, 12, 25), "Christmas Day"),
    ],
)
def test_california_state_holidays_are_not_business_days(day, name):
    assert day.weekday() < 5  # each is a weekday: only the holiday makes it a day off
    assert holiday_name(day) == name
    assert not is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [D(2026, 11, 24), D(2026, 11, 30), D(2026, 1, 20), D(2026, 4, 1), D(2026, 7, 6)],
)
def test_ordinary_weekdays_are_business_days(day):
    assert is_business_day(day)


def test_weekends_are_not_business_days():
    assert not is_business_day(D(2026, 11, 21))  # Saturday
    assert not is_business_day(D(2026, 11, 22))  # Sunday


def test_commemorative_days_that_close_no_office_are_business_days():
    # Susan B. Anthony Day (Feb 15) is a commemorative day (Ed. Code 37222 ff.), not a
    # holiday of Gov. Code 6700: on a weekday, offices are open and the clock runs.
    assert is_business_day(D(2028, 2, 15))  # a Tuesday
    assert add_business_days(D(2028, 2, 14), 1) == D(2028, 2, 15)


@pytest.mark.parametrize(
    "start, expected",
    [
        # Wednesday before Thanksgiving: Thursday and Friday are holidays, then the weekend.
        (D(2026, 11, 25), D(2026, 11, 30)),
        # Friday before Martin Luther King Jr. Day: the next business day is Tuesday.
        (D(2026, 1, 16), D(2026, 1, 20)),
        # Monday before Cesar Chavez Day (Tuesday 03/31/2026).
        (D(2026, 3, 30), D(2026, 4, 1)),
        # Friday before Cesar Chavez Day (Monday 03/31/2025).
        (D(2025, 3, 28), D(2025, 4, 1)),
        # Day before Veterans Day.
        (D(2026, 11, 10), D(2026, 11, 12)),
        (D(2025, 11, 10), D(2025, 11, 12)),
        # Independence Day 2026 is a Saturday: state offices get holiday credit, not the
        # Friday off (CalHR), so Friday 07/03 is a working day.
        (D(2026, 7, 2), D(2026, 7, 3)),
        # An ordinary Tuesday.
        (D(2026, 11, 17), D(2026, 11, 18)),
    ],
)
def test_one_business_day_after(start, expected):
    assert add_business_days(start, 1) == expected


def test_business_days_between_counts_days_after_start_through_end():
    assert business_days_between(D(2026, 12, 8), D(2026, 12, 10)) == 2
    assert business_days_between(D(2026, 11, 25), D(2026, 11, 30)) == 1
    assert business_days_between(D(2026, 11, 30), D(2026, 11, 25)) == -1
    assert business_days_between(D(2026, 12, 8), D(2026, 12, 8)) == 0


# --- calendar-day periods (Code Civ. Proc. 12a) ------------------------------------------------


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (D(2026, 11, 2), 10, D(2026, 11, 12)),  # an ordinary Thursday: no change
        (D(2026, 11, 1), 20, D(2026, 11, 23)),  # Saturday 11/21 runs to Monday 11/23
        (D(2026, 10, 28), 30, D(2026, 11, 30)),  # Day After Thanksgiving runs to Monday
        (D(2026, 10, 27), 30, D(2026, 11, 30)),  # Thanksgiving runs past Friday and the weekend
        (D(2026, 6, 3), 30, D(2026, 7, 6)),  # observed Independence Day, then the weekend
        (D(2026, 3, 1), 30, D(2026, 4, 1)),  # Cesar Chavez Day
    ],
)
def test_calendar_period_ending_on_a_day_off_runs_to_next_business_day(start, days, expected):
    assert add_calendar_days(start, days) == expected


# --- application deadline: 8 CCR 9792.10.1(b)(1) ----------------------------------------------


def test_application_is_due_30_days_after_service_of_the_ur_decision():
    assert application_deadline(D(2026, 10, 20)) == D(2026, 11, 19)


def test_application_received_on_day_30_is_on_time_and_day_31_is_late():
    served = D(2026, 10, 20)
    assert not application_filed_late(ur_served_on=served, received_on=D(2026, 11, 19))
    assert application_filed_late(ur_served_on=served, received_on=D(2026, 11, 20))


def test_application_deadline_on_a_saturday_runs_to_monday():
    # 01/31/2026 is a Saturday: an application received Monday 02/02 is on time.
    served = D(2026, 1, 1)
    assert application_deadline(served) == D(2026, 2, 2)
    assert not application_filed_late(ur_served_on=served, received_on=D(2026, 2, 2))
    assert application_filed_late(ur_served_on=served, received_on=D(2026, 2, 3))


# --- records due: 8 CCR 9792.10.5(a)(1) -------------------------------------------------------


def test_records_are_due_15_days_after_a_mailed_notice():
    assert records_due_on(notice_on=D(2026, 11, 4), expedited=False, electronic=False) == D(
        2026, 11, 19
    )


def test_records_are_due_12_days_after_an_electronic_notice():
    assert records_due_on(notice_on=D(2026, 11, 4), expedited=False, electronic=True) == D(
        2026, 11, 16
    )


def test_records_due_on_thanksgiving_run_to_the_next_business_day():
    assert records_due_on(notice_on=D(2026, 11, 11), expedited=False, electronic=False) == D(
        2026, 11, 30
    )
    assert records_due_on(notice_on=D(2026, 11, 14), expedited=False, electronic=True) == D(
        2026, 11, 30
    )


def test_expedited_records_are_due_in_24_hours_even_on_a_saturday():
    # Friday 11/06/2026 -> Saturday 11/07/2026: 24 hours do not wait for Monday.
    for electronic in (True, False):
        assert records_due_on(notice_on=D(2026, 11, 6), expedited=True, electronic=electronic) == D(
            2026, 11, 7
        )


# --- determination due: Lab. Code 4610.6(d) ----------------------------------------------------


def test_standard_determination_is_due_30_days_after_clock_start():
    assert determination_due_on(
        clock_start=D(2026, 11, 10), expedited=False, formulary_only=False
    ) == D(2026, 12, 10)


def test_standard_determination_due_on_christmas_runs_to_monday():
    assert determination_due_on(
        clock_start=D(2026, 11, 25), expedited=False, formulary_only=False
    ) == D(2026, 12, 28)


def test_expedited_determination_is_due_in_3_days():
    assert determination_due_on(
        clock_start=D(2026, 11, 2), expedited=True, formulary_only=False
    ) == D(2026, 11, 5)


def test_formulary_only_determination_is_due_in_5_business_days():
    # Friday 01/16/2026; Monday 01/19 is Martin Luther King Jr. Day.
    assert determination_due_on(
        clock_start=D(2026, 1, 16), expedited=False, formulary_only=True
    ) == D(2026, 1, 26)
    # Over Thanksgiving: Mon 11/30 .. Fri 12/04.
    assert determination_due_on(
        clock_start=D(2026, 11, 25), expedited=False, formulary_only=True
    ) == D(2026, 12, 4)


@pytest.mark.django_db
def test_formulary_rule_applies_only_when_every_item_is_a_formulary_dispute():
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1, formulary_dispute=True)
    assert formulary_only(case.items.all())
    DisputedItemFactory(case=case, position=2, formulary_dispute=False)
    assert not formulary_only(case.items.all())
    assert not formulary_only([])


# --- after the determination: 8 CCR 9792.10.7; Lab. Code 4610.6(h) ----------------------------


def test_overturned_item_is_authorized_within_5_working_days():
    assert authorization_due_on(D(2026, 11, 25)) == D(2026, 12, 4)
    assert authorization_due_on(D(2026, 11, 2)) == D(2026, 11, 9)


def test_overturned_item_already_given_is_reimbursed_within_20_days():
    assert reimbursement_due_on(D(2026, 11, 25)) == D(2026, 12, 15)
    # 20 days after 11/06/2026 is Thursday 11/26, Thanksgiving: Monday 11/30.
    assert reimbursement_due_on(D(2026, 11, 6)) == D(2026, 11, 30)


# --- the running clock of a case ---------------------------------------------------------------


def clock_case(**fields):
    defaults = {
        "application_received": D(2026, 11, 2),
        "ur_decision_date": D(2026, 10, 20),
    }
    defaults.update(fields)
    case = CaseFactory(**defaults)
    DisputedItemFactory(case=case, position=1)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CaseStatus.RECEIVED, CaseStatus.ELIGIBLE])
def test_a_new_application_runs_the_first_day_clock_of_the_notice(status):
    # 8 CCR 9792.10.4(b): the notice of assignment within one business day. Received Monday
    # 11/02/2026: due Tuesday 11/03.
    clock = case_clock(clock_case(status=status), today=D(2026, 11, 2))
    assert clock.running == "notice"
    assert clock.due_on == clock.notice_due_on == D(2026, 11, 3)
    assert clock.days_left == 1
    assert "8 CCR 9792.10.4(b)" in clock.explain["notice_due_on"]
    # The UR decision's service method is not held: taken as mail, 30 + 5 days (CCP 1013(a)).
    assert clock.application_deadline == D(2026, 11, 24)
    assert not clock.filed_late


@pytest.mark.django_db
def test_an_expedited_application_owes_its_notice_the_same_day():
    clock = case_clock(clock_case(priority="expedited"), today=D(2026, 11, 2))
    assert clock.due_on == D(2026, 11, 2)
    assert clock.due_today


@pytest.mark.django_db
def test_records_clock_runs_while_awaiting_records():
    case = clock_case(status=CaseStatus.AWAITING_RECORDS, date_assigned=D(2026, 11, 4))
    clock = case_clock(case, today=D(2026, 11, 10))
    assert clock.running == "records"
    assert clock.due_on == clock.records_due_on == D(2026, 11, 16)
    assert clock.days_left == 6
    assert not clock.overdue
    assert not clock.records_overdue
    assert clock.determination_due_on is None


@pytest.mark.django_db
def test_records_clock_uses_15_days_for_a_mailed_notice():
    case = clock_case(
        status=CaseStatus.AWAITING_RECORDS,
        date_assigned=D(2026, 11, 4),
        notice_sent_by=SentBy.MAIL,
    )
    assert case_clock(case, today=D(2026, 11, 10)).due_on == D(2026, 11, 19)


@pytest.mark.django_db
def test_records_clock_is_due_today_then_overdue_the_next_day():
    case = clock_case(status=CaseStatus.AWAITING_RECORDS, date_assigned=D(2026, 11, 4))
    on_due_day = case_clock(case, today=D(2026, 11, 16))
    assert on_due_day.due_today and not on_due_day.overdue and on_due_day.days_left == 0
    assert not on_due_day.records_overdue
    late = case_clock(case, today=D(2026, 11, 17))
    assert late.overdue and late.records_overdue
    assert late.days_left == -1


@pytest.mark.django_db
def test_determination_clock_runs_once_records_are_complete():
    case = clock_case(
        status=CaseStatus.RECORDS_COMPLETE,
        date_assigned=D(2026, 11, 4),
        records_complete_on=D(2026, 11, 10),
    )
    clock = case_clock(case, today=D(2026, 11, 24))
    assert clock.running == "determination"
    assert clock.due_on == clock.determination_due_on == D(2026, 12, 10)
    assert clock.records_due_on == D(2026, 11, 16)
    assert clock.days_left == 16
    assert not clock.overdue
    assert not clock.records_overdue
    assert case_clock(case, today=D(2026, 12, 11)).overdue


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.REVIEWER_ASSIGNED,
        CaseStatus.IN_REVIEW,
        CaseStatus.SUBMITTED,
        CaseStatus.RETURNED,
        CaseStatus.APPROVED,
        CaseStatus.REMANDED,
    ],
)
def test_determination_clock_runs_through_review(status):
    case = clock_case(
        status=status, date_assigned=D(2026, 11, 4), records_complete_on=D(2026, 11, 10)
    )
    clock = case_clock(case, today=D(2026, 11, 24))
    assert clock.running == "determination"
    assert clock.due_on == D(2026, 12, 10)


@pytest.mark.django_db
def test_records_completed_after_their_due_date_stay_marked_late():
    case = clock_case(
        status=CaseStatus.RECORDS_COMPLETE,
        date_assigned=D(2026, 11, 4),
        records_complete_on=D(2026, 11, 18),
    )
    clock = case_clock(case, today=D(2026, 11, 24))
    assert clock.records_overdue
    assert not clock.overdue  # the determination is not late
    assert clock.due_on == D(2026, 12, 18)


@pytest.mark.django_db
def test_determination_clock_starts_from_the_later_of_receipt_and_records_complete():
    # Records (from another system) complete before the application reached us: the clock
    # starts when both are in, on receipt of the application (Lab. Code 4610.6(d)).
    case = clock_case(
        status=CaseStatus.RECORDS_COMPLETE,
        application_received=D(2026, 11, 12),
        date_assigned=D(2026, 11, 4),
        records_complete_on=D(2026, 11, 10),
    )
    # 11/12 + 30 = Saturday 12/12: Monday 12/14.
    assert case_clock(case, today=D(2026, 11, 24)).due_on == D(2026, 12, 14)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [CaseStatus.TERMINATED, CaseStatus.ISSUED, CaseStatus.INELIGIBLE]
)
def test_no_clock_runs_on_a_closed_case(status):
    case = clock_case(
        status=status, date_assigned=D(2026, 11, 4), records_complete_on=D(2026, 11, 10)
    )
    clock = case_clock(case, today=D(2026, 12, 20))
    assert clock.running is None
    assert clock.due_on is None
    assert clock.days_left is None
    assert not clock.overdue


@pytest.mark.django_db
def test_expedited_case_runs_24_hour_records_and_3_day_determination():
    case = clock_case(
        priority="expedited", status=CaseStatus.AWAITING_RECORDS, date_assigned=D(2026, 11, 6)
    )
    assert case_clock(case, today=D(2026, 11, 6)).due_on == D(2026, 11, 7)
    case.status = CaseStatus.RECORDS_COMPLETE
    case.records_complete_on = D(2026, 11, 9)
    assert case_clock(case, today=D(2026, 11, 9)).due_on == D(2026, 11, 12)


@pytest.mark.django_db
def test_case_clock_uses_5_business_days_only_when_every_item_is_formulary():
    case = CaseFactory(
        status=CaseStatus.RECORDS_COMPLETE,
        application_received=D(2026, 1, 5),
        ur_decision_date=D(2025, 12, 22),
        date_assigned=D(2026, 1, 6),
        records_complete_on=D(2026, 1, 16),
    )
    DisputedItemFactory(case=case, position=1, formulary_dispute=True)
    DisputedItemFactory(case=case, position=2, formulary_dispute=True)
    assert case_clock(case, today=D(2026, 1, 16)).due_on == D(2026, 1, 26)
    third = DisputedItemFactory(case=case, position=3, formulary_dispute=False)
    # A mixed case: each item has its own date (Lab. Code 4610.6(d)); the case is due on the
    # earliest, the formulary items'. The other item gets the standard 30 days (02/15 is a
    # Sunday and 02/16 Presidents' Day).
    clock = case_clock(case, today=D(2026, 1, 16))
    assert clock.due_on == D(2026, 1, 26)
    assert [deadline.on for _, deadline in clock.item_deadlines] == [
        D(2026, 1, 26),
        D(2026, 1, 26),
        D(2026, 2, 17),
    ]
    assert clock.item_deadlines[2][0] == third
    assert clock.first_item.position == 1


@pytest.mark.django_db
def test_case_clock_flags_a_late_application():
    # Service method unknown: taken as mail (CLOCK_UNKNOWN_UR_SERVICE), 10/20 + 35 = 11/24.
    case = clock_case(application_received=D(2026, 11, 25), ur_decision_date=D(2026, 10, 20))
    clock = case_clock(case, today=D(2026, 11, 25))
    assert clock.filed_late
    assert clock.application_deadline == D(2026, 11, 24)


@pytest.mark.django_db
def test_case_clock_counts_from_the_service_date_of_the_ur_decision_when_known():
    case = clock_case(
        application_received=D(2026, 11, 20),
        ur_decision_date=D(2026, 10, 20),
        ur_decision_served_on=D(2026, 10, 23),
    )
    clock = case_clock(case, today=D(2026, 11, 24))
    # 10/23 + 30 + 5 (taken as mailed) is Friday 11/27, the day after Thanksgiving: Monday.
    assert clock.application_deadline == D(2026, 11, 30)
    assert not clock.filed_late


def test_a_printed_records_date_is_kept_for_a_standard_notice_never_over_an_expedited_clock():
    """CLOCK_RECORDS_DUE_AS_PRINTED keeps the date a mailed notice printed when its copies were
    e-mailed (12 days by the rule, 15 printed). From a review: a standard notice signed on
    11/02 (printing 11/17), the review made expedited on 11/03 and the last copy served on
    11/05, kept the 15 days over the 24 hours of an expedited review (8 CCR 9792.10.4(c))."""
    from cases.clock.calculator import Facts, compute  # the facts as the case gives them

    standard = Facts(
        notice_sent_on=D(2026, 11, 5),
        notice_sent_by="electronic",
        notice_records_due_on=D(2026, 11, 20),
    )
    kept = compute(standard).records_due_on
    assert kept.on == D(2026, 11, 20) and kept.text.startswith("The date the notice of assignment")
    expedited = Facts(
        priority="expedited",
        notice_sent_on=D(2026, 11, 5),
        notice_sent_by="electronic",
        expedited_on=D(2026, 11, 3),
        notice_records_due_on=D(2026, 11, 20),
    )
    assert compute(expedited).records_due_on.on <= D(2026, 11, 6)
