"""diff_assessments: what changed, with the evidence; and its three renderings."""

from __future__ import annotations

import json
import re

from mlmaturity.diff import AssessmentDiff, diff_assessments
from mlmaturity.report.context import MIXED_METRICS, score_text
from mlmaturity.report.diff import diff_json, diff_markdown, diff_text, evidence, sections
from mlmaturity.scoring import Assessment
from mlmaturity.scoring.result import BarrierResult, KpiResult, Status
from tests.store.conftest import Quarter


def _team(assessment: Assessment, team: str, **update: object) -> Assessment:
    teams = [t.model_copy(update=update) if t.id == team else t for t in assessment.teams]
    return assessment.model_copy(update={"teams": teams})


def test_the_same_assessment_has_no_changes_but_its_stages(quarters: list[Quarter]):
    q1 = quarters[0].assessment
    diff = diff_assessments(q1, q1)
    assert diff.unchanged
    assert [s.team for s in diff.stages] == [None, "a", "b"]
    assert not any(s.changed for s in diff.stages)
    assert (diff.dimensions, diff.capabilities, diff.criteria) == ([], [], [])
    assert (diff.barriers, diff.conflicts) == ([], [])
    assert all(k.change in (0, None) for k in diff.kpis)
    assert "nothing changed between them" in diff_text(diff)


def test_a_quarter_of_work_flips_criteria_with_their_evidence(quarters: list[Quarter]):
    q1, q2 = quarters[0].assessment, quarters[1].assessment
    diff = diff_assessments(q1, q2)
    assert not diff.unchanged and diff.notes == []
    flips = {(k.team, k.criterion): k for k in diff.criteria}
    tests = flips["a", "test-1-some-tests"]
    assert tests.before is not None and tests.after is not None
    assert (tests.before.status, tests.after.status) == (Status.UNMET, Status.MET)
    assert tests.after.decided_by == "evidence"
    now = {f.check: f for f in tests.after.findings}
    assert now["tests-present"].outcome == "pass"
    assert now["tests-present"].locations[0].path == "tests/test_features.py"
    assert {f.check: f.outcome for f in tests.before.findings}["tests-present"] == "fail"
    assert tests.after.answers[0].respondents == ["ana"]  # the survey's side, kept too
    owner = flips["b", "roles-2-named-owner"]
    assert owner.after is not None and owner.after.decided_by == "survey"
    assert [a.consensus for a in (owner.before.answers if owner.before else [])] == [1]
    assert [a.consensus for a in owner.after.answers] == [2]
    # Every flip really differs, and nothing that did not flip is listed.
    for k in diff.criteria:
        assert (k.before and k.before.status) != (k.after and k.after.status)
    conflicts = {(c.criterion, c.change) for c in diff.conflicts}
    assert ("test-1-some-tests", "resolved") in conflicts
    frequency = next(k for k in diff.kpis if k.team == "a" and k.kpi == "deployment-frequency")
    assert (frequency.period_before, frequency.period_after) == ("2026-03-01", "2026-06-01")
    assert frequency.value_after == 4.0
    assert frequency.change == round(frequency.value_after - (frequency.value_before or 0), 10)


def test_stage_levels_and_teams_that_come_and_go(quarters: list[Quarter]):
    q1 = quarters[0].assessment
    a = q1.teams[0]
    raised_cap = a.capabilities[0].model_copy(update={"level": 3, "inconclusive": False})
    later = _team(q1, "a", stage=2, capabilities=[raised_cap, *a.capabilities[1:]])
    later = later.model_copy(
        update={
            "teams": [*later.teams[:1], later.teams[0].model_copy(update={"id": "c", "name": "C"})],
            "organization": later.organization.model_copy(update={"stage": 1}),
        }
    )
    diff = diff_assessments(q1, later)
    stages = {s.team: s for s in diff.stages}
    assert (stages[None].before, stages[None].after) == (q1.organization.stage, 1)
    assert stages["a"].after == 2 and stages["a"].changed
    assert stages["b"].present == "before" and stages["c"].present == "after"
    assert "team 'c' is new" in diff.notes and "team 'b' is no longer assessed" in diff.notes
    levels = [c for c in diff.capabilities if c.team == "a"]
    assert [(c.capability, c.before, c.after) for c in levels] == [
        (a.capabilities[0].id, a.capabilities[0].level, 3)
    ]
    text = diff_text(diff)
    assert "not assessed" in text and "team 'c' is new" in text


