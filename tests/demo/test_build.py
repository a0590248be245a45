"""Building the demo: the same seed gives the same organization; nothing of yours is lost.

Rebuilding a previous demo is refused while it holds what the demo did not write (it says
what), `--force` never touches a folder that is not a previous demo's beyond building beside
its files, and a rebuild that fails, is interrupted or killed leaves the previous demo.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mlmaturity.demo.build import DemoResult, check_as_of
from mlmaturity.demo.folder import (
    BACKUP,
    MARKER,
    Manifest,
    building,
    check_target,
    losses,
    recover,
)
from mlmaturity.demo.git import Repository
from mlmaturity.demo.plan import DEFAULT_SEED, TEAMS, quarters
from mlmaturity.demo.world import commit_quarter
from mlmaturity.errors import InputError, Problem
from tests.demo.conftest import AS_OF, QUARTERS
from tests.test_cli import EXE, run


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


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (git's internals too) and its SHA-256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_organization(root: Path, tmp_path: Path) -> None:
    """Built again in another process (with another string hash seed), the organization's
    commits, event files, answers and workspace are the same byte for byte: every date,
    author and content comes from the seed and the day (MLflow's run ids are its own)."""
    again = tmp_path / "again"
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from mlmaturity.demo.plan import quarters\n"
        "from mlmaturity.demo.world import World\n"
        "world = World(Path(sys.argv[1]), int(sys.argv[2]), quarters(date.fromisoformat(sys.argv[3])))\n"
        "for index in range(4):\n"
        "    world.advance(index)\n"
        "world.close()\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    command = [sys.executable, "-c", code, str(again), str(DEFAULT_SEED), AS_OF.isoformat()]
    subprocess.run(command, check=True, env=env)
    assert _files(again) == _files(root)


def test_another_seed_other_commits(tmp_path: Path) -> None:
    team = TEAMS[0]
    heads = []
    for seed in (DEFAULT_SEED, DEFAULT_SEED + 1):
        repository = Repository(tmp_path / str(seed))
        repository.init()
        commit_quarter(team, QUARTERS[0], seed, repository, {})
        heads.append(repository.commits[-1].sha)
    assert heads[0] != heads[1]


def test_refuses_a_folder_of_yours(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not empty and holds no previous demo"):
        check_target(mine, force=False)
    assert (mine / "notes.txt").read_text() == "keep me"
    assert not (mine / MARKER).exists()


def test_the_built_demo_records_what_it_wrote(demo: DemoResult) -> None:
    manifest = Manifest.read(demo.root)
    assert manifest is not None and manifest.complete
    assert manifest.history == [e.id for e in demo.entries] and len(manifest.history) == 4
    assert set(manifest.repos) == {f"repos/{t.repository}" for t in TEAMS}
    assert "reports/report.html" in manifest.files and "mlmaturity.yaml" in manifest.files
    assert not any(path.startswith("repos/") for path in manifest.files)
    assert not any(path.startswith(".mlmaturity/") for path in manifest.files)  # history, events
    assert losses(demo.root, manifest) == []  # as built, nothing is anyone else's
    assert check_target(demo.root, force=False).kind == "demo"


def test_rebuild_refused_while_it_holds_your_assessment_and_report(copy: Path) -> None:
    """`assess DIR --milestone Review -f html -o DIR/reports/today.html` on the demo: the
    assessment is recorded after the quarters (they all ended before today), and `demo DIR`
    then refuses, naming the assessment and the report it would lose, one problem each (the
    count it prints is theirs), with a hint that fits each; the event store the assessment
    rewrote is not named (it is derived); and changes nothing."""
    today = copy / "reports" / "today.html"
    made = run("assess", copy, "--milestone", "Review", "-f", "html", "-o", today)
    assert made.returncode == 0, made.stderr
    listed = run("history", copy, "--format", "json")
    entries = json.loads(listed.stdout)["entries"]
    assert [e["milestone"] for e in entries] == [*(q.milestone for q in QUARTERS), "Review"]
    before = tree(copy)
    refused = run("demo", copy)
    assert refused.returncode == 2, refused.stderr
    header, *lines = refused.stderr.splitlines()
    assert header == f"error: {len(lines)} problem(s) found" and len(lines) == 2, refused.stderr
    assessment, report = lines
    history = copy / ".mlmaturity" / "history.db"
    assert assessment.startswith(f"  {history}: assessment #5 of ")
    assert "(milestone 'Review'), not recorded by the demo; rebuilding the demo would lose it" in (
        assessment
    )
    assert assessment.endswith("(hint: a rebuild cannot keep it: pass --force to replace it, "
                               "or build the demo in another folder)")  # fmt: skip
    assert report == (
        f"  {today}: a file the demo did not write; rebuilding the demo would lose it "
        "(hint: move it out of the folder first, or pass --force to replace it)"
    )
    assert ".mlmaturity/events" not in refused.stderr and "Traceback" not in refused.stderr
    assert tree(copy) == before


def test_a_refusal_names_the_first_files_counts_the_rest_and_hints_once(copy: Path) -> None:
    for number in range(25):
        (copy / "reports" / f"mine-{number:02}.md").write_text("mine\n")
    with pytest.raises(InputError) as refused:
        check_target(copy, force=False)
    problems = refused.value.problems
    assert len(problems) == 21
    assert [p.hint for p in problems[:-1]] == [""] * 20
    assert problems[-1] == Problem(
        str(copy),
        "and 5 more files like these; rebuilding the demo would lose them",
        hint="move them out of the folder first, or pass --force to replace them",
    )


def test_losses_name_commits_uncommitted_work_and_changed_files(copy: Path) -> None:
    manifest = Manifest.read(copy)
    assert manifest is not None
    pricing, claims = copy / "repos" / "motor-pricing", copy / "repos" / "claims-triage"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Me", "GIT_AUTHOR_EMAIL": "me@example.com"}
    env |= {"GIT_COMMITTER_NAME": "Me", "GIT_COMMITTER_EMAIL": "me@example.com"}
    subprocess.run(
        ["git", "-C", str(pricing), "commit", "-q", "--allow-empty", "-m", "mine"],
        check=True,
        env=env,
    )
    (claims / "scratch.py").write_text("print('mine')\n")
    (copy / "answers" / "claims.yaml").write_text("# mine now\n")
    (copy / ".mlmaturity" / "events" / "model_versions.parquet").write_bytes(b"collected again")
    found = {(p.file, p.message) for p in losses(copy, manifest)}
    assert found == {
        (str(pricing), "has commits, branches or tags the demo did not make"),
        (str(claims), "has changes that are not committed"),
        (str(copy / "answers" / "claims.yaml"), "changed since the demo wrote it"),
    }


def test_force_never_touches_a_workspace_that_is_not_a_demo(tmp_path: Path) -> None:
    """`demo . --force` in a real workspace: its workspace file and history are not the
    demo's, so it refuses (exit 2) and deletes nothing."""
    workspace = tmp_path / "ws"
    (workspace / ".mlmaturity").mkdir(parents=True)
    (workspace / ".mlmaturity" / "history.db").write_bytes(b"my history")
    (workspace / "mlmaturity.yaml").write_text("version: 1\n")
    (workspace / "src").mkdir()
    before = tree(workspace)
    done = run("demo", workspace, "--force")
    assert done.returncode == 2, done.stderr
    assert "holds mlmaturity.yaml, .mlmaturity, which the demo did not write" in done.stderr
    assert "never a workspace or its history" in done.stderr
    assert tree(workspace) == before


def test_force_builds_beside_your_files_and_a_failure_removes_only_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("mine\n")
    target = check_target(folder, force=True)
    assert target.kind == "beside"
    with pytest.raises(RuntimeError), building(target, Manifest("test", 1, "2026-12-02")):
        (folder / "repos").mkdir()
        (folder / "mlmaturity.yaml").write_text("half built\n")
        raise RuntimeError("the build failed")
    assert sorted(p.name for p in folder.iterdir()) == ["src"]
    assert (folder / "src" / "app.py").read_text() == "mine\n"


def test_a_failed_rebuild_puts_the_previous_demo_back(copy: Path) -> None:
    (copy / "notes.txt").write_text("mine, beside the demo\n")
    before = tree(copy)
    target = check_target(copy, force=False)
    assert target.kind == "demo" and target.losses == []
    with pytest.raises(KeyboardInterrupt), building(target, Manifest("test", 1, "2026-12-02")):
        assert not (copy / "repos").exists() and (copy / BACKUP / "repos").is_dir()
        (copy / "repos").mkdir()
        (copy / "repos" / "half.txt").write_text("a build cut short\n")
        raise KeyboardInterrupt
    assert tree(copy) == before
    assert not (copy / BACKUP).exists()


def _build_in_background(folder: Path) -> subprocess.Popen[str]:
    assert EXE is not None
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        [EXE, "demo", str(folder), "--force", "--as-of", AS_OF.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # a signal to it alone, and SIGINT not ignored
    )


def _wait_for_the_build(folder: Path, process: subprocess.Popen[str]) -> None:
    """Until the previous demo is set aside and the new one has recorded a quarter."""
    deadline = time.monotonic() + 60
    while not ((folder / BACKUP).is_dir() and (folder / ".mlmaturity" / "history.db").is_file()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build did not start"
        time.sleep(0.05)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_rebuild_leaves_the_previous_demo(copy: Path, stop: signal.Signals) -> None:
    """Ctrl-C in the middle of `demo DIR --force` puts the previous demo back at once; after a
    kill it is set aside, whole, and put back by the next run, before anything else."""
    (copy / "reports" / "today.html").write_text("my report\n")
    before = tree(copy)
    process = _build_in_background(copy)
    _wait_for_the_build(copy, process)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    if stop == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "interrupted" in stderr and "Traceback" not in stderr
    else:
        assert process.returncode == -signal.SIGKILL
        assert (copy / BACKUP / "reports" / "today.html").read_text() == "my report\n"
        note = recover(copy)
        assert note is not None and "put back the previous demo" in note
    assert tree(copy) == before
    assert not (copy / BACKUP).exists()


def test_force_replaces_what_it_named_keeps_the_rest_and_says_how_long_it_took(
    copy: Path,
) -> None:
    """A full rebuild through the CLI: it names what --force replaces, keeps the files beside
    the demo, leaves no backup, and the time it prints is the time the user waited (from
    the process's start to its exit, within half a second)."""
    (copy / "reports" / "today.html").write_text("my report\n")
    (copy / "notes.txt").write_text("mine, beside the demo\n")
    started = time.monotonic()
    done = run("demo", copy, "--force", "--as-of", AS_OF.isoformat())
    waited = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert f"replacing (--force): {copy / 'reports' / 'today.html'}" in done.stderr
    assert not (copy / "reports" / "today.html").exists()
    assert (copy / "notes.txt").read_text() == "mine, beside the demo\n"
    assert not (copy / BACKUP).exists()
    manifest = Manifest.read(copy)
    assert manifest is not None and manifest.complete and losses(copy, manifest) == []
    said = re.search(r"built and assessed in ([0-9.]+) s since the command started", done.stdout)
    assert said is not None, done.stdout
    assert 0 <= waited - float(said.group(1)) < 0.5, (waited, said.group(0))


def test_a_marker_without_a_manifest_is_refused_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    (folder / "repos").mkdir(parents=True)
    (folder / MARKER).write_text('{"tool_version": "0.1.0"}\n')
    with pytest.raises(InputError) as refused:
        check_target(folder, force=False)
    assert "written by an earlier mlmaturity" in str(refused.value)
    assert "build the demo in another folder" in str(refused.value)
    assert check_target(folder, force=True).kind == "demo"


def test_cli_refuses_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "mlmaturity.cli", "demo", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "not empty and holds no previous demo" in done.stderr and "--force" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-13-01", "'2026-13-01' is not a date"),
        (
            "2999-01-01",
            "2999-01-01 would have the demo assess 2998-Q4 as of 2998-12-31 17:00 UTC, which is "
            "in the future",
        ),
        ("1999-12-31", "1999-12-31 is before 2000-01-01"),
    ],
)
def test_as_of_is_a_past_day(tmp_path: Path, day: str, message: str) -> None:
    done = run("demo", tmp_path / "new", "--as-of", day)
    assert done.returncode == 2, done.stderr
    assert f"--as-of: {message}" in done.stderr
    assert not (tmp_path / "new").exists()


def test_as_of_may_be_after_today_while_its_quarters_have_ended(tmp_path: Path) -> None:
    """Tomorrow's quarters are today's (all ended): accepted, so the CLI goes on to the
    folder (here refused for being someone's). A day whose last quarter is assessed later
    than now is refused, up to the minute."""
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    if quarters(tomorrow) == quarters(today):  # not on a quarter's last day
        (tmp_path / "x.txt").write_text("x")
        done = run("demo", tmp_path, "--as-of", tomorrow.isoformat())
        assert done.returncode == 2, done.stderr
        assert "--as-of" not in done.stderr, done.stderr
        assert "not empty and holds no previous demo" in done.stderr
    now = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    assert check_as_of(date(2026, 12, 3), now) == date(2026, 12, 3)
    assert check_as_of(date(2026, 12, 31), now) == date(2026, 12, 31)
    with pytest.raises(InputError, match="assess 2026-Q4 as of 2026-12-31 17:00 UTC"):
        check_as_of(date(2027, 1, 1), now)
    last = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert check_as_of(date(2027, 1, 1), last) == date(2027, 1, 1)
    with pytest.raises(InputError, match="in the future"):
        check_as_of(date(2027, 1, 1), last - timedelta(minutes=1))


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
