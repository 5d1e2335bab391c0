"""Compile every numba kernel once, so the first lesson cell that needs one does not wait.

Binder's ``postBuild`` and ``matsci-ml warmup`` call :func:`warm_numba_cache`; kernels are
compiled with ``cache=True`` and the cache is kept next to the sources.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def numba_probe(n: int) -> float:
    """Sum of squares 0^2 + ... + (n-1)^2, a tiny kernel that proves numba compiles here."""
    total = 0.0
    for i in range(n):
        total += i * i
    return total


def warm_numba_cache() -> list[str]:
    """Compile the package's kernels; returns their names."""
    from matsci_ml.monte_carlo import (
        alloy_vacancy_kmc,
        metropolis_flips,
        metropolis_swaps,
        neighbor_table,
        square_lattice_ising,
        vacancy_diffusion,
    )

    numba_probe(3)
    metropolis_flips(square_lattice_ising(3), np.ones(9), kT=1.0, n_sweeps=1)
    metropolis_swaps(square_lattice_ising(3), np.array([1, -1] * 4 + [1]), kT=1.0, n_sweeps=1)
    vacancy_diffusion(neighbor_table("sc", 3), n_runs=2, n_events=50)
    alloy_vacancy_kmc(square_lattice_ising(3), neighbor_table("square", 3), np.ones(9), 0, kT=1.0, n_events=5)
    return ["numba_probe", "metropolis_flips", "metropolis_swaps", "vacancy_diffusion", "alloy_vacancy_kmc"]
