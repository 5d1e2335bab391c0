"""Plots of lesson 05: Binder cumulants with their crossing, and a lattice plane coloured by species."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D


def plot_binder(kTs, cumulants: dict, errors: dict, tc: float, tc_error: float, *, exact: float | None = None, ax=None):
    """U_4 against temperature (J/k_B) for each lattice size, with 1 s.e. error bars and a weighted straight line
    through each (a guide to the eye; the crossing itself comes from a fit to the difference of the curves), the
    crossing T_c and its error as a band, and the exact T_c if given."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    kTs = np.asarray(kTs, float)
    for size, values in cumulants.items():
        shown = ax.errorbar(kTs, values, yerr=errors[size], fmt="o", capsize=2, label=f"L = {size} (±1 s.e.)")
        slope, intercept = np.polyfit(kTs, values, 1, w=1.0 / np.asarray(errors[size]))
        ax.plot(kTs, slope * kTs + intercept, color=shown[0].get_color(), lw=0.8)
    ax.axvspan(tc - tc_error, tc + tc_error, color="tab:green", alpha=0.2, label=f"crossing {tc:.3f} ± {tc_error:.3f}")
    if exact is not None:
        ax.axvline(exact, color="grey", ls="--", label=f"Onsager $T_c$ = {exact:.4f}")
    margin = 0.05 * (kTs.max() - kTs.min())
    ax.set_xlim(kTs.min() - margin, kTs.max() + margin)
    ax.set_xlabel("temperature ($J/k_B$)")
    ax.set_ylabel("Binder cumulant $U_4$")
    ax.legend(fontsize=8)
    return ax


def plot_plane(positions, occupations, species=("Cu", "Pt"), colours=("tab:orange", "tab:blue"), ax=None, title=""):
    """Sites of one lattice plane (x, y in A), coloured by species (+1: ``species[0]``, -1: ``species[1]``)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(positions[:, 0], positions[:, 1], c=np.where(np.asarray(occupations) == 1, *colours), s=60)
    handles = [Line2D([], [], marker="o", ls="", color=c, label=s) for s, c in zip(species, colours)]
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
    ax.set(xlabel="x (Å)", ylabel="y (Å)", aspect="equal")
    ax.set_title(title, fontsize=9)
    return ax


def plot_arrhenius(temperatures_K, diffusivities: dict, ax=None, ylabel="tracer diffusivity $D^*$ (m²/s)"):
    """An Arrhenius plot: each ``{label: D values}`` on a log scale against :math:`10^3/T` (K^-1)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    inverse = 1000.0 / np.asarray(temperatures_K, float)
    for label, values in diffusivities.items():
        ax.semilogy(inverse, values, "o-", label=label)
    ax.set_xlabel("$10^3/T$ (K$^{-1}$)")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax
