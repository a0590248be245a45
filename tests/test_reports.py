"""Every report format renders the same assessment, including conflicts and hostile names."""

from __future__ import annotations

import pytest

from mlmaturity.model import Model
from mlmaturity.report import formats, render
from mlmaturity.report.markdown import cell
from mlmaturity.scoring import Assessment, score_organization, score_team
from mlmaturity.scoring.result import ModelRef
from tests.conftest import answer, finding

HOSTILE = "Fraud | <script>alert('x')</script> *team* فريق"


@pytest.fixture
def assessment(mini: Model) -> Assessment:
    answers = [
        answer(mini, "q-tracking", 4, who="a", role="data-science"),
        answer(mini, "q-tracking", 1, who="b", role="platform-ops"),
        answer(mini, "q-tracking", 4, who="c", role="product"),
        answer(mini, "q-ci", 4, who="a"),
        answer(mini, "q-roles", 2, who="a"),
    ]
    findings = [finding("chk-a", "fail"), finding("chk-ci", "pass")]
    teams = [
        score_team(mini, "t", HOSTILE, findings, answers, ["repos: no collector yet"]),
        score_team(mini, "u", "Empty team", [], []),
    ]
    return Assessment(
        tool_version="0",
        generated_at="2026-11-25T00:00:00+00:00",
        workspace="w",
        model=ModelRef(id="mini", name="Mini", version="1", source="mini.yaml"),
        target_stage=3,
        organization=score_organization(mini, "Org", teams),
        teams=teams,
    )


def test_the_built_in_formats_are_registered():
    assert {"json", "markdown", "text"} <= set(formats())
    with pytest.raises(KeyError, match="unknown report format 'nope'"):
        render(None, "nope")  # type: ignore[arg-type]


def test_json_round_trips(assessment: Assessment):
    assert Assessment.model_validate_json(render(assessment, "json")) == assessment


def test_markdown_shows_conflicts_inconclusive_and_escapes_names(assessment: Assessment):
    text = render(assessment, "markdown")
    assert "### Survey and evidence disagree" in text
    assert (
        "`tr-3` CI logs every training run: claimed in the survey, not backed by evidence." in text
    )
    assert "≥0?" in text  # the empty team is inconclusive, never 0
    assert "<script>" not in text and "\\<script\\>" in text
    assert "Fraud \\| " in text  # a pipe cannot break the table
    assert "### Where roles disagree" in text and "### About the collection" in text


def test_text_shows_the_same_facts(assessment: Assessment):
    text = render(assessment, "text")
    assert "tr-3: claimed in the survey, not backed by evidence" in text
    assert "Where roles disagree" in text and "≥0?" in text
    assert "\x1b[" not in text  # no colour codes unless asked
    assert "\x1b[" in render(assessment, "text", color=True)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("line\nbreak", "line break"),
        ("`x`", "\\`x\\`"),
    ],
)
def test_markdown_cell_escaping(raw: str, escaped: str):
    assert cell(raw) == escaped
