"""Bad input to the Monte Carlo code gets a clear error before it reaches a numba kernel."""

from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.monte_carlo import ClusterHamiltonian, nearest_neighbour_hamiltonian, neighbour_table
from matsci_ml.monte_carlo.alloy_kinetics import VacancyKMC
from matsci_ml.monte_carlo.kinetic import vacancy_diffusion
from matsci_ml.monte_carlo.metropolis import metropolis_flips, metropolis_swaps


@pytest.fixture(scope="module")
def table():
    return neighbour_table("fcc", 3)          # 108 sites


@pytest.fixture(scope="module")
def hamiltonian(table):
    return nearest_neighbour_hamiltonian(table.neighbours, 0.01)


def _spins(n, seed=0):
    return np.where(np.random.default_rng(seed).random(n) < 0.5, 1, -1).astype(np.int8)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_interactions_are_refused(table, value):
    with pytest.raises(ValueError, match="cluster interactions .* must be finite"):
        nearest_neighbour_hamiltonian(table.neighbours, value)
    with pytest.raises(ValueError, match="constant term must be finite"):
        ClusterHamiltonian.from_clusters(4, [(0.1, [(0, 1)])], constant=value)


@pytest.mark.parametrize("dmu", [np.nan, np.inf])
def test_non_finite_chemical_potential_is_refused(hamiltonian, dmu):
    with pytest.raises(ValueError, match="dmu must be finite"):
        metropolis_flips(hamiltonian, _spins(hamiltonian.n_sites), kT=0.05, n_sweeps=2, dmu=dmu)


@pytest.mark.parametrize("name", ["clusters", "interactions", "point_values", "pair_partners", "pair_values",
                                  "multi_partners", "multi_values"])
def test_every_table_is_read_only(hamiltonian, name):
    with pytest.raises(ValueError, match="read-only"):
        getattr(hamiltonian, name).flat[0] = 10**6


@pytest.mark.parametrize("seed, message", [(1.5, "must be an integer"), (2**64, r"0 \.\. 2\*\*32 - 1"),
                                           (-1, r"0 \.\. 2\*\*32 - 1"), (True, "must be an integer")])
def test_seeds_that_are_not_valid(hamiltonian, seed, message):
    spins = _spins(hamiltonian.n_sites)
    for run in (metropolis_flips, metropolis_swaps):
        with pytest.raises(ValueError, match=message):
            run(hamiltonian, spins, kT=0.05, n_sweeps=2, seed=seed)


def test_seed_range_of_vacancy_diffusion(table):
    with pytest.raises(ValueError, match=r"0 \.\. 2\*\*32 - 1"):
        vacancy_diffusion(table, n_runs=2, n_events=100, seed=2**32 - 1)    # the second run would need 2**32


def test_temperatures_that_are_not_valid(hamiltonian):
    for kT in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="kT must be a positive, finite"):
            metropolis_swaps(hamiltonian, _spins(hamiltonian.n_sites), kT=kT, n_sweeps=2)


def test_zero_sites():
    with pytest.raises(ValueError, match="at least one site"):
        ClusterHamiltonian.from_clusters(0, [])


def test_kmc_barrier_and_seed(hamiltonian, table):
    kmc = VacancyKMC(hamiltonian, table)
    spins = _spins(table.n_sites)
    for barrier in (np.nan, (0.5, np.inf)):
        with pytest.raises(ValueError, match=r"barrier \(eV\) must be finite"):
            kmc.run(spins, 0, kT=0.05, n_events=10, barrier=barrier)
    with pytest.raises(ValueError, match="seed must be an integer"):
        kmc.run(spins, 0, kT=0.05, n_events=10, seed=0.5)
    assert kmc.run(spins, 0, kT=0.05, n_events=10).time > 0


def test_kmc_refuses_a_table_whose_sites_are_numbered_differently(hamiltonian, table):
    from matsci_ml.monte_carlo.lattices import NeighbourTable

    order = np.random.default_rng(0).permutation(table.n_sites)
    inverse = np.argsort(order)
    shuffled = NeighbourTable(table.name, table.dimension, inverse[table.neighbours[order]].astype(np.int32),
                             table.vectors[order], table.jump)
    VacancyKMC(nearest_neighbour_hamiltonian(shuffled.neighbours, 0.01), shuffled)    # consistent: accepted
    with pytest.raises(ValueError, match="number the sites differently"):
        VacancyKMC(hamiltonian, shuffled)


def test_neighbour_table_and_kmc_tables_are_read_only(hamiltonian, table):
    for array in (table.neighbours, table.vectors, *VacancyKMC(hamiltonian, table).jump_tables):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 10**6
