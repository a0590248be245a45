"""Scan one repository into a Snapshot: list, read once, search, parse what needs parsing."""

from __future__ import annotations

import multiprocessing
import sys
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mlmaturity.evidence.repo.history import read_history
from mlmaturity.evidence.repo.keywords import keyword_search
from mlmaturity.evidence.repo.listing import Listing, Skipped, start_listing
from mlmaturity.evidence.repo.notebook import Notebook, file_lines, read_notebook
from mlmaturity.evidence.repo.pyfacts import parse_all
from mlmaturity.evidence.repo.reader import (
    BINARY_PROBE,
    MAX_TOTAL_BYTES,
    BoundedReader,
    ReadRefused,
)
from mlmaturity.evidence.repo.secrets import PREFIXES as SECRET_PREFIXES
from mlmaturity.evidence.repo.secrets import SecretHit, find_secrets
from mlmaturity.evidence.repo.snapshot import (
    MAX_HITS_PER_KEYWORD,
    MODEL_MAGIC_BYTES,
    NOT_TEXT,
    Hit,
    Snapshot,
    line_hit,
)

# Code is parsed where it names a module that can unpickle and a loader: ``pickle`` covers
# cloudpickle, pandas' read_pickle and numpy's allow_pickle (numpy loads no pickle without it).
# Words as common as ``numpy`` would cost a search callback in almost every file.
PARSE_MODULES = ("pickle", "joblib", "torch", "dill")
PARSE_LOADERS = ("load", "Unpickler", "read_pickle")
CODE_SUFFIXES = (".py", ".ipynb")
MODEL_SUFFIXES = frozenset(
    ".pkl .pickle .joblib .pt .pth .ckpt .bin .dill .sav .model .h5 .keras".split()
)
SECRETS_ONLY = frozenset((".csv", ".tsv"))
"""Data files searched for committed credentials only: a word in data says no tool is used."""
PICKLE_START = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
"""How a pickle of protocol 2 or later begins: kept as magic bytes whatever the file's name."""


PARALLEL_MIN_FILES = 4000
"""Below this many files one process is faster than starting more."""


@dataclass(frozen=True)
class ScanPlan:
    """What every registered repository check needs: keywords to find and files to keep."""

    keywords: list[str]
    reads: tuple[str, ...]


MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
"""Notebooks grow with committed outputs and images: they get a larger cap than other files."""


def scan_repository(
    root: Path,
    name: str,
    plan: ScanPlan,
    *,
    history: bool = True,
    workers: int = 1,
    pending: Callable[[], Listing] | None = None,
    now: datetime | None = None,
) -> Snapshot:
    """Read and search every file once; large repositories are split across ``workers`` processes.

    ``pending``: a listing already started (start_listing), so that git ran meanwhile;
    ``now``: the time the history window ends (default: the present).
    """
    listing = (pending or start_listing(root))()
    snapshot = Snapshot(name=name, root=root, files=listing.files, skipped=list(listing.skipped))
    files = listing.files
    # Which files the checks read whole: found among all paths at once, then a set lookup per file.
    keep = frozenset(snapshot.matching_any(plan.reads))
    chunks = 1 if len(files) < PARALLEL_MIN_FILES else max(1, workers)
    if chunks == 1:
        parts = [_scan_part(root, files, 0, 1, plan, keep)]
    else:
        fork = sys.platform == "linux"
        context = multiprocessing.get_context("fork" if fork else "spawn")
        # Forked workers inherit the listing: sending 50,000 paths to them would cost more
        # than a tenth of the scan before they could start.
        _INHERITED["files"] = files
        sent = None if fork else files
        with ProcessPoolExecutor(chunks - 1, mp_context=context) as pool:
            # Interleaved, so that a folder of large notebooks does not land on one worker;
            # this process scans the first share itself while the others run.
            jobs = [
                pool.submit(_scan_part, root, sent, i, chunks, plan, keep) for i in range(1, chunks)
            ]
            parts = [_scan_part(root, files, 0, chunks, plan, keep)]
            parts += [job.result() for job in jobs]
        _INHERITED.clear()
    _merge(snapshot, parts)
    to_parse = [item for part in parts for item in part.to_parse]
    facts, failed = parse_all(to_parse, workers=workers)
    _place_notebook_lines(
        facts, dict(to_parse), {p: raw for part in parts for p, raw in part.raw.items()}
    )
    snapshot.python_facts = facts
    snapshot.unparsed = failed
    if history and listing.is_git:
        snapshot.history = read_history(root, now)
    return snapshot


