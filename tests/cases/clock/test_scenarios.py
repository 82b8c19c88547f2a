"""Scenarios of the statutory clock as an IMR lawyer would check them by hand: each gives the
facts, the date the law gives, and asserts that the explanation names the day off and the
source. Dates are read against the seeded holiday tables (cases/clock/seed.py)."""

import datetime as dt

import pytest

from cases.clock.calculator import calculate, compute, parse_facts
from cases.clock.calendars import calendars_forget
from cases.clock.models import CalendarName, CalendarVersion, Holiday

pytestmark = pytest.mark.django_db  # the holiday tables are data


def clock(**facts):
    return calculate(facts)


def application(served, by="personal"):
    """The application deadline and its explanation for a UR decision served on `served`."""
    out = clock(ur_decision_served_on=served, ur_decision_served_by=by)
    return out["application_deadline"], out["explain"]["application_deadline"]


def notice_due(received):
    """One working day after receipt (8 CCR 9792.10.4(b)): a count on the state offices'
    calendar."""
    out = clock(application_received=received)
    return out["notice_due_on"], out["explain"]["notice_due_on"]


# --- the issue's own example ------------------------------------------------------------------


def test_records_due_after_a_notice_mailed_before_cesar_chavez_day_word_for_word():
    out = clock(notice_sent_on="2025-03-14", notice_sent_by="mail")
    assert out["records_due_on"] == "2025-04-01"
    assert out["explain"]["records_due_on"] == (
        "15 days after the notice mailed 03/14/2025 ends on Sat 03/29/2025 (weekend), not a "
        "court day, nor are Sun 03/30 (weekend) and Mon 03/31 (Cesar Chavez Day): "
        "due Tue 04/01/2025. 8 CCR 9792.10.5(a)(1); CCP 12a"
    )


# --- holidays, one by one ---------------------------------------------------------------------


def test_a_period_ending_on_lincoln_day_runs_to_the_next_day():
    # 01/13/2025 + 30 = Wed 02/12/2025, Lincoln Day: a judicial holiday (CCP 135; Gov. Code 6700).
    due, text = application("2025-01-13")
    assert due == "2025-02-13"
    assert "ends on Wed 02/12/2025 (Lincoln Day), not a court day: due Thu 02/13/2025" in text
    assert text.endswith("8 CCR 9792.10.1(b)(1); Lab. Code 4610.5(h); CCP 12a")


def test_lincoln_day_is_a_working_day_for_state_offices():
    # Not on CalHR's list: 5 working days after Fri 02/07/2025 count Wed 02/12.
    out = clock(records_complete_on="2025-02-07", items=[{"formulary_dispute": True}])
    assert out["determination_due_on"] == "2025-02-14"
    assert "not counted" not in out["explain"]["determination_due_on"]


def test_a_period_ending_on_admission_day_does_not_roll():
    # Sep 9 is in Gov. Code 6700 but CCP 135 excepts it: Tue 09/09/2025 stays the last day.
    due, text = application("2025-08-10")
    assert due == "2025-09-09"
    assert text == (
        "30 days after service of the UR decision 08/10/2025 (in person): due Tue 09/09/2025. "
        "8 CCR 9792.10.1(b)(1); Lab. Code 4610.5(h)"
    )
    assert notice_due("2025-09-08")[0] == "2025-09-09"  # and state offices are open


def test_a_period_ending_on_native_american_day_runs_past_the_weekend():
    # The fourth Friday of September; a judicial holiday again since 2022 (AB 855).
    due, text = application("2025-08-27")
    assert due == "2025-09-29"
    assert (
        "ends on Fri 09/26/2025 (Native American Day), not a court day, nor are Sat 09/27 "
        "(weekend) and Sun 09/28 (weekend): due Mon 09/29/2025"
    ) in (text)
    assert text.endswith("CCP 12a")
    # 2015, the first year, is seeded too.
    assert application("2015-08-26")[0] == "2015-09-28"


def test_native_american_day_2016_to_2021_is_no_judicial_holiday_as_seeded():
    # The seed's documented choice (README "Seed points to check"): CCP 135 excepted it then.
    due, text = application("2019-08-28")
    assert due == "2019-09-27"
    assert "Native American Day" not in text


