"""Implementation exercises of lesson 07: the extrapolation grade, one MaxVol swap."""

from __future__ import annotations

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, implement

# -- 07.extrapolation-grade -----------------------------------------------------------------------


def _grade_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        m = int(rng.integers(2, 12))
        active = rng.normal(size=(m, m)) + (3 * np.eye(m) if k % 2 else 0)
        rows = rng.normal(size=(int(rng.integers(1, 10)), m)) * rng.uniform(0.2, 3.0)
        cases.append({"active": active, "rows": rows})
    return cases


def _verify_grade(function, case) -> str | None:
    from matsci_ml.active_learning.maxvol import maxvol

    active, rows = case["active"], case["rows"]
    m = len(active)
    # the library's coefficients C = R A^-1 for the active rows stacked on top (no swaps)
    coefficients = maxvol(np.vstack([active, rows]), start=np.arange(m), max_swaps=0).coefficients[m:]
    expected = np.abs(coefficients).max(axis=1)
    return compare_arrays(function(active.copy(), rows.copy()), expected, atol=1e-9, rtol=1e-7, what="gamma of each row")


implement(
    id="07.extrapolation-grade",
    prompt=("Write the extrapolation grade by D-optimality: each new row b is written in the basis of the active "
            "rows, c = b A^-1, and gamma = max_j |c_j|. Checked against the library's MaxVol coefficients on 24 "
            "random active sets."),
    scaffold='''def extrapolation_grade(active, rows):
    """gamma of each row of ``rows`` with respect to the active set.

    active : array (m, m) -- the active set A, one row b per selected configuration (or neighbourhood)
    rows   : array (n, m) -- rows b of new configurations
    Returns an array (n,): gamma_k = max_j |(b_k A^-1)_j|  (> 1 means extrapolation).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def extrapolation_grade(active, rows):
    c = np.linalg.solve(active.T, rows.T).T          # c A = b for every row: c = b A^-1
    return np.abs(c).max(axis=1)''',
    hints=("c is a row vector with c A = b: the coefficients that rebuild b from the active rows.",
           "b A^-1 is not A^-1 b: transpose, np.linalg.solve(active.T, rows.T).T, or rows @ np.linalg.inv(active).",
           "Take the absolute value before the maximum: a coefficient of -3 is as much an extrapolation as +3."),
    cases=_grade_cases,
    verify=_verify_grade,
)


# -- 07.maxvol-swap --------------------------------------------------------------------------------


def _swap_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        m = int(rng.integers(2, 8))
        n = int(rng.integers(m + 1, 4 * m + 4))
        matrix = rng.normal(size=(n, m)) * rng.uniform(0.5, 2.0, size=m)
        rows = rng.choice(n, size=m, replace=False)
        if k % 6 == 5:   # an already optimal active set: nothing to swap
            from matsci_ml.active_learning.maxvol import maxvol

            rows = maxvol(matrix).rows
        cases.append({"matrix": matrix, "rows": np.array(rows)})
    return cases


def _verify_swap(function, case) -> str | None:
    from matsci_ml.active_learning.maxvol import maxvol

    matrix, rows = case["matrix"], case["rows"]
    expected = maxvol(matrix, start=rows, max_swaps=1, tol=0.0).rows
    got = function(matrix.copy(), rows.copy())
    if got is None:
        return "returned None: return the new active rows"
    got = np.asarray(got)
    if got.shape != expected.shape or not np.array_equal(got, expected):
        det = lambda r: abs(np.linalg.det(matrix[np.asarray(r, dtype=int)]))  # noqa: E731
        try:
            got_det = f"{det(got):.4g}"
        except (IndexError, ValueError, TypeError):
            got_det = "not computable"
        return (f"expected the active rows {expected.tolist()} (|det A| {det(rows):.4g} -> {det(expected):.4g}), "
                f"got {got.tolist()} (|det A| = {got_det})")
    return None


implement(
    id="07.maxvol-swap",
    prompt=("Write one step of MaxVol: find the row k and the active position j with the largest |c_kj| in "
            "C = R A^-1; if it exceeds 1, row k replaces active row j, which multiplies |det A| by |c_kj|. Checked "
            "against the library's maxvol (one swap) on 24 random matrices, some already optimal."),
    scaffold='''def maxvol_swap(matrix, rows):
    """The active rows after one MaxVol swap.

    matrix : array (n, m) -- all candidate rows
    rows   : int array (m,) -- indices of the current active rows; A = matrix[rows] is invertible
    Returns a new int array: rows with rows[j] replaced by k, where (k, j) maximises |C[k, j]| for
    C = matrix @ inv(A); unchanged when that maximum is <= 1 (the active set is then locally optimal).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def maxvol_swap(matrix, rows):
    C = np.linalg.solve(matrix[rows].T, matrix.T).T          # C = matrix A^-1, shape (n, m)
    k, j = np.unravel_index(np.argmax(np.abs(C)), C.shape)
    new_rows = np.array(rows, copy=True)
    if abs(C[k, j]) > 1:
        new_rows[j] = k                                      # |det A| grows by |C[k, j]|
    return new_rows''',
    hints=("C = matrix @ np.linalg.inv(matrix[rows]) has one row per candidate and one column per active position; "
           "the active rows themselves get rows of the identity.",
           "np.unravel_index(np.argmax(np.abs(C)), C.shape) gives (k, j): k is the candidate row, j the position in "
           "`rows` that it replaces -- not the other way round.",
           "Only swap when |C[k, j]| > 1, and copy `rows` before changing it."),
    cases=_swap_cases,
    verify=_verify_swap,
)