def test_barriers_new_gone_changed_and_undecided(quarters: list[Quarter]):
    q1 = quarters[0].assessment

    def barrier(name: str, severity: float | None) -> BarrierResult:
        return BarrierResult(
            id=name,
            name=name.title(),
            severity=severity,
            capability_shortfall=severity,
            capabilities=[],
            failing_criteria=[],
        )

    before = _team(
        q1, "a", barriers=[barrier("kept", 0.5), barrier("fixed", 0.5), barrier("blind", 0.5)]
    )
    after = _team(
        q1,
        "a",
        barriers=[
            barrier("kept", 0.25),
            barrier("fixed", 0.0),
            barrier("blind", None),
            barrier("arrived", 0.75),
            barrier("still-none", 0.0),
        ],
    )
    changes = {b.barrier: b.change for b in diff_assessments(before, after).barriers}
    assert changes == {"kept": "changed", "fixed": "gone", "blind": "undecided", "arrived": "new"}


def test_a_kpis_latest_value_is_its_last_measured_period(quarters: list[Quarter]):
    q1 = quarters[0].assessment

    def kpi(period: str, value: float | None) -> KpiResult:
        return KpiResult(id="k", name="K", period=period, value=value, unit="u")

    before = _team(q1, "a", kpis=[kpi("2026-01-01", 1.0), kpi("2026-02-01", 2.0)])
    after = _team(
        q1, "a", kpis=[kpi("2026-04-01", 5.0), kpi("2026-05-01", 7.5), kpi("2026-06-01", None)]
    )
    change = next(k for k in diff_assessments(before, after).kpis if k.team == "a")
    assert (change.period_before, change.value_before) == ("2026-02-01", 2.0)
    assert (change.period_after, change.value_after, change.change) == ("2026-05-01", 7.5, 5.5)


def test_a_changed_model_and_reversed_order_are_said(quarters: list[Quarter]):
    q1, q2 = quarters[0].assessment, quarters[1].assessment
    a = q1.teams[0]
    renamed = a.capabilities[0].criteria[0].model_copy(update={"id": "renamed-criterion"})
    first = a.capabilities[0].model_copy(update={"criteria": [renamed]})
    other_model = _team(q1, "a", capabilities=[first, *a.capabilities[1:]])
    other_model = other_model.model_copy(
        update={"model": q1.model.model_copy(update={"version": "2099.1"})}
    )
    diff = diff_assessments(q2, other_model)
    assert any("the model changed" in n and "2099.1" in n for n in diff.notes)
    assert any("backwards in time" in n for n in diff.notes)
    flips = {k.criterion: k for k in diff.criteria if k.team == "a"}
    assert flips["renamed-criterion"].before is None
    assert flips[a.capabilities[0].criteria[0].id].after is None
    assert evidence(None) == ["absent: not in this assessment's model"]


def test_renderings_carry_the_same_changes(quarters: list[Quarter]):
    diff = diff_assessments(quarters[0].assessment, quarters[1].assessment)
    parsed = AssessmentDiff.model_validate_json(diff_json(diff))
    assert parsed == diff
    assert json.loads(diff_json(diff))["schema_version"] == 1
    markdown = diff_markdown(diff)
    text = diff_text(diff)
    for k in diff.criteria:
        assert f"| {k.team} | {k.criterion} (L{k.level}) |" in markdown
        assert k.criterion in text
    titles = re.findall(r"^## (.+)$", markdown, re.M)
    assert titles == [section.title for section in sections(diff)]
    assert {"Stages", "Criteria that flipped", "KPIs", "Evidence-vs-survey conflicts"} <= set(
        titles
    )
    assert all(title in text for title in titles)


def test_names_from_files_cannot_break_the_markdown(quarters: list[Quarter]):
    q1 = quarters[0].assessment
    hostile = _team(q1, "a", name="A | <script>alert(1)</script> `x`", stage=4)
    markdown = diff_markdown(diff_assessments(q1, hostile))
    assert "<script>" not in markdown
    assert "A \\| \\<script\\>alert(1)\\</script\\> \\`x\\`" in markdown


def test_dimensions_of_one_side_only_are_said_new_or_dropped(quarters: list[Quarter]):
    q1 = quarters[0].assessment
    a = q1.teams[0]
    kept, dropped = a.dimensions[0], a.dimensions[1]
    added = kept.model_copy(update={"id": "added", "name": "Added"})
    later = _team(q1, "a", dimensions=[kept, added, *a.dimensions[2:]])
    diff = diff_assessments(q1, later)
    changes = {d.dimension: d for d in diff.dimensions if d.team == "a"}
    assert set(changes) == {dropped.id, "added"}  # the one kept unchanged is not listed
    assert changes[dropped.id].present == "before" and changes[dropped.id].after is None
    assert changes[dropped.id].before == dropped
    assert changes["added"].present == "after" and changes["added"].before is None
    rows = {row[1]: row for s in sections(diff) if s.title == "Dimension scores" for row in s.rows}
    assert rows[dropped.name][3] == "absent" and rows["Added"][2] == "absent"


