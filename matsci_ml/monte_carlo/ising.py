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
from matsci_ml.monte_carlo.lattices import neighbor_table

ONSAGER_TC = 2.0 / np.log(1.0 + np.sqrt(2.0))


def square_lattice_ising(size: int, *, coupling: float = 1.0) -> ClusterHamiltonian:
    """Periodic ``size`` x ``size`` Ising model; ``coupling`` is J (> 0: ferromagnet), E = -J sum sigma_i sigma_j."""
    return nearest_neighbour_hamiltonian(neighbor_table("square", size).neighbors, -coupling)


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


def binder_crossing(kTs, cumulant_small, cumulant_large) -> float:
    """Temperature where two Binder-cumulant curves cross: root of a straight-line fit to their difference."""
    slope, intercept = np.polyfit(np.asarray(kTs, float), np.asarray(cumulant_small) - np.asarray(cumulant_large), 1)
    if slope == 0:
        raise ValueError("the two cumulant curves are parallel in this window: widen or move it")
    return float(-intercept / slope)
