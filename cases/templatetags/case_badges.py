"""A case's badges in pages and lists: status, priority, its clock, and a row's class from the
clock. Tags in Python rather than included templates: a list draws them fifty times a page,
and an include costs a template lookup and a context of its own each time. The markup and
words are the ones the pages showed before; tests/cases/test_case_badges.py holds them."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag
def status_badge(case) -> SafeString:
    return format_html(
        '<span class="badge badge--status badge--{}">{}</span>',
        case.status,
        _STATUS_LABELS.get(case.status, case.status),
    )


@register.simple_tag
def priority_badge(case) -> SafeString:
    return _EXPEDITED if case.priority == "expedited" else _STANDARD


@register.simple_tag
def clock_row_class(clock) -> str:
    """A row's class: late, or due today or within three days."""
    if clock.overdue:
        return "is-overdue"
    if clock.due_today or clock.due_soon:
        return "is-due-soon"
    return ""


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
    if clock.overdue:
        return format_html(
            '<span class="clock clock--overdue"><strong>Overdue</strong> by {}</span>',
            _days(-clock.days_left),
        )
    if clock.due_today:
        return _DUE_TODAY
    if clock.due_soon:
        return format_html('<span class="clock clock--soon">{} left</span>', _days(clock.days_left))
    return format_html('<span class="clock">{} days left</span>', clock.days_left)


@register.filter
def us_date(value) -> str:
    """A date as the pages print it (MM/DD/YYYY), without Django's general date formatter: a
    list prints two a row. Datetimes go through |date, which converts them to local time."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return ""
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


@register.filter
def us_datetime(value) -> str:
    """A moment in local time to the minute as the pages print it (MM/DD/YYYY h:MM AM, what
    |date:"m/d/Y g:i A" prints), without Django's general formatter: the readers table prints
    fifty, the history one a row."""
    if not isinstance(value, dt.datetime):
        return ""
    local = value if timezone.is_naive(value) else timezone.localtime(value)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{local.month:02d}/{local.day:02d}/{local.year} {hour}:{local.minute:02d} {noon}"
