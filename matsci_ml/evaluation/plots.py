"""Labelled diagnostic plots: parity, residuals, learning curves, ROC."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_curve


def parity_plot(y_true, y_pred, *, quantity: str = "band gap", units: str = "eV", ax=None, title: str = ""):
    """Predicted vs true with the y = x line; axis labels carry the units."""
    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    low, high = float(min(np.min(y_true), np.min(y_pred))), float(max(np.max(y_true), np.max(y_pred)))
    ax.scatter(y_true, y_pred, s=6, alpha=0.4)
    ax.plot([low, high], [low, high], "k--", lw=1, label="y = x")
    ax.set(xlabel=f"true {quantity} ({units})", ylabel=f"predicted {quantity} ({units})", title=title)
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    return ax


def residual_plot(y_true, y_pred, *, quantity: str = "band gap", units: str = "eV", ax=None, title: str = ""):
    """Residual (predicted - true) against the true value."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    ax.scatter(y_true, np.asarray(y_pred) - np.asarray(y_true), s=6, alpha=0.4)
    ax.axhline(0, color="k", lw=1)
    ax.set(xlabel=f"true {quantity} ({units})", ylabel=f"predicted - true ({units})", title=title)
    return ax


def curve_plot(x, train_scores, test_scores, *, xlabel: str, ylabel: str, ax=None, title: str = "", logx=False):
    """Mean ± std over folds of a training and a validation score (learning or validation curve)."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    for scores, label in ((train_scores, "training"), (test_scores, "validation")):
        scores = np.asarray(scores)
        mean, std = scores.mean(axis=1), scores.std(axis=1)
        ax.plot(x, mean, "o-", label=label)
        ax.fill_between(x, mean - std, mean + std, alpha=0.2)
    if logx:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


def roc_plot(y_true, probability, *, ax=None, label: str = "model"):
    """ROC curve (true-positive vs false-positive rate) with the chance diagonal."""
    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    fpr, tpr, _ = roc_curve(y_true, probability)
    ax.plot(fpr, tpr, label=label)
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="chance")
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate (recall)", title="ROC curve")
    ax.legend(loc="lower right")
    return ax
