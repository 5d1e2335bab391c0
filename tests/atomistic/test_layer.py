"""The shared atomistic layer: serialisation, oracle keys, the one relax, the one metrics function, units."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator

from matsci_ml.atomistic import (EV_PER_A3_TO_GPA, KB_EV_PER_K, atoms_as_dict, atoms_from_dict, error_metrics, label,
                                 oracle_key, prediction_errors, relax)


def test_serialisation_round_trips_labels_and_array_info_exactly():
    atoms = label(bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2), EMT)
    atoms.positions += np.random.default_rng(0).normal(0, 0.01, atoms.positions.shape)
    atoms = label(atoms, EMT)
    atoms.info.update(grade=2.5, tag="md", magmoms=np.arange(4.0), nested={"weights": np.ones(3)})
    back = atoms_from_dict(json.loads(json.dumps(atoms_as_dict(atoms))))
    np.testing.assert_array_equal(back.positions, atoms.positions)
    np.testing.assert_array_equal(back.get_forces(), atoms.get_forces())
    np.testing.assert_array_equal(back.get_stress(), atoms.get_stress())
    assert back.get_potential_energy() == atoms.get_potential_energy()
    np.testing.assert_array_equal(back.info["magmoms"], np.arange(4.0))
    np.testing.assert_array_equal(back.info["nested"]["weights"], np.ones(3))
    assert back.info["grade"] == 2.5 and back.info["tag"] == "md"


def test_serialisation_of_unlabelled_atoms_and_a_clear_error_for_a_wrong_dict():
    back = atoms_from_dict(atoms_as_dict(bulk("Cu")))
    assert back.calc is None and back.get_chemical_formula() == "Cu"
    with pytest.raises(ValueError, match="numbers, positions, cell and pbc"):
        atoms_from_dict({"numbers": [29]})


def test_oracle_key_names_class_and_parameters():
    assert oracle_key(EMT) == oracle_key(EMT()) == oracle_key(partial(EMT))
    assert oracle_key(EMT) != oracle_key(partial(EMT, asap_cutoff=True))
    assert oracle_key(EMT).startswith("EMT ")
    with pytest.raises(TypeError, match="ASE calculator"):
        oracle_key(42)


@pytest.mark.parametrize("mode", ["volume", "full"])
def test_relax_finds_emt_copper_lattice_constant(mode):
    atoms = bulk("Cu", "fcc", a=3.45, cubic=True)
    result = relax(atoms, EMT(), mode=mode, fmax=0.001, steps=300)
    assert result.converged and result.steps > 0
    assert atoms.cell.lengths()[0] == pytest.approx(3.5898, abs=2e-3)   # EMT's fcc Cu minimum


def test_relax_positions_keeps_the_cell_and_refuses_unknown_modes():
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2)
    atoms.rattle(0.05, seed=1)
    cell = atoms.cell.copy()
    result = relax(atoms, EMT(), mode="positions", fmax=0.005)
    assert result.converged and np.array_equal(atoms.cell, cell)
    assert np.abs(atoms.get_forces()).max() < 0.005
    with pytest.raises(ValueError, match="mode must be one of"):
        relax(atoms, EMT(), mode="cell")
    with pytest.raises(ValueError, match="needs a calculator"):
        relax(bulk("Cu"), mode="none")


def test_error_metrics_on_known_differences():
    out = error_metrics([0.001, -0.003], np.array([0.1, -0.1, 0.2, -0.2]), np.full(9, 1 / EV_PER_A3_TO_GPA))
    assert out["energy_mae_mev_per_atom"] == pytest.approx(2.0)
    assert out["energy_rmse_mev_per_atom"] == pytest.approx(np.sqrt(5.0))
    assert out["force_mae_ev_per_a"] == pytest.approx(0.15)
    assert out["force_rmse_ev_per_a"] == pytest.approx(np.sqrt(0.025))
    assert out["stress_rmse_gpa"] == pytest.approx(1.0)
    assert "stress_mae_gpa" not in error_metrics([0.0], [0.0])


def test_prediction_errors_against_labels_shifted_by_4_mev_per_atom():
    shifted = []
    for a in (3.55, 3.6, 3.65):
        atoms = label(bulk("Cu", "fcc", a=a, cubic=True), EMT)
        atoms.calc = SinglePointCalculator(atoms, energy=atoms.get_potential_energy() - 0.004 * len(atoms),
                                           forces=atoms.get_forces() + 0.1, stress=atoms.get_stress())
        shifted.append(atoms)
    out = prediction_errors(EMT(), shifted)
    assert out["energy_mae_mev_per_atom"] == pytest.approx(4.0) and out["energy_rmse_mev_per_atom"] == pytest.approx(4.0)
    assert out["force_mae_ev_per_a"] == pytest.approx(0.1) and out["stress_mae_gpa"] == pytest.approx(0.0, abs=1e-9)


def test_units_come_from_ase():
    from ase import units

    assert KB_EV_PER_K == units.kB and EV_PER_A3_TO_GPA == pytest.approx(160.21766, rel=1e-6)
