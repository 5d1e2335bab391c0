"""Plots of a crystal graph network's training."""

from __future__ import annotations

import matplotlib.pyplot as plt


def training_curve(history: list[dict], *, unit: str, axes=None):
    """Training loss (L1, standardised target) and validation MAE (target units) against epoch, side by side."""
    axes = axes if axes is not None else plt.subplots(1, 2, figsize=(10, 3.5))[1]
    epochs = [r["epoch"] for r in history]
    axes[0].plot(epochs, [r["train_loss"] for r in history])
    axes[0].set(xlabel="epoch", ylabel="training loss (L1, standardised target)", yscale="log",
                title="Training loss")
    if "validation_mae" in history[0]:
        values = [r["validation_mae"] for r in history]
        best = min(range(len(values)), key=values.__getitem__)
        axes[1].plot(epochs, values)
        axes[1].plot(epochs[best], values[best], "r*", ms=12, label=f"kept: epoch {epochs[best]}")
        axes[1].legend()
    axes[1].set(xlabel="epoch", ylabel=f"validation MAE ({unit})", title="Validation (10 % of the training fold)")
    return axes
