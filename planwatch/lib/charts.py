"""Server-rendered SVG bar charts that work without JavaScript, with their data as table rows.

A :class:`Chart` holds categories (one bar each) and series (the parts of a stacked bar, or the
bars of a group). :func:`svg` draws it as an accessible SVG (``role="img"``, ``<title>`` and
``<desc>``, a ``<title>`` on every bar segment); :func:`table_rows` returns the same figures as
rows for the data table shown beside the chart. Labels and numbers arrive already translated
and formatted by the caller (``value_format``), so this module knows nothing about languages.

The output is deterministic (same chart, same bytes) and self-contained (``xmlns`` set, sizes in
pixels, fonts named), so it can be inlined in HTML, laid out by WeasyPrint, or turned into PNG.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from math import ceil, floor, log10

# Colours readable on white, distinguishable from each other, in the order series are given.
PALETTE = ("#1f5f8b", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f")

# Colours for plan statuses, so every chart of a status split looks the same.
STATUS_COLOURS = {
    "implemented": "#1a7340",
    "in_progress": "#e0a526",
    "not_started": "#a8b0b8",
    "ongoing": "#2f6fb0",
    "abandoned": "#7a3b3b",
}

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 7.0  # average advance of a character at FONT_SIZE, for fitting labels
ROW_HEIGHT = 22
ROW_GAP = 10
LEGEND_HEIGHT = 24
AXIS_HEIGHT = 20
PAD = 6


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str = ""


@dataclass(frozen=True)
class Category:
    """A bar (or a group of bars). ``texts`` may give a value's text with its qualifier ("more
    than 23,000"): such a value is drawn with a marker at the end of its bar, and the text is
    used in its tooltip, the description and the data table."""

    label: str
    values: tuple[float, ...]
    texts: tuple[str, ...] = ()

    def is_qualified(self, index: int) -> bool:
        return index < len(self.texts) and bool(self.texts[index])


@dataclass(frozen=True)
class Marker:
    """A reference value drawn across the bars as a dashed line (a target), with its label."""

    value: float
    label: str


@dataclass
class Chart:
    """A horizontal bar chart: one row per category, one segment (stacked) or bar (grouped)
    per series. ``id`` must be unique on the page that shows the chart."""

    id: str
    title: str
    series: list[Series]
    categories: list[Category]
    stacked: bool = True
    description: str = ""
    category_header: str = ""
    total_header: str = ""  # a "total" column in the table rows of a stacked chart, if set
    value_format: Callable[[float], str] = field(default=lambda value: f"{value:g}")
    width: int = 640
    markers: list[Marker] = field(default_factory=list)

    def colour(self, index: int) -> str:
        series = self.series[index]
        if series.colour:
            return series.colour
        return STATUS_COLOURS.get(series.key) or PALETTE[index % len(PALETTE)]

    def text(self, category: Category, index: int) -> str:
        """A value as the chart writes it: its qualified text, if any, else the number."""
        if category.is_qualified(index):
            return category.texts[index]
        return self.value_format(category.values[index])

    def totals(self) -> list[float]:
        return [sum(category.values) for category in self.categories]

    def describe(self) -> str:
        """The chart in words: the given description, else every figure."""
        if self.description:
            return self.description
        parts = []
        for category in self.categories:
            figures = ", ".join(
                f"{series.label} {self.text(category, index)}"
                for index, series in enumerate(self.series)
            )
            parts.append(f"{category.label}: {figures}" if category.label else figures)
        parts += [f"{marker.label}: {self.value_format(marker.value)}" for marker in self.markers]
        return "; ".join(parts) + "."


def status_chart(
    id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, str, int]]]],
    **options,
) -> Chart:
    """A stacked chart of status counts: ``rows`` is ``[(category label, [(status code, status
    label, count), …]), …]``, every row listing the same statuses in the same order."""
    first = rows[0][1] if rows else []
    series = [Series(code, label) for code, label, _count in first]
    categories = [Category(label, tuple(count for *_s, count in counts)) for label, counts in rows]
    return Chart(id=id, title=title, series=series, categories=categories, **options)


def table_rows(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The chart's figures as a header and rows of formatted text, for a data table."""
    header = [chart.category_header] + [series.label for series in chart.series]
    with_total = chart.stacked and bool(chart.total_header)
    if with_total:
        header.append(chart.total_header)
    rows = []
    for category in chart.categories:
        row = [category.label] + [chart.text(category, i) for i in range(len(category.values))]
        if with_total:
            row.append(chart.value_format(sum(category.values)))
        rows.append(row)
    return header, rows


