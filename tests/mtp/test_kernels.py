"""MTP kernels: forces and stress are derivatives of the energy, the loss gradient is exact,
the linear fit solves its least-squares problem, and bad input is refused with a clear error."""

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.calculators.fd import calculate_numerical_stress

from matsci_ml.mtp import CloseContactError, Dataset, MomentTensorPotential, MTPCalculator, fit_linear
from matsci_ml.mtp.training import config_weights, loss_and_gradient


def _potential(level=10, species=("Cu", "Pt"), seed=1):
    mtp = MomentTensorPotential.from_level(level, list(species), min_dist=1.9, max_dist=4.5, seed=seed)
    mtp.moment_coeffs = np.random.default_rng(seed).normal(size=mtp.moment_coeffs.size) * 1e-2
    mtp.species_coeffs = np.array([-3.0, -5.0][: len(species)])
    return mtp


def _alloy(seed=0, strain=0.0):
    atoms = bulk("Cu", "fcc", a=3.75, cubic=True).repeat(2)
    atoms.symbols[::3] = "Pt"
    atoms.set_cell(atoms.cell * (1 + strain) + np.array([[0, 0.05, 0], [0, 0, 0], [0.02, 0, 0]]), scale_atoms=True)
    atoms.rattle(0.08, seed=seed)
    return atoms


def test_forces_and_stress_are_energy_derivatives():
    atoms = _alloy()
    atoms.calc = MTPCalculator(_potential())
    forces, stress = atoms.get_forces(), atoms.get_stress()
    h = 1e-5
    for index, axis in [(0, 0), (7, 2), (20, 1)]:
        shifted = []
        for sign in (1, -1):
            probe = atoms.copy()
            probe.positions[index, axis] += sign * h
            probe.calc = MTPCalculator(_potential())
            shifted.append(probe.get_potential_energy())
        assert -(shifted[0] - shifted[1]) / (2 * h) == pytest.approx(forces[index, axis], abs=1e-6)
    numeric = calculate_numerical_stress(atoms, eps=1e-5)
    np.testing.assert_allclose(stress, numeric, atol=1e-7)
    assert abs(atoms.get_forces().sum(axis=0)).max() < 1e-10  # Newton's third law


def _labelled(n=4):
    frames = []
    for k in range(n):
        atoms = _alloy(seed=k, strain=0.01 * k)
        atoms.calc = EMT()
        atoms.get_stress()
        frames.append(atoms)
    return frames


def test_loss_gradient_matches_finite_differences():
    mtp = _potential(level=8)
    dataset = Dataset.from_frames(_labelled(), mtp)
    weights = config_weights(dataset, 1.0, 0.01, 0.001, "vibrations")
    loss, grad = loss_and_gradient(mtp, dataset, weights)
    p0 = mtp.parameters
    rng = np.random.default_rng(0)
    for index in [0, mtp.moment_coeffs.size, *rng.choice(np.arange(mtp.moment_coeffs.size + 2, p0.size), 6)]:
        h = 1e-6 * max(1.0, abs(p0[index]))
        values = []
        for sign in (1, -1):
            p = p0.copy()
            p[index] += sign * h
            mtp.parameters = p
            values.append(loss_and_gradient(mtp, dataset, weights)[0])
        assert (values[0] - values[1]) / (2 * h) == pytest.approx(grad[index], rel=1e-5, abs=1e-8 * abs(grad).max())
    mtp.parameters = p0


def test_linear_fit_zeroes_the_linear_gradient():
    mtp = _potential(level=10)
    dataset = Dataset.from_frames(_labelled(6), mtp)
    weights = config_weights(dataset)
    fit_linear(mtp, dataset, weights)
    _, grad = loss_and_gradient(mtp, dataset, weights)
    n_linear = mtp.moment_coeffs.size + mtp.species_count
    assert np.abs(grad[:n_linear]).max() < 1e-7 * np.abs(grad).max()


def test_unknown_species_is_named():
    atoms = _alloy()
    atoms.symbols[0] = "Au"
    atoms.calc = MTPCalculator(_potential())
    with pytest.raises(ValueError, match="trained for Cu, Pt and cannot evaluate Au"):
        atoms.get_potential_energy()


def test_close_contacts_policy():
    atoms = _alloy()
    atoms.positions[1] = atoms.positions[0] + [1.2, 0.0, 0.0]
    atoms.calc = MTPCalculator(_potential())
    with pytest.raises(CloseContactError, match="1.200 A apart, closer than this MTP's min_dist = 1.900"):
        atoms.get_potential_energy()
    atoms.calc = MTPCalculator(_potential(), close_contacts="warn")
    with pytest.warns(UserWarning, match="closer than this MTP's min_dist"):
        atoms.get_potential_energy()
    with pytest.raises(ValueError, match="close_contacts must be one of"):
        MTPCalculator(_potential(), close_contacts="maybe")


def test_neighbour_list_skin_gives_the_same_answer_as_a_rebuild():
    atoms = _alloy()
    calc = MTPCalculator(_potential(), skin=0.6)
    atoms.calc = calc
    atoms.get_potential_energy()
    atoms.positions += np.random.default_rng(1).normal(scale=0.05, size=atoms.positions.shape)
    kept = atoms.get_forces()
    fresh = atoms.copy()
    fresh.calc = MTPCalculator(_potential(), skin=0.0)
    np.testing.assert_allclose(kept, fresh.get_forces(), atol=1e-12)
