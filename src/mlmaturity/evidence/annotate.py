"""Apply annotations to findings: set aside, never hidden."""

from __future__ import annotations

from collections.abc import Sequence

import pathspec

from mlmaturity.annotation import Annotation
from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.words import plural


def _uncovered(finding: Finding, annotation: Annotation) -> list[str]:
    """The finding's locations an annotation limited to some paths does not cover."""
    if not annotation.paths:
        return []
    spec = pathspec.GitIgnoreSpec.from_lines(annotation.paths)
    return [loc.path for loc in finding.locations if not spec.match_file(loc.path)]


def annotate(finding: Finding, annotations: Sequence[Annotation]) -> Finding:
    """Apply the first matching annotation, keeping what the check said before.

    An annotation limited to paths sets a finding aside only when it covers every location;
    otherwise the finding still counts, and its detail says how much was accepted.
    """
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
    uncovered = _uncovered(finding, match)
    if uncovered or (match.paths and not finding.locations):
        covered = len(finding.locations) - len(uncovered)
        note = (
            f" ({covered} of {plural(len(finding.locations), 'location')} {label} under "
            f"{', '.join(match.paths)}: {match.reason}; the others still count)"
        )
        return finding.model_copy(update={"detail": finding.detail + note})
    return finding.model_copy(
        update={
            "outcome": Outcome.NOT_APPLICABLE,
            "original_outcome": finding.outcome,
            "annotation": f"{label}: {match.reason}",
        }
    )
