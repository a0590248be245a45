"""SARIF 2.1.0: findings as code-scanning results (GitHub, GitLab, Azure DevOps read it).

Failed checks are results at level ``warning`` (``error`` and a security severity for the
security checks); checks that could not decide are ``note``s; passing, not-applicable and
crashed checks are not results. Paths are relative to the scanned repository (``%SRCROOT%``)
and percent-encoded. An annotated finding carries an external suppression with its reason,
so it is shown as disputed, never hidden.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mlmaturity import __version__
from mlmaturity.evidence.finding import Finding, Location, Outcome
from mlmaturity.evidence.registry import CheckSpec, registered_checks
from mlmaturity.report.registry import report_format
from mlmaturity.scoring import Assessment

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SECURITY_SEVERITY = {
    "no-committed-secrets": "9.0",
    "safe-model-loading": "8.0",
    "no-pickle-artifacts": "7.0",
}
_LEVEL = {Outcome.FAIL: "warning", Outcome.INCONCLUSIVE: "note"}


def _rule(spec: CheckSpec) -> dict[str, Any]:
    security = spec.id in SECURITY_SEVERITY
    properties: dict[str, Any] = {
        "tags": ["mlops", spec.source, *(["security"] if security else [])],
        "lifecycle": spec.lifecycle,
        "effort": spec.effort,
    }
    if security:
        properties["security-severity"] = SECURITY_SEVERITY[spec.id]
    return {
        "id": spec.id,
        "name": "".join(part.capitalize() for part in spec.id.split("-")),
        "shortDescription": {"text": spec.question},
        "fullDescription": {"text": spec.question},
        "help": {"text": spec.remediation, "markdown": f"**How to fix**: {spec.remediation}"},
        "defaultConfiguration": {"level": "error" if security else "warning"},
        "properties": properties,
    }


def _physical(path: str, line: int | None, base: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"uri": quote(path)}
    if base:
        location["uriBaseId"] = base
    return {
        "physicalLocation": {
            "artifactLocation": location,
            **({"region": {"startLine": line}} if line else {}),
        }
    }


def _result(
    finding: Finding, rules: Mapping[str, int], prefix: str, base: str | None
) -> dict[str, Any] | None:
    was = finding.original_outcome or finding.outcome
    level = _LEVEL.get(was)
    if level is None or finding.check not in rules:
        return None
    if was == Outcome.FAIL and finding.check in SECURITY_SEVERITY:
        level = "error"
    places = list(finding.locations) or ([Location(path=finding.anchor)] if finding.anchor else [])
    located = [
        _physical(posixpath.join(prefix, p.path) if prefix else p.path, p.line, base)
        for p in places
    ]
    text = finding.detail + (f". {finding.remediation}" if finding.remediation else "")
    first = places[0].path if places else ""
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": rules[finding.check],
        "level": level,
        "message": {"text": text or finding.check},
        "locations": located[:1],
        "partialFingerprints": {"mlmaturity/v1": f"{finding.check}:{prefix}:{first}"},
    }
    if len(located) > 1:
        result["relatedLocations"] = [
            {"id": i, **loc} for i, loc in enumerate(located[1:], start=1)
        ]
    if finding.annotation:
        result["suppressions"] = [{"kind": "external", "justification": finding.annotation}]
    return result


def sarif_log(repositories: Iterable[tuple[str, str | None, Iterable[Finding]]]) -> dict[str, Any]:
    """One SARIF run per repository: ``(path prefix, absolute root or None, findings)``.

    With a root, paths are relative to it through ``%SRCROOT%``; without one, the prefix (the
    repository as a workspace lists it) is put in front of each path.
    """
    checks = registered_checks()
    rules = {check_id: index for index, check_id in enumerate(checks)}
    driver = {
        "name": "mlmaturity",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule(spec) for spec in checks.values()],
    }
    runs = []
    for prefix, root, findings in repositories:
        base = "%SRCROOT%" if root else None
        results = [r for f in findings if (r := _result(f, rules, "" if root else prefix, base))]
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }
        if root:
            run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": Path(root).as_uri() + "/"}}
        runs.append(run)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def sarif_text(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2) + "\n"


@report_format("sarif", suffix=".sarif", description="Findings for code scanning (SARIF 2.1.0)")
def render_sarif(assessment: Assessment, color: bool = False) -> str:
    by_subject: dict[str, list[Finding]] = {}
    for team in assessment.teams:
        for finding in team.findings:
            by_subject.setdefault(finding.subject, []).append(finding)
    return sarif_text(
        sarif_log((subject, None, found) for subject, found in sorted(by_subject.items()))
    )
