"""Translation-invariant cluster tables: a lattice Hamiltonian whose tables do not grow with the supercell.

On a periodic supercell that is a repeat :math:`n_0 \\times n_1 \\times n_2` of a unit cell of :math:`B` sites, every
site sees the same clusters as the site of the same basis index in any other cell, shifted by whole cells. The
Hamiltonian therefore needs, per basis site :math:`b`, only the clusters that contain it, each stored as the
other sites' cell shifts :math:`(\\Delta_0, \\Delta_1, \\Delta_2)` and basis indices, with its interaction
:math:`V_c`. Site :math:`i` in cell :math:`(i_0, i_1, i_2)` has the index
:math:`((i_0 n_1 + i_1) n_2 + i_2) B + b` (the order of ``ase.Atoms.repeat``).

The kernels work on a *padded* copy of the occupations: the supercell surrounded by a halo, :math:`r_a` cells
deep on each face (the clusters' reach along axis :math:`a`), holding the periodic images of the sites near the
opposite face. In the padded array every partner of every site sits at the same fixed offset from it, so the
local field is one branch-free loop over a few hundred bytes of tables; the price is that a move of a site
within :math:`r_a` of a face also writes its images (at most 7 more stores).

The tables' size depends on :math:`B` and the cutoffs only: a few kilobytes, which stay in the CPU's cache while
the padded occupation array (8 bytes per site plus the halo) is the only thing that grows with the system. The energy
and every energy change are those of :class:`~matsci_ml.monte_carlo.hamiltonian.ClusterHamiltonian` on the same
clusters, which the tests check configuration by configuration and swap by swap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, check_finite, check_spins

#: cluster orders the lattice tables hold (larger clusters use the per-site tables of ClusterHamiltonian)
LATTICE_ORDERS = (2, 3, 4)


@dataclass(frozen=True)
class LatticeHamiltonian:
    """Cluster tables of a lattice Hamiltonian on a repeated supercell, stored once per basis site.

    Attributes
    ----------
    n_cells : tuple of 3 int
        :math:`(n_0, n_1, n_2)`, the repeats of the unit cell.
    n_basis : int
        :math:`B`, sites per unit cell; ``n_sites = n_0 n_1 n_2 B``.
    constant : float
        :math:`V_0`.
    point_values : ndarray, shape (B,)
        Sum of the single-site interactions of each basis site.
    shifts, partners, values : tuples of ndarrays, one per cluster order 2, 3, 4
        ``shifts[o]`` (B, K, order - 1, 3) cell shifts and ``partners[o]`` (B, K, order - 1) basis indices of the
        other sites of the K clusters of that order containing basis site b, ``values[o]`` (B, K) their
        :math:`V_c` (a basis site in fewer clusters is padded with :math:`V_c = 0`).
    """

    n_cells: tuple
    n_basis: int
    constant: float
    point_values: np.ndarray
    shifts: tuple
    partners: tuple
    values: tuple
    _generic: list = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_finite("the constant term", self.constant)
        check_finite("the cluster interactions", np.concatenate([self.point_values, *[v.ravel() for v in self.values]]))
        n = np.array(self.n_cells, dtype=np.int64)
        reach = np.zeros(3, dtype=np.int64)
        for shifts in self.shifts:
            if shifts.size:
                reach = np.maximum(reach, np.abs(shifts).reshape(-1, 3).max(axis=0))
        padded = n + 2 * reach
        offsets = []
        for shifts, partners in zip(self.shifts, self.partners):
            basis = np.arange(self.n_basis)[:, None, None]
            linear = ((shifts[..., 0] * padded[1] + shifts[..., 1]) * padded[2] + shifts[..., 2]) * self.n_basis
            offsets.append(np.ascontiguousarray(linear + partners - basis, dtype=np.int64))
        object.__setattr__(self, "_offsets", tuple(offsets))
        object.__setattr__(self, "_geometry", np.array([*n, self.n_basis, *reach, *padded], dtype=np.int64))
        object.__setattr__(self, "_inverse", 1.0 / np.array([self.n_basis, n[2], n[1]], dtype=float))
        array = np.ascontiguousarray(self.point_values, dtype=float)
        array.setflags(write=False)
        object.__setattr__(self, "point_values", array)
        object.__setattr__(self, "values", tuple(np.ascontiguousarray(v, dtype=float) for v in self.values))

    @property
    def n_sites(self) -> int:
        return int(np.prod(self.n_cells)) * self.n_basis

    @property
    def padded_sites(self) -> int:
        """Length of the working array of the kernels: the supercell plus a halo of periodic copies, as deep as the
        clusters reach (in cells) on each face."""
        return int(np.prod(self._geometry[7:10])) * self.n_basis

    @property
    def table_bytes(self) -> int:
        """Memory of the tables the kernels read (bytes): independent of the number of cells."""
        return sum(a.nbytes for a in self.tables())

    def tables(self) -> tuple:
        """The arrays the numba kernels read: geometry, reciprocals, point values, then offsets and values of the
        pair, triplet and quadruplet clusters per basis site."""
        o, v = self._offsets, self.values
        return (self._geometry, self._inverse, self.point_values, o[0], v[0], o[1], v[1], o[2], v[2])

    def padded(self, spins: np.ndarray) -> np.ndarray:
        """The kernels' working array (int8) for a configuration: the supercell with its halo filled."""
        spins = check_spins(spins, self.n_sites)
        return pad_spins(spins.astype(np.int8), self._geometry)

    def energy(self, spins: np.ndarray) -> float:
        """Total energy :math:`E(\\sigma)` of a configuration, computed from scratch."""
        return float(self.constant + _lattice_energy(self.padded(spins), self.tables()))

    def site_tables(self) -> ClusterHamiltonian:
        """The same Hamiltonian as per-site tables (built once, then kept): what the vacancy kinetic Monte Carlo and
        the exact-enumeration checks read. Memory grows with the number of sites."""
        if not self._generic:
            self._generic.append(ClusterHamiltonian.from_clusters(self.n_sites, self.cluster_terms(),
                                                                  constant=self.constant))
        return self._generic[0]

    def cluster_terms(self) -> list:
        """``[(V, clusters), ...]`` with every cluster of the supercell once (site-index tuples), for
        :meth:`ClusterHamiltonian.from_clusters`."""
        n, B = np.array(self.n_cells), self.n_basis
        cells = np.stack(np.unravel_index(np.arange(int(np.prod(n))), tuple(n)), axis=1)        # (n_cells, 3)
        terms = [(float(value), [(site,)]) for site, value in enumerate(np.tile(self.point_values, len(cells)))
                 if value != 0.0]
        for shifts, partners, values in zip(self.shifts, self.partners, self.values):
            for b in range(B):
                for k in range(values.shape[1]):
                    if values[b, k] == 0.0:
                        continue
                    own = np.arange(len(cells)) * B + b                                            # (n_cells,)
                    others = [(np.mod(cells + shifts[b, k, m], n) @ np.array([n[1] * n[2], n[2], 1])) * B
                              + partners[b, k, m] for m in range(partners.shape[2])]
                    members = np.stack([own, *others], axis=1)
                    # each cluster appears once per member site: keep it where this site is the smallest index
                    keep = members[:, 0] == members.min(axis=1)
                    terms.append((float(values[b, k]), [tuple(int(s) for s in row) for row in members[keep]]))
        return terms


