"""Read user-written YAML safely, remembering where every key came from.

PyYAML's safe loader builds plain dicts and lists and forgets the positions of their
keys, and pydantic reports errors by key path. The small loader below only *adds*
positions (and rejects duplicate keys, which PyYAML silently overwrites); it builds
nothing but the safe loader's own types, so loading stays as safe as ``yaml.safe_load``.
Positions travel with the containers, so a merged document still knows which file
and line each value came from.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from mlmaturity.errors import InputError, Problem, read_user_text

MAX_YAML_BYTES = 8 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)


Position = tuple[str, int]


class LocDict(dict[Any, Any]):
    """A mapping that knows the file and line of itself and of each of its keys."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.position: Position | None = None
        self.key_positions: dict[Any, Position] = {}


class LocList(list[Any]):
    """A sequence that knows the file and line of itself and of each of its items."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.position: Position | None = None
        self.item_positions: list[Position] = []


# The C parser when PyYAML has it (about four times faster); construction stays the safe one.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LocatingLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that records positions and duplicate keys."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.problems: list[Problem] = []


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> Iterator[LocDict]:
    written = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = (
        len(node.value) - written
    )  # pairs from `<<:` merges come first; keys written may override them
    mapping = LocDict()
    mapping.position = (loader.file, node.start_mark.line + 1)
    yield mapping
    from_merge: set[Any] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable):
            loader.problems.append(Problem(loader.file, "a key must be a plain value", line))
            continue
        if key in mapping and key not in from_merge:
            first = mapping.key_positions[key][1]
            loader.problems.append(
                Problem(loader.file, f"duplicate key '{key}' (first given on line {first})", line)
            )
            continue
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_positions[key] = (loader.file, line)
        if index < merged:
            from_merge.add(key)
        else:
            from_merge.discard(key)


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> Iterator[LocList]:
    sequence = LocList()
    sequence.position = (loader.file, node.start_mark.line + 1)
    yield sequence
    for child in node.value:
        sequence.append(loader.construct_object(child, deep=True))
        sequence.item_positions.append((loader.file, child.start_mark.line + 1))


_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, file: str) -> Any:
    """Parse one YAML document; syntax errors and duplicate keys become an InputError."""
    loader = _LocatingLoader(text, file)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or str(exc)
        if exc.context and exc.context_mark is not None:
            reason += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise InputError([Problem(file, f"not valid YAML: {reason}", line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.problems:
        raise InputError(loader.problems)
    return data


def read_yaml(path: Path, *, keep: list[bytes] | None = None) -> Any:
    """Read and parse a user's YAML file, bounding its size (its bytes appended to ``keep``)."""
    return parse_yaml(read_user_text(path, MAX_YAML_BYTES, "YAML file", keep=keep), str(path))


def locate(data: Any, path: tuple[Any, ...], default_file: str) -> tuple[str, int | None]:
    """The file and line of the deepest node along ``path`` that has a position."""
    found: Position | None = getattr(data, "position", None)
    node = data
    for part in path:
        if isinstance(node, LocDict) and part in node:
            found, node = node.key_positions.get(part, found), node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            if part < len(node.item_positions):
                found = node.item_positions[part]
            node = node[part]
        else:
            break
    return found if found is not None else (default_file, None)


