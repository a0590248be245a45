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
    from collections.abc import Mapping, Sequence

    from rich.console import Console

    from mlmaturity.assess import AssessmentRun
    from mlmaturity.scoring import Assessment
    from mlmaturity.store import HistoryStore


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
    html = "html"
    pdf = "pdf"


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


class Period(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


class KpiFormat(StrEnum):
    text = "text"
    json = "json"


class HistoryFormat(StrEnum):
    text = "text"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


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
ReportFormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", help="Output format [default: from the --output suffix, else text]."
    ),
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="A maturity model file (default: the workspace's).")
]


def _console(stderr: bool = False) -> Console:
    """A console that prints text as it is: names from files are never read as markup."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, markup=False, emoji=False)


def _check_output(output: Path | None) -> None:
    """Bad input before any work: an output that cannot be written (see ``_write_or_print``)."""
    if output is None:
        return
    from mlmaturity.atomic import output_problem
    from mlmaturity.errors import InputError

    problem = output_problem(output)
    if problem is not None:
        raise InputError.single(output, problem)


def _write_or_print(text: str | bytes, output: Path | None) -> None:
    """Print, or write ``output``: a regular file atomically, a device or FIFO directly."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    from mlmaturity.atomic import write_output
    from mlmaturity.errors import InputError

    try:
        write_output(output, text if isinstance(text, bytes) else text.encode())
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
def demo(
    directory: Annotated[
        Path, typer.Argument(help="Where to build it (a new or empty folder, or a previous demo).")
    ] = Path("mlmaturity-demo"),
    force: Annotated[
        bool,
        typer.Option(
            help="Replace a previous demo holding files or assessments of yours (it says "
            "which), or build beside the files of a folder holding none of the demo's entries."
        ),
    ] = False,
    seed: Annotated[
        int | None, typer.Option(help="The seed of every random choice [default: 2026].")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Build it as of this day: the four quarters completed before it [default: today].",
        ),
    ] = None,
) -> None:
    """Build a demo organization and assess it over four quarters.

    Three teams (notebooks only, tracked by hand, automated) with real git repositories,
    MLflow stores written with the MLflow client, event files and survey answers, evolving
    through the four quarters completed before today (or --as-of); each quarter is assessed
    as of its last day and recorded with the quarter as milestone (e.g. 2026-Q3). The
    reports go to DIR/reports/. Needs: pip install 'mlmaturity[demo]'.
    """
    from mlmaturity.demo.build import (
        build_demo,
        next_commands,
        parse_as_of,
        process_seconds,
        program_name,
    )
    from mlmaturity.demo.plan import DEFAULT_SEED

    stderr = _console(stderr=True)
    result = build_demo(
        directory,
        seed=DEFAULT_SEED if seed is None else seed,
        force=force,
        as_of=parse_as_of(as_of),
        progress=lambda line: stderr.print(line, soft_wrap=True),
    )
    elapsed = process_seconds()
    took = (
        f"{elapsed:.1f} s since the command started"
        if elapsed is not None
        else f"{result.seconds:.1f} s (after the command's start-up)"
    )
    lines = [f"built and assessed in {took}; the reports:"]
    lines += [f"  {path}" for path in result.reports.values()]
    program = program_name(sys.argv[0])
    lines += ["try next:", *(f"  {c}" for c in next_commands(directory, result.plan, program))]
    console = _console()
    for line in lines:
        console.print(line, soft_wrap=True)
    # Nothing is left to write: exiting need not garbage-collect the objects the MLflow
    # client, the assessments and the reports made (a second the time above would not show).
    import gc

    gc.freeze()


def _use_color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _format_for(output: Path | None, given: Format | None) -> Format:
    """The format asked for, else the one whose suffix the output file has, else text."""
    if given is not None:
        return given
    if output is not None:
        from mlmaturity.report import formats

        by_suffix = {f.suffix: f.name for f in formats().values()}
        if output.suffix.lower() in by_suffix:
            return Format(by_suffix[output.suffix.lower()])
    return Format.text


def _report_format(output: Path | None, given: Format | None) -> Format:
    """The report format asked for (``_format_for``), refused before any work where it cannot
    be written: a binary format to the terminal, or an output that cannot be written."""
    from mlmaturity.errors import InputError
    from mlmaturity.report import formats

    chosen = _format_for(output, given)
    spec = formats()[chosen.value]
    if output is None and spec.binary:
        hint = f"write it to a file: --output report{spec.suffix}"
        raise InputError.single("--format", f"{chosen.value} needs --output", hint=hint)
    _check_output(output)
    return chosen


