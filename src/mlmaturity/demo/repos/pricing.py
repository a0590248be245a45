"""The motor pricing repository: a Python package trained, gated and deployed by automation."""

from __future__ import annotations

from textwrap import indent

from mlmaturity.demo.repos.common import pick, text

FEATURES = (
    "driver_age",
    "years_licensed",
    "vehicle_group",
    "annual_mileage",
    "postcode_risk",
    "no_claims_years",
    "vehicle_age",
    "garaged_overnight",
)
DIGEST = "sha256:9f1c3a7e5b2d4c6a8e0f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2a4e6f8b0d1c3a"


def files(practices: frozenset[str], revision: int) -> dict[str, str | bytes]:
    has = practices.__contains__
    out: dict[str, str | bytes] = {}
    features = pick(FEATURES, revision, 5 + revision % 3)
    rate = 0.03 + 0.005 * (revision % 5)
    out["README.md"] = text(
        """
        # motor-pricing

        Claim-frequency model behind the motor insurance quote engine (model `motor-risk`).

        - `make train` trains, evaluates and logs a run to MLflow.
        - `make test` runs the unit, data and model quality tests.
        - Deployment: see docs/RUNBOOK.md.
        """
    )
    out["pyproject.toml"] = text(
        f"""
        [project]
        name = "motor-pricing"
        version = "2.{revision}.0"
        requires-python = ">=3.11"

        [tool.ruff]
        line-length = 100

        [tool.mypy]
        strict = true
        """
    )
    out["uv.lock"] = text(
        """
        version = 1
        requires-python = ">=3.11"

        [[package]]
        name = "scikit-learn"
        version = "1.6.1"

        [[package]]
        name = "mlflow"
        version = "3.1.0"
        """
    )
    out[".pre-commit-config.yaml"] = text(
        """
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.11.2
            hooks:
              - id: ruff
              - id: ruff-format
          - repo: https://github.com/pre-commit/mirrors-mypy
            rev: v1.15.0
            hooks:
              - id: mypy
        """
    ) + (
        indent(
            text(
                """
                - repo: https://github.com/gitleaks/gitleaks
                  rev: v8.24.0
                  hooks:
                    - id: gitleaks
                """
            ),
            "  ",
        )
        if has("security")
        else ""
    )
    out["Makefile"] = text(
        """
        .PHONY: train test deploy

        train:
        \tpython -m pricing.train

        test:
        \tpytest

        deploy:
        \tpython -m pricing.deploy --alias champion
        """
    ).replace("\\t", "\t")
    out["params.yaml"] = text(
        f"""
        train:
          learning_rate: {rate:.3f}
          max_iter: {300 + 25 * (revision % 4)}
          max_depth: 6
          random_state: 7
        evaluate:
          min_test_roc_auc: 0.70
        features: [{", ".join(features)}]
        """
    )
    out["src/pricing/__init__.py"] = '"""Motor claim-frequency model."""\n'
    out["src/pricing/data.py"] = text(
        """
        \"\"\"Load the policy and claims extract used for training.\"\"\"

        import pandas as pd


        def load_policies(path: str = "data/policies.parquet") -> pd.DataFrame:
            return pd.read_parquet(path)


        def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
            holdout = frame.sample(frac=0.2, random_state=7)
            return frame.drop(holdout.index), holdout
        """
    )
    out["src/pricing/features.py"] = text(
        f"""
        \"\"\"Rating factors computed from the policy extract.\"\"\"

        import pandas as pd

        FEATURES = {features!r}


        def build(frame: pd.DataFrame) -> pd.DataFrame:
            out = frame.copy()
            out["years_licensed"] = (out["driver_age"] - 17).clip(lower=0)
            out["annual_mileage"] = out["annual_mileage"].fillna(out["annual_mileage"].median())
            return out[FEATURES]
        """
    )
    out["src/pricing/train.py"] = _train(practices)
    out["src/pricing/evaluate.py"] = text(
        """
        \"\"\"Score the candidate on the holdout set; fail when it is below the agreed bar.\"\"\"

        import sys

        import yaml
        from sklearn.metrics import roc_auc_score


        def gate(y_true, y_score) -> float:
            bar = yaml.safe_load(open("params.yaml"))["evaluate"]["min_test_roc_auc"]
            auc = roc_auc_score(y_true, y_score)
            if auc < bar:
                sys.exit(f"test roc_auc {auc:.3f} is below {bar}")
            return auc
        """
    )
    out["src/pricing/service.py"] = text(
        """
        \"\"\"The scoring service the quote engine calls.\"\"\"

        import mlflow.pyfunc
        from fastapi import FastAPI

        app = FastAPI()
        model = mlflow.pyfunc.load_model("models:/motor-risk@champion")


        @app.post("/score")
        def score(quote: dict[str, float]) -> dict[str, float]:
            return {"claim_probability": float(model.predict([list(quote.values())])[0])}
        """
    )
    if has("tests"):
        out["tests/test_features.py"] = text(
            """
            import pandas as pd

            from pricing.features import build


            def test_years_licensed_never_negative():
                frame = pd.DataFrame({"driver_age": [16, 30], "annual_mileage": [None, 8000.0]})
                built = build(frame.reindex(columns=[*frame.columns, "vehicle_group"], fill_value=1))
                assert (built["years_licensed"] >= 0).all()
            """
        )
        out["tests/test_data.py"] = text(
            """
            import pandas as pd

            from pricing.data import load_policies


            def test_extract_is_complete():
                frame = load_policies("tests/data/policies-sample.parquet")
                assert not frame["driver_age"].isna().any()
                assert frame["driver_age"].between(17, 100).all()
                assert frame["policy_id"].is_unique
            """
        )
        out["tests/test_model_quality.py"] = text(
            """
            from sklearn.metrics import roc_auc_score

            from pricing.train import train_sample


            def test_holdout_roc_auc_above_bar():
                model, x_test, y_test = train_sample()
                assert roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]) >= 0.70
            """
        )
    if has("ci"):
        out[".github/workflows/ci.yml"] = _ci(practices)
    if has("ci-train"):
        out[".github/workflows/train.yml"] = _train_workflow(practices)
    if has("registry"):
        out["src/pricing/register.py"] = text(
            """
            \"\"\"Register the gated candidate and move the aliases.\"\"\"

            import mlflow
            from mlflow import MlflowClient

            MODEL = "motor-risk"


            def register(run_id: str, approved_by: str) -> str:
                version = mlflow.register_model(f"runs:/{run_id}/model", MODEL).version
                client = MlflowClient()
                client.set_model_version_tag(MODEL, version, "approved_by", approved_by)
                client.set_registered_model_alias(MODEL, "challenger", version)
                return version


            def promote(version: str) -> None:
                MlflowClient().set_registered_model_alias(MODEL, "champion", version)
            """
        )
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
    if has("docs"):
        out["MODEL_CARD.md"] = text(
            """
            # Model card: motor-risk

            ## Model Details
            Gradient-boosted trees estimating the probability of a claim within a policy year.

            ## Intended use
            Risk loading in the motor quote engine. Not for claims handling decisions.

            ## Metrics
            ROC AUC on a holdout of 20 % of policies, gated at 0.70.

            ## Limitations
            Trained on UK policies only; young drivers are under-represented.
            """
        )
        out["docs/RUNBOOK.md"] = text(
            """
            # Runbook: motor-risk scoring

            - Alert: p95 latency above 300 ms or error rate above 1 %: page the pricing on-call.
            - Roll back: move the `champion` alias to the previous version and redeploy.
            - Drift alert: check the weekly Evidently report before retraining by hand.
            """
        )
        out["CODEOWNERS"] = "# The pricing team owns the model code.\n* @northwind/pricing-ml\n"
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
    if has("pipeline"):
        out["src/pricing/pipeline.py"] = _pipeline(practices)
    if has("monitoring"):
        out["src/pricing/monitor.py"] = _monitor(practices)
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
    if has("validation"):
        out["src/pricing/schema.py"] = text(
            """
            \"\"\"The policy extract must look like this before anything trains on it.\"\"\"

            import pandera as pa

            POLICIES = pa.DataFrameSchema(
                {
                    "policy_id": pa.Column(str, unique=True),
                    "driver_age": pa.Column(int, pa.Check.in_range(17, 100)),
                    "annual_mileage": pa.Column(float, pa.Check.ge(0), nullable=True),
                    "claimed": pa.Column(int, pa.Check.isin([0, 1])),
                }
            )
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
    if has("fairness"):
        out["src/pricing/report.py"] = text(
            """
            \"\"\"The evaluation report: quality by segment, fairness and explanations.\"\"\"

            import shap
            from fairlearn.metrics import MetricFrame, selection_rate
            from sklearn.metrics import roc_auc_score


            def fairness(y_true, y_pred, sensitive) -> MetricFrame:
                return MetricFrame(metrics={"selection_rate": selection_rate}, y_true=y_true,
                                   y_pred=y_pred, sensitive_features=sensitive)


            def explain(model, sample):
                return shap.TreeExplainer(model).shap_values(sample)


            def by_segment(frame, scores):
                return {g: roc_auc_score(f["claimed"], scores[f.index]) for g, f in frame.groupby("region")}
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
    if has("robustness"):
        out["tests/test_robustness.py"] = text(
            """
            \"\"\"Small edits to a quote must not move the price much (quote manipulation).\"\"\"

            from art.attacks.evasion import HopSkipJump
            from art.estimators.classification import SklearnClassifier

            from pricing.train import train_sample


            def test_quote_manipulation_is_bounded():
                model, x_test, _ = train_sample()
                attack = HopSkipJump(SklearnClassifier(model), max_iter=5, max_eval=50)
                adversarial = attack.generate(x_test[:20])
                assert abs(model.predict_proba(adversarial)[:, 1] - model.predict_proba(x_test[:20])[:, 1]).max() < 0.2
            """
        )
    if has("card-generator"):
        out["src/pricing/model_card.py"] = text(
            """
            \"\"\"Write MODEL_CARD.md from the champion version's registry entry and metrics.\"\"\"

            from huggingface_hub import ModelCard, ModelCardData
            from mlflow import MlflowClient


            def generate() -> None:
                version = MlflowClient().get_model_version_by_alias("motor-risk", "champion")
                run = MlflowClient().get_run(version.run_id)
                data = ModelCardData(model_name="motor-risk", metrics=run.data.metrics)
                ModelCard.from_template(data, model_description=version.description).save("MODEL_CARD.md")
            """
        )
    return out


def _train(practices: frozenset[str]) -> str:
    if "tracking" in practices:
        imports = "import mlflow\n"
        fit = text(
            """
                with mlflow.start_run(tags={"trigger": args.trigger}):
                    mlflow.log_params(params)
                    mlflow.log_input(mlflow.data.from_pandas(train, name="policies"), context="training")
                    mlflow.log_input(mlflow.data.from_pandas(test, name="holdout"), context="testing")
                    model.fit(train.drop(columns="claimed"), train["claimed"])
                    skops.io.dump(model, "model/model.skops")
                    mlflow.log_artifact("model/model.skops", "model")
            """
        )
    else:
        imports = ""
        fit = text(
            """
                model.fit(train.drop(columns="claimed"), train["claimed"])
                skops.io.dump(model, "model/model.skops")
            """
        )
    return (
        text(
            """
            \"\"\"Train the claim-frequency model on the policy extract.\"\"\"

            import argparse

            IMPORTS
            import skops.io
            import yaml
            from sklearn.ensemble import HistGradientBoostingClassifier

            from pricing import data, features


            def train_sample():
                frame = features.build(data.load_policies("tests/data/policies-sample.parquet"))
                train, test = data.split(frame)
                model = HistGradientBoostingClassifier(random_state=7)
                model.fit(train.drop(columns="claimed"), train["claimed"])
                return model, test.drop(columns="claimed"), test["claimed"]


            def main() -> None:
                parser = argparse.ArgumentParser()
                parser.add_argument("--trigger", default="manual")
                args = parser.parse_args()
                params = yaml.safe_load(open("params.yaml"))["train"]
                train, test = data.split(features.build(data.load_policies()))
                model = HistGradientBoostingClassifier(**params)
            """
        ).replace("IMPORTS\n", imports)
        + indent(fit, "    ")
        + '\n\nif __name__ == "__main__":\n    main()\n'
    )


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


def _pipeline(practices: frozenset[str]) -> str:
    validate = "validation" in practices
    return text(
        f"""
        \"\"\"The training pipeline as a Prefect flow: {"validate, " if validate else ""}train, evaluate, register.\"\"\"

        from prefect import flow, task

        from pricing import data, features, train
        {"from pricing.schema import POLICIES" if validate else ""}


        @task
        def extract():
            frame = data.load_policies()
            {"return POLICIES.validate(frame)" if validate else "return frame"}


        @task
        def fit(frame):
            return train.main()


        @flow(name="motor-risk-training")
        def training(trigger: str = "scheduled") -> None:
            fit(features.build(extract()))


        if __name__ == "__main__":
            training()
        """
    )


def _monitor(practices: frozenset[str]) -> str:
    source = text(
        """
        \"\"\"Weekly drift report of the scoring data against the training reference.\"\"\"

        import pandas as pd
        from evidently import Report
        from evidently.presets import DataDriftPreset


        def weekly_report(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
            snapshot = Report([DataDriftPreset(method="psi", threshold=0.2)]).run(current, reference)
            snapshot.save_json(f"reports/motor-risk.{pd.Timestamp.now():%Y-%m-%d}.evidently.json")
            return snapshot.dict()
        """
    )
    if "drift-retrain" in practices:
        source += "\n\n" + text(
            """
            def retrain_on_drift(report: dict) -> None:
                \"\"\"Start the training workflow when more than a third of the features drifted.\"\"\"
                import requests

                share = report["metrics"][0]["value"]["share"]
                if share > 0.34:
                    requests.post(  # GitHub's repository_dispatch starts train.yml
                        "https://api.github.com/repos/northwind/motor-pricing/dispatches",
                        json={"event_type": "drift-detected"},
                        timeout=10,
                    )
            """
        )
    return source
