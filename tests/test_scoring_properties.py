"""Properties that must hold for any answers and findings (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.model import Model, load_model
from mlmaturity.scoring import Status, score_organization, score_team
from mlmaturity.scoring.levels import capability_level
from mlmaturity.scoring.result import CriterionResult
from mlmaturity.survey.answers import ROLES, Answer
from tests.conftest import DATA

MODEL: Model = load_model(DATA / "models" / "mini.yaml")
QUESTIONS = sorted(MODEL.questions)
CHECKS = sorted(MODEL.check_ids)

statuses = st.sampled_from(list(Status))
criteria_lists = st.lists(st.tuples(st.integers(1, 4), statuses), min_size=1, max_size=12)


def _results(pairs: list[tuple[int, Status]]) -> list[CriterionResult]:
    return [
        CriterionResult(
            id=f"c{i}",
            capability="x",
            level=level,
            statement="",
            status=status,
            decided_by=None if status == Status.INCONCLUSIVE else "survey",
            evidence=None,
            survey=None,
            findings=[],
            unevaluated_checks=[],
        )
        for i, (level, status) in enumerate(pairs)
    ]


@given(criteria_lists, st.data())
def test_meeting_one_more_criterion_never_lowers_a_level(pairs, data):
    open_ones = [i for i, (_, s) in enumerate(pairs) if s != Status.MET]
    if not open_ones:
        return
    flip = data.draw(st.sampled_from(open_ones))
    better = list(pairs)
    better[flip] = (pairs[flip][0], Status.MET)
    before, before_floor = capability_level(_results(pairs))
    after, after_floor = capability_level(_results(better))
    assert after_floor >= before_floor
    if after is not None:
        assert after >= (before if before is not None else before_floor)


def _answer(question: str, level_index: int, who: int, team: str = "t") -> Answer:
    choices = MODEL.questions[question].choices
    choice = choices[level_index % len(choices)]
    return Answer(
        f"r{who}", team, ROLES[who % len(ROLES)], question, choice.id, choice.level, "", "h"
    )


answer_sets = st.lists(
    st.tuples(st.sampled_from(QUESTIONS), st.integers(0, 4), st.integers(0, 6)), max_size=20
)
finding_sets = st.lists(
    st.tuples(st.sampled_from(CHECKS), st.sampled_from(list(Outcome))), max_size=6
)


def _team(team: str, answers, findings):
    built = [_answer(q, i, w, team) for q, i, w in answers]
    found = [Finding(check=c, subject="repo", outcome=o) for c, o in findings]
    return score_team(MODEL, team, team.upper(), found, built)


@settings(max_examples=150)
@given(answer_sets, finding_sets)
def test_stage_is_never_above_any_dimension_level(answers, findings):
    team = _team("t", answers, findings)
    for dimension in team.dimensions:
        if team.stage is not None:
            assert dimension.level is not None and team.stage <= dimension.level
    assert team.stage is None or 0 <= team.stage <= 4
    assert 1 <= team.next_stage <= 4
    for barrier in team.barriers:
        assert barrier.severity is None or 0.0 <= barrier.severity <= 1.0


@settings(max_examples=100)
@given(answer_sets, finding_sets, st.data())
def test_raising_an_answer_never_lowers_a_capability(answers, findings, data):
    if not answers:
        return
    at = data.draw(st.integers(0, len(answers) - 1))
    question, index, who = answers[at]
    choices = MODEL.questions[question].choices
    current = choices[index % len(choices)].level
    higher = [i for i, c in enumerate(choices) if c.level > current]
    if not higher:
        return
    raised = list(answers)
    raised[at] = (question, data.draw(st.sampled_from(higher)), who)
    before = {c.id: c for c in _team("t", answers, findings).capabilities}
    after = {c.id: c for c in _team("t", raised, findings).capabilities}
    for cid, old in before.items():
        new = after[cid]
        assert new.at_least >= old.at_least
        if old.level is not None and new.level is not None:
            assert new.level >= old.level


@settings(max_examples=100)
@given(st.lists(st.tuples(answer_sets, finding_sets), min_size=1, max_size=4))
def test_the_rollup_minimum_is_the_laggards_level(teams_input):
    teams = [_team(f"t{i}", a, f) for i, (a, f) in enumerate(teams_input)]
    org = score_organization(MODEL, "Org", teams)
    for rollup in org.capabilities:
        decided = [lv for lv in rollup.levels.values() if lv is not None]
        if not decided:
            assert rollup.min is None and rollup.laggard is None
            continue
        assert rollup.min == min(decided) and rollup.max == max(decided)
        if rollup.min == rollup.max:
            assert rollup.laggard is None  # nobody lags when every team is level
        else:
            assert rollup.laggard is not None and rollup.levels[rollup.laggard] == rollup.min
        assert rollup.min <= rollup.median <= rollup.max
    for dimension in org.dimensions:
        if org.stage is not None:
            assert dimension.level is not None and org.stage <= dimension.level
