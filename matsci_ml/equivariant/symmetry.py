r"""Numerical check of E(3)-equivariance for any ASE calculator.

A potential energy surface is invariant under rotations :math:`R` and translations :math:`t`, and
forces, as its negative gradient, rotate with the structure:

.. math:: E(R\mathbf r + t) = E(\mathbf r), \qquad \mathbf F_i(R\mathbf r + t) = R\,\mathbf F_i(\mathbf r).

With positions stored as rows (ASE's convention) the rotated positions are ``positions @ R.T`` and
the rotated forces ``forces @ R.T``; the cell vectors (rows) rotate the same way, so a periodic
structure stays the same crystal.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms


def rotated_copy(atoms: Atoms, rotation, translation=(0.0, 0.0, 0.0)) -> Atoms:
    """``atoms`` rotated by the 3 x 3 matrix ``rotation`` about the origin, then shifted by ``translation`` (A)."""
    rotation = np.asarray(rotation, dtype=float)
    if rotation.shape != (3, 3) or not np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-8):
        raise ValueError("rotation must be an orthogonal 3 x 3 matrix, e.g. "
                         "scipy.spatial.transform.Rotation.random().as_matrix()")
    turned = atoms.copy()
    turned.set_cell(atoms.cell[:] @ rotation.T, scale_atoms=False)
    turned.positions = atoms.positions @ rotation.T + np.asarray(translation, dtype=float)
    return turned


def equivariance_errors(atoms: Atoms, rotation, translation=(0.0, 0.0, 0.0)) -> tuple[float, float]:
    r"""``(|E(R r + t) - E(r)|`` in eV, :math:`\max_{i,a} |F_{ia}(R r + t) - (R F_i(r))_a|` in eV/A) for ``atoms.calc``.

    Both are zero up to round-off for an equivariant model (EMT, an MTP, NequIP, trained or not).
    """
    if atoms.calc is None:
        raise ValueError("attach a calculator first: atoms.calc = ...")
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    turned = rotated_copy(atoms, rotation, translation)
    turned.calc = atoms.calc
    energy_change = abs(turned.get_potential_energy() - energy)
    force_change = float(np.abs(turned.get_forces() - forces @ np.asarray(rotation, dtype=float).T).max())
    return float(energy_change), force_change
