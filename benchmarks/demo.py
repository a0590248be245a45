"""The demo organization: the whole `mlmaturity demo`, one assessment of it, the HTML size.

The issue's goals: the whole demo (build, every quarter's assessment, all reports) under 60 s
on 2 cores; one assessment of the demo workspace, without the build, under 5 s; the HTML
report under 3 MB. The peer, measured in the same run, is the floor of anything that writes
an MLflow store: the MLflow client creating and migrating one empty SQLite store. Run:

    .venv/bin/python benchmarks/demo.py [--runs 3]

on a quiet machine (it prints the load average): each command runs in a fresh process, as a
user runs it; the assessment runs ``--runs`` times and the median is kept.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIGRATE = """\
import sys
from mlflow import MlflowClient
MlflowClient(tracking_uri=f"sqlite:///{sys.argv[1]}").search_experiments()
"""


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="assessments to time")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "mlmaturity")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        migrate = seconds([sys.executable, "-c", MIGRATE, str(Path(folder) / "empty.db")])
        demo = seconds([exe, "demo", str(root)])
        html = (root / "reports" / "report.html").stat().st_size
        out = Path(folder) / "again.json"
        assessments = [
            seconds([exe, "assess", str(root), "--no-history", "-o", str(out)])
            for _ in range(args.runs)
        ]
        html_seconds = seconds(
            [exe, "assess", str(root), "--no-history", "-o", str(Path(folder) / "again.html")]
        )
    assessment = statistics.median(assessments)
    print(f"MLflow client: one empty store     {migrate:6.1f} s  (peer)")
    print(f"mlmaturity demo (4 quarters)       {demo:6.1f} s  (goal < 60 s)")
    print(f"ratio demo / one store migration   {demo / migrate:6.1f}")
    print(f"one assessment, JSON (median of {args.runs}) {assessment:6.1f} s  (goal < 5 s)")
    print(f"one assessment, HTML with trends   {html_seconds:6.1f} s")
    print(f"HTML report                        {html / 1e6:6.2f} MB (goal < 3 MB)")


if __name__ == "__main__":
    main()
