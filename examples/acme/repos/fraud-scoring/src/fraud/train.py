"""Train the fraud model and log it to MLflow."""

import argparse

import mlflow
from sklearn.ensemble import HistGradientBoostingClassifier

from fraud.data import load_training_frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    frame = load_training_frame(sample=args.smoke)
    with mlflow.start_run():
        model = HistGradientBoostingClassifier(random_state=42, max_iter=200)
        model.fit(frame.drop(columns="is_fraud"), frame["is_fraud"])
        mlflow.sklearn.log_model(model, "model", registered_model_name="fraud-scoring")


if __name__ == "__main__":
    main()
