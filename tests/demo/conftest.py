"""The demo organization, built once per test session in a temporary folder, as of a fixed
day (so the quarters, and every test about them, are the same on any day the tests run)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from mlmaturity.demo.build import DemoResult, build_demo
from mlmaturity.demo.plan import Quarter, quarters

AS_OF = date(2026, 12, 2)
"""The quarters before it: 2025-Q4, 2026-Q1, 2026-Q2 and 2026-Q3."""
QUARTERS = quarters(AS_OF)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    lines: list[str] = []
    root = tmp_path_factory.mktemp("demo") / "org"
    result = build_demo(root, as_of=AS_OF, progress=lines.append)
    assert len(lines) == 5, lines  # "building …" and one line per quarter
    return result


@pytest.fixture(scope="session")
def root(demo: DemoResult) -> Path:
    return demo.root


@pytest.fixture
def copy(root: Path, tmp_path: Path) -> Path:
    """A copy of the built demo that a test may change (the session's stays as built)."""
    target = tmp_path / "org"
    shutil.copytree(root, target, symlinks=True)
    return target


def quarter_names(plan: tuple[Quarter, ...] = QUARTERS) -> list[str]:
    return [q.milestone for q in plan]
