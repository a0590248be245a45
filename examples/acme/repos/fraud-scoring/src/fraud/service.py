"""Serve the registered fraud model with BentoML."""

import bentoml

runner = bentoml.mlflow.get("fraud-scoring:latest").to_runner()
svc = bentoml.Service("fraud-scoring", runners=[runner])
