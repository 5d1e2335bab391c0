"""Long-range order parameters (L1_0, L1_2, B2) from sublattices read off the positions, and Metropolis recording."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.monte_carlo import (ORDERINGS, NeighbourTable, ideal_configuration, metropolis_flips, metropolis_swaps,
                                   nearest_neighbour_hamiltonian, neighbour_table, order_parameter, sublattice_indices,
                                   sublattice_magnetizations, warren_cowley)


@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_perfect_structures_give_one_in_every_variant_and_random_ones_about_zero(ordering):
    lattice = ORDERINGS[ordering][0]
    sublattices = neighbour_table(lattice, 8).sublattices()
    for variant in range(8):
        ideal = ideal_configuration(sublattices, ordering, variant)
        assert order_parameter(ideal, sublattices, ordering) == pytest.approx(1.0)
    x_plus = (1 + ideal_configuration(sublattices, ordering).mean()) / 2
    rng = np.random.default_rng(0)
    random = np.where(rng.random((20, len(sublattices))) < x_plus, 1, -1)
    eta = order_parameter(random, sublattices, ordering)
    assert eta.shape == (20,) and np.all(np.abs(eta) < 0.12)         # ~1/sqrt(N) for N = 2048 or 1024 sites


def test_l12_is_bragg_williams_and_l10_is_the_largest_x_point_wave():
    sublattices = neighbour_table("fcc", 6).sublattices()
    rng = np.random.default_rng(1)
    spins = ideal_configuration(sublattices, "L1_2")               # B (-1) on sublattice 0, x_B = 1/4
    swap = rng.choice(np.flatnonzero(sublattices == 0), 30, replace=False)
    partner = rng.choice(np.flatnonzero(sublattices != 0), 30, replace=False)
    spins[swap], spins[partner] = 1, -1                             # composition kept
    c_b = np.mean(spins[sublattices == 0] == -1)
    assert order_parameter(spins, sublattices, "L1_2") == pytest.approx((c_b - 0.25) / 0.75)
    spins = np.where(rng.random(len(sublattices)) < 0.5, 1, -1)
    m = sublattice_magnetizations(spins, sublattices)
    waves = [m[0] + m[1] - m[2] - m[3], m[0] - m[1] + m[2] - m[3], m[0] - m[1] - m[2] + m[3]]
    assert order_parameter(spins, sublattices, "L1_0") == pytest.approx(np.max(np.abs(waves)) / 4)


def test_sublattices_come_from_positions_not_from_the_site_order():
    table = neighbour_table("fcc", 4)
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(4)
    assert np.array_equal(sublattice_indices(atoms, "fcc"), table.sublattices())
    order = np.random.default_rng(2).permutation(len(atoms))
    shuffled = atoms[order]
    spins = ideal_configuration(table.sublattices(), "L1_0")[order]
    assert order_parameter(spins, sublattice_indices(shuffled, "fcc"), "L1_0") == pytest.approx(1.0)
    # the same L1_0 read with the labels of the unshuffled order is not ordered: the order is what matters
    assert order_parameter(spins, table.sublattices(), "L1_0") < 0.3
    primitive = bulk("Cu", "fcc", a=3.6).repeat(4)                  # primitive cells: 16 sites per sublattice
    assert np.bincount(sublattice_indices(primitive, "fcc")).tolist() == [16] * 4
    assert np.bincount(neighbour_table("bcc", 4).sublattices()).tolist() == [64, 64]


def test_bad_lattices_and_labels_are_refused_with_a_reason():
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(3)
    rattled = atoms.copy()
    rattled.rattle(0.3, seed=0)
    with pytest.raises(ValueError, match="from the nearest fcc lattice point"):
        sublattice_indices(rattled, "fcc")
    rotated = atoms.copy()
    rotated.rotate(30, "z", rotate_cell=True)
    with pytest.raises(ValueError, match="cubic axes along x, y, z"):
        sublattice_indices(rotated, "fcc")
    with pytest.raises(ValueError, match="not a point of the bcc lattice"):
        sublattice_indices(atoms, "bcc", lattice_constant=3.6)
    with pytest.raises(ValueError, match="unknown lattice"):
        sublattice_indices(atoms, "hcp")
    bcc = neighbour_table("bcc", 4).sublattices()
    with pytest.raises(ValueError, match="use sublattice_indices"):
        order_parameter(np.ones(len(bcc)), bcc, "L1_0")
    with pytest.raises(ValueError, match="unknown ordering"):
        order_parameter(np.ones(len(bcc)), bcc, "D0_3")
    with pytest.raises(ValueError, match="same sites"):
        order_parameter(np.ones(10), bcc, "B2")
    with pytest.raises(ValueError, match="without site positions"):
        NeighbourTable("sc", 3, np.zeros((2, 6), int), np.zeros((2, 6, 3)), 1.0).sublattices()


def test_fcc_nearest_neighbour_antiferromagnet_loses_l10_order_between_1p72_and_1p80():
    """E = J sum_<ij> s_i s_j (J > 0) at x = 1/2: L1_0 orders below kT_c / J ~ 1.75 (first order; e.g.
    Kammerer et al., PRB 53, 14013 (1996)). Heated from perfect L1_0 by canonical swaps on 2048 sites."""
    table = neighbour_table("fcc", 8)
    sublattices = table.sublattices()
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, 1.0)
    start = ideal_configuration(sublattices, "L1_0")
    eta = {}
    for kT in (1.72, 1.80):
        run = metropolis_swaps(hamiltonian, start, kT=kT, n_sweeps=3000, seed=1, record_every=20)
        eta[kT] = run.observe(lambda s: order_parameter(s, sublattices, "L1_0"))[75:].mean()
    assert eta[1.72] > 0.8, eta
    assert eta[1.80] < 0.3, eta


@pytest.mark.parametrize("run_mc", [metropolis_swaps, metropolis_flips])
def test_recording_every_k_sweeps_keeps_the_run_and_its_configurations(run_mc):
    table = neighbour_table("fcc", 4)
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, 1.0)
    start = ideal_configuration(table.sublattices(), "L1_0")
    plain = run_mc(hamiltonian, start, kT=2.0, n_sweeps=100, seed=3)
    recorded = run_mc(hamiltonian, start, kT=2.0, n_sweeps=100, seed=3, record_every=7)
    assert np.array_equal(plain.energies, recorded.energies) and np.array_equal(plain.spins, recorded.spins)
    assert recorded.configurations.shape == (14, len(start)) and recorded.configurations.dtype == np.int8
    assert recorded.recorded_sweeps.tolist() == list(range(7, 99, 7))
    energies = [hamiltonian.energy(s) for s in recorded.configurations]
    assert np.allclose(energies, recorded.energies[recorded.recorded_sweeps - 1])
    alpha = recorded.observe(lambda s: warren_cowley(s, table.neighbours))
    assert alpha.shape == (14,) and np.all(alpha < 0)                 # an antiferromagnet prefers unlike neighbours
    every = run_mc(hamiltonian, start, kT=2.0, n_sweeps=100, seed=3, record_every=100)
    assert np.array_equal(every.configurations[-1], plain.spins)
    with pytest.raises(ValueError, match="record_every=k"):
        plain.observe(np.mean)
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="record_every must be"):
            run_mc(hamiltonian, start, kT=2.0, n_sweeps=10, record_every=bad)
    with pytest.raises(ValueError, match="longer than the run"):
        run_mc(hamiltonian, start, kT=2.0, n_sweeps=10, record_every=11)