def test_native_american_day_is_a_working_day_for_state_offices():
    assert notice_due("2025-09-25")[0] == "2025-09-26"


def test_a_period_ending_on_the_day_after_thanksgiving_runs_to_monday():
    due, text = application("2025-10-29")
    assert due == "2025-12-01"
    assert (
        "ends on Fri 11/28/2025 (Day after Thanksgiving), not a court day, nor are Sat 11/29 "
        "(weekend) and Sun 11/30 (weekend): due Mon 12/01/2025" in text
    )
    assert text.endswith("CCP 12a")


def test_working_days_skip_thanksgiving_and_the_day_after():
    due, text = notice_due("2025-11-26")
    assert due == "2025-12-01"
    assert "not counted: Thu 11/27 Thanksgiving Day, Fri 11/28 Day after Thanksgiving" in text
    assert text.endswith("8 CCR 9792.10.4(b); Lab. Code 4600.4(b)")


def test_christmas_on_a_sunday_is_kept_on_monday():
    # 12/25/2022 is a Sunday: Monday 12/26 is the holiday too (Gov. Code 6701; CRC 1.11).
    due, text = application("2022-11-25")
    assert due == "2022-12-27"
    assert (
        "ends on Sun 12/25/2022 (Christmas Day), not a court day, nor is Mon 12/26 "
        "(Christmas Day, observed): due Tue 12/27/2022" in text
    )
    assert text.endswith("CCP 12a")
    due, text = application("2022-11-26")
    assert due == "2022-12-27"
    assert "ends on Mon 12/26/2022 (Christmas Day, observed)" in text


def test_christmas_on_a_sunday_closes_state_offices_on_monday():
    due, text = notice_due("2022-12-23")
    assert due == "2022-12-27"
    assert "not counted: Mon 12/26 Christmas Day (observed)" in text


def test_a_saturday_holiday_closes_the_courts_on_friday():
    # July 4, 2026 is a Saturday: the courts keep Friday 07/03 (CCP 135; CRC 1.11), so a period
    # ending that Friday runs to Monday.
    due, text = application("2026-06-03")
    assert due == "2026-07-06"
    assert (
        "ends on Fri 07/03/2026 (Independence Day, observed), not a court day, nor are "
        "Sat 07/04 (Independence Day) and Sun 07/05 (weekend): due Mon 07/06/2026" in text
    )
    assert text.endswith("CCP 12a")


def test_a_saturday_holiday_gives_state_offices_no_friday_off():
    # CalHR: holiday credit, not the Friday off. Friday 07/03/2026 is a working day.
    assert notice_due("2026-07-02") == (
        "2026-07-03",
        "1 working day after receipt of the application (eligibility finding and notice of "
        "assignment) 07/02/2026: due Fri 07/03/2026. 8 CCR 9792.10.4(b); Lab. Code 4600.4(b)",
    )
    out = clock(records_complete_on="2026-06-29", items=[{"formulary_dispute": True}])
    assert out["determination_due_on"] == "2026-07-06"  # Tue, Wed, Thu, Fri 07/03, Mon
    assert "not counted" not in out["explain"]["determination_due_on"]


def test_veterans_day_on_a_saturday_closes_state_offices_on_friday():
    # The exception the seed documents (Gov. Code 19853(b)): 11/11/2023 was a Saturday.
    due, text = notice_due("2023-11-09")
    assert due == "2023-11-13"
    assert "not counted: Fri 11/10 Veterans Day (observed)" in text
    assert text.endswith("Lab. Code 4600.4(b)")


def test_columbus_day_is_no_holiday_in_either_calendar():
    # Excepted from the judicial holidays since 2022 (AB 855); not on CalHR's list.
    due, text = application("2026-09-12")
    assert due == "2026-10-12"
    assert "Columbus" not in text and "CCP 12a" not in text
    assert notice_due("2026-10-09")[0] == "2026-10-12"


def test_columbus_day_was_a_judicial_holiday_through_2021_as_seeded():
    due, text = application("2021-09-11")
    assert due == "2021-10-12"
    assert "ends on Mon 10/11/2021 (Columbus Day)" in text


# --- service: CCP 1013(a) ---------------------------------------------------------------------


