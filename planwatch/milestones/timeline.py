"""A measure's milestones as a small SVG timeline (no JavaScript): one row per milestone, a
hollow mark at the baseline, a line to the forecast (or the completion) and a mark there,
filled once done. Labels arrive translated; the table beside it holds the same figures."""

import datetime as dt
from html import escape

from .slippage import DONE, DONE_LATE, SLIPPED, Dates

WIDTH, ROW, TOP, LEFT, RIGHT = 640, 26, 10, 40, 20
COLOURS = {SLIPPED: "#b3261e", DONE_LATE: "#b3261e", DONE: "#1a7340"}
ON_TIME_COLOUR = "#1f5f8b"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


def svg(rows: list[Dates], *, title: str, description: str, labels: list[str]) -> str:
    """``labels``: one short label per row (its number in the table)."""
    if not rows:
        return ""
    days = [d for r in rows for d in (r.baseline, r.forecast, r.completed) if d]
    first, last = dt.date(min(days).year, 1, 1), dt.date(max(days).year + 1, 1, 1)
    span = (last - first).days or 1
    inner = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        return round(LEFT + inner * (day - first).days / span, 1)

    height = TOP + ROW * len(rows) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="timeline-title timeline-desc" font-family="{FONT}" font-size="12">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(description)}</desc>',
    ]
    axis = TOP + ROW * len(rows) + 4
    parts.append(f'<line x1="{LEFT}" y1="{axis}" x2="{WIDTH - RIGHT}" y2="{axis}" stroke="#555"/>')
    for year in range(first.year, last.year + 1):
        tick = x(dt.date(year, 1, 1))
        parts.append(f'<line x1="{tick}" y1="{TOP}" x2="{tick}" y2="{axis}" stroke="#ddd"/>')
        parts.append(f'<text x="{tick}" y="{axis + 16}" text-anchor="middle">{year}</text>')
    for index, (row, label) in enumerate(zip(rows, labels, strict=True)):
        y = TOP + ROW * index + ROW / 2
        colour = COLOURS.get(row.state, ON_TIME_COLOUR)
        end = row.completed or row.forecast or row.baseline
        parts.append(f'<text x="4" y="{y + 4}">{escape(label)}</text>')
        parts.append(
            f'<line x1="{x(row.baseline)}" y1="{y}" x2="{x(end)}" y2="{y}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(
            f'<circle cx="{x(row.baseline)}" cy="{y}" r="5" fill="#fff" stroke="#555" '
            'stroke-width="2"/>'
        )
        fill = colour if row.completed else "#fff"
        parts.append(
            f'<rect x="{x(end) - 5}" y="{y - 5}" width="10" height="10" fill="{fill}" '
            f'stroke="{colour}" stroke-width="2"><title>{escape(label)}: {row.slippage}</title>'
            "</rect>"
        )
    parts.append("</svg>")
    return "".join(parts)
