"""A value outside a fixed list: a JSON sender is told the codes, a person at a form is not."""

import datetime as dt

import pytest

from cases.jsoncheck import (
    EARLIEST_DATE,
    Checker,
    JsonError,
    JsonKeyRepeated,
    form_dates,
    happened_problem,
    json_loads,
    not_one_of,
)


def test_a_choice_outside_its_list_names_the_codes_for_json_and_not_for_a_form():
    error = not_one_of("$.priority", "urgnet", ["standard", "expedited"], what="a priority")

    assert str(error) == ('$.priority: "urgnet" is not a priority; use one of: standard, expedited')
    assert error.as_dict()["message"].endswith("use one of: standard, expedited")
    assert error.form_message == '"urgnet" is not a priority; choose one from the list'


def test_a_missing_choice_is_required_with_its_codes_for_json_and_plain_for_a_form():
    check = Checker()

    check.choice(
        {}, "category", "$.items[0]", ["pharmaceutical", "surgery"], required=True, what=""
    )

    (error,) = check.errors
    assert error.message == "is required; use one of: pharmaceutical, surgery"
    assert error.form_message == "is required; choose one from the list"


def test_a_problem_without_choices_reads_the_same_at_both_doors():
    check = Checker()

    check.error("$.claim_number", "must be text")

    (error,) = check.errors
    assert error.message == error.form_message == "must be text"


def test_a_forms_message_writes_dates_as_the_pages_do_but_leaves_ids_as_sent():
    """From a review: the rewrite to MM/DD/YYYY also rewrote an id quoted in a message."""
    error = JsonError("$.application_id", "IMR-2016-11-04-001 was received 2016-11-04")
    assert error.form_message == "IMR-2016-11-04-001 was received 11/04/2016"
    assert error.message == "IMR-2016-11-04-001 was received 2016-11-04"


def test_a_date_that_happened_is_neither_in_the_future_nor_before_the_earliest_date():
    today = dt.date(2024, 5, 1)

    assert happened_problem(today, today=today) is None
    assert happened_problem(EARLIEST_DATE, today=today) is None
    assert happened_problem(dt.date(2024, 5, 2), today=today) == "is in the future"
    problem = happened_problem(dt.date(1899, 12, 31), today=today)
    assert problem == "is before 1900-01-01"
    assert form_dates(problem) == "is before 01/01/1900"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"claim_number": "FIRST", "claim_number": "SECOND"}', "$.claim_number"),
        ('[{"a": 1}, {"b": {"c": [{"d": 1, "e": 2, "d": 1}]}}]', "$[1].b.c[0].d"),
        ('{"x": {"odd key": 1, "odd key": 2}}', '$.x["odd key"]'),
        # An object's own repeat is named before those of the objects in it.
        ('{"x": {"z": 1, "z": 2}, "y": 1, "y": 2}', "$.y"),
    ],
)
def test_a_key_given_twice_is_refused_by_its_path(text, path):
    """From QA: json.loads kept the last value silently; which was meant is unknown."""
    with pytest.raises(JsonKeyRepeated) as refused:
        json_loads(text)

    assert refused.value.path == path
    assert refused.value.problem.endswith(
        "is given more than once in the same object; give it once"
    )


def test_the_same_key_in_two_objects_is_no_repeat():
    assert json_loads('[{"a": 1}, {"a": 2}]') == [{"a": 1}, {"a": 2}]
