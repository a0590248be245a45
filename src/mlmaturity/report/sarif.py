"""SARIF 2.1.0: findings as code-scanning results (GitHub, GitLab, Azure DevOps read it).

Each location of a failed check is one result at level ``warning`` (``error`` and a security
severity for the security checks), each location of a check that could not decide is a
``note``; a finding without locations is one result at its ``anchor`` file. Passing,
not-applicable and crashed checks are not results. GitHub turns only a result's first
location into an alert, hence one location per result. Paths are relative to the scanned
repository (``%SRCROOT%``) and percent-encoded. An annotated finding carries an external
suppression with its reason, so it is shown as disputed, never hidden.

What GitHub reads and accepts is in "SARIF support for code scanning"
(docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/
sarif-support-for-code-scanning) and its limits table; the comments below cite it as
"GitHub's SARIF support page".
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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
    # GitHub's SARIF support page: "over 9.0 is critical, from 7.0 to 8.9 is high"; 9.0 itself
    # falls between the two, so a critical check says 9.5.
    "no-committed-secrets": "9.5",
    "safe-model-loading": "8.0",
    "no-pickle-artifacts": "7.0",
}
PRECISION = {
    # How often a result is right (GitHub orders alerts by it): token formats, parsed load
    # calls and pickle bytes are rarely wrong; the other checks are heuristics over names.
    "no-committed-secrets": "high",
    "safe-model-loading": "high",
    "no-pickle-artifacts": "high",
}
DEFAULT_PRECISION = "medium"

MAX_RESULTS_PER_RULE = 100
"""Results one rule may have in a run. GitHub rejects a run of over 25,000 results and shows
only the 5,000 most severe; 100 for each of the ~50 repository rules stays within both."""
MAX_RESULTS_PER_RUN = 25_000
"""GitHub's limit on results per run (its SARIF support page, "Validating your SARIF file")."""
MAX_RUNS_PER_FILE = 20
"""GitHub rejects a SARIF file of more runs (same table); the scan command warns about it."""
_TEXT_LIMIT = 1024  # shortDescription and fullDescription (GitHub's SARIF support page)
_NAME_LIMIT = 255  # reportingDescriptor.name (same page)
_LEVEL = {Outcome.FAIL: "warning", Outcome.INCONCLUSIVE: "note"}


def _rule(spec: CheckSpec) -> dict[str, Any]:
    security = spec.id in SECURITY_SEVERITY
    properties: dict[str, Any] = {
        "tags": ["mlops", spec.source, *(["security"] if security else [])],
        "precision": PRECISION.get(spec.id, DEFAULT_PRECISION),
        # GitHub reads problem.severity for rules that are not security rules; a security
        # rule is told by its security-severity (and its tag), as CodeQL's are.
        "problem.severity": "error" if security else "warning",
        "lifecycle": spec.lifecycle,
        "effort": spec.effort,
    }
    if security:
        properties["security-severity"] = SECURITY_SEVERITY[spec.id]
    question = _clip(spec.question, _TEXT_LIMIT)
    # No helpUri: SARIF wants an absolute URI to the rule's documentation, and mlmaturity has
    # no published documentation site to point at; the help below carries what to do.
    return {
        "id": spec.id,
        "name": _clip("".join(part.capitalize() for part in spec.id.split("-")), _NAME_LIMIT),
        "shortDescription": {"text": question},
        "fullDescription": {"text": question},
        "help": {
            "text": f"How to fix ({spec.effort} effort): {spec.remediation}",
            "markdown": (
                f"**How to fix** ({spec.effort} effort): {spec.remediation}\n\n"
                f"The check `{spec.id}` asks: {spec.question}"
            ),
        },
        "defaultConfiguration": {"level": "error" if security else "warning"},
        "properties": properties,
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str) -> str:
    """A SARIF plain-text message: braces doubled (§3.11.5, they would read as placeholders);
    where a "](" could read as an embedded link (§3.11.6), brackets and backslashes escaped."""
    text = text.replace("{", "{{").replace("}", "}}")
    if "](" in text:
        text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return text


def _physical(uri: str, line: int | None, base: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"uri": uri}
    if base:
        location["uriBaseId"] = base
    return {
        "physicalLocation": {
            "artifactLocation": location,
            # Kept as the finding gives it, notebooks too: a notebook hit's line is the
            # scanner's to get right, never remapped here.
            **({"region": {"startLine": line}} if line else {}),
        }
    }


def _fingerprint(identity: tuple[str, ...], occurrence: int) -> str:
    """Stable across line shifts: the check, the path and the snippet, never the line number;
    the occurrence tells apart equal snippets in one file, counted in the order of the hits."""
    digest = hashlib.sha256("\0".join(identity).encode()).hexdigest()[:16]
    return f"{digest}:{occurrence}"


def _places(finding: Finding) -> list[tuple[Location, bool]]:
    """Each distinct location, and whether it is the anchor: a finding without locations is
    shown at its anchor file, and identified by its check alone (the anchor is where to show
    it, not what it is)."""
    if not finding.locations:
        return [(Location(path=finding.anchor), True)] if finding.anchor else []
    seen: set[tuple[str, int | None, str]] = set()
    places = []
    for where in finding.locations:
        key = (where.path, where.line, where.snippet)
        if key not in seen:
            seen.add(key)
            places.append((where, False))
    return places


