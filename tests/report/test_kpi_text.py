"""`mlmaturity kpi`'s table: each note says which periods it is about."""

from __future__ import annotations

from datetime import date

from mlmaturity.kpi.compute import KpiValue
from mlmaturity.report.kpis import kpi_text

PERIODS = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)]


def _values(measured: dict[date, float]) -> list[KpiValue]:
    return [
        KpiValue(
            "business:saved",
            "days saved",
            "t",
            p,
            measured.get(p),
            "days",
            note="" if p in measured else "no value in the period",
        )
        for p in PERIODS
    ] + [
        KpiValue("ci", "CI success rate", "t", p, None, "%", note="no CI run in the period")
        for p in PERIODS
    ]


def test_a_note_names_its_periods_unless_it_holds_for_all_of_them():
    text = kpi_text(_values({PERIODS[2]: 182.0}), {"t": "Team"}, width=200)
    assert "days saved, 2026-01-01 and 2026-04-01: no value in the period" in text
    assert "CI success rate: no CI run in the period" in text  # every period: none named
    assert "182" in text
