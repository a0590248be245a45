"""Building the demo: the same seed gives the same organization; a folder of yours is kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlmaturity.demo.build import MARKER, prepare
from mlmaturity.demo.git import Repository
from mlmaturity.demo.plan import DEFAULT_SEED, TEAMS
from mlmaturity.demo.world import commit_quarter
from mlmaturity.errors import InputError


def _head(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip()


def _files(root: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(root)): p.read_bytes() for p in (root / "events").rglob("*")}
    found |= {str(p.relative_to(root)): p.read_bytes() for p in (root / "answers").rglob("*")}
    found["mlmaturity.yaml"] = (root / "mlmaturity.yaml").read_bytes()
    found |= {f"{t.repository} HEAD": _head(root / "repos" / t.repository).encode() for t in TEAMS}
    return found


def test_same_seed_same_organization(root: Path, tmp_path: Path) -> None:
    """Built again in another process (with another string hash seed), the organization's
    commits, event files, answers and workspace are the same byte for byte: every date,
    author and content comes from the seed (MLflow's run ids are its own)."""
    again = tmp_path / "again"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlmaturity.demo.world import World\n"
        "world = World(Path(sys.argv[1]), int(sys.argv[2]))\n"
        "for index in range(4):\n"
        "    world.advance(index)\n"
        "world.close()\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    subprocess.run([sys.executable, "-c", code, str(again), str(DEFAULT_SEED)], check=True, env=env)
    assert _files(again) == _files(root)


def test_another_seed_other_commits(tmp_path: Path) -> None:
    team = TEAMS[0]
    heads = []
    for seed in (DEFAULT_SEED, DEFAULT_SEED + 1):
        repository = Repository(tmp_path / str(seed))
        repository.init()
        commit_quarter(team, 0, seed, repository, {})
        heads.append(repository.commits[-1].sha)
    assert heads[0] != heads[1]


def test_refuses_a_folder_of_yours(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not empty and holds no previous demo"):
        prepare(mine, force=False)
    assert (mine / "notes.txt").read_text() == "keep me"
    assert not (mine / MARKER).exists()


def test_rebuilds_a_previous_demo_and_only_its_own_files(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    prepare(folder, force=False)  # a new folder
    (folder / "repos").mkdir()
    (folder / "repos" / "old.txt").write_text("from the last demo")
    (folder / "notes.txt").write_text("mine")
    prepare(folder, force=False)  # a previous demo: rebuilt without --force
    assert not (folder / "repos").exists()
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / MARKER).is_file()


def test_force_replaces_only_the_demo_entries(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    (folder / "events").mkdir(parents=True)
    (folder / "src").mkdir()
    prepare(folder, force=True)
    assert not (folder / "events").exists() and (folder / "src").is_dir()


def test_cli_refuses_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "mlmaturity.cli", "demo", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "not empty and holds no previous demo" in done.stderr and "--force" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_mlflow_names_the_extra(tmp_path: Path) -> None:
    """Without the MLflow client (hidden from the import system), the demo says what to install."""
    code = (
        "import sys; sys.modules['mlflow'] = None\n"
        "from mlmaturity.cli import main\n"
        f"sys.argv = ['mlmaturity', 'demo', {str(tmp_path / 'new')!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "pip install 'mlmaturity[demo]'" in done.stderr
    assert not (tmp_path / "new").exists()  # nothing written