def test_a_ur_decision_served_by_mail_gives_five_more_days():
    due, text = application("2026-10-20", by="mail")
    assert due == "2026-11-24"
    assert text == (
        "30 days after service of the UR decision 10/20/2026 (by mail), plus 5 days for "
        "service by mail: due Tue 11/24/2026. 8 CCR 9792.10.1(b)(1); Lab. Code 4610.5(h); "
        "Avila v. UC Irvine Medical Center (WCAB 2015); CCP 1013(a)"
    )


@pytest.mark.parametrize("by", ["electronic", "personal"])
def test_a_ur_decision_served_otherwise_gives_thirty_days(by):
    due, text = application("2026-10-20", by=by)
    assert due == "2026-11-19"
    assert "CCP 1013(a)" not in text and "+5" not in text


def test_the_same_application_is_on_time_after_mail_service_and_late_after_electronic():
    facts = {"ur_decision_served_on": "2026-10-20", "application_received": "2026-11-20"}
    assert calculate({**facts, "ur_decision_served_by": "mail"})["filed_late"] is False
    assert calculate({**facts, "ur_decision_served_by": "electronic"})["filed_late"] is True


def test_records_are_due_15_days_after_a_mailed_notice_and_12_after_an_electronic_one():
    mailed = clock(notice_sent_on="2026-11-04", notice_sent_by="mail")
    assert mailed["records_due_on"] == "2026-11-19"
    assert mailed["explain"]["records_due_on"] == (
        "15 days after the notice mailed 11/04/2026: due Thu 11/19/2026. 8 CCR 9792.10.5(a)(1)"
    )
    sent = clock(notice_sent_on="2026-11-04", notice_sent_by="electronic")
    assert sent["records_due_on"] == "2026-11-16"
    assert sent["explain"]["records_due_on"] == (
        "12 days after the notice sent electronically 11/04/2026: due Mon 11/16/2026. "
        "8 CCR 9792.10.5(a)(1)"
    )


def test_an_unknown_method_is_taken_as_mail_by_default():
    out = clock(
        ur_decision_served_on="2026-10-20",
        notice_sent_on="2026-11-04",
        letter_mailed_on="2026-11-02",
    )
    assert out["application_deadline"] == "2026-11-24"
    assert (
        "30 days after service of the UR decision 10/20/2026 (the method was not recorded, so it "
        "is taken as mail), plus 5 days for service by mail: due Tue 11/24/2026."
    ) in out["explain"]["application_deadline"]
    assert out["records_due_on"] == "2026-11-19"
    assert out["explain"]["records_due_on"].startswith(
        "15 days after the notice sent 11/04/2026 (the method was not recorded, so it is taken "
        "as mail): due Thu 11/19/2026."
    )
    assert out["appeal_deadline"] == "2026-12-07"
    assert (
        "service of the determination 11/02/2026 (the method was not recorded, so it is taken "
        "as mail)"
    ) in out["explain"]["appeal_deadline"]


def test_a_mailed_period_ending_on_christmas_reads_as_one_sentence():
    """From a QA pass: "... (method not given, taken as mail) 11/20/2026, +5 days for service by
    mail is Fri 12/25/2026 is Christmas Day; Sat 12/26 ..." read as a garble."""
    out = clock(ur_decision_served_on="2026-11-20")
    assert out["application_deadline"] == "2026-12-28"
    assert out["explain"]["application_deadline"] == (
        "30 days after service of the UR decision 11/20/2026 (the method was not recorded, so it "
        "is taken as mail), plus 5 days for service by mail, ends on Fri 12/25/2026 (Christmas "
        "Day), not a court day, nor are Sat 12/26 (weekend) and Sun 12/27 (weekend): "
        "due Mon 12/28/2026. 8 CCR 9792.10.1(b)(1); Lab. Code 4610.5(h); "
        "Avila v. UC Irvine Medical Center (WCAB 2015); CCP 1013(a); CCP 12a"
    )


def test_an_unknown_method_follows_the_settings(settings):
    settings.CLOCK_UNKNOWN_UR_SERVICE = "electronic"
    settings.CLOCK_UNKNOWN_NOTICE_SERVICE = "electronic"
    settings.CLOCK_UNKNOWN_LETTER_SERVICE = "electronic"
    out = clock(
        ur_decision_served_on="2026-10-20",
        notice_sent_on="2026-11-04",
        letter_mailed_on="2026-11-02",
    )
    assert out["application_deadline"] == "2026-11-19"
    assert out["records_due_on"] == "2026-11-16"
    assert out["appeal_deadline"] == "2026-12-07"  # e-mailed: still +5 (8 CCR 10605(a))
    assert not any("CCP 1013(a)" in text for text in out["explain"].values())


