"""Governance: model cards, owners for ML code, explainability, fairness and runbooks."""

from __future__ import annotations

import re

import pathspec
import yaml

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
    in_ml_repository,
    ml_code,
)
from mlmaturity.evidence.repo.snapshot import Snapshot
from mlmaturity.words import plural

CODEOWNERS = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
MODEL_CARD = r"model[-_ ]?cards?(?:[-_/][^/\n]*)?(?:\.md|\.ya?ml|\.json|/)"
"""A path component (lowercase) naming a model card; see Snapshot.paths_with."""
CARD_KEYWORDS = ("model_card_toolkit", "ModelCard(", "ModelCardData")
README = "**/README.md"
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
MODEL_DETAILS = re.compile(r"^#{1,3}[ \t]+Model Details[ \t]*$", re.M | re.I)
NOT_MODEL_METADATA = frozenset(("sdk", "dataset_info", "configs", "task_categories"))
"""Front-matter keys of a Hugging Face Space or dataset card, which also carry a license."""
EXPLAINERS = (
    "import shap",
    "from shap",
    "import lime",
    "from lime",
    "captum",
    "interpret.glassbox",
    "alibi.explainers",
    "dalex",
)
FAIRNESS = ("fairlearn", "aif360", "fairness_indicators", "responsibleai")
RUNBOOK = r"run[-_ ]?books?(?:[-_/.][^/\n]*)?$"


@check(
    "model-card-present",
    question="Is there a model card documenting purpose, data, metrics and limits?",
    source="repos",
    remediation="Write a model card (MODEL_CARD.md) for each production model.",
    effort="low",
    reads=(README,),
    keywords=CARD_KEYWORDS + ML_KEYWORDS,
)
def model_card_present(repo: Snapshot) -> Verdict:
    files = repo.paths_with(MODEL_CARD)
    hits = code_hits(repo, *CARD_KEYWORDS)
    readmes = [card for path in repo.matching(README, repo.texts) if (card := _card(repo, path))]
    if files or hits or readmes:
        return passed(
            "model card found", *at_path_locations(files), *(at(h) for h in hits), *readmes
        )
    return in_ml_repository(repo, failed("no model card"))


def _card(repo: Snapshot, path: str) -> Location | None:
    """A README that is a Hugging Face model card: model metadata in its YAML front matter
    (``model-index``, or a ``license`` that is not a Space's or a dataset's), or a
    ``## Model Details`` section; where it says so."""
    text = repo.text(path) or ""
    if front := FRONT_MATTER.match(text):
        try:
            metadata = yaml.safe_load(front.group(1) or "")
        except (yaml.YAMLError, RecursionError):
            metadata = None
        keys = set(metadata) if isinstance(metadata, dict) else set()
        key = "model-index" if "model-index" in keys else "license"
        if key in keys and (key == "model-index" or not keys & NOT_MODEL_METADATA):
            at_key = re.search(rf"^{key}\s*:", text[: front.end()], re.M)
            line = text.count("\n", 0, at_key.start()) + 1 if at_key else 1
            return Location(path=path, line=line, snippet=f"Hugging Face model card ({key})")
    if details := MODEL_DETAILS.search(text):
        line = text.count("\n", 0, details.start()) + 1
        return Location(path=path, line=line, snippet=details.group(0).strip())
    return None


@check(
    "codeowners-cover-ml",
    question="Does a CODEOWNERS file name owners for the ML code?",
    source="repos",
    remediation="Add a CODEOWNERS file whose rules cover the training, serving and notebook code.",
    effort="low",
    reads=CODEOWNERS,
    keywords=ML_KEYWORDS,
)
def codeowners_cover_ml(repo: Snapshot) -> Verdict:
    owners_file = next((p for p in CODEOWNERS if repo.text(p) is not None), None)
    if owners_file is None:
        return in_ml_repository(repo, failed("no CODEOWNERS file"))
    ml_files = sorted(ml_code(repo))
    rules = [
        line.split()[0]
        for line in (repo.text(owners_file) or "").splitlines()
        if line.strip() and not line.lstrip().startswith("#") and len(line.split()) > 1
    ]
    spec = pathspec.GitIgnoreSpec.from_lines(rules)
    if not ml_files:
        return not_applicable("no ML code in this repository")
    uncovered = [p for p in ml_files if not spec.match_file(p)]
    where = Location(path=owners_file)
    if uncovered:
        return failed(
            f"{plural(len(uncovered), 'ML file')} {'has' if len(uncovered) == 1 else 'have'} no owner",
            where,
            *at_path_locations(uncovered),
        )
    return passed(f"every ML file ({len(ml_files)}) has an owner", where)


@check(
    "explainability-used",
    question="Are model predictions explained (SHAP, LIME, Captum, InterpretML)?",
    source="repos",
    remediation="Explain predictions with SHAP, LIME or Captum and keep the explanations with the model.",
    keywords=EXPLAINERS + ML_KEYWORDS,
)
def explainability_used(repo: Snapshot) -> Verdict:
    hits = code_hits(repo, *EXPLAINERS)
    if hits:
        return passed("explainability tooling used", *(at(h) for h in hits))
    return in_ml_repository(repo, failed("no explainability library is used"))


@check(
    "fairness-assessed",
    question="Is fairness assessed (Fairlearn, AIF360, Fairness Indicators)?",
    source="repos",
    remediation="Assess fairness across groups with Fairlearn or AIF360 for models that affect people.",
    keywords=FAIRNESS + ML_KEYWORDS,
)
def fairness_assessed(repo: Snapshot) -> Verdict:
    hits = code_hits(repo, *FAIRNESS)
    if hits:
        return passed("fairness assessed", *(at(h) for h in hits))
    return in_ml_repository(repo, failed("no fairness assessment"))


@check(
    "runbook-present",
    question="Is there a runbook for operating the model?",
    source="repos",
    remediation="Write a runbook: how to tell the model is unhealthy, how to roll back, whom to call.",
    effort="low",
    keywords=ML_KEYWORDS,
)
def runbook_present(repo: Snapshot) -> Verdict:
    files = repo.paths_with(RUNBOOK)
    if files:
        return passed("runbook found", *at_path_locations(files))
    return in_ml_repository(repo, failed("no runbook"))
