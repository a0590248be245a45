"""``mlmaturity init``: a commented workspace file to start from."""

from __future__ import annotations

import json
from pathlib import Path

from mlmaturity.atomic import write_text_atomic
from mlmaturity.errors import InputError
from mlmaturity.workspace import WORKSPACE_FILE

TEMPLATE = """\
# mlmaturity workspace (version 1). Paths are relative to this file.
# Check it with: mlmaturity assess {directory}
version: 1
organization: {organization}

# A maturity model file; omit to use the bundled default. A model can start from the
# default and change only what differs:  `extends: default` (see docs/model.md).
# model: model.yaml

# The stage the organization aims for: 1 Initial, 2 Repeatable, 3 Automated, 4 Optimized.
target_stage: 3

# Survey answers files (YAML written by `mlmaturity survey`, or CSV with the columns
# respondent,team,role,question,answer,comment). Each respondent names their team.
answers: []
#  - answers/platform-team.yaml

# Where every assessment is recorded (see docs/history.md): .mlmaturity/history.db beside
# this file unless a database is named, e.g. postgresql+psycopg://user@host/db.
# store: sqlite:///.mlmaturity/history.db

teams:
  - id: my-team            # lower-case letters, digits, '-', '_' and '.'
    name: My team
    sources:
      repos: []            # git repositories: [../fraud-model, ../feature-pipelines]
      mlflow: []           # tracking URIs or mlruns folders: [sqlite:///mlflow.db]
      ci_runs: []          # exports of CI run history
      costs: []            # FinOps FOCUS cost exports (CSV or Parquet)
      deployments: []      # deployment events (CSV or JSONL)
      incidents: []        # incidents (CSV or JSONL)
      drift: []            # drift alerts
      inference_logs: []   # inference / monitoring logs
"""


def write_workspace(directory: Path, organization: str, *, force: bool = False) -> Path:
    """Write ``mlmaturity.yaml`` into ``directory``; never overwrite one unless asked."""
    path = directory / WORKSPACE_FILE
    if path.exists() and not force:
        raise InputError.single(path, "already exists", hint="pass --force to overwrite it")
    quoted = json.dumps(organization)  # a JSON string is a valid YAML double-quoted scalar
    try:
        write_text_atomic(path, TEMPLATE.format(directory=directory, organization=quoted))
    except OSError as exc:
        raise InputError.single(path, f"cannot be written: {exc.strerror}") from None
    return path
