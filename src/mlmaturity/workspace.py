"""The workspace file ``mlmaturity.yaml``: the organization, its teams and their sources."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mlmaturity.annotation import Annotation
from mlmaturity.errors import InputError, Problem
from mlmaturity.yamlfile import key_path, locate, read_yaml, validate

WORKSPACE_FILE = "mlmaturity.yaml"
SourceKind = Literal[
    "repos",
    "mlflow",
    "ci_runs",
    "costs",
    "deployments",
    "incidents",
    "drift",
    "inference_logs",
    "business_metrics",
]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
TeamId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sources(_Strict):
    """Where a team's evidence lives; paths are relative to the workspace file."""

    repos: list[str] = Field(default=[], description="Git repository folders.")
    mlflow: list[str] = Field(default=[], description="MLflow tracking URIs or mlruns folders.")
    ci_runs: list[str] = Field(default=[], description="CI run history exports.")
    costs: list[str] = Field(default=[], description="FinOps FOCUS cost exports.")
    deployments: list[str] = Field(default=[], description="Deployment event files.")
    incidents: list[str] = Field(default=[], description="Incident event files.")
    drift: list[str] = Field(default=[], description="Drift alert files.")
    inference_logs: list[str] = Field(default=[], description="Inference / monitoring logs.")
    business_metrics: list[str] = Field(default=[], description="Business KPI values over time.")


class CostAllocation(_Strict):
    """How FinOps FOCUS cost lines are attributed to models and teams."""

    model_tags: list[str] = Field(default=["model"], description="Tag keys that name the model.")
    team_tags: list[str] = Field(default=["team"], description="Tag keys that name the team.")
    resources: dict[str, str] = Field(
        default={}, description="ResourceId → model, for untagged resources."
    )


