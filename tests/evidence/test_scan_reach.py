"""What the scan reaches: notebook lines in the .ipynb file, credentials in outputs and data,
pickles under any name, loaders behind aliases, files it could not read."""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path

import pytest

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.evidence.repo.collector import assess_repository
from mlmaturity.evidence.repo.listing import list_files
from mlmaturity.evidence.repo.notebook import file_line, read_notebook
from mlmaturity.evidence.repo.reader import BoundedReader
from mlmaturity.evidence.repo.scan import plan_for, scan_repository
from tests.evidence.conftest import GIT_ENV, git, make_git_repo

GITHUB_TOKEN = "ghp_" + "A" * 36
AWS_KEY = "AKIA" + "ABCDEFGHIJKLMNOP"


def _finding(root: Path, check: str) -> Finding:
    result = assess_repository(root, "r", history=False)
    return next(f for f in result.findings if f.check == check)


def _notebook_file(*cells: dict[str, object]) -> str:
    """A notebook as Jupyter writes it: one JSON line per source line (indent=1)."""
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4}, indent=1)


def _code(*lines: str, outputs: list[object] | None = None) -> dict[str, object]:
    source = [line + "\n" for line in lines[:-1]] + list(lines[-1:])
    return {"cell_type": "code", "source": source, "outputs": outputs or [], "metadata": {}}


def test_a_notebook_hit_carries_its_line_in_the_ipynb_file(tmp_path: Path) -> None:
    text = _notebook_file(
        {"cell_type": "markdown", "source": ["# Training\n", "import joblib is below"]},
        _code("x = 1", "y = 2"),
        _code("import joblib", "model = joblib.load('m.joblib')"),
    )
    root = make_git_repo(tmp_path / "r", {"explore.ipynb": text})
    expected = text.splitlines().index("    \"model = joblib.load('m.joblib')\"") + 1

    loading = _finding(root, "safe-model-loading")

    assert loading.outcome == Outcome.FAIL
    assert [(loc.path, loc.line) for loc in loading.locations] == [("explore.ipynb", expected)]


def test_file_line_counts_repeated_lines_and_one_string_sources() -> None:
    raw = _notebook_file(_code("import mlflow", "a = 1"), _code("import mlflow", "b = 2")).encode()
    _, code = read_notebook("n.ipynb", raw)
    second = code.index(b"import mlflow", 1)
    lines = raw.decode().splitlines()
    assert file_line(raw, code, 0) == lines.index('    "import mlflow\\n",') + 1
    assert file_line(raw, code, second) == len(lines) - lines[::-1].index('    "import mlflow\\n",')

    one_string = json.dumps(
        {"cells": [{"cell_type": "code", "source": "a = 1\nimport torch", "outputs": []}]}
    ).encode()
    _, code = read_notebook("n.ipynb", one_string)
    assert file_line(one_string, code, code.index(b"import torch")) == 1


def test_credentials_in_notebook_outputs_and_data_files_are_found(tmp_path: Path) -> None:
    output = {"output_type": "stream", "name": "stdout", "text": [f"token={GITHUB_TOKEN}\n"]}
    files = {
        "n.ipynb": _notebook_file(_code("print(token)", outputs=[output])),
        "data/users.csv": f"name,key\nada,{AWS_KEY}\n",
    }
    root = make_git_repo(tmp_path / "r", files)

    secrets = _finding(root, "no-committed-secrets")

    assert secrets.outcome == Outcome.FAIL
    places = {(loc.path, loc.line) for loc in secrets.locations}
    raw_lines = files["n.ipynb"].splitlines()
    token_line = next(i for i, line in enumerate(raw_lines, 1) if GITHUB_TOKEN in line)
    assert places == {("n.ipynb", token_line), ("data/users.csv", 2)}
    assert all(
        GITHUB_TOKEN not in loc.snippet and AWS_KEY not in loc.snippet for loc in secrets.locations
    )


