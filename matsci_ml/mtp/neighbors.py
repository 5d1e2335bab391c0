"""Pair lists for the MTP kernels: every neighbour within the cutoff, in CSR form.

ASE's ``neighbor_list`` (periodic images included) finds the pairs; a :class:`PairList` keeps them
with their cell shifts so that, between rebuilds, the vectors :math:`d = r_j - r_i + S\\,\\mathbf{h}`
follow the atoms (a Verlet skin: the list holds pairs out to ``cutoff + skin`` and is rebuilt only
when an atom has moved more than ``skin / 2`` or the cell has changed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list


@dataclass
class PairList:
    """Pairs of one configuration: ``first`` (n_atoms + 1), ``neighbours``, ``shifts`` (n_pairs, 3)."""

    first: np.ndarray
    neighbours: np.ndarray
    shifts: np.ndarray
    positions: np.ndarray
    cell: np.ndarray
    cutoff: float
    skin: float

    @classmethod
    def build(cls, atoms: Atoms, cutoff: float, skin: float = 0.0) -> PairList:
        i, j, shifts = neighbor_list("ijS", atoms, cutoff + skin)
        order = np.argsort(i, kind="stable")
        i, j, shifts = i[order], j[order], shifts[order]
        first = np.zeros(len(atoms) + 1, dtype=np.int64)
        np.add.at(first, i + 1, 1)
        return cls(first=np.cumsum(first), neighbours=j.astype(np.int64), shifts=shifts.astype(np.float64),
                   positions=atoms.positions.copy(), cell=np.array(atoms.cell), cutoff=cutoff, skin=skin)

    def still_valid(self, atoms: Atoms) -> bool:
        if len(atoms) != len(self.positions) or not np.allclose(np.array(atoms.cell), self.cell, rtol=0, atol=1e-12):
            return False
        if self.skin == 0.0:
            return np.array_equal(atoms.positions, self.positions)
        moved = np.sqrt(((atoms.positions - self.positions) ** 2).sum(axis=1).max(initial=0.0))
        return moved < 0.5 * self.skin

    def vectors(self, atoms: Atoms) -> np.ndarray:
        """Pair vectors :math:`d = r_j - r_i` (A) at the current positions, (n_pairs, 3)."""
        positions = atoms.positions
        atom_i = np.repeat(np.arange(len(atoms)), np.diff(self.first))
        return positions[self.neighbours] - positions[atom_i] + self.shifts @ np.array(atoms.cell)


def pair_data(atoms: Atoms, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``first``, ``neighbours`` and vectors (A) of all pairs closer than ``cutoff``."""
    pairs = PairList.build(atoms, cutoff)
    return pairs.first, pairs.neighbours, np.ascontiguousarray(pairs.vectors(atoms))


def minimum_distance(atoms: Atoms, cutoff: float = 6.0) -> float:
    """Shortest interatomic distance (A), periodic images included; ``inf`` if none within ``cutoff``."""
    d = neighbor_list("d", atoms, cutoff)
    return float(d.min()) if d.size else float("inf")
