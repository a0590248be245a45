"""Scan one repository into a Snapshot: list, read once, search, parse what needs parsing."""

from __future__ import annotations

import multiprocessing
import re
import sys
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from mlmaturity.evidence.repo.history import read_history
from mlmaturity.evidence.repo.keywords import keyword_search
from mlmaturity.evidence.repo.listing import Listing, Skipped, start_listing
from mlmaturity.evidence.repo.pyfacts import parse_all
from mlmaturity.evidence.repo.reader import BoundedReader, ReadRefused, is_binary
from mlmaturity.evidence.repo.secrets import PREFIXES as SECRET_PREFIXES
from mlmaturity.evidence.repo.secrets import SecretHit, find_secrets
from mlmaturity.evidence.repo.snapshot import (
    MAX_HITS_PER_KEYWORD,
    MODEL_MAGIC_BYTES,
    NOT_TEXT,
    Hit,
    Notebook,
    Snapshot,
    glob_regex,
    line_hit,
)

# Files whose Python is parsed: only those that mention a loader worth checking.
PARSE_TRIGGERS = ("pickle", "joblib", "torch.load", "dill", "read_pickle")
MODEL_SUFFIXES = frozenset(
    ".pkl .pickle .joblib .pt .pth .ckpt .bin .dill .sav .model .h5 .keras".split()
)


PARALLEL_MIN_FILES = 4000
"""Below this many files one process is faster than starting more."""


@dataclass(frozen=True)
class ScanPlan:
    """What every registered repository check needs: keywords to find and files to keep."""

    keywords: list[str]
    reads: tuple[str, ...]


MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
"""Notebooks grow with committed outputs and images: they get a larger cap than other files."""


MAGIC_LINE = re.compile(r"^[ \t]*[%!][^\n]*", re.M)
"""A line of an IPython magic or shell escape, which is not Python: blanked, so that line
numbers stay right."""


MAGIC_CHAR = re.compile(r"[%!]")


def _has_magic_line(code: str) -> bool:
    """Whether a line starts (after blanks) with ``%`` or ``!``. Each ``%`` or ``!`` is found
    by a one-character search and its line checked: a line-anchored regex would try every
    position of the text, four times slower on code full of ``%`` and ``!=``."""
    for match in MAGIC_CHAR.finditer(code):
        at = match.start()
        line = code.rfind("\n", 0, at) + 1
        if at == line or not code[line:at].strip(" \t"):
            return True
    return False


def _notebook(path: str, data: bytes) -> tuple[Notebook, bytes]:
    """The notebook's shape, and the text of its code cells (magics and shell lines blanked)."""
    document = orjson.loads(data)  # a third of json's time on large notebooks
    cells = document.get("cells", []) if isinstance(document, dict) else []
    code_cells = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    sources = []
    for cell in code_cells:
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        sources.append(text.removesuffix("\n"))
    code = "\n".join(sources)
    if _has_magic_line(code):  # most notebooks have none
        sources = [MAGIC_LINE.sub("", text) for text in sources]
        code = "\n".join(sources)
    shape = Notebook(
        path=path,
        code_cells=len(code_cells),
        code_lines=sum(src.count("\n") + 1 for src in sources if src),
        cells_with_outputs=sum(1 for c in code_cells if c.get("outputs")),
    )
    return shape, code.encode("utf-8", "replace")


def scan_repository(
    root: Path,
    name: str,
    plan: ScanPlan,
    *,
    history: bool = True,
    workers: int = 1,
    pending: Callable[[], Listing] | None = None,
) -> Snapshot:
    """Read and search every file once; large repositories are split across ``workers`` processes.

    ``pending``: a listing already started (start_listing), so that git ran meanwhile.
    """
    listing = (pending or start_listing(root))()
    snapshot = Snapshot(name=name, root=root, files=listing.files, skipped=list(listing.skipped))
    files = listing.files
    # Which files the checks read whole: one regex pass over all paths, then a set lookup per file.
    keep = frozenset(snapshot.paths_matching(_whole_path_regex(plan.reads)))
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
    snapshot.python_facts = facts
    snapshot.unparsed = failed
    if history and listing.is_git:
        snapshot.history = read_history(root)
    return snapshot


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
    secrets: list[SecretHit] = field(default_factory=list)
    by_suffix: dict[str, array[int]] = field(default_factory=dict)
    """Positions of the files of each suffix: the checks' suffix index, built in parallel."""


