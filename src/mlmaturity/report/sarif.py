"""SARIF 2.1.0: findings as code-scanning results (GitHub, GitLab, Azure DevOps read it).

Failed checks are results at level ``warning`` (``error`` for security checks), checks that
could not decide are ``note``; passing and not-applicable checks are not results. An annotated
finding carries an external suppression with its justification, so it is shown as disputed,
never hidden.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from mlmaturity import __version__
from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.evidence.registry import CheckSpec, registered_checks
from mlmaturity.report.registry import report_format
from mlmaturity.scoring import Assessment

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SECURITY_CHECKS = frozenset({"no-committed-secrets", "no-pickle-artifacts", "safe-model-loading"})
_LEVEL = {Outcome.FAIL: "warning", Outcome.ERROR: "note", Outcome.INCONCLUSIVE: "note"}


def _rule(spec: CheckSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": "".join(part.capitalize() for part in spec.id.split("-")),
        "shortDescription": {"text": spec.question},
        "help": {"text": spec.remediation},
        "defaultConfiguration": {"level": "error" if spec.id in SECURITY_CHECKS else "warning"},
        "properties": {
            "tags": ["mlops", spec.source],
            "lifecycle": spec.lifecycle,
            "effort": spec.effort,
        },
    }


def _uri(subject: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(subject, path)) if subject not in ("", ".") else path


def _locations(finding: Finding, anchor: str | None) -> list[dict[str, Any]]:
    located = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.subject, loc.path)},
                **({"region": {"startLine": loc.line}} if loc.line else {}),
            }
        }
        for loc in finding.locations
    ]
    if located or anchor is None:
        return located
    return [{"physicalLocation": {"artifactLocation": {"uri": _uri(finding.subject, anchor)}}}]


def _result(
    finding: Finding, rules: Mapping[str, int], anchor: str | None
) -> dict[str, Any] | None:
    was = finding.original_outcome or finding.outcome
    level = _LEVEL.get(was)
    if level is None or finding.check not in rules:
        return None
    if was == Outcome.FAIL and finding.check in SECURITY_CHECKS:
        level = "error"
    text = f"{finding.subject}: {finding.detail}" + (
        f". {finding.remediation}" if finding.remediation else ""
    )
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": rules[finding.check],
        "level": level,
        "message": {"text": text},
        "locations": _locations(finding, anchor),
        "partialFingerprints": {"mlmaturity/v1": f"{finding.subject}:{finding.check}"},
    }
    if finding.annotation:
        result["suppressions"] = [{"kind": "external", "justification": finding.annotation}]
    return result


def sarif_log(findings: Iterable[tuple[Finding, str | None]]) -> dict[str, Any]:
    """A SARIF log of ``(finding, anchor file)`` pairs, with every registered check as a rule."""
    checks = registered_checks()
    rules = {check_id: index for index, check_id in enumerate(checks)}
    results = [r for f, anchor in findings if (r := _result(f, rules, anchor)) is not None]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlmaturity",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(spec) for spec in checks.values()],
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def sarif_text(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2) + "\n"


@report_format("sarif", suffix=".sarif", description="Findings for code scanning (SARIF 2.1.0)")
def render_sarif(assessment: Assessment, color: bool = False) -> str:
    pairs = [(f, None) for team in assessment.teams for f in team.findings]
    return sarif_text(sarif_log(pairs))
