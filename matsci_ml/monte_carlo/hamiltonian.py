"""Lattice Hamiltonians as cluster tables, the form the Monte Carlo kernels consume.

A generalized Ising model (and so a binary cluster expansion) on occupation variables
:math:`\\sigma_i = \\pm 1` is

.. math:: E(\\sigma) = V_0 + \\sum_c V_c \\prod_{i \\in c} \\sigma_i ,

a sum over clusters :math:`c` (sets of sites) with interactions :math:`V_c` (eV, or J in the Ising
model). Flipping site :math:`i` changes the energy by

.. math:: \\Delta E_i = -2\\sigma_i \\sum_{c \\ni i} V_c \\prod_{j \\in c,\\, j \\ne i} \\sigma_j ,

so for each site we store the clusters that contain it: the other sites of each cluster and its
:math:`V_c`. A flip then costs O(clusters per site), independent of the system size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClusterHamiltonian:
    """Cluster table of a lattice Hamiltonian on ``n_sites`` sites.

    Attributes
    ----------
    n_sites : int
    constant : float
        :math:`V_0`.
    clusters : ndarray of int32, shape (n_clusters, max_size)
        Sites of every cluster, padded with -1.
    interactions : ndarray of float64, shape (n_clusters,)
        :math:`V_c` of every cluster.
    point_values : ndarray of float64, shape (n_sites,)
        Sum of the single-site interactions of each site.
    pair_partners : ndarray of int32, shape (n_sites, max_pairs_per_site)
        For site i, the other site of each pair containing it, sorted by interaction.
    pair_values : ndarray of float64, shape (1 or n_sites, max_pairs_per_site)
        :math:`V_c` of those pairs. When every site sees the same sorted list of interactions (a
        translation-invariant Hamiltonian such as a cluster expansion) a single row is shared by all
        sites, which keeps the tables the kernels read small enough to stay in cache.
    multi_partners, multi_values : ndarrays, shapes (n_sites, max_per_site, max_size - 1), (1 or n_sites, max_per_site)
        The same for clusters of three or more sites. Missing entries (a site in fewer clusters, a
        cluster smaller than the largest) point at index ``n_sites``, which the kernels read as a +1
        sentinel appended to the spins, with interaction 0.
    """

    n_sites: int
    constant: float
    clusters: np.ndarray
    interactions: np.ndarray
    point_values: np.ndarray
    pair_partners: np.ndarray
    pair_values: np.ndarray
    multi_partners: np.ndarray
    multi_values: np.ndarray

    def __post_init__(self) -> None:
        """Check the tables once and make them read-only: the kernels index them without bounds checks."""
        if self.n_sites < 1:
            raise ValueError(f"a Hamiltonian needs at least one site, got n_sites = {self.n_sites}")
        check_finite("the constant term", self.constant)
        for name in ("interactions", "point_values", "pair_values", "multi_values"):
            check_finite(f"the cluster interactions ({name})", getattr(self, name))
        for name in ("pair_partners", "multi_partners"):
            table = getattr(self, name)
            if table.size and (table.min() < 0 or table.max() > self.n_sites):
                raise ValueError(f"{name} refers to sites outside 0..{self.n_sites}")
        for name in ("clusters", "interactions", "point_values", "pair_partners", "pair_values", "multi_partners",
                     "multi_values"):
            array = np.ascontiguousarray(getattr(self, name))
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @classmethod
    def from_clusters(cls, n_sites: int, terms: list[tuple[float, list[tuple[int, ...]]]],
                      constant: float = 0.0) -> "ClusterHamiltonian":
        """Build from ``[(V, [cluster, cluster, ...]), ...]``, clusters given as tuples of site indices.

        Raises ``ValueError`` for a site index outside ``0..n_sites-1`` or a cluster that repeats a site.
        """
        flat: list[tuple[int, ...]] = []
        values: list[float] = []
        for value, clusters in terms:
            for cluster in clusters:
                cluster = tuple(int(s) for s in cluster)
                if not cluster:
                    raise ValueError("empty cluster: put the constant term in `constant`")
                if min(cluster) < 0 or max(cluster) >= n_sites:
                    raise ValueError(f"cluster {cluster} has a site outside 0..{n_sites - 1}")
                if len(set(cluster)) != len(cluster):
                    raise ValueError(f"cluster {cluster} repeats a site")
                flat.append(cluster)
                values.append(float(value))
        max_size = max((len(c) for c in flat), default=1)
        clusters_arr = np.full((len(flat), max_size), -1, dtype=np.int32)
        for k, cluster in enumerate(flat):
            clusters_arr[k, : len(cluster)] = cluster
        point_values = np.zeros(n_sites)
        pairs: list[list[tuple[list[int], float]]] = [[] for _ in range(n_sites)]
        multis: list[list[tuple[list[int], float]]] = [[] for _ in range(n_sites)]
        for cluster, value in zip(flat, values):
            if len(cluster) == 1:
                point_values[cluster[0]] += value
            else:
                table = pairs if len(cluster) == 2 else multis
                for site in cluster:
                    table[site].append(([s for s in cluster if s != site], value))
        pair_partners, pair_values = _site_tables(pairs, 1, n_sites)
        multi_partners, multi_values = _site_tables(multis, max(max_size - 1, 1), n_sites)
        return cls(n_sites, float(constant), clusters_arr, np.asarray(values), point_values,
                   pair_partners[:, :, 0].copy(), pair_values, multi_partners, multi_values)

    def tables(self) -> tuple:
        """The per-site tables the numba kernels read, as one tuple."""
        return (self.point_values, self.pair_partners, self.pair_values, self.multi_partners, self.multi_values)

    @property
    def table_bytes(self) -> int:
        """Memory of the tables the kernels read (bytes): they grow with the number of sites."""
        return sum(a.nbytes for a in self.tables())

    def energy(self, spins: np.ndarray) -> float:
        """Total energy :math:`E(\\sigma)` of a configuration, computed from scratch."""
        spins = check_spins(spins, self.n_sites)
        padded = np.append(spins, 1).astype(float)   # index -1 (padding) reads +1
        return float(self.constant + np.sum(self.interactions * np.prod(padded[self.clusters], axis=1)))


def _site_tables(entries_per_site, width: int, n_sites: int):
    """Per-site lists of (other sites, V) -> padded partner array and value rows (one shared row if possible)."""
    n_entries = max(1, max((len(e) for e in entries_per_site), default=0))
    partners = np.full((n_sites, n_entries, width), n_sites, dtype=np.int32)
    values = np.zeros((n_sites, n_entries))
    for site, entries in enumerate(entries_per_site):
        for slot, (others, value) in enumerate(sorted(entries, key=lambda e: e[1])):
            partners[site, slot, : len(others)] = others
            values[site, slot] = value
    if n_sites and np.all(values == values[0]):
        values = values[:1].copy()
    return partners, values


def check_finite(what: str, value) -> None:
    """``ValueError`` naming ``what`` when ``value`` (a number or an array) holds NaN or infinity."""
    if not np.all(np.isfinite(np.asarray(value, dtype=float))):
        raise ValueError(f"{what} must be finite numbers, got NaN or infinity; check the ECIs or the fit they came from")


def check_seed(seed) -> int:
    """A seed for the kernels' random streams (xoshiro256** in the Metropolis kernels, numba's ``np.random`` in the
    kinetic ones): an integer in 0 .. 2**32 - 1 (what ``np.random.seed`` accepts)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must lie in 0 .. 2**32 - 1, got {seed}")
    return int(seed)


def check_spins(spins, n_sites: int) -> np.ndarray:
    """Validate a configuration: ``n_sites`` values, each +1 or -1; returns an int8 array."""
    spins = np.asarray(spins)
    if spins.shape != (n_sites,):
        raise ValueError(f"expected {n_sites} site occupations, got shape {spins.shape}")
    if not np.all((spins == 1) | (spins == -1)):
        raise ValueError("occupations must be +1 or -1")
    return spins.astype(np.int8)


def nearest_neighbour_hamiltonian(neighbours: np.ndarray, interaction: float) -> ClusterHamiltonian:
    """:math:`E = V \\sum_{\\langle ij\\rangle} \\sigma_i\\sigma_j` over the bonds of a neighbour table.

    ``neighbours`` is an (n_sites, z) array (e.g. ``neighbour_table("fcc", 8).neighbours``); each bond is
    counted once. ``interaction`` > 0 favours unlike neighbours (ordering), < 0 like ones (a ferromagnet).
    """
    neighbours = np.asarray(neighbours)
    bonds = {(min(i, int(j)), max(i, int(j))) for i in range(len(neighbours)) for j in neighbours[i]}
    return ClusterHamiltonian.from_clusters(len(neighbours), [(interaction, sorted(bonds))])
