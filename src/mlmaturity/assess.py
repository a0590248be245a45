"""The main job: load a workspace, collect evidence, read the survey, score every team."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from mlmaturity import __version__
from mlmaturity.collect import collect_teams, store_events
from mlmaturity.errors import InputError
from mlmaturity.evidence.collectors import Collected
from mlmaturity.inputs import read_inputs
from mlmaturity.scoring import Assessment, score_organization, score_team
from mlmaturity.scoring.result import KpiResult, ModelRef
from mlmaturity.survey.answers import Answer
from mlmaturity.workspace import Workspace


@dataclass(frozen=True)
class AssessmentRun:
    """An assessment with what it was made from, as read for it: what the history records."""

    assessment: Assessment
    workspace: Workspace
    answers: tuple[Answer, ...]
    """Every answer scored, the workspace's answers files in order."""
    workspace_digest: str
    """The digest of the very bytes of the workspace, model and answers files that were
    parsed (``mlmaturity.inputs``)."""


KPI_PERIODS = 3
"""Months of KPIs an assessment shows (the current one and the two before)."""


def kpi_snapshot(
    workspace: Workspace, gathered: list[Collected], today: date
) -> dict[str | None, list[KpiResult]]:
    """Store the collected events, then the KPIs of the last months per team (None: the org)."""
    if not any(g.events for g in gathered):
        return {}
    from mlmaturity.events.store import EventStore
    from mlmaturity.kpi.compute import compute_kpis
    from mlmaturity.kpi.engine import Engine

    try:
        store_events(workspace, gathered)
    except OSError as exc:
        raise InputError.single(
            EventStore.for_workspace(workspace.root).root, f"cannot be written: {exc.strerror}"
        ) from None
    month = today.month - KPI_PERIODS + 1
    since = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    teams = [t.id for t in workspace.spec.teams]
    store = EventStore.for_workspace(workspace.root)
    values = compute_kpis(
        store, teams, since, today, "month", today=today, engine=Engine.of(workspace)
    )
    snapshot: dict[str | None, list[KpiResult]] = {}
    for v in values:
        result = KpiResult(
            id=v.kpi,
            name=v.name,
            period=v.period.isoformat(),
            value=v.value,
            unit=v.unit,
            band=v.band,
            note=v.note,
        )
        snapshot.setdefault(v.team, []).append(result)
    return snapshot


def assess(
    path: Path, *, model_path: Path | None = None, now: datetime | None = None
) -> Assessment:
    """Assess the workspace at ``path`` (a folder or its ``mlmaturity.yaml``) as of ``now``
    (default: the present): the report's time and the collection time."""
    return assess_run(path, model_path=model_path, now=now).assessment


def assess_run(
    path: Path, *, model_path: Path | None = None, now: datetime | None = None
) -> AssessmentRun:
    """``assess``, with the answers it scored and the digest of the files it read: record
    this (``mlmaturity.store.record_run``), never the files read again later."""
    inputs = read_inputs(path, model_path)
    workspace, model = inputs.workspace, inputs.model
    by_team: dict[str, list[Answer]] = defaultdict(list)
    for answer in inputs.answers:
        by_team[answer.team].append(answer)
    teams = []
    gathered = collect_teams(workspace, now=now)
    for team, collected in zip(workspace.spec.teams, gathered, strict=True):
        notes = list(collected.notes)
        if not collected.findings and not by_team[team.id]:
            notes.append(
                f"nothing to assess: no survey answers and no evidence for team '{team.id}'; "
                f"run `mlmaturity survey --team {team.id} …` or list its sources"
            )
        answers = by_team[team.id]
        teams.append(score_team(model, team.id, team.title, collected.findings, answers, notes))
    moment = now or datetime.now(UTC)
    kpis = kpi_snapshot(workspace, gathered, moment.date())
    teams = [t.model_copy(update={"kpis": kpis.get(t.id, [])}) for t in teams]
    organization = score_organization(model, workspace.spec.organization, teams)
    assessment = Assessment(
        tool_version=__version__,
        generated_at=moment.isoformat(timespec="seconds"),
        workspace=str(path),
        model=ModelRef(
            id=model.spec.id,
            name=model.spec.name,
            version=model.spec.model_version,
            source=model.source,
        ),
        target_stage=model.target_stage,
        organization=organization.model_copy(update={"kpis": kpis.get(None, [])}),
        teams=teams,
    )
    return AssessmentRun(assessment, workspace, inputs.answers, inputs.digest)
