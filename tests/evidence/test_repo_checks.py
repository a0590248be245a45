"""Each repository check as a table: a tiny git repository in, the expected outcome out."""

from __future__ import annotations

import pytest

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.evidence.repo.collector import assess_repository

PASS, FAIL, NA, INC = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.INCONCLUSIVE
ML = {"train.py": "import sklearn\nfrom sklearn.linear_model import LogisticRegression\n"}
GHA = ".github/workflows/ci.yml"


def ci(*steps: str, on: str = "push") -> dict[str, str]:
    runs = "\n".join(f"      - run: {s}" for s in steps)
    return {GHA: f"on: {on}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n{runs}\n"}


WEEKLY = "\n  schedule:\n    - cron: '0 3 * * 1'"
NIGHTLY_DOCS = {
    GHA: "on:\n  schedule:\n    - cron: '0 2 * * *'\njobs:\n  deploy-docs:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: mkdocs gh-deploy --force\n"
}
CRONJOB = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n"
    "  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          topologySpreadConstraints: []\n          containers:\n            - name: job\n"
    "              image: org/ml:1\n              command: [sh, -c, '{}']\n"
)
JENKINS_NIGHTLY = (
    "pipeline {{\n  triggers {{ cron('H 3 * * *') }}\n  stages {{\n    stage('nightly') {{\n"
    "      steps {{ sh '{}' }}\n    }}\n  }}\n}}\n"
)
API_SCHEMA_TEST = {
    "tests/test_api.py": "def test_api_schema(client):\n"
    "    assert client.get('/openapi.json').json()['schema']\n"
}
CLEAN_NB = {"n.ipynb": '{"cells": [{"cell_type": "code", "source": [], "outputs": []}]}'}
DIRTY_NB = {
    "n.ipynb": '{"cells": [{"cell_type": "code", "source": [], '
    '"outputs": [{"output_type": "stream"}]}]}'
}
NBSTRIPOUT_FILTER = {".gitattributes": "*.ipynb filter=nbstripout\n"}
ZENML = {
    **ML,
    "pipe.py": "from zenml import pipeline, step\n\n@pipeline\ndef training():\n    pass\n",
}


