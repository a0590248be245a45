"""What a repository contains, gathered in one pass: paths, keyword hits, small config texts.

Each file is read at most once. A file's path decides whether it is read at all (binaries and
data files are not, beyond a few magic bytes for model artifacts); the text that is read goes
through one multi-keyword search (Aho-Corasick, in native code), and only the lines that hold
a keyword, the small configuration files checks ask for, and notebooks' structure are kept.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import yaml

from mlmaturity.evidence.repo.history import History
from mlmaturity.evidence.repo.listing import Skipped
from mlmaturity.evidence.repo.notebook import Notebook, file_line
from mlmaturity.evidence.repo.secrets import SecretHit, redact

MAX_HITS_PER_KEYWORD = 200
MAX_LINE = 400
MODEL_MAGIC_BYTES = 64
"""Enough of a model file to tell a pickle by its first opcodes."""
# Never read as text: data, media, archives and model weights (their magic bytes may be probed).
NOT_TEXT = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .svg .pdf .zip .gz .tgz .bz2 .xz .7z .tar .whl .egg "
    ".parquet .arrow .feather .orc .avro .npy .npz .h5 .hdf5 .tfrecord .db .sqlite "
    ".pkl .pickle .joblib .pt .pth .ckpt .bin .safetensors .onnx .pb .tflite .mlmodel .gguf "
    ".so .dylib .dll .exe .o .a .class .jar .woff .woff2 .ttf .otf .mp3 .mp4 .wav .avi .mov "
    ".lock.bin .model .sav .dill .keras .msgpack".split()
)


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I | re.M)


@lru_cache(maxsize=512)
def _literal_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


def _in_order(groups: list[list[str]]) -> list[str]:
    """Merge index lists, each already in listing (sorted) order."""
    present = [g for g in groups if g]
    if len(present) == 1:
        return list(present[0])
    return sorted(p for g in present for p in g)


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: ``*`` within a folder, ``**/`` any folders, case-insensitive."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern)
    # Never across a newline: the same patterns also run over all paths joined by newlines.
    table = {"**/": "(?:[^\n]*/)?", "**": "[^\n]*", "*": "[^/\n]*", "?": "[^/\n]"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + r"\Z", re.I)


def _glob_body(pattern: str) -> str:
    """A glob as a regex to embed in another (no end anchor)."""
    return glob_regex(pattern).pattern.removesuffix(r"\Z")


def _reversed_body(body: str) -> str:
    """The regex that matches, on reversed text, what ``body`` (from _glob_body or re.escape of
    a name) matches forward. Such bodies are a sequence of literals, escaped literals and the
    classes ``[^/\n]`` (optionally ``*``): each unit keeps its form, only their order flips."""
    units = re.findall(r"\[\^/\n\]\*?|\\.|.", body, re.S)
    return "".join(reversed(units))


def suffix_of(path: str) -> str:
    """``'.py'`` for ``'a/b.py'``; plain string work, as it runs for every file."""
    dot = path.rfind(".")
    return path[dot:].lower() if dot > path.rfind("/") + 1 else ""


@dataclass(frozen=True, slots=True)
class Hit:
    """A keyword found on a line of a file."""

    path: str
    line: int | None
    """None for a notebook line that could not be placed in the .ipynb file."""
    text: str

    @property
    def sort_key(self) -> tuple[str, int]:
        return self.path, self.line or 0

    @property
    def snippet(self) -> str:
        return redact(self.text.strip())[:200]


@dataclass
class Snapshot:
    """Everything the repository checks may look at, for one repository."""

    name: str
    root: Path
    files: list[str]
    skipped: list[Skipped] = field(default_factory=list)
    hits: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    hit_positions: dict[str, list[Sequence[int]]] = field(default_factory=dict)
    """Where each keyword occurs: positions in ``files``, turned into paths only when asked."""
    texts: dict[str, str] = field(default_factory=dict)
    magic: dict[str, bytes] = field(default_factory=dict)
    notebooks: list[Notebook] = field(default_factory=list)
    python_lines: int = 0
    python_facts: dict[str, Any] = field(default_factory=dict)
    unparsed: dict[str, str] = field(default_factory=dict)
    history: History | None = None
    secrets: list[SecretHit] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)
    """Results of helpers several checks share, computed once per repository."""
    _named: dict[tuple[str, ...], list[str]] = field(default_factory=dict, repr=False)
    """named() answers: several checks ask for the same file names."""

    # -- paths -------------------------------------------------------------------------------
    def set_suffix_index(self, positions: dict[str, list[int]]) -> None:
        """The suffix index, when the scan built it (in parallel) on its way: the positions
        in ``files`` of the files of each suffix, in listing order."""
        self.__dict__["suffix_positions"] = positions

    @cached_property
    def suffix_positions(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = defaultdict(list)
        for position, path in enumerate(self.files):
            index[suffix_of(path)].append(position)
        return index

    @cached_property
    def by_suffix(self) -> dict[str, list[str]]:
        files = self.files
        return defaultdict(
            list,
            {
                suffix: list(map(files.__getitem__, at))
                for suffix, at in self.suffix_positions.items()
            },
        )

    def named(self, *names: str) -> list[str]:
        """Files with one of these base names (case-insensitive, taken literally), in listing order."""
        found = self._named.get(names)
        if found is None:
            found = self._named[names] = self._search_paths(
                [], [re.escape(n.lower()) for n in names]
            )
        return list(found)

    def with_suffix(self, *suffixes: str) -> list[str]:
        """Files with one of these suffixes (case-insensitive), in listing order."""
        return _in_order([self.by_suffix.get(x.lower(), []) for x in suffixes])

    @cached_property
    def _joined_paths(self) -> str:
        return "\n".join(self.files)

    @cached_property
    def _lowered_paths(self) -> str | None:
        """All paths joined and lowercased, when lowercasing keeps every offset (ASCII-like)."""
        lowered = self._joined_paths.lower()
        return lowered if len(lowered) == len(self._joined_paths) else None

    @cached_property
    def _reversed_lowered_paths(self) -> str:
        return (self._lowered_paths or "")[::-1]

    def paths_with(self, pattern: str) -> list[str]:
        """Paths in which a path component starts with a match of ``pattern`` (lowercase,
        matched case-insensitively; it must not match a newline; ``$`` is a path's end).

        One pass over all paths joined by newlines. The pattern is matched case-sensitively
        against the lowercased paths so that its leading literal lets the regex engine skip
        ahead (ten to fifty times faster than a case-insensitive ``(^|/)…``); a match that does
        not start a component is passed over and the search goes on after its first character.
        """
        joined, regex = self._lowered_paths, _literal_regex(pattern)
        if joined is None:
            joined, regex = self._joined_paths, _regex(pattern)
        original = self._joined_paths
        found: list[str] = []
        position, end = 0, -1
        while (match := regex.search(joined, position)) is not None:
            start = match.start()
            position = start + 1
            if start <= end or (start > 0 and joined[start - 1] not in "/\n"):
                continue  # in a path already found, or not at the start of a component
            begin = joined.rfind("\n", 0, start) + 1
            end = joined.find("\n", start)
            end = len(joined) if end == -1 else end
            found.append(original[begin:end])
        return found

    def paths_matching(self, regex: re.Pattern[str]) -> list[str]:
        """Paths a multi-line regex (``^…$`` per path) matches: one C-level pass over all paths.

        The regex must match whole paths and have no groups.
        """
        return regex.findall(self._joined_paths)

    def matching(self, pattern: str, candidates: Iterable[str] | None = None) -> list[str]:
        """Paths matching a glob (``**`` crosses folders), among ``candidates`` or all files."""
        if candidates is None:
            return self.matching_any([pattern])
        regex = glob_regex(pattern)
        return [p for p in candidates if regex.match(p)]

    def matching_any(self, globs: Iterable[str]) -> list[str]:
        """Paths matching any of the globs, in listing order, in at most two passes over all paths."""
        rooted, anywhere = [], []
        for glob in globs:
            name = glob.removeprefix("**/")
            if name != glob and "**" not in name:
                anywhere.append(_glob_body(name.lower()))
            else:
                rooted.append(_glob_body(glob.lower()))
        return self._search_paths(rooted, anywhere)

    def _search_paths(self, rooted: list[str], names: list[str]) -> list[str]:
        """Paths that one of ``rooted`` matches whole, or whose name (with the folders before
        it, if the pattern has a ``/``) one of ``names`` matches: regexes for lowercased paths
        that never match a line break.

        The regex engine skips ahead fast only to a literal, so every alternative here begins
        right after a line break: rooted patterns on all paths joined, names on the same text
        reversed, where a file's name starts its line. Matching names forward would try each
        folder of each path in turn, ten times slower.
        """
        lowered = self._lowered_paths
        if lowered is None:  # lowercasing moved offsets: one case-insensitive regex, slower
            names = ["(?:[^\n]*/)?" + body for body in names]
            return self.paths_matching(_regex("^(?:" + "|".join(rooted + names) + ")$"))
        original, found = self._joined_paths, set()
        if rooted:
            regex = _literal_regex("\n(" + "|".join(rooted) + ")(?=\n)")
            for match in regex.finditer(f"\n{lowered}\n"):
                found.add(original[match.start(1) - 1 : match.end(1) - 1])
        if names:
            reversed_names = "|".join(_reversed_body(n) for n in names)
            regex = _literal_regex("\n((?:" + reversed_names + ")(?=[/\n])[^\n]*)")
            size = len(lowered)
            for match in regex.finditer(f"\n{self._reversed_lowered_paths}\n"):
                found.add(original[size + 1 - match.end(1) : size + 1 - match.start(1)])
        return sorted(found)

    def under(self, prefix: str) -> list[str]:
        return [p for p in self.files if p.startswith(prefix)]

    # -- contents ----------------------------------------------------------------------------
    def found(self, *keywords: str, suffixes: tuple[str, ...] = ()) -> list[Hit]:
        """Lines holding any of the keywords, optionally only in files with these suffixes."""
        hits = [h for k in keywords for h in self.hits.get(k, [])]
        if suffixes:
            hits = [h for h in hits if h.path.lower().endswith(suffixes)]
        return sorted(set(hits), key=lambda h: h.sort_key)

    def mentions(self, *keywords: str, suffixes: tuple[str, ...] = ()) -> set[str]:
        """Files mentioning any of the keywords (not capped), optionally only those with one
        of these (lowercase) suffixes."""
        positions: set[int] = set()
        for keyword in keywords:
            for chunk in self.hit_positions.get(keyword, ()):
                positions.update(chunk)  # in C, as are the intersection and lookup below
        if suffixes:
            index = self.suffix_positions
            positions.intersection_update(chain.from_iterable(index.get(x, ()) for x in suffixes))
        return set(map(self.files.__getitem__, positions))

    def unread(self, *suffixes: str) -> list[Skipped]:
        """Files with these suffixes whose content is there but was not read (too large, the
        read budget, a read error): a check that must see them all cannot be sure."""
        return [s for s in self.skipped if s.unread and s.path.lower().endswith(suffixes)]

    def text(self, path: str) -> str | None:
        return self.texts.get(path)

    def yaml_documents(self, path: str) -> list[Any]:
        """The YAML documents of a kept text file; unparsable YAML gives no documents."""
        text = self.texts.get(path)
        if text is None:
            return []
        try:
            return [d for d in yaml.safe_load_all(text) if d is not None]
        except yaml.YAMLError:
            return []

    def json_document(self, path: str) -> Any:
        text = self.texts.get(path)
        try:
            return None if text is None else json.loads(text)
        except ValueError:
            return None

    @property
    def notebook_lines(self) -> int:
        return sum(n.code_lines for n in self.notebooks)


def line_hit(path: str, data: bytes, start: int, notebook: bytes | None = None) -> Hit:
    """The line of ``data`` holding offset ``start``; for a notebook's code (``data``), the
    line number is the one in the .ipynb file (``notebook``)."""
    begin = data.rfind(b"\n", 0, start) + 1
    end = data.find(b"\n", start)
    text = data[begin : end if end != -1 else len(data)][:MAX_LINE]
    line = data.count(b"\n", 0, begin) + 1 if notebook is None else file_line(notebook, data, begin)
    return Hit(path, line, text.decode("utf-8", "replace"))
