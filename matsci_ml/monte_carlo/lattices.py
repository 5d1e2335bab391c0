"""Nearest-neighbour tables of simple periodic lattices, built with ASE's neighbour list.

Used by kinetic Monte Carlo: ``neighbours[i, k]`` is the k-th nearest neighbour of site i and
``vectors[i, k]`` the vector from i to it (A), so unwrapped displacements need no minimum-image logic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.neighborlist import neighbor_list

#: coordination number and dimension of each lattice
LATTICES = {"fcc": (12, 3), "bcc": (8, 3), "sc": (6, 3), "square": (4, 2), "honeycomb": (3, 2)}


@dataclass(frozen=True)
class NeighbourTable:
    """Sites and nearest-neighbour bonds of a periodic lattice (lattice constant 1, jump length ``jump``)."""

    name: str
    dimension: int
    neighbours: np.ndarray   # (n_sites, z) int32
    vectors: np.ndarray     # (n_sites, z, 3) float64, A
    jump: float             # nearest-neighbour distance, A
    positions: np.ndarray | None = None   # (n_sites, 3) float64, site positions in units of the lattice constant

    def __post_init__(self) -> None:
        """Check the table once and make it read-only: the kinetic kernels index it without bounds checks."""
        neighbours = np.ascontiguousarray(self.neighbours, dtype=np.int32)
        vectors = np.ascontiguousarray(self.vectors, dtype=np.float64)
        if neighbours.ndim != 2 or vectors.shape != (*neighbours.shape, 3):
            raise ValueError(f"neighbours must be (n_sites, z) and vectors (n_sites, z, 3), got {neighbours.shape} and "
                             f"{vectors.shape}")
        if neighbours.size and (neighbours.min() < 0 or neighbours.max() >= len(neighbours)):
            raise ValueError(f"neighbours refers to sites outside 0..{len(neighbours) - 1}")
        if not np.isfinite(vectors).all():
            raise ValueError("the bond vectors hold NaN or infinite values")
        arrays = [("neighbours", neighbours), ("vectors", vectors)]
        if self.positions is not None:
            positions = np.ascontiguousarray(self.positions, dtype=np.float64)
            if positions.shape != (len(neighbours), 3):
                raise ValueError(f"positions must be (n_sites, 3) = ({len(neighbours)}, 3), got {positions.shape}")
            arrays.append(("positions", positions))
        for name, array in arrays:
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def n_sites(self) -> int:
        return self.neighbours.shape[0]

    @property
    def coordination(self) -> int:
        return self.neighbours.shape[1]

    def sublattices(self) -> np.ndarray:
        """Sublattice of every site (fcc: 0..3, bcc: 0..1), from the site positions; see
        :func:`~matsci_ml.monte_carlo.order_parameters.sublattice_indices`."""
        from matsci_ml.monte_carlo.order_parameters import sublattice_indices

        if self.positions is None:
            raise ValueError("this table was built without site positions; build it with neighbour_table(name, repeat)")
        return sublattice_indices(self.positions, self.name, lattice_constant=1.0, origin=np.zeros(3))


def _unit_cell(name: str) -> tuple[Atoms, float, tuple[int, int, int]]:
    """Unit cell, nearest-neighbour distance, and which axes repeat (2D lattices do not stack)."""
    if name == "fcc":
        return bulk("Cu", "fcc", a=1.0, cubic=True), 1 / np.sqrt(2), (1, 1, 1)
    if name == "bcc":
        return bulk("Fe", "bcc", a=1.0, cubic=True), np.sqrt(3) / 2, (1, 1, 1)
    if name == "sc":
        return bulk("Po", "sc", a=1.0), 1.0, (1, 1, 1)
    if name == "square":
        return Atoms("H", positions=[(0, 0, 0)], cell=[1, 1, 10], pbc=[True, True, False]), 1.0, (1, 1, 0)
    if name == "honeycomb":
        a = np.sqrt(3.0)  # bond length 1
        cell = [[a, 0, 0], [a / 2, 1.5, 0], [0, 0, 10]]
        atoms = Atoms("CC", scaled_positions=[(1 / 3, 1 / 3, 0), (2 / 3, 2 / 3, 0)], cell=cell, pbc=[True, True, False])
        return atoms, 1.0, (1, 1, 0)
    raise ValueError(f"Unknown lattice {name!r}; choose one of {', '.join(LATTICES)}.")


def neighbour_table(name: str, repeat: int) -> NeighbourTable:
    """Nearest-neighbour table of lattice ``name`` in a periodic cell of ``repeat`` unit cells per side.

    The bond vectors of each basis site are read off a small 3-cell supercell with ASE's neighbour
    list, then mapped onto the big cell through wrapped fractional coordinates (O(N), fast for the
    ~10^4-site cells that converge a correlation factor). The sites are those of
    ``ase.build.bulk(..., a=1, cubic=True).repeat(repeat)``, in that order; ``positions`` holds them, so
    ``table.sublattices()`` and :mod:`~matsci_ml.monte_carlo.order_parameters` need not rely on the order.
    """
    if repeat < 3:
        raise ValueError(f"repeat must be at least 3 so that neighbours are distinct sites, got {repeat}")
    unit, jump, axes = _unit_cell(name)
    z, dimension = LATTICES[name]
    n_basis = len(unit)
    small = unit.repeat(tuple(3 if ax else 1 for ax in axes))
    first, second, vectors = neighbor_list("ijD", small, cutoff=1.05 * jump)
    basis_vectors = []
    for b in range(n_basis):   # ASE's repeat lists the basis of cell (0, 0, 0) first
        mine = vectors[first == b]
        if len(mine) != z:
            raise RuntimeError(f"{name}: expected {z} neighbours per site, found {len(mine)}")
        basis_vectors.append(mine[np.lexsort(mine.T[::-1])])
    big = unit.repeat(tuple(repeat if ax else 1 for ax in axes))
    positions, n_sites = big.get_positions(), len(big)
    site_vectors = np.stack([basis_vectors[s % n_basis] for s in range(n_sites)])      # (n, z, 3)
    inverse = np.linalg.inv(big.get_cell().array)

    def keys(points):
        fractional = np.mod(np.round(points @ inverse, 6), 1.0)
        return np.round(fractional * 1e5).astype(np.int64) % 100000

    site_keys = keys(positions)
    index = {tuple(k): i for i, k in enumerate(site_keys)}
    target_keys = keys((positions[:, None, :] + site_vectors).reshape(-1, 3))
    neighbours = np.array([index[tuple(k)] for k in target_keys], dtype=np.int32).reshape(n_sites, z)
    return NeighbourTable(name, dimension, neighbours, site_vectors, float(jump), positions)
