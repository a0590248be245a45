"""How motor pricing is built, delivered and run: CI and CD workflows, the container, the
infrastructure, data versioning, the feature store and the Kubernetes manifests."""

from __future__ import annotations

from mlmaturity.demo.repos.common import text

DIGEST = "sha256:9f1c3a7e5b2d4c6a8e0f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2a4e6f8b0d1c3a"


def delivery_files(practices: frozenset[str], revision: int) -> dict[str, str | bytes]:
    has = practices.__contains__
    out: dict[str, str | bytes] = {}
    if has("ci"):
        out[".github/workflows/ci.yml"] = _ci(practices)
    if has("ci-train"):
        out[".github/workflows/train.yml"] = _train_workflow(practices)
    if has("container"):
        out["Dockerfile"] = text(
            f"""
            FROM python:3.11-slim@{DIGEST}
            WORKDIR /app
            COPY uv.lock pyproject.toml ./
            RUN pip install --no-cache-dir uv && uv sync --frozen --no-dev
            COPY src/ src/
            CMD ["uvicorn", "pricing.service:app", "--host", "0.0.0.0", "--port", "8080"]
            """
        )
    if has("iac"):
        out["infra/main.tf"] = text(
            """
            # The scoring endpoint and the training data bucket of motor-pricing.
            resource "aws_s3_bucket" "training" {
              bucket = "northwind-motor-pricing-training"
              tags   = { team = "pricing", model = "motor-risk" }
            }

            resource "aws_ecs_service" "scoring" {
              name          = "motor-risk-scoring"
              desired_count = 2
              tags          = { team = "pricing", model = "motor-risk" }
            }
            """
        )
    if has("dvc"):
        out["dvc.yaml"] = text(
            """
            stages:
              train:
                cmd: python -m pricing.train
                deps: [data/policies.parquet, src/pricing]
                params: [train]
                outs: [model]
            """
        )
        out[".dvc/config"] = text(
            """
            [core]
                remote = storage
            ['remote "storage"']
                url = s3://northwind-motor-pricing-training/dvc
            """
        )
        out["data/policies.parquet.dvc"] = text(
            f"""
            outs:
            - md5: {revision:04d}b1946ac92492d2347c6235b4d2611
              size: 48213377
              path: policies.parquet
            """
        )
    if has("cd"):
        out[".github/workflows/deploy.yml"] = _deploy_workflow(practices)
        out["src/pricing/deploy.py"] = text(
            """
            \"\"\"Roll the champion version out to the scoring service.\"\"\"

            import argparse
            import subprocess

            from mlflow import MlflowClient


            def main() -> None:
                parser = argparse.ArgumentParser()
                parser.add_argument("--alias", default="champion")
                alias = parser.parse_args().alias
                version = MlflowClient().get_model_version_by_alias("motor-risk", alias).version
                subprocess.run(["kubectl", "set", "image", "deployment/motor-risk",
                                f"scoring=registry.northwind/motor-risk:{version}"], check=True)


            if __name__ == "__main__":
                main()
            """
        )
        out["deploy/k8s/deployment.yaml"] = text(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: motor-risk
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                    - name: scoring
                      image: registry.northwind/motor-risk:latest
                      resources:
                        requests: {cpu: 500m, memory: 1Gi}
            """
        )
    if has("feature-store"):
        out["feature_repo/feature_store.yaml"] = text(
            """
            project: motor_pricing
            registry: s3://northwind-features/registry.db
            provider: aws
            online_store: {type: dynamodb, region: eu-west-2}
            """
        )
        out["feature_repo/drivers.py"] = text(
            """
            from datetime import timedelta

            from feast import Entity, FeatureView, Field
            from feast.types import Float32, Int64

            driver = Entity(name="driver", join_keys=["driver_id"])

            driver_history = FeatureView(
                name="driver_history",
                entities=[driver],
                ttl=timedelta(days=365),
                schema=[Field(name="no_claims_years", dtype=Int64),
                        Field(name="postcode_risk", dtype=Float32)],
            )
            """
        )
    if has("autoscaling"):
        out["deploy/k8s/hpa.yaml"] = text(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: motor-risk
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: motor-risk}
              minReplicas: 2
              maxReplicas: 12
              metrics:
                - type: Resource
                  resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
            """
        )
    if has("dependabot"):
        out[".github/dependabot.yml"] = text(
            """
            version: 2
            updates:
              - package-ecosystem: pip
                directory: /
                schedule: {interval: weekly}
              - package-ecosystem: docker
                directory: /
                schedule: {interval: weekly}
            """
        )
    if has("canary"):
        out["deploy/k8s/rollout.yaml"] = text(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata:
              name: motor-risk
            spec:
              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {duration: 30m}
                    - analysis: {templates: [{templateName: quote-error-rate}]}
                    - setWeight: 50
                    - pause: {duration: 1h}
            """
        )
    return out


def _ci(practices: frozenset[str]) -> str:
    scans = (
        "      - run: uv run pip-audit\n      - run: uv run modelscan --path model/\n"
        if "security" in practices
        else ""
    )
    return (
        text(
            """
            name: ci
            on:
              push:
                branches: [main]
              pull_request:
            jobs:
              test:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/checkout@v4
                  - uses: astral-sh/setup-uv@v5
                  - run: uv sync --frozen
                  - run: uv run ruff check .
                  - run: uv run mypy src
                  - run: uv run pytest
            """
        )
        + scans
    )


def _train_workflow(practices: frozenset[str]) -> str:
    triggers = "on:\n  workflow_dispatch:\n"
    if "schedule" in practices:
        triggers += '  schedule:\n    - cron: "0 3 * * 1"\n'
    if "drift-retrain" in practices:
        triggers += "  repository_dispatch:\n    types: [drift-detected]\n"
    step = (
        "uv run python -m pricing.pipeline"
        if "pipeline" in practices
        else ("uv run python -m pricing.train --trigger ${{ github.event_name }}")
    )
    return (
        "name: train\n"
        + triggers
        + text(
            f"""
            jobs:
              train:
                runs-on: ubuntu-24.04
                env:
                  MLFLOW_TRACKING_URI: ${{{{ secrets.MLFLOW_TRACKING_URI }}}}
                steps:
                  - uses: actions/checkout@v4
                  - uses: astral-sh/setup-uv@v5
                  - run: uv sync --frozen
                  - run: {step}
                  - run: uv run python -m pricing.evaluate
                  - run: uv run python -m pricing.register
            """
        )
    )


def _deploy_workflow(practices: frozenset[str]) -> str:
    return text(
        """
        name: deploy
        on:
          workflow_run:
            workflows: [train]
            types: [completed]
        jobs:
          deploy:
            if: ${{ github.event.workflow_run.conclusion == 'success' }}
            runs-on: ubuntu-24.04
            environment: production
            steps:
              - uses: actions/checkout@v4
              - uses: astral-sh/setup-uv@v5
              - run: uv sync --frozen
              - run: uv run python -m pricing.deploy --alias champion
        """
    )
