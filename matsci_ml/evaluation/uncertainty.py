r"""Prediction intervals from a random forest, calibrated on its out-of-bag residuals, and their calibration.

A random forest's trees disagree more where the data are thin; their spread :math:`s(x)` (standard deviation of
the trees' predictions) ranks points by how uncertain they are, but it is not itself a calibrated error bar: the
trees share most of their training data, so :math:`s(x)` is too small, by a factor that depends on the data. We
calibrate it with the training data the forest already holds out: each training point :math:`i` is *out of bag*
for about a third of the trees, whose mean :math:`\mu_i` and spread :math:`s_i` are an honest prediction for it.
With the normalised residuals :math:`r_i = |y_i - \mu_i| / s_i`, the interval of nominal coverage :math:`c` is

.. math::

    \hat y(x) \pm q_c\, s(x), \qquad q_c = \text{the } \lceil (n+1)c \rceil / n \text{ empirical quantile of } r_i,

the normalised split-conformal interval (Lei *et al.*, *J. Am. Stat. Assoc.* 113, 1094 (2018)) with the
out-of-bag predictions in place of a held-out split. Nothing of the test fold is used. Coverage is guaranteed
only on average and only for test points like the training points; :func:`coverage_curve` measures it.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import RandomForestRegressor
from sklearn.utils.validation import check_is_fitted

NOMINAL_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


class ForestWithIntervals(RegressorMixin, BaseEstimator):
    """A :class:`~sklearn.ensemble.RandomForestRegressor` whose predictions come with calibrated intervals.

    Parameters
    ----------
    n_estimators, max_features, min_samples_leaf, random_state, n_jobs :
        Passed to the forest (bootstrap sampling is what makes the out-of-bag residuals, so it is always on).

    Attributes
    ----------
    forest_ : RandomForestRegressor
    oob_normalised_residuals_ : ndarray
        :math:`|y_i - \\mu_i| / s_i` of the training points (those out of bag for at least two trees).

    Examples
    --------
    >>> model = ForestWithIntervals(n_estimators=100, random_state=0).fit(X_train, y_train)  # doctest: +SKIP
    >>> lower, upper = model.predict_interval(X_test, coverage=0.9)                        # doctest: +SKIP
    """

    def __init__(self, n_estimators: int = 300, *, max_features: float | str | None = 1.0, min_samples_leaf: int = 1,
                 random_state: int | None = 0, n_jobs: int | None = None):
        self.n_estimators, self.max_features, self.min_samples_leaf = n_estimators, max_features, min_samples_leaf
        self.random_state, self.n_jobs = random_state, n_jobs

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        self.forest_ = RandomForestRegressor(self.n_estimators, max_features=self.max_features,
                                             min_samples_leaf=self.min_samples_leaf, bootstrap=True,
                                             random_state=self.random_state, n_jobs=self.n_jobs).fit(X, y)
        per_tree = self._per_tree(X)                                   # (n_trees, n)
        out_of_bag = np.ones_like(per_tree, dtype=bool)
        for t, in_bag in enumerate(self.forest_.estimators_samples_):
            out_of_bag[t, in_bag] = False
        usable = out_of_bag.sum(axis=0) >= 2
        if usable.sum() < 10:
            raise ValueError("too few out-of-bag predictions to calibrate; use more trees (n_estimators)")
        masked = np.where(out_of_bag, per_tree, np.nan)[:, usable]
        mean, spread = np.nanmean(masked, axis=0), np.nanstd(masked, axis=0)
        floor = 1e-12 + 1e-6 * np.std(y)
        self.oob_normalised_residuals_ = np.abs(y[usable] - mean) / np.maximum(spread, floor)
        self.n_features_in_ = X.shape[1]
        return self

    def _per_tree(self, X) -> np.ndarray:
        return np.stack([tree.predict(X) for tree in self.forest_.estimators_])

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "forest_")
        return self.forest_.predict(np.asarray(X, dtype=float))

    def predict_std(self, X) -> np.ndarray:
        """Spread of the trees' predictions at ``X`` (target units): the uncalibrated uncertainty."""
        check_is_fitted(self, "forest_")
        return self._per_tree(np.asarray(X, dtype=float)).std(axis=0)

    def quantile(self, coverage: float) -> float:
        """The multiplier :math:`q_c` of the tree spread for nominal ``coverage``."""
        check_is_fitted(self, "forest_")
        if not 0.0 < coverage < 1.0:
            raise ValueError(f"coverage must be between 0 and 1 (e.g. 0.9 for a 90 % interval), got {coverage}")
        r = np.sort(self.oob_normalised_residuals_)
        rank = min(int(np.ceil((len(r) + 1) * coverage)), len(r))
        return float(r[rank - 1])

    def predict_interval(self, X, coverage: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper ends of the interval of nominal ``coverage`` around each prediction (target units)."""
        X = np.asarray(X, dtype=float)
        per_tree = self._per_tree(X)
        centre, half = per_tree.mean(axis=0), self.quantile(coverage) * per_tree.std(axis=0)
        return centre - half, centre + half


def coverage(y_true, lower, upper) -> float:
    """Fraction of ``y_true`` inside ``[lower, upper]``."""
    y_true = np.asarray(y_true, dtype=float)
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def coverage_curve(model_per_fold, X, y, folds, levels=NOMINAL_LEVELS) -> dict[float, float]:
    """Observed coverage on the test folds at each nominal level: ``{nominal: observed}``.

    ``model_per_fold[k]`` is the model fitted on the training part of ``folds[k]`` (``evaluate_matbench(...,
    keep_models=True).fitted``); ``folds`` the ``(train, test)`` index pairs.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    inside = {level: 0 for level in levels}
    total = 0
    for model, (_, test) in zip(model_per_fold, folds):
        per_tree = model._per_tree(X[test])                      # once per fold, not once per level
        centre, spread = per_tree.mean(axis=0), per_tree.std(axis=0)
        for level in levels:
            half = model.quantile(level) * spread
            inside[level] += int(np.sum(np.abs(y[test] - centre) <= half))
        total += len(test)
    return {level: inside[level] / total for level in levels}


def calibration_plot(curve: dict[float, float], *, ax=None, label: str = "random forest, OOB-calibrated"):
    """Observed against nominal coverage, with the diagonal of perfect calibration."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    nominal = np.array(list(curve))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect calibration")
    ax.plot(nominal, [curve[level] for level in nominal], "o-", label=label)
    ax.set(xlabel="nominal coverage of the interval", ylabel="observed coverage on the test folds",
           xlim=(0, 1), ylim=(0, 1), title="Calibration of the prediction intervals")
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    return ax


def widest_intervals(formulas, compositions_train, lower, upper, predicted, y_true, X_train, X_test,
                     top: int = 8):
    """The test materials with the widest intervals, and two reasons a model may be unsure about them.

    ``rarest element in training``: the element of the material that occurs in the fewest training materials (and
    that count); ``distance to training``: distance from the material to its nearest training material in
    standardised feature space, as a percentile of the test set's nearest-neighbour distances.
    """
    import pandas as pd
    from pymatgen.core import Composition
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    counts: dict[str, int] = {}
    for composition in compositions_train:
        for element in composition.elements:
            counts[element.symbol] = counts.get(element.symbol, 0) + 1
    scaler = StandardScaler().fit(X_train)
    distance = NearestNeighbors(n_neighbors=1).fit(scaler.transform(X_train)).kneighbors(
        scaler.transform(X_test))[0][:, 0]
    percentile = 100.0 * (np.argsort(np.argsort(distance)) + 1) / len(distance)
    width = np.asarray(upper) - np.asarray(lower)
    rows = []
    for i in np.argsort(width)[::-1][:top]:
        formula = formulas[i]
        rarest = min(Composition(formula).elements, key=lambda e: counts.get(e.symbol, 0)).symbol
        rows.append({"formula": formula, "true": y_true[i], "predicted": predicted[i], "interval width": width[i],
                     "inside": bool(lower[i] <= y_true[i] <= upper[i]),
                     "rarest element (training materials with it)": f"{rarest} ({counts.get(rarest, 0)})",
                     "distance to training (percentile)": percentile[i]})
    return pd.DataFrame(rows)
