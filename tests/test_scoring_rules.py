"""Every scoring rule of docs/scoring.md as a table of cases, on the small model."""

from __future__ import annotations

import pytest

from mlmaturity.model import Model
from mlmaturity.scoring import Status, score_team
from mlmaturity.scoring.criteria import evidence_status, survey_status
from mlmaturity.scoring.levels import capability_level, overall_stage, truncated_mean
from mlmaturity.scoring.result import CriterionResult, DimensionResult
from mlmaturity.survey.consensus import consensus
from tests.conftest import answer, finding

MET, UNMET, INC = Status.MET, Status.UNMET, Status.INCONCLUSIVE


@pytest.mark.parametrize(
    ("outcomes", "mode", "expected", "silent"),
    [
        ({"a": ["pass"]}, "all", MET, []),
        ({"a": ["pass", "fail"]}, "all", UNMET, []),  # one failing subject fails 'all'
        ({"a": ["pass", "fail"]}, "any", MET, []),  # one passing subject is enough for 'any'
        ({"a": ["fail", "fail"]}, "any", UNMET, []),
        ({"a": ["not_applicable"]}, "all", None, ["a"]),  # missing evidence is never "no"
        ({"a": ["inconclusive", "error"]}, "all", None, ["a"]),
        ({}, "all", None, ["a"]),  # check not registered / no findings
        ({"a": ["pass"], "b": ["fail"]}, "all", UNMET, []),
        ({"a": ["pass"], "b": []}, "all", MET, ["b"]),  # a silent check does not block
        ({"a": ["fail"], "b": ["pass"]}, "any", MET, []),
    ],
)
def test_evidence_status(outcomes, mode, expected, silent):
    checks = ["a", "b"] if "b" in outcomes else ["a"]
    findings = {check: [finding(check, o) for o in listed] for check, listed in outcomes.items()}
    status, unevaluated = evidence_status(checks, findings, mode == "any")
    assert status == expected
    assert unevaluated == silent


@pytest.mark.parametrize(
    ("levels", "needed", "expected", "consensus_level"),
    [
        ([2], 2, MET, 2),
        ([2], 3, UNMET, 2),
        ([1, 3], 2, UNMET, 1),  # the lower median: a split team never rounds up
        ([1, 3, 3], 3, MET, 3),
        ([0, 4, 4, 4], 4, MET, 4),
        ([], 1, None, None),  # unanswered: the survey says nothing
    ],
)
def test_survey_status(mini: Model, levels, needed, expected, consensus_level):
    answers = [answer(mini, "q-tracking", lv, who=f"r{i}") for i, lv in enumerate(levels)]
    status, basis = survey_status(["q-tracking"], needed, consensus(answers, mini))
    assert status == expected
    assert basis[0].consensus == consensus_level


def test_survey_status_with_one_question_unanswered(mini: Model):
    high = consensus([answer(mini, "q-tracking", 4)], mini)
    low = consensus([answer(mini, "q-tracking", 0)], mini)
    assert survey_status(["q-tracking", "q-ci"], 2, high)[0] is None  # not known yet
    assert survey_status(["q-tracking", "q-ci"], 2, low)[0] == UNMET  # already short


def _results(*statuses_by_level: tuple[int, Status]) -> list[CriterionResult]:
    return [
        CriterionResult(
            id=f"c{i}",
            capability="x",
            level=level,
            statement="",
            status=status,
            decided_by=None if status == INC else "survey",
            evidence=None,
            survey=None if status == INC else status,
            findings=[],
            unevaluated_checks=[],
        )
        for i, (level, status) in enumerate(statuses_by_level)
    ]


@pytest.mark.parametrize(
    ("criteria", "level", "at_least"),
    [
        ([(1, MET), (2, MET), (3, MET), (4, MET)], 4, 4),
        ([(1, UNMET), (2, MET), (3, MET), (4, MET)], 0, 0),  # cumulative: level 1 fails, so 0
        ([(1, MET), (2, MET), (3, UNMET), (4, MET)], 2, 2),
        ([(1, MET), (2, INC), (3, MET), (4, MET)], None, 1),  # inconclusive, never 0
        ([(1, INC), (2, INC), (3, INC), (4, INC)], None, 0),
        ([(1, MET), (2, INC), (2, UNMET), (3, MET)], 1, 1),  # unmet beside undecided decides
        ([(1, MET), (2, MET), (3, MET), (4, INC)], None, 3),
        ([(1, MET), (1, MET), (2, MET), (2, UNMET)], 1, 1),  # every criterion of a level counts
    ],
)
def test_capability_level(criteria, level, at_least):
    assert capability_level(_results(*criteria)) == (level, at_least)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([2], 2.0),
        ([1, 2], 1.5),
        ([1, 1, 2], 1.3),  # 1.333 is cut, not rounded
        ([2, 3, 3], 2.6),  # 2.666 is cut to 2.6, so its floor matches the level shown
        ([2.3, 2.3, 2.3], 2.3),  # decimal inputs stay exact
    ],
)
def test_truncated_mean(values, expected):
    assert truncated_mean(values) == expected


def _dimension(level: int | None) -> DimensionResult:
    return DimensionResult(id="d", name="d", score=level, level=level, decided=1, inconclusive=0)


@pytest.mark.parametrize(
    ("levels", "stage"),
    [([3, 2, 4], 2), ([1, 1, 1], 1), ([0, 4, 4], 0), ([3, None, 4], None), ([], None)],
)
def test_overall_stage_is_the_weakest_link(levels, stage):
    assert overall_stage([_dimension(level) for level in levels]) == stage


def test_evidence_wins_over_the_survey_and_the_conflict_is_reported(mini: Model):
    answers = [answer(mini, q, 4) for q in ("q-tracking", "q-ci", "q-roles")]
    team = score_team(mini, "t", "T", [finding("chk-a", "fail")], answers)
    tracking = next(c for c in team.capabilities if c.id == "tracking")
    tr3 = next(c for c in tracking.criteria if c.id == "tr-3")
    assert (tr3.status, tr3.decided_by, tr3.survey, tr3.conflict) == (UNMET, "evidence", MET, True)
    assert tracking.level == 2
    [conflict] = team.conflicts
    assert conflict.criterion == "tr-3" and conflict.kind == "claimed-not-evidenced"


def test_evidence_met_but_survey_says_not_is_the_other_conflict(mini: Model):
    answers = [answer(mini, "q-ci", 0)]
    team = score_team(mini, "t", "T", [finding("chk-ci", "pass")], answers)
    [conflict] = team.conflicts
    assert (conflict.criterion, conflict.kind) == ("ci-2", "evidenced-not-claimed")


def test_a_whole_team_by_hand(mini: Model):
    """tracking 2 (survey), ci 4, roles 2 → process 2, technology 4, people 2 → stage 2."""
    answers = [
        answer(mini, "q-tracking", 2),
        answer(mini, "q-ci", 4),
        answer(mini, "q-roles", 2),
    ]
    findings = [finding("chk-ci", "pass"), finding("chk-ci-tests", "pass")]
    team = score_team(mini, "t", "T", findings, answers)
    levels = {c.id: c.level for c in team.capabilities}
    assert levels == {"tracking": 2, "ci": 4, "roles": 2}
    assert [(d.id, d.score, d.level) for d in team.dimensions] == [
        ("people", 2.0, 2),
        ("process", 2.0, 2),
        ("technology", 4.0, 4),
    ]
    assert team.stage == 2 and team.next_stage == 3
    # 13 criteria, all decided; ci-2 and ci-3 by evidence.
    assert (team.criteria_decided, team.confidence) == (13, round(2 / 13, 2))
    # Barrier b-tracking: tracking (2) and ci (4) against stage 3 → mean(1/3, 0) = 0.17.
    by_id = {b.id: b for b in team.barriers}
    assert by_id["b-tracking"].severity == 0.17
    assert by_id["b-org"].severity == round(1 / 3, 2)  # roles at 2 of 3; one role, no misalignment
    assert team.barriers[0].id == "b-org"  # ranked by severity


def test_roadmap_is_in_dependency_order(mini: Model):
    """tr-4b must come after ci-3 (its 'after'); lower levels of a capability come first."""
    answers = [answer(mini, "q-tracking", 1), answer(mini, "q-ci", 2), answer(mini, "q-roles", 4)]
    team = score_team(mini, "t", "T", [], answers)
    # tracking 1, ci 2, roles 4 → process 1, technology 2, people 4 → stage 1, next 2.
    assert team.stage == 1 and team.next_stage == 2
    assert [i.criterion for i in team.roadmap] == ["tr-2"]
    item = team.roadmap[0]
    assert item.barriers == ["b-tracking"] and item.kpi is not None and item.kpi.id == "k-base"


def test_roadmap_order_with_after_edges(mini: Model):
    from mlmaturity.scoring.roadmap import roadmap

    answers = [answer(mini, "q-tracking", 0), answer(mini, "q-ci", 0), answer(mini, "q-roles", 4)]
    team = score_team(mini, "t", "T", [], answers)
    items = roadmap(mini, team.capabilities, team.barriers, 4)
    order = [i.criterion for i in items]
    assert order.index("tr-1") < order.index("tr-2") < order.index("tr-3") < order.index("tr-4a")
    assert order.index("ci-3") < order.index("tr-4b")
    assert order[:2] == ["tr-1", "ci-1"]  # level 1 first, model order among equals
    assert [i.order for i in items] == list(range(1, len(items) + 1))
    level4 = next(i for i in items if i.criterion == "tr-4a")
    assert level4.kpi is not None and level4.kpi.id == "k-opt"
