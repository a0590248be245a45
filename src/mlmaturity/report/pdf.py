"""The PDF report: the HTML report printed by WeasyPrint (its print stylesheet applies).

WeasyPrint is an extra (``pip install 'mlmaturity[pdf]'``) and needs the Pango library of
the system; either missing is an ``InputError`` that says what to install. Nothing is
fetched while printing: the document is self-contained and every URL is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from mlmaturity.errors import InputError
from mlmaturity.report.html import html_document
from mlmaturity.report.registry import report_format
from mlmaturity.scoring import Assessment

INSTALL = "pip install 'mlmaturity[pdf]'"
PANGO = (
    "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0 fonts-dejavu-core; "
    "elsewhere see WeasyPrint's installation guide"
)


def _refuse(url: str, timeout: int = 10, ssl_context: Any = None) -> NoReturn:
    raise ValueError(f"the report loads nothing, so not {url[:80]}")


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise InputError.single(
            "--format pdf", "needs WeasyPrint, which is not installed", hint=INSTALL
        ) from None
    except OSError as exc:  # WeasyPrint is there, the system's Pango is not
        raise InputError.single(
            "--format pdf", f"needs the Pango library ({exc})", hint=PANGO
        ) from None
    return weasyprint


def pdf_document(
    assessment: Assessment,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> bytes:
    weasyprint = _weasyprint()
    html = html_document(assessment, history, milestones)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse, base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf


@report_format(
    "pdf", suffix=".pdf", description="The HTML report, printed (needs WeasyPrint)", binary=True
)
def render_pdf(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> bytes:
    return pdf_document(assessment, history, milestones)
