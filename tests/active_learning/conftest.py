"""A small Cu MTP trained on rattled EMT cells, shared by the active-learning tests."""

from __future__ import annotations

import pytest
from ase.build import bulk

from matsci_ml.active_learning import label_all
from matsci_ml.mtp import MTPTrainer

TRAINER = {"level": 8, "min_dist": 1.9, "max_dist": 4.5, "max_iter": 30}


def rattled_cu(amplitude: float, seed: int, strain: float = 0.0):
    atoms = bulk("Cu", "fcc", a=3.61 * (1 + strain), cubic=True).repeat(2)
    atoms.rattle(amplitude, seed=seed)
    return atoms


@pytest.fixture(scope="session")
def rattled():
    """``rattled(amplitude, seed, strain=0)``: a 32-atom fcc Cu cell with random displacements."""
    return rattled_cu


@pytest.fixture(scope="session")
def cu_training_set():
    frames = [rattled_cu(0.02, seed, strain) for seed, strain in enumerate([-0.01, 0.0, 0.0, 0.01, 0.0, 0.005])]
    return label_all(frames)


@pytest.fixture(scope="session")
def cu_potential(cu_training_set):
    return MTPTrainer(**TRAINER, progress=False).fit(cu_training_set).potential_
