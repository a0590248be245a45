"""Registry and serving: models registered with aliases, served, autoscaled, rolled out gradually."""

from __future__ import annotations

from mlmaturity.evidence.finding import Verdict, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    ML_KEYWORDS,
    at,
    code_hits,
    hits,
    in_ml_repository,
    shared,
)
from mlmaturity.evidence.repo.snapshot import Hit, Snapshot

REGISTRATION = (
    "register_model(", "registered_model_name", "create_registered_model", "create_model_version",
    "ModelPackage(", "Model.upload(", "ml_client.models.create_or_update", "log_model(",
)  # fmt: skip
ALIASES = (
    "set_registered_model_alias",
    "transition_model_version_stage",
    "get_model_version_by_alias",
    "@champion",
)
SERVING = {
    "BentoML": ("import bentoml", "from bentoml", "bentofile.yaml"),
    "KServe": ("serving.kserve.io", "from kserve", "import kserve"),
    "Seldon": ("seldon_core", "machinelearning.seldon.io", "SeldonDeployment"),
    "TorchServe": ("torchserve", "torch-model-archiver"),
    "Triton": ("tritonserver", "tritonclient"),
    "MLflow serving": ("mlflow models serve", "mlflow.pyfunc.serve", "mlflow models build-docker"),
    "Ray Serve": ("from ray import serve", "@serve.deployment"),
}
WEB_APPS = ("FastAPI(", "Flask(", "gr.Interface(", "st.cache_resource")
MODEL_LOADS = (
    "load_model(",
    "joblib.load(",
    "pickle.load(",
    "torch.load(",
    "mlflow.pyfunc.load_model",
    "onnxruntime",
)
AUTOSCALING = (
    "kind: HorizontalPodAutoscaler",
    "kind: ScaledObject",
    "autoscaling.knative.dev",
    "minReplicas",
    "register_scalable_target",
    "AutoscalingPolicy",
)
GPU = (
    "nvidia.com/gpu",
    "accelerator_type",
    "accelerator_count",
    "--gpus",
    "gpu_count",
    "ml.g4dn",
    "ml.g5",
    "ml.p3",
    "ml.p4d",
)
DEEP_LEARNING = (
    "import torch",
    "from torch",
    "import tensorflow",
    "from tensorflow",
    "import jax",
    "from transformers",
)
PROGRESSIVE = (
    "kind: Rollout",
    "flagger",
    "canaryTrafficPercent",
    "canary:",
    "trafficSplit",
    "blueGreen",
    "shadow_mode",
    "ShadowProductionVariants",
)


@shared
def _serving(repo: Snapshot) -> dict[str, list[Hit]]:
    found = {name: found for name, words in SERVING.items() if (found := hits(repo, *words))}
    apps = {h.path for h in code_hits(repo, *WEB_APPS)}
    loads = [h for h in code_hits(repo, *MODEL_LOADS) if h.path in apps]
    if loads:
        found["a web app loading a model"] = loads
    return found


@shared
def registrations(repo: Snapshot) -> list[Hit]:
    """Lines that register a model (``log_model`` only with ``registered_model_name``)."""
    return [
        h
        for h in code_hits(repo, *REGISTRATION)
        if "log_model(" not in h.text or "registered_model_name" in h.text
    ]


@check(
    "model-registry-used",
    question="Are models registered in a model registry?",
    source="repos",
    remediation="Register every trained model version in a registry (MLflow, SageMaker, Vertex, Azure ML).",
    keywords=REGISTRATION + ML_KEYWORDS,
)
def model_registry_used(repo: Snapshot) -> Verdict:
    hits = registrations(repo)
    if hits:
        return passed("models are registered", *(at(h) for h in hits))
    return in_ml_repository(repo, failed("no model registration in the code"))


@check(
    "registry-aliases-used",
    question="Are registry aliases or stages used to mark the production version?",
    source="repos",
    remediation="Promote versions with registry aliases (champion / challenger) instead of file names.",
    keywords=ALIASES + REGISTRATION,
)
def registry_aliases_used(repo: Snapshot) -> Verdict:
    hits = code_hits(repo, *ALIASES)
    if hits:
        return passed("registry aliases or stages in use", *(at(h) for h in hits))
    registered = registrations(repo)
    if not registered:
        return not_applicable("models are not registered here")
    return failed(
        "models are registered but never promoted with an alias or stage",
        *(at(h) for h in registered),
    )


@check(
    "model-serving-present",
    question="Is there serving code or configuration (BentoML, KServe, Seldon, TorchServe, Triton, a web app)?",
    source="repos",
    remediation="Package the model behind a standard serving interface (BentoML, KServe, MLflow serving).",
    keywords=tuple(k for v in SERVING.values() for k in v) + WEB_APPS + MODEL_LOADS + ML_KEYWORDS,
)
def model_serving_present(repo: Snapshot) -> Verdict:
    found = _serving(repo)
    if found:
        return passed(
            "serving with " + ", ".join(sorted(found)), *(at(h) for v in found.values() for h in v)
        )
    return in_ml_repository(repo, failed("no serving code or configuration"))


@check(
    "autoscaling-configured",
    question="Does serving autoscale (HPA, KEDA, Knative, SageMaker scaling policies)?",
    source="repos",
    remediation="Let serving scale with load: a HorizontalPodAutoscaler, KEDA or a managed scaling policy.",
    keywords=AUTOSCALING + tuple(k for v in SERVING.values() for k in v) + WEB_APPS + MODEL_LOADS,
)
def autoscaling_configured(repo: Snapshot) -> Verdict:
    found = hits(repo, *AUTOSCALING)
    if found:
        return passed("autoscaling configured", *(at(h) for h in found))
    if not _serving(repo):
        return not_applicable("no serving in this repository")
    return failed("serving does not autoscale")


@check(
    "gpu-resources-requested",
    question="Do deep-learning workloads request GPUs explicitly?",
    source="repos",
    remediation="Request GPUs explicitly (nvidia.com/gpu limits, accelerator types) for training and serving.",
    keywords=GPU + DEEP_LEARNING,
)
def gpu_resources_requested(repo: Snapshot) -> Verdict:
    found = hits(repo, *GPU)
    if found:
        return passed("GPU resources requested", *(at(h) for h in found))
    if not code_hits(repo, *DEEP_LEARNING):
        return not_applicable("no deep-learning code")
    return failed("deep-learning code, but no GPU request in any manifest or job definition")


@check(
    "progressive-delivery-configured",
    question="Are new model versions rolled out gradually (canary, shadow, blue-green)?",
    source="repos",
    remediation="Roll out new versions as a canary or in shadow mode (Argo Rollouts, Flagger, KServe canary).",
    effort="high",
    keywords=PROGRESSIVE + tuple(k for v in SERVING.values() for k in v) + WEB_APPS + MODEL_LOADS,
)
def progressive_delivery_configured(repo: Snapshot) -> Verdict:
    found = hits(repo, *PROGRESSIVE)
    if found:
        return passed("progressive delivery configured", *(at(h) for h in found))
    if not _serving(repo):
        return not_applicable("no serving in this repository")
    return failed("new versions replace the old one at once")