def as_site_tables(hamiltonian) -> ClusterHamiltonian:
    """Per-site tables of either kind of Hamiltonian."""
    return hamiltonian.site_tables() if isinstance(hamiltonian, LatticeHamiltonian) else hamiltonian


@njit(cache=True, inline="always")
def site_position(site, geometry, inverse):
    """``(p, b, i0, i1, i2)``: the index ``p`` in the padded working array of supercell site ``site``, its basis
    index and cell. The divisions multiply by float reciprocals (exact for any index below 2**40: the product's
    error is far below the 0.5 / divisor margin), several times faster than an integer division by a number
    known only at run time."""
    n1, n2, B = geometry[1], geometry[2], geometry[3]
    cell = np.int64((site + 0.5) * inverse[0])
    b = site - cell * B
    rest = np.int64((cell + 0.5) * inverse[1])
    i2 = cell - rest * n2
    i0 = np.int64((rest + 0.5) * inverse[2])
    i1 = rest - i0 * n1
    p = (((i0 + geometry[4]) * geometry[8] + i1 + geometry[5]) * geometry[9] + i2 + geometry[6]) * B + b
    return p, b, i0, i1, i2


@njit(cache=True, inline="always")
def set_spin(padded, p, i0, i1, i2, value, geometry):
    """Set a site and each of its periodic copies in the halo (a site within the clusters' reach of a face)."""
    padded[p] = value
    n0, n1, n2, r0, r1, r2 = geometry[0], geometry[1], geometry[2], geometry[4], geometry[5], geometry[6]
    if r0 <= i0 < n0 - r0 and r1 <= i1 < n1 - r1 and r2 <= i2 < n2 - r2:
        return
    _set_copies(padded, p, i0, i1, i2, value, geometry)


@njit(cache=True)
def _set_copies(padded, p, i0, i1, i2, value, geometry):
    n0, n1, n2, B = geometry[0], geometry[1], geometry[2], geometry[3]
    r0, r1, r2, P1, P2 = geometry[4], geometry[5], geometry[6], geometry[8], geometry[9]
    b = p - (((i0 + r0) * P1 + i1 + r1) * P2 + i2 + r2) * B
    j0 = i0
    while j0 - n0 >= -r0:
        j0 -= n0
    while j0 < n0 + r0:
        j1 = i1
        while j1 - n1 >= -r1:
            j1 -= n1
        while j1 < n1 + r1:
            j2 = i2
            while j2 - n2 >= -r2:
                j2 -= n2
            while j2 < n2 + r2:
                padded[(((j0 + r0) * P1 + j1 + r1) * P2 + j2 + r2) * B + b] = value
                j2 += n2
            j1 += n1
        j0 += n0


