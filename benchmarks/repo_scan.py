"""Scan a generated 50,000-file repository with every check, and with ripgrep in the same run.

    .venv/bin/python benchmarks/repo_scan.py [--dir /tmp/mlm-bench-repo] [--files 50000]

Builds (once, then reuses) a git repository of about 200 MB: Python modules, 500 notebooks of
about 50 KB, YAML and binary model files. Then it times, in one run:
  * mlmaturity: listing, reading, searching, parsing and all repository checks, in a child
    process so its peak memory (max RSS) can be read;
  * ripgrep: a search of the same files for the same combined literal pattern set, twice:
    listing the files that match (its fastest mode, stopping at a file's first match) and
    counting every match (closer to our work: we need each keyword's lines).
It prints the wall times, the ratios and our peak memory. Goal: at most 3x ripgrep's fastest
mode, peak memory under 500 MB.
ripgrep comes from Debian's package: apt-get install ripgrep.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULE_LINES = [
    "import numpy as np",
    "import pandas as pd",
    "from sklearn.ensemble import RandomForestClassifier",
    "def transform(frame):",
    "    frame = frame.dropna()",
    "    return frame.assign(total=frame.a + frame.b)",
    "class FeatureBuilder:",
    "    def __init__(self, columns):",
    "        self.columns = list(columns)",
    "    def fit(self, frame):",
    "        self.means_ = frame[self.columns].mean()",
    "        return self",
    "# compute the rolling statistics used by the model",
    "result = [value * 2 for value in range(100) if value % 3]",
]


def _module(rng: random.Random, size: int) -> str:
    lines = []
    while sum(len(line) + 1 for line in lines) < size:
        lines.append(rng.choice(MODULE_LINES))
    if rng.random() < 0.01:
        lines.insert(0, "import mlflow")
    if rng.random() < 0.002:
        lines.append("model = pickle.load(open('model.pkl', 'rb'))")
    return "\n".join(lines) + "\n"


def _notebook(rng: random.Random, size: int) -> str:
    cells = []
    while sum(len(json.dumps(c)) for c in cells) < size:
        source = [line + "\n" for line in rng.sample(MODULE_LINES, 6)]
        outputs = (
            [{"output_type": "stream", "name": "stdout", "text": ["loss 0.1234\n"] * 20}]
            if rng.random() < 0.5
            else []
        )
        cells.append(
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": outputs,
                "source": source,
            }
        )
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def build(root: Path, files: int, seed: int = 7) -> None:
    """A deterministic repository of ``files`` tracked files, about 4 KB each on average."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    notebooks, binaries, yamls = 500, files // 50, files // 6
    modules = files - notebooks - binaries - yamls - 3
    for i in range(modules):
        path = root / f"pkg{i % 200}" / f"sub{i % 7}" / f"module_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_module(rng, rng.randint(1500, 5500)))
    for i in range(notebooks):
        (root / "notebooks").mkdir(exist_ok=True)
        (root / "notebooks" / f"analysis_{i}.ipynb").write_text(_notebook(rng, 50_000))
    for i in range(yamls):
        path = root / "configs" / f"group{i % 50}" / f"config_{i}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"key_{k}: value_{rng.randint(0, 10**6)}\n" for k in range(80)))
    for i in range(binaries):
        (root / "models").mkdir(exist_ok=True)
        suffix = rng.choice([".bin", ".pkl", ".png", ".onnx"])
        (root / "models" / f"artifact_{i}{suffix}").write_bytes(b"\x80\x04" + rng.randbytes(10_000))
    (root / "README.md").write_text("# benchmark repository\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n"
    )
    (root / "requirements.txt").write_text("numpy==2.1.0\npandas==2.2.3\n")
    env = {
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@x",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@x",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env)


OURS = """
import json, os, resource, sys, time
from pathlib import Path
from mlmaturity.evidence.repo.collector import assess_repository
start = time.perf_counter()
result = assess_repository(Path(sys.argv[1]), "bench", workers=os.cpu_count() or 1)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": max(peak, children), "findings": len(result.findings)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "mlm-bench-repo")
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs of each")
    args = parser.parse_args()
    if args.rebuild and args.dir.exists():
        shutil.rmtree(args.dir)
    if not args.dir.exists():
        started = time.perf_counter()
        build(args.dir, args.files)
        print(f"built {args.files} files in {time.perf_counter() - started:.0f} s at {args.dir}")
    size = sum(
        p.stat().st_size for p in args.dir.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    print(f"repository: {args.files} tracked files, {size / 1e6:.0f} MB")
    rg = shutil.which("rg")
    if rg is None:
        sys.exit("ripgrep is not installed: apt-get install ripgrep")

    from mlmaturity.evidence.registry import registered_checks
    from mlmaturity.evidence.repo.scan import plan_for

    plan = plan_for(list(registered_checks("repos").values()))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as patterns:
        patterns.write("\n".join(plan.keywords) + "\n")
    # Best of several alternating runs for each: the fairest figure on a machine with other load.
    runs: list[dict[str, float]] = []
    timings: dict[str, float] = {}
    for _ in range(args.runs):
        runs.append(
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", OURS, str(args.dir)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
        )
        for mode in ("--files-with-matches", "--count-matches"):
            started = time.perf_counter()
            command = [rg, mode, "--fixed-strings", "--file", patterns.name, str(args.dir)]
            subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
            elapsed = time.perf_counter() - started
            timings[mode] = min(timings.get(mode, elapsed), elapsed)
    Path(patterns.name).unlink()
    ours = min(runs, key=lambda run: run["seconds"])
    fastest, counting = timings["--files-with-matches"], timings["--count-matches"]
    print(f"patterns: {len(plan.keywords)} literals; checks: {ours['findings']}")
    print(f"best of {args.runs} runs each")
    print(f"ripgrep --files-with-matches  {fastest:6.2f} s")
    print(f"ripgrep --count-matches       {counting:6.2f} s")
    print(
        f"mlmaturity, all checks        {ours['seconds']:6.2f} s   peak memory {ours['peak_kb'] / 1024:.0f} MB"
    )
    print(f"ratio to ripgrep --files-with-matches: {ours['seconds'] / fastest:.2f} (goal <= 3)")
    print(f"ratio to ripgrep --count-matches:      {ours['seconds'] / counting:.2f}")


if __name__ == "__main__":
    main()
