"""Experiments and reproducibility: tracking, a declared entry point, seeds, managed configuration."""

from __future__ import annotations

from mlmaturity.evidence.finding import Verdict, at_path_locations, failed, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    ML_KEYWORDS,
    at,
    code_hits,
    in_ml_repository,
    passed_with,
    tools_used,
)
from mlmaturity.evidence.repo.snapshot import Snapshot

TRACKERS = {
    "MLflow": ("import mlflow", "from mlflow", "mlflow.start_run", "mlflow.autolog"),
    "Weights & Biases": ("import wandb", "wandb.init"),
    "Neptune": ("import neptune", "neptune.init"),
    "Comet": ("import comet_ml", "from comet_ml"),
    "ClearML": ("from clearml", "import clearml"),
    "Aim": ("from aim import", "import aim"),
    "DVCLive": ("from dvclive", "import dvclive"),
}
TRACKER_KEYWORDS = tuple(k for words in TRACKERS.values() for k in words)
SEEDS = (
    "random.seed(", "np.random.seed(", "numpy.random.seed(", "manual_seed(", "set_seed(",
    "seed_everything(", "tf.random.set_seed(", "random_state=", "PYTHONHASHSEED",
)  # fmt: skip
CONFIG_TOOLS = (
    "import hydra",
    "from hydra",
    "@hydra.main",
    "OmegaConf",
    "import gin",
    "from gin",
    "pydantic_settings",
)
# params.yaml (DVC), Hydra's conf/ folder; never a tool's own config.yml (.circleci/ …).
CONFIG_FILE = r"(?:params\.ya?ml|conf/[^/\n]+\.ya?ml|hydra\.ya?ml)$"


@check(
    "experiment-tracking-used",
    question="Does the code log experiments to a tracker (MLflow, W&B, Neptune, Comet, ClearML, Aim)?",
    source="repos",
    remediation="Log parameters, metrics and artifacts of every training run to a tracking server.",
    effort="low",
    keywords=TRACKER_KEYWORDS + ML_KEYWORDS,
)
def experiment_tracking_used(repo: Snapshot) -> Verdict:
    used = tools_used(repo, TRACKERS)
    if used:
        return passed_with("tracking with", used)
    return in_ml_repository(repo, failed("no experiment tracker is used"))


@check(
    "mlproject-present",
    question="Is there one declared entry point for training (MLproject, dvc.yaml, a Makefile target)?",
    source="repos",
    remediation="Declare how to train in one place: an MLproject file, a dvc.yaml pipeline or `make train`.",
    effort="low",
    reads=("**/Makefile",),
    keywords=ML_KEYWORDS,
)
def mlproject_present(repo: Snapshot) -> Verdict:
    declared = repo.named("MLproject", "dvc.yaml")
    makefiles = [p for p in repo.named("Makefile") if "\ntrain" in "\n" + (repo.text(p) or "")]
    if declared or makefiles:
        return passed("training entry point declared", *at_path_locations(declared + makefiles))
    return in_ml_repository(repo, failed("no MLproject, dvc.yaml or `train` Makefile target"))


@check(
    "random-seeds-set",
    question="Does the training code set random seeds?",
    source="repos",
    remediation="Set the seeds of every source of randomness (random, numpy, the ML framework).",
    effort="low",
    keywords=SEEDS + ML_KEYWORDS,
)
def random_seeds_set(repo: Snapshot) -> Verdict:
    found = code_hits(repo, *SEEDS)
    if found:
        return passed("random seeds are set", *(at(h) for h in found))
    return in_ml_repository(repo, failed("no random seed is set in the code"))


@check(
    "config-managed",
    question="Is configuration kept apart from code (Hydra, params.yaml, OmegaConf, gin)?",
    source="repos",
    remediation="Move hyperparameters and paths into configuration files (params.yaml, Hydra).",
    keywords=CONFIG_TOOLS + ML_KEYWORDS,
)
def config_managed(repo: Snapshot) -> Verdict:
    files = [p for p in repo.paths_with(CONFIG_FILE) if "/." not in f"/{p}"]
    hits = code_hits(repo, *CONFIG_TOOLS)
    if files or hits:
        return passed("configuration is managed", *at_path_locations(files), *(at(h) for h in hits))
    return in_ml_repository(
        repo, failed("no configuration management (Hydra, params.yaml, OmegaConf, gin)")
    )
