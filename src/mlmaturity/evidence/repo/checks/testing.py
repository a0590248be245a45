"""Tests and code quality: tests exist, some touch data and model quality, linters are set up."""

from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass

from mlmaturity.evidence.finding import Location, Verdict, at_path_locations, failed, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import at, code_hits, test_files
from mlmaturity.evidence.repo.snapshot import Snapshot
from mlmaturity.words import plural

DATA_TEST_WORDS = (
    # data-validation libraries
    "pandera", "great_expectations", "deepchecks", "tensorflow_data_validation",
    "evidently.test", "from soda",
    # missing values
    "isna(", "isnull(", "notna(", "notnull(", ".hasnans", "null_count(", "is_null(",
    # ranges and uniqueness
    "between(", ".min() >", ".max() <", ".is_unique", "duplicated(", "is_duplicated(",
    # column sets and types
    ".columns)", ".columns ==", ".columns.tolist()", ".dtypes[", ".dtypes ==", ".dtype ==",
    "is_numeric_dtype(",
)  # fmt: skip
"""What a test that checks data calls or asserts; a bare word (``schema``, ``dtypes``) names
no data assertion (``test_api_schema`` checks an API)."""
MODEL_TEST_WORDS = (
    "accuracy", "f1_score", "roc_auc", "precision_score", "recall_score", "mean_squared_error",
    "mean_absolute_error", "r2_score", "log_loss",
)  # fmt: skip
TOOL_CONFIGS = ("pyproject.toml", "setup.cfg", "tox.ini", ".pre-commit-config.yaml")
TOOL_CONFIG_GLOBS = tuple(f"**/{name}" for name in TOOL_CONFIGS)


@dataclass(frozen=True)
class Tool:
    """Where a tool's configuration is found: its own files, its table or section name in the
    shared configuration files, and the ids of its pre-commit hooks."""

    files: tuple[str, ...] = ()
    section: str = ""
    hooks: tuple[str, ...] = ()


LINTERS = {
    "ruff": Tool(("ruff.toml", ".ruff.toml"), "ruff", ("ruff", "ruff-check", "ruff-format")),
    "flake8": Tool((".flake8",), "flake8", ("flake8",)),
    "pylint": Tool((".pylintrc", "pylintrc"), "pylint", ("pylint",)),
    "black": Tool((), "black", ("black", "black-jupyter")),
}
TYPE_CHECKERS = {
    "mypy": Tool(("mypy.ini", ".mypy.ini"), "mypy", ("mypy",)),
    "pyright": Tool(("pyrightconfig.json",), "pyright", ("pyright",)),
}


def _tests_mentioning(repo: Snapshot, words: tuple[str, ...]) -> list[Location]:
    """Test files mentioning any of the words (all of them, not a sample), with a line where known."""
    tests = set(test_files(repo)) & repo.mentions(*words)
    lines = {h.path: at(h) for h in code_hits(repo, *words) if h.path in tests}
    return [lines.get(path, Location(path=path)) for path in sorted(tests)]


@check(
    "tests-present",
    question="Does the repository contain automated tests?",
    source="repos",
    remediation="Add a tests/ folder with pytest tests for the feature and training code.",
    effort="low",
)
def tests_present(repo: Snapshot) -> Verdict:
    tests = test_files(repo)
    if tests:
        return passed(plural(len(tests), "test file"), *at_path_locations(tests))
    return failed("no test files (tests/, test_*.py, *_test.py)")


@check(
    "data-tests-present",
    question="Do tests check the data (schema, ranges, missing values)?",
    source="repos",
    remediation="Add tests or validation suites that assert the schema and ranges of input data.",
    keywords=DATA_TEST_WORDS,
)
def data_tests_present(repo: Snapshot) -> Verdict:
    hits = _tests_mentioning(repo, DATA_TEST_WORDS)
    if hits:
        return passed("tests check data", *hits)
    return failed("no test checks the schema, ranges or completeness of data")


@check(
    "model-quality-tests-present",
    question="Do tests check model quality against a threshold?",
    source="repos",
    remediation="Add a test that fails when a model's holdout metric drops below an agreed threshold.",
    keywords=MODEL_TEST_WORDS,
)
def model_quality_tests_present(repo: Snapshot) -> Verdict:
    hits = _tests_mentioning(repo, MODEL_TEST_WORDS)
    if hits:
        return passed("tests check model quality", *hits)
    return failed("no test asserts a model metric")


def _sections(repo: Snapshot, path: str) -> tuple[set[str], set[str]]:
    """The tool sections a shared configuration file holds, and its pre-commit hook ids,
    read with the formats' own parsers (tomllib, configparser, YAML); unreadable: none."""
    text = repo.text(path) or ""
    name = path.rpartition("/")[2].lower()
    if name == "pyproject.toml":
        try:
            tools = tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError:
            return set(), set()
        return (set(tools) if isinstance(tools, dict) else set()), set()
    if name.endswith((".cfg", ".ini")):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text)
        except configparser.Error:
            return set(), set()
        # [flake8], [mypy], [mypy-pkg.*], [tool:pytest]
        return {section.removeprefix("tool:").split("-")[0] for section in parser.sections()}, set()
    hooks = {
        str(hook.get("id"))
        for document in repo.yaml_documents(path)
        if isinstance(document, dict)
        for entry in document.get("repos") or []
        if isinstance(entry, dict)
        for hook in entry.get("hooks") or []
        if isinstance(hook, dict)
    }
    return set(), hooks


def _configured(repo: Snapshot, tools: dict[str, Tool]) -> dict[str, str]:
    """Each configured tool and the first file that configures it."""
    found: dict[str, str] = {}
    shared = [(path, *_sections(repo, path)) for path in repo.named(*TOOL_CONFIGS)]
    for name, tool in tools.items():
        for path in repo.named(*tool.files):
            found.setdefault(name, path)
        for path, sections, hooks in shared:
            if tool.section in sections or hooks & set(tool.hooks):
                found.setdefault(name, path)
    return found


@check(
    "lint-configured",
    question="Is a linter or formatter configured (ruff, flake8, pylint, black)?",
    source="repos",
    remediation="Configure ruff (or flake8/pylint and black) in pyproject.toml and run it in CI.",
    effort="low",
    reads=TOOL_CONFIG_GLOBS,
)
def lint_configured(repo: Snapshot) -> Verdict:
    found = _configured(repo, LINTERS)
    if found:
        return passed(
            "configured: " + ", ".join(sorted(found)),
            *at_path_locations(sorted(set(found.values()))),
        )
    return failed("no linter or formatter configuration")


@check(
    "type-check-configured",
    question="Is a type checker configured (mypy, pyright)?",
    source="repos",
    remediation="Configure mypy or pyright and run it in CI.",
    effort="low",
    reads=TOOL_CONFIG_GLOBS,
)
def type_check_configured(repo: Snapshot) -> Verdict:
    found = _configured(repo, TYPE_CHECKERS)
    if found:
        return passed(
            "configured: " + ", ".join(sorted(found)),
            *at_path_locations(sorted(set(found.values()))),
        )
    return failed("no type checker configuration")


@check(
    "precommit-configured",
    question="Are pre-commit hooks configured?",
    source="repos",
    remediation="Add a .pre-commit-config.yaml with the linters, formatters and nbstripout.",
    effort="low",
)
def precommit_configured(repo: Snapshot) -> Verdict:
    files = repo.named(".pre-commit-config.yaml", ".pre-commit-config.yml")
    if files:
        return passed("pre-commit configured", *at_path_locations(files))
    return failed("no .pre-commit-config.yaml")
