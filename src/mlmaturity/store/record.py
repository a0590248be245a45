"""Recording a workspace's assessment: its answers and the digest of the files it was made from.

The workspace digest tells whether two assessments were made from the same written inputs.
It is the SHA-256 of one line per input file — the file's own SHA-256 in hex and a newline —
in this order: the workspace file, the model file (the bundled default model's file when the
workspace names none), then each answers file in the order the workspace lists them. It can
be checked by hand::

    sha256sum mlmaturity.yaml model.yaml answers/*.yaml | cut -c1-64 | sha256sum

(the answers files in the workspace's order). Evidence — repositories, MLflow stores, event
files — is not in it: the stored findings and KPI values are that snapshot.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from mlmaturity.errors import InputError
from mlmaturity.scoring.result import Assessment
from mlmaturity.store.history import HistoryEntry, HistoryStore
from mlmaturity.workspace import Workspace, load_workspace


def digest_files(contents: list[bytes]) -> str:
    lines = "".join(hashlib.sha256(data).hexdigest() + "\n" for data in contents)
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def workspace_digest(workspace: Workspace, model_path: Path | None = None) -> str:
    """The digest of the workspace's written inputs (see the module's docstring)."""
    model = model_path or workspace.model_path
    files = [workspace.path, *([model] if model else []), *workspace.answer_paths]
    try:
        contents = [path.read_bytes() for path in files]
    except OSError as exc:
        raise InputError.single(
            exc.filename or files[0], f"cannot be read: {exc.strerror}"
        ) from None
    if model is None:
        default = resources.files("mlmaturity.model").joinpath("default.yaml").read_bytes()
        contents.insert(1, default)
    return digest_files(contents)


def record_assessment(
    path: Path,
    assessment: Assessment,
    *,
    milestone: str | None = None,
    model_path: Path | None = None,
    store: HistoryStore | None = None,
) -> HistoryEntry:
    """Record ``assessment`` of the workspace at ``path`` in its history (one transaction).

    The answers stored are the workspace's answers files, read again now; ``model_path`` is
    the model the assessment used when it was not the workspace's.
    """
    from mlmaturity.assess import load_all_answers
    from mlmaturity.model import load_model

    workspace = load_workspace(path)
    model = load_model(model_path or workspace.model_path, workspace.spec.target_stage)
    answers = load_all_answers(workspace, model)
    digest = workspace_digest(workspace, model_path)
    with store or HistoryStore.for_workspace(workspace) as history:
        return history.record(
            assessment, answers=answers, workspace_digest=digest, milestone=milestone
        )
