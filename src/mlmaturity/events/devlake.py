"""Apache DevLake webhook deployments (JSON) to deployment rows.

The file holds what a CD pipeline posts to DevLake's ``POST /plugins/webhook/connections/:id/
deployments``: one deployment object, or an array of them. Each becomes one deployment row:

- model: ``name``, else the repository named by the first commit's ``repoUrl``
  (``displayTitle`` is free text for people and is not used);
- environment: ``environment`` in lowercase (DevLake's default is PRODUCTION);
- at: ``finishedDate``, when the deployment reached the environment (DevLake's DORA time);
- commit: the first of ``deploymentCommits``; automated: true, since a pipeline posted it.

A deployment whose ``result`` is FAILURE changed nothing in the environment: it is not a
deployment row (it is neither a deploy nor a rollback), and the file's other rows are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.formats import event_format
from mlmaturity.events.jsonfile import read_json, validation_problems
from mlmaturity.events.rows import DeploymentRow, UtcTime

WHAT = "DevLake webhook deployments: a JSON object or an array of them"
NonEmpty = Annotated[str, Field(min_length=1)]


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class DevLakeCommit(_Body):
    repoUrl: NonEmpty
    commitSha: NonEmpty
    refName: str = ""


class DevLakeDeployment(_Body):
    """The body DevLake's deployment webhook accepts (its required fields are required here)."""

    id: NonEmpty
    name: str = ""
    displayTitle: str = ""
    result: Annotated[Literal["SUCCESS", "FAILURE"], BeforeValidator(_upper)] = "SUCCESS"
    environment: Annotated[
        Literal["PRODUCTION", "STAGING", "TESTING", "DEVELOPMENT"], BeforeValidator(_upper)
    ] = "PRODUCTION"
    startedDate: UtcTime
    finishedDate: UtcTime
    deploymentCommits: Annotated[list[DevLakeCommit], Field(min_length=1)]


def repository_name(url: str) -> str:
    """``https://github.com/acme/fraud-rules.git`` → ``fraud-rules``."""
    last = url.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".git") or url


def to_row(deployment: DevLakeDeployment) -> DeploymentRow:
    first = deployment.deploymentCommits[0]
    return DeploymentRow(
        model=deployment.name or repository_name(first.repoUrl),
        environment=deployment.environment.lower(),
        at=deployment.finishedDate,
        kind="deploy",
        automated=True,
        commit=first.commitSha,
    )


@event_format("deployments", ".json")
def read_devlake(path: Path) -> list[DeploymentRow]:
    """The successful deployments of one file; every bad one is reported, none kept if one is bad."""
    document = read_json(path, WHAT)
    rows: list[DeploymentRow] = []
    problems: list[Problem] = []
    for item in document.items:
        if not isinstance(item.value, dict):
            problems.append(item.problem(path, f"expected {WHAT}"))
            continue
        try:
            deployment = DevLakeDeployment.model_validate(item.value)
        except ValidationError as exc:
            problems.extend(validation_problems(path, item, exc))
            continue
        if deployment.finishedDate < deployment.startedDate:
            problems.append(item.problem(path, "finishedDate is before startedDate"))
        elif deployment.result == "SUCCESS":
            rows.append(to_row(deployment))
    if problems:
        raise InputError(problems)
    return rows
