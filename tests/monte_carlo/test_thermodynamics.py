"""Heat capacity, short-range order and annealing: exact limits and exact enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.monte_carlo import (ClusterHamiltonian, heat_capacity, metropolis_flips, neighbour_table,
                                   simulated_annealing, warren_cowley)


def test_heat_capacity_matches_exact_enumeration():
    # open chain of 6 Ising spins, J = 1: exact C from the partition function vs Metropolis fluctuations
    n, kT = 6, 1.5
    hamiltonian = ClusterHamiltonian.from_clusters(n, [(-1.0, [(i, i + 1) for i in range(n - 1)])])
    energies = np.array([hamiltonian.energy(np.array(s)) for s in itertools.product([1, -1], repeat=n)])
    weights = np.exp(-energies / kT)
    weights /= weights.sum()
    exact = (weights @ energies**2 - (weights @ energies) ** 2) / (kT**2 * n)
    run = metropolis_flips(hamiltonian, np.ones(n, dtype=np.int8), kT=kT, n_sweeps=400_000, seed=3)
    assert heat_capacity(run.energies, kT, n, discard=0.01) == pytest.approx(exact, rel=0.03)


def test_warren_cowley_limits():
    table = neighbour_table("fcc", 4)
    l10 = bulk("Cu", "fcc", a=1.0, cubic=True).repeat(4)
    spins = np.where(np.isclose(l10.positions[:, 2] % 1.0, 0.0), 1, -1)   # alternating (001) layers
    assert warren_cowley(spins, table.neighbours) == pytest.approx(-1 / 3)
    segregated = np.where(l10.positions[:, 2] < 2.0, 1, -1)                # two slabs
    assert warren_cowley(segregated, table.neighbours) > 0.6
    random = np.random.default_rng(0).choice([1, -1], size=table.n_sites)
    assert abs(warren_cowley(random, table.neighbours)) < 0.03
    with pytest.raises(ValueError, match="pure element"):
        warren_cowley(np.ones(table.n_sites), table.neighbours)
    with pytest.raises(ValueError, match="shape"):
        warren_cowley(random, table.neighbours[:10])


def test_annealing_finds_the_antiferromagnetic_ground_state():
    # square-lattice antiferromagnet at x = 1/2: the ground state is the checkerboard, E/N = -2|J|
    from matsci_ml.monte_carlo import nearest_neighbour_hamiltonian

    table = neighbour_table("square", 8)
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, 1.0)
    spins = np.repeat(np.array([1, -1], dtype=np.int8), table.n_sites // 2)
    final, steps = simulated_annealing(hamiltonian, spins, np.linspace(4.0, 0.2, 12), n_sweeps=400, seed=1)
    assert hamiltonian.energy(final) / table.n_sites == pytest.approx(-2.0)
    assert steps[0].energy_per_site > steps[-1].energy_per_site
    with pytest.raises(ValueError, match="non-increasing"):
        simulated_annealing(hamiltonian, spins, [0.5, 1.0], n_sweeps=10)
