"""Out-of-bag calibrated forest intervals cover what they claim on held-out data, and widen where data are noisy."""

from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.evaluation.uncertainty import ForestWithIntervals, coverage, coverage_curve


def _heteroscedastic(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(n, 3))
    noise = 0.05 + 0.5 * X[:, 0]                     # ten times noisier at x0 = 1 than at x0 = 0
    return X, np.sin(4 * X[:, 1]) + rng.normal(0, noise)


def test_intervals_are_calibrated_on_held_out_data():
    X, y = _heteroscedastic(600, 0)
    X_test, y_test = _heteroscedastic(2000, 1)
    model = ForestWithIntervals(n_estimators=200, min_samples_leaf=3, random_state=0, n_jobs=1).fit(X, y)
    for level in (0.5, 0.8, 0.9):
        assert coverage(y_test, *model.predict_interval(X_test, level)) == pytest.approx(level, abs=0.05)
    width = np.subtract(*model.predict_interval(X_test, 0.9)[::-1])
    assert width[X_test[:, 0] > 0.8].mean() > 2 * width[X_test[:, 0] < 0.2].mean()
    assert model.quantile(0.5) < model.quantile(0.9) < model.quantile(0.99)


def test_uncalibrated_tree_spread_would_undercover():
    X, y = _heteroscedastic(600, 0)
    X_test, y_test = _heteroscedastic(2000, 1)
    model = ForestWithIntervals(n_estimators=200, min_samples_leaf=3, random_state=0, n_jobs=1).fit(X, y)
    centre, spread = model.predict(X_test), model.predict_std(X_test)
    naive = coverage(y_test, centre - 1.645 * spread, centre + 1.645 * spread)      # a Gaussian 90 % interval
    assert naive < 0.8                                                               # what calibration fixes


def test_coverage_curve_over_folds_and_bad_levels():
    from sklearn.model_selection import KFold

    X, y = _heteroscedastic(400, 2)
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    models = [ForestWithIntervals(n_estimators=100, random_state=0).fit(X[tr], y[tr]) for tr, _ in folds]
    curve = coverage_curve(models, X, y, folds, levels=(0.5, 0.9))
    assert curve[0.5] < curve[0.9] and curve[0.9] == pytest.approx(0.9, abs=0.07)
    with pytest.raises(ValueError, match="between 0 and 1"):
        models[0].quantile(90)
