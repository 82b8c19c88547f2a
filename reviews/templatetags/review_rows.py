"""The rows of the quality queue and of a reviewer's open and finished cases, written in Python
for the same reason as the case list's (cases/templatetags/case_rows.py): fifty a page, each
about half a millisecond as template markup (issue 12). The markup is the one the templates
drew; tests/reviews/test_review_rows.py checks what each row shows and that it is escaped."""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe

from cases.formatting import us_date, us_datetime
from cases.templatetags.case_badges import (
    clock_badge,
    clock_row_class,
    priority_badge,
)
from cases.templatetags.case_rows import case_number_path, disputed_items_line
from reviews.determination.status_table import Stage

register = template.Library()

_FIRST_CLASS = ' class="item-due--first"'
_DUE_FIRST = ' <span class="badge badge--today">Due first</span>'
_FLAG_TITLE = "Decided against the clear majority of closely similar precedents"
# What the button of an open case says, by where the reviewer's work stands.
_OPEN_ACTION = {
    Stage.ASSIGNED: "Accept or decline",
    Stage.DRAFT: "Continue",
    Stage.RETURNED: "Revise",
}


def _name_of(user) -> str:
    """A user's full name, else their username (an imported determination has no user)."""
    return user.display_name if user else ""


def _case_cell(case, href: str, *, expedited: bool = True) -> str:
    """A row's first cell: the case number linking to `href` (escaped), and below it the
    expedited badge when `expedited` asks for it and the case is."""
    badge = f"<br>{priority_badge(case)}" if expedited and case.priority == "expedited" else ""
    return (
        f'<td data-label="Case"><a class="case-link" href="{href}">'
        f"{escape(case.case_number)}</a>{badge}</td>"
    )


@register.simple_tag
def quality_queue_row(determination) -> SafeString:
    """A submitted determination waiting for quality review: its case and items, the outcome,
    its open consistency flags, the reviewer and the rounds before (what
    reviews.quality.selectors.queue_rows_prepare put on it), when it was submitted and the
    case's stored clock."""
    case = determination.case
    clock = case.list_clock
    number = escape(case.case_number)
    review = escape(case_number_path("quality:quality_review", case.case_number))
    flags = determination.open_flag_ids
    flag_link = (
        f'<br><a class="badge badge--flag" href="{review}#flag-{flags[0]}" '
        f'title="{_FLAG_TITLE}">{len(flags)} consistency flag{pluralize(len(flags))}</a>'
        if flags
        else ""
    )
    rounds = determination.rounds
    resubmitted = (
        f'<br><span class="small muted">resubmitted after {rounds} round{pluralize(rounds)}</span>'
        if rounds
        else ""
    )
    reviewer = determination.reviewer
    submitted = us_datetime(determination.submitted_at)
    return mark_safe(
        f'<tr class="{clock_row_class(clock)}">{_case_cell(case, review)}'
        f'<td data-label="Disputed items">{disputed_items_line(determination.item_descriptions)}'
        "</td>"
        f'<td data-label="Outcome">{escape(determination.outcome_label or "—")}{flag_link}</td>'
        f'<td data-label="Reviewer">{escape(_name_of(reviewer))}'
        f"{resubmitted}</td>"
        f'<td data-label="Submitted" class="nowrap">{submitted}</td>'
        f'<td data-label="Days left">{clock_badge(clock)}</td>'
        f'<td class="num"><a class="button button--primary" href="{review}">Review'
        f'<span class="visually-hidden"> {number}</span></a></td>'
        "</tr>"
    )


@register.simple_tag
def item_due_list(clock) -> SafeString:
    """Each disputed item's own determination due date, the first marked (Lab. Code
    4610.6(d)), when they are not all due on one date: in a reviewer's open rows and the
    workspace's header."""
    if not clock.items_due_apart:
        return mark_safe("")
    lines = []
    due_first = clock.items_due_first
    for item, deadline in clock.item_deadlines:
        first = item in due_first
        lines.append(
            f"<li{_FIRST_CLASS if first else ''}>{escape(item.description)}: "
            f"due {us_date(deadline.on)}{_DUE_FIRST if first else ''}</li>"
        )
    return mark_safe(f'<ul class="item-due plain-list small">{"".join(lines)}</ul>')


def _stage_badge(stage_key: str) -> str:
    return (
        f'<span class="badge stage stage--{escape(stage_key)}">'
        f"{escape(Stage(stage_key).label)}</span>"
    )


def _items_of(case) -> str:
    return disputed_items_line(item.description for item in case.items.all())


@register.simple_tag
def reviewer_open_row(row) -> SafeString:
    """One of a reviewer's open cases (reviews.determination.selectors.ReviewerCase): its items,
    where the work stands, the running deadline with each item's own, and what to do next."""
    case = row.case
    clock = row.clock
    number = escape(case.case_number)
    workspace = escape(case_number_path("determination:workspace", case.case_number))
    stage_key = row.stage_key
    running = (
        f' <span class="muted small">{escape(clock.running_label)}</span>' if clock.running else ""
    )
    primary = " button--primary" if row.needs_action else ""
    return mark_safe(
        f'<tr class="{clock_row_class(clock)}">{_case_cell(case, workspace)}'
        f'<td data-label="Disputed items">{_items_of(case)}</td>'
        f'<td data-label="Where it stands">{_stage_badge(stage_key)}</td>'
        f'<td data-label="Due"><span class="nowrap">{us_date(clock.due_on) or "—"}</span>'
        f"{running}{item_due_list(clock)}</td>"
        f'<td data-label="Days left">{clock_badge(clock)}</td>'
        f'<td class="num"><a class="button{primary} dash-open" href="{workspace}">'
        f"{_OPEN_ACTION.get(stage_key, 'View')}"
        f'<span class="visually-hidden"> {number}</span></a></td>'
        "</tr>"
    )


@register.simple_tag
def reviewer_finished_row(row) -> SafeString:
    """One of a reviewer's finished cases: its items, where it ended, when it was decided and
    the outcome."""
    case = row.case
    workspace = escape(case_number_path("determination:workspace", case.case_number))
    decided = us_date(row.determination.decision_date) if row.determination else ""
    return mark_safe(
        f"<tr>{_case_cell(case, workspace, expedited=False)}"
        f'<td data-label="Disputed items">{_items_of(case)}</td>'
        f'<td data-label="Where it stands">{_stage_badge(row.stage_key)}</td>'
        f'<td data-label="Decided">{decided or "—"}</td>'
        f'<td data-label="Outcome">{escape(row.outcome_label or "—")}</td></tr>'
    )