CASES = [
    # continuous integration
    ("ci-present", ci("make"), PASS),
    ("ci-present", {".gitlab-ci.yml": "test:\n  script: [pytest]\n"}, PASS),
    ("ci-present", {"Jenkinsfile": "pipeline {}\n"}, PASS),
    ("ci-present", {".circleci/config.yml": "version: 2.1\n"}, PASS),
    ("ci-present", {"azure-pipelines.yml": "steps: []\n"}, PASS),
    ("ci-present", {"README.md": "# x\n"}, FAIL),
    ("ci-runs-tests", ci("pytest -q"), PASS),
    ("ci-runs-tests", ci("echo hi"), FAIL),
    ("ci-runs-tests", {"README.md": "x"}, NA),
    ("ci-runs-ml-steps", {**ML, **ci("python train.py")}, PASS),
    ("ci-runs-ml-steps", {**ML, **ci("dvc repro")}, PASS),
    ("ci-runs-ml-steps", {**ML, **ci("pytest")}, FAIL),
    ("ci-runs-ml-steps", ci("pytest"), NA),
    (
        "training-scheduled",
        {**ML, **ci("python train.py", on="\n  schedule:\n    - cron: '0 3 * * 1'")},
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, "dags/train.py": "from airflow import DAG\nDAG('t', schedule_interval='@daily')\n"},
        PASS,
    ),
    ("training-scheduled", {**ML, "k8s/job.yaml": "kind: CronJob\n"}, FAIL),  # runs what?
    ("training-scheduled", ML, FAIL),
    ("training-scheduled", {"README.md": "x"}, NA),
    # tests and code quality
    ("tests-present", {"tests/test_a.py": "def test_a(): pass\n"}, PASS),
    ("tests-present", {"pkg/model_test.py": "def test_a(): pass\n"}, PASS),
    ("tests-present", {"pkg/model.py": "x = 1\n"}, FAIL),
    (
        "data-tests-present",
        {"tests/test_data.py": "def test_nulls(df):\n    assert not df.isnull().any().any()\n"},
        PASS,
    ),
    ("data-tests-present", {"tests/test_a.py": "def test_a(): assert 1\n"}, FAIL),
    (
        "model-quality-tests-present",
        {"tests/test_model.py": "def test_q(m):\n    assert m.accuracy > 0.9\n"},
        PASS,
    ),
    ("model-quality-tests-present", {"tests/test_a.py": "def test_a(): assert 1\n"}, FAIL),
    ("lint-configured", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, PASS),
    ("lint-configured", {".flake8": "[flake8]\n"}, PASS),
    ("lint-configured", {"pyproject.toml": "[project]\nname = 'x'\n"}, FAIL),
    # A table named in a string is no table; a broken pyproject configures nothing.
    ("lint-configured", {"pyproject.toml": 'doc = """\n[tool.ruff]\n"""\n'}, FAIL),
    ("lint-configured", {"pyproject.toml": "[tool.ruff\n"}, FAIL),
    ("lint-configured", {"pyproject.toml": "[tool.black]\nline-length = 100\n"}, PASS),
    (
        "lint-configured",
        {"setup.cfg": "[metadata]\nname = x\n[flake8]\nmax-line-length = 99\n"},
        PASS,
    ),
    (
        "lint-configured",
        {
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.6.0\n    hooks:\n      - id: ruff\n"
        },
        PASS,
    ),
    (
        "lint-configured",
        {
            ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: check-yaml\n"
        },
        FAIL,
    ),
    ("type-check-configured", {"pyproject.toml": "[tool.mypy]\nstrict = true\n"}, PASS),
    ("type-check-configured", {"mypy.ini": "[mypy]\n"}, PASS),
    ("type-check-configured", {"pyproject.toml": "[tool.ruff]\n"}, FAIL),
    ("type-check-configured", {"tox.ini": "[tox]\n[mypy-pkg.*]\nignore_errors = True\n"}, PASS),
    ("type-check-configured", {"pyproject.toml": "[tool.pyright]\nstrict = []\n"}, PASS),
    ("precommit-configured", {".pre-commit-config.yaml": "repos: []\n"}, PASS),
    ("precommit-configured", {"README.md": "x"}, FAIL),
    # environments
    ("dependencies-locked", {"pyproject.toml": "[project]\n", "uv.lock": "version = 1\n"}, PASS),
    (
        "dependencies-locked",
        {"requirements.txt": "numpy==2.1.0\npandas==2.2.3 ; python_version>'3.9'\n"},
        PASS,
    ),
    ("dependencies-locked", {"requirements.txt": "numpy>=2\npandas==2.2.3\n"}, FAIL),
    ("dependencies-locked", {"README.md": "x"}, NA),
    (
        "container-images-pinned",
        {"Dockerfile": "FROM python:3.11@sha256:" + "a" * 64 + " AS base\nFROM base\n"},
        PASS,
    ),
    ("container-images-pinned", {"Dockerfile": "FROM python:3.11-slim\n"}, FAIL),
    ("container-images-pinned", {"README.md": "x"}, NA),
    ("iac-present", {"infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n'}, PASS),
    ("iac-present", {"deploy/svc.yaml": "apiVersion: v1\nkind: Service\n"}, PASS),
    ("iac-present", {"chart/Chart.yaml": "name: x\n"}, PASS),
    ("iac-present", {"README.md": "x"}, FAIL),
    ("dependency-updates-automated", {".github/dependabot.yml": "version: 2\n"}, PASS),
    ("dependency-updates-automated", {"renovate.json": "{}"}, PASS),
    ("dependency-updates-automated", {"README.md": "x"}, FAIL),
    ("dependency-scan-in-ci", ci("pip-audit"), PASS),
    ("dependency-scan-in-ci", ci("pytest"), FAIL),
    ("dependency-scan-in-ci", {"README.md": "x"}, NA),
    (
        "secret-scan-configured",
        {".pre-commit-config.yaml": "repos:\n- repo: https://github.com/gitleaks/gitleaks\n"},
        PASS,
    ),
    ("secret-scan-configured", ci("pytest"), FAIL),
    # experiments and reproducibility
    (
        "experiment-tracking-used",
        {**ML, "log.py": "import mlflow\nmlflow.log_metric('a', 1)\n"},
        PASS,
    ),
    ("experiment-tracking-used", {**ML, "log.py": "import wandb\nwandb.init()\n"}, PASS),
    ("experiment-tracking-used", ML, FAIL),
    ("experiment-tracking-used", {"app.py": "print(1)\n"}, NA),
    ("mlproject-present", {**ML, "MLproject": "name: x\n"}, PASS),
    ("mlproject-present", {**ML, "Makefile": "train:\n\tpython train.py\n"}, PASS),
    ("mlproject-present", ML, FAIL),
    ("random-seeds-set", {**ML, "seed.py": "import numpy as np\nnp.random.seed(42)\n"}, PASS),
    ("random-seeds-set", ML, FAIL),
    ("config-managed", {**ML, "params.yaml": "lr: 0.1\n"}, PASS),
    ("config-managed", {**ML, "run.py": "import hydra\n"}, PASS),
    ("config-managed", ML, FAIL),
    # data
    ("dvc-used", {**ML, "data/raw.csv.dvc": "outs: []\n"}, PASS),
    ("dvc-used", ML, FAIL),
    (
        "dvc-remote-configured",
        {".dvc/config": "[core]\n    remote = s3\n['remote \"s3\"']\n    url = s3://bucket/dvc\n"},
        PASS,
    ),
    ("dvc-remote-configured", {".dvc/config": "[core]\n    autostage = true\n"}, FAIL),
    ("dvc-remote-configured", {"README.md": "x"}, NA),
    ("lakefs-used", {**ML, "io.py": "import lakefs\n"}, PASS),
    ("lakefs-used", ML, FAIL),
    ("data-validation-used", {**ML, "check.py": "import pandera as pa\n"}, PASS),
    ("data-validation-used", {**ML, "check.py": "import great_expectations as gx\n"}, PASS),
    ("data-validation-used", ML, FAIL),
    ("feature-store-used", {**ML, "features/feature_store.yaml": "project: x\n"}, PASS),
    ("feature-store-used", {**ML, "f.py": "from feast import FeatureStore\n"}, PASS),
    ("feature-store-used", ML, FAIL),
    # pipelines, registry, serving
    ("pipeline-orchestrator-used", {**ML, "pipe.py": "from kfp import dsl\n"}, PASS),
    ("pipeline-orchestrator-used", {**ML, "flow.py": "from prefect import flow\n"}, PASS),
    ("pipeline-orchestrator-used", ML, FAIL),
    (
        "model-registry-used",
        {**ML, "reg.py": "import mlflow\nmlflow.register_model('runs:/1/model', 'm')\n"},
        PASS,
    ),
    ("model-registry-used", {**ML, "reg.py": "mlflow.sklearn.log_model(m, 'model')\n"}, FAIL),
    (
        "registry-aliases-used",
        {
            **ML,
            "reg.py": "mlflow.register_model(u, 'm')\nc.set_registered_model_alias('m', 'champion', 3)\n",
        },
        PASS,
    ),
    ("registry-aliases-used", {**ML, "reg.py": "mlflow.register_model(u, 'm')\n"}, FAIL),
    ("registry-aliases-used", ML, NA),
    ("model-serving-present", {**ML, "service.py": "import bentoml\n"}, PASS),
    (
        "model-serving-present",
        {**ML, "app.py": "app = FastAPI()\nmodel = joblib.load('m.joblib')\n"},
        PASS,
    ),
    ("model-serving-present", ML, FAIL),
    (
        "autoscaling-configured",
        {**ML, "service.py": "import bentoml\n", "k8s/hpa.yaml": "kind: HorizontalPodAutoscaler\n"},
        PASS,
    ),
    ("autoscaling-configured", {**ML, "service.py": "import bentoml\n"}, FAIL),
    ("autoscaling-configured", ML, NA),
    (
        "gpu-resources-requested",
        {"net.py": "import torch\n", "job.yaml": "limits:\n  nvidia.com/gpu: 1\n"},
        PASS,
    ),
    ("gpu-resources-requested", {"net.py": "import torch\n"}, FAIL),
    ("gpu-resources-requested", ML, NA),
    (
        "progressive-delivery-configured",
        {**ML, "service.py": "import bentoml\n", "r.yaml": "kind: Rollout\n"},
        PASS,
    ),
    ("progressive-delivery-configured", {**ML, "service.py": "import bentoml\n"}, FAIL),
    ("progressive-delivery-configured", ML, NA),
    # monitoring
    ("ml-monitoring-used", {**ML, "mon.py": "from evidently import Report\n"}, PASS),
    ("ml-monitoring-used", ML, FAIL),
    (
        "retraining-triggered-by-monitoring",
        {
            **ML,
            "mon.py": "from evidently import Report\nif drift:\n    client.trigger_dag('retrain')\n",
        },
        PASS,
    ),
    (
        "retraining-triggered-by-monitoring",
        {**ML, "mon.py": "from evidently import Report\n"},
        FAIL,
    ),
    # governance
    ("model-card-present", {**ML, "MODEL_CARD.md": "# Card\n"}, PASS),
    ("model-card-present", {**ML, "docs/model-cards/fraud.md": "# Card\n"}, PASS),
    ("model-card-present", ML, FAIL),
    ("codeowners-cover-ml", {**ML, "CODEOWNERS": "* @ml-team\n"}, PASS),
    ("codeowners-cover-ml", {**ML, ".github/CODEOWNERS": "/docs/ @writers\n"}, FAIL),
    ("codeowners-cover-ml", ML, FAIL),
    ("explainability-used", {**ML, "x.py": "import shap\n"}, PASS),
    ("explainability-used", ML, FAIL),
    ("fairness-assessed", {**ML, "f.py": "from fairlearn.metrics import MetricFrame\n"}, PASS),
    ("fairness-assessed", ML, FAIL),
    ("runbook-present", {**ML, "docs/RUNBOOK.md": "# What to do\n"}, PASS),
    ("runbook-present", ML, FAIL),
    # security
    ("no-pickle-artifacts", {"models/model.pkl": b"\x80\x04\x95\x00"}, FAIL),
    ("no-pickle-artifacts", {"models/model.pt": b"PK\x03\x04rest"}, FAIL),
    ("no-pickle-artifacts", {"models/data.bin": b"\x00\x01\x02\x03"}, PASS),
    ("no-pickle-artifacts", {"README.md": "x"}, NA),
    ("safe-model-loading", {"load.py": "import pickle\nm = pickle.load(open('m', 'rb'))\n"}, FAIL),
    ("safe-model-loading", {"load.py": "import torch\nm = torch.load('m.pt')\n"}, FAIL),
    (
        "safe-model-loading",
        {"load.py": "import torch\nm = torch.load('m.pt', weights_only=True)\n"},
        PASS,
    ),
    ("safe-model-loading", {"load.py": "import joblib\nm = joblib.load(\n"}, INC),
    ("safe-model-loading", {"app.py": "print(1)\n"}, NA),
    ("safe-model-formats", {"models/m.safetensors": b"\x00\x00"}, PASS),
    ("safe-model-formats", {"models/m.pkl": b"\x80\x04"}, FAIL),
    ("safe-model-formats", {"README.md": "x"}, NA),
    ("no-committed-secrets", {"cfg.py": "KEY = 'AKIA" + "ABCDEFGHIJKLMNOP'\n"}, FAIL),
    ("no-committed-secrets", {"k.pem": "-----BEGIN RSA PRIVATE" + " KEY-----\nabc\n"}, FAIL),
    (
        "no-committed-secrets",
        {"cfg.py": "KEY = os.environ['AWS_KEY']  # AKIA is the prefix\n"},
        PASS,
    ),
    ("model-scan-in-ci", ci("modelscan -p models/"), PASS),
    ("model-scan-in-ci", ci("pytest"), FAIL),
    ("model-scan-in-ci", {"README.md": "x"}, NA),
    ("robustness-tested", {"r.py": "from art.attacks.evasion import FastGradientMethod\n"}, PASS),
    ("robustness-tested", {"r.py": "print(1)\n"}, FAIL),
    ("robustness-tested", {"README.md": "x"}, NA),
    # what the first table missed (review): aliases, notebooks, comments, READMEs, look-alike names
    ("safe-model-loading", {"load.py": "from joblib import load\nm = load('m.joblib')\n"}, FAIL),
    ("safe-model-loading", {"load.py": "import pickle as pkl\nm = pkl.load(f)\n"}, FAIL),
    (
        "safe-model-loading",
        {"load.py": "import numpy as np\nx = np.load('a.npy', allow_pickle=True)\n"},
        FAIL,
    ),
    (
        "safe-model-loading",
        {"load.py": "import numpy as np\nx = np.load('a.npy')  # pickle-free\n"},
        PASS,
    ),
    (
        "safe-model-loading",
        {
            "n.ipynb": '{"cells": [{"cell_type": "code", "source": ["import pickle\\n", "m = pickle.load(f)"], "outputs": []}]}'
        },
        FAIL,
    ),
    ("explainability-used", {**ML, "geo.py": "from shapely.geometry import Point\n"}, FAIL),
    ("model-serving-present", {**ML, "README.md": "We plan to try torchserve.\n"}, FAIL),
    (
        "autoscaling-configured",
        {
            **ML,
            "service.py": "import bentoml\n",
            "k8s/hpa.yml": "# kind: HorizontalPodAutoscaler\n",
        },
        FAIL,
    ),
    (
        "experiment-tracking-used",
        {**ML, "n.ipynb": '{"cells": [{"cell_type": "markdown", "source": ["import mlflow"]}]}'},
        FAIL,
    ),
    ("config-managed", {**ML, ".circleci/config.yml": "version: 2.1\n"}, FAIL),
    ("runbook-present", {**ML, "ansible/playbooks/site.yml": "- hosts: all\n"}, FAIL),
    ("ci-runs-tests", ci("pip install pytest", "echo skip"), FAIL),
    (
        "ci-runs-ml-steps",
        {**ML, GHA: "on: push\njobs:\n  d:\n    steps:\n      - uses: actions/deploy-pages@v4\n"},
        FAIL,
    ),
    (
        "training-scheduled",
        {**ML, **ci("actions/stale", on="\n  schedule:\n    - cron: '0 0 * * *'")},
        FAIL,
    ),
    ("dvc-remote-configured", {"ml/.dvc/config": "['remote \"s3\"']\n    url = s3://b\n"}, PASS),
    ("container-images-pinned", {"Dockerfile-gpu": "FROM nvidia/cuda:latest\n"}, FAIL),
    (
        "container-images-pinned",
        {"Dockerfile": "ARG BASE=python@sha256:" + "b" * 64 + "\nFROM ${BASE}\n"},
        PASS,
    ),
    ("safe-model-formats", {"save.py": "import joblib\njoblib.dump(model, 'm.joblib')\n"}, FAIL),
    ("registry-aliases-used", {**ML, "log.py": "mlflow.sklearn.log_model(m, 'model')\n"}, NA),
    ("dependencies-locked", {"docs/requirements.txt": "sphinx\n"}, NA),
    # notebooks
    (
        "notebook-code-share-low",
        {
            "a.py": "x = 1\ny = 2\nz = 3\n",
            "n.ipynb": '{"cells": [{"cell_type": "code", "source": ["a = 1"], "outputs": []}]}',
        },
        PASS,
    ),
    (
        "notebook-code-share-low",
        {
            "n.ipynb": '{"cells": [{"cell_type": "code", "source": ["a = 1\\n", "b = 2"], "outputs": []}]}'
        },
        FAIL,
    ),
    ("notebook-code-share-low", {"README.md": "x"}, NA),
    (
        "notebook-outputs-stripped",
        {
            "n.ipynb": '{"cells": [{"cell_type": "code", "source": [], "outputs": [{"output_type": "stream"}]}]}'
        },
        FAIL,
    ),
    (
        "notebook-outputs-stripped",
        {"n.ipynb": '{"cells": [{"cell_type": "code", "source": [], "outputs": []}]}'},
        PASS,
    ),
    ("notebook-outputs-stripped", {"README.md": "x"}, NA),
    # audit 1: only commands count (not job ids or keys), and a schedule needs a training step
    ("ci-runs-ml-steps", {**ML, **NIGHTLY_DOCS}, FAIL),
    (
        "ci-runs-ml-steps",
        {**ML, GHA: "on: push\njobs:\n  train-model:\n    steps:\n      - run: echo hi\n"},
        FAIL,
    ),
    ("ci-runs-ml-steps", {**ML, **ci("make deploy-docs")}, FAIL),
    ("ci-runs-ml-steps", {**ML, **ci("pytest tests/test_train.py")}, FAIL),
    ("ci-runs-ml-steps", {**ML, **ci("pip install trainer")}, FAIL),
    (
        "ci-runs-ml-steps",
        {**ML, ".gitlab-ci.yml": "fit:\n  script:\n    - python -m src.models.train -c a.yaml\n"},
        PASS,
    ),
    (
        "ci-runs-ml-steps",
        {**ML, "Jenkinsfile": "pipeline { stages { stage('x') { steps { sh 'dvc repro' } } } }\n"},
        PASS,
    ),
    (
        "ci-runs-ml-steps",
        {
            **ML,
            ".circleci/config.yml": "jobs:\n  b:\n    steps:\n      - run:\n"
            "          name: train the model\n          command: echo hi\n",
        },
        FAIL,
    ),
    (
        "ci-runs-ml-steps",
        {
            **ML,
            ".circleci/config.yml": "jobs:\n  b:\n    steps:\n      - run:\n"
            "          name: x\n          command: |\n            python train.py \\\n"
            "              --epochs 3\n",
        },
        PASS,
    ),
    ("ci-runs-ml-steps", {**ML, **ci("mlflow models build-docker -m runs:/1/m -n m")}, PASS),
    ("ci-runs-ml-steps", {**ML, **ci("python scripts/evaluate.py")}, PASS),
    ("ci-runs-ml-steps", {**ML, **ci("uv run python -m fraud.register_model")}, PASS),
    ("ci-runs-ml-steps", {**ML, **ci("make registry-login")}, FAIL),
    ("training-scheduled", {**ML, **NIGHTLY_DOCS}, FAIL),
    ("training-scheduled", {**ML, **ci("python deploy.py", on=WEEKLY)}, FAIL),
    ("training-scheduled", {**ML, **ci("python -m pipelines.submit", on=WEEKLY)}, PASS),
    ("training-scheduled", {**ML, **ci("mlflow run . -e train", on=WEEKLY)}, PASS),
    (
        "ci-runs-tests",
        {GHA: "on: push\njobs:\n  pytest:\n    steps:\n      - run: echo skipped\n"},
        FAIL,
    ),
    ("ci-runs-tests", {"Jenkinsfile": "pipeline { steps { sh 'python -m pytest' } }\n"}, PASS),
    # audit 2: orchestrator schedules, Kubernetes CronJobs that train, GitLab and Jenkins
    (
        "training-scheduled",
        {
            **ML,
            "dags/t.py": "from airflow import DAG\n\nwith DAG('t', schedule='@daily'):\n    pass\n",
        },
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, "dags/t.py": "from airflow.decorators import dag\n\n@dag(schedule='0 3 * * *')\n"},
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, "dags/t.py": "from airflow import DAG\nDAG('t', schedule=None)\n"},
        FAIL,
    ),
    (
        "training-scheduled",
        {**ML, "dags/t.py": "from airflow import DAG\nDAG('t', schedule_interval=None)\n"},
        FAIL,
    ),
    ("training-scheduled", {**ML, "opt.py": "lr = make(schedule='cosine')\n"}, FAIL),
    (
        "training-scheduled",
        {
            **ML,
            "flow.py": "from prefect import flow\n\n@flow\ndef train():\n    pass\n\n"
            "train.serve(name='nightly', cron='0 3 * * *')\n",
        },
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, "flow.py": "from prefect.client.schemas.schedules import CronSchedule\n"},
        PASS,
    ),
    (
        "training-scheduled",
        {
            **ML,
            "prefect.yaml": "deployments:\n  - name: nightly\n    entrypoint: flow.py:train\n"
            "    schedules:\n      - cron: '0 3 * * *'\n",
        },
        PASS,
    ),
    (
        "training-scheduled",
        {
            **ML,
            "vertex.py": "from google.cloud import aiplatform\n"
            "job = aiplatform.PipelineJob(display_name='t', template_path='p.json')\n"
            "job.create_schedule(cron='0 3 * * *', display_name='nightly')\n",
        },
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, "vertex.py": "from google.cloud.aiplatform import PipelineJobSchedule\n"},
        PASS,
    ),
    (
        "training-scheduled",
        {
            **ML,
            "sm.py": "from sagemaker.workflow.triggers import PipelineSchedule\n"
            "nightly = PipelineSchedule(name='nightly', cron='0 3 * * ? *')\n"
            "pipeline.put_triggers(triggers=[nightly], role_arn=role)\n",
        },
        PASS,
    ),
    ("training-scheduled", {**ML, "k8s/retrain.yaml": CRONJOB.format("python train.py")}, PASS),
    ("training-scheduled", {**ML, "k8s/backup.yaml": CRONJOB.format("pg_dump db")}, FAIL),
    (
        "training-scheduled",
        {
            **ML,
            ".gitlab-ci.yml": "train:\n  script:\n    - python train.py\n  rules:\n"
            "    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n",
        },
        PASS,
    ),
    (
        "training-scheduled",
        {**ML, ".gitlab-ci.yml": "train:\n  script: [python train.py]\n  only:\n  - schedules\n"},
        PASS,
    ),
    (
        "training-scheduled",
        {
            **ML,
            ".gitlab-ci.yml": "train:\n  script: [python train.py]\n  except:\n    - schedules\n",
        },
        FAIL,
    ),
    ("training-scheduled", {**ML, "Jenkinsfile": JENKINS_NIGHTLY.format("python train.py")}, PASS),
    ("training-scheduled", {**ML, "Jenkinsfile": JENKINS_NIGHTLY.format("./cleanup.sh")}, FAIL),
    # audit 3: data tests assert data, a bare "schema" or "dtypes" does not
    ("data-tests-present", API_SCHEMA_TEST, FAIL),
    (
        "data-tests-present",
        {"tests/test_types.py": "from numpy import dtypes\n\ndef test_t():\n    assert dtypes\n"},
        FAIL,
    ),
    (
        "data-tests-present",
        {"tests/test_data.py": "def test_columns(df):\n    assert set(df.columns) == {'a', 'b'}\n"},
        PASS,
    ),
    (
        "data-tests-present",
        {"tests/test_data.py": "def test_ages(df):\n    assert df['age'].min() >= 0\n"},
        PASS,
    ),
    ("data-tests-present", {"tests/test_data.py": "import pandera as pa\n"}, PASS),
    # audit 5: Argo CD and Argo Rollouts are not Argo Workflows
    (
        "pipeline-orchestrator-used",
        {**ML, "deploy/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"},
        FAIL,
    ),
    # audit 7: tools that had no case
    (
        "experiment-tracking-used",
        {**ML, "log.py": "import neptune\nrun = neptune.init_run()\n"},
        PASS,
    ),
    ("experiment-tracking-used", {**ML, "log.py": "from comet_ml import Experiment\n"}, PASS),
    ("experiment-tracking-used", {**ML, "log.py": "from clearml import Task\n"}, PASS),
    ("experiment-tracking-used", {**ML, "log.py": "from aim import Run\n"}, PASS),
    ("experiment-tracking-used", {**ML, "log.py": "import aimodel\n"}, FAIL),
    ("data-validation-used", {**ML, "v.py": "import tensorflow_data_validation as tfdv\n"}, PASS),
    ("data-validation-used", {**ML, "v.py": "from deepchecks.tabular import Dataset\n"}, PASS),
    ("pipeline-orchestrator-used", {**ML, "p.py": "from dagster import job, op\n"}, PASS),
    (
        "pipeline-orchestrator-used",
        {**ML, "flow.py": "from metaflow import FlowSpec, step\n"},
        PASS,
    ),
    (
        "pipeline-orchestrator-used",
        {**ML, "wf.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"},
        PASS,
    ),
    (
        "pipeline-orchestrator-used",
        {**ML, "p.py": "from sagemaker.workflow.pipeline import Pipeline\n"},
        PASS,
    ),
    (
        "pipeline-orchestrator-used",
        {
            **ML,
            "p.py": "from google.cloud import aiplatform\n"
            "aiplatform.PipelineJob(display_name='t', template_path='p.json').submit()\n",
        },
        PASS,
    ),
    (
        "model-serving-present",
        {**ML, "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"},
        PASS,
    ),
    (
        "model-serving-present",
        {**ML, "k8s/s.yaml": "apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\n"},
        PASS,
    ),
    ("model-serving-present", {**ML, "package.sh": "torch-model-archiver --model-name m\n"}, PASS),
    (
        "model-serving-present",
        {**ML, "Dockerfile": "FROM nvcr.io/nvidia/tritonserver:24.01-py3\n"},
        PASS,
    ),
    (
        "autoscaling-configured",
        {
            **ML,
            "service.py": "import bentoml\n",
            "k8s/keda.yaml": "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n",
        },
        PASS,
    ),
    ("ml-monitoring-used", {**ML, "m.py": "import nannyml as nml\n"}, PASS),
    ("ml-monitoring-used", {**ML, "m.py": "import whylogs as why\n"}, PASS),
    ("ml-monitoring-used", {**ML, "m.py": "from alibi_detect.cd import KSDrift\n"}, PASS),
    (
        "explainability-used",
        {**ML, "x.py": "from lime.lime_tabular import LimeTabularExplainer\n"},
        PASS,
    ),
    ("explainability-used", {**ML, "x.py": "from captum.attr import IntegratedGradients\n"}, PASS),
    (
        "fairness-assessed",
        {**ML, "f.py": "from aif360.metrics import BinaryLabelDatasetMetric\n"},
        PASS,
    ),
    ("iac-present", {"infra/Pulumi.yaml": "name: ml-infra\nruntime: python\n"}, PASS),
    ("iac-present", {"infra/__main__.py": "import pulumi\nimport pulumi_aws as aws\n"}, PASS),
    (
        "model-card-present",
        {**ML, "README.md": "---\nlicense: apache-2.0\nlibrary_name: sklearn\n---\n# Fraud\n"},
        PASS,
    ),
    (
        "model-card-present",
        {**ML, "models/fraud/README.md": "---\nmodel-index:\n  - name: fraud\n---\n"},
        PASS,
    ),
    ("model-card-present", {**ML, "README.md": "# Fraud\n\n## Model Details\n\nTrees.\n"}, PASS),
    (
        "model-card-present",
        {**ML, "README.md": "---\ntitle: Demo\nsdk: gradio\nlicense: mit\n---\n"},
        FAIL,
    ),
    ("model-card-present", {**ML, "README.md": "# Fraud\n\nLicense: MIT\n"}, FAIL),
]

