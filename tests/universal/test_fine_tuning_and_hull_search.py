"""Fine-tuning puts the per-element shift into CHGNet exactly; the near-hull oracle check finds the oracle's hull;
the shipped lesson 10 results hold what their scripts say."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from ase.calculators.emt import EMT

from matsci_ml.active_learning.hull_search import refine_near_hull
from matsci_ml.atomistic import convex_hull, formation_energies
from matsci_ml.atomistic.relax import relax
from matsci_ml.cluster_expansion.enumeration import enumerate_structures
from matsci_ml.cluster_expansion.lesson_setup import cupt_parent


def test_fine_tuning_with_zero_learning_rate_is_the_model_plus_the_shift():
    from matsci_ml.data import load_mlearn
    from matsci_ml.universal import universal_calculator
    from matsci_ml.universal.fine_tuning import fine_tune_chgnet

    frames = load_mlearn("Mo", "test")[:2]
    tuned, info = fine_tune_chgnet(frames, epochs=1, min_steps=1, learning_rate=0.0, batch_size=2)
    raw = universal_calculator("chgnet")
    mu = info["shift"]["Mo"]
    for frame in frames:
        a, b = frame.copy(), frame.copy()
        a.calc, b.calc = raw, tuned
        assert b.get_potential_energy() == pytest.approx(a.get_potential_energy() + len(frame) * mu, abs=2e-3)
        assert np.abs(b.get_forces() - a.get_forces()).max() < 1e-3
    shifted_error = np.mean([(f.get_potential_energy() - (raw.get_potential_energy(f) + len(f) * mu)) / len(f)
                             for f in frames])
    assert abs(shifted_error) < 1e-3                    # the shift is the least-squares constant of these frames
    assert info["epochs"] == 1 and info["fit_time_s"] > 0


def test_universal_calculator_copies_share_the_network_but_not_results():
    from ase.build import bulk

    from matsci_ml.universal import universal_calculator

    calculator = universal_calculator("chgnet")
    twin = copy.deepcopy(calculator)
    assert twin.inner.model is calculator.inner.model
    small, large = bulk("Cu", "fcc", a=3.6), bulk("Cu", "fcc", a=3.6).repeat(2)
    small.calc, large.calc = calculator, twin
    e_small, e_large = small.get_potential_energy(), large.get_potential_energy()
    assert e_large == pytest.approx(8 * e_small, rel=1e-4)
    assert calculator.results["energy"] == e_small and twin.results["energy"] == e_large


def _cupt_pool_with_emt_energies():
    """Cu-Pt candidates up to 4 atoms, their EMT energies per atom (unrelaxed) and formation energies."""
    pool = enumerate_structures(cupt_parent(), range(1, 5), ("Cu", "Pt"))
    exact = []
    for atoms in pool:
        atoms = atoms.copy()
        atoms.calc = EMT()
        exact.append(atoms.get_potential_energy() / len(atoms))
    x, e = formation_energies(pool, exact, ("Cu", "Pt"))
    return pool, exact, x, e


def test_refine_near_hull_recovers_the_oracle_hull_from_noisy_energies():
    pool, exact, x, e = _cupt_pool_with_emt_energies()
    oracle_hull = convex_hull(x, e)
    noisy = np.array(exact) + np.random.default_rng(0).uniform(-0.003, 0.003, len(pool))
    found = refine_near_hull(pool, noisy, ("Cu", "Pt"), EMT, window=0.010)
    assert sorted(found.hull.ground_states) == sorted(oracle_hull.ground_states)
    assert found.oracle_calls == len(found.checked) < len(pool)
    assert 0.0 < found.largest_mtp_error <= 0.006 + 1e-12
    np.testing.assert_allclose(found.formation_energy[found.checked], e[found.checked], atol=1e-12)
    assert len(found.relaxed) == 0                      # the noise (3 meV/atom) is inside the window
    assert found.window == 0.010                        # wide enough at once: never doubled
    # a window narrower than the noise, kept: fewer candidates checked, and those the "MTP" got wrong relaxed
    narrow = refine_near_hull(pool, noisy, ("Cu", "Pt"), EMT, window=1e-4, widen=False)
    assert len(narrow.checked) < len(found.checked) and len(narrow.relaxed) > 0
    assert narrow.window == 1e-4 and narrow.largest_mtp_error >= narrow.window
    with pytest.raises(ValueError, match="window must be positive"):
        refine_near_hull(pool, noisy, ("Cu", "Pt"), EMT, window=0.0)
    broken = noisy.copy()                               # a failed MTP evaluation is refused, not left out silently
    broken[found.checked[-1]] = np.nan
    with pytest.raises(ValueError, match=rf"MTP energies of candidates \[{found.checked[-1]}\] are not finite"):
        refine_near_hull(pool, broken, ("Cu", "Pt"), EMT, window=0.010)
    with pytest.raises(ValueError, match=r"the oracle gave a non-finite energy for candidates \[0, 1"):
        refine_near_hull(pool, noisy, ("Cu", "Pt"), _NanOracle, window=0.010)     # ... and so is a failed oracle


class _NanOracle(EMT):
    """An oracle whose every calculation failed quietly."""

    def calculate(self, *args, **kwargs):
        super().calculate(*args, **kwargs)
        self.results["energy"] = float("nan")


def test_refine_near_hull_widens_a_window_the_mtp_error_reached_until_it_exceeds_that_error():
    # EMT-relaxed candidates, so that relaxing a checked one again leaves its energy alone (0 optimiser steps)
    pool = enumerate_structures(cupt_parent(), range(1, 5), ("Cu", "Pt"))
    exact = [relax(atoms, EMT(), fmax=0.01, steps=200).energy_per_atom for atoms in pool]
    oracle_hull = convex_hull(*formation_energies(pool, exact, ("Cu", "Pt")))
    for seed in (0, 1, 5):              # "MTP" errors up to 15 meV/atom, against a 10 meV/atom window
        noisy = np.array(exact) + np.random.default_rng(seed).uniform(-0.015, 0.015, len(pool))
        fixed = refine_near_hull(pool, noisy, ("Cu", "Pt"), EMT, window=0.010, widen=False)
        widened = refine_near_hull(pool, noisy, ("Cu", "Pt"), EMT, window=0.010)
        assert fixed.largest_mtp_error >= 0.010 and fixed.window == 0.010       # the sign the window was too narrow
        assert sorted(fixed.hull.ground_states) != sorted(oracle_hull.ground_states)         # ... and a lost vertex
        assert widened.window in (0.020, 0.040) and widened.largest_mtp_error < widened.window
        assert sorted(widened.hull.ground_states) == sorted(oracle_hull.ground_states)
        assert set(fixed.checked) < set(widened.checked) and widened.oracle_calls == len(widened.checked)
        # every candidate within the final window of the "MTP" hull was computed with the oracle
        above = convex_hull(*formation_energies(pool, noisy, ("Cu", "Pt"))).energy_above_hull
        assert set(np.flatnonzero(above < widened.window)) <= set(widened.checked) < set(range(len(pool)))


def test_refine_near_hull_relaxes_a_candidate_the_mtp_left_at_a_wrong_geometry():
    pool, exact, x, e = _cupt_pool_with_emt_energies()
    vertex = next(k for k in convex_hull(x, e).ground_states if 0 < x[k] < 1)
    structures = [atoms.copy() for atoms in pool]
    structures[vertex].set_cell(structures[vertex].cell * 0.95, scale_atoms=True)   # the MTP's wrong minimum
    found = refine_near_hull(structures, exact, ("Cu", "Pt"), EMT, window=0.010)
    assert found.relaxed.tolist() == [vertex]
    assert vertex in found.hull.ground_states
    assert found.formation_energy[vertex] <= e[vertex] + 1e-6          # relaxed back to (or below) the ideal geometry
    assert found.oracle_calls > len(found.checked)                   # its optimiser steps count as oracle calls
    # the single point alone, at the compressed geometry, is far above: the vertex would be lost
    stretched = structures[vertex].copy()
    stretched.calc = EMT()
    assert stretched.get_potential_energy() / len(stretched) - exact[vertex] > 0.05


def test_shipped_zero_shot_table_is_complete_and_its_mtp_row_recomputes():
    from matsci_ml.data import load_mlearn
    from matsci_ml.mtp import Dataset, errors, read_mtp
    from matsci_ml.mtp.reference_values import SHIPPED_MO_MTP, ZUO_2020_MTP_TEST_MAE
    from matsci_ml.universal.shipped import load_zero_shot

    table = load_zero_shot()
    for element in ("Mo", "Si", "Ge", "Li"):
        for model in ("chgnet", "sevennet-0"):
            rows = table[(table["element"] == element) & (table["model"] == model)]
            assert sorted(rows["kind"]) == ["raw", "shifted"]
            forces = rows["force_mae_ev_per_a"].to_numpy()                 # the shift leaves forces alone (two
            assert forces[0] == pytest.approx(forces[1], rel=1e-5)          # float32 evaluations of the same model)
        published = table[(table["element"] == element) & (table["kind"] == "published")].iloc[0]
        assert (published["energy_mae_mev_per_atom"], published["force_mae_ev_per_a"]) == ZUO_2020_MTP_TEST_MAE[element]
    test = load_mlearn("Mo", "test")
    shipped = read_mtp(SHIPPED_MO_MTP)
    row = table[table["model"] == "MTP level 16 (lesson 06, shipped)"].iloc[0]
    recomputed = errors(shipped, Dataset.from_frames(test, shipped))
    assert row["energy_mae_mev_per_atom"] == pytest.approx(recomputed["energy_mae_mev_per_atom"], rel=1e-9)


def test_shipped_learning_curve_records_the_settings_it_ran_with():
    from matsci_ml.mtp.benchmark import MO_FIT_SETTINGS
    from matsci_ml.universal.fine_tuning import FINE_TUNE_SETTINGS
    from matsci_ml.universal.shipped import load_learning_curve, seed_spread

    curve, run = load_learning_curve()
    assert run["mtp_settings"] == MO_FIT_SETTINGS and run["fine_tune_settings"] == FINE_TUNE_SETTINGS
    assert sorted(curve["n_train"].unique()) == [5, 10, 25, 50, 194]
    assert set(curve["model"]) == {"mtp", "chgnet-fine-tuned"} and (curve["fit_time_s"] > 0).all()
    largest = curve[curve["n_train"] == 194].set_index("model")
    assert largest.loc["mtp", "energy_mae_mev_per_atom"] < largest.loc["chgnet-fine-tuned", "energy_mae_mev_per_atom"]
    # lesson 10's tolerance for its n = 5 MTP: the spread over starting points, on the same five configurations
    spread = run["mtp_seed_spread"]
    assert spread["n_train"] == 5 and spread["subset_seed"] == run["seed"] and len(set(spread["mtp_seeds"])) >= 8
    assert len(spread["force_mae_ev_per_a"]) == len(spread["energy_mae_mev_per_atom"]) == len(spread["mtp_seeds"])
    # its first starting point is the curve's own n = 5 MTP, made on as many threads: the two records agree
    smallest = curve[(curve["n_train"] == 5) & (curve["model"] == "mtp")].iloc[0]
    assert spread["mtp_seeds"][0] == run["mtp_settings"]["seed"] == run["seed"]
    assert spread["force_mae_ev_per_a"][0] == pytest.approx(smallest["force_mae_ev_per_a"], rel=1e-9)
    # what the lesson prints and checks against
    summary = seed_spread(run)
    assert summary.mean == pytest.approx(np.mean(spread["force_mae_ev_per_a"]), rel=1e-12)
    assert summary.std == pytest.approx(np.std(spread["force_mae_ev_per_a"], ddof=1), rel=1e-12) and summary.std > 0
    assert f"from {len(spread['mtp_seeds'])} starting points" in str(summary)
    assert f"{spread['first_seed_on_one_thread']['force_mae_ev_per_a']:.3f} instead of" in str(summary)
