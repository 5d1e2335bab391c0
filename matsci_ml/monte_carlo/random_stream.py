"""The random stream of the Metropolis kernels: xoshiro256** (Blackman & Vigna 2021), seeded by SplitMix64.

numba's ``np.random`` is the Mersenne Twister. Drawing the three numbers a canonical swap needs (two list positions
and one uniform for the acceptance test) from it costs about 21 ns, a sixth of a whole attempt on the lattice tables;
from xoshiro256** it costs about 4 ns. xoshiro256** passes BigCrush and PractRand; it is Julia's and .NET's default
generator family. Its state is four 64-bit words, held in a small array the kernel owns, so a run is a pure function
of its seed: the same seed gives the same run on any machine.

- :func:`seeded_state`: the state for a seed, filled by SplitMix64 from the seed (the seeding its authors recommend).
- :func:`next_uint64`: the next 64 random bits.
- :func:`uniform`: a float in [0, 1), the top 53 bits times :math:`2^{-53}`.
- :func:`below`: an integer uniform in 0 .. n - 1 (n < :math:`2^{32}`), by Lemire's multiply-and-shift (2019) with
  its rejection step, so that every value has probability exactly 1/n.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_MASK32 = np.uint64(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def splitmix64(x):
    """``(output, next x)``: one step of SplitMix64 (Steele, Lea & Flood 2014) from the 64-bit word ``x``."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31)), x


@njit(cache=True)
def seeded_state(seed):
    """The four-word xoshiro256** state for an integer ``seed``: four SplitMix64 outputs from ``seed``."""
    state = np.empty(4, dtype=np.uint64)
    x = np.uint64(seed)
    for k in range(4):
        state[k], x = splitmix64(x)
    return state


@njit(cache=True, inline="always")
def next_uint64(state):
    """The next 64 random bits; advances ``state`` in place."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@njit(cache=True, inline="always")
def uniform(state):
    """A float uniform in [0, 1): the top 53 bits of the next output times :math:`2^{-53}`."""
    return np.float64(next_uint64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def below(state, n):
    """An integer uniform in 0 .. n - 1, for 1 <= n < 2**32 (Lemire 2019).

    The top 32 bits x of the next output times n is a 64-bit product whose top half is the draw. Of the
    :math:`2^{32}` values of x, each draw is hit :math:`\\lfloor 2^{32}/n \\rfloor` or one more time; the step that
    redraws when the low half falls below :math:`2^{32} \\bmod n` removes the extra hits, so every draw has
    probability exactly 1/n. It redraws with probability below n / 2**32 (1e-6 for 4,000 sites)."""
    n64 = np.uint64(n)
    product = (next_uint64(state) >> np.uint64(32)) * n64
    if (product & _MASK32) < n64:
        threshold = (np.uint64(1 << 32) - n64) % n64
        while (product & _MASK32) < threshold:
            product = (next_uint64(state) >> np.uint64(32)) * n64
    return np.int64(product >> np.uint64(32))
