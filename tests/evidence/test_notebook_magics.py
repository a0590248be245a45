"""IPython magics and shell escapes in notebooks are blanked, and only they."""

from __future__ import annotations

import json

import pytest

from mlmaturity.evidence.repo.notebook import has_magic_line, read_notebook


@pytest.mark.parametrize(
    ("code", "magic"),
    [
        ("%pip install x", True),
        ("x = 1\n  !ls", True),
        ("x\n\t%time f()", True),
        ("a % b", False),
        ("if a != b:\n    pass", False),
        ("x = 1  # 100%", False),
        ("", False),
    ],
)
def test_magic_lines_are_those_starting_with_percent_or_bang(code: str, magic: bool) -> None:
    assert has_magic_line(code) is magic


def test_a_notebooks_magic_lines_are_blanked_and_its_lines_kept() -> None:
    cells = [
        {
            "cell_type": "code",
            "source": ["%pip install mlflow\n", "import mlflow\n"],
            "outputs": [],
        },
        {"cell_type": "markdown", "source": ["# notes"]},
        {"cell_type": "code", "source": "x = 3 % 2\n!ls\ny = x != 1", "outputs": [{"text": "1"}]},
    ]
    shape, code = read_notebook("n.ipynb", json.dumps({"cells": cells}).encode())
    assert code.decode() == "\nimport mlflow\nx = 3 % 2\n\ny = x != 1"
    assert (shape.code_cells, shape.code_lines, shape.cells_with_outputs) == (2, 5, 1)