# --- expedited: 24 hours, 3 days --------------------------------------------------------------


def test_the_expedited_same_day_notice_says_in_words_what_the_setting_chose():
    """From a QA pass: "Why this date" cited "expedited: CLOCK_EXPEDITED_NOTICE_SAME_DAY", a
    setting's name where the reader needs the reason."""
    text = clock(priority="expedited", application_received="2026-12-04")["explain"][
        "notice_due_on"
    ]
    assert text == (
        "The day of receipt of the expedited application 12/04/2026: due Fri 12/04/2026. "
        "8 CCR 9792.10.4(b); expedited: sent the same day, this organization's setting "
        "(the regulation allows one business day)"
    )
    assert "CLOCK_" not in text


def test_expedited_clocks_run_through_weekends_and_holidays():
    out = clock(
        priority="expedited",
        application_received="2026-11-25",
        notice_sent_on="2026-11-06",
        records_complete_on="2026-11-25",
        items=[{"formulary_dispute": True}, {"formulary_dispute": False}],
    )
    assert out["notice_due_on"] == "2026-11-25"  # the same day
    # Fri 11/06 + 24 hours = Sat 11/07, not Monday.
    assert out["records_due_on"] == "2026-11-07"
    assert out["explain"]["records_due_on"] == (
        "24 hours after the expedited notice of assignment 11/06/2026, weekends and holidays "
        "included (expedited: not moved to the next court day): due Sat 11/07/2026. "
        "8 CCR 9792.10.5(a)(1)"
    )
    # Wed 11/25 + 3 days = Sat 11/28, over Thanksgiving; a formulary item gets no 5 working days.
    assert out["determination_due_on"] == "2026-11-28"
    assert out["items"] == [{"determination_due_on": "2026-11-28"}] * 2
    assert out["explain"]["determination_due_on"].endswith(
        "(expedited: not moved to the next court day): due Sat 11/28/2026. Lab. Code 4610.6(d)"
    )
    # No holiday calendar decided these dates.
    assert set(out["calendar_versions"]) == set()


# --- per-item determination dates: Lab. Code 4610.6(d) ----------------------------------------


def test_a_mixed_formulary_case_is_due_on_its_earliest_item():
    # Fri 01/16/2026; Mon 01/19 is Martin Luther King Jr. Day.
    out = clock(
        application_received="2026-01-05",
        records_complete_on="2026-01-16",
        items=[
            {"formulary_dispute": False},
            {"formulary_dispute": True},
            {"formulary_dispute": False},
        ],
    )
    assert [item["determination_due_on"] for item in out["items"]] == [
        "2026-02-17",
        "2026-01-26",
        "2026-02-17",
    ]
    assert out["determination_due_on"] == "2026-01-26"
    formulary = out["explain"]["items[1].determination_due_on"]
    assert out["explain"]["determination_due_on"] == formulary
    assert (
        "(drug-formulary dispute) 01/16/2026 (not counted: Mon 01/19 Martin Luther King Jr. Day)"
        in (formulary)
    )
    assert formulary.endswith("due Mon 01/26/2026. Lab. Code 4610.6(d)(1)(A); Lab. Code 4600.4(b)")
    other = out["explain"]["items[0].determination_due_on"]
    assert (
        "ends on Sun 02/15/2026 (weekend), not a court day, nor is Mon 02/16 (Presidents' Day): "
        "due Tue 02/17/2026"
    ) in other
    assert other.endswith("Lab. Code 4610.6(d); CCP 12a")


def test_the_determination_clock_starts_when_both_application_and_records_are_in():
    out = clock(application_received="2026-11-12", records_complete_on="2026-11-10")
    # 11/12 + 30 = Sat 12/12: Mon 12/14.
    assert out["determination_due_on"] == "2026-12-14"
    assert (
        "complete records 11/12/2026 ends on Sat 12/12/2026 (weekend), not a court day, "
        "nor is Sun 12/13 (weekend): due Mon 12/14/2026" in (out["explain"]["determination_due_on"])
    )


