"""The interface-velocity melting point: the fit recovers a known crossing with an honest error bar, refuses drifts
that do not bracket it, and a small EMT Al two-phase cell melts above and freezes below."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.active_learning.exploration import ExtrapolationBreak
from matsci_ml.atomistic.melting import EnergyDrift, coexistence_cell, energy_drift, half_order, melting_point


def _drift(temperature, slope, error=1e-4):
    return EnergyDrift(temperature, slope, error, np.zeros(1), np.zeros(1))


def test_the_fit_finds_the_crossing_and_its_error_scales_with_the_noise():
    temperatures = np.array([800.0, 850.0, 900.0, 950.0, 1000.0, 1050.0])
    exact = [_drift(t, 2e-5 * (t - 933.0)) for t in temperatures]
    assert melting_point(exact).temperature_K == pytest.approx(933.0, abs=1e-6)
    rng = np.random.default_rng(0)
    estimates, errors = [], []
    for _ in range(200):
        noisy = [_drift(t, 2e-5 * (t - 933.0) + rng.normal(0, 2e-4), 2e-4) for t in temperatures]
        found = melting_point(noisy)
        estimates.append(found.temperature_K)
        errors.append(found.error_K)
    # the quoted 1σ matches the scatter of the estimates over repeated noisy data (within 25 %)
    assert np.std(estimates) == pytest.approx(np.mean(errors), rel=0.25)
    assert abs(np.mean(estimates) - 933.0) < 3 * np.std(estimates) / np.sqrt(200)


def test_drifts_that_do_not_bracket_the_melting_point_are_refused():
    with pytest.raises(ValueError, match="add some above 1000 K"):
        melting_point([_drift(t, -1e-3) for t in (800.0, 900.0, 1000.0)])
    with pytest.raises(ValueError, match="at least three"):
        melting_point([_drift(800.0, -1e-3), _drift(1000.0, 1e-3)])


def test_a_small_emt_al_cell_melts_when_hot_and_freezes_when_cold():
    crystal = bulk("Al", "fcc", a=4.05, cubic=True).repeat((2, 2, 5))            # 80 atoms
    with pytest.raises(ValueError, match="elongate"):
        coexistence_cell(bulk("Al", "fcc", a=4.05, cubic=True).repeat(2), EMT, 900.0)
    two_phase = coexistence_cell(crystal, EMT, 900.0, equilibrate_steps=100, melt_steps=1000, settle_steps=50)
    assert len(two_phase) == 80 and two_phase.constraints == []
    lower, upper = half_order(two_phase, two_phase.cell[0, 0] / 2)
    assert lower > 0.3 and upper < 0.2                                         # crystal below, liquid above
    assert half_order(crystal, 4.05) == pytest.approx((1.0, 1.0))
    hot = energy_drift(two_phase, EMT, 2000.0, steps=300)
    cold = energy_drift(two_phase, EMT, 300.0, steps=300)
    assert hot.slope_ev_per_atom_ps > 0 > cold.slope_ev_per_atom_ps
    assert len(hot.energy_per_atom) == len(hot.time_ps) == 31       # steps 0, 10, ..., 300
    assert np.isnan(hot.max_grade)                                      # not monitored
    # production runs of an MTP watch the extrapolation grade and stop above gamma_break
    assert energy_drift(two_phase, EMT, 900.0, steps=100, grade_model=_ConstantGrade(1.5)).max_grade == 1.5
    with pytest.raises(ExtrapolationBreak, match="> gamma_break = 5"):
        energy_drift(two_phase, EMT, 900.0, steps=100, grade_model=_ConstantGrade(7.0))


class _ConstantGrade:
    def __init__(self, value):
        self.value = value

    def grade(self, atoms):
        return self.value
