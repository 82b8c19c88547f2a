"""Bar charts drawn on the server as SVG: the geometry here, the markup in
templates/reports/partials/chart.html. No script and no style attribute (the Content Security
Policy forbids both): the bars are sized by SVG presentation attributes (x, y, width, height)
and coloured by the stylesheet's classes. The dashboard's charts are drawn once per kept
snapshot of its figures (charts_drawn)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# The chart's geometry in SVG user units (the picture scales to the page's width). Wide: the label,
# the bar and its value on one line. Narrow (a phone): the label above a bar that has the whole
# width but the value's room, so at 390 px the bars keep their proportions and the labels and
# values their size (about 12 px), with nothing to scroll.
WIDTH = 640
LABEL_WIDTH = 240
VALUE_WIDTH = 60
ROW_HEIGHT = 22
BAR_HEIGHT = 14
NARROW_WIDTH = 320
NARROW_VALUE_WIDTH = 52
NARROW_ROW_HEIGHT = 38
# A label is wrapped at words, never cut short (from QA: "Filed by the provider, not an
# eligibl…"): SVG text does not wrap, so the lines are made here, each at most as many
# characters as the label's room holds at 12 px (about 6.5 units a character, capitals
# included), one LINE_HEIGHT apart.
LABEL_CHARS = 34
NARROW_LABEL_CHARS = 46
LINE_HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the table shows it
    label_x: int
    label_y: int
    x: int
    y: int
    width: int
    value_x: int
    value_y: int
    # The label's lines after the first, each (y, words): the template writes them as tspans.
    label_more: tuple[tuple[int, str], ...] = ()
    # A share past its whole (a reviewer over capacity): the bar is full, marked with `over`
    # (the chart's words for it) inside its end, at over_x.
    over: str = ""
    over_x: int = 0
    # A share's whole, drawn as a light track behind the bar (0: a count, no whole), so 50%
    # reads as half of something (from QA: a lone bar could be read only from its number).
    track: int = 0


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _lines(label: str, chars: int) -> list[str]:
    """The label's words in lines of at most `chars` characters (a longer word on its own line,
    whole)."""
    return textwrap.wrap(label, chars, break_long_words=False, break_on_hyphens=False) or [""]


def bar_chart(
    title: str,
    points: list[tuple[str, float, str]],
    *,
    narrow: bool = False,
    whole: float | None = None,
    over: str = "over",
) -> BarChart:
    """Horizontal bars, one per (label, value, value as shown). A count is drawn against the
    largest value (its bar the longest); a share against its `whole` (100 for a percentage),
    so 50% is half the room whatever the other rows hold, and a share past its whole (a
    reviewer over capacity) is a full bar marked with the words `over`. Wide: the label left
    of its bar, the value at the right edge. `narrow` (a phone): each label on its own lines
    above its bar, the value just past the bar's end. A long label wraps at words onto more
    lines, its row taller."""
    scale = whole if whole is not None else max((value for _, value, _ in points), default=0)
    if narrow:
        width, row, room = NARROW_WIDTH, NARROW_ROW_HEIGHT, NARROW_WIDTH - NARROW_VALUE_WIDTH
        chars = NARROW_LABEL_CHARS
    else:
        width, row, room = WIDTH, ROW_HEIGHT, WIDTH - LABEL_WIDTH - VALUE_WIDTH
        chars = LABEL_CHARS
    bars = []
    top = 4
    for label, value, text in points:
        lines = _lines(label, chars)
        extra = LINE_HEIGHT * (len(lines) - 1)
        past_whole = whole is not None and value > whole
        length = room if past_whole else (round(room * value / scale) if scale else 0)
        label_y = top + 12 if narrow else top + BAR_HEIGHT - 2
        bar_y = top + 16 + extra if narrow else top
        bars.append(
            Bar(
                label=lines[0],
                value=value,
                text=text,
                label_x=0,
                label_y=label_y,
                x=0 if narrow else LABEL_WIDTH,
                y=bar_y,
                width=length,
                value_x=length + 4 if narrow else WIDTH - VALUE_WIDTH + 6,
                value_y=bar_y + BAR_HEIGHT - 2,
                label_more=tuple(
                    (label_y + LINE_HEIGHT * position, line)
                    for position, line in enumerate(lines[1:], start=1)
                ),
                over=over if past_whole else "",
                over_x=(0 if narrow else LABEL_WIDTH) + length - 4,
                track=room if whole is not None else 0,
            )
        )
        top += row + extra
    height = top + (0 if narrow else 4) if bars else (4 if narrow else 8) + row
    return BarChart(title, bars, width, height)


def charts_drawn(snapshot, query: dict[str, str]) -> SafeString:
    """The dashboard snapshot's charts as HTML (SVG, table and CSV link each), drawn once per
    snapshot and kept as long as its figures are (DASHBOARD_CACHE_SECONDS), by period and the
    time they were taken: the same for every administrator, and drawing eleven charts was most
    of the page's time (33 of 53 ms in process at 200,000 cases, issue 12). `query` is the
    period as the CSV links carry it."""
    key = (
        f"reports:dashboard:charts:{query['start']}:{query['end']}:{snapshot.taken_at.isoformat()}"
    )
    html = cache.get(key)
    if html is None:
        charts = [
            (
                table,
                bar_chart(table.title, points, whole=table.chart_whole, over=table.chart_over),
                bar_chart(
                    table.title,
                    points,
                    narrow=True,
                    whole=table.chart_whole,
                    over=table.chart_over,
                ),
            )
            for table in snapshot.tables
            for points in [table.chart_points()]
        ]
        html = render_to_string("reports/partials/charts.html", {"charts": charts, "query": query})
        if settings.DASHBOARD_CACHE_SECONDS > 0:
            cache.set(key, str(html), settings.DASHBOARD_CACHE_SECONDS)
    # Our own template's output, kept as text.
    return mark_safe(html)
