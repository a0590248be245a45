"""Team consensus (lower median) and role disagreement (spread of two levels or more)."""

from __future__ import annotations

from mlmaturity.model import Model
from mlmaturity.scoring import score_team
from mlmaturity.survey.consensus import consensus, misalignments
from tests.conftest import answer


def test_consensus_per_question_and_per_role(mini: Model):
    answers = [
        answer(mini, "q-tracking", 4, who="a", role="data-science"),
        answer(mini, "q-tracking", 2, who="b", role="data-science"),
        answer(mini, "q-tracking", 1, who="c", role="platform-ops"),
    ]
    item = consensus(answers, mini)["q-tracking"]
    assert item.level == 2  # median of 4, 2, 1
    assert [(r.role, r.level, r.answers) for r in item.roles] == [
        ("data-science", 2, 2),  # lower median of 4 and 2
        ("platform-ops", 1, 1),
    ]
    assert item.spread == 1 and item.capability == "tracking"
    assert misalignments({"q-tracking": item}, mini) == []


def test_a_spread_of_two_levels_is_a_misalignment(mini: Model):
    answers = [
        answer(mini, "q-tracking", 4, who="a", role="data-science"),
        answer(mini, "q-tracking", 1, who="b", role="platform-ops"),
        answer(mini, "q-tracking", 3, who="c", role="leadership"),
        answer(mini, "q-ci", 2, who="a", role="data-science"),
        answer(mini, "q-ci", 2, who="b", role="platform-ops"),
    ]
    found = misalignments(consensus(answers, mini), mini)
    by_scope = {(m.scope, m.subject): m for m in found}
    question = by_scope[("question", "q-tracking")]
    assert (question.highest.role, question.lowest.role, question.spread) == (
        "data-science",
        "platform-ops",
        3,
    )
    assert question.text == "How are experiments tracked?"
    capability = by_scope[("capability", "tracking")]
    assert capability.spread == 3 and capability.text == "Experiment tracking"
    assert ("question", "q-ci") not in by_scope and ("capability", "ci") not in by_scope


def test_misalignment_raises_the_barrier_that_listens_for_it(mini: Model):
    aligned = [
        answer(mini, "q-roles", 4, who="a", role="data-science"),
        answer(mini, "q-roles", 4, who="b", role="leadership"),
    ]
    split = [
        answer(mini, "q-roles", 4, who="a", role="data-science"),
        answer(mini, "q-roles", 0, who="b", role="leadership"),
        answer(mini, "q-roles", 4, who="c", role="product"),
    ]
    calm = {b.id: b for b in score_team(mini, "t", "T", [], aligned).barriers}
    torn = {b.id: b for b in score_team(mini, "t", "T", [], split).barriers}
    assert calm["b-org"].misalignment == 0.0
    assert torn["b-org"].misalignment == 1.0  # the one capability answered by 2+ roles disagrees
    assert torn["b-org"].severity == 1.0
    assert torn["b-tracking"].misalignment is None  # that barrier does not listen
