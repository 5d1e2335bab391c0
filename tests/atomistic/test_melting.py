"""The coexistence melting point: a small EMT Al two-phase cell is built crystal below and liquid above, a
constant-enthalpy run keeps both phases and its total energy, runs that consume a phase are refused, and the
combination of runs quotes an error that grows with their disagreement."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.active_learning.exploration import ExtrapolationBreak
from matsci_ml.atomistic.melting import (CoexistenceRun, coexistence_cell, coexistence_run, half_order, load_al_melting,
                                        load_al_short_runs, melting_point)
from matsci_ml.paths import REPO_ROOT


@pytest.fixture(scope="module")
def two_phase():
    # 192 atoms. Thinner slabs misbehave: a 2- or 3-cell melt between crystal on both sides recrystallizes within
    # 2 ps near T_m, and a 2-cell crystal slab superheats (1800 K does not melt it in 2 ps; 2400 K does)
    crystal = bulk("Al", "fcc", a=4.05, cubic=True).repeat((2, 2, 12))
    return coexistence_cell(crystal, EMT, 800.0, melt_factor=3.0, equilibrate_steps=300, melt_steps=600,
                            settle_steps=400)


def test_the_two_phase_cell_is_crystal_below_and_liquid_above(two_phase):
    with pytest.raises(ValueError, match="elongate"):
        coexistence_cell(bulk("Al", "fcc", a=4.05, cubic=True).repeat(2), EMT, 900.0)
    with pytest.raises(ValueError, match="build it with coexistence_cell"):
        coexistence_run(bulk("Al", "fcc", a=4.05, cubic=True).repeat((2, 2, 12)), EMT, steps=10)
    assert len(two_phase) == 192 and two_phase.constraints == []
    assert two_phase.info["lattice_constant"] == pytest.approx(two_phase.cell[0, 0] / 2)
    lower, upper = half_order(two_phase, two_phase.info["lattice_constant"])
    assert lower >= 0.4 and upper <= 0.35
    assert half_order(bulk("Al", "fcc", a=4.05, cubic=True).repeat((2, 2, 12)), 4.05) == pytest.approx((1.0, 1.0))


def test_a_constant_enthalpy_run_keeps_its_energy_and_both_phases(two_phase):
    run = coexistence_run(two_phase, EMT, steps=1500, block_ps=0.5)
    assert len(run.temperatures_K) == len(run.time_ps) == len(run.total_energy_per_atom) == 151
    assert run.start_K == pytest.approx(two_phase.get_temperature())
    # no thermostat: the total energy changes only by the barostat's work and the integrator's error
    assert np.ptp(run.total_energy_per_atom) < 2e-3                                   # eV/atom, over 3 ps
    assert 600 < run.temperature_K < 1100 and 0 < run.error_K < 50
    kept = run.temperatures_K[75:]
    assert run.temperature_K == pytest.approx(kept.mean())
    time_ps, means = run.block_means(0.5)                                              # 25 samples a block
    np.testing.assert_allclose(time_ps, [0.25, 0.75, 1.25, 1.75, 2.25, 2.75])
    assert means[0] == pytest.approx(run.temperatures_K[:25].mean())
    assert np.isnan(run.max_grade)                                                     # not monitored
    assert run.final_order[0] >= 0.15 and run.final_order[1] <= 0.5


def test_a_run_that_melts_its_crystal_is_refused(two_phase):
    hot = two_phase.copy()
    hot.set_momenta(hot.get_momenta() * 2.0)                                           # ~3200 K: the crystal melts
    with pytest.raises(RuntimeError, match="a phase was consumed"):
        coexistence_run(hot, EMT, steps=1000, block_ps=0.3)


def test_production_runs_of_an_mtp_watch_the_grade(two_phase):
    assert coexistence_run(two_phase, EMT, steps=100, block_ps=0.02, grade_model=_ConstantGrade(1.5)).max_grade == 1.5
    with pytest.raises(ExtrapolationBreak, match="> gamma_break = 5"):
        coexistence_run(two_phase, EMT, steps=100, block_ps=0.02, grade_model=_ConstantGrade(7.0))


def _run(temperature, error):
    return CoexistenceRun(temperature, error, temperature, np.zeros(1), np.zeros(1), np.zeros(1), (0.5, 0.0))


def test_the_combined_error_grows_with_the_disagreement_of_the_runs():
    agreeing = melting_point([_run(900.0, 3.0), _run(900.0, 4.0)])
    assert agreeing.temperature_K == 900.0 and agreeing.error_K == pytest.approx(2.5)     # sqrt(9 + 16) / 2
    apart = melting_point([_run(880.0, 3.0), _run(920.0, 4.0)])
    assert apart.temperature_K == 900.0
    assert apart.error_K == pytest.approx(np.sqrt(2.5**2 + 800.0 / 2))                   # s² = 800 K²
    with pytest.raises(ValueError, match="at least two runs"):
        melting_point([_run(900.0, 3.0)])


class _ConstantGrade:
    def __init__(self, value):
        self.value = value

    def grade(self, atoms):
        return self.value


def test_the_shipped_al_melting_points_agree_and_recombine():
    """``datasets/melting/al_melting.py``'s output: T_m of the learned MTP within 3 % of EMT's by the same method,
    each recomputed from its runs; production never extrapolated beyond γ = 5; the learning phase converged."""
    shipped = load_al_melting()
    for name in ("emt", "mtp"):
        runs = [_run(r["temperature_K"], r["error_K"]) for r in shipped[name]["runs"]]
        again = melting_point(runs)
        assert again.temperature_K == pytest.approx(shipped[name]["melting_point_K"], abs=1e-9)
        assert again.error_K == pytest.approx(shipped[name]["error_K"], abs=1e-9) and again.error_K > 0
        assert all(r["final_order"][0] >= 0.15 and r["final_order"][1] <= 0.5 for r in shipped[name]["runs"])
    emt, mtp = shipped["emt"]["melting_point_K"], shipped["mtp"]["melting_point_K"]
    assert abs(mtp / emt - 1) <= 0.03
    assert all(r["max_grade"] <= 5 for r in shipped["mtp"]["runs"])
    assert all(np.isnan(r["max_grade"]) for r in shipped["emt"]["runs"])
    learning = shipped["learning"]
    assert learning["converged"] and learning["oracle_calls"] == learning["training_size"]
    assert learning["configurations_in_active_set"] <= learning["training_size"]
    same_thresholds = [t for t in shipped["thresholds"] if (t["gamma_select"], t["gamma_break"]) == (3.0, 10.0)]
    assert [(t["iterations"], t["oracle_calls"]) for t in same_thresholds] == [(learning["iterations"],
                                                                                learning["oracle_calls"])]


def test_the_shipped_short_runs_are_the_lessons_run_and_give_its_spread():
    """``datasets/melting/al_short_runs.py``'s output, against which lesson 07 checks its single short run: at least
    two learned potentials with at least four runs each (every pair of seeds once), from the start temperature and
    with the step count the lesson uses (read from the lesson's code), none extrapolating beyond γ = 5, and the mean
    and 1σ recomputed from the runs."""
    short = load_al_short_runs()
    runs = short["runs"]
    temperatures = [r["temperature_K"] for r in runs if "temperature_K" in r]
    pairs = [(r["learning_seed"], r["seed"]) for r in runs]
    assert len(set(pairs)) == len(pairs) and len({p[0] for p in pairs}) >= 2 and len({p[1] for p in pairs}) >= 4
    assert [learning["seed"] for learning in short["learning"]] == sorted({p[0] for p in pairs})
    assert short["failed"] == sum("failed" in r for r in runs) == len(runs) - len(temperatures)
    assert short["mean_K"] == pytest.approx(np.mean(temperatures), abs=1e-9)
    assert short["std_K"] == pytest.approx(np.std(temperatures, ddof=1), abs=1e-9) and short["std_K"] > 0
    assert all(r["max_grade"] <= 5 for r in runs if "temperature_K" in r)
    lesson = (REPO_ROOT / "lessons" / "07_active_learning.ipynb").read_text()
    assert f"coexistence_cell(crystal, al_mtp, {short['start_K']}, seed=SEED)" in lesson
    assert f"coexistence_run(two_phase, al_mtp, steps={short['steps']}," in lesson