def test_scores_show_one_decimal_as_the_other_reports_do(quarters: list[Quarter]):
    q1 = quarters[0].assessment
    org = q1.organization
    whole = org.dimensions[0].model_copy(
        update={"score": 2.0, "level": 2, "decided": 2, "inconclusive": 0}
    )
    lower = whole.model_copy(update={"score": 1.9, "level": 1})
    before = q1.model_copy(update={"organization": org.model_copy(update={"dimensions": [whole]})})
    after = q1.model_copy(update={"organization": org.model_copy(update={"dimensions": [lower]})})
    diff = diff_assessments(before, after)
    (row,) = next(s for s in sections(diff) if s.title == "Dimension scores").rows
    assert row[2:] == ["2.0 (2 teams)", "1.9 (2 teams)", "↓"]
    assert row[2] == score_text(whole, "teams")  # the text and HTML reports' formatter
    assert "2.0 (2 teams)" in diff_text(diff) and "| 2.0 (2 teams) |" in diff_markdown(diff)


def test_a_kpis_change_says_better_or_worse_where_the_kpi_has_a_direction(
    quarters: list[Quarter],
):
    q1 = quarters[0].assessment

    def kpis(restore: float, frequency: float, business: float) -> list[KpiResult]:
        return [
            KpiResult(id="time-to-restore", name="Time to restore", period="2026-06-01",
                      value=restore, unit="hours"),
            KpiResult(id="deployment-frequency", name="Deployment frequency",
                      period="2026-06-01", value=frequency, unit="per 30 days"),
            KpiResult(id="business:uplift", name="uplift", period="2026-06-01", value=business,
                      unit="pp"),
        ]  # fmt: skip

    diff = diff_assessments(_team(q1, "a", kpis=kpis(2, 1, 3)), _team(q1, "a", kpis=kpis(5, 4, 4)))
    rows = {r[1]: r for s in sections(diff) if s.title == "KPIs" for r in s.rows if r[0] == "a"}
    assert rows["Time to restore"][4] == "+3 (worse)"  # lower is better
    assert rows["Deployment frequency"][4] == "+3 (better)"
    assert rows["uplift"][4] == "+1"  # a business KPI says no direction
    assert "| +3 (worse) |" in diff_markdown(diff) and "+3 (worse)" in diff_text(diff)


def test_flipped_criteria_read_before_then_now_with_table_names_said(quarters: list[Quarter]):
    diff = diff_assessments(quarters[0].assessment, quarters[1].assessment)
    markdown = diff_markdown(diff)
    header = next(line for line in markdown.splitlines() if "| Criterion |" in line)
    assert header.endswith("| Before | After | Decided by, before | Decided by, now |")
    tests = next(k for k in diff.criteria if k.criterion == "test-1-some-tests")
    row = next(line for line in markdown.splitlines() if "test-1-some-tests" in line)
    assert row.index("unmet, by evidence") < row.index("| met, by evidence")
    text = diff_text(diff, width=200)
    block = text.split("a · test-1-some-tests", 1)[1]
    assert block.index("before") < block.index("now")
    assert tests.after is not None
    finding = tests.after.findings[0].model_copy(update={"subject": "ci_runs"})
    many = tests.after.model_copy(update={"findings": [finding] * 4})
    lines = evidence(many)
    assert f"{finding.check} {finding.outcome.value} on CI runs" in lines[1]
    assert "ci_runs" not in " ".join(lines)
    assert lines[4] == "… 1 more finding"


def test_the_organizations_mean_over_different_metrics_is_said(quarters: list[Quarter]):
    q1 = quarters[0].assessment

    def holdout(value: float) -> list[KpiResult]:
        kpi = KpiResult(
            id="holdout-accuracy",
            name="Held-out accuracy",
            period="2026-06-01",
            value=value,
            unit="primary held-out metric",
        )
        return [kpi]

    def with_org(value: float) -> Assessment:
        org = q1.organization.model_copy(update={"kpis": holdout(value)})
        return _team(q1, "a", kpis=holdout(value)).model_copy(update={"organization": org})

    diff = diff_assessments(with_org(0.7), with_org(0.75))
    (kpis,) = [s for s in sections(diff) if s.title == "KPIs"]
    (caveat,) = [n for n in kpis.notes if MIXED_METRICS in n]  # the organization's, not a's
    assert caveat.startswith("Held-out accuracy (organization): " + MIXED_METRICS)
    assert "- Held-out accuracy (organization): A mean over models" in diff_markdown(diff)
