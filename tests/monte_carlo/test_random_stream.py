"""The Metropolis kernels' random stream: SplitMix64 and xoshiro256** value for value, and uniform draws."""

from __future__ import annotations

import numpy as np
from numba import njit

from matsci_ml.monte_carlo.random_stream import below, next_uint64, seeded_state, splitmix64, uniform


def test_splitmix64_gives_the_published_values():
    # SplitMix64 from 0: the reference values of Vigna's splitmix64.c, which the seeding uses as the state
    assert [int(w) for w in seeded_state(0)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F,
                                                 0xF88BB8A8724C81EC]
    assert int(splitmix64(np.uint64(0))[0]) == 0xE220A8397B1DCDAF


def test_xoshiro256starstar_gives_the_values_of_an_independent_implementation():
    # seeded with four SplitMix64 outputs from 42; the same first outputs as a C++ implementation of xoshiro256**
    state = seeded_state(42)
    assert [int(next_uint64(state)) for _ in range(4)] == [0x15780B2E0C2EC716, 0x6104D9866D113A7E,
                                                           0xAE17533239E499A1, 0xECB8AD4703B360A1]


@njit(cache=True)
def _draws(seed, n, size):
    state = seeded_state(seed)
    integers = np.empty(size, dtype=np.int64)
    floats = np.empty(size)
    for k in range(size):
        integers[k] = below(state, n)
        floats[k] = uniform(state)
    return integers, floats


def test_uniform_floats_and_integers():
    integers, floats = _draws(1, 7, 700_000)
    assert 0.0 <= floats.min() and floats.max() < 1.0
    assert abs(floats.mean() - 0.5) < 0.002 and abs(floats.var() - 1 / 12) < 0.001
    counts = np.bincount(integers, minlength=7)
    assert len(counts) == 7
    chi2 = ((counts - 100_000) ** 2 / 100_000).sum()
    assert chi2 < 22.5                                   # chi-square, 6 degrees of freedom: p = 0.001
    # the same seed gives the same draws; another seed does not
    assert np.array_equal(_draws(1, 7, 100)[0], integers[:100]) and not np.array_equal(_draws(2, 7, 100)[0],
                                                                                         integers[:100])


def test_integers_are_exactly_uniform_where_multiply_and_shift_alone_is_not():
    # n = 3 * 2**30: of the 2**32 values of the top bits, 2**30 outputs would be hit twice without the rejection
    # step, every third one, and their residue mod 3 would come up half the time instead of a third
    integers, _ = _draws(3, 3 * 2**30, 300_000)
    assert integers.min() >= 0 and integers.max() < 3 * 2**30
    fractions = np.bincount(integers % 3, minlength=3) / len(integers)
    np.testing.assert_allclose(fractions, 1 / 3, atol=0.005)
