"""Extrapolation grade of an MTP by D-optimality (Podryabinkin & Shapeev 2017; mlip-2, Novikov et al. 2021).

With the radial functions fixed, the MTP energy is linear in the parameters
:math:`\\theta = (\\xi_1..\\xi_n, c_1..c_S)` (moment and species coefficients),

.. math:: E = \\sum_i V(n_i), \\qquad V(n_i) = c_{z_i} + \\sum_\\alpha \\xi_\\alpha B_\\alpha(n_i),

so every atomic neighbourhood :math:`n_i` has a row :math:`b(n_i) = \\partial V(n_i)/\\partial\\theta =
(B_1(n_i) .. B_n(n_i), \\delta_{z_i,1} .. \\delta_{z_i,S})`, and every configuration the row
:math:`b(\\text{cfg}) = \\partial E/\\partial\\theta = \\sum_i b(n_i)`. The *active set* is the m x m matrix
:math:`A` of training rows with maximal :math:`|\\det A|` (:func:`~matsci_ml.active_learning.maxvol.maxvol`),
and the grade of a new row is

.. math:: \\gamma(b) = \\max_j |(b A^{-1})_j| ,

the largest factor by which it would multiply :math:`|\\det A|` if it joined the active set. Every
training row has :math:`\\gamma \\le 1`; :math:`\\gamma > 1` is extrapolation. The grade of a
configuration is the largest grade of its rows (``"neighbourhood"``, the default, as mlip-2 uses for
MD: a single unusual atom is caught whatever the cell size) or the grade of its one row
(``"configuration"``).

Only the linear parameters enter the rows, as in mlip-2's selection: the grade is then exactly
invariant to rescaling any basis function, and cheap (no derivatives).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from matsci_ml.active_learning.maxvol import maxvol
from matsci_ml.mtp.kernels import site_basis_values
from matsci_ml.mtp.neighbours import pair_data
from matsci_ml.mtp.potential import MomentTensorPotential

ROW_KINDS = ("neighbourhood", "configuration")


def neighbourhood_rows(potential: MomentTensorPotential, atoms: Atoms) -> np.ndarray:
    """:math:`\\partial V(n_i)/\\partial\\theta` of every atom, (n_atoms, n_basis + n_species).

    When ``atoms`` carry an :class:`~matsci_ml.mtp.calculator.MTPCalculator` of the same cutoff (an MD run or
    relaxation being graded), its Verlet list is used: the simulation and the grade share one neighbour list.
    """
    from matsci_ml.mtp.calculator import MTPCalculator

    p = potential
    types = p.types_of(atoms.numbers)
    if isinstance(atoms.calc, MTPCalculator) and atoms.calc.potential.max_dist == p.max_dist:
        first, neighbours, vectors = atoms.calc.neighbour_data(atoms)
    else:
        first, neighbours, vectors = pair_data(atoms, p.max_dist)        # checks the structure
    basis = site_basis_values(types, first, neighbours, vectors, p.radial_coeffs, p.alpha_index_basic,
                              p.alpha_index_times, p.alpha_moment_mapping, p.alpha_moments_count, p.min_dist,
                              p.max_dist, p.scaling)
    one_hot = np.zeros((len(atoms), p.species_count))
    one_hot[np.arange(len(atoms)), types] = 1.0
    return np.hstack([basis, one_hot])


def jacobian_rows(potential: MomentTensorPotential, frames, kind: str = "neighbourhood") -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``frames`` and, for each row, the index of its configuration.

    ``kind="configuration"``: one row :math:`\\partial E/\\partial\\theta` per configuration;
    ``kind="neighbourhood"``: one row :math:`\\partial V(n_i)/\\partial\\theta` per atom.
    """
    if kind not in ROW_KINDS:
        raise ValueError(f"kind must be one of {ROW_KINDS}, got {kind!r}")
    blocks, owners = [], []
    for index, atoms in enumerate(frames):
        rows = neighbourhood_rows(potential, atoms)
        if kind == "configuration":
            rows = rows.sum(axis=0, keepdims=True)
        blocks.append(rows)
        owners.append(np.full(len(rows), index))
    width = potential.moment_coeffs.size + potential.species_count
    if not blocks:
        return np.zeros((0, width)), np.zeros(0, dtype=int)
    return np.vstack(blocks), np.concatenate(owners)


