r"""The sine Coulomb matrix of a periodic crystal (Faber *et al.*, *Int. J. Quantum Chem.* 115, 1094 (2015)).

For atoms :math:`i, j` with atomic numbers :math:`Z_i`, fractional coordinates :math:`\mathbf{f}_i` and lattice
matrix :math:`B` (rows are the lattice vectors, Å):

.. math::

    M_{ii} = \tfrac12 Z_i^{2.4}, \qquad
    M_{ij} = \frac{Z_i Z_j}{\left\lVert \sin^2\!\big(\pi(\mathbf{f}_i - \mathbf{f}_j)\big)\, B \right\rVert}
    \quad (i \ne j),

with :math:`\sin^2` taken component by component and the distance in bohr, as in matminer's ``SineCoulombMatrix``
(which converts with CODATA's "Ångström star", 1.00001495 Å, so its off-diagonal entries are 15 ppm smaller; here
1 Å is the ångström).
The sine replaces the Coulomb matrix's :math:`1/r_{ij}` with a function of the separation that has the lattice's
period, so the infinite crystal gives a finite matrix.

Invariances: a translation of every atom leaves all :math:`\mathbf{f}_i - \mathbf{f}_j` unchanged; a rotation of the
crystal changes :math:`B` by an orthogonal matrix on the right, which the norm does not see; a permutation of the
atoms permutes rows and columns, which leaves the **eigenvalues** unchanged, so the eigenvalues (sorted, padded with
zeros to a common length) are the feature vector. What they lose: the spectrum does not determine the structure,
and it depends on the cell chosen — a supercell of the same crystal has a different, larger matrix.
"""

from __future__ import annotations

import numpy as np
from scipy import constants

#: Å to bohr, with SciPy's CODATA Bohr radius (0.529177... Å).
ANGSTROM_TO_BOHR = constants.angstrom / constants.value("Bohr radius")


def sine_matrix(structure, *, diagonal: bool = True) -> np.ndarray:
    """The sine Coulomb matrix of a pymatgen ``Structure`` (or ASE ``Atoms``), shape (n, n), bohr⁻¹ units."""
    numbers, fractional, lattice = _arrays(structure)
    difference = fractional[:, None, :] - fractional[None, :, :]            # (n, n, 3)
    trig = np.linalg.norm(np.sin(np.pi * difference) ** 2 @ lattice, axis=2) * ANGSTROM_TO_BOHR
    np.fill_diagonal(trig, np.inf)
    matrix = np.outer(numbers, numbers) / trig
    np.fill_diagonal(matrix, 0.5 * numbers ** 2.4 if diagonal else 0.0)
    return matrix


def sine_matrix_eigenvalues(structure, size: int | None = None) -> np.ndarray:
    """Eigenvalues of :func:`sine_matrix`, largest first, padded with zeros to ``size`` (default: the atom count)."""
    values = np.linalg.eigvalsh(sine_matrix(structure))[::-1]
    size = len(values) if size is None else size
    if size < len(values):
        raise ValueError(f"size={size} is smaller than the {len(values)} atoms of the structure")
    return np.concatenate([values, np.zeros(size - len(values))])


def _arrays(structure):
    if hasattr(structure, "frac_coords"):                    # pymatgen Structure
        numbers = np.array([site.specie.Z for site in structure], dtype=float)
        return numbers, np.asarray(structure.frac_coords, dtype=float), np.asarray(structure.lattice.matrix)
    if hasattr(structure, "get_scaled_positions"):            # ASE Atoms
        return (structure.numbers.astype(float), structure.get_scaled_positions(wrap=False),
                np.asarray(structure.cell[:]))
    raise TypeError(f"expected a pymatgen Structure or ase.Atoms, got {type(structure).__name__}")


__all__ = ["ANGSTROM_TO_BOHR", "sine_matrix", "sine_matrix_eigenvalues"]
