"""The shipped results of lesson 10's long runs, as tables: the zero-shot errors on the four mlearn sets and the Mo
learning curve (made by ``datasets/universal/zero_shot_mlearn.py`` and ``datasets/universal/learning_curve_mo.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

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


@dataclass(frozen=True)
class SeedSpread:
    """Test force MAEs (eV/Å) of MTPs fitted to the same ``n_train`` configurations from different starting points
    (the ``mtp_seed_spread`` of the learning-curve file), and of the first again on one thread."""

    n_train: int
    force_mae_ev_per_a: tuple
    threads: int
    first_on_one_thread: float

    @property
    def mean(self) -> float:
        return float(np.mean(self.force_mae_ev_per_a))

    @property
    def std(self) -> float:
        """Sample standard deviation (1σ, ddof = 1)."""
        return float(np.std(self.force_mae_ev_per_a, ddof=1))

    def __str__(self) -> str:
        mae = self.force_mae_ev_per_a
        return (f"MTP on the same {self.n_train} configurations from {len(mae)} starting points: force MAE "
                f"{min(mae):.3f} to {max(mae):.3f} eV/Å, mean {self.mean:.3f} ± {self.std:.3f} (1σ); the first one "
                f"again on 1 thread instead of {self.threads}: {self.first_on_one_thread:.3f} instead of {mae[0]:.3f}")


def seed_spread(settings: dict) -> SeedSpread:
    """The MTP's spread over starting points from the settings half of :func:`load_learning_curve`."""
    spread = settings["mtp_seed_spread"]
    return SeedSpread(spread["n_train"], tuple(spread["force_mae_ev_per_a"]), spread["numba_threads"],
                      spread["first_seed_on_one_thread"]["force_mae_ev_per_a"])


__all__ = ["LEARNING_CURVE_RESULTS", "ZERO_SHOT_RESULTS", "SeedSpread", "load_learning_curve", "load_zero_shot",
           "seed_spread"]
