"""The maturity model: schema, loader and the bundled default."""

from mlmaturity.model.loaded import Model, PlacedCriterion
from mlmaturity.model.loader import default_model_text, load_model
from mlmaturity.model.schema import MaturityModel
from mlmaturity.model.stages import Stage, stage_label

__all__ = [
    "MaturityModel",
    "Model",
    "PlacedCriterion",
    "Stage",
    "default_model_text",
    "load_model",
    "stage_label",
]
