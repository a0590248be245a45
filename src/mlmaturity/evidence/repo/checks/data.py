"""Data: versioned (DVC with a remote, lakeFS), validated, served from a feature store."""

from __future__ import annotations

import configparser

from mlmaturity.evidence.finding import (
    Location,
    Verdict,
    at_path_locations,
    failed,
    not_applicable,
    passed,
)
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    ML_KEYWORDS,
    at,
    code_hits,
    hits,
    in_ml_repository,
    passed_with,
    tools_used,
)
from mlmaturity.evidence.repo.snapshot import Snapshot

DVC_CONFIG = "**/.dvc/config"
LAKEFS = ("lakefs", "lakectl", "lakefs_client", "lakefs_sdk")
VALIDATORS = {
    "Great Expectations": ("great_expectations",),
    "pandera": ("import pandera", "from pandera"),
    "TFDV": ("tensorflow_data_validation",),
    "Deepchecks": ("deepchecks",),
    "Soda": ("soda.scan", "from soda"),
}
FEATURE_STORES = (
    "from feast",
    "import feast",
    "hopsworks",
    "tecton",
    "featureform",
    "feature_store",
    "FeatureStore",
)


@check(
    "dvc-used",
    question="Is data versioned with DVC?",
    source="repos",
    remediation="Version datasets and models with DVC (dvc add / dvc.yaml) instead of copying files.",
    keywords=ML_KEYWORDS,
)
def dvc_used(repo: Snapshot) -> Verdict:
    files = repo.matching_any(["**/.dvc/config", "**/*.dvc", "**/dvc.yaml", "**/dvc.lock"])
    if files:
        return passed("DVC in use", *at_path_locations(files))
    return in_ml_repository(repo, failed("no DVC files (.dvc/config, dvc.yaml, *.dvc)"))


@check(
    "dvc-remote-configured",
    question="Does DVC have a remote, so data versions are shared (read from .dvc/config)?",
    source="repos",
    remediation="Configure a DVC remote (dvc remote add -d storage s3://…) and push data to it.",
    effort="low",
    reads=(DVC_CONFIG,),
)
def dvc_remote_configured(repo: Snapshot) -> Verdict:
    configs = repo.matching(DVC_CONFIG, repo.texts)
    if not configs:
        return not_applicable("DVC is not used")
    remotes, problems = [], []
    for path in configs:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(repo.text(path) or "", source=path)
        except configparser.Error as exc:
            problems.append(Location(path=path, snippet=f"cannot be read: {exc.message}"[:200]))
            continue
        # DVC writes sections as ['remote "name"'], older versions as [remote "name"].
        remotes += [
            section.strip("'").removeprefix("remote").strip().strip('"')
            for section in parser.sections()
            if section.strip("'").startswith("remote") and parser.has_option(section, "url")
        ]
    where = [Location(path=p) for p in configs]
    if remotes:
        return passed(
            f"DVC {'remote' if len(remotes) == 1 else 'remotes'}: " + ", ".join(remotes), *where
        )
    return failed("DVC has no remote with a url", *where, *problems)


@check(
    "lakefs-used",
    question="Is data versioned with lakeFS?",
    source="repos",
    remediation="Version data lakes with lakeFS branches and commits.",
    keywords=LAKEFS + ML_KEYWORDS,
)
def lakefs_used(repo: Snapshot) -> Verdict:
    found = code_hits(repo, *LAKEFS) or [
        h for h in hits(repo, *LAKEFS) if h.path.endswith((".yaml", ".yml"))
    ]
    if found:
        return passed("lakeFS in use", *(at(h) for h in found))
    return in_ml_repository(repo, failed("lakeFS is not used"))


@check(
    "data-validation-used",
    question="Is data validated by a library (Great Expectations, pandera, TFDV, Deepchecks, Soda)?",
    source="repos",
    remediation="Validate input data with Great Expectations, pandera or TFDV before training.",
    keywords=tuple(k for words in VALIDATORS.values() for k in words) + ML_KEYWORDS,
)
def data_validation_used(repo: Snapshot) -> Verdict:
    used = tools_used(repo, VALIDATORS)
    if used:
        return passed_with("data validation with", used)
    return in_ml_repository(repo, failed("no data validation library is used"))


@check(
    "feature-store-used",
    question="Are features served from a feature store (Feast, Hopsworks, Tecton …)?",
    source="repos",
    remediation="Define shared features once in a feature store (Feast, Hopsworks, a managed one).",
    effort="high",
    keywords=FEATURE_STORES + ML_KEYWORDS,
)
def feature_store_used(repo: Snapshot) -> Verdict:
    files = repo.named("feature_store.yaml")
    hits = code_hits(repo, *FEATURE_STORES)
    if files or hits:
        return passed("feature store in use", *at_path_locations(files), *(at(h) for h in hits))
    return in_ml_repository(repo, failed("no feature store is used"))
