"""The churn notebooks: everything in notebooks with their outputs, models pickled beside them."""

from __future__ import annotations

from mlmaturity.demo.repos.common import notebook, pickled_model, text


def files(practices: frozenset[str], revision: int) -> dict[str, str | bytes]:
    has = practices.__contains__
    accuracy = 0.78 + 0.004 * (revision % 7)
    out: dict[str, str | bytes] = {}
    out["README.md"] = text(
        """
        # churn-notebooks

        Churn propensity for the retention campaigns. Run the notebooks top to bottom;
        ask Lena for access to the customer extract.
        """
    )
    feature_code = (
        "from churn_features import add_features\ncustomers = add_features(customers)"
        if has("module")
        else 'customers["tenure_months"] = (pd.Timestamp("2026-01-01") - customers["start"]).dt.days // 30\n'
        'customers["calls_per_month"] = customers["service_calls"] / customers["tenure_months"].clip(lower=1)\n'
        'customers["discounted"] = customers["discount"] > 0'
    )
    cells = [
        ("markdown", "# Churn model (final v2)", []),
        (
            "code",
            'import pandas as pd\nimport pickle\ncustomers = pd.read_csv("../data/customers_sample.csv", parse_dates=["start"])',
            [],
        ),
        ("code", feature_code, []),
        (
            "code",
            "from sklearn.ensemble import RandomForestClassifier\n"
            "from sklearn.model_selection import train_test_split\n"
            'x_train, x_test, y_train, y_test = train_test_split(customers.drop(columns="churned"), customers["churned"])\n'
            "model = RandomForestClassifier(n_estimators=300).fit(x_train, y_train)\n"
            "model.score(x_test, y_test)",
            [f"{accuracy:.4f}"],
        ),
    ]
    if has("tracking"):
        cells.append(
            (
                "code",
                "import mlflow\n"
                'mlflow.set_experiment("churn")\n'
                "with mlflow.start_run():\n"
                '    mlflow.log_param("n_estimators", 300)\n'
                '    mlflow.log_metric("accuracy", model.score(x_test, y_test))',
                [],
            )
        )
    cells += [
        (
            "code",
            'with open("../models/churn_rf.pkl", "wb") as f:\n    pickle.dump(model, f)',
            [],
        ),
        (
            "code",
            'with open("../models/churn_rf.pkl", "rb") as f:\n    model = pickle.load(f)\n'
            'scores = model.predict_proba(customers.drop(columns="churned"))[:, 1]\n'
            "pd.Series(scores).describe()",
            [f"count 5000.0  mean {0.21 + 0.002 * revision:.3f}"],
        ),
        ("markdown", "Send `scores.csv` to the CRM team (Sam) on Mondays.", []),
    ]
    out["notebooks/churn_model_final_v2.ipynb"] = notebook(cells, run=revision)
    out["notebooks/segmentation.ipynb"] = notebook(
        [
            ("markdown", "# Customer segments", []),
            (
                "code",
                "from sklearn.cluster import KMeans\n"
                "segments = KMeans(n_clusters=5).fit_predict(customers[['tenure_months', 'premium']])",
                [],
            ),
            (
                "code",
                "pd.Series(segments).value_counts()",
                ["0 1720", "1 1302", "2 988", "3 610", "4 380"],
            ),
        ],
        run=revision,
    )
    out["data/customers_sample.csv"] = (
        "customer_id,start,premium,discount,service_calls,churned\n"
        + "".join(
            f"C{1000 + i},2024-{1 + i % 12:02d}-01,{420 + 13 * i},{i % 3 * 5},{i % 4},{int(i % 5 == 0)}\n"
            for i in range(40)
        )
    )
    out["models/churn_rf.pkl"] = pickled_model("RandomForestClassifier", revision)
    if has("uplift"):
        out["notebooks/campaign_uplift.ipynb"] = notebook(
            [
                ("markdown", "# Retention campaign uplift", []),
                (
                    "code",
                    'import pandas as pd\ncampaign = pd.read_csv("../data/campaign_results.csv")\n'
                    'campaign.groupby("treated")["renewed"].mean()',
                    ["treated", f"0 0.81{revision % 10}", f"1 0.84{(revision + 3) % 10}"],
                ),
            ],
            run=revision,
        )
    if has("requirements"):
        out["requirements.txt"] = "pandas\nscikit-learn\nmlflow\njupyterlab\n"
    if has("module"):
        out["src/churn_features.py"] = text(
            """
            \"\"\"Churn features, moved out of the notebook.\"\"\"

            import pandas as pd


            def add_features(customers: pd.DataFrame) -> pd.DataFrame:
                out = customers.copy()
                out["tenure_months"] = (pd.Timestamp("2026-01-01") - out["start"]).dt.days // 30
                out["calls_per_month"] = out["service_calls"] / out["tenure_months"].clip(lower=1)
                out["discounted"] = out["discount"] > 0
                return out
            """
        )
        out["tests/test_churn_features.py"] = text(
            """
            import pandas as pd

            from churn_features import add_features


            def test_tenure_is_whole_months():
                customers = pd.DataFrame(
                    {"start": pd.to_datetime(["2025-01-01"]), "service_calls": [3], "discount": [0]}
                )
                assert add_features(customers)["tenure_months"].iloc[0] == 12
            """
        )
    return out
