"""Plots of lesson 08: test error along NequIP training against MTP points, and committee spread against true error."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter


def plot_test_error_vs_time(history, kept: dict, others: dict, *, axes=None):
    """Test MAE against training time (s, log scale) for energy (meV/atom) and force (eV/A).

    ``history`` is ``NequIPTrainer.history_`` (entries with ``validation`` errors); ``kept`` the errors of the
    weights the trainer kept (lowest training loss), drawn as a star at that epoch's time; ``others`` maps a label
    to ``(train time s, errors)`` for single points such as MTPs.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    curve = [(h["time_s"], h["validation"]) for h in history if "validation" in h]
    best = min(history, key=lambda h: h["loss"])
    for ax, key, unit in [(axes[0], "energy_mae_mev_per_atom", "meV/atom"), (axes[1], "force_mae_ev_per_a", "eV/Å")]:
        ax.plot([t for t, _ in curve], [v[key] for _, v in curve], "o-", ms=4, label="NequIP, test error while training")
        ax.plot([best["time_s"]], [kept[key]], "*", ms=14, color="tab:red",
                label=f"NequIP, weights kept (epoch {best['epoch']}, lowest training loss)")
        for (label, (seconds, errors)), marker in zip(others.items(), "sD^v"):
            ax.plot([seconds], [errors[key]], marker, ms=9, label=label)
        ax.set(xscale="log", xlabel="training time (s, 2 CPU cores)", ylabel=f"test MAE ({unit})")
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())       # no crowded 2x10^1, 3x10^1... labels
    axes[0].legend(fontsize=7)
    plt.tight_layout()
    return axes


def plot_spread_and_grade(amplitudes, spread, error, grade, *, axes=None):
    """Left: committee force spread and its true force error (eV/A) against the rattle amplitude (A);
    right: the MaxVol grade (dimensionless) against the same amplitude, with the threshold gamma = 1."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    axes[0].loglog(amplitudes, spread, "o-", label="committee spread $s$")
    axes[0].loglog(amplitudes, error, "s--", label="committee's true error (max |ΔF|)")
    axes[0].set(xlabel="rattle: standard deviation per component (Å)", ylabel="force (eV/Å)")
    axes[0].legend(fontsize=8)
    axes[1].loglog(amplitudes, grade, "^-", color="tab:green", label="MaxVol grade of the MTP")
    axes[1].axhline(1.0, color="grey", lw=0.8, label=r"$\gamma = 1$: edge of the training domain")
    axes[1].set(xlabel="rattle: standard deviation per component (Å)", ylabel=r"extrapolation grade $\gamma$ (dimensionless)")
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    return axes