def _nice_step(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at least ``value`` (no 2.5 below 10, so counts get
    whole ticks)."""
    if value <= 0:
        return 1
    magnitude = 10 ** floor(log10(value))
    for step in (1, 2, 2.5, 5):
        if step == 2.5 and magnitude < 10:
            continue
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _axis(maximum: float) -> tuple[float, list[float]]:
    """A round axis end and 2 to 5 evenly spaced ticks up to it (0 included)."""
    step = _nice_step(maximum / 4)
    if step < 1 and maximum >= 1:
        step = 1
    end = step * max(ceil(maximum / step), 1)
    return end, [round(step * i, 10) for i in range(round(end / step) + 1)]


def _fit(text: str, width: float) -> str:
    """Shorten a label to fit ``width`` pixels (the full label stays in the <title>)."""
    room = int(width / CHAR_WIDTH)
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


def _text_colour(background: str) -> str:
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#000000" if luminance > 0.45 else "#ffffff"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _marker(x: float, y: float, height: float) -> str:
    """The mark of a qualified value: an open chevron past the end of its bar (the value is a
    bound or an estimate, not an exact figure)."""
    middle = y + height / 2
    return (
        f'<path class="qualified" d="M{x + 2:.1f} {middle - 5:.1f} L{x + 7:.1f} {middle:.1f} '
        f'L{x + 2:.1f} {middle + 5:.1f}" fill="none" stroke="#222222" stroke-width="1.5" '
        'aria-hidden="true"/>'
    )


def svg(chart: Chart) -> str:
    """The chart as a standalone, accessible SVG document fragment."""
    n_series = len(chart.series)
    label_width = min(
        max((len(c.label) for c in chart.categories), default=0) * CHAR_WIDTH + PAD,
        chart.width * 0.35,
    )
    plot_x = label_width + PAD
    plot_width = chart.width - plot_x - PAD * 2
    bar_height = ROW_HEIGHT if chart.stacked else max(ROW_HEIGHT // max(n_series, 1), 8)
    row_height = ROW_HEIGHT if chart.stacked else bar_height * n_series
    top = LEGEND_HEIGHT + PAD + (14 if chart.markers else 0)
    height = top + len(chart.categories) * (row_height + ROW_GAP) + AXIS_HEIGHT + PAD
    values = chart.totals() if chart.stacked else [v for c in chart.categories for v in c.values]
    values += [marker.value for marker in chart.markers]
    scale_max, ticks = _axis(max(values, default=0))
    scale = plot_width / scale_max

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{chart.width}" height="{height}" viewBox="0 0 {chart.width} {height}" '
        f'aria-labelledby="{_attr(chart.id)}-title {_attr(chart.id)}-desc" '
        f'font-family="{_attr(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{_attr(chart.id)}-title">{escape(chart.title)}</title>',
        f'<desc id="{_attr(chart.id)}-desc">{escape(chart.describe())}</desc>',
    ]
    # Legend: a swatch and a label per series, on one line.
    x = plot_x
    for index, series in enumerate(chart.series):
        out.append(
            f'<rect x="{x:.1f}" y="{PAD}" width="12" height="12" fill="{chart.colour(index)}"/>'
            f'<text x="{x + 16:.1f}" y="{PAD + 10}" fill="#222222">{escape(series.label)}</text>'
        )
        x += 16 + len(series.label) * CHAR_WIDTH + 14
    # Grid lines and axis labels at round values.
    axis_y = top + len(chart.categories) * (row_height + ROW_GAP)
    for step, value in enumerate(ticks):
        gx = plot_x + value * scale
        anchor = "start" if step == 0 else "end" if step == len(ticks) - 1 else "middle"
        out.append(
            f'<line x1="{gx:.1f}" y1="{top - 2}" x2="{gx:.1f}" y2="{axis_y}" '
            f'stroke="#d0d4d8" stroke-width="1"/>'
            f'<text x="{gx:.1f}" y="{axis_y + 14}" text-anchor="{anchor}" fill="#444444" '
            f'font-size="{FONT_SIZE - 2}">{escape(chart.value_format(value))}</text>'
        )
    # Bars.
    for row, category in enumerate(chart.categories):
        y = top + row * (row_height + ROW_GAP)
        out.append(
            f'<text x="{label_width:.1f}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#222222"><title>{escape(category.label)}</title>'
            f"{escape(_fit(category.label, label_width))}</text>"
        )
        x = plot_x
        for index, value in enumerate(category.values):
            if not chart.stacked:
                x = plot_x
            by = y if chart.stacked else y + index * bar_height
            width = value * scale
            colour = chart.colour(index)
            text = chart.text(category, index)
            label = chart.series[index].label
            if width > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{by:.1f}" width="{width:.1f}" height="{bar_height}" '
                    f'fill="{colour}" stroke="#ffffff" stroke-width="1">'
                    f"<title>{escape(category.label)}, {escape(label)}: {escape(text)}</title>"
                    "</rect>"
                )
            gap = 4
            if category.is_qualified(index):
                out.append(_marker(x + width, by, bar_height))
                gap = 11
            if chart.stacked:
                if width >= len(text) * CHAR_WIDTH + 4:
                    out.append(
                        f'<text x="{x + width / 2:.1f}" y="{by + bar_height / 2 + 4:.1f}" '
                        f'text-anchor="middle" fill="{_text_colour(colour)}" aria-hidden="true">'
                        f"{escape(text)}</text>"
                    )
                x += width
            else:
                out.append(
                    f'<text x="{x + width + gap:.1f}" y="{by + bar_height / 2 + 4:.1f}" '
                    f'fill="#222222" font-size="{FONT_SIZE - 2}" aria-hidden="true">'
                    f"{escape(text)}</text>"
                )
    # Reference lines (targets), over the bars, labelled at the top.
    for marker in chart.markers:
        mx = plot_x + marker.value * scale
        text = f"{marker.label}: {chart.value_format(marker.value)}"
        out.append(
            f'<line class="marker" x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{axis_y}" '
            f'stroke="#b00020" stroke-width="2" stroke-dasharray="6 3">'
            f"<title>{escape(text)}</title></line>"
            f'<text x="{mx - 4:.1f}" y="{top - 6}" text-anchor="end" fill="#b00020" '
            f'font-size="{FONT_SIZE - 2}" aria-hidden="true">{escape(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
