"""Alloy kinetic MC with CE barriers: detailed balance against exact enumeration, bookkeeping, pure limit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matsci_ml.monte_carlo import ClusterHamiltonian, nearest_neighbour_hamiltonian, neighbour_table
from matsci_ml.monte_carlo.alloy_kinetics import _energy_with_vacancy, alloy_vacancy_kmc


def test_time_average_equals_the_canonical_average():
    # 4x4 square lattice, 1 vacancy, 7 A and 8 B atoms, NN ordering interaction: 102,960 states enumerated
    table = neighbour_table("square", 4)
    n, kT, coupling = table.n_sites, 0.04, 0.03
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, coupling)
    bonds = np.array(sorted({(min(i, int(j)), max(i, int(j))) for i in range(n) for j in table.neighbours[i]}))
    states = []
    for vacancy in range(n):
        others = [s for s in range(n) if s != vacancy]
        for plus in itertools.combinations(others, 7):
            state = -np.ones(n)
            state[list(plus)] = 1
            state[vacancy] = 0
            states.append(state)
    states = np.array(states)
    energies = coupling * np.sum(states[:, bonds[:, 0]] * states[:, bonds[:, 1]], axis=1)
    weights = np.exp(-(energies - energies.min()) / kT)
    exact = weights @ energies / weights.sum()
    spins = -np.ones(n, dtype=np.int8)
    spins[1:8] = 1
    run = alloy_vacancy_kmc(hamiltonian, table, spins, 0, kT=kT, n_events=2_000_000, barrier=(0.3, 0.4), seed=2)
    assert run.mean_energy == pytest.approx(exact, abs=0.004 * abs(exact))
    # the energy carried through two million jumps equals a recomputation
    assert run.energy == pytest.approx(_energy_with_vacancy(hamiltonian, run.spins), abs=1e-9)
    assert np.sum(run.spins == 1) == 7 and np.sum(run.spins == 0) == 1


def test_without_interactions_atoms_diffuse_with_the_fcc_correlation_factor():
    table = neighbour_table("fcc", 10)
    flat = ClusterHamiltonian.from_clusters(table.n_sites, [(0.0, [(0, 1)])])
    factors = []
    for seed in range(6):
        run = alloy_vacancy_kmc(flat, table, np.ones(table.n_sites), 0, kT=0.05, n_events=200_000, barrier=0.0,
                                prefactor=1.0, seed=seed)
        factors.append(np.sum(run.displacement**2) / (200_000 * table.jump**2))
        # with E_a = 0 and nu = 1 every one of the 12 jumps has rate 1: <dt> = 1/12
        assert run.time == pytest.approx(200_000 / 12, rel=0.01)
    assert np.mean(factors) == pytest.approx(0.7815, abs=0.01)


def test_bad_input_is_rejected():
    table = neighbour_table("sc", 4)
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, 0.01)
    spins = np.ones(table.n_sites)
    with pytest.raises(ValueError, match="vacancy must be"):
        alloy_vacancy_kmc(hamiltonian, table, spins, table.n_sites, kT=0.1, n_events=10)
    with pytest.raises(ValueError, match="same supercell"):
        alloy_vacancy_kmc(hamiltonian, neighbour_table("sc", 5), np.ones(125), 0, kT=0.1, n_events=10)
    with pytest.raises(ValueError, match="positive"):
        alloy_vacancy_kmc(hamiltonian, table, spins, 0, kT=0.0, n_events=10)
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        alloy_vacancy_kmc(hamiltonian, table, spins * 2, 0, kT=0.1, n_events=10)


def test_energy_bookkeeping_with_triplets_and_quadruplets():
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 6.0, 3: 4.1, 4: 3.0}, ("Cu", "Pt"))
    cell = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(4)
    cell.symbols = np.random.default_rng(0).choice(["Cu", "Pt"], len(cell))
    ecis = np.random.default_rng(1).normal(scale=0.02, size=space.n_parameters)
    hamiltonian = space.hamiltonian(cell, ecis)
    run = alloy_vacancy_kmc(hamiltonian, neighbour_table("fcc", 4), space.occupations(cell), 5, kT=0.05,
                            n_events=50_000, lattice_constant=4.0, seed=3)
    assert run.energy == pytest.approx(_energy_with_vacancy(hamiltonian, run.spins), abs=1e-8)
