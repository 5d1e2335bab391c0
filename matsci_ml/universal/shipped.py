"""The shipped results of lesson 10's long runs, as tables: the zero-shot errors on the four mlearn sets and the Mo
learning curve (made by ``datasets/universal/zero_shot_mlearn.py`` and ``datasets/universal/learning_curve_mo.py``)."""

from __future__ import annotations

import json

from matsci_ml.paths import SHIPPED_DATA_DIR

ZERO_SHOT_RESULTS = SHIPPED_DATA_DIR / "universal" / "zero_shot_mlearn.json"
LEARNING_CURVE_RESULTS = SHIPPED_DATA_DIR / "universal" / "mo_learning_curve.json"


def load_zero_shot(path=ZERO_SHOT_RESULTS):
    """Energy (meV/atom) and force (eV/Å) MAE per element and model, one row per (element, model, kind), with the
    per-element shift (eV/atom) and the single-point cost (s/atom) where measured."""
    import pandas as pd

    return pd.DataFrame(json.loads(path.read_text())["rows"])


def load_learning_curve(path=LEARNING_CURVE_RESULTS) -> tuple:
    """``(table, settings)``: one row per (model, training-set size) with test errors and training time (s); the
    settings, machine and total time of the run."""
    import pandas as pd

    result = json.loads(path.read_text())
    return pd.DataFrame(result.pop("rows")), result


__all__ = ["LEARNING_CURVE_RESULTS", "ZERO_SHOT_RESULTS", "load_learning_curve", "load_zero_shot"]