def test_words_in_data_files_are_not_evidence_of_tools(tmp_path: Path) -> None:
    root = make_git_repo(
        tmp_path / "r",
        {"train.py": "import sklearn\n", "data/notes.csv": "tool\nimport mlflow\n"},
    )
    assert _finding(root, "experiment-tracking-used").outcome == Outcome.FAIL


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"weights.dat": pickle.dumps({"w": list(range(50))}, protocol=4)}, Outcome.FAIL),
        ({"models/model.bin": pickle.dumps({"a": [1, 2]}, protocol=0)}, Outcome.FAIL),
        ({"models/model.bin": pickle.dumps({"a": [1, 2]}, protocol=1)}, Outcome.FAIL),
        ({"models/m.keras": b"PK\x03\x04" + b"\x00" * 60}, Outcome.PASS),
        ({"models/m.onnx": b"\x08\x07\x12\x04"}, Outcome.PASS),
        ({"models/data.bin": b"\x00\x01\x02\x03"}, Outcome.PASS),
        ({"images/cat.bin": b"(hello world, not a pickle)" * 3}, Outcome.PASS),
    ],
    ids=["pickle-as-dat", "protocol-0", "protocol-1", "keras-zip", "onnx", "bytes", "text-bin"],
)
def test_pickles_are_told_by_their_bytes(tmp_path: Path, files, expected) -> None:
    root = make_git_repo(tmp_path / "r", files)
    assert _finding(root, "no-pickle-artifacts").outcome == expected


@pytest.mark.parametrize(
    "source",
    [
        "from torch import load\nm = load('m.pt')\n",
        "import torch as T\nm = T.load('m.pt')\n",
        "import numpy as np\nx = np.load('x.npy', allow_pickle=True)\n",
        "import pandas as pd\nx = pd.read_pickle('x.pkl')\n",
    ],
    ids=["from-torch-import-load", "aliased-torch", "numpy-allow-pickle", "read-pickle"],
)
def test_unsafe_loads_behind_aliases_are_found(tmp_path: Path, source: str) -> None:
    root = make_git_repo(tmp_path / "r", {"serve.py": source})
    loading = _finding(root, "safe-model-loading")
    assert loading.outcome == Outcome.FAIL
    assert [(loc.path, loc.line) for loc in loading.locations] == [("serve.py", 2)]


def test_a_code_file_too_large_to_read_leaves_the_security_checks_unsure(tmp_path: Path) -> None:
    big = "import pickle\n" + "x = 1\n" * 500_000 + "pickle.load(f)\n"  # 3 MB
    root = make_git_repo(tmp_path / "r", {"big_train.py": big, "README.md": "# r\n"})

    for check in ("safe-model-loading", "no-committed-secrets"):
        finding = _finding(root, check)
        assert finding.outcome == Outcome.INCONCLUSIVE, check
        assert [loc.path for loc in finding.locations] == ["big_train.py"]
        assert finding.locations[0].snippet.startswith("larger than")


def test_a_large_data_file_does_not(tmp_path: Path) -> None:
    root = make_git_repo(tmp_path / "r", {"data/big.json": "[" + "1," * 1_500_000 + "1]"})
    assert _finding(root, "no-committed-secrets").outcome == Outcome.PASS


