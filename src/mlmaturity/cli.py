"""The command line: parse, call one library function, map errors to exit codes.

Exit codes: 0 ok · 1 gate not met · 2 bad input · 3 internal error. Heavy modules are
imported inside the commands so that ``mlmaturity --help`` stays fast.
"""

from __future__ import annotations

import getpass
import os
import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console


class Exit(IntEnum):
    OK = 0
    GATE_NOT_MET = 1
    BAD_INPUT = 2
    INTERNAL_ERROR = 3
    INTERRUPTED = 130  # the shell's convention for Ctrl-C


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


class Role(StrEnum):
    data_science = "data-science"
    ml_engineering = "ml-engineering"
    platform_ops = "platform-ops"
    product = "product"
    leadership = "leadership"


class ScanFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class SchemaName(StrEnum):
    model = "model"
    workspace = "workspace"
    answers = "answers"
    assessment = "assessment"


app = typer.Typer(
    name="mlmaturity",
    help="Measure MLOps maturity from evidence: levels, barriers, a roadmap and KPIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rendering it with Rich costs ~100 ms at every start
)
model_app = typer.Typer(
    help="Validate, show and describe maturity model files.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(model_app, name="model")

WorkspaceArg = Annotated[
    Path, typer.Argument(help="A workspace folder or its mlmaturity.yaml.", show_default=True)
]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="A maturity model file (default: the workspace's).")
]


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _write_or_print(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from mlmaturity.atomic import write_text_atomic
    from mlmaturity.errors import InputError

    try:
        write_text_atomic(output, text)
    except OSError as exc:
        raise InputError.single(output, f"cannot be written: {exc.strerror}") from None
    _console(stderr=True).print(f"wrote {output}")


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from mlmaturity import __version__

        typer.echo(f"mlmaturity {__version__}")
        raise typer.Exit()


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write mlmaturity.yaml.")] = Path(),
    organization: Annotated[str, typer.Option(help="The organization's name.")] = "My organization",
    force: Annotated[bool, typer.Option(help="Overwrite an existing workspace file.")] = False,
) -> None:
    """Write a commented workspace file to start from."""
    from mlmaturity.init import write_workspace

    path = write_workspace(directory, organization, force=force)
    _console(stderr=True).print(f"wrote {path}; edit it, then run: mlmaturity assess {directory}")


@app.command()
def assess(
    workspace: WorkspaceArg = Path(),
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    model: ModelOption = None,
) -> None:
    """Assess every team and the organization.

    Collects evidence from each team's sources, reads the survey answers, scores them
    against the maturity model and prints (or writes) the result.
    """
    from mlmaturity.assess import assess as run
    from mlmaturity.report import render

    assessment = run(workspace, model_path=model)
    color = output is None and format is Format.text and sys.stdout.isatty()
    _write_or_print(render(assessment, format.value, color=color), output)


