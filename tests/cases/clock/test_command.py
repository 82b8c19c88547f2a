"""manage.py clock FILE: facts in, the issue's shape of JSON out; bad input exits non-zero with
one line naming the JSON path."""

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from cases.clock.calculator import calculate

pytestmark = pytest.mark.django_db  # the holiday tables are data

DATES = (
    "application_deadline",
    "notice_due_on",
    "records_due_on",
    "determination_due_on",
    "appeal_deadline",
    "authorization_due_on",
    "reimbursement_due_on",
)
# The keys, plus the notice, the two dates after an overturn and the calendar versions.
KEYS = {*DATES, "filed_late", "items", "explain", "calendar_versions"}

CESAR_CHAVEZ = {"notice_sent_on": "2025-03-14", "notice_sent_by": "mail"}
EVERYTHING = {
    "priority": "standard",
    "ur_decision_served_on": "2026-10-20",
    "ur_decision_served_by": "mail",
    "application_received": "2026-11-02",
    "notice_sent_on": "2026-11-04",
    "notice_sent_by": "electronic",
    "records_complete_on": "2026-11-10",
    "items": [{"formulary_dispute": True}, {"formulary_dispute": False}],
    "letter_mailed_on": "2026-11-20",
    "letter_sent_by": "mail",
}


def run_clock(path) -> object:
    out = io.StringIO()
    call_command("clock", str(path), stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path, data) -> str:
    path = tmp_path / "facts.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def assert_shape(result: dict):
    assert set(result) == KEYS
    for key in DATES:
        assert result[key] is None or isinstance(result[key], str), key
    assert result["filed_late"] is None or isinstance(result["filed_late"], bool)
    assert isinstance(result["items"], list)
    for item in result["items"]:
        assert set(item) == {"determination_due_on"}
        assert item["determination_due_on"] is None or isinstance(item["determination_due_on"], str)
    for mapping in (result["explain"], result["calendar_versions"]):
        assert isinstance(mapping, dict)
        assert all(isinstance(text, str) for text in mapping.values())


def test_one_facts_object_gives_one_result_object(tmp_path):
    result = run_clock(write(tmp_path, CESAR_CHAVEZ))
    assert_shape(result)
    assert result["records_due_on"] == "2025-04-01"
    assert result["explain"]["records_due_on"].startswith(
        "15 days after the notice mailed 03/14/2025 ends on Sat 03/29/2025 (weekend)"
    )
    assert result["calendar_versions"]["records_due_on"].startswith("judicial v")


def test_every_key_given_fills_every_date(tmp_path):
    result = run_clock(write(tmp_path, EVERYTHING))
    assert_shape(result)
    assert all(result[key] for key in DATES)
    assert result["filed_late"] is False
    assert result["application_deadline"] == "2026-11-24"  # 30 + 5 by mail
    assert result["records_due_on"] == "2026-11-16"  # 12 days, electronic
    assert [item["determination_due_on"] for item in result["items"]] == [
        "2026-11-18",  # 5 working days, Veterans Day not counted
        "2026-12-10",
    ]
    assert result["determination_due_on"] == "2026-11-18"
    assert set(result["explain"]) == {
        *DATES,
        "items[0].determination_due_on",
        "items[1].determination_due_on",
    }


def test_an_empty_object_gives_all_nulls(tmp_path):
    result = run_clock(write(tmp_path, {}))
    assert_shape(result)
    assert all(result[key] is None for key in (*DATES, "filed_late"))
    assert result["items"] == []
    assert result["explain"] == {} and result["calendar_versions"] == {}


def test_items_without_complete_records_are_listed_with_null_dates(tmp_path):
    result = run_clock(write(tmp_path, {"items": [{"formulary_dispute": True}, {}]}))
    assert result["items"] == [{"determination_due_on": None}] * 2
    assert result["determination_due_on"] is None


