"""Plots of a cluster expansion: ECIs against cluster radius, and the convex hull against the oracle's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from matsci_ml.atomistic.hull import convex_hull


def plot_ecis(space, ecis, ax=None):
    """ECIs (meV/site) of pairs, triplets, ... against the cluster radius (A); the constant and point terms
    are left out (they only shift and tilt the energy)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ecis = np.asarray(ecis) * 1000
    for order, marker in zip(range(2, 7), "osD^v"):
        chosen = space.orders == order
        if np.any(chosen):
            ax.plot(space.radii[chosen], ecis[chosen], marker, ls="-", label=f"{order}-body")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("cluster radius (longest distance, Å)")
    ax.set_ylabel("ECI (meV/site)")
    ax.legend()
    return ax


def plot_hull(concentration, oracle_energy, model_energy, species=("A", "B"), ax=None,
              labels=("oracle (EMT)", "cluster expansion"), ylabel="mixing energy (meV/site)"):
    """Mixing energies (meV/site) of the oracle and the model against concentration, with both lower hulls."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = np.asarray(concentration)
    for energy, label, style, colour in [(oracle_energy, labels[0], "o", "tab:blue"),
                                         (model_energy, labels[1], "x", "tab:orange")]:
        energy = np.asarray(energy) * 1000
        hull = convex_hull(x, energy / 1000)
        ax.plot(x, energy, style, color=colour, alpha=0.35, ms=4, label=f"{label}: structures")
        ax.plot(hull.concentration, hull.mixing_energy * 1000, "-", marker=style, color=colour, ms=8,
                label=f"{label}: hull")
    ax.set_xlabel(f"x, fraction of {species[0]} (rest {species[1]})")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)   # outside: never on a point
    return ax
