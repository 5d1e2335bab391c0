"""The 2D square-lattice Ising model and Onsager's exact solution, the warm-up of lesson 05.

:math:`E = -J \\sum_{\\langle ij \\rangle} \\sigma_i \\sigma_j` over nearest-neighbour pairs.
Onsager (1944) and Yang (1952), with temperatures in units of :math:`J/k_B`:

.. math::

    T_c = \\frac{2}{\\ln(1+\\sqrt2)} = 2.269185\\ldots, \\qquad
    |M| = \\left(1 - \\sinh^{-4}(2/T)\\right)^{1/8} \\ (T < T_c),

    \\frac{E}{N} = -\\coth(2/T)\\left[1 + \\frac{2}{\\pi}\\left(2\\tanh^2(2/T) - 1\\right) K(k)\\right],
    \\quad k = \\frac{2\\sinh(2/T)}{\\cosh^2(2/T)},

with :math:`K` the complete elliptic integral of the first kind.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ellipk

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, nearest_neighbour_hamiltonian
from matsci_ml.monte_carlo.lattices import neighbour_table

ONSAGER_TC = 2.0 / np.log(1.0 + np.sqrt(2.0))


def square_lattice_ising(size: int, *, coupling: float = 1.0) -> ClusterHamiltonian:
    """Periodic ``size`` x ``size`` Ising model; ``coupling`` is J (> 0: ferromagnet), E = -J sum sigma_i sigma_j."""
    return nearest_neighbour_hamiltonian(neighbour_table("square", size).neighbours, -coupling)


def onsager_energy_per_site(temperature: float) -> float:
    """Exact E/N (units of J) of the infinite square-lattice Ising model at ``temperature`` (J/k_B)."""
    b = 2.0 / temperature
    k = 2.0 * np.sinh(b) / np.cosh(b) ** 2
    return float(-1.0 / np.tanh(b) * (1.0 + 2.0 / np.pi * (2.0 * np.tanh(b) ** 2 - 1.0) * ellipk(k * k)))


def onsager_magnetization(temperature: float) -> float:
    """Exact spontaneous magnetisation per site; 0 at and above T_c."""
    if temperature >= ONSAGER_TC:
        return 0.0
    return float((1.0 - np.sinh(2.0 / temperature) ** -4) ** 0.125)


def binder_cumulant(magnetizations, *, discard: float = 0.1) -> float:
    """Binder's fourth-order cumulant :math:`U_4 = 1 - \\langle m^4\\rangle / (3\\langle m^2\\rangle^2)`.

    :math:`U_4 \\to 2/3` in the ordered phase and 0 in the disordered phase of an infinite system;
    curves for different sizes L cross near :math:`T_c`, almost free of finite-size shifts.
    The first ``discard`` fraction of the trace is dropped as equilibration.
    """
    m = np.asarray(magnetizations, dtype=float)
    m = m[int(discard * len(m)):]
    return float(1.0 - np.mean(m**4) / (3.0 * np.mean(m**2) ** 2))


def binder_cumulant_error(magnetizations, *, discard: float = 0.1, n_blocks: int = 20) -> float:
    """Statistical error (1 s.e.) of :func:`binder_cumulant`, by the jackknife over ``n_blocks`` blocks of the trace.

    Blocks much longer than the correlation time make the leave-one-block-out estimates nearly
    independent; the jackknife handles the ratio of averages in :math:`U_4`.
    """
    m = np.asarray(magnetizations, dtype=float)
    m = m[int(discard * len(m)):]
    if len(m) < 2 * n_blocks:
        raise ValueError(f"need at least {2 * n_blocks} samples for {n_blocks} blocks, got {len(m)}")
    blocks = np.array_split(m, n_blocks)
    m2 = np.array([np.sum(b**2) for b in blocks])
    m4 = np.array([np.sum(b**4) for b in blocks])
    counts = np.array([len(b) for b in blocks], dtype=float)
    left_out = 1.0 - ((m4.sum() - m4) / (counts.sum() - counts)) / (3.0 * ((m2.sum() - m2) / (counts.sum() - counts)) ** 2)
    return float(np.sqrt((n_blocks - 1) / n_blocks * np.sum((left_out - left_out.mean()) ** 2)))


def binder_crossing(kTs, cumulant_small, cumulant_large, errors_small=None, errors_large=None) -> float:
    """Temperature where two Binder-cumulant curves cross: root of a straight-line fit to their difference
    (weighted by the inverse errors when they are given)."""
    return _crossing(np.asarray(kTs, float), np.asarray(cumulant_small) - np.asarray(cumulant_large),
                     _difference_errors(errors_small, errors_large))


def binder_crossing_with_error(kTs, cumulant_small, cumulant_large, errors_small, errors_large, *,
                               n_resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """:func:`binder_crossing` and its error: half the width of the central 68 % of the crossings found after
    moving each point within its (Gaussian) error, ``n_resamples`` times.

    A percentile interval rather than a standard deviation, because where the two curves are nearly parallel a
    few resamples put the root far away: the interval stays meaningful, the standard deviation does not.
    """
    kTs = np.asarray(kTs, float)
    difference = np.asarray(cumulant_small) - np.asarray(cumulant_large)
    sigma = _difference_errors(errors_small, errors_large)
    rng = np.random.default_rng(seed)
    roots = [_crossing(kTs, difference + sigma * rng.standard_normal(len(kTs)), sigma) for _ in range(n_resamples)]
    low, high = np.percentile(roots, [15.865, 84.135])
    return _crossing(kTs, difference, sigma), float((high - low) / 2.0)


def _difference_errors(errors_small, errors_large):
    if errors_small is None or errors_large is None:
        return None
    return np.hypot(np.asarray(errors_small, float), np.asarray(errors_large, float))


def _crossing(kTs, difference, sigma) -> float:
    slope, intercept = np.polyfit(kTs, difference, 1, w=None if sigma is None else 1.0 / sigma)
    if slope == 0:
        raise ValueError("the two cumulant curves are parallel in this window: widen or move it")
    return float(-intercept / slope)
