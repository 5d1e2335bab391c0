"""Fitting effective cluster interactions (ECIs): a scikit-learn regressor on correlation functions.

The cluster expansion is linear in the ECIs, :math:`E/N = \\Phi J`, with :math:`\\Phi` the matrix of
correlation functions (one row per structure, first column 1). With more candidate clusters than the
data can pin down, the fit is regularised:

* OLS, :math:`\\min_J \\lVert \\Phi J - E \\rVert^2` (minimum-norm solution when under-determined);
* ridge, :math:`+\\,\\alpha \\lVert J \\rVert_2^2`: shrinks every ECI;
* LASSO, :math:`+\\,\\alpha \\lVert J \\rVert_1`: sets unimportant ECIs exactly to zero, a compact
  expansion.

The constant :math:`J_0` is never penalised. The training RMSE measures accuracy; the cross-validation
(CV) score, the RMSE on structures left out of the fit (leave-one-out or k-fold), measures how well
the expansion predicts structures it has not seen, and chooses :math:`\\alpha`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Lasso, Ridge
from sklearn.model_selection import KFold, LeaveOneOut, cross_val_predict
from sklearn.utils.validation import check_is_fitted, validate_data

METHODS = ("ols", "ridge", "lasso")


class ClusterExpansionRegressor(RegressorMixin, BaseEstimator):
    """ECIs from correlation functions, with the scikit-learn estimator contract.

    Parameters
    ----------
    method : {"ols", "ridge", "lasso"}
    alpha : float
        Regularisation strength (eV/site scale of the penalty); ignored by OLS.

    Attributes
    ----------
    ecis_ : ndarray
        :math:`J_\\alpha`, eV/site, one per column of the correlation matrix (the first is :math:`J_0`).

    Notes
    -----
    ``X`` is the correlation matrix from :meth:`ClusterSpace.correlation_matrix`; its first column
    (the empty cluster, all ones) carries the constant. Use it like any regressor::

        GridSearchCV(ClusterExpansionRegressor(method="lasso"), {"alpha": np.logspace(-6, -2, 9)},
                     cv=KFold(10, shuffle=True, random_state=0))
    """

    def __init__(self, *, method: str = "lasso", alpha: float = 1e-4):
        self.method = method
        self.alpha = alpha

    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not np.allclose(X[:, 0], 1.0):
            raise ValueError("the first column of X must be the empty-cluster correlation (all ones); pass "
                             "ClusterSpace.correlation_matrix(structures)")
        features = X[:, 1:]
        if self.method == "ols":
            mean_x, mean_y = features.mean(axis=0), y.mean()
            solution, *_ = np.linalg.lstsq(features - mean_x, y - mean_y, rcond=None)
            intercept = mean_y - mean_x @ solution
        else:
            model = (Ridge(alpha=self.alpha) if self.method == "ridge"
                     else Lasso(alpha=self.alpha, max_iter=200_000, tol=1e-10))
            model.fit(features, y)
            solution, intercept = model.coef_, model.intercept_
        self.ecis_ = np.concatenate([[intercept], solution])
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X @ self.ecis_


def cv_rmse(estimator, X, y, cv="loo", random_state: int = 0) -> float:
    """Cross-validation RMSE (same units as ``y``): ``cv="loo"`` for leave-one-out, or k for k-fold."""
    splitter = LeaveOneOut() if cv == "loo" else KFold(int(cv), shuffle=True, random_state=random_state)
    predicted = cross_val_predict(estimator, X, y, cv=splitter)
    return float(np.sqrt(np.mean((predicted - np.asarray(y)) ** 2)))


def rmse(estimator, X, y) -> float:
    """Training RMSE of a fitted estimator."""
    return float(np.sqrt(np.mean((estimator.predict(X) - np.asarray(y)) ** 2)))