@njit(cache=True)
def pad_spins(spins, geometry):
    """The padded working array (int8) of a configuration ``spins`` (one entry per supercell site)."""
    n0, n1, n2, B = geometry[0], geometry[1], geometry[2], geometry[3]
    r0, r1, r2, P0, P1, P2 = geometry[4], geometry[5], geometry[6], geometry[7], geometry[8], geometry[9]
    padded = np.empty(P0 * P1 * P2 * B, dtype=np.int8)
    for j0 in range(P0):
        i0 = (j0 - r0) % n0
        for j1 in range(P1):
            i1 = (j1 - r1) % n1
            for j2 in range(P2):
                i2 = (j2 - r2) % n2
                source = ((i0 * n1 + i1) * n2 + i2) * B
                target = ((j0 * P1 + j1) * P2 + j2) * B
                for b in range(B):
                    padded[target + b] = spins[source + b]
    return padded


@njit(cache=True)
def unpad_spins(padded, geometry, out):
    """The supercell part of a padded array into ``out`` (one entry per site, any numeric dtype)."""
    n0, n1, n2, B = geometry[0], geometry[1], geometry[2], geometry[3]
    r0, r1, r2, P1, P2 = geometry[4], geometry[5], geometry[6], geometry[8], geometry[9]
    for i0 in range(n0):
        for i1 in range(n1):
            for i2 in range(n2):
                source = (((i0 + r0) * P1 + i1 + r1) * P2 + i2 + r2) * B
                target = ((i0 * n1 + i1) * n2 + i2) * B
                for b in range(B):
                    out[target + b] = padded[source + b]


@njit(cache=True, inline="always")
def _order_sum(padded, p, b, offsets, values):
    """Sum over the clusters of one order containing the site at ``p`` (basis ``b``) of V times the other sites'
    spins, each at a fixed offset in the padded array."""
    total = 0.0
    for k in range(values.shape[1]):
        product = values[b, k]
        for m in range(offsets.shape[2]):
            product *= padded[p + offsets[b, k, m]]
        total += product
    return total


@njit(cache=True, inline="always")
def lattice_local_field(padded, p, b, tables):
    """:math:`h_i = \\partial E / \\partial \\sigma_i` of the site at padded index ``p`` (basis ``b``): no branch,
    no wrap, the same offsets for every site."""
    point_values, o2, v2, o3, v3, o4, v4 = tables[2], tables[3], tables[4], tables[5], tables[6], tables[7], tables[8]
    return (point_values[b] + _order_sum(padded, p, b, o2, v2) + _order_sum(padded, p, b, o3, v3)
            + _order_sum(padded, p, b, o4, v4))


@njit(cache=True)
def _lattice_energy(padded, tables):
    geometry, inverse = tables[0], tables[1]
    point_values, o2, v2, o3, v3, o4, v4 = tables[2], tables[3], tables[4], tables[5], tables[6], tables[7], tables[8]
    n_sites = geometry[0] * geometry[1] * geometry[2] * geometry[3]
    total = 0.0
    for site in range(n_sites):
        p, b, i0, i1, i2 = site_position(site, geometry, inverse)
        field = (point_values[b] + 0.5 * _order_sum(padded, p, b, o2, v2) + _order_sum(padded, p, b, o3, v3) / 3.0
                 + 0.25 * _order_sum(padded, p, b, o4, v4))
        total += padded[p] * field
    return total


def repeat_structure(atoms, max_basis: int = 64):
    """``(n_basis, (n0, n1, n2))`` if ``atoms`` is ``unit.repeat((n0, n1, n2))`` of a unit cell of ``n_basis`` atoms
    in ASE's order (``bulk(...).repeat(6)``), else ``None``. Checked on every position."""
    n_atoms = len(atoms)
    fractional = np.mod(atoms.get_scaled_positions(wrap=False), 1.0)
    for n_basis in (d for d in range(1, min(max_basis, n_atoms) + 1) if n_atoms % d == 0):
        n_blocks = n_atoms // n_basis
        if n_blocks == 1:
            continue
        starts = fractional[::n_basis] - fractional[0]
        starts = np.mod(starts + 1e-6, 1.0) - 1e-6
        n = [1, 1, 1]
        step = 1
        for axis in (2, 1, 0):
            if step >= n_blocks:
                break
            value = starts[step, axis]
            if axis > 0 and value < 1e-6:
                continue
            if value < 1e-6 or abs(1 / value - round(1 / value)) > 1e-4:
                break
            n[axis] = int(round(1 / value))
            step *= n[axis]
        if int(np.prod(n)) != n_blocks:
            continue
        grid = np.stack(np.unravel_index(np.arange(n_blocks), tuple(n)), axis=1) / np.array(n)     # (blocks, 3)
        expected = (fractional[:n_basis][None, :, :] + grid[:, None, :]).reshape(-1, 3)
        difference = expected - fractional
        difference -= np.round(difference)
        if np.abs(difference).max() < 1e-5:
            return n_basis, tuple(n)
    return None
