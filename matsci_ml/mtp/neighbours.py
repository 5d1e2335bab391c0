"""Pair lists for the MTP kernels: every neighbour within the cutoff, in CSR form.

A numba search over the periodic images finds the pairs of cells up to ``BRUTE_FORCE_MAX_ATOMS`` atoms
(about 100x faster than ASE's ``neighbor_list`` for the 54-atom cells of mlearn); larger systems use
ASE's ``neighbor_list``, which bins atoms into cells and scales linearly. A :class:`PairList` keeps them
with their cell shifts so that, between rebuilds, the vectors :math:`d = r_j - r_i + S\\,\\mathbf{h}`
follow the atoms (a Verlet skin: the list holds pairs out to ``cutoff + skin`` and is rebuilt only
when an atom has moved more than ``skin / 2`` or the cell has changed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list
from numba import njit

BRUTE_FORCE_MAX_ATOMS = 1000


@njit(cache=True)
def _pairs_by_images(wrapped, cell, images, cutoff):
    """All (i, j, image) with |r_j + image.cell - r_i| < cutoff, i != j or image != 0; CSR by i."""
    n = wrapped.shape[0]
    c2 = cutoff * cutoff
    counts = np.zeros(n + 1, dtype=np.int64)
    for sweep in range(2):
        if sweep == 1:
            for i in range(n):
                counts[i + 1] += counts[i]
            total = counts[n]
            neighbours = np.empty(total, dtype=np.int64)
            shifts = np.empty((total, 3), dtype=np.int64)
            fill = counts[:n].copy()
        for i in range(n):
            for a in range(-images[0], images[0] + 1):
                for b in range(-images[1], images[1] + 1):
                    for c in range(-images[2], images[2] + 1):
                        ox = a * cell[0, 0] + b * cell[1, 0] + c * cell[2, 0]
                        oy = a * cell[0, 1] + b * cell[1, 1] + c * cell[2, 1]
                        oz = a * cell[0, 2] + b * cell[1, 2] + c * cell[2, 2]
                        for j in range(n):
                            if j == i and a == 0 and b == 0 and c == 0:
                                continue
                            dx = wrapped[j, 0] + ox - wrapped[i, 0]
                            dy = wrapped[j, 1] + oy - wrapped[i, 1]
                            dz = wrapped[j, 2] + oz - wrapped[i, 2]
                            if dx * dx + dy * dy + dz * dz < c2:
                                if sweep == 0:
                                    counts[i + 1] += 1
                                else:
                                    k = fill[i]
                                    neighbours[k] = j
                                    shifts[k, 0] = a
                                    shifts[k, 1] = b
                                    shifts[k, 2] = c
                                    fill[i] += 1
    return counts, neighbours, shifts


def _find_pairs(atoms: Atoms, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``first`` (CSR offsets), ``neighbours`` and integer cell shifts of every pair within ``cutoff``."""
    n = len(atoms)
    if n > BRUTE_FORCE_MAX_ATOMS or atoms.cell.rank < 3 and atoms.pbc.any():
        i, j, shifts = neighbor_list("ijS", atoms, cutoff)
        order = np.argsort(i, kind="stable")
        first = np.zeros(n + 1, dtype=np.int64)
        np.add.at(first, i[order] + 1, 1)
        return np.cumsum(first), j[order].astype(np.int64), shifts[order].astype(np.int64)
    pbc = atoms.pbc
    cell = np.array(atoms.cell) if atoms.cell.rank == 3 else np.eye(3)
    fractional = atoms.positions @ np.linalg.inv(cell)
    offsets = np.where(pbc, np.floor(fractional), 0.0)
    wrapped = (fractional - offsets) @ cell
    heights = 1.0 / np.linalg.norm(np.linalg.inv(cell).T, axis=1)
    images = np.where(pbc, np.ceil(cutoff / heights), 0).astype(np.int64)
    first, neighbours, shifts = _pairs_by_images(np.ascontiguousarray(wrapped), np.ascontiguousarray(cell),
                                                 images, float(cutoff))
    # back from wrapped to the original positions: d = r_j - r_i + (n - o_j + o_i) . cell
    atom_i = np.repeat(np.arange(n), np.diff(first))
    shifts = shifts + (offsets[atom_i] - offsets[neighbours]).astype(np.int64)
    return first, neighbours, shifts


class CloseContactError(ValueError):
    """Two atoms are closer than the potential's ``min_dist``, where it was never fitted (or at the same place)."""


def check_structure(atoms) -> None:
    """Refuse what would give a silently wrong answer in a kernel: NaN/inf positions or cell, a zero-volume
    periodic cell."""
    if not np.isfinite(atoms.positions).all():
        bad = np.flatnonzero(~np.isfinite(atoms.positions).all(axis=1))
        raise ValueError(f"atoms {bad[:10].tolist()} have NaN or infinite positions; check how the structure was made "
                         f"(a diverged MD run, a failed relaxation?)")
    cell = np.array(atoms.cell)
    if not np.isfinite(cell).all():
        raise ValueError("the cell holds NaN or infinite values")
    if atoms.pbc.any():
        periodic = cell[atoms.pbc]
        if np.linalg.matrix_rank(periodic, tol=1e-8) < len(periodic) or (atoms.pbc.all() and abs(np.linalg.det(cell)) < 1e-8):
            raise ValueError(f"the cell {cell.round(4).tolist()} has zero length or volume along its periodic "
                             f"directions (pbc={atoms.pbc.tolist()}); give three independent lattice vectors, or "
                             f"set pbc=False for a molecule or cluster")



def check_no_coincident_atoms(vectors: np.ndarray) -> float:
    """The shortest pair distance (A) of ``vectors``; :class:`CloseContactError` when two atoms sit at the same
    place, where every kernel would divide by r = 0."""
    shortest = float(np.sqrt((vectors**2).sum(axis=1).min())) if len(vectors) else float("inf")
    if shortest < 1e-8:
        raise CloseContactError("two atoms sit at the same place (distance 0): the structure has a duplicated atom. "
                                "Remove it; no potential is defined there.")
    return shortest


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
        check_structure(atoms)
        first, neighbours, shifts = _find_pairs(atoms, cutoff + skin)
        arrays = [np.ascontiguousarray(a) for a in (first, neighbours, shifts.astype(np.float64),
                                                    atoms.positions.copy(), np.array(atoms.cell))]
        for array in arrays:          # read-only: the kernels index them without bounds checks
            array.setflags(write=False)
        return cls(*arrays, cutoff=cutoff, skin=skin)

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
    vectors = np.ascontiguousarray(pairs.vectors(atoms))
    check_no_coincident_atoms(vectors)
    return pairs.first, pairs.neighbours, vectors


def minimum_distance(atoms: Atoms, cutoff: float = 6.0) -> float:
    """Shortest interatomic distance (A), periodic images included; ``inf`` if none within ``cutoff``."""
    _, _, vectors = pair_data(atoms, cutoff)
    return float(np.sqrt((vectors**2).sum(axis=1).min())) if len(vectors) else float("inf")