LOCATED = [
    # audit 8: where, for a pass and a fail of each theme ([] when a fail has nowhere to point)
    ("ci-runs-ml-steps", {**ML, **ci("pytest", "python train.py")}, PASS, [(GHA, 7)]),
    ("training-scheduled", {**ML, **ci("python train.py", on=WEEKLY)}, PASS, [(GHA, 3), (GHA, 8)]),
    ("training-scheduled", {**ML, **NIGHTLY_DOCS}, FAIL, [(GHA, 3)]),
    (
        "training-scheduled",
        {**ML, "Jenkinsfile": JENKINS_NIGHTLY.format("python train.py")},
        PASS,
        [("Jenkinsfile", 2), ("Jenkinsfile", 5)],
    ),
    (
        "training-scheduled",
        {
            **ML,
            "dags/t.py": "from airflow import DAG\n\nwith DAG('t', schedule='@daily'):\n    pass\n",
        },
        PASS,
        [("dags/t.py", 3)],
    ),
    (
        "training-scheduled",
        {**ML, "k8s/retrain.yaml": CRONJOB.format("python train.py")},
        PASS,
        [("k8s/retrain.yaml", 2), ("k8s/retrain.yaml", 15)],
    ),
    (
        "data-tests-present",
        {"tests/test_data.py": "def test_nulls(df):\n    assert not df.isnull().any().any()\n"},
        PASS,
        [("tests/test_data.py", 2)],
    ),
    ("data-tests-present", API_SCHEMA_TEST, FAIL, []),
    (
        "container-images-pinned",
        {"Dockerfile": "FROM python:3.11@sha256:" + "a" * 64 + " AS base\nFROM base\n"},
        PASS,
        [("Dockerfile", 1), ("Dockerfile", 2)],
    ),
    (
        "dependencies-locked",
        {"requirements.txt": "numpy>=2\npandas==2.2.3\n"},
        FAIL,
        [("requirements.txt", 1)],
    ),
    # audit 6: a line two keywords find is one location
    (
        "experiment-tracking-used",
        {**ML, "log.py": "import mlflow; mlflow.autolog()\n"},
        PASS,
        [("log.py", 1)],
    ),
    ("random-seeds-set", ML, FAIL, []),
    ("data-validation-used", {**ML, "check.py": "import pandera as pa\n"}, PASS, [("check.py", 1)]),
    (
        "dvc-remote-configured",
        {".dvc/config": "[core]\n    autostage = true\n"},
        FAIL,
        [(".dvc/config", None)],
    ),
    (
        "model-registry-used",
        {
            "train.py": ML["train.py"]
            + "mlflow.sklearn.log_model(model, 'model', registered_model_name='fraud')\n"
        },
        PASS,
        [("train.py", 3)],
    ),
    (
        "registry-aliases-used",
        {**ML, "reg.py": "mlflow.register_model(u, 'm')\n"},
        FAIL,
        [("reg.py", 1)],
    ),
    ("pipeline-orchestrator-used", ZENML, PASS, [("pipe.py", 1)]),
    (
        "retraining-triggered-by-monitoring",
        {
            **ML,
            "mon.py": "from evidently import Report\nif drift:\n    client.trigger_dag('retrain')\n",
        },
        PASS,
        [("mon.py", 3)],
    ),
    (
        "retraining-triggered-by-monitoring",
        {**ML, "mon.py": "from evidently import Report\n"},
        FAIL,
        [("mon.py", 1)],
    ),
    (
        "model-card-present",
        {**ML, "README.md": "---\nlicense: apache-2.0\ntags: [tabular]\n---\n# Fraud\n"},
        PASS,
        [("README.md", 2)],
    ),
    (
        "codeowners-cover-ml",
        {**ML, ".github/CODEOWNERS": "/docs/ @writers\n"},
        FAIL,
        [(".github/CODEOWNERS", None), ("train.py", None)],
    ),
    (
        "safe-model-loading",
        {"load.py": "import torch\nm = torch.load('m.pt')\n"},
        FAIL,
        [("load.py", 2)],
    ),
    (
        "no-committed-secrets",
        {"cfg.py": "x = 1\nKEY = 'AKIA" + "ABCDEFGHIJKLMNOP'\n"},
        FAIL,
        [("cfg.py", 2)],
    ),
    ("notebook-outputs-stripped", {**CLEAN_NB, **NBSTRIPOUT_FILTER}, PASS, [(".gitattributes", 1)]),
    (
        "notebook-outputs-stripped",
        {**DIRTY_NB, **NBSTRIPOUT_FILTER},
        FAIL,
        [("n.ipynb", None), (".gitattributes", 1)],
    ),
]

