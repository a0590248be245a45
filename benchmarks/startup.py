"""Start-up time of `mlmaturity --help` against a bare Typer app (the framework's own floor).

DESIGN.md promises `mlmaturity --help` answers in under 300 ms. Run:

    .venv/bin/python benchmarks/startup.py [--runs 20]

It prints the median wall time of each command over the runs and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_TYPER = """\
import typer
app = typer.Typer(rich_markup_mode=None)
@app.command()
def hello() -> None:
    '''Say hello.'''
@app.command()
def bye() -> None:
    '''Say bye.'''
app()
"""


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "mlmaturity")
    with tempfile.TemporaryDirectory() as folder:
        peer = Path(folder) / "bare_typer.py"
        peer.write_text(BARE_TYPER)
        ours = median_seconds([exe, "--help"], args.runs)
        theirs = median_seconds([sys.executable, str(peer), "--help"], args.runs)
        interpreter = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass          {interpreter * 1000:7.1f} ms")
    print(f"bare Typer app --help   {theirs * 1000:7.1f} ms")
    print(f"mlmaturity --help       {ours * 1000:7.1f} ms  (target < 300 ms)")
    print(f"ratio mlmaturity / bare Typer: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
