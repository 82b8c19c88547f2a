"""A case's badges in pages and lists: status, priority, its clock, and a row's class from the
clock. Tags in Python rather than included templates: a list draws them fifty times a page,
and an include costs a template lookup and a context of its own each time. The markup and
words are the ones the pages showed before; tests/cases/test_case_badges.py holds them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cases.formatting import in_sentence, us_date, us_datetime
from cases.lifecycle.statuses import CaseStatus

register = template.Library()

_EXPEDITED = mark_safe('<span class="badge badge--expedited">Expedited</span>')
_STANDARD = mark_safe('<span class="priority-standard">Standard</span>')
_NO_CLOCK = mark_safe('<span class="muted">No clock running</span>')
_DUE_TODAY = mark_safe('<span class="clock clock--today"><strong>Due today</strong></span>')
# A status's words: get_status_display() flattens and hashes the field's choices at each call.
_STATUS_LABELS = dict(CaseStatus.choices)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _status_markup(status: str) -> SafeString:
    return format_html(
        '<span class="badge badge--status badge--{}">{}</span>',
        status,
        _STATUS_LABELS.get(status, status),
    )


# Each status's badge, drawn once: a list draws one a row (issue 12).
_STATUS_BADGES = {status: _status_markup(status) for status in _STATUS_LABELS}


@register.simple_tag
def status_badge(case) -> SafeString:
    badge = _STATUS_BADGES.get(case.status)
    return badge if badge is not None else _status_markup(case.status)


@register.simple_tag
def priority_badge(case) -> SafeString:
    return _EXPEDITED if case.priority == "expedited" else _STANDARD


@register.simple_tag
def clock_row_class(clock) -> str:
    """A row's class: late, or due today or within three days."""
    days_left = clock.days_left
    if days_left is None:
        return ""
    if days_left < 0:
        return "is-overdue"
    return "is-due-soon" if days_left <= 3 else ""


@register.simple_tag
def clock_badge(clock) -> SafeString:
    """The running clock in words: deferred (8 CCR 9792.10.3(a)(3): no statutory clock runs),
    none, overdue, due today, days left."""
    if clock.deferred_text:
        return format_html(
            '<span class="clock{}" title="{}">Deferred {}{}</span>',
            " clock--soon" if clock.deferral_review else "",
            clock.deferred_text,
            _days(clock.deferred_days or 0),
            ": look again" if clock.deferral_review else "",
        )
    if clock.due_on is None:
        return _NO_CLOCK
    # From here on the words are numbers and constants: nothing to escape (a list draws one
    # badge a row, and format_html's escaping of each number was a third of the badge).
    days_left = clock.days_left
    if days_left < 0:
        return mark_safe(
            '<span class="clock clock--overdue"><strong>Overdue</strong> by '
            f"{_days(-days_left)}</span>"
        )
    if days_left == 0:
        return _DUE_TODAY
    if days_left <= 3:
        return mark_safe(f'<span class="clock clock--soon">{_days(days_left)} left</span>')
    return mark_safe(f'<span class="clock">{days_left} days left</span>')


# The pages' date and moment formats, one definition for templates and services alike.
register.filter("us_date", us_date)
register.filter("us_datetime", us_datetime)
register.filter("in_sentence", in_sentence)
