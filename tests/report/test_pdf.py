"""The PDF report (the HTML printed by WeasyPrint) and the HTML and PDF formats on the CLI."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from mlmaturity.report import formats, render
from mlmaturity.scoring import Assessment
from tests.conftest import DATA
from tests.report.conftest import RTL, SCRIPT
from tests.test_cli import WORKSPACE, run


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_is_a_binary_format():
    pdf = formats()["pdf"]
    assert pdf.suffix == ".pdf" and pdf.binary


def test_the_demo_sized_pdf_has_its_pages_and_key_text(acme_history: list[Assessment]):
    data = render(acme_history[-1], "pdf", history=acme_history[:-1])
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    pages, text = _pdf_text(data)
    assert 15 <= pages <= 90, pages
    current = acme_history[-1]
    flat = " ".join(text.split())
    assert current.organization.name in flat
    for team in current.teams:
        assert team.name in flat
    assert "1 Initial" in flat and "Evidence appendix" in flat
    assert "Page 1 of" in flat  # the print stylesheet's page numbers
    assert "Data of this chart" not in flat  # the screen's data tables are not printed


def test_hostile_names_print_as_text(hostile_history: list[Assessment]):
    pages, text = _pdf_text(render(hostile_history[-1], "pdf", history=hostile_history[:-1]))
    assert pages >= 3
    flat = " ".join(text.split())
    assert SCRIPT in flat and "onerror=alert(1)>" in flat
    assert RTL.split()[0] in text or RTL.split()[0][::-1] in text  # Arabic, in either order


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The CLI tests' workspace, copied with the model and answers it names."""
    for name in ("workspace", "models", "answers"):
        shutil.copytree(DATA / name, tmp_path / name)
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


@pytest.mark.parametrize("module", ["altair", "vl_convert", "weasyprint"])
def test_listing_the_formats_imports_no_chart_or_pdf_library(module: str):
    code = (
        "import sys; from mlmaturity.report import formats; formats(); "
        f"print({module!r} in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
