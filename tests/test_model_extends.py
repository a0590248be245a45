"""``extends: default``: change the bundled model without copying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmaturity.errors import InputError
from mlmaturity.model import load_model

DEFAULT = load_model()
TRACKING = DEFAULT.capability["experiment-tracking"]
LEVEL2 = DEFAULT.criteria(TRACKING, 2)[0]
LEVEL3 = DEFAULT.criteria(TRACKING, 3)[0]
assert len(DEFAULT.criteria(TRACKING, 3)) > 1  # so disabling one leaves the level decidable


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(text)
    return path


def test_override_disable_add_and_target(tmp_path: Path):
    path = _write(
        tmp_path,
        f"""\
version: 1
extends: default
id: acme
name: Acme's model
target_stage: 3
disable: [{LEVEL3.id}]
capabilities:
  - id: experiment-tracking
    levels:
      2:
        criteria:
          - id: {LEVEL2.id}
            statement: Every experiment is logged to the shared MLflow server.
  - id: llm-evaluation
    name: LLM evaluation
    dimension: process
    barriers: [monitoring-retraining]
    questions:
      - id: llm-q-evals
        text: How are prompts and LLM outputs evaluated?
        choices:
          - {{id: none, label: Not at all, level: 0}}
          - {{id: suite, label: An automated eval suite gates releases, level: 4}}
    levels:
      1: {{summary: s, criteria: [{{id: llm-1, statement: x, questions: [llm-q-evals]}}]}}
      2: {{summary: s, criteria: [{{id: llm-2, statement: x, questions: [llm-q-evals]}}]}}
      3: {{summary: s, criteria: [{{id: llm-3, statement: x, questions: [llm-q-evals]}}]}}
      4: {{summary: s, criteria: [{{id: llm-4, statement: x, questions: [llm-q-evals]}}]}}
""",
    )
    model = load_model(path)
    assert (model.spec.id, model.spec.name, model.target_stage) == ("acme", "Acme's model", 3)
    changed = model.placed_criteria[LEVEL2.id].criterion
    assert changed.statement == "Every experiment is logged to the shared MLflow server."
    assert changed.questions == LEVEL2.questions  # untouched fields are kept
    assert LEVEL3.id not in model.placed_criteria  # disabled
    assert "llm-evaluation" in model.capability  # added
    assert len(model.capabilities) == len(DEFAULT.capabilities) + 1
    assert model.capability["experiment-tracking"].name == TRACKING.name


def test_disabling_a_whole_capability(tmp_path: Path):
    path = _write(
        tmp_path, "version: 1\nextends: default\nid: x\nname: X\ndisable: [cost-management]\n"
    )
    model = load_model(path)
    assert "cost-management" not in model.capability
    assert all(p.capability.id != "cost-management" for p in model.placed_criteria.values())


def test_errors_in_an_extending_file_point_into_it(tmp_path: Path):
    path = _write(
        tmp_path,
        """\
version: 1
extends: default
id: x
name: X
disable: [no-such-criterion]
capabilities:
  - id: experiment-tracking
    levelz: {}
""",
    )
    with pytest.raises(InputError) as caught:
        load_model(path)
    problems = {p.message: p for p in caught.value.problems}
    assert problems["unknown key"].file == str(path) and problems["unknown key"].line == 8
    assert "levelz" in problems["unknown key"].key


def test_disabling_every_criterion_of_a_level_is_refused(tmp_path: Path):
    """An empty level would count as met and lift the capability past it."""
    ids = ", ".join(c.id for c in DEFAULT.criteria(TRACKING, 2))
    path = _write(tmp_path, f"version: 1\nextends: default\nid: x\nname: X\ndisable: [{ids}]\n")
    with pytest.raises(
        InputError, match="leaves level 2 of 'experiment-tracking' without a criterion"
    ):
        load_model(path)


@pytest.mark.parametrize("value", ["5", "yes", "exp-2-central-server", "{a: 1}"])
def test_disable_must_be_a_list(tmp_path: Path, value: str):
    path = _write(tmp_path, f"version: 1\nextends: default\nid: x\nname: X\ndisable: {value}\n")
    with pytest.raises(InputError, match="expected a list of ids") as caught:
        load_model(path)
    assert caught.value.problems[0].line == 5


def test_unknown_criterion_to_disable(tmp_path: Path):
    path = _write(tmp_path, "version: 1\nextends: default\nid: x\nname: X\ndisable: [nope]\n")
    with pytest.raises(InputError, match="unknown criterion or capability 'nope'") as caught:
        load_model(path)
    assert caught.value.problems[0].line == 5 and caught.value.problems[0].file == str(path)


def test_only_the_default_can_be_extended(tmp_path: Path):
    path = _write(tmp_path, "version: 1\nextends: mine\nid: x\nname: X\n")
    with pytest.raises(InputError, match="cannot extend 'mine'"):
        load_model(path)
