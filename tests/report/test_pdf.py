"""The PDF report: the HTML printed by WeasyPrint, checked by its pages and text."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from mlmaturity.report import formats, render
from mlmaturity.scoring import Assessment
from tests.report.conftest import RTL, SCRIPT


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
    outline = PdfReader(io.BytesIO(data)).outline
    titles = [e.title for e in outline[1] if not isinstance(e, list)]  # under the name
    assert (
        titles[:2] == ["Summary", "Overview"]
        and titles[-1] == "Evidence appendix"
        and "KPIs" in titles
    )


def test_hostile_names_print_as_text(hostile_history: list[Assessment]):
    pages, text = _pdf_text(render(hostile_history[-1], "pdf", history=hostile_history[:-1]))
    assert pages >= 3
    flat = " ".join(text.split())
    assert SCRIPT in flat and "onerror=alert(1)>" in flat
    assert RTL.split()[0] in text or RTL.split()[0][::-1] in text  # Arabic, in either order


@pytest.mark.parametrize("module", ["altair", "vl_convert", "weasyprint"])
def test_listing_the_formats_imports_no_chart_or_pdf_library(module: str):
    code = (
        "import sys; from mlmaturity.report import formats; formats(); "
        f"print({module!r} in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
