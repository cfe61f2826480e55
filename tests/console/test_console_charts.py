"""The charts: an SVG that names its numbers, the same numbers as a table and as CSV."""

from __future__ import annotations

import csv
import io

from lxml import etree

from ijw_gateway.console.charts import Chart, svg
from ijw_gateway.console.figures import chain, volume
from ijw_gateway.console.texts import words
from ijw_gateway.monitoring.reports import CHAIN_COLUMNS, Table

SVG = "{http://www.w3.org/2000/svg}"


def _chart() -> Chart:
    return Chart(
        "c", "Flows <per> month", ("2026-01", "2026-02"), (("a", (3.0, 0.0)), ("b", (1.5, 7.0)))
    )


def test_svg_draws_a_bar_per_number_and_names_it() -> None:
    root = etree.fromstring(svg(_chart()).encode())
    assert root.findtext(f"{SVG}title") == "Flows <per> month"  # escaped, and kept
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [r.findtext(f"{SVG}title") for r in bars] == [
        "2026-01, a: 3",
        "2026-02, a: 0",
        "2026-01, b: 1.50",
        "2026-02, b: 7",
    ]
    heights = [float(r.get("height") or 0) for r in bars]
    assert heights[1] == 0 and heights[3] == max(heights)


def test_the_table_and_the_csv_hold_the_same_numbers() -> None:
    chart = _chart()
    assert chart.rows() == [("2026-01", "3", "1.50"), ("2026-02", "0", "7")]
    rows = list(csv.reader(io.StringIO(chart.to_csv("month"))))
    assert rows == [["month", "a", "b"], ["2026-01", "3", "1.50"], ["2026-02", "0", "7"]]


def test_an_empty_chart_draws_without_numbers() -> None:
    empty = Chart("e", "Nothing", (), ())
    assert empty.empty and etree.fromstring(svg(empty).encode()) is not None


def test_figures_sum_the_reports_rows() -> None:
    rows = [
        {"month": "2026-01", "allocated_budget_cents": 10_000, "declared_cents": 2_550},
        {"month": "2026-01", "allocated_budget_cents": 5_000, "declared_cents": None},
    ]
    chart = volume(Table("contracts", ("month",), rows), lambda k: k)
    assert chart.series == (
        ("allocated_budget_cents (€)", (150.0,)),
        ("declared_cents (€)", (25.5,)),
    )
    dutch = volume(Table("contracts", ("month",), rows), words("nl"))
    assert [name for name, _ in dutch.series] == ["toegewezen (€)", "gedeclareerd (€)"]
    times = [
        {"month": "2026-01", "measure": "response", "count": 1, "average_workdays": 2.0},
        {"month": "2026-01", "measure": "response", "count": 3, "average_workdays": 6.0},
    ]
    assert chain(Table("chain", CHAIN_COLUMNS, times), lambda k: k).series == (
        ("response", (5.0,)),
    )
