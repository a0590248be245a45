"""The demo organization, built once per test session in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmaturity.demo.build import DemoResult, build_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    lines: list[str] = []
    result = build_demo(tmp_path_factory.mktemp("demo") / "org", progress=lines.append)
    assert len(lines) == 5, lines  # "building …" and one line per quarter
    return result


@pytest.fixture(scope="session")
def root(demo: DemoResult) -> Path:
    return demo.root
