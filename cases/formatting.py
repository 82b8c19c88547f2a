"""Dates and moments as the pages, notices and messages print them (MM/DD/YYYY, and local time
to the minute with AM/PM), without Django's general formatter: a list prints several a row.
Templates reach them as the `us_date` and `us_datetime` filters (case_badges); services that
write a message import them from here."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def us_date(value) -> str:
    """A date as MM/DD/YYYY; anything else (None, a datetime) as "". Datetimes go through
    us_datetime or |date, which convert them to local time."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return ""
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


def us_datetime(value) -> str:
    """A moment in local time to the minute (MM/DD/YYYY h:MM AM, what |date:"m/d/Y g:i A"
    prints); anything but a datetime as ""."""
    if not isinstance(value, dt.datetime):
        return ""
    local = value if timezone.is_naive(value) else timezone.localtime(value)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{local.month:02d}/{local.day:02d}/{local.year} {hour}:{local.minute:02d} {noon}"
