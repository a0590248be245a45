"""An assessment's written inputs, each file read once: the workspace file, the model and
the answers files, with the digest of the very bytes that were parsed.

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
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mlmaturity.errors import InputError
from mlmaturity.model import Model, load_model
from mlmaturity.survey.answers import Answer
from mlmaturity.survey.load import load_all_answers
from mlmaturity.workspace import Workspace, load_workspace


@dataclass(frozen=True)
class Inputs:
    """What one assessment is made from, as it was read for it."""

    workspace: Workspace
    model: Model
    answers: tuple[Answer, ...]
    digest: str
    """The workspace digest of the bytes parsed (see the module's docstring)."""


def digest_files(contents: Sequence[bytes]) -> str:
    lines = "".join(hashlib.sha256(data).hexdigest() + "\n" for data in contents)
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def _default_model() -> bytes:
    return resources.files("mlmaturity.model").joinpath("default.yaml").read_bytes()


def read_inputs(path: Path, model_path: Path | None = None) -> Inputs:
    """Load the workspace at ``path``, its model (``model_path`` instead, if given) and its
    answers, reading each file once; the digest is of exactly what was parsed."""
    workspace_bytes: list[bytes] = []
    workspace = load_workspace(path, keep=workspace_bytes)
    model_bytes: list[bytes] = []
    model_file = model_path or workspace.model_path
    model = load_model(model_file, workspace.spec.target_stage, keep=model_bytes)
    if model_file is None:
        model_bytes.append(_default_model())
    answer_bytes: list[bytes] = []
    answers = load_all_answers(workspace, model, keep=answer_bytes)
    digest = digest_files([*workspace_bytes, *model_bytes, *answer_bytes])
    return Inputs(workspace, model, tuple(answers), digest)


def workspace_digest(workspace: Workspace, model_path: Path | None = None) -> str:
    """The digest of the workspace's written inputs as they are on disk now."""
    model = model_path or workspace.model_path
    files = [workspace.path, *([model] if model else []), *workspace.answer_paths]
    try:
        contents = [path.read_bytes() for path in files]
    except OSError as exc:
        raise InputError.single(
            exc.filename or files[0], f"cannot be read: {exc.strerror}"
        ) from None
    if model is None:
        contents.insert(1, _default_model())
    return digest_files(contents)
