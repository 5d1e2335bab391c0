"""The scikit-learn contract of an interatomic-potential trainer (the MTP's and NequIP's).

A trainer is a real scikit-learn estimator: its keyword-only ``__init__`` stores the hyperparameters,
``get_params``/``set_params``/``clone`` come from :class:`~sklearn.base.BaseEstimator`, and ``fit``
returns the trainer. The samples ``X`` are labelled configurations (a list of ASE ``Atoms`` with
energies and forces); their labels travel with them, so ``y`` is ignored. That is enough for
``cross_val_score``, ``GridSearchCV`` and ``learning_curve``, which index ``X`` as a list.

``score(frames)`` is the *negative* RMSE of the force components (eV/Å) on the frames' own labels:
greater is better, as scikit-learn expects, and forces are what MD and relaxations use.
``predict(frames)`` gives total energies (eV), like any regressor.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator


class PotentialTrainerMixin(BaseEstimator):
    """``predict`` (total energies, eV) and ``score`` (minus the force RMSE, eV/Å) from ``calculator()`` and
    ``errors(frames)``, which the trainer provides."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.target_tags.required = False       # the labels are inside the Atoms
        tags.input_tags.two_d_array = False     # X is a list of Atoms, not a matrix
        return tags

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet; call fit(frames) first.")

    def predict(self, frames) -> np.ndarray:
        """Total energies (eV) of ``frames``."""
        self._check_fitted()
        calculator = self.calculator()
        energies = []
        for atoms in frames:
            probe = atoms.copy()
            probe.calc = calculator
            energies.append(probe.get_potential_energy())
        return np.array(energies)

    def score(self, frames, y=None, sample_weight=None) -> float:
        """Minus the RMSE of the force components on ``frames`` (eV/Å): greater is better; ``y`` is ignored."""
        return -float(self.errors(frames)["force_rmse_ev_per_a"])


__all__ = ["PotentialTrainerMixin"]
