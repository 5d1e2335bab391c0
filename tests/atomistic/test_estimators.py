"""The three fitters are real scikit-learn estimators: clone, get/set_params, cross_val_score, GridSearchCV."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from matsci_ml.atomistic import label
from matsci_ml.cluster_expansion import ClusterExpansionRegressor
from matsci_ml.equivariant import NequIPTrainer
from matsci_ml.mtp import MTPTrainer

FITTERS = [ClusterExpansionRegressor, MTPTrainer, NequIPTrainer]


@pytest.fixture(scope="module")
def frames():
    """Twelve rattled, strained 8-atom fcc Cu cells labelled by EMT."""
    rng = np.random.default_rng(0)
    out = []
    for k in range(12):
        atoms = bulk("Cu", "fcc", a=3.61 * (1 + rng.uniform(-0.02, 0.02)), cubic=True).repeat((2, 1, 1))
        atoms.rattle(0.06, seed=k)
        out.append(label(atoms, EMT))
    return out


@pytest.mark.parametrize("fitter", FITTERS, ids=lambda f: f.__name__)
def test_keyword_only_init_and_params_from_the_signature(fitter):
    signature = inspect.signature(fitter.__init__)
    assert all(p.kind is p.KEYWORD_ONLY for name, p in signature.parameters.items() if name != "self")
    assert "get_params" not in vars(fitter) and "set_params" not in vars(fitter)     # BaseEstimator's, not ours
    estimator = fitter()
    assert set(estimator.get_params()) == set(signature.parameters) - {"self"}
    copy = clone(estimator.set_params(seed=3) if "seed" in estimator.get_params() else estimator)
    assert copy.get_params() == estimator.get_params() and copy is not estimator
    with pytest.raises(ValueError, match="Invalid parameter"):
        estimator.set_params(no_such_parameter=1)


def test_cluster_expansion_cross_val_score_and_grid_search():
    rng = np.random.default_rng(1)
    X = np.hstack([np.ones((40, 1)), rng.uniform(-1, 1, (40, 6))])
    y = X @ np.array([0.01, -0.05, 0.02, 0.0, 0.0, 0.003, 0.0]) + rng.normal(0, 1e-4, 40)
    scores = cross_val_score(ClusterExpansionRegressor(method="ols"), X, y, cv=KFold(5, shuffle=True, random_state=0),
                             scoring="neg_root_mean_squared_error")
    assert scores.shape == (5,) and -scores.max() < 3e-4
    search = GridSearchCV(ClusterExpansionRegressor(method="lasso"), {"alpha": [1e-7, 1e-5, 1e-2]}, cv=5,
                          scoring="neg_root_mean_squared_error").fit(X, y)
    assert search.best_params_["alpha"] < 1e-2                # 1e-2 kills every interaction: the worst choice
    assert search.best_estimator_.ecis_[1] == pytest.approx(-0.05, abs=2e-3)


def test_mtp_trainer_cross_val_score_and_grid_search(frames):
    trainer = MTPTrainer(level=6, min_dist=1.8, max_dist=4.5, radial_basis_size=6, max_iter=5, progress=False)
    scores = cross_val_score(trainer, frames, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and np.all(scores < 0) and np.all(-scores < 0.5)   # minus force RMSE, eV/A
    search = GridSearchCV(trainer, {"force_weight": [1e-6, 0.1]}, cv=KFold(2, shuffle=True, random_state=0))
    search.fit(frames)
    # forces barely weighted fit them worse: the grid search must choose the larger force weight
    assert search.best_params_ == {"force_weight": 0.1}
    assert tuple(search.best_estimator_.potential_.species) == (29,)
    assert search.predict(frames[:2]).shape == (2,)


def test_nequip_trainer_cross_val_score_and_grid_search(frames):
    trainer = NequIPTrainer(r_max=4.0, num_layers=1, num_features=4, radial_mlp_width=8, max_epochs=2,
                            batch_size=4, progress=False, device="cpu")
    scores = cross_val_score(trainer, frames, cv=KFold(2, shuffle=True, random_state=0))
    assert scores.shape == (2,) and np.all(np.isfinite(scores)) and np.all(scores < 0)
    search = GridSearchCV(trainer, {"learning_rate": [0.0, 0.02]}, cv=KFold(2, shuffle=True, random_state=0))
    search.fit(frames)
    assert search.best_params_ == {"learning_rate": 0.02}     # a zero learning rate never leaves the initial weights
    assert np.isfinite(search.predict(frames[:1])).all()
