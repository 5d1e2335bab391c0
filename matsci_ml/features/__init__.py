"""Features of materials for machine learning (composition features in lesson 02)."""

from __future__ import annotations

from matsci_ml.features.composition import CompositionFeaturizer, parse_compositions
from matsci_ml.features.element_data import MAGPIE_PROPERTIES, feature_unit, magpie_table

__all__ = ["MAGPIE_PROPERTIES", "CompositionFeaturizer", "feature_unit", "magpie_table", "parse_compositions"]
