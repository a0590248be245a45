"""The reports' wording: contents that match their headings, the same labels in every format,
names rather than ids, proper plurals, and the caveats each number needs."""

from __future__ import annotations

import re

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.report import render
from mlmaturity.report.context import MIXED_METRICS, subject_name, tools_text
from mlmaturity.report.html import html_document
from mlmaturity.report.summary import SEVERITY_MEANING
from mlmaturity.scoring import Assessment
from tests.report.test_html import Document


def _text(html: str) -> str:
    return " ".join("".join(Document(html).text).split())


def _markdown(assessment: Assessment, history: list[Assessment] | None = None) -> str:
    text = render(assessment, "markdown", history=history or [])
    assert isinstance(text, str)
    return text


def test_each_contents_entry_reads_as_the_heading_it_links_to(acme_history: list[Assessment]):
    html = html_document(acme_history[-1], acme_history[:-1])
    nav = html.split('<nav aria-label="Contents"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'<a href="#([a-z]+)">([^<]+)</a>', nav)
    assert len(entries) == 10
    for anchor, label in entries:
        heading = re.search(rf'<h2 id="h-{anchor}">(.*?)</h2>', html, re.S)
        assert heading is not None, anchor
        assert heading.group(1) == label


def _odd(assessment: Assessment) -> Assessment:
    """The first team with one respondent, a collection note and a finding on the CI runs."""
    team = assessment.teams[0]
    finding = Finding(
        check="ci-ran-on-changes",
        subject="ci_runs",
        outcome=Outcome.PASS,
        detail="30 of 30 CI runs were started by a push or pull request",
    )
    changed = team.model_copy(
        update={
            "respondents": 1,
            "notes": ["repos/x: 3 commits by 1 contributor in the last 90 days"],
            "findings": [*team.findings, finding],
        }
    )
    return assessment.model_copy(update={"teams": [changed, *assessment.teams[1:]]})


def test_markdown_and_html_share_labels_and_name_barriers_and_tool_kinds(
    acme_history: list[Assessment],
):
    current = _odd(acme_history[-1])
    markdown = _markdown(current)
    html = html_document(current)
    text = _text(html)
    assert "### About the collection" in markdown and "About the collection" in text
    assert "Not collected" not in markdown
    names = {b.id: b.name for b in current.organization.barriers}
    item = current.teams[0].roadmap[0]
    assert item.tools.open_source and item.tools.managed  # both kinds, to be told apart
    row = next(line for line in markdown.splitlines() if line.startswith("| 1 | "))
    lowers = "; ".join(names[b] for b in item.barriers)
    tools = tools_text(item.tools.open_source, item.tools.managed)
    assert f"| {lowers} | {tools} |" in row
    assert not any(b in row for b in item.barriers), row  # names, never ids
    assert tools.startswith("open source: ") and "; managed: " in tools
    assert tools in text  # the HTML says the same in words, not only in grey
    assert "in grey" not in text


def test_counts_are_proper_plurals_and_event_tables_have_names(acme_history: list[Assessment]):
    current = _odd(acme_history[-1])
    markdown = _markdown(current)
    plain = render(current, "text")
    html = html_document(current)
    assert isinstance(plain, str)
    for output in (markdown, plain, _text(html)):
        assert "respondent(s)" not in output
        assert "1 respondent" in output and "1 respondents" not in output
    assert "(s)" not in markdown  # the notes and statements here come plural-proof
    assert ".:" not in markdown
    assert "`" + current.teams[0].conflicts[0].criterion + "`" in markdown
    assert subject_name("ci_runs") == "CI runs" and subject_name("repos/x") == "repos/x"
    appendix = _text(html.split('<section id="evidence"', 1)[1])
    assert "CI runs" in appendix and "business metrics" in appendix
    assert "ci_runs" not in appendix and "business_metrics" not in appendix


def test_the_organizations_mean_over_different_metrics_is_said_in_every_format(
    acme_history: list[Assessment],
):
    current = acme_history[-1]
    markdown = _markdown(current)
    org = markdown.split("## KPIs across the organization", 1)[1].split("\n## ", 1)[0]
    assert f"- Held-out accuracy: {MIXED_METRICS}: compare each team's own KPI table" in org
    teams = markdown.split("## Team: ", 1)[1]
    assert MIXED_METRICS not in teams  # a team's own values are one metric per model
    plain = render(current, "text")
    assert isinstance(plain, str)
    assert MIXED_METRICS.split(" (")[0] in " ".join(plain.split())
    assert "line in the chart" not in plain  # the text report has no chart
    html = _text(html_document(current, acme_history[:-1]))
    assert f"{MIXED_METRICS}: compare each team's own line in the chart" in html


def _moved_up(current: Assessment) -> Assessment:
    """``current`` as it was a quarter before: its first team a stage lower and the
    organization's first barrier less severe (measured against that lower next stage)."""
    team = current.teams[0]
    earlier = team.model_copy(update={"stage": (team.stage or 1) - 1})
    org = current.organization
    first = org.barriers[0]
    barriers = [first.model_copy(update={"severity": (first.severity or 0.5) / 2})]
    return current.model_copy(
        update={
            "generated_at": "2026-08-01T12:00:00+00:00",
            "teams": [earlier, *current.teams[1:]],
            "organization": org.model_copy(update={"barriers": [*barriers, *org.barriers[1:]]}),
        }
    )


def test_the_since_box_says_what_a_severity_is_and_why_it_rose(acme_history: list[Assessment]):
    current = acme_history[-1]
    previous = _moved_up(current)
    html = html_document(current, [previous])
    box = html.split('<aside class="since"', 1)[1].split("</aside>", 1)[0]
    barriers = _text(box.split("<dt>Barriers", 1)[1].split("</div>", 1)[0])
    name = current.teams[0].name
    assert barriers.startswith(SEVERITY_MEANING)
    assert f"Severities can rise while teams move up: {name} now has a higher next stage" in (
        barriers
    )
    markdown = _markdown(current, [previous])
    since = markdown.split("## Since", 1)[1].split("\n## ", 1)[0]
    assert f"Barrier {SEVERITY_MEANING}. Severities can rise while teams move up: " in since
    assert "\n\n\n" not in since
