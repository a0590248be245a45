"""The notebook-to-production gap: how much code lives in notebooks, and are outputs committed."""

from __future__ import annotations

from mlmaturity.evidence.finding import Location, Verdict, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.snapshot import Snapshot

MAX_NOTEBOOK_SHARE = 0.5
STRIPPERS = ("nbstripout", "nbdev_clean", "jupyter nbconvert --clear-output")


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


@check(
    "notebook-outputs-stripped",
    question="Are notebooks committed without outputs?",
    source="repos",
    remediation="Strip outputs before committing (nbstripout as a git filter or pre-commit hook).",
    effort="low",
    keywords=STRIPPERS,
)
def notebook_outputs_stripped(repo: Snapshot) -> Verdict:
    if not repo.notebooks:
        return not_applicable("no notebooks")
    with_outputs = [n for n in repo.notebooks if n.cells_with_outputs]
    if with_outputs:
        return failed(
            f"{len(with_outputs)} of {len(repo.notebooks)} notebook(s) have committed outputs",
            *(
                Location(path=n.path, snippet=f"{n.cells_with_outputs} cell(s) with outputs")
                for n in with_outputs
            ),
        )
    stripper = " (nbstripout configured)" if repo.found(*STRIPPERS) else ""
    return passed(f"no notebook has committed outputs{stripper}")
