"""Docs generated from the code are current, and the README matches the real commands."""

from __future__ import annotations

import re

import pytest

from mlmaturity.docgen import generated
from tests.conftest import ROOT
from tests.test_cli import run

GENERATED = generated(ROOT / "docs")


@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda p: p.name)
def test_generated_doc_is_current(path):
    assert path.exists(), f"{path} is missing: run `make docs`"
    assert path.read_text() == GENERATED[path], f"{path} is stale: run `make docs`"


def test_readme_quickstart_has_exactly_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", quickstart, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "bash .ci/run" not in quickstart
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_every_command():
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `([a-z]+)", readme, re.M))
    commands = set(re.findall(r"^  ([a-z]+)\s", run("--help").stdout, re.M))
    assert commands <= listed, f"not in the README's command table: {commands - listed}"
