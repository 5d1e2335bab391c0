"""What the active-learning loop trains, and how it measures uncertainty: a *learner* (:class:`Learner`).

A learner turns a training set into a *model* (:class:`Model`) for the simulations of step (b) and back into
JSON for the loop's saved state:

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
:class:`CommitteeLearner` trains a committee of NequIP models and grades by their force spread (torch is
imported only when it trains or builds a model).
"""

from __future__ import annotations

import base64
from typing import Protocol, runtime_checkable

import numpy as np

from matsci_ml.active_learning.grade import ROW_KINDS, ActiveSet
from matsci_ml.mtp.potential import MomentTensorPotential
from matsci_ml.atomistic.metrics import prediction_errors
from matsci_ml.mtp.training import Dataset, MTPTrainer, errors

@runtime_checkable
class Model(Protocol):
    """What the simulations of step (b) run with and the loop selects by."""

    def calculator(self):
        """An ASE calculator."""

    def grade(self, atoms) -> float:
        """Uncertainty of a configuration (for MaxVol: > 1 is extrapolation)."""

    def select(self, candidates, *, limit: int | None = None) -> list[int]:
        """Indices of the candidates worth labelling."""


@runtime_checkable
class Learner(Protocol):
    """What :class:`~matsci_ml.active_learning.loop.ActiveLearningLoop` trains (module docstring)."""

    def settings(self) -> dict:
        ...

    def train(self, training, previous: dict | None) -> tuple[dict, dict]:
        ...

    def model(self, state: dict, training) -> Model:
        ...

    def errors(self, state: dict, frames) -> dict:
        ...


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
        fit = MTPTrainer(**{"warn_unconverged": False, **self.trainer}, seed=self.seed, progress=False).fit(
            training, initial=initial)
        state = {"species": list(fit.potential_.species), "parameters": fit.potential_.parameters.tolist()}
        return state, {"train_time_s": fit.fit_time_s_, "train_errors": fit.train_errors_}

    def model(self, state: dict, training) -> ActiveSet:
        return ActiveSet.from_frames(self._potential(state), training, kind=self.kind)

    def errors(self, state: dict, frames) -> dict:
        potential = self._potential(state)
        return errors(potential, Dataset.from_frames(frames, potential))


class CommitteeLearner:
    """Committee active learning with NequIP: a learner for :class:`~matsci_ml.active_learning.loop.ActiveLearningLoop`.

    Parameters
    ----------
    n_members : int
        Committee size (seeds ``seed .. seed + n_members - 1``).
    trainer : dict
        :class:`~matsci_ml.equivariant.training.NequIPTrainer` parameters.
    max_selected : int
        Configurations labelled per iteration at most (the committee has no volume argument that
        bounds it, unlike MaxVol).
    warm_start_epochs : int or None
        Retrain each member from its previous weights for this many epochs (None: from scratch).
    seed : int
    """

    def __init__(self, n_members: int = 4, trainer: dict | None = None, *, max_selected: int = 8,
                 warm_start_epochs: int | None = None, seed: int = 0):
        if n_members < 2:
            raise ValueError(f"a committee needs at least 2 members, got {n_members}")
        self.n_members = n_members
        self.trainer = dict(trainer or {})
        self.max_selected = max_selected
        self.warm_start_epochs = warm_start_epochs
        self.seed = seed

    def settings(self) -> dict:
        return {"learner": "CommitteeLearner", "n_members": self.n_members, "trainer": self.trainer,
                "max_selected": self.max_selected, "warm_start_epochs": self.warm_start_epochs, "seed": self.seed}

    def train(self, training, previous: dict | None) -> tuple[dict, dict]:
        from matsci_ml.equivariant.training import NequIPTrainer      # torch is imported only when a committee trains

        checkpoints, times = [], []
        for k in range(self.n_members):
            params = {**self.trainer, "seed": self.seed + k, "progress": False}
            initial = None
            if previous is not None and self.warm_start_epochs is not None:
                initial = base64.b64decode(previous["members"][k])
                params["max_epochs"] = self.warm_start_epochs
            fit = NequIPTrainer(**params).fit(training, initial=initial)
            checkpoints.append(base64.b64encode(fit.checkpoint()).decode())
            times.append(fit.fit_time_s_)
        state = {"members": checkpoints}
        return state, {"train_time_s": float(sum(times)),
                       "train_errors": prediction_errors(self.model(state, training).calculator(), training)}

    def model(self, state: dict, training=None):
        from matsci_ml.equivariant.committee import NequIPCommittee

        return NequIPCommittee.from_checkpoints([base64.b64decode(c) for c in state["members"]],
                                                max_selected=self.max_selected)

    def errors(self, state: dict, frames) -> dict:
        return prediction_errors(self.model(state).calculator(), frames)

