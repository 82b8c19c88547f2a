"""Dates and moments as the pages, notices and messages print them (MM/DD/YYYY, and local time
to the minute with AM/PM: 6:04 PM, never 06:04 PM), without Django's general formatter: a list
prints several a row; and a label inside a sentence. Templates reach them as the `us_date`,
`us_datetime` and `in_sentence` filters (case_badges); services that write a message import them
from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone


def us_date(value) -> str:
    """A date as MM/DD/YYYY; anything else (None, a datetime) as "". Datetimes go through
    us_datetime or |date, which convert them to local time."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return ""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def us_datetime(value) -> str:
    """A moment in local time to the minute (MM/DD/YYYY h:MM AM, what |date:"m/d/Y g:i A"
    prints); anything but a datetime as ""."""
    if not isinstance(value, dt.datetime):
        return ""
    local = _local(value)
    return f"{local.month:02d}/{local.day:02d}/{local.year} {us_time(value)}"


def us_date_at(value) -> str:
    """A moment in local time as a sentence says it: "12/02/2026 at 6:04 PM" (the pages'
    "on m/d/Y at g:i A"); anything but a datetime as ""."""
    if not isinstance(value, dt.datetime):
        return ""
    local = _local(value)
    return f"{local.month:02d}/{local.day:02d}/{local.year} at {us_time(value)}"


def us_time(value) -> str:
    """The local time of a moment to the minute, without a leading zero (6:04 PM, what
    |date:"g:i A" prints); anything but a datetime as ""."""
    if not isinstance(value, dt.datetime):
        return ""
    local = _local(value)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{hour}:{local.minute:02d} {noon}"


def _local(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_naive(value) else timezone.localtime(value)


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: its first word lower-cased unless it is an
    abbreviation ("Claims administrator" → "claims administrator", "UR organization" stays)."""
    first, _, rest = str(label).partition(" ")
    if len(first) > 1 and first[1:2].isupper():
        return str(label)
    return first[:1].lower() + first[1:] + (f" {rest}" if rest else "")


def cases_counted(count: int) -> str:
    """ "1 case", "3 cases": how a message counts cases."""
    return f"{count} case{'' if count == 1 else 's'}"


def first_and_more(names: Sequence[str], most: int) -> tuple[list[str], int]:
    """The first `most` of `names` to name, and how many more to count ("CM26-1, CM26-2 and
    3 more"): what a message or notification lists of a long run of cases."""
    return list(names[:most]), max(len(names) - most, 0)
