"""Filters the report templates use to lay out the report model (planwatch.documents.reports)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from planwatch.documents.reports.model import Figure, Paragraph, Run, Table
from planwatch.lib import charts

register = template.Library()


@register.filter
def run(value: str | Run) -> SafeString:
    """A table cell or a run of a paragraph: text in its language, with its fallback mark."""
    if not isinstance(value, Run):
        return conditional_escape(value)
    html = conditional_escape(value.text)
    if value.strong:
        html = format_html("<strong>{}</strong>", html)
    if value.lang:
        html = format_html('<span lang="{}">{}</span>', value.lang, html)
    if value.note:
        html = format_html('{} <span class="fallback">({})</span>', html, value.note)
    return html


@register.filter
def runs(paragraph: Paragraph) -> SafeString:
    return mark_safe("".join(run(r) for r in paragraph.runs))


@register.filter
def block_kind(block: object) -> str:
    return {Paragraph: "paragraph", Table: "table", Figure: "figure"}[type(block)]


@register.filter
def chart_svg(figure: Figure) -> SafeString:
    # The chart module escapes every text it draws.
    return mark_safe(charts.svg(figure.chart))


@register.filter
def chart_table(figure: Figure) -> Table | None:
    """The chart's figures as a data table, for charts of more than one bar."""
    if not figure.data_table or len(figure.chart.categories) < 2:
        return None
    header, rows = charts.table_rows(figure.chart)
    return Table(header=header, rows=rows, numeric=frozenset(range(1, len(header))))


@register.filter
def css_string(value: str) -> str:
    """A CSS string literal (for the page's margin boxes)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    # "<" could close the <style> element the string sits in.
    escaped = escaped.replace("<", "\\3C ")
    return mark_safe(f'"{escaped}"')


@register.filter
def column_width(table: Table, index: int) -> str:
    if not table.widths:
        return ""
    return f"{100 * table.widths[index] / sum(table.widths):.1f}%"


@register.filter
def cell_class(table: Table, index: int) -> str:
    if index in table.numeric:
        return ' class="num"'
    return ' class="nowrap"' if index in table.nowrap else ""
