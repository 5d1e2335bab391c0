"""Metropolis Monte Carlo on a cluster Hamiltonian (Frenkel & Smit's recipe), numba kernels.

One step: pick a site at random, propose to flip it, accept with probability
:math:`\\min(1, e^{-\\beta \\Delta E})`. This satisfies detailed balance for the Boltzmann
distribution :math:`p(\\sigma) \\propto e^{-\\beta E(\\sigma)}`. A *sweep* is ``n_sites`` attempts.
The energy is updated with each accepted :math:`\\Delta E`, never recomputed, so one attempt costs
O(clusters per site).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, check_spins


@njit(cache=True)
def _flip_energy_change(spins, site, partners, values):
    field = 0.0
    for k in range(partners.shape[1]):
        value = values[site, k]
        if value == 0.0:
            continue
        product = 1
        for m in range(partners.shape[2]):
            other = partners[site, k, m]
            if other < 0:
                break
            product *= spins[other]
        field += value * product
    return -2.0 * spins[site] * field


@njit(cache=True)
def _metropolis_flip_kernel(spins, partners, values, beta, n_sweeps, seed, energy, energies, magnetizations):
    np.random.seed(seed)
    n_sites = spins.shape[0]
    accepted = 0
    total_spin = 0
    for i in range(n_sites):
        total_spin += spins[i]
    for sweep in range(n_sweeps):
        for _ in range(n_sites):
            site = np.random.randint(n_sites)
            delta = _flip_energy_change(spins, site, partners, values)
            if delta <= 0.0 or np.random.random() < np.exp(-beta * delta):
                total_spin -= 2 * spins[site]
                spins[site] = -spins[site]
                energy += delta
                accepted += 1
        energies[sweep] = energy
        magnetizations[sweep] = total_spin / n_sites
    return energy, accepted


@dataclass
class MetropolisRun:
    """Trace of a Metropolis run.

    Attributes
    ----------
    energies : ndarray
        Total energy after each sweep (energy units of the Hamiltonian).
    magnetizations : ndarray
        :math:`\\frac1N\\sum_i \\sigma_i` after each sweep.
    spins : ndarray of int8
        Final configuration.
    acceptance : float
        Fraction of accepted flips.
    """

    energies: np.ndarray
    magnetizations: np.ndarray
    spins: np.ndarray
    acceptance: float


def metropolis_flips(hamiltonian: ClusterHamiltonian, spins, *, kT: float, n_sweeps: int,
                     seed: int = 0) -> MetropolisRun:
    """Run ``n_sweeps`` sweeps of single-site-flip Metropolis at temperature ``kT``.

    Parameters
    ----------
    hamiltonian : ClusterHamiltonian
    spins : array of +-1, shape (n_sites,)
        Starting configuration (not modified).
    kT : float
        :math:`k_B T` in the energy units of the Hamiltonian (J for the Ising model, eV for a CE).
    n_sweeps : int
        Number of sweeps (``n_sites`` attempts each).
    seed : int
        Seed of the random-number stream: the same seed gives the same run.
    """
    if not kT > 0:
        raise ValueError(f"kT must be positive, got {kT}")
    if n_sweeps < 1:
        raise ValueError(f"n_sweeps must be at least 1, got {n_sweeps}")
    spins = check_spins(spins, hamiltonian.n_sites).copy()
    energies = np.empty(n_sweeps)
    magnetizations = np.empty(n_sweeps)
    _, accepted = _metropolis_flip_kernel(spins, hamiltonian.site_partners, hamiltonian.site_interactions,
                                          1.0 / kT, n_sweeps, seed, hamiltonian.energy(spins),
                                          energies, magnetizations)
    return MetropolisRun(energies, magnetizations, spins, accepted / (n_sweeps * hamiltonian.n_sites))
