"""Statistical errors of Monte Carlo averages, the Binder crossing with its error, and the chemical-potential scan."""

from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.monte_carlo import (binder_crossing, binder_crossing_with_error, binder_cumulant, binder_cumulant_error,
                                   block_standard_error, chemical_potential_scan, square_lattice_ising)


def _ar1(n, rho, rng):
    x = np.empty(n)
    x[0] = rng.normal()
    noise = rng.normal(size=n) * np.sqrt(1 - rho**2)
    for i in range(1, n):
        x[i] = rho * x[i - 1] + noise[i]
    return x


def test_block_error_matches_iid_and_grows_with_correlation():
    rng = np.random.default_rng(0)
    iid = rng.normal(size=20000)
    assert block_standard_error(iid) == pytest.approx(1 / np.sqrt(20000), rel=0.4)
    correlated = _ar1(20000, 0.95, rng)
    naive = correlated.std() / np.sqrt(len(correlated))
    # the integrated autocorrelation time of AR(1) is (1 + rho)/(1 - rho) = 39: the error is ~6x the naive one
    assert block_standard_error(correlated) > 3 * naive
    with pytest.raises(ValueError, match="samples"):
        block_standard_error(np.ones(5))


def test_binder_error_matches_the_spread_of_independent_runs():
    rng = np.random.default_rng(1)
    runs = [np.abs(rng.normal(0.6, 0.2, size=4000)) for _ in range(40)]
    values = np.array([binder_cumulant(m) for m in runs])
    errors = np.array([binder_cumulant_error(m) for m in runs])
    assert errors.mean() == pytest.approx(values.std(ddof=1), rel=0.35)


def test_binder_crossing_and_its_error_on_noisy_lines():
    kTs = np.linspace(2.2, 2.34, 8)
    small, large = 0.6 - 0.5 * (kTs - 2.3), 0.6 - 1.5 * (kTs - 2.3)        # cross at 2.3
    assert binder_crossing(kTs, small, large) == pytest.approx(2.3)
    rng = np.random.default_rng(2)
    estimates, reported = [], []
    for _ in range(200):
        sigma = np.full(8, 0.005)
        tc, err = binder_crossing_with_error(kTs, small + sigma * rng.normal(size=8), large + sigma * rng.normal(size=8),
                                             sigma, sigma, n_resamples=300, seed=0)
        estimates.append(tc)
        reported.append(err)
    assert np.mean(estimates) == pytest.approx(2.3, abs=0.003)
    assert np.median(reported) == pytest.approx(np.std(estimates), rel=0.3)   # the error bar is the real scatter


def test_chemical_potential_scan_of_non_interacting_sites_is_a_fermi_function():
    free = square_lattice_ising(8, coupling=0.0)
    dmus = np.array([-1.0, 0.0, 0.5, 1.0])
    x = chemical_potential_scan(free, np.ones(64, dtype=np.int8), dmus, kT=1.0, n_sweeps=3000, seed=3)
    exact = 1 / (1 + np.exp(-dmus))                      # weight e^{beta dmu} per +1 site
    assert x == pytest.approx(exact, abs=0.01)