def _place_notebook_lines(
    facts: dict[str, Any], code: dict[str, bytes], raw: dict[str, bytes]
) -> None:
    """A parser counts lines in a notebook's joined code cells: give them in the .ipynb file."""
    for path, notebook in raw.items():
        if path in facts:
            loads = facts[path]["unsafe_loads"]
            placed = file_lines(notebook, code[path], [line for line, _ in loads])
            facts[path]["unsafe_loads"] = [(placed[line], call) for line, call in loads]


@dataclass
class _Part:
    """What one worker found in its share of the files; plain data, so it pickles."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    hit_files: dict[str, array[int]] = field(default_factory=dict)
    """For each keyword, the positions (in the listing) of every file holding it: compact to send."""
    texts: dict[str, str] = field(default_factory=dict)
    magic: dict[str, bytes] = field(default_factory=dict)
    notebooks: list[Notebook] = field(default_factory=list)
    python_lines: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    to_parse: list[tuple[str, bytes]] = field(default_factory=list)
    raw: dict[str, bytes] = field(default_factory=dict)
    """The file text of the notebooks in ``to_parse``, whose code lines are placed in it."""
    secrets: list[SecretHit] = field(default_factory=list)
    by_suffix: dict[str, array[int]] = field(default_factory=dict)
    """Positions of the files of each suffix: the checks' suffix index, built in parallel."""


_INHERITED: dict[str, list[str]] = {}
"""The listing, left here for forked workers to inherit (see scan_repository)."""


