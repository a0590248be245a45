"""Facts from Python source, parsed with ``ast`` in worker processes with time and memory limits.

A pathological file (deep nesting, huge literals) may exhaust the parser's recursion, memory or
time; in a separate process that costs one inconclusive file, never the scan.
"""

from __future__ import annotations

import ast
import multiprocessing
import sys
from collections.abc import Iterable
from typing import Any

PARSE_SECONDS = 10.0
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
UNSAFE_LOADERS = {
    ("pickle", "load"),
    ("pickle", "loads"),
    ("cPickle", "load"),
    ("dill", "load"),
    ("dill", "loads"),
    ("cloudpickle", "load"),
    ("cloudpickle", "loads"),
    ("joblib", "load"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
    ("torch", "load"),
}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _weights_only(call: ast.Call) -> bool:
    return any(
        k.arg == "weights_only" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def facts_from_source(source: bytes) -> dict[str, Any]:
    """Unsafe deserialization calls (line, call) found in one module."""
    tree = ast.parse(source)
    unsafe = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        owner, _, attr = name.rpartition(".")
        owner = owner.rpartition(".")[2]
        if (owner, attr) in UNSAFE_LOADERS and not (
            attr == "load" and owner == "torch" and _weights_only(node)
        ):
            unsafe.append((node.lineno, name))
    return {"unsafe_loads": unsafe}


def _limit_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
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
    """Parse each (path, source) in a worker pool: facts by path, and reasons for files that failed."""
    by_path = dict(sources)
    facts: dict[str, Any] = {}
    failed: dict[str, str] = {}
    if not by_path:
        return facts, failed
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pending = list(by_path)
    while pending:
        # Leaving the block terminates the pool, which is how a stuck parse is stopped.
        with context.Pool(max(1, min(workers, len(pending))), initializer=_limit_worker) as pool:
            jobs = [(path, pool.apply_async(_safe_facts, (by_path[path],))) for path in pending]
            pending = []
            for index, (path, job) in enumerate(jobs):
                try:
                    result = job.get(timeout=PARSE_SECONDS)
                except multiprocessing.TimeoutError:
                    failed[path] = f"parsing took longer than {PARSE_SECONDS:g} s"
                    pending = [later for later, _ in jobs[index + 1 :]]
                    break
                except Exception as exc:  # the worker died (memory, a crash in the parser)
                    failed[path] = f"parser failed: {type(exc).__name__}"
                    continue
                if isinstance(result, str):
                    failed[path] = result
                else:
                    facts[path] = result
    return facts, failed
