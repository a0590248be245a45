"""Load a maturity model file: parse safely, apply ``extends: default``, validate everything."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from mlmaturity.errors import InputError, Problem
from mlmaturity.model.loaded import Model
from mlmaturity.model.rules import check_model
from mlmaturity.model.schema import MaturityModel
from mlmaturity.yamlfile import deep_merge, locate, parse_yaml, read_yaml, validate

DEFAULT_MODEL = "default.yaml"
# What an extending file may say at its top level; nested keys are checked after merging.
_OVERLAY_KEYS = set(MaturityModel.model_fields)


def default_model_text() -> str:
    return resources.files("mlmaturity.model").joinpath(DEFAULT_MODEL).read_text("utf-8")


def _default_data() -> Any:
    return parse_yaml(default_model_text(), "<default model>")


def _overlay(data: dict[str, Any], file: str) -> Any:
    """Apply an extending file to the default model, keeping positions from both."""
    unknown = [key for key in data if key not in _OVERLAY_KEYS]
    if unknown:
        raise InputError(
            [Problem(file, "unknown key", locate(data, (k,), file)[1], str(k)) for k in unknown]
        )
    extra = data.get("disable") or []
    if not isinstance(extra, list):
        line = locate(data, ("disable",), file)[1]
        raise InputError(
            [Problem(file, "expected a list of ids", line, "disable", "disable: [id, …]")]
        )
    base = _default_data()
    merged = deep_merge(base, data)
    merged["disable"] = [*base.get("disable", []), *extra]
    merged.pop("extends", None)
    return merged


def load_model(
    path: Path | None = None, target_stage: int | None = None, *, keep: list[bytes] | None = None
) -> Model:
    """Load ``path`` (or the bundled default), reporting every problem in it at once (the
    file's bytes are appended to ``keep``, if given; the default model's are not)."""
    if path is None:
        data, file = _default_data(), "<default model>"
    else:
        data, file = read_yaml(path, keep=keep), str(path)
    if isinstance(data, dict) and data.get("extends") is not None:
        if data["extends"] != "default":
            line = locate(data, ("extends",), file)[1]
            raise InputError(
                [
                    Problem(
                        file, f"cannot extend '{data['extends']}'", line, "extends", "use 'default'"
                    )
                ]
            )
        data = _overlay(data, file)
    spec = validate(MaturityModel, data, file)
    problems = check_model(spec, lambda key: locate(data, key, file), data)
    if problems:
        raise InputError(problems)
    return Model(spec, file, target_stage)