def _write_report(
    assessment: Assessment,
    chosen: Format,
    output: Path | None,
    history: Sequence[Assessment],
    milestones: Mapping[str, str],
) -> None:
    """Render ``assessment`` (with ``history`` before it) and print it or write ``output``."""
    from mlmaturity.report import render

    color = chosen is Format.text and _use_color(output)
    rendered = render(assessment, chosen.value, color=color, history=history, milestones=milestones)
    _write_or_print(rendered, output)


def _history_store(workspace: Path, milestone: str | None, *, record: bool) -> HistoryStore | None:
    """Where `assess` records (None with --no-history); a milestone already taken is refused
    before anything is assessed."""
    from mlmaturity.errors import InputError

    if not record:
        if milestone is not None:
            raise InputError.single("--milestone", "cannot be used with --no-history")
        return None
    from mlmaturity.store import HistoryStore
    from mlmaturity.workspace import load_workspace

    store = HistoryStore.for_workspace(load_workspace(workspace))
    if milestone is not None:
        store.check_milestone_free(milestone)
    return store


def _record(run: AssessmentRun, store: HistoryStore, *, milestone: str | None) -> None:
    from dataclasses import replace

    from mlmaturity.errors import InputError
    from mlmaturity.store import record_run

    try:
        entry = record_run(run, milestone=milestone, store=store)
    except InputError as exc:
        not_recorded = [
            replace(p, message=f"the assessment was not recorded: {p.message}")
            for p in exc.problems
        ]
        raise InputError(not_recorded) from None
    named = f" ({entry.milestone})" if entry.milestone else ""
    _console(stderr=True).print(f"recorded as #{entry.id}{named} in {store.name}")


@app.command()
def assess(
    workspace: WorkspaceArg = Path(),
    format: ReportFormatOption = None,
    output: OutputOption = None,
    model: ModelOption = None,
    milestone: Annotated[
        str | None,
        typer.Option(help='Record the assessment under this name (e.g. "2026-Q3"); once per name.'),
    ] = None,
    record: Annotated[
        bool, typer.Option("--history/--no-history", help="Record the assessment in the history.")
    ] = True,
) -> None:
    """Assess every team and the organization.

    Collects evidence from each team's sources, reads the survey answers, scores them
    against the maturity model and prints (or writes) the result. The assessment is then
    recorded in the workspace's history (see `mlmaturity history`); a store that cannot
    record it is an error (exit 2) after the report.
    """
    from mlmaturity.assess import assess_run

    chosen = _report_format(output, format)
    # The HTML and PDF draw trends over the history; they and the Markdown say what changed.
    over_time = chosen in (Format.html, Format.pdf, Format.markdown)
    store = _history_store(workspace, milestone, record=record)
    made = assess_run(workspace, model_path=model)
    assessment = made.assessment
    history, milestones = _stored_history(workspace, assessment) if over_time else ([], {})
    if milestone:
        milestones[assessment.generated_at] = milestone
    _write_report(assessment, chosen, output, history, milestones)
    if store is not None:
        _record(made, store, milestone=milestone)


def _stored_history(
    workspace: Path, current: Assessment
) -> tuple[list[Assessment], dict[str, str]]:
    """The workspace's recorded assessments before ``current``, oldest first (the trends: the
    newest TREND_ASSESSMENTS of them; reading never migrates the store), with the milestones
    naming them; a history that cannot be read leaves them out, with a note (recording then
    says why)."""
    from datetime import datetime

    from mlmaturity.store import TREND_ASSESSMENTS, HistoryStore, StoreError
    from mlmaturity.workspace import load_workspace

    before = datetime.fromisoformat(current.generated_at)
    try:
        with HistoryStore.for_workspace(load_workspace(workspace)) as store:
            return store.named_assessments(before=before, limit=TREND_ASSESSMENTS)
    except StoreError as exc:
        _console(stderr=True).print(f"note: no trends in the report: {exc.problems[0]}")
        return [], {}


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
    from mlmaturity.report.sarif import MAX_RUNS_PER_FILE, sarif_log, sarif_text

    missing = [str(r) for r in repositories if not r.is_dir()]
    if missing:
        raise InputError.single(missing[0], "not a folder", hint="give repository folders to scan")
    _check_output(output)
    results = scan_many([(r.resolve(), str(r)) for r in repositories], history=history)
    if format is ScanFormat.sarif:
        text = sarif_text(sarif_log((r.subject, r.root, r.findings) for r in results))
        if len(results) > MAX_RUNS_PER_FILE:
            _console(stderr=True).print(
                f"note: {len(results)} runs in one SARIF file; GitHub code scanning accepts at "
                f"most {MAX_RUNS_PER_FILE} per file, so scan the repositories in groups"
            )
    elif format is ScanFormat.json:
        text = scan_json(results)
    else:
        text = scan_text(results, color=_use_color(output))
    _write_or_print(text, output)


