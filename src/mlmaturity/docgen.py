"""Generate the docs that are derived from code: JSON Schemas, the check catalogue, the CLI.

``python -m mlmaturity.docgen docs`` rewrites them; a test fails when a committed copy is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlmaturity.atomic import write_text_atomic
from mlmaturity.catalog import SCHEMAS, criteria_by_check, schema_text
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.model import load_model

COMMANDS: tuple[tuple[str, ...], ...] = (
    (),
    ("init",),
    ("assess",),
    ("collect",),
    ("kpi",),
    ("scan",),
    ("gate",),
    ("history",),
    ("diff",),
    ("survey",),
    ("checks",),
    ("schema",),
    ("model",),
    ("model", "validate"),
    ("model", "show"),
    ("model", "schema"),
)


def checks_markdown() -> str:
    model = load_model()
    deciding = criteria_by_check(model)
    registered = registered_checks()
    lines = [
        "# Evidence checks",
        "",
        "Generated from the check registry and the default model by `make docs`; do not edit.",
        "",
        "The maturity model is the only place that maps checks to criteria. A check id that no",
        "registered check provides yet leaves its criteria to the survey.",
        "",
        "| Check | Question | Source | Status | Decides |",
        "|---|---|---|---|---|",
    ]
    for check_id in sorted(set(deciding) | set(registered)):
        spec = registered.get(check_id)
        question, source = (spec.question, spec.source) if spec else ("", "")
        status = spec.lifecycle if spec else "not implemented yet"
        criteria = ", ".join(f"`{c}`" for c in deciding.get(check_id, [])) or "—"
        lines.append(f"| `{check_id}` | {question} | {source} | {status} | {criteria} |")
    return "\n".join(lines) + "\n"


def cli_markdown() -> str:
    from typer.testing import CliRunner

    from mlmaturity.cli import app

    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from the commands' own `--help` by `make docs`; do not edit.",
        "",
        "Exit codes: `0` ok · `1` gate not met · `2` bad input · `3` internal error ·",
        "`130` interrupted.",
    ]
    for command in COMMANDS:
        result = runner.invoke(
            app, [*command, "--help"], terminal_width=100, prog_name="mlmaturity"
        )
        title = " ".join(("mlmaturity", *command))
        parts += ["", f"## `{title}`", "", "```text", result.output.rstrip(), "```"]
    return "\n".join(parts) + "\n"


def generated(docs: Path) -> dict[Path, str]:
    """Every generated file under ``docs`` with the text it should hold."""
    files = {docs / "schema" / f"{name}.schema.json": schema_text(name) for name in SCHEMAS}
    files[docs / "checks.md"] = checks_markdown()
    files[docs / "cli.md"] = cli_markdown()
    return files


def main(argv: list[str]) -> None:
    docs = Path(argv[0] if argv else "docs")
    for path, text in generated(docs).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
            print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
