"""Pipelines: training runs as a pipeline in an orchestrator, not as a sequence of manual steps."""

from __future__ import annotations

from mlmaturity.evidence.finding import Verdict, failed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    ML_KEYWORDS,
    in_ml_repository,
    passed_with,
    tools_used,
)
from mlmaturity.evidence.repo.snapshot import Snapshot

ORCHESTRATORS = {
    "Airflow": ("from airflow", "import airflow"),
    "Kubeflow Pipelines": ("from kfp", "import kfp"),
    "Prefect": ("from prefect", "import prefect"),
    "Dagster": ("from dagster", "import dagster"),
    "ZenML": ("from zenml", "import zenml"),
    "Metaflow": ("from metaflow", "import metaflow"),
    "Flyte": ("from flytekit", "import flytekit"),
    # Argo CD and Argo Rollouts share the apiVersion: the kind tells a workflow.
    "Argo Workflows": ("kind: Workflow", "kind: CronWorkflow", "from hera.workflows"),
    "SageMaker Pipelines": ("sagemaker.workflow",),
    "Vertex AI Pipelines": ("aiplatform.PipelineJob", "PipelineJob("),
    "Azure ML pipelines": ("azure.ai.ml.dsl", "from azure.ai.ml import dsl", "azureml.pipeline"),
}
"""Each orchestrator by its imports or manifests; a bare ``@pipeline`` decorator names none
(ZenML's, Azure ML's and others' look alike), the import above it does."""


@check(
    "pipeline-orchestrator-used",
    question="Does training run as an orchestrated pipeline (Airflow, Kubeflow, Prefect, Dagster …)?",
    source="repos",
    remediation="Express training as a pipeline in an orchestrator (Airflow, Kubeflow, Prefect, Dagster).",
    effort="high",
    keywords=tuple(k for words in ORCHESTRATORS.values() for k in words) + ML_KEYWORDS,
)
def pipeline_orchestrator_used(repo: Snapshot) -> Verdict:
    used = tools_used(repo, ORCHESTRATORS, also_in=(".yaml", ".yml"))
    if used:
        return passed_with("orchestrated with", used)
    return in_ml_repository(repo, failed("no pipeline orchestrator is used"))