# --- after the determination ------------------------------------------------------------------


def test_the_appeal_deadline_gets_five_more_days_for_service_other_than_personal():
    # 8 CCR 10605(a): by mail, fax, e-mail or any method but personal service, +5 days within
    # California (Matute v. LAUSD for mail).
    mailed = clock(letter_mailed_on="2026-11-02", letter_sent_by="mail")
    assert mailed["appeal_deadline"] == "2026-12-07"
    assert mailed["explain"]["appeal_deadline"] == (
        "30 days after service of the determination 11/02/2026 (by mail), plus 5 days for "
        "service other than personal (8 CCR 10605(a)): due Mon 12/07/2026. Lab. Code 4610.6(h); "
        "8 CCR 10575; 8 CCR 10605(a); Matute v. LAUSD (WCAB 2015)"
    )
    sent = clock(letter_mailed_on="2026-11-02", letter_sent_by="electronic")
    assert sent["appeal_deadline"] == "2026-12-07"
    assert "8 CCR 10605(a)" in sent["explain"]["appeal_deadline"]


def test_an_appeal_deadline_on_a_court_holiday_runs_to_the_next_court_day():
    # E-mailed Fri 05/29/2026: 35 days is Fri 07/03, the courts' Independence Day (July 4 is
    # a Saturday), so the petition is due Monday 07/06 (CCP 12a).
    out = clock(letter_mailed_on="2026-05-29", letter_sent_by="electronic")
    assert out["appeal_deadline"] == "2026-07-06"
    assert "CCP 12a" in out["explain"]["appeal_deadline"]


def test_authorization_and_reimbursement_count_from_receipt_of_the_determination():
    # 8 CCR 9792.10.7(a): mailed Mon 11/02/2026, taken as received Sat 11/07.
    out = clock(letter_mailed_on="2026-11-02", letter_sent_by="mail")
    assert out["authorization_due_on"] == "2026-11-16"
    assert out["explain"]["authorization_due_on"] == (
        "5 working days after the claims administrator's receipt of the determination "
        "11/07/2026 (taken as 5 days after mailing; not counted: Wed 11/11 Veterans Day): "
        "due Mon 11/16/2026. "
        "8 CCR 9792.10.7(a)(2); Lab. Code 4600.4(b)"
    )
    assert out["reimbursement_due_on"] == "2026-11-30"
    assert out["explain"]["reimbursement_due_on"] == (
        "20 days after the claims administrator's receipt of the determination 11/07/2026 "
        "(taken as 5 days after mailing) ends on Fri 11/27/2026 (Day after Thanksgiving), not a "
        "court day, nor are Sat 11/28 (weekend) and Sun 11/29 (weekend): due Mon 11/30/2026. "
        "8 CCR 9792.10.7(a)(1); CCP 12a"
    )
    # Sent electronically: received the same day.
    sent = clock(letter_mailed_on="2026-11-02", letter_sent_by="electronic")
    assert sent["authorization_due_on"] == "2026-11-09"
    assert sent["reimbursement_due_on"] == "2026-11-23"  # Sun 11/22 runs to Monday
    assert "receipt of the determination 11/02/2026" in sent["explain"]["reimbursement_due_on"]


def test_mail_receipt_days_follow_the_setting(settings):
    settings.CLOCK_MAIL_RECEIPT_DAYS = 3
    out = clock(letter_mailed_on="2026-11-02", letter_sent_by="mail")
    assert out["reimbursement_due_on"] == "2026-11-25"  # 11/05 + 20
    assert "taken as 3 days after mailing" in out["explain"]["reimbursement_due_on"]


# --- calendar versions ------------------------------------------------------------------------


ALL_FACTS = {
    "ur_decision_served_on": "2026-10-20",
    "application_received": "2026-11-02",
    "notice_sent_on": "2026-11-04",
    "records_complete_on": "2026-11-10",
    "items": [{"formulary_dispute": True}, {"formulary_dispute": False}],
    "letter_mailed_on": "2026-11-20",
}


