"""ASE's Calculator protocol on every calculator of the library: parameters/todict, set and reset, results
dropped when the model changes, PropertyNotImplementedError for stress without a cell, every result declared."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.calculator import PropertyNotImplementedError

from matsci_ml.equivariant.committee import CommitteeCalculator
from matsci_ml.mtp import MomentTensorPotential, MTPCalculator


def _mtp(seed=0):
    potential = MomentTensorPotential.from_level(6, ["Cu"], min_dist=1.9, max_dist=4.5, seed=seed)
    potential.moment_coeffs = np.random.default_rng(seed).normal(0, 0.01, potential.moment_coeffs.shape)
    return potential


def _calculators():
    return {"MTPCalculator": MTPCalculator(_mtp()),
            "CommitteeCalculator": CommitteeCalculator([MTPCalculator(_mtp(1)), MTPCalculator(_mtp(2))])}


def _cell():
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    atoms.rattle(0.05, seed=0)
    return atoms


@pytest.mark.parametrize("name", list(_calculators()))
def test_todict_is_json_and_every_result_is_declared(name):
    calc = _calculators()[name]
    json.dumps(calc.todict())
    atoms = _cell()
    atoms.calc = calc
    atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()
    undeclared = set(calc.results) - set(calc.implemented_properties)
    assert not undeclared, f"{name} writes undeclared results {undeclared}"


@pytest.mark.parametrize("name", list(_calculators()))
def test_stress_without_a_periodic_cell_is_not_implemented(name):
    atoms = _cell()
    atoms.pbc = False
    atoms.calc = _calculators()[name]
    assert np.isfinite(atoms.get_potential_energy())
    with pytest.raises(PropertyNotImplementedError):
        atoms.get_stress()


@pytest.mark.parametrize("name", list(_calculators()))
def test_moving_an_atom_resets_the_results(name):
    atoms = _cell()
    atoms.calc = _calculators()[name]
    before = atoms.get_potential_energy()
    atoms.positions[0, 0] += 0.1
    assert atoms.get_potential_energy() != before


def test_mtp_parameters_set_and_reset():
    calc = MTPCalculator(_mtp(), close_contacts="warn", skin=0.3)
    assert calc.parameters["close_contacts"] == "warn" and calc.todict()["skin"] == 0.3
    atoms = _cell()
    atoms.calc = calc
    atoms.get_potential_energy()
    assert calc.set(skin=0.3) == {}            # unchanged: results kept
    assert calc.results
    assert calc.set(skin=0.4) == {"skin": 0.4} and not calc.results
    with pytest.raises(ValueError, match="close_contacts must be one of"):
        calc.set(close_contacts="maybe")


def test_mtp_results_follow_the_potential_changed_in_place_or_replaced():
    from ase.calculators.emt import EMT

    from matsci_ml.atomistic import label
    from matsci_ml.mtp.training import Dataset, config_weights, fit_linear

    atoms = _cell()
    potential = _mtp()
    atoms.calc = MTPCalculator(potential)
    first = atoms.get_potential_energy()
    frames = [label(_cell(), EMT)]
    dataset = Dataset.from_frames(frames, potential)
    fit_linear(potential, dataset, config_weights(dataset, 1.0, 0.01, 0.0, "vibrations"))  # refits in place
    refitted = atoms.get_potential_energy()
    assert refitted != first
    probe = _cell()
    probe.calc = MTPCalculator(potential)
    assert refitted == probe.get_potential_energy()         # what a fresh calculator gives
    atoms.calc.potential = _mtp(5)
    assert atoms.get_potential_energy() != refitted


def test_committee_members_replaced_resets_results():
    atoms = _cell()
    calc = CommitteeCalculator([MTPCalculator(_mtp(1)), MTPCalculator(_mtp(2))])
    atoms.calc = calc
    before = atoms.get_potential_energy()
    calc.members = [MTPCalculator(_mtp(3)), MTPCalculator(_mtp(4))]
    assert not calc.results and atoms.get_potential_energy() != before
    with pytest.raises(ValueError, match="at least 2 members"):
        calc.members = [MTPCalculator(_mtp())]