def key_path(path: tuple[Any, ...], data: Any = None) -> str:
    """Render a key path the way a user reads it: ``capabilities[experiment-tracking].levels.2``.

    With ``data``, a list item that has an ``id`` is named by it, and a number that is a
    mapping key (``levels.2``) is told from a list index.
    """
    text, node = "", data
    for part in path:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
            label = item.get("id") if isinstance(item, dict) else None
            text += f"[{label if isinstance(label, str) and label else part}]"
            node = item
        elif isinstance(part, int) and not isinstance(node, dict):
            text += f"[{part}]"
            node = None
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _keys_in_file(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the names pydantic adds for union members (``.str``, ``.AnswerDetail``) from a path."""
    kept: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict):
            kept.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            kept.append(part)
            node = node[part] if 0 <= part < len(node) else None
        else:
            break  # inside a plain value: what follows names a type, not a key
    return tuple(kept)


def _unwrap(annotation: Any) -> Any:
    """The model class a field holds, through Optional, list[...] and dict[..., ...]."""
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            annotation = inner[0] if len(inner) == 1 else annotation
            if len(inner) != 1:
                return annotation
        elif origin is typing.Annotated or origin in (list, tuple, set, frozenset):
            annotation = get_args(annotation)[0]
        elif origin is dict:
            annotation = get_args(annotation)[1]
        else:
            return annotation


def _model_at(root: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``path`` (for 'did you mean' hints)."""
    current: Any = root
    for part in path:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _hint(root: type[BaseModel], error: Any) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden" and loc:
        owner = _model_at(root, loc[:-1])
        if owner is not None:
            allowed = sorted(f.alias or n for n, f in owner.model_fields.items())
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            if close:
                return f"did you mean '{close[0]}'?"
            return "allowed keys: " + ", ".join(allowed)
    if error["type"] == "missing":
        return "add this key"
    if error["type"] == "string_type" and isinstance(error.get("input"), bool):
        return "YAML reads unquoted yes/no/on/off as true/false: put the value in quotes"
    if error["type"] == "string_type" and isinstance(error.get("input"), int | float):
        return "put the value in quotes to make it text"
    return ""


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required key is missing"
    return str(error["msg"])


def problems_from_validation(
    root: type[BaseModel], data: Any, exc: ValidationError, file: str
) -> list[Problem]:
    """Turn every pydantic error into a Problem that names file, line, key path and a hint."""
    problems: dict[tuple[str, int | None, str], Problem] = {}
    for error in exc.errors():
        loc = _keys_in_file(data, tuple(error["loc"]))
        where, line = locate(data, loc, file)
        key = key_path(loc, data)
        # A value that fits no member of a union gives one error per member: keep the first.
        problem = Problem(where, _message(error), line, key, _hint(root, error))
        problems.setdefault((where, line, key), problem)
    return list(problems.values())


def validate(root: type[M], data: Any, file: str) -> M:
    """Validate parsed YAML against ``root``, reporting every problem at once."""
    if not isinstance(data, dict):
        found = (
            "an empty file"
            if data is None
            else "a list"
            if isinstance(data, list)
            else f"the single value {str(data)[:40]!r}"
        )
        raise InputError([Problem(file, f"expected a mapping at the top level, found {found}", 1)])
    try:
        return root.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(root, data, exc, file)) from None


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def deep_merge(base: Any, overlay: Any) -> Any:
    """Overlay one parsed document on another, keeping every value's position.

    Mappings merge key by key; lists of mappings that carry an ``id`` merge item by item
    (an unknown id is appended); anything else in ``overlay`` replaces what ``base`` had.
    """
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = LocDict(base)
        merged.position = getattr(base, "position", None)
        merged.key_positions = dict(getattr(base, "key_positions", {}))
        overlay_positions = getattr(overlay, "key_positions", {})
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
            if key in overlay_positions:
                merged.key_positions[key] = overlay_positions[key]
        return merged
    if _is_id_list(base) and _is_id_list(overlay):
        merged_list = LocList(base)
        merged_list.position = getattr(base, "position", None)
        merged_list.item_positions = list(getattr(base, "item_positions", []))
        index = {item["id"]: i for i, item in enumerate(base)}
        overlay_positions = getattr(overlay, "item_positions", [])
        for i, item in enumerate(overlay):
            if item["id"] in index:
                at = index[item["id"]]
                merged_list[at] = deep_merge(merged_list[at], item)
            else:
                merged_list.append(item)
                if i < len(overlay_positions):
                    merged_list.item_positions.append(overlay_positions[i])
        return merged_list
    return overlay
