"""What every chart of the HTML report shares: the Vega-Altair configuration, the colours, the
rendering to static SVG by vl-convert, and the text alternative each chart comes with.

The charts themselves are by kind: ``capability_charts`` (heatmap, radar), ``barrier_charts``
(barrier severity, role disagreements) and ``trend_charts`` (stages and KPIs over time).
Names from repositories, stores and answers are only ever data values or titles, never field
names or expressions, and Vega escapes every text it writes into the SVG. Altair and
vl-convert are imported only when a chart is drawn (``mlmaturity --help`` stays fast).
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from types import ModuleType

    from mlmaturity.scoring import TeamAssessment

MEASURED = "Liberation Sans"
"""The font vl-convert lays the charts' text out with: the one it bundles, measured more than
twice as fast as a system font (0.35 s instead of 0.8 s for the demo's charts)."""
FONT = "'Liberation Sans', Arimo, Arial, Helvetica, sans-serif"
"""The fonts the SVG asks the reader's system for: ``MEASURED`` or one of the same metrics,
so labels are as wide as they were laid out; where none is installed, a wider fallback
(DejaVu Sans, about 12% wider) still fits in ``PADDING``."""
PADDING = {"left": 40, "right": 26, "top": 6, "bottom": 6}
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
LEVEL_COLORS = ["#f5f7fa", "#d9e2ec", "#9fb3c8", "#627d98", "#243b53"]
"""Levels 0-4 on one restrained blue-grey scale; every cell also prints its level."""
INCONCLUSIVE = "#ffffff"
SERIES_COLORS = ["#243b53", "#c05621", "#2f855a", "#6b46c1", "#975a16", "#4a5568", "#b83280"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"]
LINES = "split(datum.label, '\\n')"
"""An axis or header label expression that breaks a label at our own newlines (constant code:
the names are the data it splits)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Chart:
    """A rendered chart and its text alternative."""

    id: str
    title: str
    description: str
    svg: Markup
    columns: list[str]
    rows: list[list[str]]
    parts: list[str] = field(default_factory=list)
    """One sentence per panel of a chart of several (the KPIs), shown under it."""


def altair() -> ModuleType:
    import altair

    return altair


def clean(text: str) -> str:
    """A name as chart text: control characters (invalid in SVG, or line breaks) become spaces."""
    return _CONTROL.sub(" ", text)


def lines(text: str, width: int, most: int = 3) -> list[str]:
    """``text`` cut into at most ``most`` lines of about ``width`` characters (… if cut)."""
    wrapped = textwrap.wrap(clean(text), width, break_long_words=True) or [""]
    if len(wrapped) > most:
        wrapped = [*wrapped[: most - 1], shorten(" ".join(wrapped[most - 1 :]), width)]
    return wrapped


def shorten(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, cut at a word with …"""
    text = " ".join(clean(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:.·-") + "…"


def team_labels(teams: Sequence[TeamAssessment]) -> dict[str, str]:
    """Team id → the name charts and trends show for it, one per team: a name two teams
    share is told apart by the team's id (and, should that still collide, a number)."""
    names = {t.id: " ".join(clean(t.name).split()) or t.id for t in teams}
    shared = Counter(names.values())
    labels: dict[str, str] = {}
    for team_id, name in names.items():
        label = name if shared[name] == 1 else f"{name} ({clean(team_id)})"
        unique, n = label, 2
        while unique in labels.values():
            unique, n = f"{label} #{n}", n + 1
        labels[team_id] = unique
    return labels


def _config() -> dict[str, Any]:
    axis = {
        "labelColor": INK,
        "titleColor": MUTED,
        "gridColor": GRID,
        "domainColor": "#9aa5b1",
        "tickColor": "#9aa5b1",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": "normal",
    }
    return {
        "font": MEASURED,
        "view": {"stroke": None},
        "axis": axis,
        "legend": {"labelColor": INK, "titleColor": MUTED, "labelFontSize": 11, "orient": "bottom"},
        "header": {"labelColor": INK, "titleColor": MUTED, "labelFontSize": 11},
        "background": "#ffffff",
    }


_IDS = re.compile(r'\bid="([^"]+)"')


def to_svg(chart: Any, chart_id: str, label: str) -> Markup:
    """The chart as inline SVG: ids made unique to the chart, the text alternative attached."""
    import vl_convert

    # Altair's schema validation costs a third of the report's time; the specs are ours and
    # the same for every report, so a test validates each kind (test_every_chart_spec_is_valid).
    spec = chart.to_dict(validate=False)
    given = spec.get("config", {})
    given.pop("view", None)  # Altair's default view size; ours has no frame
    spec["config"] = {**_config(), **given}
    spec.setdefault("padding", PADDING)
    svg = vl_convert.vegalite_to_svg(spec)
    # Vega escapes quotes in text, so only its own attributes can read like this.
    svg = svg.replace(f'font-family="{MEASURED}"', f'font-family="{FONT}"')
    for found in dict.fromkeys(_IDS.findall(svg)):
        unique = f"{chart_id}-{found}"
        svg = svg.replace(f'id="{found}"', f'id="{unique}"').replace(f"#{found})", f"#{unique})")
    if not svg.startswith("<svg "):
        raise ValueError("vl-convert returned something other than an SVG document")
    head, rest = svg.split(">", 1)
    label = clean(label)
    opening = f'{head} role="img" aria-label="{escape(label)}" focusable="false">'
    return Markup(f"{opening}<title>{escape(label)}</title>{rest}")


def series_scales(names: Sequence[str], first: int = 0) -> dict[str, Any]:
    """Colour, dash and shape for each series (from the ``first`` of each cycle), so lines
    stay apart in black and white."""
    alt = altair()
    domain = list(names)
    picks = range(first, first + len(domain))
    return {
        "color": alt.Scale(
            domain=domain, range=[SERIES_COLORS[i % len(SERIES_COLORS)] for i in picks]
        ),
        "dash": alt.Scale(domain=domain, range=[DASHES[i % len(DASHES)] for i in picks]),
        "shape": alt.Scale(domain=domain, range=[SHAPES[i % len(SHAPES)] for i in picks]),
    }
