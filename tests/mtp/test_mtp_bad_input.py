"""Bad input to the MTP gets a clear error, never a silently wrong number or a crash."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.singlepoint import SinglePointCalculator

from matsci_ml.mtp import CloseContactError, Dataset, MomentTensorPotential, MTPCalculator
from matsci_ml.mtp.neighbours import PairList


@pytest.fixture
def potential():
    mtp = MomentTensorPotential.from_level(6, ["Mo"], min_dist=2.0, max_dist=4.5)
    mtp.moment_coeffs = np.random.default_rng(0).normal(0, 0.01, mtp.moment_coeffs.shape)
    return mtp


def _mo():
    return bulk("Mo", "bcc", a=3.16, cubic=True).repeat(2)


def _labelled(atoms):
    atoms.calc = SinglePointCalculator(atoms, energy=-10.0 * len(atoms), forces=np.zeros((len(atoms), 3)))
    return atoms


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_positions_are_refused(potential, value):
    atoms = _mo()
    atoms.positions[3, 1] = value
    atoms.calc = MTPCalculator(potential)
    with pytest.raises(ValueError, match=r"atoms \[3\] have NaN or infinite positions"):
        atoms.get_potential_energy()


def test_non_finite_coefficients_are_refused(potential):
    with pytest.raises(ValueError, match="moment_coeffs holds NaN or infinite"):
        potential.moment_coeffs = np.full(potential.moment_coeffs.shape, np.inf)
    with pytest.raises(ValueError, match="radial_coeffs holds NaN"):
        MomentTensorPotential(**{**_fields(potential), "radial_coeffs": np.full(potential.radial_coeffs.shape, np.nan)})


def _fields(potential):
    names = ("species", "min_dist", "max_dist", "radial_coeffs", "species_coeffs", "moment_coeffs", "alpha_index_basic",
             "alpha_index_times", "alpha_moment_mapping", "alpha_moments_count", "level")
    return {name: getattr(potential, name) for name in names}


@pytest.mark.parametrize("name", ["radial_coeffs", "species_coeffs", "moment_coeffs", "alpha_index_basic",
                                  "alpha_index_times", "alpha_moment_mapping"])
def test_every_array_of_a_potential_is_read_only(potential, name):
    array = getattr(potential, name)
    with pytest.raises(ValueError, match="read-only"):
        array.flat[0] = 10**6
    with pytest.raises(ValueError, match="must keep its shape"):
        setattr(potential, name, np.zeros(array.size + 1))


def test_arrays_of_a_dataset_and_a_pair_list_are_read_only(potential):
    frames = [_labelled(_mo())]
    dataset = Dataset.from_frames(frames, potential)
    for name in ("types", "first", "neighbours", "vectors", "config_atoms", "config_pairs", "forces"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(dataset, name).flat[0] = 10**6
    pairs = PairList.build(_mo(), 4.5, 0.5)
    for name in ("first", "neighbours", "shifts"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(pairs, name).flat[0] = 10**6


def test_an_atomic_number_that_is_no_element(potential):
    atoms = _mo()
    atoms.numbers[0] = 200
    atoms.calc = MTPCalculator(potential)
    with pytest.raises(ValueError, match=r"atomic numbers \[200\] are not elements"):
        atoms.get_potential_energy()


def test_a_zero_volume_periodic_cell(potential):
    atoms = _mo()
    atoms.cell[2] = 0.0
    atoms.calc = MTPCalculator(potential)
    with pytest.raises(ValueError, match="zero length or volume"):
        atoms.get_potential_energy()


def test_two_atoms_in_one_place_even_when_close_contacts_are_ignored(potential):
    atoms = _mo()
    atoms.positions[1] = atoms.positions[0]
    atoms.calc = MTPCalculator(potential, close_contacts="ignore")
    with pytest.raises(CloseContactError, match="same place"):
        atoms.get_forces()


def test_training_data_with_nan_positions_names_the_configuration(potential):
    good = _labelled(_mo())
    bad = good.copy()
    bad.positions[0, 0] = np.nan
    bad.calc = good.calc
    with pytest.raises(ValueError, match="configuration 1: atoms"):
        Dataset.from_frames([good, bad], potential)


def test_a_duplicated_atom_in_data_or_graded_structure(potential):
    from matsci_ml.active_learning.grade import neighbourhood_rows

    atoms = _mo()
    atoms.positions[1] = atoms.positions[0]
    with pytest.raises(ValueError, match="same place"):
        neighbourhood_rows(potential, atoms)
    with pytest.raises(ValueError, match="configuration 0: two atoms sit at the same place"):
        Dataset.from_frames([_labelled(atoms)], potential)