def test_the_read_budget_is_the_repositorys_whatever_the_number_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of the workers gets its share of the budget, so together they read no more."""
    import mlmaturity.evidence.repo.scan as scan

    files = {f"pkg/m{i:04}.py": "x = 1\n" * 100 for i in range(4200)}  # 600 bytes each
    root = tmp_path / "r"
    make_git_repo(root, files)
    monkeypatch.setattr(scan, "MAX_TOTAL_BYTES", 600 * 2000)
    plan = plan_for([])
    snapshot = scan_repository(root, "r", plan, history=False, workers=2)
    budget = [s for s in snapshot.skipped if s.reason == "total read budget used up"]
    assert len(budget) == 4200 - 2000
    assert all(s.unread for s in budget)


def test_listing_keeps_a_conflicted_file_once(tmp_path: Path) -> None:
    root = make_git_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    git(root, "checkout", "-q", "-b", "other")
    (root / "a.py").write_text("x = 2\n")
    git(root, "commit", "-q", "-am", "other")
    git(root, "checkout", "-q", "main")
    (root / "a.py").write_text("x = 3\n")
    git(root, "commit", "-q", "-am", "main")
    merge = subprocess.run(
        ["git", "-C", str(root), "merge", "other"], capture_output=True, env=GIT_ENV
    )
    assert merge.returncode != 0  # in conflict: git lists a.py once per stage
    assert list_files(root).files == ["a.py"]


def test_reader_refuses_paths_that_leave_the_root(tmp_path: Path) -> None:
    (tmp_path / "inside.txt").write_text("in")
    with BoundedReader(tmp_path) as reader:
        assert reader.read("inside.txt") == b"in"
        for path in ("../x", "a/../../x", "/etc/passwd"):
            with pytest.raises(Exception, match="leaves the repository"):
                reader.read(path)


def test_a_file_that_is_not_utf8_is_still_searched_and_parsed(tmp_path: Path) -> None:
    root = make_git_repo(
        tmp_path / "r",
        {"latin1.py": b"# caf\xe9\nimport mlflow\nfrom pickle import load\nload(f)\n"},
    )
    assert _finding(root, "safe-model-loading").locations[0].line == 4
    tracking = _finding(root, "experiment-tracking-used")
    assert tracking.outcome == Outcome.PASS
    assert [(loc.path, loc.line) for loc in tracking.locations] == [("latin1.py", 2)]


def test_a_large_repository_gives_the_same_findings_on_one_process_or_several(
    tmp_path: Path,
) -> None:
    """Above PARALLEL_MIN_FILES the scan is split across workers; what it finds is not."""
    files: dict[str, str | bytes] = {
        f"pkg{i % 7}/m{i:04}.py": ("import mlflow\n" if i % 97 == 0 else "x = 1\n")
        for i in range(4100)
    }
    files["pkg3/load.py"] = "import joblib\nm = joblib.load('m')\n"
    files["notebooks/a.ipynb"] = _notebook_file(_code("import torch", "torch.load('w.pt')"))
    files["models/m.pkl"] = b"\x80\x04."
    root = make_git_repo(tmp_path / "r", files)
    one = assess_repository(root, "r", history=False, workers=1)
    two = assess_repository(root, "r", history=False, workers=2)
    assert [f.model_dump() for f in one.findings] == [f.model_dump() for f in two.findings]
    loading = next(f for f in two.findings if f.check == "safe-model-loading")
    assert {loc.path for loc in loading.locations} == {"pkg3/load.py", "notebooks/a.ipynb"}


def test_several_repositories_are_scanned_at_once_each_with_its_findings(tmp_path: Path) -> None:
    from mlmaturity.evidence.repo.collector import scan_many

    tracked = make_git_repo(tmp_path / "tracked", {"train.py": "import mlflow\n"})
    plain = make_git_repo(tmp_path / "plain", {"train.py": "import sklearn\n"})
    results = scan_many([(tracked, "tracked"), (plain, "plain")])
    outcomes = {
        r.subject: next(f.outcome for f in r.findings if f.check == "experiment-tracking-used")
        for r in results
    }
    assert [r.subject for r in results] == ["tracked", "plain"]
    assert outcomes == {"tracked": Outcome.PASS, "plain": Outcome.FAIL}


@pytest.mark.parametrize(
    ("paths", "outcome", "detail"),
    [
        ("[tests/fixtures/]", Outcome.NOT_APPLICABLE, None),
        ("['tests/**/*.pkl', 'models/']", Outcome.NOT_APPLICABLE, None),
        ("[tests/fixtures/]", Outcome.FAIL, "(1 of 2 locations accepted under tests/fixtures/"),
    ],
    ids=["covers-all", "two-patterns", "covers-some"],
)
def test_an_annotation_limited_to_paths_sets_aside_only_what_it_covers(
    tmp_path: Path, paths: str, outcome: Outcome, detail: str | None
) -> None:
    files: dict[str, str | bytes] = {
        "tests/fixtures/a.pkl": b"\x80\x04.",
        ".mlmaturity.yaml": (
            "version: 1\nannotations:\n  - check: no-pickle-artifacts\n    status: accepted\n"
            f"    reason: synthetic test fixtures\n    paths: {paths}\n"
        ),
    }
    if outcome == Outcome.FAIL or "models/" in paths:
        files["models/real.pkl"] = b"\x80\x04."
    root = make_git_repo(tmp_path / "r", files)
    finding = _finding(root, "no-pickle-artifacts")
    assert finding.outcome == outcome
    if detail is None:
        assert finding.annotation == "accepted: synthetic test fixtures"
        assert finding.original_outcome == Outcome.FAIL
    else:
        assert detail in finding.detail and finding.annotation is None
        assert {loc.path for loc in finding.locations} == {
            "tests/fixtures/a.pkl",
            "models/real.pkl",
        }