@app.command()
def collect(workspace: WorkspaceArg = Path()) -> None:
    """Collect every team's sources and store their events.

    Events (deployments, incidents, commits …) are merged into the workspace's event store
    under .mlmaturity/events/; collecting again never duplicates them.
    """
    from mlmaturity.collect import collect_workspace

    summary = collect_workspace(workspace)
    console = _console()
    for table, rows in summary.rows.items():
        console.print(f"{table}: {rows} row(s) stored")
    if not summary.rows:
        console.print("no events collected (list deployments, incidents or repos in the workspace)")
    for note in summary.notes:
        console.print(note)


@app.command()
def kpi(
    workspace: WorkspaceArg = Path(),
    since: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD [default: a year ago].")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day, YYYY-MM-DD [default: today].")
    ] = None,
    period: Annotated[Period, typer.Option(help="Length of each period.")] = Period.month,
    format: Annotated[
        KpiFormat, typer.Option("--format", "-f", help="Output format.")
    ] = KpiFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Compute the KPIs per team and for the organization, per period.

    Reads the event store written by `mlmaturity collect`. A KPI whose inputs are missing
    says what it needs. At most 1000 periods; days still to come are not counted.
    """
    from datetime import date, timedelta

    from mlmaturity.errors import InputError
    from mlmaturity.events.store import EventStore
    from mlmaturity.kpi.compute import compute_kpis
    from mlmaturity.kpi.engine import Engine
    from mlmaturity.report.kpis import kpi_json, kpi_text
    from mlmaturity.workspace import load_workspace

    def day(value: str | None, default: date, option: str) -> date:
        try:
            return date.fromisoformat(value) if value else default
        except ValueError:
            raise InputError.single(
                option, f"'{value}' is not a date", hint="use YYYY-MM-DD"
            ) from None

    today = date.today()
    first, last = day(since, today - timedelta(days=365), "--since"), day(until, today, "--until")
    if first > last:
        raise InputError.single("--since", "comes after --until")
    _check_output(output)
    loaded = load_workspace(workspace)
    teams = {t.id: t.title for t in loaded.spec.teams}
    store = EventStore.for_workspace(loaded.root)
    engine = Engine.of(loaded)
    values = compute_kpis(store, list(teams), first, last, period.value, today=today, engine=engine)
    if format is KpiFormat.json:
        text = kpi_json(values)
    else:
        text = kpi_text(values, teams, color=_use_color(output))
    _write_or_print(text, output)


@app.command()
def gate(
    min_stage: Annotated[
        int | None,
        typer.Option(
            "--min-stage", min=1, max=4, help="Stage required (1-4) [default: the target stage]."
        ),
    ] = None,
    workspace: WorkspaceArg = Path(),
    team: Annotated[str | None, typer.Option(help="Gate on this team only.")] = None,
    model: ModelOption = None,
) -> None:
    """Exit 1 unless every team reaches a stage (a CI gate).

    The stage required is --min-stage, else the target stage of the workspace or model.
    Every team must reach it (or only --team); an undecided stage never passes.
    """
    from mlmaturity.assess import assess as run
    from mlmaturity.errors import InputError
    from mlmaturity.model.stages import stage_label

    assessment = run(workspace, model_path=model)
    required = min_stage or assessment.target_stage
    if required is None:
        hint = "pass --min-stage N, or set target_stage in the workspace"
        raise InputError.single(workspace, "no stage to gate on", hint=hint)
    teams = assessment.teams
    if team is not None:
        teams = [t for t in teams if t.id == team]
        if not teams:
            known = ", ".join(t.id for t in assessment.teams)
            raise InputError.single(workspace, f"unknown team '{team}'", hint=f"teams: {known}")
    below = [t for t in teams if t.stage is None or t.stage < required]
    for t in teams:
        verdict = "below" if t in below else "meets"
        typer.echo(f"{t.name}: stage {stage_label(t.stage)} ({verdict} stage {required})")
    subject = assessment.organization.name if team is None else teams[0].name
    if below:
        typer.echo(
            f"{subject}: gate not met ({len(below)} of {len(teams)} team(s) below stage {required})"
        )
        raise typer.Exit(Exit.GATE_NOT_MET)
    typer.echo(f"{subject}: gate met (stage {required})")


@app.command("history")
def history_command(
    workspace: WorkspaceArg = Path(),
    format: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = HistoryFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """List the recorded assessments, oldest first.

    Each with its id, date, milestone, model, workspace digest, and the organization's and
    every team's stage. `assess` records them (in .mlmaturity/history.db, or the workspace's
    store:).
    """
    from mlmaturity.report.history import history_json, history_text
    from mlmaturity.store import HistoryStore
    from mlmaturity.workspace import load_workspace

    _check_output(output)
    with HistoryStore.for_workspace(load_workspace(workspace, inputs=False)) as store:
        entries = store.entries()
    if format is HistoryFormat.json:
        text = history_json(entries, store.name)
    else:
        text = history_text(entries, store.name, color=_use_color(output))
    _write_or_print(text, output)


@app.command("diff")
def diff_command(
    old: Annotated[
        str, typer.Argument(help="The earlier assessment: an id, a milestone, latest or previous.")
    ] = "previous",
    new: Annotated[str, typer.Argument(help="The later assessment (the same forms).")] = "latest",
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="A workspace folder or its mlmaturity.yaml.")
    ] = Path(),
    format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Show what changed between two recorded assessments.

    Stages, dimension scores, capability levels, the criteria that flipped with the findings
    and answers that decided them before and now, barriers, KPIs (the latest value of each)
    and evidence-vs-survey conflicts. Without arguments: previous against latest.
    """
    from mlmaturity.diff import diff_assessments
    from mlmaturity.report.diff import diff_json, diff_markdown, diff_text
    from mlmaturity.store import HistoryStore
    from mlmaturity.workspace import load_workspace

    _check_output(output)
    with HistoryStore.for_workspace(load_workspace(workspace, inputs=False)) as store:
        before, after = store.resolve(old), store.resolve(new)
        changes = diff_assessments(store.load(before), store.load(after))
    labels = {
        side: f"#{entry.id}" + (f" {entry.milestone}" if entry.milestone else "")
        for side, entry in (("old", before), ("new", after))
    }
    changes = changes.model_copy(
        update={
            "old": changes.old.model_copy(update={"label": labels["old"]}),
            "new": changes.new.model_copy(update={"label": labels["new"]}),
        }
    )
    if format is DiffFormat.json:
        text = diff_json(changes)
    elif format is DiffFormat.markdown:
        text = diff_markdown(changes)
    else:
        text = diff_text(changes, color=_use_color(output))
    _write_or_print(text, output)


