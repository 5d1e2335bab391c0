from __future__ import annotations

import itertools

import numpy as np
import pytest

from matsci_ml.monte_carlo import (
    ONSAGER_TC,
    block_standard_error,
    ClusterHamiltonian,
    metropolis_flips,
    metropolis_swaps,
    onsager_energy_per_site,
    onsager_magnetization,
    square_lattice_ising,
    temperature_scan,
)


def test_onsager_reference_values():
    # COURSE.md: T_c = 2/ln(1+sqrt 2) = 2.269185; at T = 2.0, E/N = -1.74556 J and |M| = 0.91132
    assert ONSAGER_TC == pytest.approx(2.269185, abs=1e-6)
    assert onsager_energy_per_site(2.0) == pytest.approx(-1.74556, abs=1e-5)
    assert onsager_magnetization(2.0) == pytest.approx(0.91132, abs=1e-5)
    assert onsager_magnetization(2.5) == 0.0


def test_ising_64x64_at_t2_matches_onsager():
    hamiltonian = square_lattice_ising(64)
    run = metropolis_flips(hamiltonian, np.ones(64 * 64), kT=2.0, n_sweeps=12000, seed=1)
    energy = run.energies[2000:].mean() / 64**2
    magnetization = np.abs(run.magnetizations[2000:]).mean()
    assert energy == pytest.approx(-1.74556, rel=3e-3)
    assert magnetization == pytest.approx(0.91132, rel=5e-3)


def _random_hamiltonian(n_sites=5, seed=0):
    rng = np.random.default_rng(seed)
    pairs = [c for c in itertools.combinations(range(n_sites), 2)]
    triplets = [c for c in itertools.combinations(range(n_sites), 3)][:4]
    terms = [(v, [c]) for v, c in zip(rng.normal(size=len(pairs)), pairs)]
    terms += [(v, [c]) for v, c in zip(rng.normal(size=len(triplets)), triplets)]
    terms += [(0.3, [(0,)]), (-0.2, [(3,)])]
    return ClusterHamiltonian.from_clusters(n_sites, terms, constant=1.5)


def test_energy_bookkeeping_equals_recomputation():
    hamiltonian = _random_hamiltonian(n_sites=7, seed=3)
    start = np.random.default_rng(0).choice([-1, 1], size=7)
    run = metropolis_flips(hamiltonian, start, kT=1.0, n_sweeps=5000, seed=2)
    assert run.energies[-1] == pytest.approx(hamiltonian.energy(run.spins), abs=1e-9)
    assert 0.05 < run.acceptance < 0.95


def test_boltzmann_averages_match_exact_enumeration():
    """Detailed balance: sampled <E> and <M> equal the exact averages over all 2^5 states."""
    hamiltonian = _random_hamiltonian()
    kT = 1.3
    states = np.array(list(itertools.product([-1, 1], repeat=5)))
    energies = np.array([hamiltonian.energy(s) for s in states])
    weights = np.exp(-(energies - energies.min()) / kT)
    weights /= weights.sum()
    exact_energy, exact_m = weights @ energies, weights @ states.mean(axis=1)
    run = metropolis_flips(hamiltonian, np.ones(5), kT=kT, n_sweeps=400_000, seed=5)
    spread = np.sqrt(weights @ (energies - exact_energy) ** 2)
    assert run.energies.mean() == pytest.approx(exact_energy, abs=0.02 * spread)
    assert run.magnetizations.mean() == pytest.approx(exact_m, abs=0.01)


def test_same_seed_same_run():
    hamiltonian = square_lattice_ising(8)
    first = metropolis_flips(hamiltonian, np.ones(64), kT=2.3, n_sweeps=50, seed=7)
    second = metropolis_flips(hamiltonian, np.ones(64), kT=2.3, n_sweeps=50, seed=7)
    np.testing.assert_array_equal(first.energies, second.energies)


def test_bad_input_is_rejected():
    hamiltonian = square_lattice_ising(4)
    with pytest.raises(ValueError, match="kT must be a positive"):
        metropolis_flips(hamiltonian, np.ones(16), kT=0.0, n_sweeps=1)
    with pytest.raises(ValueError, match="expected 16 site occupations"):
        metropolis_flips(hamiltonian, np.ones(15), kT=1.0, n_sweeps=1)
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        metropolis_flips(hamiltonian, np.zeros(16), kT=1.0, n_sweeps=1)
    with pytest.raises(ValueError, match="outside 0..3"):
        ClusterHamiltonian.from_clusters(4, [(1.0, [(0, 4)])])
    with pytest.raises(ValueError, match="repeats a site"):
        ClusterHamiltonian.from_clusters(4, [(1.0, [(1, 1)])])
    with pytest.raises(ValueError, match="at least 3"):
        square_lattice_ising(2)


def _exact_averages(hamiltonian, states, kT, dmu=0.0):
    energies = np.array([hamiltonian.energy(s) for s in states])
    n_plus = (states == 1).sum(axis=1)
    omega = energies - dmu * n_plus
    weights = np.exp(-(omega - omega.min()) / kT)
    weights /= weights.sum()
    spread = np.sqrt(weights @ (energies - weights @ energies) ** 2)
    return weights @ energies, weights @ n_plus, spread


