"""Helpers the repository checks share: where CI lives, what counts as ML code, locations."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from mlmaturity.evidence.finding import Location, Verdict, not_applicable, passed
from mlmaturity.evidence.repo.secrets import redact
from mlmaturity.evidence.repo.snapshot import Hit, Snapshot

T = TypeVar("T")
CODE = (".py", ".ipynb")
CI_SYSTEMS = {
    ".github/workflows/*.yml": "GitHub Actions",
    ".github/workflows/*.yaml": "GitHub Actions",
    ".gitlab-ci.yml": "GitLab CI",
    "azure-pipelines.yml": "Azure Pipelines",
    "azure-pipelines.yaml": "Azure Pipelines",
    ".azure-pipelines/*.yml": "Azure Pipelines",
    "Jenkinsfile": "Jenkins",
    "**/Jenkinsfile": "Jenkins",
    ".circleci/config.yml": "CircleCI",
    "bitbucket-pipelines.yml": "Bitbucket Pipelines",
    ".buildkite/pipeline.yml": "Buildkite",
}
CI_FILES = tuple(CI_SYSTEMS)
ML_LIBRARIES = (
    "sklearn", "torch", "tensorflow", "keras", "xgboost", "lightgbm", "catboost",
    "transformers", "statsmodels", "jax", "prophet", "mlflow",
)  # fmt: skip
ML_KEYWORDS = tuple(f"import {lib}" for lib in ML_LIBRARIES) + tuple(
    f"from {lib}" for lib in ML_LIBRARIES
)
TEST_FILE = r"(?:tests?/[^\n]*\.py|test_[^/\n]*\.py|conftest\.py)$"
"""A test module from the path component it starts at (Snapshot.paths_with), besides the
``*_test.py`` modules."""


def shared(function: Callable[[Snapshot], T]) -> Callable[[Snapshot], T]:
    """Compute a helper once per repository, however many checks ask for it."""

    def cached(repo: Snapshot) -> T:
        if function.__name__ not in repo.memo:
            repo.memo[function.__name__] = function(repo)
        return repo.memo[function.__name__]  # type: ignore[no-any-return]

    return cached


def at(hit: Hit) -> Location:
    return Location(path=hit.path, line=hit.line, snippet=hit.snippet)


def at_path(path: str) -> Location:
    return Location(path=path)


def locations(hits: Iterable[Hit]) -> list[Location]:
    return [at(h) for h in hits]


@shared
def ci_files(repo: Snapshot) -> dict[str, str]:
    """CI configuration files and the CI system each belongs to."""
    found: dict[str, str] = {}
    for pattern, system in CI_SYSTEMS.items():
        for path in repo.matching(pattern, repo.texts):
            found.setdefault(path, system)
    return dict(sorted(found.items()))


def ci_lines(
    repo: Snapshot,
    pattern: re.Pattern[str],
    ignore: re.Pattern[str] | None = None,
    paths: Iterable[str] | None = None,
) -> list[Location]:
    """Lines of CI configuration matching ``pattern``; comments, and lines ``ignore`` matches, skipped."""
    found = []
    for path in ci_files(repo) if paths is None else paths:
        for number, line in enumerate((repo.text(path) or "").splitlines(), start=1):
            code = line.split(" #", 1)[0].strip()
            if not code or code.startswith(("#", "//")) or (ignore and ignore.search(code)):
                continue
            if pattern.search(code):
                found.append(Location(path=path, line=number, snippet=redact(code)[:200]))
    return found


@shared
def ml_code(repo: Snapshot) -> set[str]:
    """Files of Python or notebooks that use an ML library (or any notebook)."""
    users = repo.mentions(*ML_KEYWORDS, suffixes=CODE)
    return users | {n.path for n in repo.notebooks}


def is_ml_repository(repo: Snapshot) -> bool:
    return bool(ml_code(repo))


def in_ml_repository(repo: Snapshot, verdict: Verdict) -> Verdict:
    """``verdict`` where the repository has ML code; not applicable anywhere else."""
    return verdict if is_ml_repository(repo) else not_applicable("no ML code in this repository")


def tools_used(
    repo: Snapshot, tools: Mapping[str, tuple[str, ...]], also_in: tuple[str, ...] = ()
) -> dict[str, list[Hit]]:
    """Which of ``tools`` (name → keywords) the code uses; ``also_in`` adds file suffixes."""
    used = {}
    for name, words in tools.items():
        found = code_hits(repo, *words)
        if not found and also_in:
            found = [h for h in hits(repo, *words) if h.path.endswith(also_in)]
        if found:
            used[name] = found
    return used


def passed_with(what: str, used: Mapping[str, list[Hit]]) -> Verdict:
    """``'<what> A, B'`` with every hit as a location."""
    return passed(
        f"{what} " + ", ".join(sorted(used)), *(at(h) for hits in used.values() for h in hits)
    )


DOCS = (".md", ".rst", ".adoc", ".html", ".htm")
DEPENDENCIES = re.compile(
    r"(^|/)(requirements[^/]*\.txt|pyproject\.toml|setup\.cfg|setup\.py|environment[^/]*\.ya?ml|Pipfile)$"
)


def _meant(hit: Hit, keyword: str) -> bool:
    """The keyword is really there: not in a comment, and an import names the whole module."""
    line = hit.text.strip()
    if line.startswith(("#", "//")):
        return False
    if keyword.startswith(("import ", "from ")):
        after = hit.text.partition(keyword)[2][:1]
        return after in ("", " ", ".", ",", ";", "\t", "\r", "\n")
    return True


def hits(repo: Snapshot, *keywords: str) -> list[Hit]:
    """Meant keyword hits outside documentation (README text does not make a tool used)."""
    return [
        h
        for k in keywords
        for h in repo.found(k)
        if not h.path.lower().endswith(DOCS) and _meant(h, k)
    ]


def code_hits(repo: Snapshot, *keywords: str) -> list[Hit]:
    """Meant keyword hits in Python, notebooks and dependency manifests."""
    return [
        h for h in hits(repo, *keywords) if h.path.endswith(CODE) or DEPENDENCIES.search(h.path)
    ]


@shared
def test_files(repo: Snapshot) -> list[str]:
    tests = set(repo.paths_with(TEST_FILE))
    tests.update(repo.matching_any(["**/*_test.py"]))
    return sorted(tests)