def _level(finding: Finding) -> str | None:
    was = finding.original_outcome or finding.outcome
    if was == Outcome.FAIL and finding.check in SECURITY_SEVERITY:
        return "error"
    return _LEVEL.get(was)


def _message(finding: Finding, where: Location) -> str:
    text = finding.detail or finding.check
    if where.snippet:
        text += f": {where.snippet}"
    if finding.remediation:
        text += f". {finding.remediation}"
    return _plain(text)


def _run(
    prefix: str,
    root: str | None,
    findings: Iterable[Finding],
    rules: Mapping[str, int],
    *,
    max_per_rule: int,
    max_per_run: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The results of one repository and the run's properties (what was left out, and why)."""
    base = "%SRCROOT%" if root else None
    results: list[dict[str, Any]] = []
    per_rule: Counter[str] = Counter()
    omitted: Counter[str] = Counter()
    occurrences: Counter[tuple[str, ...]] = Counter()
    unlocated: list[str] = []
    for finding in findings:
        level = _level(finding)
        if level is None or finding.check not in rules:
            continue
        places = _places(finding)
        if not places:  # GitHub rejects the whole file for a result without a location
            unlocated.append(finding.check)
            continue
        for where, anchored in places:
            if per_rule[finding.check] >= max_per_rule or len(results) >= max_per_run:
                omitted[finding.check] += 1
                continue
            per_rule[finding.check] += 1
            path = posixpath.join(prefix, where.path) if prefix else where.path
            key = (finding.check,) if anchored else (finding.check, path, where.snippet)
            occurrences[key] += 1
            result: dict[str, Any] = {
                "ruleId": finding.check,
                "ruleIndex": rules[finding.check],
                "level": level,
                "message": {"text": _message(finding, where)},
                "locations": [_physical(quote(path), where.line, base)],
                # GitHub's SARIF support page: code scanning "only uses the
                # primaryLocationLineHash", so ours goes under that name. upload-sarif
                # computes its own only where none is given, and logs that it differs.
                "partialFingerprints": {
                    "primaryLocationLineHash": _fingerprint(key, occurrences[key])
                },
            }
            if finding.annotation:
                result["suppressions"] = [{"kind": "external", "justification": finding.annotation}]
            results.append(result)
    properties: dict[str, Any] = {"resultsCapped": bool(omitted)}
    if omitted:
        properties["maxResultsPerRule"] = max_per_rule
        properties["maxResultsPerRun"] = max_per_run
        properties["omittedResults"] = dict(sorted(omitted.items()))
    if unlocated:
        properties["unlocatedFindings"] = sorted(set(unlocated))
    return results, properties


def _category(subject: str, taken: set[str]) -> str:
    """``mlmaturity/<subject>/``: GitHub reads an ``automationDetails.id`` as category/run-id,
    the category everything before the last slash (GitHub's SARIF support page,
    "runAutomationDetails object"), so the trailing slash makes the whole subject the category.
    Runs of one tool in one file need distinct categories (github.blog/changelog/
    2024-05-06-code-scanning-will-stop-combining-runs-from-a-single-upload), so a repeated
    subject gets a number. upload-sarif sets a category only on runs without one, so these win
    over its ``category`` input. Give the same path on every scan: the category is the key
    GitHub tracks alerts under."""
    name = posixpath.normpath(subject.replace("\\", "/")) if subject else "."
    category, number = f"mlmaturity/{name}", 1
    while category in taken:
        number += 1
        category = f"mlmaturity/{name}#{number}"
    taken.add(category)
    return category + "/"


def sarif_log(
    repositories: Iterable[tuple[str, str | None, Iterable[Finding]]],
    *,
    max_per_rule: int = MAX_RESULTS_PER_RULE,
    max_per_run: int = MAX_RESULTS_PER_RUN,
) -> dict[str, Any]:
    """One SARIF run per repository: ``(path prefix, absolute root or None, findings)``.

    With a root, paths are relative to it through ``%SRCROOT%``; without one, the prefix (the
    repository as a workspace lists it) is put in front of each path. A run whose results were
    cut to the limits says so in its properties (``resultsCapped``, ``omittedResults``).
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
    categories: set[str] = set()
    for prefix, root, findings in repositories:
        results, properties = _run(
            "" if root else prefix,
            root,
            findings,
            rules,
            max_per_rule=max_per_rule,
            max_per_run=max_per_run,
        )
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "automationDetails": {"id": _category(prefix, categories)},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": properties,
        }
        if root:
            run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": Path(root).as_uri() + "/"}}
        runs.append(run)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def sarif_text(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2) + "\n"


@report_format("sarif", suffix=".sarif", description="Findings for code scanning (SARIF 2.1.0)")
def render_sarif(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    by_subject: dict[str, dict[str, Finding]] = {}
    for team in assessment.teams:
        for finding in team.findings:  # two teams may list one repository: each finding once
            by_subject.setdefault(finding.subject, {})[finding.model_dump_json()] = finding
    return sarif_text(
        sarif_log(
            (subject, None, list(found.values())) for subject, found in sorted(by_subject.items())
        )
    )
