"""The case list's row (cases/templatetags/case_rows.py), drawn in Python for speed: the
markup the template drew, every value from the case escaped, links that follow the site's
script prefix."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from cases.lifecycle.models import Case, CaseStatus, Priority
from cases.templatetags.case_rows import case_number_path

# The test set-up reads the holiday calendars from the database; the rows read nothing.
pytestmark = pytest.mark.django_db


def row(case, **flags) -> str:
    source = "{% load case_rows %}{% case_list_row case selectable=selectable selected=selected %}"
    context = {"case": case, "selectable": False, "selected": False, **flags}
    return Template(source).render(Context(context))


def listed(**fields) -> Case:
    today = timezone.localdate()
    values = {
        "case_number": "CM26-0000123",
        "worker_last_name": "Delgado",
        "worker_first_name": "Maria",
        "claim_number": "CLM-77",
        "priority": Priority.STANDARD,
        "status": CaseStatus.IN_REVIEW,
        "application_received": dt.date(2026, 2, 3),
        "due_on": today + dt.timedelta(days=10),
    }
    return Case(**{**values, **fields})


def test_a_row_shows_the_case_its_worker_status_dates_and_clock():
    case = listed()
    due = case.due_on
    html = row(case)
    href = reverse("casefile:case_detail", args=["CM26-0000123"])
    assert html == (
        '<tr class=""><td data-label="Case">'
        f'<a class="case-link" href="{href}">CM26-0000123</a></td>'
        '<td data-label="Worker" class="cell-text">Delgado, Maria</td>'
        '<td data-label="Claim number" class="case-table__claim">CLM-77</td>'
        '<td data-label="Priority"><span class="priority-standard">Standard</span></td>'
        '<td data-label="Status"><span class="badge badge--status badge--in_review">In review'
        "</span></td>"
        '<td data-label="Received" class="nowrap case-table__received">02/03/2026</td>'
        f'<td data-label="Due"><span class="nowrap">{due:%m/%d/%Y}</span> '
        '<span class="muted small">determination</span></td>'
        '<td data-label="Clock"><span class="clock">10 days left</span></td>'
        '<td data-label="Outcome"><span class="muted">—</span></td></tr>'
    )


def test_what_the_case_holds_is_escaped_never_markup():
    case = listed(worker_last_name="O'Brien <b>", worker_first_name='"Al"', claim_number="<i>")
    case.outcome_label = "Upheld <script>"
    html = row(case)
    assert "<b>" not in html and "<i>" not in html and "<script>" not in html
    assert "O&#x27;Brien &lt;b&gt;, &quot;Al&quot;" in html
    assert '<td data-label="Claim number" class="case-table__claim">&lt;i&gt;</td>' in html
    assert '<td data-label="Outcome">Upheld &lt;script&gt;</td>' in html


def test_the_selection_box_is_there_for_those_who_act_on_several_and_checked_on_select_all():
    case = listed()
    assert 'type="checkbox"' not in row(case)
    box = (
        '<td data-label="Select"><input type="checkbox" name="case" value="CM26-0000123" '
        'id="select-CM26-0000123" aria-label="Select CM26-0000123"{}></td>'
    )
    assert box.format("") in row(case, selectable=True)
    assert box.format(" checked") in row(case, selectable=True, selected=True)


@pytest.mark.parametrize(
    ("fields", "row_class", "clock"),
    [
        ({"due_on": None}, "", '<span class="muted">No clock running</span>'),
        ({"days": -2}, "is-overdue", "<strong>Overdue</strong> by 2 days"),
        ({"days": 2}, "is-due-soon", '<span class="clock clock--soon">2 days left</span>'),
    ],
)
def test_the_row_is_marked_by_its_clock(fields, row_class, clock):
    if "days" in fields:
        fields = {"due_on": timezone.localdate() + dt.timedelta(days=fields["days"])}
    html = row(listed(**fields))
    assert html.startswith(f'<tr class="{row_class}">')
    assert clock in html
    if fields["due_on"] is None:
        assert '<td data-label="Due"><span class="muted">—</span></td>' in html


def test_an_expedited_case_shows_its_badge():
    html = row(listed(priority=Priority.EXPEDITED))
    assert '<span class="badge badge--expedited">Expedited</span>' in html


def test_links_follow_the_script_prefix_as_reverse_does():
    try:
        set_script_prefix("/imr/")
        assert case_number_path("casefile:case_detail", "CM26-0000123") == reverse(
            "casefile:case_detail", args=["CM26-0000123"]
        )
        assert 'href="/imr/cases/CM26-0000123/"' in row(listed())
    finally:
        clear_script_prefix()
    assert 'href="/cases/CM26-0000123/"' in row(listed())
    # Quoted as reverse quotes it, should a number ever hold such a character.
    assert case_number_path("casefile:case_detail", "CM26 01?") == reverse(
        "casefile:case_detail", args=["CM26 01?"]
    )