DETAILS = [
    # (check, files, outcome, the detail says, the detail does not say)
    (
        "ci-runs-ml-steps",
        {**ML, **ci("python train.py", "python deploy.py")},
        PASS,
        "training, deployment",
        "",
    ),
    ("pipeline-orchestrator-used", ZENML, PASS, "ZenML", "Azure"),
    (
        "pipeline-orchestrator-used",
        {**ML, "p.py": "from azure.ai.ml import dsl\n\n@dsl.pipeline()\ndef train():\n    pass\n"},
        PASS,
        "Azure ML pipelines",
        "",
    ),
    # audit 4: nbstripout and nbdev_clean are credited where they are configured
    (
        "notebook-outputs-stripped",
        {**CLEAN_NB, **NBSTRIPOUT_FILTER},
        PASS,
        "stripped by nbstripout (.gitattributes filter)",
        "",
    ),
    (
        "notebook-outputs-stripped",
        {**CLEAN_NB, "README.md": "Use nbstripout.\n"},
        PASS,
        "",
        "nbstripout",
    ),
    (
        "notebook-outputs-stripped",
        {**DIRTY_NB, **NBSTRIPOUT_FILTER},
        FAIL,
        "nbstripout (.gitattributes filter) is configured locally only",
        "",
    ),
    (
        "notebook-outputs-stripped",
        {
            **CLEAN_NB,
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/kynan/nbstripout\n"
            "    rev: 0.7.1\n    hooks:\n      - id: nbstripout  # outputs\n",
        },
        PASS,
        "stripped by nbstripout (pre-commit hook)",
        "",
    ),
    (
        "notebook-outputs-stripped",
        {
            **CLEAN_NB,
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/fastai/nbdev\n"
            "    rev: 2.3.12\n    hooks:\n      - id: nbdev_clean\n",
        },
        PASS,
        "stripped by nbdev_clean (pre-commit hook)",
        "",
    ),
    (
        "notebook-outputs-stripped",
        {**CLEAN_NB, **ci("pip install nbdev", "nbdev_clean", "git diff --exit-code")},
        PASS,
        "stripped by nbdev_clean (CI step)",
        "",
    ),
    (
        "notebook-outputs-stripped",
        {**CLEAN_NB, **ci("pip install nbstripout")},
        PASS,
        "",
        "nbstripout",
    ),
    (
        "notebook-outputs-stripped",
        {**CLEAN_NB, ".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n"},
        PASS,
        "",
        "stripped",
    ),
    (
        "training-scheduled",
        {
            **ML,
            "dags/t.py": "from airflow import DAG\n\nwith DAG('t', schedule='@daily'):\n    pass\n",
        },
        PASS,
        "Airflow DAG schedule",
        "",
    ),
    ("training-scheduled", {**ML, **NIGHTLY_DOCS}, FAIL, "runs no training step", ""),
    (
        "model-serving-present",
        {**ML, "Dockerfile": "FROM nvcr.io/nvidia/tritonserver:24.01-py3\n"},
        PASS,
        "Triton",
        "",
    ),
]


