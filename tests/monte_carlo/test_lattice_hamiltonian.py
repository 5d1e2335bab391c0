"""Translation-invariant (lattice) tables against today's per-site tables: same energies, same Monte Carlo traces."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.cluster_expansion import ClusterSpace
from matsci_ml.monte_carlo import VacancyKMC, metropolis_flips, metropolis_swaps, neighbour_table
from matsci_ml.monte_carlo.alloy_kinetics import _energy_with_vacancy
from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian
from matsci_ml.monte_carlo.lattice_hamiltonian import LatticeHamiltonian, repeat_structure


def _random_ecis(space, seed):
    return np.random.default_rng(seed).normal(0.0, 0.01, space.n_parameters)


def _dyadic_ecis(space, seed):
    """ECIs whose per-cluster values V = J / (clusters per site) are multiples of 2**-10: every sum of +-V is exact in
    floating point whatever the order, so the two kinds of tables give bit-equal energy changes and the random
    stream cannot part on a rounding difference."""
    integers = np.random.default_rng(seed).integers(-6, 7, space.n_parameters)
    return np.array(space.clusters_per_site, dtype=float) * integers * 2.0 ** -10


def _decorated(atoms, seed):
    atoms = atoms.copy()
    atoms.symbols = np.random.default_rng(seed).choice(["Cu", "Pt"], len(atoms))
    return atoms


CASES = {
    # conventional fcc cell (4 sites) with pairs to the 3rd neighbour, triplets and quadruplets
    "fcc conventional": (bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0, 4: 3.0}, bulk("Cu", "fcc", a=4.0, cubic=True),
                         (4, 4, 4)),
    # primitive fcc (1 site), a repeat with three different lengths
    "fcc primitive": (bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, bulk("Cu", "fcc", a=4.0), (5, 6, 7)),
    # conventional bcc cell (2 sites)
    "bcc conventional": (bulk("Cu", "bcc", a=3.0), {2: 4.5, 3: 3.0}, bulk("Cu", "bcc", a=3.0, cubic=True), (4, 5, 4)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lattice_tables_give_the_per_site_energies(case):
    primitive, cutoffs, unit, repeat = CASES[case]
    space = ClusterSpace(primitive, cutoffs, ("Cu", "Pt"))
    supercell = unit.repeat(repeat)
    ecis = _random_ecis(space, 1)
    lattice = space.hamiltonian(supercell, ecis)
    per_site = space.hamiltonian(supercell, ecis, tables="site")
    assert isinstance(lattice, LatticeHamiltonian) and isinstance(per_site, ClusterHamiltonian)
    assert lattice.n_sites == per_site.n_sites == len(supercell)
    for seed in range(4):
        spins = space.occupations(_decorated(supercell, seed))
        expected = per_site.energy(spins)
        assert lattice.energy(spins) == pytest.approx(expected, abs=1e-10 * len(supercell))
        # and N times the expansion, from the correlation functions
        assert expected == pytest.approx(len(supercell) * space.correlations(_decorated(supercell, seed)) @ ecis,
                                         abs=1e-10 * len(supercell))
        # the per-site tables rebuilt from the lattice tables (what the vacancy KMC reads)
        assert lattice.site_tables().energy(spins) == pytest.approx(expected, abs=1e-10 * len(supercell))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("run", [metropolis_swaps, metropolis_flips])
def test_lattice_tables_give_the_same_monte_carlo_trace(case, run):
    primitive, cutoffs, unit, repeat = CASES[case]
    space = ClusterSpace(primitive, cutoffs, ("Cu", "Pt"))
    supercell = _decorated(unit.repeat(repeat), 7)
    ecis = _dyadic_ecis(space, 2)
    lattice = space.hamiltonian(supercell, ecis, tables="lattice")
    per_site = space.hamiltonian(supercell, ecis, tables="site")
    spins = space.occupations(supercell)
    kT = 0.5 * np.abs(ecis[2:]).max() * 6
    ours = run(lattice, spins, kT=kT, n_sweeps=12, seed=5, record_every=3)
    reference = run(per_site, spins, kT=kT, n_sweeps=12, seed=5, record_every=3)
    assert 0.05 < ours.acceptance < 0.95                 # moves are both accepted and refused
    assert ours.acceptance == reference.acceptance
    np.testing.assert_array_equal(ours.configurations, reference.configurations)
    np.testing.assert_array_equal(ours.spins, reference.spins)
    np.testing.assert_allclose(ours.energies, reference.energies, rtol=0, atol=1e-12 * len(supercell))
    np.testing.assert_allclose(ours.magnetizations, reference.magnetizations, rtol=0, atol=1e-12)
    # the accumulated energy is the energy of the final configuration
    assert ours.energies[-1] == pytest.approx(lattice.energy(ours.spins), abs=1e-10 * len(supercell))


def test_tables_do_not_grow_with_the_supercell():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    ecis = _random_ecis(space, 3)
    unit = bulk("Cu", "fcc", a=4.0, cubic=True)
    small, large = (space.hamiltonian(unit.repeat(n), ecis) for n in (4, 24))
    assert small.table_bytes < 20_000 and large.table_bytes < 20_000
    assert [a.nbytes for a in small.tables()[2:9]] == [a.nbytes for a in large.tables()[2:9]]
    # the working array is the supercell plus a halo as deep as the clusters reach: (n + 2 r)^3 cells of 4 sites
    reach = large._geometry[4:7]
    assert large.padded_sites == np.prod(24 + 2 * reach) * 4
    assert large.n_sites == 4 * 24 ** 3


def test_supercells_that_are_not_a_plain_repeat_use_per_site_tables():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    ecis = _random_ecis(space, 4)
    supercell = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(4)
    shuffled = supercell[np.random.default_rng(0).permutation(len(supercell))]
    assert repeat_structure(supercell) == (4, (4, 4, 4))
    assert repeat_structure(shuffled) is None
    assert isinstance(space.hamiltonian(shuffled, ecis), ClusterHamiltonian)
    with pytest.raises(ValueError, match="repeat"):
        space.hamiltonian(shuffled, ecis, tables="lattice")
    with pytest.raises(ValueError, match="tables must be"):
        space.hamiltonian(supercell, ecis, tables="fast")
    # five-site clusters are not in the lattice tables: 'auto' falls back, 'lattice' says why
    space5 = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 3.0, 3: 3.0, 4: 3.0, 5: 4.1}, ("Cu", "Pt"))
    assert max(orbit.order for orbit in space5.orbits) == 5
    ecis5 = _random_ecis(space5, 5)
    assert isinstance(space5.hamiltonian(supercell, ecis5), ClusterHamiltonian)
    with pytest.raises(ValueError, match="more than 4 sites"):
        space5.hamiltonian(supercell, ecis5, tables="lattice")
    ecis5[-1] = 0.0                      # without the five-site term the lattice tables serve again
    assert isinstance(space5.hamiltonian(supercell, ecis5), LatticeHamiltonian)


def test_vacancy_kmc_runs_the_same_on_either_kind_of_tables():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    supercell = _decorated(bulk("Cu", "fcc", a=4.0, cubic=True).repeat(4), 3)
    ecis = _random_ecis(space, 6)
    table = neighbour_table("fcc", 4)
    spins = space.occupations(supercell)
    kmcs = [VacancyKMC(space.hamiltonian(supercell, ecis, tables=kind), table, lattice_constant=4.0)
            for kind in ("lattice", "site")]
    assert kmcs[0]._lattice is not None and kmcs[1]._lattice is None      # the lattice kernel, and the per-site one
    runs = [kmc.run(spins, 5, kT=0.08, n_events=3000, barrier=(0.5, 0.6), seed=1) for kmc in kmcs]
    np.testing.assert_array_equal(runs[0].spins, runs[1].spins)
    assert runs[0].vacancy == runs[1].vacancy
    np.testing.assert_allclose(runs[0].displacement, runs[1].displacement, atol=1e-9)
    assert runs[0].energy == pytest.approx(runs[1].energy, abs=1e-9)
    assert runs[0].mean_energy == pytest.approx(runs[1].mean_energy, abs=1e-9)
    assert runs[0].time == pytest.approx(runs[1].time, rel=1e-9)
    # the accumulated energy is the energy of the final state
    assert runs[0].energy == pytest.approx(_energy_with_vacancy(kmcs[1].hamiltonian, runs[0].spins), abs=1e-9)


def test_packed_site_codes_unpack_to_the_site_positions():
    from types import SimpleNamespace

    from numba import njit

    from matsci_ml.monte_carlo.lattice_hamiltonian import packed_sites, site_position, unpack_site

    @njit
    def each(position_of, items, geometry, extra):
        """``(p, b, i0, i1, i2)`` of every item, by ``site_position`` (sites) or ``unpack_site`` (codes)."""
        out = np.empty((len(items), 5), dtype=np.int64)
        for k in range(len(items)):
            out[k] = position_of(items[k], geometry, extra)
        return out

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    hamiltonian = space.hamiltonian(bulk("Cu", "fcc", a=4.0, cubic=True).repeat((5, 6, 7)), _random_ecis(space, 0))
    sites = np.arange(hamiltonian.n_sites)
    codes, layout = packed_sites(sites, hamiltonian)
    assert codes.dtype == np.int32                      # 3 + 3 + 3 + 2 bits
    geometry, inverse = hamiltonian.tables()[0], hamiltonian.tables()[1]
    np.testing.assert_array_equal(each(unpack_site, codes, geometry, layout),
                                  each(site_position, sites, geometry, inverse))
    # beyond 31 bits the codes are int64, and still unpack to the cell and basis index
    huge = SimpleNamespace(n_cells=(3000, 2000, 1000), n_basis=4)
    codes, layout = packed_sites(np.array([0, 5, 4 * 1000 * 2000 * 3000 - 1]), huge)
    assert codes.dtype == np.int64
    fake_geometry = np.array([3000, 2000, 1000, 4, 0, 0, 0, 3000, 2000, 1000], dtype=np.int64)
    np.testing.assert_array_equal(each(unpack_site, codes, fake_geometry, layout)[:, 1:],
                                  [[0, 0, 0, 0], [1, 0, 0, 1], [3, 2999, 1999, 999]])


def test_groups_of_equal_value_give_the_cluster_sum_when_basis_sites_differ():
    from matsci_ml.monte_carlo.lattice_hamiltonian import _groups_of_equal_value

    rng = np.random.default_rng(4)
    # three basis sites with different sets of V (and V = 0 padding), so their group boundaries differ
    values = np.array([[0.5, 0.5, -0.25, 0.0, 0.5, 0.125],
                       [0.125, 0.125, 0.125, 0.125, -1.0, -1.0],
                       [0.0, 0.0, 0.0, 0.75, 0.75, 0.75]])
    offsets = rng.integers(0, 50, size=(3, 6, 2))
    groups, group_values = _groups_of_equal_value(offsets, values)
    assert all(g.shape[:2] == (3, g.shape[1]) for g in groups) and group_values.shape == (3, len(groups))
    occupations = rng.choice([-1, 1], size=50)
    for b in range(3):
        expected = sum(values[b, k] * occupations[offsets[b, k, 0]] * occupations[offsets[b, k, 1]] for k in range(6))
        grouped = sum(group_values[b, g] * (occupations[groups[g][b, :, 0]] * occupations[groups[g][b, :, 1]]).sum()
                      for g in range(len(groups)))
        assert grouped == expected
    # no clusters at all: one empty group of V = 0
    groups, group_values = _groups_of_equal_value(np.zeros((2, 0, 1), dtype=np.int64), np.zeros((2, 0)))
    assert len(groups) == 1 and groups[0].shape == (2, 0) and np.all(group_values == 0)