@dataclass
class ActiveSet:
    """The D-optimal active set of a training set for one potential, and the grade it defines.

    Build with :meth:`from_frames`; the potential must not change afterwards (retraining changes the
    rows: build a new active set).

    Attributes
    ----------
    potential : MomentTensorPotential
    kind : {"neighbourhood", "configuration"}
    rows : ndarray (m, m)
        The active rows :math:`A` (unscaled).
    sources : ndarray of int (m, 2)
        ``(configuration, atom)`` each active row came from (atom ``-1`` for configuration rows).
    column_scale : ndarray (m,)
        Norms of the training columns; the inverse is kept for the scaled rows, for conditioning
        (the grade itself does not depend on the scale).
    inverse : ndarray (m, m)
        :math:`(A D^{-1})^{-1}` with :math:`D` = ``diag(column_scale)``.
    """

    potential: MomentTensorPotential
    kind: str
    rows: np.ndarray
    sources: np.ndarray
    column_scale: np.ndarray
    inverse: np.ndarray

    @classmethod
    def from_frames(cls, potential: MomentTensorPotential, frames, *, kind: str = "neighbourhood",
                    tol: float = 1e-6) -> ActiveSet:
        """MaxVol over the rows of ``frames`` (usually the training set)."""
        matrix, owners = jacobian_rows(potential, frames, kind)
        atom_index = _atom_indices(owners) if kind == "neighbourhood" else np.full(len(owners), -1)
        scale = np.linalg.norm(matrix, axis=0)
        scale[scale == 0] = 1.0
        result = maxvol(matrix / scale, tol=tol)
        active = matrix[result.rows]
        return cls(potential=potential, kind=kind, rows=active,
                   sources=np.column_stack([owners[result.rows], atom_index[result.rows]]),
                   column_scale=scale, inverse=np.linalg.inv(active / scale))

    @property
    def size(self) -> int:
        return self.rows.shape[0]

    def calculator(self, **kwargs):
        """An :class:`~matsci_ml.mtp.calculator.MTPCalculator` of the potential (what simulations run with)."""
        from matsci_ml.mtp.calculator import MTPCalculator

        return MTPCalculator(self.potential, **kwargs)

    def row_grades(self, atoms: Atoms) -> np.ndarray:
        """Grade of each row of ``atoms``: one per atom (neighbourhood) or a single one (configuration)."""
        rows = neighbourhood_rows(self.potential, atoms)
        if self.kind == "configuration":
            rows = rows.sum(axis=0, keepdims=True)
        return np.abs((rows / self.column_scale) @ self.inverse).max(axis=1)

    def grade(self, atoms: Atoms) -> float:
        """Extrapolation grade :math:`\\gamma` of a configuration (> 1: extrapolation)."""
        return float(self.row_grades(atoms).max())

    def grades(self, frames) -> np.ndarray:
        return np.array([self.grade(atoms) for atoms in frames])

    def select(self, candidates, *, limit: int | None = None, tol: float = 1e-6) -> list[int]:
        """Indices of the ``candidates`` worth labelling (mlip-2's ``select-add``).

        MaxVol runs on the active rows together with the candidates' rows, starting from the
        active set; a candidate is selected when one of its rows ends in the new active set. So
        at most m (the number of linear parameters) are selected, and none that the active set
        already interpolates (:math:`\\gamma \\le 1 + \\text{tol}`). ``limit`` keeps the ones with the
        largest grades.
        """
        if len(candidates) == 0:
            return []
        matrix, owners = jacobian_rows(self.potential, candidates, self.kind)
        stacked = np.vstack([self.rows, matrix]) / self.column_scale
        m = self.size
        result = maxvol(stacked, tol=tol, start=np.arange(m))
        chosen = sorted({int(owners[r - m]) for r in result.rows if r >= m})
        if limit is not None and len(chosen) > limit:
            grades = self.grades([candidates[i] for i in chosen])
            chosen = sorted(np.array(chosen)[np.argsort(-grades, kind="stable")[:limit]].tolist())
        return chosen


def _atom_indices(owners: np.ndarray) -> np.ndarray:
    """Position of each row within its configuration."""
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    index = np.arange(len(owners))
    return index - np.repeat(starts, np.diff(np.r_[starts, len(owners)]))
