"""MaxVol: the square submatrix of (locally) maximal volume, and the coefficients that measure
how far a row lies outside it (Goreinov, Oseledets, Savostyanov et al. 2010).

Given :math:`n \\ge m` rows :math:`b_k \\in \\mathbb{R}^m` stacked in :math:`R` (n x m), MaxVol looks for
the m rows forming the matrix :math:`A` of largest :math:`|\\det A|`. Every row is then a
combination of the active rows with coefficients

.. math:: c_k = b_k A^{-1}, \\qquad |c_{kj}| \\le 1 \\text{ for all } k, j \\text{ at a (local) optimum},

because swapping active row :math:`j` for row :math:`k` multiplies :math:`|\\det A|` by exactly
:math:`|c_{kj}|`. The algorithm starts from the rows a column-pivoted QR picks, then swaps the pair
with the largest :math:`|c_{kj}|` while it exceeds :math:`1 + \\text{tol}`, so :math:`|\\det A|`
strictly increases at every swap and the loop ends. :math:`C = R A^{-1}` is updated by a rank-one
formula after each swap (no new inverse), and recomputed at the end.

In active learning (Podryabinkin & Shapeev 2017) the rows are :math:`\\partial E/\\partial\\theta` and
:math:`\\max_j |c_{kj}|` is the *extrapolation grade*: :math:`\\le 1` for everything the active set
interpolates, :math:`> 1` for extrapolation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg


class SingularActiveSetError(ValueError):
    """The rows do not span all m directions, so no m x m submatrix is invertible."""


@dataclass
class MaxVolResult:
    """Outcome of :func:`maxvol`.

    Attributes
    ----------
    rows : ndarray of int (m,)
        Indices of the active rows, in the order of the columns of :attr:`coefficients`.
    coefficients : ndarray (n, m)
        :math:`C = R A^{-1}`; ``coefficients[rows]`` is the identity.
    swaps : list of (int, int)
        ``(new_row, position)`` of every swap, in order: ``rows[position]`` became ``new_row``.
    log_abs_det : ndarray
        :math:`\\ln|\\det A|` of the starting set and after every swap (from the swap factors).
    """

    rows: np.ndarray
    coefficients: np.ndarray
    swaps: list
    log_abs_det: np.ndarray

    @property
    def max_coefficient(self) -> float:
        return float(np.abs(self.coefficients).max())


def starting_rows(matrix: np.ndarray) -> np.ndarray:
    """m well-conditioned rows of ``matrix`` (n x m): the first m pivots of a column-pivoted QR of its transpose."""
    _, r_factor, pivots = scipy.linalg.qr(matrix.T, mode="economic", pivoting=True)
    m = matrix.shape[1]
    diagonal = np.abs(np.diag(r_factor))
    rank = int(np.sum(diagonal > diagonal[0] * 1e-10)) if diagonal.size and diagonal[0] > 0 else 0
    if rank < m:
        raise SingularActiveSetError(
            f"The {matrix.shape[0]} rows span only {rank} of the {m} directions of the basis, so no active set "
            f"exists. Add more varied configurations (rattled, strained, at other compositions), use "
            f"neighbourhood rows instead of configuration rows, or lower the potential's level.")
    return np.sort(pivots[:m])


def maxvol(matrix, *, tol: float = 1e-6, start=None, max_swaps: int | None = None) -> MaxVolResult:
    """Rows of ``matrix`` (n x m, n >= m) whose m x m submatrix has locally maximal ``|det|``.

    Parameters
    ----------
    matrix : array (n, m)
    tol : float
        Stop when every :math:`|c_{kj}| \\le 1 + \\text{tol}`.
    start : array of int (m,), optional
        Starting rows (e.g. the current active set, to add new rows to it); default: pivoted QR.
    max_swaps : int, optional
        Safety limit (default 100 m).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> result = maxvol(rng.normal(size=(200, 5)))
    >>> bool(result.max_coefficient <= 1 + 1e-6)
    True
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < matrix.shape[1]:
        raise ValueError(f"maxvol needs at least as many rows as columns, got shape {matrix.shape}; add configurations "
                         f"(or neighbourhoods) until there are at least {matrix.shape[-1]} rows")
    n, m = matrix.shape
    rows = starting_rows(matrix) if start is None else np.array(start, dtype=int).copy()
    if rows.shape != (m,) or len(set(rows.tolist())) != m:
        raise ValueError(f"start must hold {m} distinct row indices")
    active = matrix[rows]
    try:
        coefficients = scipy.linalg.solve(active.T, matrix.T).T   # C A = R
    except (scipy.linalg.LinAlgError, ValueError):
        raise SingularActiveSetError("the starting rows are linearly dependent; start from the pivoted-QR rows "
                                     "(start=None)") from None
    sign, log_det = np.linalg.slogdet(active)
    if sign == 0:
        raise SingularActiveSetError("the starting rows are linearly dependent")
    log_abs_det = [float(log_det)]
    swaps = []
    max_swaps = 100 * m if max_swaps is None else max_swaps
    while True:
        while len(swaps) < max_swaps:
            k, j = np.unravel_index(np.argmax(np.abs(coefficients)), coefficients.shape)
            factor = coefficients[k, j]
            if abs(factor) <= 1.0 + tol:
                break
            # row k replaces active row j: |det| grows by |c_kj|; rank-one update of C = R A^{-1}
            update = coefficients[k].copy()
            update[j] -= 1.0
            coefficients -= np.outer(coefficients[:, j] / factor, update)
            rows[j] = k
            swaps.append((int(k), int(j)))
            log_abs_det.append(log_abs_det[-1] + float(np.log(abs(factor))))
        coefficients = scipy.linalg.solve(matrix[rows].T, matrix.T).T   # fresh, free of update round-off
        if np.abs(coefficients).max() <= 1.0 + tol or len(swaps) >= max_swaps:
            break
    return MaxVolResult(rows=rows, coefficients=coefficients, swaps=swaps, log_abs_det=np.array(log_abs_det))