@app.command("report")
def report_command(
    ref: Annotated[
        str, typer.Argument(help="The recorded assessment: an id, a milestone, latest or previous.")
    ] = "latest",
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="A workspace folder or its mlmaturity.yaml.")
    ] = Path(),
    format: ReportFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Write the report of a recorded assessment, without assessing again.

    The assessment as it was recorded, with the trends and "since" of the history before it
    and its milestones: the PDF of a quarter, say, after its HTML. Records nothing.
    """
    from mlmaturity.store import TREND_ASSESSMENTS, HistoryStore
    from mlmaturity.workspace import load_workspace

    chosen = _report_format(output, format)
    with HistoryStore.for_workspace(load_workspace(workspace, inputs=False)) as store:
        entry = store.resolve(ref)
        assessment = store.load(entry)
        history, milestones = store.named_assessments(
            before=entry.generated_at, limit=TREND_ASSESSMENTS
        )
    if entry.milestone:
        milestones[assessment.generated_at] = entry.milestone
    _write_report(assessment, chosen, output, history, milestones)


@app.command()
def survey(
    team: Annotated[str, typer.Option(help="Your team's id (as in the workspace file).")],
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
    answered, dont_know, total = run_survey(
        load_model(model),
        out,
        team=team,
        role=role.value,
        respondent=respondent or getpass.getuser(),
        console=console,
    )
    console.print(
        f"{answered} of {total} questions answered, {dont_know} don't know; saved to {out}"
    )


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