def _scan_part(
    root: Path,
    files: list[str] | None,
    start: int,
    step: int,
    plan: ScanPlan,
    keep: frozenset[str],
) -> _Part:
    """Scan ``files[start::step]`` (one worker's interleaved share); None: the inherited listing.
    The read budget is the repository's, shared out between the workers."""
    files = _INHERITED["files"] if files is None else files
    part = _Part()
    scanner = _Scanner(part, plan, keep)
    with BoundedReader(root, budget=MAX_TOTAL_BYTES // step) as reader:
        _scan_files(reader, scanner, files, range(start, len(files), step))
    scanner.finish()
    return part


def _scan_files(
    reader: BoundedReader, scanner: _Scanner, files: list[str], positions: range
) -> None:
    """This loop runs once per file: lookups are hoisted into locals on purpose."""
    part = scanner.part
    read, take, skipped, magic = reader.read, scanner.take, part.skipped, part.magic
    by_suffix = part.by_suffix
    for position in positions:
        path = files[position]
        dot = path.rfind(".")  # suffix_of, inlined
        suffix = path[dot:].lower() if dot > path.rfind("/") + 1 else ""
        same_suffix = by_suffix.get(suffix)
        if same_suffix is None:
            same_suffix = by_suffix[suffix] = array("I")
        same_suffix.append(position)
        try:
            if suffix in NOT_TEXT:
                if suffix in MODEL_SUFFIXES:
                    magic[path] = read(path, limit=MODEL_MAGIC_BYTES)
                continue
            data = read(path, cap=MAX_NOTEBOOK_BYTES if suffix == ".ipynb" else None)
        except ReadRefused as exc:
            skipped.append(Skipped(path, str(exc), exc.unread))
            continue
        if data.find(b"\0", 0, BINARY_PROBE) != -1:  # binary (no copy of the probe)
            if data.startswith(PICKLE_START):  # a pickle by any other name
                magic[path] = data[:MODEL_MAGIC_BYTES]
            skipped.append(Skipped(path, "binary content, not read as text"))
            continue
        take(position, path, suffix, data)


def _merge(snapshot: Snapshot, parts: list[_Part]) -> None:
    """Join the workers' parts; the sampled lines kept are the first in path order, as if one
    process had scanned everything, so results never depend on the number of cores."""
    by_suffix: dict[str, list[int]] = {}
    for part in parts:
        for suffix, positions in part.by_suffix.items():
            by_suffix.setdefault(suffix, []).extend(positions)
    snapshot.set_suffix_index({suffix: sorted(at) for suffix, at in by_suffix.items()})
    for part in parts:
        for keyword, hits in part.hits.items():
            snapshot.hits[keyword].extend(hits)
        for keyword, positions in part.hit_files.items():
            snapshot.hit_positions.setdefault(keyword, []).append(positions)
        snapshot.texts.update(part.texts)
        snapshot.magic.update(part.magic)
        snapshot.notebooks.extend(part.notebooks)
        snapshot.python_lines += part.python_lines
        snapshot.skipped.extend(part.skipped)
        snapshot.secrets.extend(part.secrets)
    for hits in snapshot.hits.values():
        hits.sort(key=lambda h: h.sort_key)
        del hits[MAX_HITS_PER_KEYWORD:]
    snapshot.notebooks.sort(key=lambda n: n.path)
    snapshot.secrets.sort(key=lambda h: (h.path, h.line))


class _Scanner:
    """Searches each file's text once and keeps what the checks asked for."""

    def __init__(self, part: _Part, plan: ScanPlan, keep: frozenset[str]) -> None:
        self.part = part
        self.keywords = plan.keywords
        search = keyword_search(tuple(plan.keywords))
        self.first_offsets = search.first_offsets if search else lambda data: {}
        self.keep = keep
        self.holding: list[array[int]] = [array("I") for _ in plan.keywords]
        """For each keyword (by index), the positions of the files holding it."""
        self.full: set[int] = set()  # keywords that have all the example lines they need
        index = {keyword: i for i, keyword in enumerate(plan.keywords)}
        self.modules = frozenset(index[k] for k in PARSE_MODULES)
        self.loaders = frozenset(index[k] for k in PARSE_LOADERS)
        self.secret_prefixes = frozenset(index[p] for p in SECRET_PREFIXES)
        self.rare = self.loaders | self.secret_prefixes
        """Keywords that call for a closer look at a file (most files hold none)."""

    def take(self, position: int, path: str, suffix: str, data: bytes) -> None:
        """Search one file's text; ``position`` is its place in the listing."""
        if path in self.keep:
            self.part.texts[path] = data.decode("utf-8", "replace")
        if suffix == ".ipynb":
            self._notebook(position, path, data)
            return
        first = self.first_offsets(data)
        if suffix in SECRETS_ONLY:  # data: only credentials count
            self._secrets(path, data, first)
            return
        if first:
            self._record(position, path, data, first)
            if not self.rare.isdisjoint(first):
                self._secrets(path, data, first)
                self._parse_if_loading(path, suffix, data, first)
        if suffix == ".py":
            self.part.python_lines += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)

    def _notebook(self, position: int, path: str, data: bytes) -> None:
        """A notebook's code cells are searched as code; the whole file for credentials,
        which hide in outputs and markdown too."""
        try:
            shape, code = read_notebook(path, data)
        except (ValueError, TypeError, AttributeError):
            self.part.skipped.append(Skipped(path, "notebook is not valid JSON"))
            return
        self.part.notebooks.append(shape)
        self._secrets(path, data, self.first_offsets(data))
        first = self.first_offsets(code)
        if first:
            self._record(position, path, code, first, notebook=data)
            if self._parse_if_loading(path, ".ipynb", code, first):
                self.part.raw[path] = data

    def _secrets(self, path: str, data: bytes, first: dict[int, int]) -> None:
        if not self.secret_prefixes.isdisjoint(first):
            self.part.secrets.extend(find_secrets(path, data))

    def _parse_if_loading(self, path: str, suffix: str, code: bytes, first: dict[int, int]) -> bool:
        """Queue code that names a loader and a module that unpickles for the parser."""
        wanted = (
            suffix in CODE_SUFFIXES
            and not self.loaders.isdisjoint(first)
            and not self.modules.isdisjoint(first)
        )
        if wanted:
            self.part.to_parse.append((path, code))
        return wanted

    def _record(
        self,
        position: int,
        path: str,
        data: bytes,
        first: dict[int, int],
        notebook: bytes | None = None,
    ) -> None:
        """Every file a keyword is in, and the first line of it in each file (until enough)."""
        holding, full = self.holding, self.full
        for index, start in first.items():
            holding[index].append(position)
            if index in full:
                continue
            kept = self.part.hits.setdefault(self.keywords[index], [])
            kept.append(line_hit(path, data, start, notebook))
            if len(kept) >= MAX_HITS_PER_KEYWORD:
                full.add(index)

    def finish(self) -> None:
        """Hand the positions over by keyword, for the keywords found."""
        self.part.hit_files = {
            keyword: positions
            for keyword, positions in zip(self.keywords, self.holding, strict=True)
            if positions
        }


def plan_for(checks: Sequence[object], extra_reads: Sequence[str] = ()) -> ScanPlan:
    """One plan for all checks: the union of their keywords and of the files they read."""
    own = {*PARSE_MODULES, *PARSE_LOADERS, *SECRET_PREFIXES}  # what the scan itself looks for
    keywords = sorted({k for c in checks for k in getattr(c, "keywords", ())} | own)
    reads = tuple(sorted({r for c in checks for r in getattr(c, "reads", ())} | set(extra_reads)))
    return ScanPlan(keywords, reads)
