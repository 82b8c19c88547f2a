"""Bar charts drawn on the server as SVG: the geometry here, the markup in
templates/reports/partials/chart.html. No script and no style attribute (the Content Security
Policy forbids both): the bars are sized by SVG presentation attributes (x, y, width, height)
and coloured by the stylesheet's classes. The dashboard's charts are drawn once per kept
snapshot of its figures (charts_drawn)."""

from __future__ import annotations

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


def _label(label: str) -> str:
    return label if len(label) <= 38 else label[:37] + "…"


def bar_chart(
    title: str, points: list[tuple[str, float, str]], *, narrow: bool = False
) -> BarChart:
    """Horizontal bars, one per (label, value, value as shown), the longest bar the largest
    value. Wide: the label left of its bar, the value at the right edge. `narrow` (a phone):
    each label on its own line above its bar, the value just past the bar's end."""
    largest = max((value for _, value, _ in points), default=0)
    if narrow:
        width, row, room = NARROW_WIDTH, NARROW_ROW_HEIGHT, NARROW_WIDTH - NARROW_VALUE_WIDTH
    else:
        width, row, room = WIDTH, ROW_HEIGHT, WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value, text) in enumerate(points):
        top = 4 + index * row
        length = round(room * value / largest) if largest else 0
        bar_y = top + 16 if narrow else top
        bars.append(
            Bar(
                label=_label(label),
                value=value,
                text=text,
                label_x=0,
                label_y=top + 12 if narrow else top + BAR_HEIGHT - 2,
                x=0 if narrow else LABEL_WIDTH,
                y=bar_y,
                width=length,
                value_x=length + 4 if narrow else WIDTH - VALUE_WIDTH + 6,
                value_y=bar_y + BAR_HEIGHT - 2,
            )
        )
    return BarChart(title, bars, width, (4 if narrow else 8) + row * max(len(bars), 1))


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
            (table, bar_chart(table.title, points), bar_chart(table.title, points, narrow=True))
            for table in snapshot.tables
            for points in [table.chart_points()]
        ]
        html = render_to_string("reports/partials/charts.html", {"charts": charts, "query": query})
        if settings.DASHBOARD_CACHE_SECONDS > 0:
            cache.set(key, str(html), settings.DASHBOARD_CACHE_SECONDS)
    # Our own template's output, kept as text.
    return mark_safe(html)
