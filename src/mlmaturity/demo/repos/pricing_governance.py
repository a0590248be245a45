"""How motor pricing watches and documents its model: the model card, runbook and owners,
data validation, drift monitoring (and, later, retraining on drift), fairness and
explanations, robustness tests and the generated model card."""

from __future__ import annotations

from mlmaturity.demo.repos.common import text


def governance_files(practices: frozenset[str], revision: int) -> dict[str, str | bytes]:
    has = practices.__contains__
    out: dict[str, str | bytes] = {}
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
    if has("monitoring"):
        out["src/pricing/monitor.py"] = _monitor(practices)
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