def _whole_path_regex(globs: Sequence[str]) -> re.Pattern[str]:
    """The checks' globs as one regex matching whole paths, one per line of the joined listing."""
    parts = [glob_regex(g).pattern.removesuffix(r"\Z") for g in globs]
    return re.compile("^(?:" + "|".join(parts) + ")$" if parts else "(?!)", re.I | re.M)


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

    This loop runs once per file: lookups are hoisted into locals on purpose.
    """
    files = _INHERITED["files"] if files is None else files
    part = _Part()
    scanner = _Scanner(part, plan, keep)
    with BoundedReader(root) as reader:
        _scan_files(reader, scanner, files, range(start, len(files), step))
    return part


def _scan_files(
    reader: BoundedReader, scanner: _Scanner, files: list[str], positions: range
) -> None:
    part = scanner.part
    read, take, skipped, magic = reader.read, scanner.take, part.skipped, part.magic
    by_suffix = part.by_suffix
    for position in positions:
        path = files[position]
        dot = path.rfind(".")  # suffix_of, inlined: this loop runs for every file
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
            skipped.append(Skipped(path, str(exc)))
            continue
        if is_binary(data):
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
    files = snapshot.files
    snapshot.set_suffix_index(
        {suffix: [files[i] for i in sorted(positions)] for suffix, positions in by_suffix.items()}
    )
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
        hits.sort(key=lambda h: (h.path, h.line))
        del hits[MAX_HITS_PER_KEYWORD:]
    snapshot.notebooks.sort(key=lambda n: n.path)
    snapshot.secrets.sort(key=lambda h: (h.path, h.line))


class _Scanner:
    """Searches each file's text once and keeps what the checks asked for."""

    def __init__(self, part: _Part, plan: ScanPlan, keep: frozenset[str]) -> None:
        self.part = part
        self.keywords = plan.keywords
        self.search = keyword_search(tuple(plan.keywords))
        self.keep = keep
        self.full: set[int] = set()  # keywords that have all the example lines they need
        self.triggers = {plan.keywords.index(t) for t in PARSE_TRIGGERS}
        self.secret_prefixes = {plan.keywords.index(p) for p in SECRET_PREFIXES}

    def take(self, position: int, path: str, suffix: str, data: bytes) -> None:
        """Search one file's text; ``position`` is its place in the listing."""
        part = self.part
        if path in self.keep:
            part.texts[path] = data.decode("utf-8", "replace")
        if suffix == ".ipynb":
            try:
                shape, data = _notebook(path, data)  # from here on: the code cells only
            except (ValueError, TypeError, AttributeError):
                part.skipped.append(Skipped(path, "notebook is not valid JSON"))
                return
            part.notebooks.append(shape)
        found: set[int] = set()
        if self.search is not None:
            first = self.search.first_offsets(data)
            if first:
                found = self._record(position, path, data, first)
        if found & self.secret_prefixes:
            part.secrets.extend(find_secrets(path, data))
        if suffix == ".py":
            part.python_lines += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if suffix in (".py", ".ipynb") and found & self.triggers:
            part.to_parse.append((path, data))

    def _record(self, position: int, path: str, data: bytes, first: dict[int, int]) -> set[int]:
        """Every file a keyword is in, and the first line of it in each file (until enough)."""
        for index, start in first.items():
            keyword = self.keywords[index]
            self.part.hit_files.setdefault(keyword, array("I")).append(position)
            if index in self.full:
                continue
            kept = self.part.hits.setdefault(keyword, [])
            kept.append(line_hit(path, data, start))
            if len(kept) >= MAX_HITS_PER_KEYWORD:
                self.full.add(index)
        return set(first)


def plan_for(checks: Sequence[object], extra_reads: Sequence[str] = ()) -> ScanPlan:
    """One plan for all checks: the union of their keywords and of the files they read."""
    own = set(PARSE_TRIGGERS) | set(SECRET_PREFIXES)  # what the scan itself looks for
    keywords = sorted({k for c in checks for k in getattr(c, "keywords", ())} | own)
    reads = tuple(sorted({r for c in checks for r in getattr(c, "reads", ())} | set(extra_reads)))
    return ScanPlan(keywords, reads)
