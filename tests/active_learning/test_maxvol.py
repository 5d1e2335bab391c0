"""MaxVol: every row within the active set's span with |c| <= 1 + tol, |det| growing at every swap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matsci_ml.active_learning.maxvol import SingularActiveSetError, maxvol


def _log_abs_det(matrix, rows):
    sign, value = np.linalg.slogdet(matrix[rows])
    assert sign != 0
    return value


@pytest.mark.parametrize("seed", range(5))
def test_coefficients_bounded_and_det_never_decreases(seed):
    rng = np.random.default_rng(seed)
    # rows of very different scales and a bad start (the first m rows), so that many swaps happen
    matrix = rng.standard_t(df=2, size=(300, 12)) * np.logspace(0, 3, 12)
    result = maxvol(matrix, tol=1e-6, start=np.arange(12))
    assert len(result.swaps) > 5
    assert result.max_coefficient <= 1 + 1e-6
    np.testing.assert_allclose(result.coefficients[result.rows], np.eye(12), atol=1e-9)
    # replay the swaps, measuring |det A| directly each time
    rows = np.arange(12)
    history = [_log_abs_det(matrix, rows)]
    for new_row, position in result.swaps:
        rows[position] = new_row
        history.append(_log_abs_det(matrix, rows))
    assert np.all(np.diff(history) > 0)
    np.testing.assert_array_equal(rows, result.rows)
    np.testing.assert_allclose(history, result.log_abs_det, rtol=0, atol=1e-8)


def test_local_optimum_no_single_swap_improves():
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(25, 4))
    result = maxvol(matrix, tol=0.0)
    best = _log_abs_det(matrix, result.rows)
    for k, j in itertools.product(range(25), range(4)):
        if k in result.rows:
            continue
        rows = result.rows.copy()
        rows[j] = k
        assert _log_abs_det(matrix, rows) <= best + 1e-12


def test_global_optimum_on_a_small_case():
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(10, 3))
    result = maxvol(matrix, tol=0.0)
    best = max(_log_abs_det(matrix, list(c)) for c in itertools.combinations(range(10), 3))
    # MaxVol is a local search; on this case it reaches the global maximum
    assert _log_abs_det(matrix, result.rows) == pytest.approx(best, abs=1e-12)


def test_rank_deficient_rows_explain_the_fix():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(50, 3)) @ rng.normal(size=(3, 5))   # rank 3 in 5 columns
    with pytest.raises(SingularActiveSetError, match="span only 3 of the 5 directions"):
        maxvol(matrix)
    with pytest.raises(ValueError, match="at least 5 rows"):
        maxvol(rng.normal(size=(4, 5)))
