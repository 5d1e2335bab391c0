from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression

from matsci_ml.data import load_matbench
from matsci_ml.evaluation import classification_scores, compare_with_leaderboard, evaluate_matbench


def test_dummy_reproduces_the_published_per_fold_scores():
    """matbench_v0.1_dummy results (matbench repository): the folds are the official ones."""
    frame = load_matbench("matbench_expt_gap")
    result = evaluate_matbench(DummyRegressor(), np.zeros((len(frame), 1)), frame, "matbench_expt_gap", progress=False)
    np.testing.assert_allclose(result.fold_scores["mae"][:4],
                               [1.09646800468, 1.19221192656, 1.15268817052, 1.1445202552], rtol=1e-10)
    assert result.mean("mae") == pytest.approx(1.14352696092, rel=1e-10)
    assert result.mean("rmse") == pytest.approx(1.44375982344, rel=1e-10)


@pytest.mark.parametrize("task, published_mae", [("matbench_jdft2d", 67.2850873958), ("matbench_phonons", 323.98222624)])
def test_dummy_on_other_regression_tasks(task, published_mae):
    frame = load_matbench(task)
    result = evaluate_matbench(DummyRegressor(), np.zeros((len(frame), 1)), frame, task, progress=False)
    assert result.mean("mae") == pytest.approx(published_mae, rel=1e-10)


def test_classification_metrics_and_stratification():
    frame = load_matbench("matbench_expt_is_metal")
    X = np.zeros((len(frame), 1))
    result = evaluate_matbench(DummyClassifier(strategy="prior"), X, frame, "matbench_expt_is_metal", progress=False)
    assert result.mean("roc_auc") == pytest.approx(0.5)  # constant probability
    assert set(result.fold_scores.columns) >= {"roc_auc", "balanced_accuracy", "precision", "recall", "f1"}


def test_classification_scores_on_a_hand_computed_example():
    """y = [0, 0, 1, 1], p = [0.1, 0.4, 0.35, 0.8]: 3 of the 4 (positive, negative) pairs are ordered right, so
    ROC AUC = 0.75; at p >= 0.5 one of two positives and both negatives are right: recall 0.5, precision 1,
    balanced accuracy (0.5 + 1) / 2 = 0.75, F1 = 2/3."""
    scores = classification_scores(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    assert scores["roc_auc"] == pytest.approx(0.75)
    assert scores["balanced_accuracy"] == pytest.approx(0.75)
    assert (scores["precision"], scores["recall"]) == pytest.approx((1.0, 0.5))
    assert scores["f1"] == pytest.approx(2 / 3)


def test_wrong_model_kind_and_shape_are_rejected():
    frame = load_matbench("matbench_expt_gap")
    with pytest.raises(ValueError, match="regression task; pass a regressor, not LogisticRegression"):
        evaluate_matbench(LogisticRegression(), np.zeros((len(frame), 1)), frame, "matbench_expt_gap")
    with pytest.raises(ValueError, match="X has 3 rows but matbench_expt_gap has 4604"):
        evaluate_matbench(RandomForestRegressor(), np.zeros((3, 1)), frame, "matbench_expt_gap")


def test_metal_classifier_beats_the_published_random_forest():
    from matsci_ml.features import CompositionFeaturizer

    frame = load_matbench("matbench_expt_is_metal")
    X = CompositionFeaturizer().fit(frame["composition"]).transform(frame["composition"])
    result = evaluate_matbench(HistGradientBoostingClassifier(random_state=0), X, frame,
                               "matbench_expt_is_metal", progress=False)
    assert result.mean("balanced_accuracy") >= 0.915  # RF-SCM/Magpie 0.9167
    assert result.mean("roc_auc") > 0.96


def test_leaderboard_table():
    table = compare_with_leaderboard("matbench_expt_gap", {"ours": 0.40})
    assert list(table["model"]) == ["MODNet v0.1.12", "ours", "AMMExpress v2020", "RF-SCM/Magpie", "Dummy"]


def test_random_forest_on_our_features_matches_the_published_baseline():
    from matsci_ml.features import CompositionFeaturizer

    frame = load_matbench("matbench_expt_gap")
    X = CompositionFeaturizer().fit(frame["composition"]).transform(frame["composition"])
    model = RandomForestRegressor(n_estimators=100, max_features=0.3, n_jobs=-1, random_state=0)
    result = evaluate_matbench(model, X, frame, "matbench_expt_gap", progress=False)
    assert result.mean("mae") <= 0.45  # RF-SCM/Magpie 0.4461 eV
    assert (result.train_scores["mae"] < result.fold_scores["mae"]).all()  # training error is lower


def test_a_model_of_structures_gets_one_structure_per_row():
    from sklearn.base import BaseEstimator, RegressorMixin

    class AtomsPerCell(RegressorMixin, BaseEstimator):
        """Predicts the target from the number of atoms in the cell: needs the structures themselves."""

        def fit(self, X, y):
            self.sizes_ = {len(s) for s in X}
            self.slope_ = float(np.mean(y) / np.mean([len(s) for s in X]))
            return self

        def predict(self, X):
            return np.array([self.slope_ * len(s) for s in X])

    frame = load_matbench("matbench_jdft2d")
    result = evaluate_matbench(AtomsPerCell(), list(frame["structure"]), frame, "matbench_jdft2d", progress=False,
                               keep_models=True)
    assert result.predictions.shape == (636,) and len(result.fitted) == 5
    assert max(max(m.sizes_) for m in result.fitted) == max(len(s) for s in frame["structure"])


def test_own_data_gets_the_official_fold_recipe():
    """(X, y, task_type) instead of a task: on expt_gap's targets the folds, and so Dummy's published per-fold MAE,
    are the official ones; the arguments must be one pair or the other."""
    y = load_matbench("matbench_expt_gap")["gap expt"].to_numpy()
    result = evaluate_matbench(DummyRegressor(), np.zeros((len(y), 1)), y=y, task_type="regression", progress=False)
    np.testing.assert_allclose(result.fold_scores["mae"][:4],
                               [1.09646800468, 1.19221192656, 1.15268817052, 1.1445202552], rtol=1e-10)
    assert result.task == "own data"
    labels = load_matbench("matbench_expt_is_metal")["is_metal"].to_numpy()
    by_task = evaluate_matbench(DummyClassifier(strategy="prior"), np.zeros((len(labels), 1)),
                                load_matbench("matbench_expt_is_metal"), "matbench_expt_is_metal", progress=False)
    own = evaluate_matbench(DummyClassifier(strategy="prior"), np.zeros((len(labels), 1)), y=labels,
                            task_type="classification", progress=False)
    np.testing.assert_array_equal(by_task.predictions, own.predictions)
    with pytest.raises(ValueError, match="either frame and task .* or y and task_type"):
        evaluate_matbench(DummyRegressor(), np.zeros((len(y), 1)), y=y, progress=False)
    with pytest.raises(ValueError, match="task_type must be one of"):
        evaluate_matbench(DummyRegressor(), np.zeros((len(y), 1)), y=y, task_type="ranking", progress=False)
