"""Plots of lesson 06: the training loss, elastic constants against references, and energy conservation in NVE MD."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_loss(history, ax=None, title="L-BFGS on the radial coefficients"):
    """Training loss (eV^2 per configuration, log scale) against training time (s), from ``MTPTrainer.history_``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    ax.semilogy([h["time_s"] for h in history], [h["loss"] for h in history])
    ax.set(xlabel="training time (s)", ylabel="loss (eV$^2$ per configuration)", title=title)
    return ax


def plot_elastic_comparison(bars: dict, names=("C11", "C12", "C44"), ax=None):
    """Grouped bars of elastic constants (GPa): ``bars = {label: (values, errors or None)}``, one group per constant."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    x = np.arange(len(names))
    width = 0.8 / len(bars)
    for k, (label, (values, errors)) in enumerate(bars.items()):
        ax.bar(x + (k - (len(bars) - 1) / 2) * width, values, width, yerr=errors, capsize=4 if errors is not None else 0,
               label=label)
    ax.set_xticks(x, [f"$C_{{{n[1:]}}}$" for n in names])
    ax.set_ylabel("elastic constant (GPa)")
    ax.legend(fontsize=7)
    return ax


def plot_nve(time_ps, potential, total, *, axes=None):
    """Energy conservation in NVE MD, energies in eV/atom.

    Left: potential and total energy relative to the *initial total energy* (meV/atom): the exchange between
    kinetic and potential energy. Right: the total energy alone on a scale that can show a drift, with a
    straight-line fit whose slope (meV/atom/ps) is the drift.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    time_ps = np.asarray(time_ps, float)
    reference = total[0]
    axes[0].plot(time_ps, 1000 * (np.asarray(potential) - reference), label="potential")
    axes[0].plot(time_ps, 1000 * (np.asarray(total) - reference), label="total")
    axes[0].set(xlabel="time (ps)", ylabel="$E - E_\\mathrm{total}(0)$ (meV/atom)")
    axes[0].legend()
    deviation = 1000 * (np.asarray(total) - reference)
    slope, intercept = np.polyfit(time_ps, deviation, 1)
    axes[1].plot(time_ps, deviation, color="tab:orange", label="total")
    axes[1].plot(time_ps, slope * time_ps + intercept, "k--", lw=0.8, label=f"drift {slope:+.3f} meV/atom/ps")
    axes[1].set(xlabel="time (ps)", ylabel="$E_\\mathrm{total} - E_\\mathrm{total}(0)$ (meV/atom)")
    axes[1].legend(fontsize=8)
    return slope