def test_a_list_gives_a_list_in_the_same_order(tmp_path):
    result = run_clock(write(tmp_path, [CESAR_CHAVEZ, {}, EVERYTHING]))
    assert isinstance(result, list) and len(result) == 3
    for each in result:
        assert_shape(each)
    assert result[0]["records_due_on"] == "2025-04-01"
    assert result[1]["records_due_on"] is None
    assert result[2]["records_due_on"] == "2026-11-16"
    assert run_clock(write(tmp_path, [])) == []


def test_dash_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps([CESAR_CHAVEZ])))
    result = run_clock("-")
    assert result[0]["records_due_on"] == "2025-04-01"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"notice_sent_on": "2025-02-30"}, "$.notice_sent_on: '2025-02-30' is not a date"),
        ({"notice_sent_on": 20250314}, "$.notice_sent_on: expected a date as YYYY-MM-DD"),
        ({"priority": "urgent"}, "$.priority: expected one of standard, expedited"),
        ({"ur_decision_served_by": "fax"}, "$.ur_decision_served_by: expected one of mail"),
        ({"notice_sent_by": "personal"}, "$.notice_sent_by: expected one of mail, electronic"),
        ({"letter_sent_by": "pigeon"}, "$.letter_sent_by: expected one of mail, electronic"),
        ({"noticed_on": "2025-03-14"}, "$.noticed_on: unknown key"),
        ({"items": {"formulary_dispute": True}}, "$.items: expected a list"),
        ({"items": [True]}, "$.items[0]: expected an object"),
        (
            {"items": [{}, {"formulary_dispute": "yes"}]},
            "$.items[1].formulary_dispute: expected true or false",
        ),
        ([{}, {}, "2025-03-14"], "$[2]: expected an object of facts"),
        ([{}, {"records_complete_on": "soon"}], "$[1].records_complete_on: 'soon' is not a date"),
        ("3", "$: expected an object of facts"),
    ],
)
def test_bad_facts_give_one_line_naming_the_json_path(tmp_path, data, reason):
    with pytest.raises(CommandError) as caught:
        run_clock(write(tmp_path, data))
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "cannot read"), ("{not json", "is not JSON"), ("", "is not JSON")],
)
def test_a_missing_or_malformed_file_gives_one_line(tmp_path, content, reason):
    path = tmp_path / "facts.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError) as caught:
        run_clock(path)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def manage(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "manage.py", "clock", *args],
        cwd=django_settings.BASE_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_input_exits_non_zero_with_one_line_on_stderr():
    # Fails while parsing, before any table is read, so the process needs no database.
    done = manage("-", stdin='{"items": [{"formulary_dispute": 1}]}')
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "CommandError: $.items[0].formulary_dispute: expected true or false"
    ]


def test_the_command_has_help():
    done = manage("--help")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "from a JSON facts object or a list of them (FILE, or - for standard input)" in text


def test_the_screen_resumed_moves_the_notice_clock(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(
        json.dumps({"application_received": "2026-11-02", "screen_resumed_on": "2026-11-12"})
    )
    result = run_clock(path)
    assert result["notice_due_on"] == "2026-11-13"
    assert result["explain"]["notice_due_on"].startswith(
        "1 working day after the screen resumed 11/12/2026"
    )
    # Without it (the key is optional), one business day after the receipt.
    path.write_text(json.dumps({"application_received": "2026-11-02"}))
    assert run_clock(path)["notice_due_on"] == "2026-11-03"


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_list_is_written_as_it_goes_byte_for_byte_as_one_dump(tmp_path, count):
    data = [EVERYTHING, CESAR_CHAVEZ, {}][:count]
    out = io.StringIO()
    call_command("clock", write(tmp_path, data), stdout=out)
    assert out.getvalue() == json.dumps([calculate(each) for each in data], indent=2) + "\n"


def test_a_bad_object_late_in_a_list_writes_nothing(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"\$\[2\]\.priority"):
        call_command("clock", write(tmp_path, [{}, {}, {"priority": "urgent"}]), stdout=out)
    assert out.getvalue() == ""
