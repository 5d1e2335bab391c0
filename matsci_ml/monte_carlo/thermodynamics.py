"""Thermodynamic averages from Monte Carlo traces: equilibration, heat capacity, short-range order.

Heat capacity from energy fluctuations (canonical ensemble, fluctuation-dissipation):

.. math:: C_V = \\frac{\\langle E^2\\rangle - \\langle E\\rangle^2}{k_B T^2},

reported per site in units of :math:`k_B`. It peaks at an order–disorder transition.

Warren–Cowley short-range order of the first neighbour shell, for a binary with :math:`\\sigma=\\pm1`:

.. math:: \\alpha_1 = 1 - \\frac{P(B \\mid A)}{x_B}
          = \\frac{\\langle\\sigma_i\\sigma_j\\rangle_{NN} - \\langle\\sigma\\rangle^2}{1 - \\langle\\sigma\\rangle^2},

0 for a random alloy, negative when unlike neighbours are preferred (ordering), positive when like
neighbours are (clustering). Its most negative value on fcc at x = 1/2 is -1/3 (L1_0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian
from matsci_ml.monte_carlo.metropolis import MetropolisRun, metropolis_flips, metropolis_swaps


def equilibrated(trace, discard: float = 0.25) -> np.ndarray:
    """The trace without its first ``discard`` fraction (the equilibration period)."""
    trace = np.asarray(trace)
    if not 0 <= discard < 1:
        raise ValueError(f"discard must be a fraction in [0, 1), got {discard}")
    return trace[int(len(trace) * discard):]


def block_standard_error(samples, n_blocks: int = 20) -> float:
    r"""Standard error of the mean of correlated Markov-chain samples, from ``n_blocks`` block averages.

    Successive Monte Carlo samples are correlated, so :math:`\sigma/\sqrt{n}` underestimates the error.
    Averages over blocks much longer than the correlation time are nearly independent:
    :math:`\mathrm{s.e.} = \mathrm{std}(\bar x_b) / \sqrt{n_b}`.
    """
    samples = np.asarray(samples, dtype=float)
    if n_blocks < 2 or len(samples) < n_blocks:
        raise ValueError(f"need at least {n_blocks} samples and n_blocks >= 2, got {len(samples)} and {n_blocks}")
    means = samples[: len(samples) // n_blocks * n_blocks].reshape(n_blocks, -1).mean(axis=1)
    return float(means.std(ddof=1) / np.sqrt(n_blocks))


def heat_capacity(energies, kT: float, n_sites: int, discard: float = 0.25) -> float:
    """:math:`C_V / (N k_B)` from a trace of total energies sampled at temperature ``kT`` (same units)."""
    e = equilibrated(energies, discard)
    return float(np.var(e) / (kT**2 * n_sites))


def warren_cowley(spins, neighbours) -> float:
    """First-shell Warren-Cowley parameter :math:`\\alpha_1` of a configuration.

    ``neighbours`` is an (n_sites, z) array of nearest neighbours (e.g. ``neighbour_table("fcc", n).neighbours``).
    """
    spins = np.asarray(spins, dtype=float)
    neighbours = np.asarray(neighbours)
    if neighbours.ndim != 2 or neighbours.shape[0] != spins.shape[0]:
        raise ValueError(f"neighbours must have shape (n_sites, z) with n_sites = {spins.shape[0]}, got {neighbours.shape}")
    mean = spins.mean()
    if abs(mean) == 1.0:
        raise ValueError("short-range order is undefined for a pure element (all sites the same)")
    pair = float(np.mean(spins[:, None] * spins[neighbours]))
    return (pair - mean**2) / (1 - mean**2)


@dataclass
class AnnealingStep:
    kT: float
    energy_per_site: float
    acceptance: float


def simulated_annealing(hamiltonian: ClusterHamiltonian, spins, kTs, *, n_sweeps: int, ensemble: str = "swaps",
                        seed: int = 0) -> tuple[np.ndarray, list[AnnealingStep]]:
    """Cool through the temperatures ``kTs`` (decreasing), each run starting from the last one's configuration.

    Slow cooling lets the system find a low-energy state (Kirkpatrick et al. 1983): at each temperature
    Metropolis equilibrates, and lowering T gradually freezes in the order. Returns the final
    configuration and, for every temperature, the mean energy per site of its second half.
    """
    kTs = np.asarray(kTs, dtype=float)
    if kTs.ndim != 1 or len(kTs) < 1 or np.any(np.diff(kTs) > 0):
        raise ValueError("kTs must be a non-increasing sequence of temperatures")
    run = {"swaps": metropolis_swaps, "flips": metropolis_flips}[ensemble]
    steps = []
    for k, kT in enumerate(kTs):
        result: MetropolisRun = run(hamiltonian, spins, kT=float(kT), n_sweeps=n_sweeps, seed=seed + k)
        spins = result.spins
        steps.append(AnnealingStep(float(kT), float(equilibrated(result.energies, 0.5).mean() / hamiltonian.n_sites),
                                   result.acceptance))
    return spins, steps
