"""Recording an assessment run in its workspace's history.

``record_run`` stores what the assessment was made from as it was read for it
(``mlmaturity.assess.assess_run``): the answers it scored and the digest of those very
bytes. The workspace digest is described in ``mlmaturity.inputs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlmaturity.inputs import workspace_digest
from mlmaturity.store.history import HistoryEntry, HistoryStore

if TYPE_CHECKING:  # assessing imports every collector: `history` and `diff` need none
    from pathlib import Path

    from mlmaturity.assess import AssessmentRun
    from mlmaturity.scoring.result import Assessment

__all__ = ["record_assessment", "record_run", "workspace_digest"]


def record_run(
    run: AssessmentRun, *, milestone: str | None = None, store: HistoryStore | None = None
) -> HistoryEntry:
    """Record ``run`` in ``store`` (default: its workspace's history) in one transaction."""
    with store or HistoryStore.for_workspace(run.workspace) as history:
        return history.record(
            run.assessment,
            answers=run.answers,
            workspace_digest=run.workspace_digest,
            milestone=milestone,
        )


def record_assessment(
    path: Path,
    assessment: Assessment,
    *,
    milestone: str | None = None,
    model_path: Path | None = None,
    store: HistoryStore | None = None,
) -> HistoryEntry:
    """Record ``assessment`` of the workspace at ``path``, with the answers and digest of its
    files as they are *now* (``model_path``: the model it used when not the workspace's).

    Prefer ``record_run(assess_run(path))``: files changed since the assessment read them
    (the survey saves after every answer) would be recorded here as if it had scored them.
    """
    from mlmaturity.assess import AssessmentRun
    from mlmaturity.inputs import read_inputs

    inputs = read_inputs(path, model_path)
    run = AssessmentRun(assessment, inputs.workspace, inputs.answers, inputs.digest)
    return record_run(run, milestone=milestone, store=store)
