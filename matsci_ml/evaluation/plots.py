"""Labelled diagnostic plots: parity, residuals, learning and validation curves, ROC.

Each is scikit-learn's own display (``PredictionErrorDisplay``, ``LearningCurveDisplay``,
``ValidationCurveDisplay``, ``RocCurveDisplay``), drawn on the given axes; what these functions add is the
course's labelling: the quantity and its units on every axis.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import PredictionErrorDisplay, RocCurveDisplay
from sklearn.model_selection import LearningCurveDisplay, ValidationCurveDisplay


def parity_plot(y_true, y_pred, *, quantity: str = "band gap", units: str = "eV", ax=None, title: str = ""):
    """True against predicted (scikit-learn's convention: the prediction on x), with the y = x line; axis labels
    carry the units."""
    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    PredictionErrorDisplay.from_predictions(y_true, y_pred, kind="actual_vs_predicted", ax=ax, subsample=None,
                                            scatter_kwargs={"s": 6, "alpha": 0.4})
    ax.set(xlabel=f"predicted {quantity} ({units})", ylabel=f"true {quantity} ({units})", title=title)
    ax.set_aspect("equal")
    return ax


def residual_plot(y_true, y_pred, *, quantity: str = "band gap", units: str = "eV", ax=None, title: str = ""):
    """Residual (true - predicted) against the predicted value."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    PredictionErrorDisplay.from_predictions(y_true, y_pred, kind="residual_vs_predicted", ax=ax, subsample=None,
                                            scatter_kwargs={"s": 6, "alpha": 0.4})
    ax.set(xlabel=f"predicted {quantity} ({units})", ylabel=f"true - predicted ({units})", title=title)
    return ax


def curve_plot(x, train_scores, test_scores, *, xlabel: str, ylabel: str, ax=None, title: str = "", logx=False,
               parameter: str | None = None):
    """Mean ± std over folds of a training and a validation score: a learning curve against the training-set size
    ``x``, or, with ``parameter`` (its name), a validation curve against that hyperparameter's values ``x``."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    if parameter is None:
        display = LearningCurveDisplay(train_sizes=np.asarray(x), train_scores=np.asarray(train_scores),
                                       test_scores=np.asarray(test_scores), score_name=ylabel)
    else:
        display = ValidationCurveDisplay(param_name=parameter, param_range=np.asarray(x),
                                         train_scores=np.asarray(train_scores), test_scores=np.asarray(test_scores),
                                         score_name=ylabel)
    display.plot(ax=ax, std_display_style="fill_between", line_kw={"marker": "o"})
    ax.set_xscale("log" if logx else "linear")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(["training", "validation"] if len(ax.get_legend_handles_labels()[0]) == 2 else None)
    return ax


def roc_plot(y_true, probability, *, ax=None, label: str = "model"):
    """ROC curve (true-positive against false-positive rate) with the chance diagonal."""
    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    RocCurveDisplay.from_predictions(y_true, probability, name=label, ax=ax, plot_chance_level=True)
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate (recall)", title="ROC curve")
    ax.legend(loc="lower right")
    return ax
