"""The claims triage repository: tracked in MLflow and partly tested, trained and shipped by hand."""

from __future__ import annotations

from mlmaturity.demo.repos.common import notebook, pick, pickled_model, text

FEATURES = (
    "claim_amount",
    "days_to_report",
    "policy_tenure",
    "injury_reported",
    "third_party",
    "vehicle_value",
    "garage_network",
)
REQUIREMENTS = ("pandas", "scikit-learn", "mlflow", "joblib", "lightgbm", "pytest")
PINS = {
    "pandas": "2.2.3",
    "scikit-learn": "1.6.1",
    "mlflow": "3.1.0",
    "joblib": "1.4.2",
    "lightgbm": "4.6.0",
    "pytest": "8.3.5",
}


def files(practices: frozenset[str], revision: int) -> dict[str, str | bytes]:
    has = practices.__contains__
    features = pick(FEATURES, revision, 4 + revision % 3)
    f1 = 0.61 + 0.01 * (revision % 6)
    out: dict[str, str | bytes] = {}
    out["README.md"] = text(
        """
        # claims-triage

        Predicts the severity band of a new motor claim so handlers can triage it.

        Train: run `python -m claims.train` on the analytics VM, then follow DEPLOY.md.
        """
    )
    out["DEPLOY.md"] = text(
        """
        # Deploying a new model (by hand)

        1. Pick the best run in the MLflow UI and register it as `claims-severity`.
        2. Move the `prod` alias to the new version and set its `deployed_at` tag.
        3. Copy the model file to the scoring VM (`scp`) and restart the nightly job.
        4. Add a line to the deployments sheet.
        """
    )
    pinned = has("pinned")
    out["requirements.txt"] = "".join(
        f"{name}=={PINS[name]}\n" if pinned else f"{name}\n" for name in REQUIREMENTS
    )
    out["src/claims/__init__.py"] = '"""Claims severity triage."""\n'
    out["src/claims/features.py"] = text(
        f"""
        \"\"\"Features of a first notice of loss.\"\"\"

        import pandas as pd

        FEATURES = {features!r}


        def build(claims: pd.DataFrame) -> pd.DataFrame:
            out = claims.copy()
            out["days_to_report"] = (out["reported_at"] - out["occurred_at"]).dt.days
            out["injury_reported"] = out["injury_reported"].fillna(False).astype(int)
            return out[FEATURES]
        """
    )
    out["src/claims/train.py"] = _train(practices)
    loader = "import skops.io" if has("skops") else "import joblib"
    load = (
        'skops.io.load("/opt/claims/model.skops", trusted=["lightgbm.LGBMClassifier"])'
        if has("skops")
        else 'joblib.load("/opt/claims/model.joblib")'
    )
    out["src/claims/score.py"] = text(
        f"""
        \"\"\"Nightly scoring of the new claims (run by cron on the scoring VM).\"\"\"

        {loader}
        import pandas as pd

        from claims.features import build


        def main() -> None:
            model = {load}
            claims = pd.read_csv("/data/claims/new.csv", parse_dates=["reported_at", "occurred_at"])
            claims["severity"] = model.predict(build(claims))
            claims.to_csv("/data/claims/scored.csv", index=False)


        if __name__ == "__main__":
            main()
        """
    )
    run = None if has("stripped") else revision  # nbstripout clears outputs on commit
    out["notebooks/01_explore_claims.ipynb"] = notebook(
        [
            ("markdown", "# Claims extract: first look", []),
            (
                "code",
                'import pandas as pd\nclaims = pd.read_csv("../data/claims_2025.csv")\nclaims.shape',
                ["(48211, 23)"],
            ),
            (
                "code",
                'claims["severity_band"].value_counts()',
                ["low 31502", "medium 12107", "high 4602"],
            ),
            ("code", "claims.isna().mean().sort_values().tail()", ["injury_reported 0.12"]),
        ],
        run=run,
    )
    train_cells = [
        ("markdown", "# Severity model", []),
        ("code", "from claims import features, train", []),
        ("code", "model, scores = train.fit_and_score()\nscores", [f"{{'f1': {f1:.3f}}}"]),
    ]
    if has("tracking"):
        train_cells.append(
            (
                "code",
                'import mlflow\nmlflow.register_model(f"runs:/{train.last_run_id()}/model", "claims-severity")',
                ["Registered model 'claims-severity' already exists. Creating a new version."],
            )
        )
        train_cells.append(
            (
                "code",
                "from mlflow import MlflowClient\n"
                'MlflowClient().set_registered_model_alias("claims-severity", "prod", "7")',
                [],
            )
        )
    out["notebooks/02_train_severity.ipynb"] = notebook(train_cells, run=run)
    if not has("no-pickles"):
        out["models/claims_severity.joblib"] = pickled_model("LGBMClassifier", revision)
    else:
        out[".gitignore"] = "models/\n*.joblib\n"
    if has("tests"):
        out["tests/test_features.py"] = text(
            """
            import pandas as pd

            from claims.features import build


            def test_days_to_report():
                claims = pd.DataFrame(
                    {
                        "reported_at": pd.to_datetime(["2026-01-05"]),
                        "occurred_at": pd.to_datetime(["2026-01-01"]),
                        "injury_reported": [None],
                    }
                )
                assert build(claims.assign(claim_amount=1.0))["days_to_report"].iloc[0] == 4
            """
        )
    if has("ci"):
        out["pyproject.toml"] = text(
            f"""
            [project]
            name = "claims-triage"
            version = "0.{revision}.0"

            [tool.ruff]
            line-length = 110
            """
        )
        out[".gitlab-ci.yml"] = text(
            """
            stages: [test]

            test:
              stage: test
              image: python:3.11
              rules:
                - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                - if: $CI_COMMIT_BRANCH == "main"
              script:
                - pip install -r requirements.txt
                - ruff check .
                - pytest
            """
        )
        hooks = "      - id: ruff\n"
        if has("stripped"):
            hooks += "  - repo: https://github.com/kynan/nbstripout\n    rev: 0.8.1\n    hooks:\n      - id: nbstripout\n"
        out[".pre-commit-config.yaml"] = (
            "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.11.2\n"
            "    hooks:\n" + hooks
        )
    if has("stripped"):
        out[".gitattributes"] = "*.ipynb filter=nbstripout\n*.ipynb diff=ipynb\n"
    if has("config"):
        out["Makefile"] = "train:\n\tpython -m claims.train\n\ntest:\n\tpytest\n"
        out["params.yaml"] = text(
            f"""
            train:
              num_leaves: {31 + revision % 3 * 8}
              learning_rate: 0.05
              random_state: 11
            features: [{", ".join(features)}]
            """
        )
    if has("container"):
        out["Dockerfile"] = text(
            """
            FROM python:3.11-slim
            COPY requirements.txt .
            RUN pip install -r requirements.txt
            COPY src/ /app/src/
            CMD ["python", "-m", "claims.score"]
            """
        )
    if has("card"):
        out["MODEL_CARD.md"] = text(
            """
            # Model card: claims-severity

            ## Model Details
            LightGBM classifier of the severity band (low, medium, high) of a new motor claim.

            ## Intended use
            Ordering the claims handlers' queue. A handler always reviews the claim.

            ## Metrics
            Macro F1 on a holdout of the last two months of claims.
            """
        )
    if has("owners"):
        out["CODEOWNERS"] = "* @northwind/claims-analytics\n"
        out["docs/runbook.md"] = text(
            """
            # Runbook: nightly claims scoring

            - The job runs at 02:00 on claims-vm-2; its log is /var/log/claims-score.log.
            - If it fails, rerun it by hand and tell the claims operations lead.
            - To go back to the previous model, copy the previous file and move the `prod` alias.
            """
        )
    if has("data"):
        out[".dvc/config"] = text(
            """
            [core]
                remote = analytics
            ['remote "analytics"']
                url = s3://northwind-claims-analytics/dvc
            """
        )
        out["data/claims.parquet.dvc"] = (
            f"outs:\n- md5: {revision:04d}e2c43d05d8a4b7b2bc1a5e5e6f1c\n  size: 18340112\n  path: claims.parquet\n"
        )
        out["tests/test_data.py"] = text(
            """
            import pandas as pd


            def test_claims_extract():
                claims = pd.read_csv("tests/data/claims-sample.csv")
                assert not claims["claim_id"].duplicated().any()
                assert claims["claim_amount"].between(0, 500_000).all()
                assert not claims["occurred_at"].isna().any()
            """
        )
    if has("api"):
        out["src/claims/api.py"] = text(
            """
            \"\"\"Severity scores for the claims handling system, on request.\"\"\"

            import mlflow.pyfunc
            import pandas as pd
            from fastapi import FastAPI

            from claims.features import build

            app = FastAPI()
            model = mlflow.pyfunc.load_model("models:/claims-severity@prod")


            @app.post("/severity")
            def severity(claim: dict) -> dict:
                return {"severity_band": str(model.predict(build(pd.DataFrame([claim])))[0])}
            """
        )
    if has("iac"):
        out["infra/scoring-vm.tf"] = text(
            """
            resource "aws_instance" "claims_scoring" {
              ami           = "ami-0b9c4e1f6d2a7c3e5"
              instance_type = "m6i.large"
              tags          = { Name = "claims-vm-2", team = "claims", model = "claims-severity" }
            }
            """
        )
    return out


