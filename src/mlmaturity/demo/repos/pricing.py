"""The motor pricing repository: a Python package trained, gated and deployed by automation."""

from __future__ import annotations

from textwrap import indent

from mlmaturity.demo.repos.common import pick, text
from mlmaturity.demo.repos.pricing_delivery import delivery_files
from mlmaturity.demo.repos.pricing_governance import governance_files

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
    if has("pipeline"):
        out["src/pricing/pipeline.py"] = _pipeline(practices)
    out.update(delivery_files(practices, revision))
    out.update(governance_files(practices, revision))
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
