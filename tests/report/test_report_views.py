"""What the HTML, PDF and Markdown reports show and how: teams told apart by id, KPIs month by
month, the executive summary and what changed, the barriers of the next stage, chart labels
and the wording. The document's structure and escaping are tests/report/test_html.py's."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.model.stages import stage_label
from mlmaturity.report import render
from mlmaturity.report.capability_charts import column_headers, column_step
from mlmaturity.report.context import MIXED_METRICS, build_context
from mlmaturity.report.html import build_charts, html_document
from mlmaturity.report.provenance import BARRIER_CRITERIA
from mlmaturity.report.summary import SUMMARY_BARRIERS, SUMMARY_STEPS
from mlmaturity.report.trends import PER_TEAM_KPIS, assessment_labels, build_trends
from mlmaturity.scoring import Assessment, TeamAssessment
from mlmaturity.scoring.result import KpiResult, Status
from tests.conftest import ROOT
from tests.report.test_html import Document

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    """Every text the SVG draws: (x, y) of its anchor, its font size, and its content."""
    found = []
    for el in ET.fromstring(svg).iter(f"{SVG}text"):
        move = re.search(r"translate\(([-\d.]+),([-\d.]+)\)", el.get("transform", ""))
        x, y = (float(move.group(1)), float(move.group(2))) if move else (0.0, 0.0)
        found.append((x, y, el.get("font-size", ""), " ".join("".join(el.itertext()).split())))
    return found


def _renamed(assessment: Assessment, team_id: str, name: str) -> Assessment:
    teams = [
        t.model_copy(update={"name": name}) if t.id == team_id else t for t in assessment.teams
    ]
    return assessment.model_copy(update={"teams": teams})


def _same_names(history: list[Assessment]) -> list[Assessment]:
    """The history with its second team named as its first."""
    first = history[-1].teams[0].name
    return [_renamed(a, a.teams[1].id, first) for a in history]


def test_teams_that_share_a_name_stay_apart_in_every_chart_and_trend(
    acme_history: list[Assessment],
):
    history = _same_names(acme_history)
    current = history[-1]
    ctx = build_context(current, history[:-1])
    labels = list(ctx.team_labels.values())
    assert len(set(labels)) == 2 and all(current.teams[0].name in label for label in labels)
    charts = build_charts(ctx)
    # every cell of the heatmap in its own column: one x position per team
    cells = {x for x, _, size, text in _texts(charts.heatmap.svg) if size == "12px"}
    assert len(cells) == 2, cells
    assert charts.heatmap.columns == ["Capability", *labels]
    assert charts.radar.columns == ["Capability", *labels]
    # one line per team over time, each team's own stages
    trend = charts.team_trend
    assert trend is not None and trend.columns == ["Assessment", *labels]
    stages = [[a.teams[0].stage, a.teams[1].stage] for a in history]
    assert [row[1:] for row in trend.rows] == [[str(s) for s in pair] for pair in stages]
    legend = " ".join(text for *_, text in _texts(trend.svg))
    assert all(label in legend for label in labels)
    trends = build_trends(current, history[:-1])
    assert set(trends.snapshots[-1].team_stages) == {t.id for t in current.teams}


def test_kpis_are_monthly_lines_each_month_from_the_newest_assessment_that_measured_it(
    acme_history: list[Assessment],
):
    trends = build_trends(acme_history[-1], acme_history[:-1])
    labels = assessment_labels(acme_history)
    overlapping = 0
    for trend in trends.kpis:
        if trend.per_team:
            continue
        (line,) = trend.series
        periods = [p.period for p in line.points]
        assert periods == sorted(set(periods))  # one point per month, at the month
        measured = {
            (k.period, label): k.value
            for label, a in zip(labels, acme_history, strict=True)
            for k in a.organization.kpis
            if k.id == trend.id and k.value is not None
        }
        assert set(periods) == {period for period, _ in measured}
        for point in line.points:
            sources = [label for period, label in measured if period == point.period]
            overlapping += len(sources) > 1
            assert point.source == sources[-1]  # the newest that measured the month
            assert point.value == measured[(point.period, point.source)]
    assert overlapping  # the example's assessments do overlap: the rule was exercised


def _with_holdout(assessment: Assessment, values: dict[str, float]) -> Assessment:
    """Each team's held-out accuracy set to ``values[team]`` in the assessment's months."""
    periods = sorted({k.period for k in assessment.organization.kpis})

    def kpis(team: TeamAssessment) -> list[KpiResult]:
        kept = [k for k in team.kpis if k.id != "holdout-accuracy"]
        return kept + [
            KpiResult(
                id="holdout-accuracy", name="Held-out accuracy", period=p, value=v, unit="AUC"
            )
            for p in periods
            if (v := values.get(team.id)) is not None
        ]

    teams = [t.model_copy(update={"kpis": kpis(t)}) for t in assessment.teams]
    return assessment.model_copy(update={"teams": teams})


def test_a_kpi_averaged_over_different_metrics_is_drawn_per_team(
    acme_history: list[Assessment],
):
    ids = [t.id for t in acme_history[-1].teams]
    history = [_with_holdout(a, {ids[0]: 0.835, ids[1]: 0.66}) for a in acme_history]
    trends = build_trends(history[-1], history[:-1])
    holdout = next(k for k in trends.kpis if k.id == "holdout-accuracy")
    assert "holdout-accuracy" in PER_TEAM_KPIS and holdout.per_team
    assert [s.team for s in holdout.series] == ids
    assert [{p.value for p in s.points} for s in holdout.series] == [{0.835}, {0.66}]
    ctx = build_context(history[-1], history[:-1])
    row = next(r for r in ctx.kpi_rows if r.name == "Held-out accuracy")
    assert row.mixed and row.notes("the chart").startswith(MIXED_METRICS)
    chart = build_charts(ctx).kpis
    assert chart is not None
    assert any(r[0] == "Held-out accuracy" and r[2] == ctx.team_labels[ids[1]] for r in chart.rows)


def test_the_kpis_are_one_chart_with_a_sentence_per_kpi(acme_history: list[Assessment]):
    ctx = build_context(acme_history[-1], acme_history[:-1])
    chart = build_charts(ctx).kpis
    assert chart is not None and ctx.trends is not None
    drawn = [k for k in ctx.trends.kpis if k.points]
    assert len(chart.parts) == len(drawn) >= 5
    for part, trend in zip(chart.parts, drawn, strict=True):
        assert part.startswith(trend.name)
        assert "value(s)" not in part
        if len(trend.unit) > 12:  # a unit that is a phrase is said once, not after each value
            assert part.count(trend.unit) == 1, part
    ticks = {text for *_, text in _texts(chart.svg) if re.fullmatch(r"[A-Z][a-z]{2} \d\d", text)}
    assert ticks and ticks <= {f"{m} 26" for m in ("Jan", "Apr", "Jul", "Oct")}, ticks
    html = html_document(acme_history[-1], acme_history[:-1])
    assert html.count('<ul class="chart-parts">') == 1


def test_disagreements_are_widest_first_with_labels_that_fit(acme_history: list[Assessment]):
    ctx = build_context(acme_history[-1], acme_history[:-1])
    spreads = [m.misalignment.spread for m in ctx.misalignments]
    assert spreads == sorted(spreads, reverse=True) and len(set(spreads)) > 1
    chart = build_charts(ctx).misalignments
    assert chart is not None
    labels = [t for x, _, _, t in _texts(chart.svg) if re.match(r"\d+\. ", t)]
    assert len(labels) == len(chart.rows) == min(12, len(ctx.misalignments))
    for n, (label, row) in enumerate(zip(labels, chart.rows, strict=True), 1):
        assert label.startswith(f"{n}. ") and len(label) <= 64
        assert row[0] == str(n) and row[2] == ctx.misalignments[n - 1].misalignment.text


@pytest.mark.parametrize("count", [3, 8])
def test_heatmap_headers_wrap_within_wide_columns(acme_history: list[Assessment], count: int):
    current = acme_history[-1]
    names = ["Claims triage", "Customer analytics", "Payments risk and fraud operations"]
    teams = [
        current.teams[n % 2].model_copy(update={"id": f"t{n}", "name": names[n % 3] + f" {n}"})
        for n in range(count)
    ]
    many = current.model_copy(update={"teams": teams})
    step = column_step(count)
    assert step >= 100
    headers = column_headers([t.name for t in teams], step)
    assert len({h.count("\n") for h in headers}) == 1  # bottom-aligned: as many lines each
    for header, team in zip(headers, teams, strict=True):
        assert " ".join(line.strip("\u00a0") for line in header.split("\n")).strip() == team.name
    svg = build_charts(build_context(many)).heatmap.svg
    width = float(ET.fromstring(svg).get("width", "0"))
    assert width >= count * step
    lines = [t for _, _, size, t in _texts(svg) if size == "11px" and "…" in t]
    assert not lines, lines  # no header or capability name cut


def test_assessments_are_named_by_milestone_with_a_tick_at_each(acme_history: list[Assessment]):
    milestones = {acme_history[0].generated_at: "Q2 baseline", acme_history[2].generated_at: "Q4"}
    ctx = build_context(acme_history[-1], acme_history[:-1], milestones)
    assert ctx.trends is not None
    labels = [s.label for s in ctx.trends.snapshots]
    assert labels == ["Q2 baseline", "15 Aug 2026", "Q4", "25 Nov 2026"]
    chart = build_charts(ctx).stage_trend
    assert chart is not None
    texts = [t for *_, t in _texts(chart.svg)]
    assert [t for t in texts if t in labels] == labels  # one tick label per assessment
    assert not any(re.fullmatch(r"[A-Z][a-z]{2} 2026", t) for t in texts)
    assert [row[0] for row in chart.rows] == labels


def test_the_overview_says_what_changed_since_the_previous_assessment(
    acme_history: list[Assessment],
):
    previous, current = acme_history[-2], acme_history[-1]
    html = html_document(current, acme_history[:-1], {previous.generated_at: "2026-Q3"})
    doc = Document(html)
    text = " ".join(" ".join(doc.text).split())
    assert 'id="since"' in html and "Since 2026-Q3" in text
    ctx = build_context(current, acme_history[:-1])
    assert ctx.since is not None and ctx.since.label == "15 October 2026"
    org = ctx.since.organization
    assert (org.before, org.after) == (
        stage_label(previous.organization.stage),
        stage_label(current.organization.stage),
    )
    assert [t.name for t in ctx.since.teams] == list(ctx.team_labels.values())
    assert 'id="since"' not in html_document(current)


def test_the_summary_comes_first_with_the_top_barriers_and_the_next_steps(
    acme_history: list[Assessment],
):
    current = acme_history[-1]
    html = html_document(current, acme_history[:-1])
    summary = html.split('<section id="summary"', 1)[1].split("</section>", 1)[0]
    assert html.index('id="summary"') < html.index('id="overview"')
    ctx = build_context(current, acme_history[:-1])
    assert ctx.summary is not None
    assert len(ctx.summary.barriers) == min(SUMMARY_BARRIERS, len(ctx.barriers))
    for barrier in ctx.summary.barriers:
        assert barrier.barrier.name in Document(summary).text
    for team, steps in zip(current.teams, ctx.summary.teams, strict=True):
        assert [s.statement for s in steps.steps] == [s.statement for s in team.roadmap][
            :SUMMARY_STEPS
        ]
        for step in steps.steps:
            assert step.statement in summary


def test_barriers_show_the_criteria_of_the_next_stage_for_the_teams_below_it(
    acme_history: list[Assessment],
):
    current = acme_history[-1]
    ctx = build_context(current, acme_history[:-1])
    target = ctx.target_stage
    assert target == min(4, (current.organization.stage or 0) + 1)
    below = [i for i, t in enumerate(current.teams) if (t.stage or 0) < target]
    assert ctx.below_target == [current.teams[i].id for i in below]
    unmet = {Status.UNMET, Status.INCONCLUSIVE}
    later = 0
    for view in ctx.barrier_views:
        assert len(view.criteria) <= BARRIER_CRITERIA
        for c in view.criteria:
            assert c.level <= target
            assert any(c.teams[i] is not None and c.teams[i].status in unmet for i in below)
        later += view.later
    assert later  # the example has criteria beyond the next stage: they are left out


def test_markdown_says_what_changed_only_with_a_history(acme_history: list[Assessment]):
    previous, current = acme_history[-2], acme_history[-1]
    with_history = render(
        current, "markdown", history=acme_history[:-1], milestones={previous.generated_at: "Q3"}
    )
    assert isinstance(with_history, str)
    since = with_history.split("## Since Q3\n", 1)[1].split("\n## ", 1)[0]
    assert "| Organization stage |" in since
    for team in current.teams:
        assert f"| {team.name} |" in since
    alone = render(current, "markdown")
    assert isinstance(alone, str) and "## Since" not in alone
    assert set(alone.splitlines()) <= set(with_history.splitlines())  # only the section added


def test_the_wording_names_the_model_counts_properly_and_links_nowhere_empty(
    acme_history: list[Assessment],
):
    current = acme_history[-1]
    team = current.teams[0]
    capability = team.capabilities[0]
    stray = Finding(check="stray-check", subject="elsewhere", outcome=Outcome.FAIL)
    criteria = [
        c.model_copy(
            update={
                "findings": [*c.findings, stray],
                "evidence": Status.UNMET,
                "status": Status.UNMET,
            }
        )
        for c in capability.criteria
    ]
    capabilities = [capability.model_copy(update={"criteria": criteria}), *team.capabilities[1:]]
    changed = team.model_copy(update={"capabilities": capabilities})
    odd = current.model_copy(update={"teams": [changed, *current.teams[1:]]})
    html = html_document(odd, acme_history[:-1])
    assert 'href="#"' not in html
    text = " ".join("".join(Document(html).text).split())
    assert f"maturity model: {current.model.name}, version {current.model.version}" in text
    captions = " ".join(
        " ".join(t.split()) for t in re.findall(r"<figcaption.*?</figcaption>", html, re.S)
    )
    assert "(s)" not in captions


def test_no_report_module_grows_past_four_hundred_lines():
    for module in (ROOT / "src" / "mlmaturity" / "report").glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name


def test_the_pango_hint_installs_what_the_docs_list():
    from mlmaturity.report.pdf import PANGO

    docs = (ROOT / "docs" / "reports.md").read_text()
    listed = re.search(r"apt-get install ([\w.\- ]+)`", docs)
    assert listed is not None
    for package in listed.group(1).split():
        assert package in PANGO, package


def test_the_chart_svgs_name_fonts_of_the_metrics_they_were_laid_out_with(
    acme_history: list[Assessment],
):
    from mlmaturity.report.charts import FONT, MEASURED

    html = html_document(acme_history[-1])
    families = set(re.findall(r'font-family="([^"]*)"', html))
    assert families == {FONT}
    assert FONT.startswith(f"'{MEASURED}'")