def test_each_computed_deadline_records_its_calendar_version():
    clocks = compute(parse_facts(ALL_FACTS))
    judicial = CalendarVersion.objects.filter(calendar__name=CalendarName.JUDICIAL).first()
    state = CalendarVersion.objects.filter(calendar__name=CalendarName.STATE_OFFICES).first()
    assert clocks.application_deadline.calendar == f"judicial v{judicial.number}"
    assert clocks.records_due_on.calendar == f"judicial v{judicial.number}"
    assert clocks.appeal_deadline.calendar == f"judicial v{judicial.number}"
    assert clocks.reimbursement_due_on.calendar == f"judicial v{judicial.number}"
    assert clocks.notice_due_on.calendar == f"state_offices v{state.number}"
    assert clocks.authorization_due_on.calendar == f"state_offices v{state.number}"
    assert [item.calendar for item in clocks.items] == [
        f"state_offices v{state.number}",
        f"judicial v{judicial.number}",
    ]
    out = calculate(ALL_FACTS)
    dated = {key for key, value in out.items() if isinstance(value, str)}
    dated |= {f"items[{i}].determination_due_on" for i in range(2)}
    assert set(out["calendar_versions"]) == dated


def test_a_new_calendar_version_is_used_and_named():
    facts = {"ur_decision_served_on": "2026-10-20", "ur_decision_served_by": "electronic"}
    before = calculate(facts)
    assert before["application_deadline"] == "2026-11-19"
    current = CalendarVersion.objects.filter(calendar__name=CalendarName.JUDICIAL).first()
    assert before["calendar_versions"]["application_deadline"] == f"judicial v{current.number}"

    # A system administrator adds a day the Governor appointed: a new version with every day.
    new = CalendarVersion.objects.create(
        calendar=current.calendar, number=current.number + 1, note="Governor's proclamation"
    )
    Holiday.objects.bulk_create(
        [
            Holiday(version=new, date=day.date, name=day.name, source=day.source)
            for day in current.holidays.all()
        ]
        + [
            Holiday(
                version=new,
                date=dt.date(2026, 11, 19),
                name="Day of mourning",
                source="Gov. Code 6700(a)(16)",
            )
        ]
    )
    calendars_forget()

    after = calculate(facts)
    assert after["application_deadline"] == "2026-11-20"
    assert (
        "ends on Thu 11/19/2026 (Day of mourning), not a court day: due Fri 11/20/2026"
        in (after["explain"]["application_deadline"])
    )
    assert after["calendar_versions"]["application_deadline"] == f"judicial v{new.number}"


def test_a_conversion_to_expedited_never_gives_more_time():
    # 8 CCR 9792.10.4(c): records complete Sun 11/01/2026, so the standard determination is
    # due Tue 12/01; converted on 11/30, the expedited 3 days would end 12/03: 12/01 stands.
    late = clock(
        priority="expedited",
        application_received="2026-10-20",
        records_complete_on="2026-11-01",
        expedited_on="2026-11-30",
    )
    assert late["determination_due_on"] == "2026-12-01"
    assert (
        "receipt of the application and complete records"
        in (late["explain"]["determination_due_on"])
    )
    # Converted early, the 3 days from the conversion come first.
    early = clock(
        priority="expedited",
        application_received="2026-10-20",
        records_complete_on="2026-11-01",
        expedited_on="2026-11-10",
    )
    assert early["determination_due_on"] == "2026-11-13"
    assert "the conversion to expedited" in early["explain"]["determination_due_on"]


# --- Past the holiday tables (issue 9): the seed rules, said so --------------------------------


def test_a_period_ending_on_new_years_day_2037_rolls_to_the_next_business_day():
    # 30 days after 12/02/2036 is Thu 01/01/2037, New Year's Day: past the tables (2036).
    result = calculate({"ur_decision_served_on": "2036-12-02", "ur_decision_served_by": "personal"})
    assert result["application_deadline"] == "2037-01-02"
    text = result["explain"]["application_deadline"]
    assert "ends on Thu 01/01/2037 (New Year's Day)" in text
    assert "holidays after 2036 from the judicial rules (beyond the tables)" in text
    assert result["calendar_versions"]["application_deadline"].endswith(
        "+ judicial rules (beyond the tables)"
    )
    # Working days too: 1 working day after Wed 12/31/2036 skips New Year's Day.
    notice = calculate({"application_received": "2036-12-31"})
    assert notice["notice_due_on"] == "2037-01-02"
    assert "state_offices rules (beyond the tables)" in notice["explain"]["notice_due_on"]
