"""`assess` writing the HTML and PDF reports: by suffix, with the recorded history's trends,
PDF only to a file, and a clear error without WeasyPrint."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import DATA
from tests.test_cli import WORKSPACE, run


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The CLI tests' workspace, copied with the model and answers it names."""
    for name in ("workspace", "models", "answers"):
        shutil.copytree(DATA / name, tmp_path / name, ignore=shutil.ignore_patterns(".mlmaturity"))
    return tmp_path / "workspace"


def test_assess_writes_html_and_pdf_by_suffix(workspace: Path, tmp_path: Path):
    html = tmp_path / "report.html"
    result = run("assess", workspace, "-o", html)
    assert result.returncode == 0, result.stderr
    assert html.read_text().startswith("<!DOCTYPE html>") and "Test Org" in html.read_text()
    pdf = tmp_path / "report.pdf"
    result = run("assess", workspace, "-o", pdf)
    assert result.returncode == 0, result.stderr
    pages, text = _pdf_text(pdf.read_bytes())
    assert pages >= 3 and "Test Org" in text and "Team T" in text and "Team U" in text
    assert "2 Repeatable" in text


def test_pdf_to_a_terminal_is_refused_before_assessing(tmp_path: Path):
    result = run("assess", WORKSPACE, "--format", "pdf")
    assert result.returncode == 2
    assert "pdf needs --output" in result.stderr and "--output report.pdf" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_a_missing_weasyprint_names_what_to_install(workspace: Path, tmp_path: Path):
    """Run the CLI in a Python where importing WeasyPrint fails, as where it is not installed."""
    code = (
        "import sys; sys.modules['weasyprint'] = None; "
        "sys.argv = ['mlmaturity', *sys.argv[1:]]; "
        "from mlmaturity.cli import main; main()"
    )
    out = tmp_path / "r.pdf"
    result = subprocess.run(
        [sys.executable, "-c", code, "assess", str(workspace), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "needs WeasyPrint" in result.stderr and "mlmaturity[pdf]" in result.stderr
    assert not out.exists()


def test_the_html_report_draws_the_recorded_history(workspace: Path, tmp_path: Path):
    for n in (1, 2):
        assert run("assess", workspace, "-f", "json", "-o", tmp_path / f"{n}.json").returncode == 0
    out = tmp_path / "report.html"
    result = run("assess", workspace, "-o", out)
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert 'id="fig-stage-trend"' in html and "3 assessments from" in html
    for _ in range(2):  # the three recorded ones and this one; --no-history adds none
        assert run("assess", workspace, "--no-history", "-o", out).returncode == 0
        assert "4 assessments from" in out.read_text()


def test_an_unreadable_history_leaves_the_trends_out_and_says_so(workspace: Path, tmp_path: Path):
    store = workspace / ".mlmaturity" / "history.db"
    store.parent.mkdir()
    store.write_bytes(b"not a database" * 100)
    out = tmp_path / "report.html"
    result = run("assess", workspace, "-o", out)
    assert result.returncode == 2  # recording fails after the report, as it says
    assert "note: no trends in the report" in result.stderr and "Traceback" not in result.stderr
    assert "first stored assessment" in out.read_text()
    assert store.read_bytes() == b"not a database" * 100  # never overwritten


def test_reports_name_the_recorded_assessments_by_their_milestones(workspace: Path, tmp_path: Path):
    """The trends and the "Since" box use the milestones recorded in the store, and this
    assessment's own --milestone; the Markdown report says what changed since, too."""
    first = run(
        "assess", workspace, "-f", "json", "-o", tmp_path / "1.json", "--milestone", "Q-one"
    )
    assert first.returncode == 0, first.stderr
    out = tmp_path / "report.html"
    result = run("assess", workspace, "-o", out, "--milestone", "Q-two")
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "2 assessments from Q-one to Q-two" in html and "Since Q-one" in html
    markdown = tmp_path / "report.md"
    assert run("assess", workspace, "--no-history", "-o", markdown).returncode == 0
    assert "## Since Q-two" in markdown.read_text()
