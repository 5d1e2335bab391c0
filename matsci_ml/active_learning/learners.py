"""What the active-learning loop trains, and how it measures uncertainty: a *learner*.

A learner turns a training set into a *model* for the simulations of step (b) and back into JSON for
the loop's saved state:

``settings()``
    JSON-able dict of everything that determines its results (part of the loop's fingerprint);
``train(training, previous) -> (state, info)``
    fit on the labelled configurations; ``previous`` is the last state (for a warm start) or None;
    ``state`` must be JSON-able and rebuild the fitted model exactly; ``info`` holds ``train_time_s``
    and ``train_errors``;
``model(state, training)``
    the model: ``calculator()``, ``grade(atoms)`` and ``select(candidates, limit=None)``;
``errors(state, frames)``
    errors on labelled frames (validation).

:class:`MTPLearner` is the MLIP paper's: a moment tensor potential and the MaxVol grade.
"""

from __future__ import annotations

import numpy as np

from matsci_ml.active_learning.grade import ROW_KINDS, ActiveSet
from matsci_ml.mtp.potential import MomentTensorPotential
from matsci_ml.mtp.training import Dataset, MTPTrainer, errors

DEFAULT_TRAINER = {"level": 10, "min_dist": 2.0, "max_dist": 5.0, "radial_basis_size": 8, "max_iter": 100,
                   "energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.001}


class MTPLearner:
    """A moment tensor potential with the D-optimality (MaxVol) extrapolation grade.

    Parameters
    ----------
    trainer : dict
        :class:`~matsci_ml.mtp.training.MTPTrainer` parameters (level, min_dist, max_dist, max_iter, weights...).
    kind : {"neighbourhood", "configuration"}
        Rows of the grade (:mod:`~matsci_ml.active_learning.grade`).
    warm_start : bool
        Retrain from the previous potential (faster) instead of from random radial coefficients.
    seed : int
        Seed of the first potential's random radial coefficients.
    """

    def __init__(self, trainer: dict | None = None, *, kind: str = "neighbourhood", warm_start: bool = True,
                 seed: int = 0):
        if kind not in ROW_KINDS:
            raise ValueError(f"kind must be one of {ROW_KINDS}, got {kind!r}")
        self.trainer = {**DEFAULT_TRAINER, **(trainer or {})}
        self.kind = kind
        self.warm_start = warm_start
        self.seed = seed

    def settings(self) -> dict:
        return {"learner": "MTPLearner", "trainer": self.trainer, "kind": self.kind, "warm_start": self.warm_start,
                "seed": self.seed}

    def _potential(self, state: dict) -> MomentTensorPotential:
        t = self.trainer
        potential = MomentTensorPotential.from_level(t["level"], state["species"], min_dist=t["min_dist"],
                                                     max_dist=t["max_dist"], radial_basis_size=t["radial_basis_size"],
                                                     seed=self.seed)
        potential.parameters = np.array(state["parameters"])
        return potential

    def train(self, training, previous: dict | None) -> tuple[dict, dict]:
        initial = self._potential(previous) if (self.warm_start and previous is not None) else None
        fit = MTPTrainer(**self.trainer, seed=self.seed, progress=False).fit(training, initial=initial)
        state = {"species": list(fit.potential_.species), "parameters": fit.potential_.parameters.tolist()}
        return state, {"train_time_s": fit.fit_time_s_, "train_errors": fit.train_errors_}

    def model(self, state: dict, training) -> ActiveSet:
        return ActiveSet.from_frames(self._potential(state), training, kind=self.kind)

    def errors(self, state: dict, frames) -> dict:
        potential = self._potential(state)
        return errors(potential, Dataset.from_frames(frames, potential))
