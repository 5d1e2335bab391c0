"""Evaluate any scikit-learn model with the Matbench protocol: the official 5 folds, fit on the
training part of each fold only, score on its test part, report the mean and spread.

Hyperparameters must be chosen inside the training folds: pass a model that tunes itself
(``GridSearchCV``, ``RidgeCV``, ``LassoCV``...). It is cloned and refitted per fold, so its inner
cross-validation never sees the test fold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)
from tqdm.auto import tqdm

from matsci_ml.data.matbench import TASK_TYPES, TASKS, official_folds


def regression_scores(y_true, y_pred) -> dict[str, float]:
    """MAE, RMSE (units of the target) and R^2."""
    return {"mae": mean_absolute_error(y_true, y_pred), "rmse": root_mean_squared_error(y_true, y_pred),
            "r2": r2_score(y_true, y_pred)}


def classification_scores(y_true, probability, threshold: float = 0.5) -> dict[str, float]:
    """ROC-AUC from probabilities; accuracy, balanced accuracy, precision, recall, F1 at ``threshold``."""
    predicted = probability >= threshold
    return {"roc_auc": roc_auc_score(y_true, probability), "accuracy": accuracy_score(y_true, predicted),
            "balanced_accuracy": balanced_accuracy_score(y_true, predicted),
            "precision": precision_score(y_true, predicted, zero_division=0),
            "recall": recall_score(y_true, predicted), "f1": f1_score(y_true, predicted)}


@dataclass
class MatbenchResult:
    """Per-fold scores and out-of-fold predictions of one model on one task.

    Attributes
    ----------
    fold_scores : pandas.DataFrame
        One row per fold, one column per metric.
    predictions : numpy.ndarray
        Out-of-fold prediction for every row (regression: value; classification: probability).
    train_scores : pandas.DataFrame
        The same metrics on the training part of each fold (to see overfitting).
    fit_seconds : float
        Wall time of the five fits.
    """

    task: str
    model_name: str
    fold_scores: pd.DataFrame
    train_scores: pd.DataFrame
    predictions: np.ndarray
    fit_seconds: float
    fitted: list = field(default_factory=list, repr=False)

    def mean(self, metric: str) -> float:
        return float(self.fold_scores[metric].mean())

    def summary(self) -> pd.Series:
        """``metric: mean ± std`` over the 5 folds, as text."""
        return pd.Series({m: f"{self.fold_scores[m].mean():.4f} ± {self.fold_scores[m].std(ddof=0):.4f}"
                          for m in self.fold_scores}, name=self.model_name)


def evaluate_matbench(model, X, frame: pd.DataFrame | None = None, task: str | None = None, *, y=None,
                      task_type: str | None = None, name: str | None = None, keep_models: bool = False,
                      progress: bool = True) -> MatbenchResult:
    """Fit and score ``model`` on the official folds of Matbench ``task``, or on your own data ``(X, y, task_type)``
    split by Matbench's fold recipe (:func:`~matsci_ml.data.matbench.official_folds`).

    Parameters
    ----------
    model : scikit-learn estimator
        Regressor for regression tasks; classifier with ``predict_proba`` for classification.
    X : array-like, shape (n_samples, n_features), or a sequence of objects
        Features of ``frame``'s rows, in the same order; or one object per row (pymatgen ``Structure``, crystal
        graph) for a model that takes them, such as :class:`~matsci_ml.graph_network.CrystalGraphRegressor`.
    frame : pandas.DataFrame, optional
        The task as returned by :func:`matsci_ml.data.load_matbench`.
    task : str, optional
        Matbench task name (any of the 13 of Matbench v0.1).
    y, task_type : array-like and ``"regression"`` or ``"classification"``, optional
        Your own targets instead of ``frame`` and ``task``.
    """
    if (frame is None) != (task is None) or (frame is None) == (y is None) or (y is None) != (task_type is None):
        raise ValueError("give either frame and task (a Matbench task) or y and task_type (your own data)")
    if frame is not None:
        target, kind = TASKS[task]
        y = frame[target].to_numpy()
    else:
        kind, task = task_type, "own data"
        y = np.asarray(y)
        if kind not in TASK_TYPES:
            raise ValueError(f"task_type must be one of {TASK_TYPES}, not {kind!r}")
    if kind == "classification" and not is_classifier(model):
        raise ValueError(f"{task} is a classification task; pass a classifier, not {type(model).__name__}.")
    if kind == "regression" and is_classifier(model):
        raise ValueError(f"{task} is a regression task; pass a regressor, not {type(model).__name__}.")
    X = _rows(X)
    if kind == "classification":
        y = y.astype(int)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but {task} has {len(y)}.")
    predictions = np.zeros(len(y))
    test_rows, train_rows, fitted = [], [], []
    start = time.perf_counter()
    folds = list(official_folds(y, kind))
    for train, test in tqdm(folds, desc=name or type(model).__name__, disable=not progress, leave=True):
        estimator = clone(model).fit(X[train], y[train])
        if kind == "classification":
            predictions[test] = estimator.predict_proba(X[test])[:, 1]
            test_rows.append(classification_scores(y[test], predictions[test]))
            train_rows.append(classification_scores(y[train], estimator.predict_proba(X[train])[:, 1]))
        else:
            predictions[test] = estimator.predict(X[test])
            test_rows.append(regression_scores(y[test], predictions[test]))
            train_rows.append(regression_scores(y[train], estimator.predict(X[train])))
        if keep_models:
            fitted.append(estimator)
    return MatbenchResult(task, name or type(model).__name__, pd.DataFrame(test_rows), pd.DataFrame(train_rows),
                          predictions, time.perf_counter() - start, fitted)


def _rows(X) -> np.ndarray:
    """``X`` as an array indexable by row: numbers as they are, objects (structures, graphs) one per row."""
    if isinstance(X, (np.ndarray, pd.DataFrame)):
        return np.asarray(X)
    items = list(X)
    if items and not isinstance(items[0], (int, float, np.number, list, tuple, np.ndarray)):
        rows = np.empty(len(items), dtype=object)
        rows[:] = items
        return rows
    return np.asarray(items)


def results_table(results: list[MatbenchResult]) -> pd.DataFrame:
    """One row per model: mean and std of every metric, and the fit time."""
    rows = []
    for result in results:
        row = {"model": result.model_name}
        for metric in result.fold_scores:
            row[metric] = result.fold_scores[metric].mean()
            row[f"{metric} std"] = result.fold_scores[metric].std(ddof=0)
        row["train " + result.fold_scores.columns[0]] = result.train_scores.iloc[:, 0].mean()
        row["fit time (s)"] = result.fit_seconds
        rows.append(row)
    return pd.DataFrame(rows).set_index("model")