class MlflowSettings(_Strict):
    """How the MLflow collector reads intent from tags, names and aliases."""

    production_aliases: list[str] = Field(
        default=["champion", "production", "prod"],
        description="A model version holding one of these aliases is in production.",
    )
    production_stages: list[str] = Field(
        default=["Production"],
        description="Legacy registry stages that mean in production.",
    )
    production_tag: str | None = Field(
        default=None,
        description="A model version tag that marks production when its value is true/yes/1.",
    )
    deployed_at_tag: str = Field(
        default="deployed_at",
        description="A model version tag holding the ISO 8601 time it was deployed to production.",
    )
    holdout_metrics: list[str] = Field(
        default=["test_*", "holdout_*", "*_test", "*_holdout", "test/*", "holdout/*"],
        description="Metric name globs that are measured on held-out data.",
    )
    validation_metrics: list[str] = Field(
        default=["val_*", "validation_*", "*_val", "*_validation", "val/*", "validation/*"],
        description="Metric name globs that are measured on validation data.",
    )
    train_metrics: list[str] = Field(
        default=["train_*", "training_*", "*_train", "train/*"],
        description="Metric name globs that are measured on training data.",
    )
    holdout_contexts: list[str] = Field(
        default=["test", "testing", "holdout", "eval", "evaluation"],
        description="Input dataset contexts meaning held-out data: a run that logged only such "
        "datasets has its unprefixed quality metrics counted as held-out.",
    )
    quality_metrics: list[str] = Field(
        default=["accuracy", "accuracy_score", "roc_auc", "auc", "f1", "f1_score", "precision",
                 "recall", "r2", "r2_score"],
        description="Metric names (without role prefix) that measure model quality, in order of "
        "preference for the held-out accuracy KPI.",
    )  # fmt: skip
    service_accounts: str = Field(
        default=r"^(svc[-_.]|bot[-_.]|ci[-_.]|service[-_.]|airflow|jenkins|github-actions|gitlab-ci)",
        description="A regular expression: runs started by a matching user count as automated.",
    )
    scheduler_tags: list[str] = Field(
        default=["airflow.dag_id", "mlflow.databricks.jobID", "prefect.flow_run_id",
                 "dagster.run_id", "argo.workflow", "kubeflow.run_id", "schedule"],
        description="Run tags whose presence means an orchestrator or scheduler started the run.",
    )  # fmt: skip
    ci_tags: list[str] = Field(
        default=["ci", "ci.run_id", "github.run_id", "github_run_id", "gitlab.pipeline_id",
                 "CI_PIPELINE_ID", "GITHUB_RUN_ID", "jenkins.build", "buildkite.build_id"],
        description="Run tags whose presence means a CI pipeline started the run.",
    )  # fmt: skip
    trigger_tag: str = Field(
        default="trigger",
        description="A run tag naming its trigger outright: manual, scheduled, drift, ci or "
        "automated.",
    )

    @field_validator("service_accounts")
    @classmethod
    def _a_regular_expression(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return pattern

    @field_validator("holdout_contexts")
    @classmethod
    def _lowercase(cls, contexts: list[str]) -> list[str]:
        return [c.lower() for c in contexts]


class SparkSettings(_Strict):
    """The Spark session KPIs run on when ``engine`` is spark."""

    master: str = Field(
        default="local[2]",
        description="The Spark master: local[N] runs Spark in this process's machine with N "
        "cores; spark://host:port, yarn or k8s://... reach a cluster.",
    )
    config: dict[str, str] = Field(
        default={},
        description="Further Spark settings (spark.* keys), e.g. spark.driver.memory.",
    )


class Team(_Strict):
    id: TeamId
    name: str = ""
    sources: Sources = Sources()
    annotations: list[Annotation] = Field(
        default=[],
        description="Findings this team disputes: not applicable or accepted, with a reason.",
    )

    @property
    def title(self) -> str:
        return self.name or self.id


class WorkspaceFile(_Strict):
    """``mlmaturity.yaml``, version 1."""

    version: Literal[1]
    organization: str
    model: str | None = Field(
        default=None, description="A maturity model file; the bundled default when omitted."
    )
    target_stage: Annotated[int, Field(ge=1, le=4)] | None = Field(
        default=None, description="The stage the organization aims for (1-4)."
    )
    answers: list[str] = Field(default=[], description="Survey answers files (YAML or CSV).")
    cost_allocation: CostAllocation = CostAllocation()
    mlflow: MlflowSettings = Field(
        default=MlflowSettings(), description="How MLflow tags, aliases and metrics are read."
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Where KPIs are computed: DuckDB in this process, or Spark (needs the "
        "spark extra and Java 17 or later).",
    )
    spark: SparkSettings = Field(
        default=SparkSettings(), description="The Spark session, when engine is spark."
    )
    store: str | None = Field(
        default=None,
        description="Where assessments are recorded: a SQLAlchemy URL (sqlite:///history.db, "
        "postgresql+psycopg://user@host/db, mysql+pymysql://user@host/db); a relative SQLite "
        "path starts from this file's folder. Default: .mlmaturity/history.db beside this file.",
    )
    teams: Annotated[list[Team], Field(min_length=1)]


@dataclass(frozen=True)
class Workspace:
    """A validated workspace and the folder its relative paths start from."""

    spec: WorkspaceFile
    path: Path

    @property
    def root(self) -> Path:
        return self.path.parent

    def resolve(self, entry: str) -> Path:
        return (self.root / entry).resolve()

    @property
    def model_path(self) -> Path | None:
        return self.resolve(self.spec.model) if self.spec.model else None

    @property
    def answer_paths(self) -> list[Path]:
        return [self.resolve(a) for a in self.spec.answers]

    def sources(self, team: Team) -> dict[SourceKind, list[str]]:
        """The source kinds a team lists, in a fixed order, with their entries."""
        return {
            kind: getattr(team.sources, kind)
            for kind in SOURCE_KINDS
            if getattr(team.sources, kind)
        }


def workspace_file(path: Path) -> Path:
    """Accept a workspace folder or its ``mlmaturity.yaml``."""
    return path / WORKSPACE_FILE if path.is_dir() else path


def load_workspace(
    path: Path, *, keep: list[bytes] | None = None, inputs: bool = True
) -> Workspace:
    """Load and check a workspace: every problem in the file is reported at once (the bytes
    read are appended to ``keep``, if given). ``inputs=False`` skips checking that its model
    and answers files exist: reading its history needs neither."""
    file = workspace_file(path)
    if not file.exists() and not file.is_symlink():
        hint = (
            f"no workspace here; give a workspace folder or its {WORKSPACE_FILE}, "
            "or write one with `mlmaturity init`"
        )
        raise InputError.single(file, "file not found", hint=hint)
    data = read_yaml(file, keep=keep)
    spec = validate(WorkspaceFile, data, str(file))
    workspace = Workspace(spec, file.resolve())
    name = str(file)

    def problem(where: tuple[str | int, ...], message: str, hint: str = "") -> Problem:
        return Problem(name, message, locate(data, where, name)[1], key_path(where, data), hint)

    problems: list[Problem] = []
    seen: set[str] = set()
    for i, team in enumerate(spec.teams):
        if team.id in seen:
            problems.append(problem(("teams", i, "id"), f"duplicate team id '{team.id}'"))
        seen.add(team.id)
    files: list[tuple[tuple[str | int, ...], str]] = (
        [(("model",), spec.model)] if spec.model else []
    )
    files += [(("answers", i), entry) for i, entry in enumerate(spec.answers)]
    for where, entry in files if inputs else []:
        if not workspace.resolve(entry).is_file():
            hint = "paths are relative to the workspace file"
            problems.append(problem(where, f"file not found: {entry}", hint))
    if spec.store is not None:
        from mlmaturity.dburl import UrlProblem, parse_store_url

        try:
            parse_store_url(spec.store)
        except UrlProblem as bad:
            problems.append(problem(("store",), bad.message, bad.hint))
    if problems:
        raise InputError(problems)
    return workspace
