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
local field is a few straight loops over a few hundred bytes of tables; the price is that a move of a site
within :math:`r_a` of a face also writes its images (at most 7 more stores).

The local field :math:`h_i = \\sum_c V_c \\prod_{j \\in c, j \\ne i} \\sigma_j` is summed per group of clusters with
equal :math:`V_c` (an orbit, for a cluster expansion): the products of spins are integers, added exactly and in any
order, and each group's sum is multiplied by its :math:`V` once. Numba compiles the kernels once per number of groups
per cluster order (it is part of the tables' type); ``matsci-ml warmup`` compiles lesson 05's.

The tables' size depends on :math:`B` and the cutoffs only: a few kilobytes, which stay in the CPU's cache while
the padded occupation array (1 byte per site plus the halo) is the only thing that grows with the system. The energy
and every energy change are those of :class:`~matsci_ml.monte_carlo.hamiltonian.ClusterHamiltonian` on the same
clusters (to rounding: the per-site tables add the V's one cluster at a time), which the tests check configuration
by configuration and swap by swap.
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
        kernel_tables, groups = [], []
        for shifts, partners, values in zip(self.shifts, self.partners, self.values):
            basis = np.arange(self.n_basis)[:, None, None]
            linear = ((shifts[..., 0] * padded[1] + shifts[..., 1]) * padded[2] + shifts[..., 2]) * self.n_basis
            kernel_tables.append(_real_clusters_first(linear + partners - basis, np.asarray(values, dtype=float)))
            groups.extend(_groups_of_equal_value(*kernel_tables[-1]))
        object.__setattr__(self, "_clusters", tuple(kernel_tables))
        object.__setattr__(self, "_groups", tuple(groups))
        strides = np.array([padded[1] * padded[2], padded[2], 1]) * self.n_basis
        object.__setattr__(self, "_images", _image_tables(n, reach, strides))
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
        """Memory of the tables the kernels read besides the occupations (bytes): the cluster tables do not depend
        on the number of cells, the halo's image tables grow with the side length only (a few KB in all)."""
        return sum(sum(b.nbytes for b in a) if isinstance(a, tuple) else a.nbytes for a in self.tables())

    def tables(self) -> tuple:
        """The arrays the numba kernels read: geometry, reciprocals, point values; per basis site the partners'
        offsets and the V of the pairs (2D), triplets and quadruplets (3D: cluster, partner); then per axis the
        image shifts of each coordinate and their counts (:func:`set_spin`); then per cluster order the same
        clusters in groups of equal V (a tuple of offset arrays, one per group) and each group's V
        (:func:`lattice_local_field`)."""
        (o2, v2), (o3, v3), (o4, v4) = self._clusters
        return (self._geometry, self._inverse, self.point_values, o2[:, :, 0].copy(), v2, o3, v3, o4, v4,
                *self._images, *self._groups)

    def padded(self, spins: np.ndarray) -> np.ndarray:
        """The kernels' working array (int8) for a configuration: the supercell with its halo filled."""
        spins = check_spins(spins, self.n_sites)
        return pad_spins(spins.astype(np.int8), self._geometry)

    def padded_with_vacancy(self, occupations: np.ndarray) -> np.ndarray:
        """The working array of the vacancy kinetic Monte Carlo: occupations +1, -1 and 0 (the vacancy)."""
        occupations = np.asarray(occupations)
        if occupations.shape != (self.n_sites,) or not np.all(np.isin(occupations, (-1, 0, 1))):
            raise ValueError(f"expected {self.n_sites} occupations of +1, -1 or 0")
        return pad_spins(occupations.astype(np.int8), self._geometry)

    def energy(self, spins: np.ndarray) -> float:
        """Total energy :math:`E(\\sigma)` of a configuration, computed from scratch."""
        return float(self.constant + _lattice_energy(self.padded(spins), self.tables()))

    def site_tables(self) -> ClusterHamiltonian:
        """The same Hamiltonian as per-site tables (built once, then kept): what the vacancy kinetic Monte Carlo reads.
        Built with array operations, O(N) (about 0.3 s for 32,000 sites); its memory grows with the number of sites."""
        if not self._generic:
            self._generic.append(self._build_site_tables())
        return self._generic[0]

    def _build_site_tables(self) -> ClusterHamiltonian:
        n, B, N = np.array(self.n_cells), self.n_basis, self.n_sites
        n_cells = int(np.prod(n))
        cells = np.stack(np.unravel_index(np.arange(n_cells), tuple(n)), axis=1)                   # (C, 3)
        strides = np.array([n[1] * n[2], n[2], 1])
        # partner indices of every site: (C, B, K, order - 1), sentinel N (read as +1) in the V = 0 padding
        members, widths = [], []
        for shifts, partners, values in zip(self.shifts, self.partners, self.values):
            index = (np.mod(cells[:, None, None, None, :] + shifts[None], n) @ strides) * B + partners[None]
            index = np.where(values[None, :, :, None] != 0.0, index, N)
            members.append(index.reshape(N, values.shape[1], shifts.shape[2]))
            widths.append(shifts.shape[2])
        tile = lambda values: np.tile(values, (n_cells, 1))                                      # (B, K) -> (N, K)
        pair_partners, pair_values = members[0][:, :, 0], tile(self.values[0])
        width = max([w for w, v in zip(widths[1:], self.values[1:]) if v.size] or [1])
        multi = [np.concatenate([m, np.full(m.shape[:2] + (width - m.shape[2],), N)], axis=2)
                 for m, v in zip(members[1:], self.values[1:]) if v.size]
        multi_partners = np.concatenate(multi, axis=1) if multi else np.full((N, 1, 1), N)
        multi_values = (np.concatenate([tile(v) for v in self.values[1:] if v.size], axis=1) if multi
                        else np.zeros((N, 1)))
        # every cluster once: it appears once per member site, keep it where that site has the smallest index
        rows, interactions = [], []
        points = np.tile(self.point_values, n_cells)
        nonzero = np.flatnonzero(points)
        rows.append(np.full((len(nonzero), max(widths, default=1) + 1), -1))
        rows[0][:, 0] = nonzero
        interactions.append(points[nonzero])
        for m, values in zip(members, self.values):
            full = np.concatenate([np.broadcast_to(np.arange(N)[:, None, None], m.shape[:2] + (1,)), m], axis=2)
            keep = (values[np.arange(N) % B] != 0.0) & (full[:, :, 0] == full.min(axis=2))
            block = np.full((int(keep.sum()), rows[0].shape[1]), -1)
            block[:, :full.shape[2]] = full[keep]
            rows.append(block)
            interactions.append(values[np.arange(N) % B][keep])
        shared = lambda v: v[:1].copy() if np.all(v == v[:1]) else v
        return ClusterHamiltonian(N, self.constant, np.concatenate(rows).astype(np.int32), np.concatenate(interactions),
                                  points, pair_partners.astype(np.int32), shared(pair_values),
                                  multi_partners.astype(np.int32), shared(multi_values))


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


def packed_sites(sites: np.ndarray, hamiltonian: LatticeHamiltonian) -> tuple:
    """``(codes, layout)``: site indices as codes that hold the basis index and the cell in bit fields, which
    :func:`unpack_site` reads with shifts and masks (the swap kernel's lists of sites). From the low bits:
    :math:`i_2, i_1, i_0, b`, each as wide as its range needs; int32 codes when they fit in 31 bits (up to a
    million sites or so, half the memory traffic of int64), int64 otherwise. ``layout`` is
    ``[shift of i1, shift of i0, shift of b, mask of i2, mask of i1, mask of i0]``."""
    n, B = hamiltonian.n_cells, hamiltonian.n_basis
    widths = [max(1, int(np.ceil(np.log2(k)))) for k in (n[2], n[1], n[0], B)]
    shifts = np.cumsum([0] + widths)
    dtype = np.int32 if shifts[-1] <= 31 else np.int64
    if shifts[-1] > 63:
        raise ValueError(f"a supercell of {n} cells of {B} sites is beyond the 63 bits of a packed site code")
    sites = np.asarray(sites, dtype=np.int64)
    i0, i1, i2 = np.unravel_index(sites // B, n)
    codes = (sites % B << shifts[3]) | (i0.astype(np.int64) << shifts[2]) | (i1.astype(np.int64) << shifts[1]) | i2
    layout = np.array([shifts[1], shifts[2], shifts[3], *(2 ** np.array(widths[:3]) - 1)], dtype=np.int64)
    return codes.astype(dtype), layout


@njit(cache=True, inline="always")
def unpack_site(code, geometry, layout):
    """``(p, b, i0, i1, i2)`` of a site code from :func:`packed_sites`, as :func:`site_position` gives them."""
    code = np.int64(code)
    i2 = code & layout[3]
    i1 = (code >> layout[0]) & layout[4]
    i0 = (code >> layout[1]) & layout[5]
    b = code >> layout[2]
    p = (((i0 + geometry[4]) * geometry[8] + i1 + geometry[5]) * geometry[9] + i2 + geometry[6]) * geometry[3] + b
    return p, b, i0, i1, i2


@njit(cache=True, inline="always")
def set_spin(padded, p, i0, i1, i2, value, tables):
    """Set the site at padded index ``p`` (cell ``i0, i1, i2``) and each of its periodic images in the halo, read off
    the per-axis image tables. Their rows are padded with the shift 0 (the site itself), so the loops always run
    the table's full depth (8 stores when it is 2): a site far from the faces is written 8 times over, instead of
    loops whose length changes from site to site (mispredicted branches). Measured back to back, 2-3 % faster at
    4,000 sites, where half the sites have images, and no slower at 256,000."""
    shifts = tables[9]
    depth = shifts.shape[2]
    for a in range(depth):
        for c in range(depth):
            q = p + shifts[0, i0, a] + shifts[1, i1, c]
            for e in range(depth):
                padded[np.uint64(q + shifts[2, i2, e])] = value


def _image_tables(n: np.ndarray, reach: np.ndarray, strides: np.ndarray) -> tuple:
    """Per axis a and coordinate i: the shifts (in padded-array units) of the copies of a site with that coordinate,
    0 (the site itself) first, then every image i + k n_a that falls in the halo [-r_a, n_a + r_a), then 0 up to the
    table's depth; and their counts (without the padding)."""
    lists = [[[(k * n[a]) * strides[a] for k in range(-(reach[a] // n[a]) - 1, reach[a] // n[a] + 2)
               if k == 0 or -reach[a] <= i + k * n[a] < n[a] + reach[a]] for i in range(n[a])] for a in range(3)]
    for axis in lists:
        for shifts in axis:
            shifts.sort(key=lambda shift: shift != 0)                            # the site itself first
    depth = max(len(shifts) for axis in lists for shifts in axis)
    table = np.zeros((3, int(n.max()), depth), dtype=np.int64)
    counts = np.zeros((3, int(n.max())), dtype=np.int64)
    for a, axis in enumerate(lists):
        for i, shifts in enumerate(axis):
            table[a, i, :len(shifts)] = shifts
            counts[a, i] = len(shifts)
    return table, counts


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
def _pair_sum(padded, p, groups, values, b):
    """Sum over the pairs containing the site at ``p`` (basis ``b``) of V times the partner's spin, the partner at a
    fixed offset in the padded array. Per group of pairs with equal V, the spins are summed as integers (exact, in
    any order) and multiplied by V once. The index is unsigned (``p`` plus an offset is never negative), which spares
    numba's wrap-around of negative indices."""
    total = 0.0
    for g in range(len(groups)):
        offsets = groups[g]
        count = 0
        for k in range(offsets.shape[1]):
            count += padded[np.uint64(p + offsets[b, k])]
        total += values[b, g] * count
    return total


@njit(cache=True, inline="always")
def _triplet_sum(padded, p, groups, values, b):
    """The same for triplets: V times the product of the two partners' spins."""
    total = 0.0
    for g in range(len(groups)):
        offsets = groups[g]
        count = 0
        for k in range(offsets.shape[1]):
            count += padded[np.uint64(p + offsets[b, k, 0])] * padded[np.uint64(p + offsets[b, k, 1])]
        total += values[b, g] * count
    return total


@njit(cache=True, inline="always")
def _quadruplet_sum(padded, p, groups, values, b):
    """The same for quadruplets (three partners)."""
    total = 0.0
    for g in range(len(groups)):
        offsets = groups[g]
        count = 0
        for k in range(offsets.shape[1]):
            count += (padded[np.uint64(p + offsets[b, k, 0])] * padded[np.uint64(p + offsets[b, k, 1])]
                      * padded[np.uint64(p + offsets[b, k, 2])])
        total += values[b, g] * count
    return total


@njit(cache=True, inline="always")
def lattice_local_field(padded, p, b, tables):
    """:math:`h_i = \\partial E / \\partial \\sigma_i` of the site at padded index ``p`` (basis ``b``): no branch,
    no wrap, the same offsets for every site (straight loops per cluster order and group of equal V; written out per
    order, these loops run about twice as fast as one loop over a partner index, and the integer sums per group
    about 1.5 times as fast as a floating-point sum over the clusters)."""
    return (tables[2][b] + _pair_sum(padded, p, tables[11], tables[12], b)
            + _triplet_sum(padded, p, tables[13], tables[14], b) + _quadruplet_sum(padded, p, tables[15], tables[16], b))


@njit(cache=True)
def _lattice_energy(padded, tables):
    geometry, inverse, point_values = tables[0], tables[1], tables[2]
    n_sites = geometry[0] * geometry[1] * geometry[2] * geometry[3]
    total = 0.0
    for site in range(n_sites):
        p, b, i0, i1, i2 = site_position(site, geometry, inverse)
        field = (point_values[b] + 0.5 * _pair_sum(padded, p, tables[11], tables[12], b)
                 + _triplet_sum(padded, p, tables[13], tables[14], b) / 3.0
                 + 0.25 * _quadruplet_sum(padded, p, tables[15], tables[16], b))
        total += padded[p] * field
    return total


def _real_clusters_first(offsets: np.ndarray, values: np.ndarray) -> tuple:
    """(offsets, values) of one cluster order with, per basis site, its clusters of V != 0 first, in their order,
    and the V = 0 padding after them."""
    order = np.argsort(np.where(values != 0.0, 0, 1), axis=1, kind="stable")
    offsets = np.take_along_axis(offsets, order[:, :, None], axis=1)
    values = np.take_along_axis(values, order, axis=1)
    return np.ascontiguousarray(offsets, dtype=np.int64), np.ascontiguousarray(values)


def _groups_of_equal_value(offsets: np.ndarray, values: np.ndarray) -> tuple:
    """The clusters of one order (``offsets`` (B, K, order - 1), ``values`` (B, K)) as groups of equal V: a tuple of
    offset arrays (B, K_g) for pairs, (B, K_g, order - 1) otherwise, and the groups' V (B, G).

    Per basis site the clusters are sorted by V; the groups are the pieces between every place where any basis site's
    V changes, so that group g has the same size K_g for every basis site, and one V per basis site. Groups of V = 0
    at every basis site (the padding) are left out; an order without clusters keeps one empty group."""
    B, K = values.shape
    order = np.argsort(values, axis=1, kind="stable")
    offsets = np.take_along_axis(offsets, order[:, :, None], axis=1)
    values = np.take_along_axis(values, order, axis=1)
    bounds = sorted({0, K} | {int(k) for row in values for k in np.flatnonzero(np.diff(row) != 0.0) + 1})
    groups, group_values = [], []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if np.any(values[:, start] != 0.0):
            groups.append(offsets[:, start:stop])
            group_values.append(values[:, start])
    if not groups:
        groups, group_values = [offsets[:, :0]], [np.zeros(B)]
    pairs = offsets.shape[2] == 1
    groups = tuple(np.ascontiguousarray(g[:, :, 0] if pairs else g, dtype=np.int64) for g in groups)
    return groups, np.ascontiguousarray(np.stack(group_values, axis=1))


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
