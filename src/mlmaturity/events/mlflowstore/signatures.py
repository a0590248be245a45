"""Whether a logged model declares its input/output signature, from what the store keeps.

MLflow 2 lists each logged model in the run tag ``mlflow.log-model.history``; MLflow 3 keeps
the signature only in the model's ``MLmodel`` file, which is looked at when it is on this
machine. Artifact stores are untrusted: the file is read without following a link, bounded,
and parsed with the safe YAML loader.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import yaml

MAX_MLMODEL_BYTES = 1024 * 1024


def history_has_signature(value: str | None) -> bool | None:
    """MLflow 2 records each logged model in a run tag; its entries carry the signature."""
    try:
        entries = json.loads(value or "[]")
    except (ValueError, RecursionError):  # a tag is untrusted text: `[[[[…` nests too deep
        return None
    if not isinstance(entries, list):
        return None
    return any(isinstance(e, dict) and e.get("signature") for e in entries)


_LOCAL = re.compile(r"^(?:file://)?(/[^?#]*)$")


def local_folder(location: str) -> Path | None:
    """The folder of a local (``/…`` or ``file://…``) artifact location; None for remote ones
    and for any path that goes through a link or a ``..``: artifact locations are untrusted."""
    match = _LOCAL.match(location)
    if match is None:
        return None
    # A file: URI percent-encodes its path (POSIX: unquoting is all url2pathname does).
    folder = unquote(match.group(1)) if location.startswith("file:") else match.group(1)
    if ".." in Path(folder).parts or os.path.realpath(folder) != os.path.normpath(folder):
        return None
    return Path(folder)


def mlmodel_has_signature(location: str) -> bool | None:
    """Whether a local model folder's MLmodel file declares a signature (None: not local or
    unreadable). Read safely: no link followed on the way, size-bounded, safe YAML."""
    folder = local_folder(location)
    if folder is None:
        return None
    path = folder / "MLmodel"
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None
    try:
        data = os.read(fd, MAX_MLMODEL_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_MLMODEL_BYTES:
        return None
    try:
        document = yaml.safe_load(data)
    except (yaml.YAMLError, RecursionError):
        return None
    return isinstance(document, dict) and bool(document.get("signature"))
