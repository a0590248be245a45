"""Building blocks of the demo repositories: notebooks, model files, small text helpers."""

from __future__ import annotations

import json
import pickle
from textwrap import dedent
from typing import Any

Cell = tuple[str, str, list[str]]
"""(kind, source, outputs): kind "code" or "markdown"; outputs are printed text lines."""


def text(source: str) -> str:
    """A file's text from an indented triple-quoted string (first newline dropped)."""
    return dedent(source).lstrip("\n")


def notebook(cells: list[Cell], *, run: int | None = None) -> str:
    """A Jupyter notebook (nbformat 4). With ``run`` (the n-th time it was run), code cells
    carry execution counts and their outputs; without, they are committed stripped."""
    built: list[dict[str, Any]] = []
    count = 0
    for kind, source, outputs in cells:
        lines = text(source).splitlines(keepends=True)
        if kind == "markdown":
            built.append({"cell_type": "markdown", "metadata": {}, "source": lines})
            continue
        count += 1
        cell: dict[str, Any] = {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": lines,
        }
        if run is not None:
            cell["execution_count"] = count + 40 * run
            if outputs:
                cell["outputs"] = [
                    {
                        "name": "stdout",
                        "output_type": "stream",
                        "text": [line + "\n" for line in outputs],
                    }
                ]
        built.append(cell)
    document = {
        "cells": built,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.9"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def pickled_model(name: str, revision: int) -> bytes:
    """The bytes of a pickled model file as a notebook writes one (a plain dict stands in for
    the estimator: the file is never loaded, only recognised by its bytes)."""
    return pickle.dumps(
        {"estimator": name, "n_estimators": 200 + 10 * revision, "classes": [0, 1]}, protocol=4
    )


def pick(pool: tuple[str, ...], revision: int, count: int) -> list[str]:
    """``count`` items of ``pool`` starting at ``revision`` (wrapping), in pool order."""
    chosen = {pool[(revision + i) % len(pool)] for i in range(count)}
    return [item for item in pool if item in chosen]
