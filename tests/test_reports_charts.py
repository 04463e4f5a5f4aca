"""planwatch.lib.charts: accessible SVG bar charts and the same figures as table rows."""

import xml.etree.ElementTree as ET

from planwatch.lib import charts

SVG = "{http://www.w3.org/2000/svg}"


def chart(**options) -> charts.Chart:
    return charts.status_chart(
        "split",
        "Status <per> pillar",
        [
            ("Pillar I", [("implemented", "implemented", 3), ("in_progress", "in progress", 5)]),
            (
                "Pillar II & more",
                [("implemented", "implemented", 0), ("in_progress", "in progress", 2)],
            ),
        ],
        category_header="Pillar",
        total_header="Total",
        **options,
    )


def test_svg_is_accessible_well_formed_and_escaped():
    svg = charts.svg(chart())
    root = ET.fromstring(svg)  # well-formed XML, so CairoSVG and browsers read it alike
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "split-title split-desc"
    assert root.find(f"{SVG}title").text == "Status <per> pillar"
    description = root.find(f"{SVG}desc").text
    assert description == (
        "Pillar I: implemented 3, in progress 5; Pillar II & more: implemented 0, in progress 2."
    )
    # Every drawn segment names its category, series and value; empty ones are not drawn.
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Pillar I, in progress: 5" in titles
    assert "Pillar II & more, implemented: 0" not in titles
    assert root.findall(f"{SVG}rect")[0].get("fill") == charts.STATUS_COLOURS["implemented"]
    assert svg == charts.svg(chart())  # deterministic


def test_table_rows_hold_the_same_figures():
    header, rows = charts.table_rows(chart())
    assert header == ["Pillar", "implemented", "in progress", "Total"]
    assert rows == [["Pillar I", "3", "5", "8"], ["Pillar II & more", "0", "2", "2"]]


def test_grouped_bars_and_formats():
    grouped = charts.Chart(
        id="budget",
        title="Budget",
        series=[charts.Series("a", "Allocated"), charts.Series("s", "Spent")],
        categories=[charts.Category("2022", (1500.0, 250.0))],
        stacked=False,
        value_format=lambda v: f"€{v:,.0f}",
        description="Allocated €1,500 and spent €250 in 2022.",
    )
    root = ET.fromstring(charts.svg(grouped))
    assert root.find(f"{SVG}desc").text == "Allocated €1,500 and spent €250 in 2022."
    assert "€1,500" in [t.text for t in root.iter(f"{SVG}text")]
    assert charts.table_rows(grouped) == (["", "Allocated", "Spent"], [["2022", "€1,500", "€250"]])


def test_axis_ends_on_round_values():
    assert charts._axis(31) == (40, [0, 10, 20, 30, 40])
    assert charts._axis(7) == (8, [0, 2, 4, 6, 8])
    assert charts._axis(0) == (1, [0, 1])
