"""Facts from Python source, parsed with ``ast`` in worker processes with time and memory limits.

A pathological file (deep nesting, huge literals) may exhaust the parser's recursion, memory or
time; in a separate process that costs one inconclusive file, never the scan.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PARSE_SECONDS = 10.0
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
PARSE_BUDGET_SECONDS = 60.0
"""All parsing of one repository stops after this; what is left is reported as not parsed."""
UNSAFE = {
    "pickle": {"load", "loads", "Unpickler"},
    "_pickle": {"load", "loads", "Unpickler"},
    "cPickle": {"load", "loads", "Unpickler"},
    "dill": {"load", "loads"},
    "cloudpickle": {"load", "loads"},
    "joblib": {"load"},
    "pandas": {"read_pickle"},
    "torch": {"load"},
    "numpy": {"load"},
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _flag(call: ast.Call, name: str) -> bool:
    return any(
        k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports: ``pkl`` → ``pickle``, ``load`` → ``joblib.load``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _is_unsafe(qualified: str, call: ast.Call) -> bool:
    module, _, function = qualified.rpartition(".")
    module = {"np": "numpy", "pd": "pandas"}.get(module, module).partition(".")[0]
    if function not in UNSAFE.get(module, set()):
        return False
    if module == "torch":
        return not _flag(call, "weights_only")
    if module == "numpy":
        return _flag(call, "allow_pickle")
    return True


def facts_from_source(source: bytes) -> dict[str, Any]:
    """Calls that unpickle (line, call as written), with import aliases resolved."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    unsafe = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        written = _dotted(node.func)
        head, _, rest = written.partition(".")
        qualified = f"{aliases.get(head, head)}.{rest}" if rest else aliases.get(head, head)
        if _is_unsafe(qualified, node):
            unsafe.append((node.lineno, written))
    return {"unsafe_loads": sorted(unsafe)}


def _address_space_in_use() -> int:
    """This process's virtual memory size: a forked worker starts with all of its parent's."""
    try:
        with Path("/proc/self/statm").open("rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_worker() -> None:
    """Let a parse use WORKER_MEMORY_BYTES more than the worker holds when it starts: a limit
    below what a large parent already maps (a test run with Spark loaded, say) would make
    every allocation fail and the pool restart its workers forever."""
    try:
        import resource

        limit = _address_space_in_use() + WORKER_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    sys.setrecursionlimit(10_000)


def _safe_facts(source: bytes) -> dict[str, Any] | str:
    try:
        return facts_from_source(source)
    except SyntaxError as exc:
        return f"not valid Python: {exc.msg} (line {exc.lineno})"
    except (RecursionError, MemoryError, ValueError) as exc:
        return f"too complex to parse: {type(exc).__name__}"


def parse_all(
    sources: Iterable[tuple[str, bytes]], workers: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse each (path, source) in a worker pool: facts by path, and reasons for files that failed.

    Each file may take PARSE_SECONDS and all of them PARSE_BUDGET_SECONDS; a stuck worker is
    killed with its pool and only the files not yet parsed are given to a new one.
    """
    by_path = dict(sources)
    facts: dict[str, Any] = {}
    failed: dict[str, str] = {}
    if not by_path:
        return facts, failed
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    deadline = time.monotonic() + PARSE_BUDGET_SECONDS
    pending = list(by_path)
    while pending:
        with context.Pool(max(1, min(workers, len(pending))), initializer=_limit_worker) as pool:
            jobs = {path: pool.apply_async(_safe_facts, (by_path[path],)) for path in pending}
            pending = []
            for path, job in jobs.items():
                left = deadline - time.monotonic()
                try:
                    result = job.get(timeout=max(0.0, min(PARSE_SECONDS, left)))
                except multiprocessing.TimeoutError:
                    if left <= 0:
                        failed[path] = (
                            f"not parsed: the {PARSE_BUDGET_SECONDS:g} s parsing budget was used up"
                        )
                        continue
                    failed[path] = f"parsing took longer than {PARSE_SECONDS:g} s"
                    # This worker is stuck: keep what the others finished, restart for the rest.
                    for other, other_job in jobs.items():
                        if other in facts or other in failed:
                            continue
                        if other_job.ready():
                            _keep(other, other_job.get(), facts, failed)
                        else:
                            pending.append(other)
                    break
                except Exception as exc:  # an error raised while sending the result back
                    failed[path] = f"parser failed: {type(exc).__name__}"
                    continue
                _keep(path, result, facts, failed)
    return facts, failed


def _keep(
    path: str, result: dict[str, Any] | str, facts: dict[str, Any], failed: dict[str, str]
) -> None:
    if isinstance(result, str):
        failed[path] = result
    else:
        facts[path] = result
