"""The bundled example shows what the README promises: levels, barriers, a roadmap, disagreement."""

from __future__ import annotations

import json

import jsonschema

from mlmaturity.assess import assess
from mlmaturity.report.json_report import assessment_schema
from tests.conftest import ROOT
from tests.test_cli import run

ACME = ROOT / "examples" / "acme"


def test_acme_assessment_has_levels_barriers_roadmap_and_misalignment():
    result = assess(ACME)
    assert [t.id for t in result.teams] == ["fraud", "recsys"]
    fraud, recsys = result.teams
    assert fraud.respondents == 4 and recsys.respondents == 3
    assert len({a.role for t in result.teams for c in t.consensus for a in c.roles}) == 5
    # The fraud team is clearly ahead of the notebook-driven recommendations team.
    for ahead, behind in zip(fraud.dimensions, recsys.dimensions, strict=True):
        assert ahead.score is not None and behind.score is not None and ahead.score > behind.score
    assert fraud.stage == 2 and recsys.stage == 0 and result.organization.lowest_team_stage == 0
    assert all(t.roadmap and t.barriers[0].severity for t in result.teams)
    assert any(
        m.scope == "capability" and m.subject == "ml-observability" for m in fraud.misalignments
    )
    org_misalignment = next(b for b in recsys.barriers if b.id == "org-misalignment-skills")
    assert org_misalignment.misalignment is not None and org_misalignment.misalignment > 0
    rollup = {c.id: c for c in result.organization.capabilities}
    assert rollup["ml-testing"].laggard == "recsys"
    equal = [c for c in rollup.values() if c.min == c.max]
    assert all(c.laggard is None for c in equal)  # no laggard when every team is level


def test_acme_json_from_the_cli_validates_against_the_published_schema():
    result = run("assess", ACME, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    published = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())
    assert published == json.loads(json.dumps(assessment_schema()))
    jsonschema.validate(report, published)


def test_acme_gate_at_stage_4_is_not_met():
    result = run("gate", "--min-stage", 4, ACME)
    assert result.returncode == 1
    assert "Acme Retail: gate not met (2 of 2 team(s) below stage 4)" in result.stdout
