"""Workspaces pointing at MLflow stores, and what collecting them gives."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from mlmaturity.collect import collect_team
from mlmaturity.evidence.finding import Finding
from mlmaturity.workspace import load_workspace


def make_workspace(
    root: Path, *stores: str, mlflow: dict[str, Any] | None = None, **sources: list[str]
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    spec: dict[str, Any] = {
        "version": 1,
        "organization": "O",
        "teams": [{"id": "t", "sources": {"mlflow": list(stores), **sources}}],
    }
    if mlflow:
        spec["mlflow"] = mlflow
    (root / "mlmaturity.yaml").write_text(yaml.safe_dump(spec))
    return root


def findings(root: Path) -> tuple[dict[str, Finding], list[str]]:
    """Each mlflow check's finding (one store), and the collection's notes."""
    workspace = load_workspace(root)
    gathered = collect_team(workspace, workspace.spec.teams[0])
    return {f.check: f for f in gathered.findings}, gathered.notes


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def by_run_name(rows: list[dict[str, Any]], runs: dict[str, str], column: str) -> dict[str, Any]:
    names = {run_id: name for name, run_id in runs.items()}
    return {names[r["run_id"]]: r[column] for r in rows if r["run_id"] in names}


def evaluations_of(root: Path) -> set[tuple[str, str, str, str, float]]:
    """(model, version, metric, role, value) of every stored evaluation."""
    from tests.kpi.workspaces import stored

    return {
        (r["model"], r["version"], r["metric"], r["dataset_role"], r["value"])
        for r in stored(root, "evaluations")
    }


def in_production(root: Path) -> set[tuple[str, str]]:
    """(model, version) of the stored versions in production."""
    from tests.kpi.workspaces import stored

    return {
        (r["model"], r["version"]) for r in stored(root, "model_versions") if r["in_production"]
    }
