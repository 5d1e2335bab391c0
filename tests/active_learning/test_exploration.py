"""Two thresholds: collect above gamma_select, stop above gamma_break."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.active_learning import ActiveSet, GradeMonitor, MDExploration, NPTExploration, RelaxExploration


@pytest.fixture(scope="module")
def active(cu_potential, cu_training_set):
    return ActiveSet.from_frames(cu_potential, cu_training_set)


def test_hot_md_far_from_the_data_breaks(active):
    """The training set holds 0.02 A rattles only; at 1500 K the grade soon passes gamma_break."""
    start = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    result = MDExploration(start, temperature_K=1500, steps=400, seed=1).run(active, gamma_select=2, gamma_break=10)
    assert result.broken and not result.converged
    assert 0 < result.steps_done < 400
    assert result.reliability == pytest.approx(result.steps_done / 400)
    assert result.grades[-1] > 10 and np.all(result.grades[:-1] <= 10)
    assert len(result.candidates) == np.sum(result.grades > 2)
    assert all(c.info["grade"] > 2 and c.calc is None for c in result.candidates)


def test_cold_md_stays_inside(active):
    start = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    result = MDExploration(start, temperature_K=5, steps=50, seed=0).run(active, gamma_select=2, gamma_break=10)
    assert not result.broken and result.converged and result.reliability == 1.0
    assert len(result.grades) == 51 and result.candidates == []
    assert np.isfinite(result.final.info["energy"])


def test_md_is_reproducible(active):
    start = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    runs = [MDExploration(start, temperature_K=900, steps=30, seed=4).run(active, iteration=2) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].grades, runs[1].grades)
    other = MDExploration(start, temperature_K=900, steps=30, seed=4).run(active, iteration=3)
    assert not np.array_equal(runs[0].grades, other.grades)


def test_npt_md_lets_a_compressed_cell_expand(active):
    """At zero pressure the barostat lets a 1 % compressed cell grow; the Langevin MD keeps its cell."""
    start = bulk("Cu", "fcc", a=3.61 * 0.99, cubic=True).repeat(2)
    npt = NPTExploration(start, temperature_K=100, steps=150, seed=0, bulk_modulus_GPa=140.0)
    result = npt.run(active, gamma_select=50, gamma_break=100)
    assert result.steps_done == 150 and not result.broken
    assert 1.005 * start.get_volume() < result.final.get_volume() < 1.04 * start.get_volume()     # on its way to +3 %
    fixed = MDExploration(start, temperature_K=100, steps=20, seed=0).run(active, gamma_select=50, gamma_break=100)
    assert fixed.final.get_volume() == pytest.approx(start.get_volume())


def test_relaxation_of_a_compressed_cell(active):
    start = bulk("Cu", "fcc", a=3.61 * 0.995, cubic=True).repeat(2)
    start.rattle(0.01, seed=3)
    result = RelaxExploration(start, fmax=0.01, steps=100).run(active, gamma_select=2, gamma_break=10)
    assert result.converged and not result.broken
    assert result.steps_done > 0 and np.isfinite(result.final.info["energy"])


def test_thresholds_must_be_ordered(active):
    with pytest.raises(ValueError, match="gamma_select <= gamma_break"):
        GradeMonitor(active, bulk("Cu"), gamma_select=5, gamma_break=2)
