"""Collect a 20,000-run MLflow store, and fetch the same with the MLflow client in the same run.

    .venv/bin/python benchmarks/mlflow_collect.py [--dir /tmp/mlm-bench-mlflow] [--runs 20000]

Builds (once, then reuses) a SQLite MLflow store: the MLflow client creates and migrates it and
registers 3 models with 50 versions each; the 20,000 runs (5 params, 5 metrics, 3 tags each)
are then bulk-inserted with SQL, since the client writes only about 30 runs a second, and read
back through the client to prove the store is sound. Then it times, best of 3 each:
  * mlmaturity: `mlmaturity collect` on a workspace listing the store (reading, deriving
    training runs, evaluations, versions and deployments, running the checks, writing the
    event store);
  * the MLflow client: search_runs over every experiment and search_model_versions, paginated,
    which is what a collector built on the client would have to do.
It prints both times and the ratio. Goal: at least 30x faster than the client.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")

MODELS, VERSIONS = 3, 50
T0 = 1_767_225_600_000  # 2026-01-01, in epoch milliseconds


def build(folder: Path, runs: int, seed: int = 11) -> None:
    """A store the client created and migrated, filled in bulk with SQL."""
    from mlflow import MlflowClient

    folder.mkdir(parents=True)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("bench", artifact_location=(folder / "art").as_uri())
    seed_run = client.create_run(experiment).info.run_id
    for m in range(MODELS):
        name = f"model-{m}"
        client.create_registered_model(name)
        for _ in range(VERSIONS):
            client.create_model_version(name, source=f"runs:/{seed_run}/model", run_id=seed_run)
        client.set_registered_model_alias(name, "champion", str(VERSIONS))
    rng = random.Random(seed)
    ids = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(runs)]
    start = [T0 + i * 60_000 for i in range(runs)]
    with sqlite3.connect(folder / "mlflow.db") as db:
        db.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, "
            "user_id, status, start_time, end_time, source_version, lifecycle_stage, "
            "artifact_uri, experiment_id) VALUES (?, ?, 'LOCAL', 'train.py', '', ?, 'FINISHED', "
            "?, ?, '', 'active', '', ?)",
            [
                (
                    r,
                    f"run-{i}",
                    rng.choice(["alice", "svc-ml"]),
                    start[i],
                    start[i] + 5_000,
                    experiment,
                )
                for i, r in enumerate(ids)
            ],
        )
        db.executemany(
            "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
            [(f"param_{k}", str(rng.random()), r) for r in ids for k in range(5)],
        )
        metrics = [
            (name, rng.random(), start[i], r)
            for i, r in enumerate(ids)
            for name in ("test_accuracy", "val_accuracy", "train_loss", "epoch_time", "lr")
        ]
        db.executemany(
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
            "VALUES (?, ?, ?, ?, 0, 0)",
            metrics,
        )
        db.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
            "VALUES (?, ?, ?, 0, 0, ?)",
            metrics,
        )
        db.executemany(
            "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
            [
                (key, value, r)
                for r in ids
                for key, value in (
                    ("mlflow.source.git.commit", r[:12]),
                    ("mlflow.user", "alice"),
                    ("team", "fraud"),
                )
            ],
        )
    # Read back through the client: the bulk rows must be what MLflow itself sees.
    found = client.get_run(ids[-1])
    assert found.data.metrics["test_accuracy"] == metrics[-5][1], "client reads other metrics"
    assert len(found.data.params) == 5 and found.data.tags["team"] == "fraud"


OURS = """
import json, sys, time
from pathlib import Path
from mlmaturity.collect import collect_workspace
from mlmaturity.events.mlflowstore.derive import derive, metric_globs, wanted_tags
from mlmaturity.events.mlflowstore.sql import read_sql_store
from mlmaturity.workspace import MlflowSettings
import sqlalchemy, pyarrow, duckdb  # imported before timing, as mlflow is for the client
settings = MlflowSettings()
started = time.perf_counter()
contents = read_sql_store(sys.argv[2], wanted_tags(settings), metric_globs(settings))
derive(contents, settings, "fraud", "bench", [])
read = time.perf_counter() - started
started = time.perf_counter()
summary = collect_workspace(Path(sys.argv[1]))
print(json.dumps({"read": read, "collect": time.perf_counter() - started}))
"""


def client_fetch(uri: str) -> tuple[float, int, int]:
    """All runs and model versions through the client's paginated searches."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    started = time.perf_counter()
    experiments = [e.experiment_id for e in client.search_experiments()]
    runs, token = 0, None
    while True:
        page = client.search_runs(experiments, max_results=10_000, page_token=token)
        runs += len(page)
        token = page.token
        if not token:
            break
    versions, token = 0, None
    while True:
        vpage = client.search_model_versions(max_results=10_000, page_token=token)
        versions += len(vpage)
        token = vpage.token
        if not token:
            break
    return time.perf_counter() - started, runs, versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "mlm-bench-mlflow"
    )
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs of each")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild and args.dir.exists():
        shutil.rmtree(args.dir)
    if not args.dir.exists():
        started = time.perf_counter()
        build(args.dir, args.runs)
        print(f"built a {args.runs}-run store in {time.perf_counter() - started:.0f} s")
    uri = f"sqlite:///{args.dir / 'mlflow.db'}"
    workspace = Path(tempfile.mkdtemp(prefix="mlm-bench-ws-"))
    (workspace / "mlmaturity.yaml").write_text(
        "version: 1\norganization: Bench\nteams:\n"
        f"  - id: fraud\n    sources:\n      mlflow: ['{uri}']\n"
    )
    reads, collects, theirs = [], [], []
    for _ in range(args.repeat):
        result = subprocess.run(
            [sys.executable, "-c", OURS, str(workspace), uri],
            capture_output=True,
            text=True,
            check=True,
        )
        ours = json.loads(result.stdout)
        reads.append(ours["read"])
        collects.append(ours["collect"])
        seconds, runs, versions = client_fetch(uri)
        theirs.append(seconds)
    shutil.rmtree(workspace)
    read, collect, client = min(reads), min(collects), min(theirs)
    print(f"store: {runs} runs, {versions} model versions (best of {args.repeat} runs each)")
    print(f"MLflow client: search_runs + search_model_versions    {client:6.2f} s")
    print(f"mlmaturity: read the store and derive the events      {read:6.2f} s")
    print(f"mlmaturity collect: also checks, imports, event store {collect:6.2f} s")
    print(f"ratio client / mlmaturity read: {client / read:.1f}x (goal >= 30)")
    print(f"ratio client / mlmaturity collect: {client / collect:.1f}x")


if __name__ == "__main__":
    main()
