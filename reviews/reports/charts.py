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

# The chart's geometry in SVG user units (the picture scales to the page's width).
WIDTH = 640
LABEL_WIDTH = 240
VALUE_WIDTH = 60
ROW_HEIGHT = 22
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: int
    text: str  # the value as the table shows it

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def value_x(self) -> int:
        return self.width - VALUE_WIDTH + 6

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def bar_chart(title: str, points: list[tuple[str, float, str]]) -> BarChart:
    """Horizontal bars, one per (label, value, value as shown), the longest bar the largest
    value."""
    largest = max((value for _, value, _ in points), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label if len(label) <= 38 else label[:37] + "…",
            value=value,
            y=4 + index * ROW_HEIGHT,
            width=round(room * value / largest) if largest else 0,
            text=text,
        )
        for index, (label, value, text) in enumerate(points)
    ]
    return BarChart(title=title, bars=bars, height=8 + ROW_HEIGHT * max(len(bars), 1))


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
            (table, bar_chart(table.title, table.chart_points())) for table in snapshot.tables
        ]
        html = render_to_string("reports/partials/charts.html", {"charts": charts, "query": query})
        if settings.DASHBOARD_CACHE_SECONDS > 0:
            cache.set(key, str(html), settings.DASHBOARD_CACHE_SECONDS)
    # Our own template's output, kept as text.
    return mark_safe(html)
