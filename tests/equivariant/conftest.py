"""EMT-labelled Cu cells and a NequIP model trained on them briefly, shared by the NequIP tests."""

from __future__ import annotations

import pytest
from ase.build import bulk

from matsci_ml.active_learning import label_all

TINY = {"r_max": 4.0, "num_layers": 2, "l_max": 1, "num_features": 8, "radial_mlp_width": 16, "batch_size": 4,
        "learning_rate": 0.01}


@pytest.fixture(scope="session")
def tiny():
    """NequIPTrainer parameters of a very small model."""
    return dict(TINY)


@pytest.fixture(scope="session")
def cu_frames():
    frames = []
    for k in range(8):
        atoms = bulk("Cu", "fcc", a=3.61 * (1 + 0.005 * (k % 3 - 1)), cubic=True).repeat((2, 2, 1))
        atoms.rattle(0.05, seed=k)
        frames.append(atoms)
    return label_all(frames)


@pytest.fixture(scope="session")
def trained(cu_frames):
    from matsci_ml.equivariant import NequIPTrainer

    return NequIPTrainer(**TINY, max_epochs=15, seed=0, progress=False).fit(cu_frames[:6])
