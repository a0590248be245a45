"""Jupyter notebooks read as JSON: their shape, the text of their code cells, and where each
code line sits in the .ipynb file."""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson


@dataclass(frozen=True, slots=True)
class Notebook:
    path: str
    code_cells: int
    code_lines: int
    cells_with_outputs: int


MAGIC_LINE = re.compile(r"^[ \t]*[%!][^\n]*", re.M)
"""A line of an IPython magic or shell escape, which is not Python: blanked, so that line
numbers stay right."""

_MAGIC_START = re.compile(r"\n[ \t]*[%!]")


def has_magic_line(code: str) -> bool:
    """Whether a line starts (after blanks) with ``%`` or ``!``. Searched from each line
    break, the engine jumps from one to the next; ``^`` in multi-line mode would make it try
    every position, twice as slow."""
    return _MAGIC_START.search("\n" + code) is not None


def read_notebook(path: str, data: bytes) -> tuple[Notebook, bytes]:
    """The notebook's shape, and the text of its code cells joined (magics and shell lines
    blanked); raises ValueError, TypeError or AttributeError when it is not a notebook."""
    document = orjson.loads(data)  # a third of json's time on large notebooks
    cells = document.get("cells", []) if isinstance(document, dict) else []
    code_cells = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    sources = []
    for cell in code_cells:
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        sources.append(text.removesuffix("\n"))
    code = "\n".join(sources)
    if has_magic_line(code):  # most notebooks have none
        sources = [MAGIC_LINE.sub("", text) for text in sources]
        code = "\n".join(sources)
    shape = Notebook(
        path=path,
        code_cells=len(code_cells),
        code_lines=sum(src.count("\n") + 1 for src in sources if src),
        cells_with_outputs=sum(1 for c in code_cells if c.get("outputs")),
    )
    return shape, code.encode("utf-8", "replace")


def file_line(raw: bytes, code: bytes, begin: int) -> int | None:
    """The line of the .ipynb file (``raw``) holding the code line that starts at ``begin`` in
    the joined code cells (``code``, from read_notebook), or None when it cannot be told.

    JSON keeps no positions, so the line is found by its text: the JSON string of that source
    line (as Jupyter writes it, one line per string), taken as many times over as the same
    line occurs earlier in the code. Notebooks whose cells hold one string each (all lines in
    one JSON line) are found by the escaped text alone.
    """
    end = code.find(b"\n", begin)
    line = code[begin : end if end != -1 else len(code)]
    if not line.strip():
        return None
    earlier = code[:begin].split(b"\n").count(line)
    escaped = orjson.dumps(line.decode("utf-8", "replace"))[1:-1]
    for needle in (b'"' + escaped + b'\\n"', b'"' + escaped + b'"', escaped):
        at = -1
        for _ in range(earlier + 1):
            at = raw.find(needle, at + 1)
            if at == -1:
                break
        if at != -1:
            return raw.count(b"\n", 0, at) + 1
    return None


def file_lines(raw: bytes, code: bytes, lines: list[int]) -> dict[int, int | None]:
    """file_line for several 1-based code lines (those a parser reported)."""
    starts = [0]
    for _ in range(1, max(lines, default=0)):
        at = code.find(b"\n", starts[-1])
        if at == -1:
            break
        starts.append(at + 1)
    return {n: file_line(raw, code, starts[n - 1]) if n <= len(starts) else None for n in lines}