def test_semi_grand_canonical_matches_exact_enumeration():
    hamiltonian = _random_hamiltonian()
    states = np.array(list(itertools.product([-1, 1], repeat=5)))
    kT, dmu = 1.1, 0.7
    exact_energy, exact_plus, spread = _exact_averages(hamiltonian, states, kT, dmu)
    run = metropolis_flips(hamiltonian, np.ones(5), kT=kT, n_sweeps=1_600_000, seed=9, dmu=dmu)
    n_plus = 5 * (1 + run.magnetizations) / 2
    # within 5 standard errors of the exact average (block averages: successive sweeps are correlated; 20 blocks,
    # so the error estimate itself scatters: a t distribution with 19 degrees of freedom), and the
    # standard error small enough for that to mean something
    assert block_standard_error(run.energies) < 0.01 * spread
    assert run.energies.mean() == pytest.approx(exact_energy, abs=5 * block_standard_error(run.energies))
    assert n_plus.mean() == pytest.approx(exact_plus, abs=5 * block_standard_error(n_plus))


def test_canonical_swaps_match_exact_enumeration_and_keep_composition():
    hamiltonian = _random_hamiltonian(n_sites=6, seed=4)
    states = np.array([s for s in itertools.product([-1, 1], repeat=6) if sum(s) == 0])  # 3 + 3
    kT = 0.9
    exact_energy, _, spread = _exact_averages(hamiltonian, states, kT)
    start = np.array([1, 1, 1, -1, -1, -1])
    run = metropolis_swaps(hamiltonian, start, kT=kT, n_sweeps=1_200_000, seed=2)
    assert block_standard_error(run.energies) < 0.01 * spread
    assert run.energies.mean() == pytest.approx(exact_energy, abs=5 * block_standard_error(run.energies))
    assert run.spins.sum() == 0
    assert run.energies[-1] == pytest.approx(hamiltonian.energy(run.spins), abs=1e-9)


def test_temperature_scan_runs_on_an_executor():
    from concurrent.futures import ProcessPoolExecutor

    hamiltonian = square_lattice_ising(8)
    kTs = [1.5, 3.5]
    serial = temperature_scan(hamiltonian, np.ones(64), kTs, n_sweeps=200, seed=3)
    with ProcessPoolExecutor(max_workers=2) as executor:
        parallel = temperature_scan(hamiltonian, np.ones(64), kTs, n_sweeps=200, seed=3, executor=executor)
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a.energies, b.energies)
    assert np.abs(serial[0].magnetizations[-50:]).mean() > 0.9 > np.abs(serial[1].magnetizations[-50:]).mean()


def test_swaps_need_both_species():
    with pytest.raises(ValueError, match="need both species"):
        metropolis_swaps(square_lattice_ising(3), np.ones(9), kT=1.0, n_sweeps=1)


def test_binder_cumulant_crossing_locates_onsager_tc():
    """L = 16 and 32 on 2 processes; statistical error of the crossing is about 0.4 % here."""
    from concurrent.futures import ProcessPoolExecutor

    from matsci_ml.monte_carlo import binder_crossing, binder_cumulant

    kTs = [2.24, 2.255, 2.27, 2.285, 2.30]
    cumulants = {}
    with ProcessPoolExecutor(max_workers=2) as executor:
        for size, sweeps in ((16, 100_000), (32, 200_000)):
            runs = temperature_scan(square_lattice_ising(size), np.ones(size * size), kTs, n_sweeps=sweeps,
                                    seed=1000 + size, executor=executor)
            cumulants[size] = [binder_cumulant(run.magnetizations) for run in runs]
    assert all(0.5 < u < 2 / 3 for u in cumulants[16] + cumulants[32])
    assert binder_crossing(kTs, cumulants[16], cumulants[32]) == pytest.approx(ONSAGER_TC, rel=0.01)


def test_binder_cumulant_limits():
    from matsci_ml.monte_carlo import binder_cumulant

    assert binder_cumulant(np.ones(1000)) == pytest.approx(2 / 3)
    gaussian = np.random.default_rng(0).normal(size=200_000)
    assert binder_cumulant(gaussian) == pytest.approx(0.0, abs=0.01)


def test_fcc_nearest_neighbour_antiferromagnet_orders_between_1_72_and_1_80():
    """Binder (1980): at x = 0.5 the fcc NN antiferromagnet orders (L1_0) at k_B T_c = 1.76 J.

    The transition is first order, so heating or cooling runs show hysteresis. Instead we start from
    coexistence -- half the cell L1_0-ordered, half random -- and let the stable phase grow: the energy
    falls towards the ordered value (-2 J per site at T = 0) below T_c and rises to the disordered
    value (about -1.3 J) above it.
    """
    from concurrent.futures import ProcessPoolExecutor

    from matsci_ml.monte_carlo import nearest_neighbour_hamiltonian, neighbour_table

    size = 8
    table = neighbour_table("fcc", size)
    hamiltonian = nearest_neighbour_hamiltonian(table.neighbours, 1.0)
    sublattice = np.arange(table.n_sites) % 4               # the 4 simple-cubic sublattices of fcc
    ordered = np.where((sublattice == 0) | (sublattice == 3), 1, -1)   # L1_0, layers along z
    assert hamiltonian.energy(ordered) / table.n_sites == pytest.approx(-2.0)
    start = ordered.copy()
    random_half = (np.arange(table.n_sites) // 4) // size**2 >= size // 2
    start[random_half] = np.random.default_rng(0).permutation(ordered[random_half])
    with ProcessPoolExecutor(max_workers=2) as executor:
        below, above = temperature_scan(hamiltonian, start, [1.72, 1.80], n_sweeps=4000, ensemble="swaps",
                                        seed=11, executor=executor)
    assert below.energies[-500:].mean() / table.n_sites < -1.65   # the ordered phase took over
    assert above.energies[-500:].mean() / table.n_sites > -1.45   # the disordered phase took over
    assert start.sum() == below.spins.sum() == above.spins.sum() == 0
