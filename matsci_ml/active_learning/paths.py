"""Transformation paths for testing a potential outside its training domain, and energies along them."""

from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.build import bulk


def cleavage_path(gaps_A, *, element: str = "Cu", a: float = 3.61, repeat=(2, 2, 3)) -> list[Atoms]:
    """Images of an fcc crystal cut between two (001) planes and opened by each gap (A) along z.

    The cell (``repeat`` conventional cells, 48 atoms by default) is split at half its height; the upper
    half moves up by the gap and the cell grows with it, so with a gap beyond the cutoff the two
    halves no longer see each other: two free (001) surfaces.
    """
    images = []
    for gap in gaps_A:
        atoms = bulk(element, "fcc", a=a, cubic=True).repeat(repeat)
        height = atoms.cell[2, 2]
        atoms.positions[atoms.positions[:, 2] >= height / 2 - 0.1, 2] += gap
        atoms.cell[2, 2] = height + gap
        images.append(atoms)
    return images


def energies_per_atom(frames, calculator) -> np.ndarray:
    """Energy per atom (eV) of each frame with ``calculator`` (frames are copied, not changed)."""
    energies = []
    for atoms in frames:
        probe = atoms.copy()
        probe.calc = calculator
        energies.append(probe.get_potential_energy() / len(probe))
    return np.array(energies)
