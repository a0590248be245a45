"""A hostile repository: the scan finishes, reads nothing outside it, and runs nothing in it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from mlmaturity.evidence.finding import Outcome
from mlmaturity.evidence.repo.collector import assess_repository
from tests.evidence.conftest import git, make_git_repo, write_files

OUTSIDE_SECRET = "AKIA" + "OUTSIDEREPOSITORY"  # would be reported if the scan read it


def _marker_code(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('executed')\nfrom pickle import load\n"


def _hostile_files(marker: Path) -> dict[str, str | bytes]:
    return {
        "README.md": "# hostile\n",
        "conftest.py": _marker_code(marker),
        "setup.py": _marker_code(marker),
        "sitecustomize.py": _marker_code(marker),
        "deep.py": "from pickle import load\nx = " + "(" * 50_000 + "1" + ")" * 50_000 + "\n",
        "nested.py": "from pickle import load\nx = "
        + "-" * 200_000
        + "1\n",  # deep, without parentheses
        "latin1.py": b"# caf\xe9\nfrom pickle import load\n",
        "binary.py": b"\x7fELF\x00\x00\x00" + bytes(range(256)) * 4,
        "broken.ipynb": "{ this is not json",
        "<script>alert('x')</script>.py": "print('name')\n",
        "quote\"and'.py": "print('quotes')\n",
        "new\nline.py": "print('newline')\n",
        "big.txt": b"",  # made 100 MB below
    }


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.py").write_text(f"KEY = '{OUTSIDE_SECRET}'\n")
    return folder


def _plant_links(root: Path, outside: Path) -> None:
    (root / "passwd.py").symlink_to("/etc/passwd")
    (root / "escape.py").symlink_to(outside / "secret.py")
    (root / "up").symlink_to("../outside")


def _assert_safe(result, marker: Path) -> None:
    assert not marker.exists(), "a file of the scanned repository was executed"
    text = json.dumps([f.model_dump(mode="json") for f in result.findings])
    assert OUTSIDE_SECRET not in text and "root:x:0:0" not in text
    secrets = next(f for f in result.findings if f.check == "no-committed-secrets")
    assert secrets.outcome == Outcome.PASS  # the planted key is outside and was never read
    assert all(f.outcome != Outcome.ERROR for f in result.findings), [
        f for f in result.findings if f.outcome == Outcome.ERROR
    ]


def _big(root: Path) -> None:
    with (root / "big.txt").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)


def test_hostile_git_repository(tmp_path: Path, outside: Path):
    marker = tmp_path / "marker"
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, _hostile_files(marker))
    _big(root)
    _plant_links(root, outside)
    (root / "sub").mkdir()
    (root / "sub" / "model.py").write_text("print('inside')\n")
    make_git_repo(root, {})
    # After the commit, swap a tracked folder for a link to outside: git still lists sub/model.py.
    shutil.rmtree(root / "sub")
    (outside / "model.py").write_text(f"KEY = '{OUTSIDE_SECRET}'\n")
    (root / "sub").symlink_to(outside)

    result = assess_repository(root, "hostile")

    _assert_safe(result, marker)
    skipped = {s.path: s.reason for s in result.skipped}
    assert skipped["passwd.py"] == skipped["escape.py"] == "symlink, not followed"
    assert skipped["sub/model.py"] == "its folder is a link, not followed"
    assert skipped["big.txt"].startswith("larger than")
    assert skipped["binary.py"] == "binary content, not read as text"
    assert skipped["broken.ipynb"] == "notebook is not valid JSON"
    loading = next(f for f in result.findings if f.check == "safe-model-loading")
    assert loading.outcome == Outcome.INCONCLUSIVE
    reasons = {loc.path: loc.snippet for loc in loading.locations}
    assert reasons["deep.py"] == "not valid Python: too many nested parentheses (line 2)"
    assert reasons["nested.py"].startswith("too complex to parse")  # the parser's limits held
    assert skipped["up"] == "symlink, not followed"
    assert skipped["new\nline.py"] == "file name contains a line break, not scanned"
    # Odd but legal names are scanned like any other file, not skipped.
    assert "<script>alert('x')</script>.py" not in skipped and "quote\"and'.py" not in skipped


def test_hostile_folder_that_is_not_a_repository(tmp_path: Path, outside: Path):
    marker = tmp_path / "marker"
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, _hostile_files(marker))
    _big(root)
    _plant_links(root, outside)
    os.mkfifo(root / "pipe.py")  # opening a FIFO for reading would block forever
    (root / ".git").write_text(f"gitdir: {outside}\n")  # a worktree pointer we must not follow
    write_files(
        root, {".gitignore": "ignored/\n", "ignored/secret.py": f"KEY = '{OUTSIDE_SECRET}'\n"}
    )

    result = assess_repository(root, "hostile")

    _assert_safe(result, marker)
    skipped = {s.path: s.reason for s in result.skipped}
    assert skipped["pipe.py"] == "not a regular file"
    assert skipped["up"] == "symlink, not followed"


def test_a_repository_that_git_cannot_read_is_walked(tmp_path: Path):
    root = tmp_path / "repo"
    make_git_repo(root, {"train.py": "import sklearn\n"})
    (root / ".git" / "HEAD").write_text("garbage\n")
    result = assess_repository(root, "r")
    assert (
        next(f for f in result.findings if f.check == "experiment-tracking-used").outcome
        == Outcome.FAIL
    )


def _commit(root: Path, name: str, email: str, days_ago: int) -> None:
    import subprocess
    from datetime import UTC, datetime, timedelta

    from tests.evidence.conftest import GIT_ENV

    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    (root / f"{name}-{days_ago}.py").write_text("x = 1\n")
    env = {
        **GIT_ENV,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", f"{name} {days_ago}"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_history_counts_the_last_90_days_and_people_once(tmp_path: Path, outside: Path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _commit(root, "ada", "ada@old.example", days_ago=200)  # outside the window
    _commit(root, "ada", "ada@old.example", days_ago=30)
    _commit(root, "ada", "ada@example.org", days_ago=10)  # the same person, a new address
    _commit(root, "bob", "bob@example.org", days_ago=5)
    (root / ".mailmap").write_text("Ada <ada@example.org> <ada@old.example>\n")
    # A mailmap the repository's configuration names outside it is not read.
    (outside / "evil.mailmap").write_text("Bob <ada@example.org> <bob@example.org>\n")
    git(root, "config", "mailmap.file", str(outside / "evil.mailmap"))

    result = assess_repository(root, "r")

    assert len(result.changes) == 3
    assert {c["author"] for c in result.changes} == {"ada@example.org", "bob@example.org"}
    assert all(len(c["sha"]) == 40 for c in result.changes)
    assert result.activity == "3 commits by 2 contributors in the last 90 days"


@pytest.mark.parametrize(
    "plant",
    [
        lambda git_dir, outside: (git_dir / "config").write_text(
            (git_dir / "config").read_text() + f"[include]\n    path = {outside}/evil.config\n"
        ),
        lambda git_dir, outside: (git_dir / "objects" / "info" / "alternates").write_text(
            f"{outside}\n"
        ),
    ],
    ids=["config-include", "alternates"],
)
def test_a_repository_whose_git_reads_outside_is_walked_not_handed_to_git(
    tmp_path: Path, outside: Path, plant
):
    root = make_git_repo(
        tmp_path / "repo", {"train.py": "import sklearn\n", "ignored.py": "x = 1\n"}
    )
    (root / ".gitignore").write_text("ignored.py\n")
    plant(root / ".git", outside)
    from mlmaturity.evidence.repo.listing import is_git_repository, list_files

    assert not is_git_repository(root)
    listing = list_files(root)
    assert not listing.is_git and "train.py" in listing.files and "ignored.py" not in listing.files


def test_parsing_works_in_a_process_that_maps_a_lot_of_memory() -> None:
    """Forked parse workers inherit the parent's address space: their memory limit must sit
    above it, or every allocation fails (a test run with Spark loaded maps gigabytes)."""
    import mmap

    from mlmaturity.evidence.repo.pyfacts import parse_all

    mapped = mmap.mmap(-1, 3 * 1024**3)  # reserved, never touched
    try:
        source = b"import pickle\npickle.load(f)\n" + b"x = [1, 2, 3]\n" * 100_000  # 1.4 MB
        facts, failed = parse_all([("load.py", source)], workers=2)
    finally:
        mapped.close()
    assert failed == {}
    assert facts["load.py"]["unsafe_loads"] == [(2, "pickle.load")]


def test_the_scan_command_on_a_hostile_repository(tmp_path: Path, outside: Path) -> None:
    """Through the CLI, in every format: it completes, names what it skipped and why, and
    prints hostile names as text (Rich markup in a name is not interpreted)."""
    from tests.test_cli import run

    marker = tmp_path / "marker"
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, {**_hostile_files(marker), "[bold red]evil[/].pkl": b"\x80\x04."})
    _plant_links(root, outside)
    make_git_repo(root, {})
    outputs = {}
    for form in ("text", "json", "sarif"):
        result = run("scan", root, "--format", form)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert OUTSIDE_SECRET not in result.stdout and "root:x:0:0" not in result.stdout
        outputs[form] = result.stdout
    assert not marker.exists()
    assert "[bold red]evil[/].pkl" in outputs["text"]
    report = json.loads(outputs["json"])["repositories"][0]
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped["passwd.py"] == "symlink, not followed"
    assert skipped["new\nline.py"] == "file name contains a line break, not scanned"
    pickles = next(f for f in report["findings"] if f["check"] == "no-pickle-artifacts")
    assert [loc["path"] for loc in pickles["locations"]] == ["[bold red]evil[/].pkl"]


def test_a_file_that_parses_too_long_is_stopped_and_the_others_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mlmaturity.evidence.repo.pyfacts as pyfacts

    monkeypatch.setattr(pyfacts, "PARSE_SECONDS", 0.2)
    slow = b"import pickle\n" + b"x = [1, 2, 3]\n" * 400_000  # seconds of parsing
    quick = b"import pickle\npickle.load(f)\n"
    facts, failed = pyfacts.parse_all([("slow.py", slow), ("quick.py", quick)], workers=1)
    assert failed == {"slow.py": "parsing took longer than 0.2 s"}
    assert facts["quick.py"]["unsafe_loads"] == [(2, "pickle.load")]


def test_parsing_stops_when_the_repositorys_budget_is_used_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mlmaturity.evidence.repo.pyfacts as pyfacts

    monkeypatch.setattr(pyfacts, "PARSE_SECONDS", 0.3)
    monkeypatch.setattr(pyfacts, "PARSE_BUDGET_SECONDS", 0.5)
    slow = b"import pickle\n" + b"x = [1, 2, 3]\n" * 400_000
    sources = [(f"slow{i}.py", slow) for i in range(4)]
    facts, failed = pyfacts.parse_all(sources, workers=1)
    assert not facts
    reasons = sorted(failed.values())
    assert "not parsed: the 0.5 s parsing budget was used up" in reasons
    assert len(failed) == 4
