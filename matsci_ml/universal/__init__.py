"""Universal (foundation) interatomic potentials whose weights ship inside their wheels: CHGNet and SevenNet-0."""

from __future__ import annotations

from matsci_ml.universal.models import UNIVERSAL_MODELS, UniversalCalculator, checkpoint_path, universal_calculator
from matsci_ml.universal.zero_shot import elemental_shift, errors_by_group, zero_shot_errors

__all__ = ["UNIVERSAL_MODELS", "UniversalCalculator", "checkpoint_path", "elemental_shift", "errors_by_group", "universal_calculator",
           "zero_shot_errors"]
