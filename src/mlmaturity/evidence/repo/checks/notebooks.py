"""The notebook-to-production gap: how much code lives in notebooks, and are outputs committed."""

from __future__ import annotations

import re

from mlmaturity.evidence.finding import Location, Verdict, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.commands import INSTALLS, ci_commands
from mlmaturity.evidence.repo.checks.common import CI_FILES
from mlmaturity.evidence.repo.snapshot import Snapshot
from mlmaturity.words import plural

MAX_NOTEBOOK_SHARE = 0.5
GITATTRIBUTES = "**/.gitattributes"
PRECOMMIT = ("**/.pre-commit-config.yaml", "**/.pre-commit-config.yml")
STRIP_FILTER = re.compile(r"^\s*(\S+)\s.*\bfilter=(nbstripout|nb-clean)\b")
"""A .gitattributes line giving files (notebooks) to nbstripout's or nb-clean's git filter."""
STRIP_HOOK = re.compile(
    r"^\s*-?\s*id:\s*[\"']?(nbstripout|nbdev[-_]clean|nb-clean)[\"']?\s*(?:#.*)?$"
)
STRIP_COMMAND = re.compile(
    r"\b(?:nbstripout|nbdev[-_]clean|nb-clean\s+(?:check|clean))\b|\bnbconvert\b.*--clear-output"
)


@check(
    "notebook-code-share-low",
    question="Does most code live in modules rather than notebooks?",
    source="repos",
    remediation="Move code that trains or serves models out of notebooks into tested modules.",
    effort="high",
)
def notebook_code_share_low(repo: Snapshot) -> Verdict:
    in_notebooks, in_modules = repo.notebook_lines, repo.python_lines
    total = in_notebooks + in_modules
    if total == 0:
        return not_applicable("no Python code or notebooks")
    share = in_notebooks / total
    detail = f"{share:.0%} of code lines are in notebooks ({in_notebooks} of {total})"
    if share > MAX_NOTEBOOK_SHARE:
        largest = sorted(repo.notebooks, key=lambda n: -n.code_lines)[:10]
        return failed(
            detail, *(Location(path=n.path, snippet=f"{n.code_lines} code lines") for n in largest)
        )
    return passed(detail)


LOCAL = ".gitattributes filter", "pre-commit hook"
"""How stripping is configured on developers' machines (the CI step is the other way)."""


def strippers(repo: Snapshot) -> dict[str, list[Location]]:
    """Where outputs are stripped, as "tool (how)": a git filter, a pre-commit hook, a CI step."""
    found: dict[str, list[Location]] = {}
    for how, globs, pattern in (
        (LOCAL[0], (GITATTRIBUTES,), STRIP_FILTER),
        (LOCAL[1], PRECOMMIT, STRIP_HOOK),
    ):
        for path in repo.matching_any(globs):
            for number, line in enumerate((repo.text(path) or "").splitlines(), start=1):
                match = pattern.match(line)
                if match is None or (how == LOCAL[0] and not _for_notebooks(match.group(1))):
                    continue
                tool = match.group(match.lastindex or 1).replace("nbdev-clean", "nbdev_clean")
                where = Location(path=path, line=number, snippet=line.strip()[:200])
                found.setdefault(f"{tool} ({how})", []).append(where)
    for command in ci_commands(repo):
        for part in command.parts:
            if (step := STRIP_COMMAND.search(part)) and not INSTALLS.search(part):
                tool = step.group(0).split()[0].replace("nbdev-clean", "nbdev_clean")
                found.setdefault(f"{tool} (CI step)", []).append(command.location)
    return found


def _for_notebooks(pattern: str) -> bool:
    """A .gitattributes pattern that can match a notebook (``*.ipynb``, ``*``)."""
    return "ipynb" in pattern or pattern in ("*", "**", "**/*")


@check(
    "notebook-outputs-stripped",
    question="Are notebooks committed without outputs?",
    source="repos",
    remediation="Strip outputs before committing (nbstripout as a git filter or pre-commit hook).",
    effort="low",
    reads=(GITATTRIBUTES, *PRECOMMIT, *CI_FILES),
)
def notebook_outputs_stripped(repo: Snapshot) -> Verdict:
    if not repo.notebooks:
        return not_applicable("no notebooks")
    configured = strippers(repo)
    where = [loc for found in configured.values() for loc in found]
    with_outputs = [n for n in repo.notebooks if n.cells_with_outputs]
    if not with_outputs:
        by = f" (stripped by {', '.join(configured)})" if configured else ""
        return passed(f"no notebook has committed outputs{by}", *where)
    detail = f"{len(with_outputs)} of {plural(len(repo.notebooks), 'notebook')} "
    f"{'has' if len(with_outputs) == 1 else 'have'} committed outputs"
    local = [name for name in configured if name.endswith(tuple(f"({how})" for how in LOCAL))]
    if local:
        # Git filters and pre-commit hooks run only where each developer installed them.
        detail += f"; {', '.join(local)} is configured locally only: it strips outputs only "
        detail += "where a developer installed it"
    if ci := [name for name in configured if name not in local]:
        detail += f"; {', '.join(ci)} does not keep them out of the repository"
    return failed(
        detail,
        *(
            Location(path=n.path, snippet=f"{plural(n.cells_with_outputs, 'cell')} with outputs")
            for n in with_outputs
        ),
        *where,
    )