def finding_of(repo, check: str, files: dict[str, str | bytes], expected: Outcome) -> Finding:
    result = assess_repository(repo(files), "r", history=False)
    finding = next(f for f in result.findings if f.check == check)
    assert finding.outcome == expected, finding.detail
    if expected == FAIL:
        assert finding.remediation
    if expected == PASS:
        assert not finding.remediation
    return finding


@pytest.mark.parametrize(
    ("check", "files", "expected"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)]
)
def test_check(repo, check: str, files: dict[str, str | bytes], expected: Outcome):
    finding_of(repo, check, files, expected)


@pytest.mark.parametrize(
    ("check", "files", "expected", "where"),
    LOCATED,
    ids=[f"{c}-{i}" for i, (c, *_) in enumerate(LOCATED)],
)
def test_check_locations(
    repo,
    check: str,
    files: dict[str, str | bytes],
    expected: Outcome,
    where: list[tuple[str, int | None]],
):
    finding = finding_of(repo, check, files, expected)
    assert [(loc.path, loc.line) for loc in finding.locations] == where


@pytest.mark.parametrize(
    ("check", "files", "expected", "says", "never_says"),
    DETAILS,
    ids=[f"{c}-{i}" for i, (c, *_) in enumerate(DETAILS)],
)
def test_check_details(
    repo, check: str, files: dict[str, str | bytes], expected: Outcome, says: str, never_says: str
):
    finding = finding_of(repo, check, files, expected)
    assert says in finding.detail
    assert not never_says or never_says not in finding.detail, finding.detail


def test_every_repository_check_has_a_case_of_each_kind_it_can_give():
    covered: dict[str, set[Outcome]] = {}
    for check, _, outcome, *_ in CASES + LOCATED + DETAILS:
        covered.setdefault(check, set()).add(outcome)
    checks = registered_checks("repos")
    assert len(checks) >= 40
    missing = [c for c in checks if not {PASS, FAIL} & covered.get(c, set())]
    assert not missing, f"checks without a table case: {missing}"
    assert all(len(covered[c]) >= 2 for c in checks), [c for c in checks if len(covered[c]) < 2]


def test_every_repository_check_is_linked_in_the_default_model():
    from mlmaturity.catalog import criteria_by_check
    from mlmaturity.model import load_model

    linked = criteria_by_check(load_model())
    unlinked = [c for c in registered_checks("repos") if c not in linked]
    assert not unlinked, f"checks no criterion names: {unlinked}"
