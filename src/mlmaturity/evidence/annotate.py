"""Apply annotations to findings: set aside, never hidden."""

from __future__ import annotations

from collections.abc import Sequence

from mlmaturity.annotation import Annotation
from mlmaturity.evidence.finding import Finding, Outcome


def annotate(finding: Finding, annotations: Sequence[Annotation]) -> Finding:
    """Apply the first matching annotation, keeping what the check said before."""
    match = next(
        (
            a
            for a in annotations
            if a.check == finding.check and a.subject in (None, finding.subject)
        ),
        None,
    )
    # Only what counts against a team can be disputed; a pass stays a pass.
    if match is None or finding.outcome in (Outcome.NOT_APPLICABLE, Outcome.PASS):
        return finding
    label = "accepted" if match.status == "accepted" else "not applicable"
    return finding.model_copy(
        update={
            "outcome": Outcome.NOT_APPLICABLE,
            "original_outcome": finding.outcome,
            "annotation": f"{label}: {match.reason}",
        }
    )
