"""Collecting "as of" a time: the collection time reaches the collectors that stamp it."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from mlmaturity.assess import assess
from mlmaturity.collect import collect_teams
from mlmaturity.workspace import load_workspace

ROOT = Path(__file__).parent.parent
ACME_STORE = ROOT / "examples" / "acme" / "mlflow" / "fraud.db"
DATES = ["2026-01-10T09:00:00+00:00", "2026-03-02T09:00:00+00:00", "2026-05-20T09:00:00+00:00"]


def _workspace(root: Path) -> Path:
    repo = root / "repos" / "scoring"
    repo.mkdir(parents=True)
    env = {"HOME": "/nonexistent", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    for i, when in enumerate(DATES):
        (repo / "train.py").write_text(f"import mlflow\nSTEP = {i}\n")
        dated = {
            **env,
            "GIT_AUTHOR_NAME": "Ana",
            "GIT_AUTHOR_EMAIL": "ana@example.org",
            "GIT_COMMITTER_NAME": "Ana",
            "GIT_COMMITTER_EMAIL": "ana@example.org",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=dated)
        subprocess.run(
            ["git", "-C", str(repo), "commit", "-qm", f"step {i}"], check=True, env=dated
        )
    (root / "mlflow").mkdir()
    shutil.copy(ACME_STORE, root / "mlflow" / "fraud.db")
    (root / "mlmaturity.yaml").write_text(
        "version: 1\norganization: Now\nteams:\n  - id: t\n    sources:\n"
        "      repos: [repos/scoring]\n      mlflow: [mlflow/fraud.db]\n"
    )
    return root


def test_collection_time_stamps_snapshots_and_ends_the_history_window(tmp_path: Path) -> None:
    workspace = load_workspace(_workspace(tmp_path))
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    [collected] = collect_teams(workspace, now=now)
    snapshots = collected.events["registry_snapshots"]
    assert snapshots and {row["collected_at"] for row in snapshots} == {now}
    assert {row["collected_at"] for row in collected.events["model_versions"]} == {now}
    # 90 days before 2026-03-31: the January and March commits; May's is after `now`.
    commits = sorted(change["at"] for change in collected.events["changes"])
    assert commits == [datetime.fromisoformat(d) for d in DATES[:2]]
    later = datetime(2026, 5, 31, tzinfo=UTC)
    [collected] = collect_teams(workspace, now=later)
    commits = sorted(change["at"] for change in collected.events["changes"])
    assert commits == [datetime.fromisoformat(d) for d in DATES[1:]]


def test_assessment_as_of_a_date(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    now = datetime(2026, 5, 31, tzinfo=UTC)
    assessment = assess(root, now=now)
    assert assessment.generated_at == "2026-05-31T00:00:00+00:00"
    notes = assessment.teams[0].notes
    assert any("2 commits by 1 contributor in the last 90 days" in n for n in notes), notes