@app.command()
def scan(
    repositories: Annotated[list[Path], typer.Argument(help="Repository folders to scan.")],
    format: Annotated[
        ScanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScanFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    history: Annotated[bool, typer.Option(help="Read git history (commit activity).")] = True,
) -> None:
    """Scan repositories and list the findings of every check.

    Reads only: nothing in a repository is executed, imported or unpickled, and no symlink
    is followed. Exit 0 whatever the findings; use `assess` and `gate` to judge them.
    """
    from mlmaturity.errors import InputError
    from mlmaturity.evidence.repo.collector import scan_many
    from mlmaturity.report.findings import scan_json, scan_text
    from mlmaturity.report.sarif import sarif_log, sarif_text

    missing = [str(r) for r in repositories if not r.is_dir()]
    if missing:
        raise InputError.single(missing[0], "not a folder", hint="give repository folders to scan")
    results = scan_many([(r.resolve(), str(r)) for r in repositories], history=history)
    if format is ScanFormat.sarif:
        text = sarif_text(sarif_log((f, r.anchor) for r in results for f in r.findings))
    elif format is ScanFormat.json:
        text = scan_json(results)
    else:
        text = scan_text(results, color=output is None and sys.stdout.isatty())
    _write_or_print(text, output)


@app.command()
def gate(
    min_stage: Annotated[
        int, typer.Option("--min-stage", min=1, max=4, help="Stage required (1-4).")
    ],
    workspace: WorkspaceArg = Path(),
    team: Annotated[
        str | None, typer.Option(help="Gate on one team instead of the organization.")
    ] = None,
    model: ModelOption = None,
) -> None:
    """Exit 1 unless a stage is reached (a CI gate).

    Gates on the organization's stage, or on one team's with --team. An undecided stage
    does not meet any gate.
    """
    from mlmaturity.assess import assess as run
    from mlmaturity.errors import InputError
    from mlmaturity.model.stages import stage_label

    assessment = run(workspace, model_path=model)
    if team is None:
        subject, stage = assessment.organization.name, assessment.organization.stage
    else:
        found = next((t for t in assessment.teams if t.id == team), None)
        if found is None:
            known = ", ".join(t.id for t in assessment.teams)
            raise InputError.single(workspace, f"unknown team '{team}'", hint=f"teams: {known}")
        subject, stage = found.name, found.stage
    met = stage is not None and stage >= min_stage
    verdict = "meets" if met else "does not meet"
    typer.echo(
        f"{subject} is at stage {stage_label(stage)}: {verdict} the gate (stage {min_stage})."
    )
    raise typer.Exit(Exit.OK if met else Exit.GATE_NOT_MET)


@app.command()
def survey(
    team: Annotated[str, typer.Option(help="Your team's id.")],
    role: Annotated[Role, typer.Option(help="Your role.")],
    out: Annotated[Path, typer.Option("--out", help="The answers file to write (YAML).")],
    respondent: Annotated[
        str | None, typer.Option(help="Your respondent id (default: your user name).")
    ] = None,
    model: Annotated[Path | None, typer.Option(help="A maturity model file.")] = None,
) -> None:
    """Answer the team survey in the terminal.

    The answers file is saved after every answer; run the same command again to resume.
    Answer with a choice's number, optionally followed by ': a comment'; 's' means
    "don't know" and 'q' saves and stops.
    """
    from mlmaturity.model import load_model
    from mlmaturity.survey.interactive import run_survey

    console = _console()
    answered, total = run_survey(
        load_model(model),
        out,
        team=team,
        role=role.value,
        respondent=respondent or getpass.getuser(),
        console=console,
    )
    console.print(f"{answered} of {total} questions answered; saved to {out}")


@app.command()
def checks() -> None:
    """List the evidence checks and what they decide."""
    from mlmaturity.catalog import checks_table

    _console().print(checks_table())


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="Which file's schema.")]) -> None:
    """Print the JSON Schema of a file we read or write."""
    from mlmaturity.catalog import schema_text

    sys.stdout.write(schema_text(name.value))


@model_app.command("validate")
def model_validate(file: Annotated[Path, typer.Argument(help="The model file.")]) -> None:
    """Check a model file and list every problem in it.

    Also lists the evidence check ids it names that no registered check provides yet;
    their criteria are decided by the survey until they exist.
    """
    from mlmaturity.catalog import describe_validation
    from mlmaturity.model import load_model

    _console().print(describe_validation(load_model(file)))


@model_app.command("show")
def model_show(
    file: Annotated[
        Path | None, typer.Argument(help="The model file (default: the bundled one).")
    ] = None,
) -> None:
    """Print a readable outline of a model."""
    from mlmaturity.catalog import model_outline
    from mlmaturity.model import load_model

    _console().print(model_outline(load_model(file)))


@model_app.command("schema")
def model_schema() -> None:
    """Print the model file's JSON Schema (for editor completion)."""
    schema(SchemaName.model)


def _fail(code: Exit, lines: list[str]) -> NoReturn:
    console = _console(stderr=True)
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)
    raise SystemExit(code)


def main() -> None:
    """Entry point: runs the app and turns errors into messages and exit codes."""
    from mlmaturity.errors import InputError

    try:
        app()
    except InputError as exc:
        count = len(exc.problems)
        header = f"error: {count} problem(s) found" if count > 1 else "error:"
        _fail(
            Exit.BAD_INPUT,
            [header, *(f"  {p}" for p in exc.problems)]
            if count > 1
            else [f"error: {exc.problems[0]}"],
        )
    except KeyboardInterrupt:
        _fail(Exit.INTERRUPTED, ["interrupted"])
    except Exception as exc:  # the last line of defence: never show a user a traceback
        if os.environ.get("MLMATURITY_DEBUG"):
            raise
        _fail(
            Exit.INTERNAL_ERROR,
            [
                f"internal error: {type(exc).__name__}: {exc}",
                "set MLMATURITY_DEBUG=1 for a traceback, and please report it",
            ],
        )


if __name__ == "__main__":
    main()
