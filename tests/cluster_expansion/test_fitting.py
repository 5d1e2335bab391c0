"""ECI fitting: the scikit-learn contract, exact recovery, sparsity, and the Cu-Pt expansion against EMT."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from matsci_ml.cluster_expansion import (ClusterExpansionRegressor, ClusterSpace, convex_hull, cv_rmse,
                                         enumerate_structures, label_structures, rmse)
from matsci_ml.cluster_expansion.lesson_setup import CUPT_LABELS, cupt_parent


def synthetic(n=60, p=8, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.uniform(-1, 1, size=(n, p - 1))])
    ecis = rng.normal(scale=0.05, size=p)
    return X, ecis


def test_ols_recovers_exact_ecis_and_lasso_zeroes_small_ones():
    X, ecis = synthetic()
    model = ClusterExpansionRegressor(method="ols").fit(X, X @ ecis)
    assert np.allclose(model.ecis_, ecis, atol=1e-12)
    sparse = ecis.copy()
    sparse[4:] = 0.0
    lasso = ClusterExpansionRegressor(method="lasso", alpha=1e-4).fit(X, X @ sparse)
    assert np.all(np.abs(lasso.ecis_[4:]) < 1e-3) and np.sum(lasso.ecis_[4:] == 0) >= 2
    ridge = ClusterExpansionRegressor(method="ridge", alpha=10.0).fit(X, X @ ecis)
    assert np.linalg.norm(ridge.ecis_[1:]) < np.linalg.norm(ecis[1:])   # ridge shrinks


def test_scikit_learn_contract():
    X, ecis = synthetic()
    y = X @ ecis + np.random.default_rng(1).normal(scale=1e-3, size=len(X))
    estimator = ClusterExpansionRegressor(method="ridge", alpha=1e-3)
    assert clone(estimator).get_params() == {"method": "ridge", "alpha": 1e-3}
    search = GridSearchCV(estimator, {"alpha": [1e-6, 1e-3, 1.0]}, cv=KFold(5, shuffle=True, random_state=0),
                          scoring="neg_root_mean_squared_error").fit(X, y)
    assert search.best_params_["alpha"] < 1.0
    assert search.best_estimator_.score(X, y) > 0.99     # R^2 from RegressorMixin
    with pytest.raises(ValueError, match="method must be"):
        ClusterExpansionRegressor(method="elastic").fit(X, y)
    with pytest.raises(ValueError, match="empty-cluster"):
        ClusterExpansionRegressor().fit(X[:, 1:], y)


def test_convex_hull_of_known_points():
    hull = convex_hull([0, 0.25, 0.5, 0.5, 0.75, 1], [0, -0.07, -0.12, -0.02, -0.03, 0])
    assert hull.ground_states.tolist() == [0, 1, 2, 5]
    assert hull.energy_above_hull[4] == pytest.approx(0.03)        # above the line from (0.5,-0.12) to (1,0)
    assert hull.energy_above_hull[3] == pytest.approx(0.10)


@pytest.fixture(scope="module")
def cupt():
    structures = enumerate_structures(cupt_parent(), range(1, 9), ("Cu", "Pt"))
    labels = label_structures(structures, ("Cu", "Pt"), relax="volume", cache=CUPT_LABELS)
    space = ClusterSpace(cupt_parent(), {2: 7.6, 3: 4.0}, ("Cu", "Pt"))
    return space, space.correlation_matrix(structures), labels


def test_cupt_expansion_reproduces_emt(cupt):
    space, X, labels = cupt
    y = labels.mixing_energy
    model = ClusterExpansionRegressor(method="ols").fit(X, y)
    assert space.n_parameters == 12
    assert rmse(model, X, y) < 0.007                 # eV/site; EMT mixing energies span 0 to -0.112
    assert cv_rmse(ClusterExpansionRegressor(method="ols"), X, y, cv="loo") < 0.007
    oracle, expansion = convex_hull(labels.concentration, y), convex_hull(labels.concentration, model.predict(X))
    # the ordered ground states at x = 1/4, 1/2, 3/4 are the oracle's; every CE ground state lies within
    # 1 meV/site of the oracle's hull
    for x in (0.25, 0.5, 0.75):
        assert (oracle.ground_states[np.isclose(oracle.concentration, x)].tolist()
                == expansion.ground_states[np.isclose(expansion.concentration, x)].tolist())
    assert np.all(oracle.energy_above_hull[expansion.ground_states] < 0.001)
