"""Plots of active learning: the loop's progress per iteration, and the grade along a trajectory or path."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_progress(log, axes=None):
    """Reliability (% of steps before gamma_break), validation force RMSE (eV/A) and oracle calls per iteration."""
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    iteration = [entry["iteration"] for entry in log]
    axes[0].plot(iteration, [100 * entry.get("reliability", np.nan) for entry in log], "o-")
    axes[0].set_ylabel("reliability (% of MD steps before γ_break)")
    axes[0].set_ylim(0, 105)
    if all("validation_errors" in entry for entry in log):
        axes[1].plot(iteration, [entry["validation_errors"]["force_rmse_ev_per_a"] for entry in log], "o-",
                     label="validation")
    axes[1].plot(iteration, [entry["train_errors"]["force_rmse_ev_per_a"] for entry in log], "s--", label="training")
    axes[1].set_ylabel("force RMSE (eV/Å)")
    axes[1].legend()
    axes[2].bar(iteration, [entry["oracle_calls"] for entry in log])
    axes[2].set_ylabel("oracle calls (labelled configurations)")
    for ax in axes:
        ax.set_xlabel("iteration")
        ax.set_xticks(iteration)
    plt.tight_layout()
    return axes


def plot_grades(grades, *, gamma_select: float = 2.0, gamma_break: float = 10.0, x=None, label=None, ax=None,
                xlabel: str = "MD step"):
    """Extrapolation grade (log scale) against step or path coordinate, with the two thresholds."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    grades = np.asarray(grades)
    ax.semilogy(np.arange(len(grades)) if x is None else x, grades, "-", label=label)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(gamma_select, color="tab:orange", ls="--", lw=1, label=f"γ_select = {gamma_select:g}")
    ax.axhline(gamma_break, color="tab:red", ls="--", lw=1, label=f"γ_break = {gamma_break:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("extrapolation grade γ")
    ax.legend(fontsize=8)
    return ax
