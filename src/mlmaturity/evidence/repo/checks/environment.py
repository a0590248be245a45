"""Environments: locked dependencies, pinned images, infrastructure as code, update and scan bots."""

from __future__ import annotations

import re

from mlmaturity.evidence.finding import (
    Location,
    Verdict,
    at_path_locations,
    failed,
    not_applicable,
    passed,
)
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import CI_FILES, at, ci_files, ci_lines, hits
from mlmaturity.evidence.repo.snapshot import Snapshot
from mlmaturity.words import plural

LOCK_FILES = (
    "poetry.lock",
    "uv.lock",
    "pipfile.lock",
    "pdm.lock",
    "conda-lock.yml",
    "requirements.lock",
)
REQUIREMENTS = "**/requirements*.txt"
PINNED = re.compile(
    r"^[A-Za-z0-9_.\-\[\],]+\s*===?\s*[^\s;*]+(\s*;.*)?(\s*\\)?$|^--hash|^\s*--hash"
)
ARG_LINE = re.compile(r"^\s*ARG\s+(\w+)=(\S+)", re.I)
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")
FROM_LINE = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.I)
DOCKERFILE = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*\.dockerfile|Containerfile)$", re.I)
IAC_FILES = (
    "*.tf",
    "**/*.tf",
    "**/Chart.yaml",
    "**/Pulumi.yaml",
    "**/kustomization.yaml",
    "**/*.bicep",
)
IAC_KEYWORDS = (
    "apiVersion:", "AWSTemplateFormatVersion", "aws_cdk", "import pulumi", "from pulumi",
    "@pulumi/",
)  # fmt: skip
UPDATE_BOTS = (
    "dependabot.yml",
    "dependabot.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
)
DEPENDENCY_SCANNERS = re.compile(
    r"pip-audit|safety check|\btrivy\b|\bgrype\b|\bsnyk\b|osv-scanner|dependency-review-action|"
    r"\bbandit\b|codeql",
    re.I,
)
SECRET_SCANNERS = re.compile(r"gitleaks|detect-secrets|trufflehog|ggshield|secret-scanning", re.I)


def _requirement_lines(text: str) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-r ", "-c ", "--", "-e ")):
            lines.append((number, line))
    return lines


@check(
    "dependencies-locked",
    question="Are dependencies locked (a lock file or fully pinned requirements)?",
    source="repos",
    remediation="Commit a lock file (uv.lock, poetry.lock) or pin every requirement with ==.",
    effort="low",
    reads=(REQUIREMENTS,),
)
def dependencies_locked(repo: Snapshot) -> Verdict:
    locks = repo.named(*LOCK_FILES)
    if locks:
        return passed("lock file committed", *at_path_locations(locks))
    # Documentation builds (docs/requirements.txt) are not the application's dependencies.
    requirement_files = [
        p for p in repo.matching(REQUIREMENTS) if not p.startswith(("doc/", "docs/"))
    ]
    declared = repo.named(
        "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml", "environment.yaml"
    )
    if not requirement_files and not declared:
        return not_applicable("no Python dependency declaration")
    if not requirement_files:
        return failed("dependencies are declared but not locked")
    loose = [
        Location(path=path, line=number, snippet=line)
        for path in requirement_files
        for number, line in _requirement_lines(repo.text(path) or "")
        if not PINNED.match(line)
    ]
    if loose:
        return failed(f"{plural(len(loose), 'requirement')} not pinned with ==", *loose)
    return passed("every requirement is pinned", *at_path_locations(requirement_files))


def _expand(image: str, args: dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: args.get(m.group(1) or m.group(2), m.group(0)), image)