def _train(practices: frozenset[str]) -> str:
    tracking = "tracking" in practices
    seeded = "config" in practices
    metric = "test_f1"
    safe = "skops" in practices
    lines = [
        '"""Train the severity model (run by hand on the analytics VM)."""',
        "",
        "import skops.io" if safe else "import joblib",
        *(["import mlflow"] if tracking else []),
        "import pandas as pd",
        *(["import yaml"] if seeded else []),
        "from lightgbm import LGBMClassifier",
        "from sklearn.metrics import f1_score",
        "",
        "from claims.features import build",
        "",
        "",
        "def fit_and_score():",
        '    claims = pd.read_parquet("data/claims.parquet")',
        '    train, test = claims[claims.month < "2026-01"], claims[claims.month >= "2026-01"]',
        (
            '    params = yaml.safe_load(open("params.yaml"))["train"]\n'
            '    model = LGBMClassifier(num_leaves=params["num_leaves"], random_state=11)'
            if seeded
            else "    model = LGBMClassifier(num_leaves=31)"
        ),
        '    model.fit(build(train), train["severity_band"])',
        '    score = f1_score(test["severity_band"], model.predict(build(test)), average="macro")',
    ]
    if tracking:
        lines += [
            "    with mlflow.start_run():",
            '        mlflow.log_params({"num_leaves": model.num_leaves})',
        ]
        if "datasets" in practices:
            lines += [
                '        mlflow.log_input(mlflow.data.from_pandas(train, name="claims"), context="training")',
                '        mlflow.log_input(mlflow.data.from_pandas(test, name="holdout"), context="testing")',
            ]
        lines += [f'        mlflow.log_metric("{metric}", score)']
    lines += [
        (
            '    skops.io.dump(model, "models/claims_severity.skops")'
            if safe
            else '    joblib.dump(model, "models/claims_severity.joblib")'
        ),
        f'    return model, {{"{metric}": score}}',
        "",
        "",
        'if __name__ == "__main__":',
        "    fit_and_score()",
    ]
    return "\n".join(lines) + "\n"
