"""Vacancy-mediated diffusion in an alloy by kinetic Monte Carlo, with barriers from a cluster expansion.

The vacancy is a site with :math:`\\sigma = 0`: every cluster that contains it drops out of the
expansion (a common first model of a vacancy in a binary CE). Exchanging the vacancy at site v with the
atom of spin s at a neighbouring site j changes the energy by

.. math:: \\Delta E = -s\\,h_j\\big|_{\\sigma_v = 0} + s\\,h_v\\big|_{\\sigma_j = 0},

with :math:`h_i = \\partial E/\\partial\\sigma_i` the local field (E is linear in each occupation variable).
The barrier is the kinetically resolved activation barrier (Van der Ven et al. 2001),

.. math:: E_a = E_0 + \\Delta E / 2 ,

so that forward and backward rates :math:`\\Gamma = \\nu\\, e^{-E_a/k_BT}` obey detailed balance:
:math:`\\Gamma_{f}/\\Gamma_{b} = e^{-\\Delta E/k_BT}`. Time-averaged over the BKL clock, any quantity
therefore converges to its Boltzmann (canonical) average, which the tests check by exact enumeration.
``E0`` may depend on the jumping species (a pair of values for the +1 and -1 atoms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, check_finite, check_seed, check_spins
from matsci_ml.monte_carlo.lattice_hamiltonian import (LatticeHamiltonian, _lattice_energy, as_site_tables,
                                                       lattice_local_field, set_spin, site_position, unpad_spins)
from matsci_ml.monte_carlo.lattices import NeighbourTable
from matsci_ml.monte_carlo.metropolis import local_field


@njit(cache=True)
def _change_spin(spins, fields, site, new, tables):
    """Set spins[site] = new and update the local field of every site sharing a cluster with it."""
    point_values, pair_partners, pair_values, multi_partners, multi_values = tables
    change = new - spins[site]
    pair_row = site if pair_values.shape[0] > 1 else 0
    multi_row = site if multi_values.shape[0] > 1 else 0
    for k in range(pair_partners.shape[1]):
        fields[pair_partners[site, k]] += pair_values[pair_row, k] * change
    width = multi_partners.shape[2]
    for k in range(multi_partners.shape[1]):
        value = multi_values[multi_row, k] * change
        for m in range(width):
            product = value
            for other in range(width):
                if other != m:
                    product *= spins[multi_partners[site, k, other]]
            fields[multi_partners[site, k, m]] += product
    spins[site] = new


@njit(cache=True, inline="always")
def _bkl_step(rates, total):
    """One BKL step: the waiting time -ln(u) / total and the event chosen with probability rate / total."""
    dt = -np.log(1.0 - np.random.random()) / total
    pick = np.random.random() * total
    k = 0
    running = rates[0]
    while running <= pick and k < rates.shape[0] - 1:
        k += 1
        running += rates[k]
    return dt, k


@njit(cache=True)
def _alloy_kmc_kernel(spins, tables, neighbours, vectors, vacancy, beta, barriers, prefactor, n_events, seed,
                      energy, atom_at_site, displacement, jump_pair, jump_partners, jump_values):
    np.random.seed(seed)
    n_sites, z = neighbours.shape
    # local fields of every site, kept up to date after each jump: a jump changes two spins, so updating
    # the fields of their cluster partners is far cheaper than recomputing 2 z fields per event
    fields = np.zeros(n_sites + 1)
    for i in range(n_sites):
        fields[i] = local_field(spins, i, tables)
    rates = np.empty(z)
    deltas = np.empty(z)
    dilute_plus = prefactor * np.exp(-beta * barriers[0])     # rate of an isolated jump of each species
    dilute_minus = prefactor * np.exp(-beta * barriers[1])
    time = 0.0
    weighted_energy = 0.0
    for event in range(n_events):
        total = 0.0
        field_v = fields[vacancy]
        pair_row = vacancy if jump_pair.shape[0] > 1 else 0
        value_row = vacancy if jump_values.shape[0] > 1 else 0
        for k in range(z):
            j = neighbours[vacancy, k]
            s = spins[j]
            # c = dh_v/dsigma_j: the clusters holding both v and j; then h_v with sigma_j = 0 is h_v - s c
            coupling = jump_pair[pair_row, k]
            for t in range(jump_values.shape[2]):
                product = jump_values[value_row, k, t]
                for m in range(jump_partners.shape[3]):
                    product *= spins[jump_partners[vacancy, k, t, m]]
                coupling += product
            delta = s * (field_v - fields[j]) - coupling
            deltas[k] = delta
            # nu exp(-beta (E0 + delta / 2)), the dilute factor precomputed
            rates[k] = (dilute_plus if s > 0 else dilute_minus) * np.exp(-0.5 * beta * delta)
            total += rates[k]
        dt, k = _bkl_step(rates, total)
        weighted_energy += energy * dt          # the state before the event lasts dt
        time += dt
        j = neighbours[vacancy, k]
        s = spins[j]
        _change_spin(spins, fields, j, 0.0, tables)
        _change_spin(spins, fields, vacancy, s, tables)
        energy += deltas[k]
        atom = atom_at_site[j]
        atom_at_site[vacancy] = atom
        atom_at_site[j] = -1
        for c in range(3):
            displacement[atom, c] -= vectors[vacancy, k, c]
        vacancy = j
    return vacancy, time, energy, weighted_energy


@dataclass
class AlloyKMCRun:
    """Result of :func:`alloy_vacancy_kmc`.

    Attributes
    ----------
    spins : ndarray of int8
        Final occupations (+1, -1; 0 at the vacancy).
    vacancy : int
        Final vacancy site.
    time : float
        Simulated time, s (``1 / prefactor`` units if the prefactor is 1).
    energy : float
        Final energy, eV (the Hamiltonian's constant included).
    mean_energy : float
        Time-averaged energy, eV: the canonical average at long times.
    displacement : ndarray, shape (n_sites, 3)
        Unwrapped displacement of every atom (indexed by its starting site), A.
    initial_spins : ndarray
        The starting occupations, to split the displacements by species.
    """

    spins: np.ndarray
    vacancy: int
    time: float
    energy: float
    mean_energy: float
    displacement: np.ndarray
    initial_spins: np.ndarray

    def tracer_diffusivity(self, species: int, dimension: int = 3) -> float:
        """:math:`D^*= \\langle R^2\\rangle / (2 d t)` of the atoms that started as ``species`` (+1 or -1), A^2/s."""
        chosen = self.initial_spins == species
        return float(np.mean(np.sum(self.displacement[chosen] ** 2, axis=1)) / (2 * dimension * self.time))


@njit(cache=True, inline="always")
def _summed_field(fields, p, i0, i1, i2, tables):
    """The local field of the site at central padded index ``p`` (cell ``i0, i1, i2``): ``fields`` accumulates each
    change at whichever copy of a partner a cluster reaches, so a site's field is the sum over its copies."""
    shifts, counts = tables[9], tables[10]
    total = 0.0
    for a in range(counts[0, i0]):
        for c in range(counts[1, i1]):
            q = p + shifts[0, i0, a] + shifts[1, i1, c]
            for e in range(counts[2, i2]):
                total += fields[q + shifts[2, i2, e]]
    return total


@njit(cache=True, inline="always")
def _lattice_change_spin(padded, fields, p, b, i0, i1, i2, new, tables):
    """Set the site at central padded index ``p`` to ``new`` and add the change of every partner's field."""
    change = new - padded[p]
    o2, v2, o3, v3, o4, v4 = tables[3], tables[4], tables[5], tables[6], tables[7], tables[8]
    for k in range(v2.shape[1]):
        fields[p + o2[b, k]] += v2[b, k] * change
    for k in range(v3.shape[1]):
        x, y = p + o3[b, k, 0], p + o3[b, k, 1]
        fields[x] += v3[b, k] * change * padded[y]
        fields[y] += v3[b, k] * change * padded[x]
    for k in range(v4.shape[1]):
        x, y, w = p + o4[b, k, 0], p + o4[b, k, 1], p + o4[b, k, 2]
        value = v4[b, k] * change
        fields[x] += value * padded[y] * padded[w]
        fields[y] += value * padded[x] * padded[w]
        fields[w] += value * padded[x] * padded[y]
    set_spin(padded, p, i0, i1, i2, new, tables)


@njit(cache=True, inline="always")
def _wrap(i, n):
    if i < 0:
        return i + n
    if i >= n:
        return i - n
    return i


@njit(cache=True)
def _lattice_kmc_kernel(padded, tables, jump_shifts, jump_basis, vectors, vacancy, beta, barriers, prefactor,
                        n_events, seed, energy, atom_at_site, displacement, jump_pair, jump_offsets3, jump_values3,
                        jump_offsets4, jump_values4):
    """:func:`_alloy_kmc_kernel` on translation-invariant tables: the same random numbers, the same events."""
    np.random.seed(seed)
    geometry, inverse = tables[0], tables[1]
    n0, n1, n2, B = geometry[0], geometry[1], geometry[2], geometry[3]
    r0, r1, r2, P1, P2 = geometry[4], geometry[5], geometry[6], geometry[8], geometry[9]
    n_sites = n0 * n1 * n2 * B
    z = jump_basis.shape[1]
    fields = np.zeros(padded.shape[0])
    for site in range(n_sites):
        p, b, i0, i1, i2 = site_position(site, geometry, inverse)
        fields[p] = lattice_local_field(padded, p, b, tables)
    rates = np.empty(z)
    deltas = np.empty(z)
    targets = np.empty((z, 5), dtype=np.int64)        # p, b, i0, i1, i2 of each neighbour
    dilute_plus = prefactor * np.exp(-beta * barriers[0])
    dilute_minus = prefactor * np.exp(-beta * barriers[1])
    time = 0.0
    weighted_energy = 0.0
    pv, bv, v0, v1, v2 = site_position(vacancy, geometry, inverse)
    for event in range(n_events):
        total = 0.0
        field_v = _summed_field(fields, pv, v0, v1, v2, tables)
        for k in range(z):
            j0 = _wrap(v0 + jump_shifts[bv, k, 0], n0)
            j1 = _wrap(v1 + jump_shifts[bv, k, 1], n1)
            j2 = _wrap(v2 + jump_shifts[bv, k, 2], n2)
            bj = jump_basis[bv, k]
            pj = (((j0 + r0) * P1 + j1 + r1) * P2 + j2 + r2) * B + bj
            targets[k, 0], targets[k, 1], targets[k, 2], targets[k, 3], targets[k, 4] = pj, bj, j0, j1, j2
            s = padded[pj]
            coupling = jump_pair[bv, k]
            for t in range(jump_values3.shape[2]):
                coupling += jump_values3[bv, k, t] * padded[pv + jump_offsets3[bv, k, t]]
            for t in range(jump_values4.shape[2]):
                coupling += (jump_values4[bv, k, t] * padded[pv + jump_offsets4[bv, k, t, 0]]
                             * padded[pv + jump_offsets4[bv, k, t, 1]])
            delta = s * (field_v - _summed_field(fields, pj, j0, j1, j2, tables)) - coupling
            deltas[k] = delta
            rates[k] = (dilute_plus if s > 0 else dilute_minus) * np.exp(-0.5 * beta * delta)
            total += rates[k]
        dt, k = _bkl_step(rates, total)
        weighted_energy += energy * dt          # the state before the event lasts dt
        time += dt
        pj, bj, j0, j1, j2 = targets[k, 0], targets[k, 1], targets[k, 2], targets[k, 3], targets[k, 4]
        s = padded[pj]
        _lattice_change_spin(padded, fields, pj, bj, j0, j1, j2, 0, tables)
        _lattice_change_spin(padded, fields, pv, bv, v0, v1, v2, s, tables)
        energy += deltas[k]
        site_j = ((j0 * n1 + j1) * n2 + j2) * B + bj
        site_v = ((v0 * n1 + v1) * n2 + v2) * B + bv
        atom = atom_at_site[site_j]
        atom_at_site[site_v] = atom
        atom_at_site[site_j] = -1
        for c in range(3):
            displacement[atom, c] -= vectors[bv, k, c]
        pv, bv, v0, v1, v2 = pj, bj, j0, j1, j2
    return ((v0 * n1 + v1) * n2 + v2) * B + bv, time, energy, weighted_energy


def _lattice_jump_tables(hamiltonian: LatticeHamiltonian, table: NeighbourTable, vectors: np.ndarray):
    """Per basis site b and jump k: the neighbour's cell shift and basis, the jump vector, and the clusters holding
    both the vacancy and that neighbour (summed pair V; triplets' and quadruplets' other partners as padded-array
    offsets from the vacancy, with their V). ``None`` if the table's jumps are not the same for every cell (then
    the per-site tables serve)."""
    B, n = hamiltonian.n_basis, np.array(hamiltonian.n_cells)
    z = table.coordination
    neighbours = table.neighbours.astype(np.int64)
    cells = np.stack(np.unravel_index(np.arange(hamiltonian.n_sites) // B, tuple(n)), axis=1)      # (N, 3)
    shifts = cells[neighbours] - cells[:, None, :]
    shifts = np.where(shifts > n // 2, shifts - n, np.where(shifts < -(n // 2), shifts + n, shifts))
    basis = neighbours % B
    same = (np.all(shifts.reshape(-1, B, z, 3) == shifts[:B][None], axis=(2, 3))
            & np.all(basis.reshape(-1, B, z) == basis[:B][None], axis=2))
    same_vectors = np.allclose(vectors.reshape(-1, B, z, 3), vectors[:B][None])
    if not (same.all() and same_vectors) or np.any(np.abs(shifts[:B]) > hamiltonian._geometry[4:7]):
        return None
    jump_shifts, jump_basis = shifts[:B].copy(), basis[:B].copy()
    P = hamiltonian._geometry[7:10]
    jump_offsets = ((jump_shifts[..., 0] * P[1] + jump_shifts[..., 1]) * P[2] + jump_shifts[..., 2]) * B + jump_basis \
        - np.arange(B)[:, None]
    tables = hamiltonian.tables()
    o2, v2, o3, v3, o4, v4 = tables[3:9]
    pair = np.zeros((B, z))
    triplets = [[[] for _ in range(z)] for _ in range(B)]
    quadruplets = [[[] for _ in range(z)] for _ in range(B)]
    for b in range(B):
        for k in range(z):
            target = jump_offsets[b, k]
            pair[b, k] = v2[b][o2[b] == target].sum()
            for t in range(v3.shape[1]):
                if v3[b, t] != 0.0 and target in o3[b, t]:
                    triplets[b][k].append(([o for o in o3[b, t] if o != target][0], v3[b, t]))
            for t in range(v4.shape[1]):
                if v4[b, t] != 0.0 and target in o4[b, t]:
                    quadruplets[b][k].append(([o for o in o4[b, t] if o != target], v4[b, t]))
    depth3 = max(1, max(len(e) for row in triplets for e in row))
    depth4 = max(1, max(len(e) for row in quadruplets for e in row))
    offsets3, values3 = np.zeros((B, z, depth3), dtype=np.int64), np.zeros((B, z, depth3))
    offsets4, values4 = np.zeros((B, z, depth4, 2), dtype=np.int64), np.zeros((B, z, depth4))
    for b in range(B):
        for k in range(z):
            for t, (other, value) in enumerate(triplets[b][k]):
                offsets3[b, k, t], values3[b, k, t] = other, value
            for t, (others, value) in enumerate(quadruplets[b][k]):
                offsets4[b, k, t], values4[b, k, t] = others, value
    return (jump_shifts, jump_basis, np.ascontiguousarray(vectors[:B])), (pair, offsets3, values3, offsets4, values4)


def _jump_tables(hamiltonian: ClusterHamiltonian, neighbours: np.ndarray):
    """For each site v and jump k (to j = neighbours[v, k]): the summed V of pairs {v, j}, and for larger
    clusters holding both v and j, their other sites and V (padded with the +1 sentinel and V = 0)."""
    n_sites, z = neighbours.shape
    clusters, values = hamiltonian.clusters, hamiltonian.interactions
    size = clusters.shape[1]
    jump_pair = np.zeros((n_sites, z))
    sites, slots, others, weights = [], [], [], []
    for p in range(size):
        for q in range(size):
            if p == q:
                continue
            a, b = clusters[:, p], clusters[:, q]
            valid = np.flatnonzero((a >= 0) & (b >= 0))
            match = neighbours[a[valid]] == b[valid, None]
            hit = match.any(axis=1)
            rows, slot = valid[hit], match[hit].argmax(axis=1)
            rest = [clusters[rows, m] for m in range(size) if m not in (p, q)]
            rest = np.stack(rest, axis=1) if rest else np.empty((len(rows), 0), dtype=clusters.dtype)
            is_pair = (rest < 0).all(axis=1) if rest.shape[1] else np.ones(len(rows), dtype=bool)
            np.add.at(jump_pair, (a[rows[is_pair]], slot[is_pair]), values[rows[is_pair]])
            keep = ~is_pair
            sites.append(a[rows[keep]])
            slots.append(slot[keep])
            others.append(np.where(rest[keep] < 0, n_sites, rest[keep]))   # pad with the +1 sentinel
            weights.append(values[rows[keep]])
    width = max(size - 2, 1)
    sites = np.concatenate(sites) if sites else np.empty(0, dtype=int)
    if len(sites) == 0:
        return _shared_rows(jump_pair), np.full((n_sites, z, 1, 1), n_sites, dtype=np.int32), np.zeros((1, z, 1))
    slots, weights = np.concatenate(slots), np.concatenate(weights)
    others = np.concatenate([o if o.shape[1] == width else np.full((len(o), width), n_sites) for o in others])
    key = sites * z + slots
    order = np.argsort(key, kind="stable")
    key, others, weights = key[order], others[order], weights[order]
    first = np.searchsorted(key, key, side="left")
    rank = np.arange(len(key)) - first                                    # position within its (site, slot)
    depth = int(rank.max()) + 1
    partners = np.full((n_sites * z, depth, width), n_sites, dtype=np.int32)
    jump_values = np.zeros((n_sites * z, depth))
    partners[key, rank] = others
    jump_values[key, rank] = weights
    return _shared_rows(jump_pair), partners.reshape(n_sites, z, depth, width), \
        _shared_rows(jump_values.reshape(n_sites, z, depth))


def _shared_rows(values: np.ndarray) -> np.ndarray:
    """One row for all sites when every site has the same values (translation invariance): less memory traffic."""
    return values[:1].copy() if np.all(values == values[:1]) else values


def _energy_with_vacancy(hamiltonian: ClusterHamiltonian, spins: np.ndarray) -> float:
    hamiltonian = as_site_tables(hamiltonian)
    padded = np.append(spins.astype(float), 1.0)
    return float(hamiltonian.constant + np.sum(hamiltonian.interactions * np.prod(padded[hamiltonian.clusters], axis=1)))


def alloy_vacancy_kmc(hamiltonian: ClusterHamiltonian, table: NeighbourTable, spins, vacancy: int, *, kT: float,
                      n_events: int, barrier=0.5, prefactor: float = 1e13, lattice_constant: float = 1.0,
                      seed: int = 0) -> AlloyKMCRun:
    """Rejection-free (BKL) kinetic Monte Carlo of one vacancy in a binary alloy.

    Parameters
    ----------
    hamiltonian : ClusterHamiltonian
        The alloy's energy (eV), e.g. ``ClusterSpace.hamiltonian(supercell, ecis)``.
    table : NeighbourTable
        Nearest-neighbour jumps, with sites in the same order as the Hamiltonian's
        (``neighbour_table("fcc", n)`` matches ``bulk(..., cubic=True).repeat(n)``).
    spins : array of +-1, shape (n_sites,)
        Starting occupations; the value at ``vacancy`` is ignored (the vacancy goes there).
    vacancy : int
        Starting vacancy site.
    kT : float
        :math:`k_B T`, eV.
    n_events : int
        Number of jumps.
    barrier : float or (float, float)
        :math:`E_0`, eV: one value, or one per species (+1, -1).
    prefactor : float
        Attempt frequency :math:`\\nu`, 1/s.
    lattice_constant : float
        Scales the table's vectors (built for a = 1) to A.
    seed : int
    """
    kmc = VacancyKMC(hamiltonian, table, lattice_constant=lattice_constant)
    return kmc.run(spins, vacancy, kT=kT, n_events=n_events, barrier=barrier, prefactor=prefactor, seed=seed)


def _check_same_site_order(hamiltonian: ClusterHamiltonian, table: NeighbourTable) -> None:
    """The neighbour table and the Hamiltonian must number the sites the same way.

    Derived from the bonds, which need no positions: in a translation-invariant Hamiltonian (every site in
    the same number of pairs, as a cluster expansion) the nearest-neighbour bonds form one orbit, so if the
    two share their site order the Hamiltonian holds either every bond of the table as a pair cluster (its
    nearest-neighbour pair interaction) or none of them (no such interaction). Some but not all means the
    sites are numbered differently. Hamiltonians that are not translation-invariant are not checked.
    """
    if table.n_sites != hamiltonian.n_sites:
        raise ValueError(f"the neighbour table has {table.n_sites} sites, the Hamiltonian {hamiltonian.n_sites}: "
                         "build both from the same supercell")
    clusters = hamiltonian.clusters
    per_site = (hamiltonian.pair_partners < hamiltonian.n_sites).sum(axis=1)
    if clusters.shape[1] < 2 or per_site.min() != per_site.max():
        return          # not a translation-invariant Hamiltonian (e.g. a single test bond): nothing to derive from
    pairs = clusters[(clusters[:, 1] >= 0) & np.all(clusters[:, 2:] < 0, axis=1)][:, :2].astype(np.int64)
    if len(pairs) == 0:
        return
    n = table.n_sites
    keys = np.unique(np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(pairs[:, 0], pairs[:, 1]))
    sites = np.repeat(np.arange(n, dtype=np.int64), table.coordination)
    others = table.neighbours.astype(np.int64).ravel()
    found = np.isin(np.minimum(sites, others) * n + np.maximum(sites, others), keys)
    if 0 < found.sum() < found.size:
        raise ValueError(f"the neighbour table and the Hamiltonian number the sites differently: only {found.mean():.0%} "
                         f"of the table's nearest-neighbour bonds are pairs of the Hamiltonian. Build both from the "
                         f"same supercell object, in the same order (e.g. neighbour_table(...) and ClusterSpace.hamiltonian "
                         f"on the supercell whose sites the table lists)")


def _check_lattice_site_order(jump_pair: np.ndarray, table: NeighbourTable) -> None:
    """With lattice tables: the nearest-neighbour pair interaction, where the Hamiltonian has one, must couple every
    jump of the table (all or none, as :func:`_check_same_site_order` for per-site tables)."""
    coupled = jump_pair != 0.0
    if coupled.any() and not coupled.all():
        raise ValueError("the neighbour table and the Hamiltonian number the sites differently: only some of the "
                         "table's jumps are pairs of the Hamiltonian. Build both from the same supercell object, in the "
                         "same order (e.g. neighbour_table(...) and ClusterSpace.hamiltonian on the supercell whose "
                         "sites the table lists)")


class VacancyKMC:
    """The tables of :func:`alloy_vacancy_kmc`, built once (about 1 s for 32k sites) for many runs."""

    def __init__(self, hamiltonian: ClusterHamiltonian, table: NeighbourTable, *, lattice_constant: float = 1.0):
        check_finite("lattice_constant", lattice_constant)
        self.hamiltonian, self.table = hamiltonian, table
        self.vectors = table.vectors * lattice_constant
        self._lattice = None
        if isinstance(hamiltonian, LatticeHamiltonian):
            if table.n_sites != hamiltonian.n_sites:
                raise ValueError(f"the neighbour table has {table.n_sites} sites, the Hamiltonian "
                                 f"{hamiltonian.n_sites}: build both from the same supercell")
            self._lattice = _lattice_jump_tables(hamiltonian, table, self.vectors)
        if self._lattice is None:       # per-site tables: any Hamiltonian, any table
            self.hamiltonian = as_site_tables(hamiltonian)
            _check_same_site_order(self.hamiltonian, table)
            self.jump_tables = _jump_tables(self.hamiltonian, table.neighbours)
        else:
            _check_lattice_site_order(self._lattice[1][0], table)
            self.jump_tables = self._lattice[0] + self._lattice[1]
        for array in (self.vectors, *self.jump_tables):       # read-only: the kernel indexes them unchecked
            array.setflags(write=False)

    def run(self, spins, vacancy: int, *, kT: float, n_events: int, barrier=0.5, prefactor: float = 1e13,
            seed: int = 0) -> AlloyKMCRun:
        """One run from ``spins`` with the vacancy at ``vacancy``; parameters as in :func:`alloy_vacancy_kmc`."""
        hamiltonian, n_sites = self.hamiltonian, self.hamiltonian.n_sites
        if not 0 <= int(vacancy) < n_sites:
            raise ValueError(f"vacancy must be a site index in 0..{n_sites - 1}, got {vacancy}")
        if not (np.isfinite(kT) and kT > 0 and np.isfinite(prefactor) and prefactor > 0) or n_events < 1:
            raise ValueError(f"kT and prefactor must be positive finite numbers and n_events at least 1, got kT={kT}, "
                             f"prefactor={prefactor}, n_events={n_events}")
        seed = check_seed(seed)
        barriers = np.broadcast_to(np.asarray(barrier, dtype=float), (2,)).copy()
        check_finite("barrier (eV)", barriers)
        start = np.asarray(spins).copy()
        start[int(vacancy)] = 1
        start = check_spins(start, n_sites).astype(float)
        start[int(vacancy)] = 0.0
        atom_at_site = np.arange(n_sites, dtype=np.int64)
        atom_at_site[int(vacancy)] = -1
        displacement = np.zeros((n_sites, 3))
        if self._lattice is not None:
            work = hamiltonian.padded_with_vacancy(start)
            energy = hamiltonian.constant + _lattice_energy(work, hamiltonian.tables())
            (jump_shifts, jump_basis, vectors), couplings = self._lattice
            final_vacancy, time, final_energy, weighted = _lattice_kmc_kernel(
                work, hamiltonian.tables(), jump_shifts, jump_basis, vectors, int(vacancy), 1.0 / kT, barriers,
                float(prefactor), int(n_events), int(seed), energy, atom_at_site, displacement, *couplings)
            final = np.empty(n_sites, dtype=np.int8)
            unpad_spins(work, hamiltonian.tables()[0], final)
        else:
            work = np.append(start, 1.0)                      # +1 sentinel for padded clusters
            energy = _energy_with_vacancy(hamiltonian, start)
            final_vacancy, time, final_energy, weighted = _alloy_kmc_kernel(
                work, hamiltonian.tables(), self.table.neighbours, self.vectors, int(vacancy), 1.0 / kT, barriers,
                float(prefactor), int(n_events), int(seed), energy, atom_at_site, displacement, *self.jump_tables)
            final = work[:-1].astype(np.int8)
        return AlloyKMCRun(final, int(final_vacancy), float(time), float(final_energy), float(weighted / time),
                           displacement, start.astype(np.int8))

    def vacancy_path(self, spins, vacancy: int, *, kT: float, n_jumps: int, barrier=0.5, seed: int = 0):
        """The vacancy's unwrapped path over ``n_jumps`` jumps, for drawing: ``(path, spins, vacancy)``.

        ``path`` (shape (n_jumps + 1, 3), in the units of ``lattice_constant``, Å) starts at the origin: add the
        starting site's position. The vacancy moves by minus the displacement of the atom that jumps into it. Jump k
        is one kernel call with seed ``seed + k``, so the path is a trajectory of this model, not the one a single
        ``run`` with ``seed`` takes. ``spins`` and ``vacancy`` are the final state.
        """
        if n_jumps < 1:
            raise ValueError(f"n_jumps must be at least 1, got {n_jumps}")
        path = [np.zeros(3)]
        for k in range(int(n_jumps)):
            jump = self.run(spins, vacancy, kT=kT, n_events=1, barrier=barrier, seed=seed + k)
            path.append(path[-1] - jump.displacement.sum(axis=0))
            spins, vacancy = jump.spins, jump.vacancy
        return np.array(path), spins, vacancy
