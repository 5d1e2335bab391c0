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
    axes[0].set_ylabel(r"reliability (% of steps before $\gamma_\mathrm{break}$)")
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
                xlabel: str = "MD step", marker: str = "-"):
    """Extrapolation grade (log scale, dimensionless) against step or path coordinate, with the two thresholds
    (drawn once per axes, however many curves are added to it)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    grades = np.asarray(grades)
    ax.semilogy(np.arange(len(grades)) if x is None else x, grades, marker, label=label)
    if not getattr(ax, "_grade_thresholds_drawn", False):
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.axhline(gamma_select, color="tab:orange", ls="--", lw=1, label=rf"$\gamma_\mathrm{{select}}$ = {gamma_select:g}")
        ax.axhline(gamma_break, color="tab:red", ls="--", lw=1, label=rf"$\gamma_\mathrm{{break}}$ = {gamma_break:g}")
        ax._grade_thresholds_drawn = True
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"extrapolation grade $\gamma$")
    ax.legend(fontsize=8)
    return ax


def plot_path_learning(x, grades: dict, errors_mev: dict, *, xlabel: str, axes=None):
    """Left: grade along a path for each model; right: model - oracle energy (meV/atom) along it."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for (label, grade), marker in zip(grades.items(), ("o-", "s-")):
        plot_grades(grade, x=x, label=label, xlabel=xlabel, ax=axes[0], marker=marker)
    for (label, error), marker in zip(errors_mev.items(), ("o-", "s-")):
        axes[1].plot(x, error, marker, label=label)
    axes[1].axhline(0, color="grey", lw=0.8)
    axes[1].set(xlabel=xlabel, ylabel="MTP − oracle energy (meV/atom)")
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    return axes
