"""Compile every numba kernel once, so the first lesson cell that needs one does not wait.

Binder's ``postBuild`` and ``matsci-ml warmup`` call :func:`warm_numba_cache`; kernels are
compiled with ``cache=True`` and the cache is kept next to the sources.
"""

from __future__ import annotations

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
    numba_probe(3)
    return ["numba_probe"]