@check(
    "container-images-pinned",
    question="Are container base images pinned by digest?",
    source="repos",
    remediation="Pin each FROM image by digest (image@sha256:…) so builds are reproducible.",
    effort="low",
    reads=("**/Dockerfile*", "**/*.dockerfile", "**/Containerfile*"),
)
def container_images_pinned(repo: Snapshot) -> Verdict:
    dockerfiles = sorted(p for p in repo.texts if DOCKERFILE.search(p))
    if not dockerfiles:
        return not_applicable("no Dockerfile")
    froms, unpinned = [], []
    for path in dockerfiles:
        stages: set[str] = set()  # earlier build stages may be named in FROM without a digest
        args: dict[str, str] = {}  # ARG defaults, so FROM ${BASE} is judged by what it names
        for number, line in enumerate((repo.text(path) or "").splitlines(), start=1):
            if arg := ARG_LINE.match(line):
                args[arg.group(1)] = arg.group(2).strip("\"'")
            match = FROM_LINE.match(line)
            if match is None:
                continue
            image = _expand(match.group(1), args)
            alias = match.group(2)
            where = Location(path=path, line=number, snippet=line.strip()[:200])
            froms.append(where)
            if "@sha256:" not in image and image.lower() not in stages | {"scratch"}:
                unpinned.append(where)
            if alias:
                stages.add(alias.lower())
    if unpinned:
        return failed(f"{plural(len(unpinned), 'base image')} not pinned by digest", *unpinned)
    return passed("every base image is pinned by digest", *froms)


@check(
    "iac-present",
    question="Is infrastructure defined as code (Terraform, Helm, Kubernetes, Pulumi, CloudFormation)?",
    source="repos",
    remediation="Describe training and serving infrastructure in Terraform, Helm or Kubernetes manifests.",
    keywords=IAC_KEYWORDS,
)
def iac_present(repo: Snapshot) -> Verdict:
    files = repo.matching_any(IAC_FILES)
    manifests = [
        h
        for h in hits(repo, *IAC_KEYWORDS)
        if h.path.endswith((".yaml", ".yml", ".json", ".py", ".ts"))
    ]
    if files or manifests:
        return passed(
            "infrastructure as code found", *at_path_locations(files), *(at(h) for h in manifests)
        )
    return failed("no Terraform, Helm, Kubernetes, Pulumi or CloudFormation definitions")


@check(
    "dependency-updates-automated",
    question="Is a dependency update bot configured (Dependabot, Renovate)?",
    source="repos",
    remediation="Configure Dependabot or Renovate to propose dependency updates.",
    effort="low",
)
def dependency_updates_automated(repo: Snapshot) -> Verdict:
    files = repo.named(*UPDATE_BOTS)
    if files:
        return passed("update bot configured", *at_path_locations(files))
    return failed("no Dependabot or Renovate configuration")


@check(
    "dependency-scan-in-ci",
    question="Does CI scan dependencies for known vulnerabilities?",
    source="repos",
    remediation="Run pip-audit, Trivy, Grype or Snyk in CI.",
    effort="low",
    reads=CI_FILES,
)
def dependency_scan_in_ci(repo: Snapshot) -> Verdict:
    if not ci_files(repo):
        return not_applicable("no CI configuration")
    lines = ci_lines(repo, DEPENDENCY_SCANNERS)
    if lines:
        return passed("CI scans dependencies", *lines)
    return failed("CI runs no dependency vulnerability scanner")


@check(
    "secret-scan-configured",
    question="Is secret scanning configured (gitleaks, detect-secrets) in pre-commit or CI?",
    source="repos",
    remediation="Add gitleaks or detect-secrets to pre-commit and CI.",
    effort="low",
    reads=(*CI_FILES, "**/.pre-commit-config.yaml"),
)
def secret_scan_configured(repo: Snapshot) -> Verdict:
    lines = ci_lines(repo, SECRET_SCANNERS)
    for path in repo.named(".pre-commit-config.yaml"):
        for n, line in enumerate((repo.text(path) or "").splitlines(), start=1):
            if SECRET_SCANNERS.search(line):
                lines.append(Location(path=path, line=n, snippet=line.strip()[:200]))
    if lines:
        return passed("secret scanning configured", *lines)
    return failed("no secret scanner in pre-commit or CI")
