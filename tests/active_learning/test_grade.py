"""Extrapolation grade: <= 1 on the training set, rising with distance from it; selection."""

from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.active_learning import ActiveSet, jacobian_rows
from matsci_ml.active_learning.grade import neighbourhood_rows


@pytest.mark.parametrize("kind", ["neighbourhood", "configuration"])
def test_training_configurations_interpolate(cu_potential, cu_training_set, kind, rattled):
    if kind == "configuration":   # one row per configuration: need at least m of them
        frames = cu_training_set + [rattled(0.02, 50 + k) for k in range(10)]
    else:
        frames = cu_training_set
    active = ActiveSet.from_frames(cu_potential, frames, kind=kind)
    assert active.size == cu_potential.moment_coeffs.size + 1
    grades = active.grades(frames)
    assert grades.max() <= 1 + 1e-6
    assert grades.max() == pytest.approx(1.0, abs=1e-9)   # the active rows themselves have grade 1


def test_grade_rises_with_rattle_amplitude(cu_potential, cu_training_set, rattled):
    active = ActiveSet.from_frames(cu_potential, cu_training_set)
    amplitudes = [0.01, 0.03, 0.1, 0.2, 0.3]
    mean_grades = [np.mean([active.grade(rattled(a, 100 + s)) for s in range(4)]) for a in amplitudes]
    assert np.all(np.diff(mean_grades) > 0), mean_grades
    assert mean_grades[0] < 2 < mean_grades[-1]


def test_grade_does_not_depend_on_basis_scaling(cu_potential, cu_training_set, rattled):
    """Rescaling a basis function (a column) changes no grade: c = b A^-1 is invariant."""
    active = ActiveSet.from_frames(cu_potential, cu_training_set)
    probe = rattled(0.15, 9)
    rows = neighbourhood_rows(cu_potential, probe)
    scale = np.logspace(-3, 3, rows.shape[1])
    by_hand = np.abs((rows * scale) @ np.linalg.inv(active.rows * scale)).max()
    assert by_hand == pytest.approx(active.grade(probe), rel=1e-6)


def test_rows_sum_to_the_energy_gradient(cu_potential, rattled):
    """Configuration rows are dE/d(theta): their dot product with the linear parameters is the energy."""
    from matsci_ml.mtp import MTPCalculator

    atoms = rattled(0.05, 1)
    rows, owners = jacobian_rows(cu_potential, [atoms], kind="configuration")
    theta = np.concatenate([cu_potential.moment_coeffs, cu_potential.species_coeffs])
    atoms.calc = MTPCalculator(cu_potential)
    assert rows[0] @ theta == pytest.approx(atoms.get_potential_energy(), rel=1e-12)
    assert owners.tolist() == [0]


def test_select_adds_extrapolating_configurations_only(cu_potential, cu_training_set, rattled):
    active = ActiveSet.from_frames(cu_potential, cu_training_set)
    assert active.select(cu_training_set) == []          # nothing new in the training set itself
    pool = [rattled(a, 200 + k) for k, a in enumerate([0.01, 0.2, 0.25, 0.01, 0.3])]
    chosen = active.select(pool)
    assert 0 < len(chosen) <= active.size
    assert set(chosen) <= {1, 2, 4}                       # the strongly rattled ones
    # once they are in the training set, they interpolate
    grown = ActiveSet.from_frames(cu_potential, cu_training_set + [pool[i] for i in chosen])
    assert grown.grades([pool[i] for i in chosen]).max() <= 1 + 1e-6
    grades = active.grades([pool[i] for i in chosen])
    assert active.select(pool, limit=1) == [chosen[int(np.argmax(grades))]]

