"""Implementation exercises of lesson 05: a Metropolis sweep of the Ising model, one BKL step."""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, describe, implement
from matsci_ml.monte_carlo.thermodynamics import block_standard_error

# -- 05.metropolis-sweep -------------------------------------------------------------------------

_L = 3                       # 3 x 3 periodic lattice: 512 states, enumerated exactly
_SWEEPS, _BURN_IN = 700, 100


def _ising_energy(spins: np.ndarray) -> float:
    """E = -J sum over nearest-neighbour bonds (periodic), J = 1: each bond counted once."""
    return float(-(spins * np.roll(spins, 1, axis=0)).sum() - (spins * np.roll(spins, 1, axis=1)).sum())


@lru_cache(maxsize=1)
def _states():
    states = np.array(list(itertools.product((-1, 1), repeat=_L * _L)), dtype=np.int64).reshape(-1, _L, _L)
    energies = np.array([_ising_energy(s) for s in states])
    m2 = (states.reshape(len(states), -1).mean(axis=1)) ** 2
    return energies, m2


def _exact_averages(kT: float) -> tuple[float, float]:
    """Exact <E>/N and <m^2> of the 3 x 3 periodic Ising model at temperature kT (units of J/k_B)."""
    energies, m2 = _states()
    weights = np.exp(-(energies - energies.min()) / kT)
    weights /= weights.sum()
    return float(weights @ energies) / _L**2, float(weights @ m2)


def _sweep_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        kT = 1e-3 if k < 3 else float(rng.uniform(1.2, 5.0))
        cases.append({"spins": rng.choice(np.array([-1, 1]), size=(_L, _L)), "kT": kT,
                      "rng": int(rng.integers(2**31))})
    return cases


def _verify_sweep(function, case) -> str | None:
    rng = np.random.default_rng(case["rng"])
    spins = case["spins"].copy()
    if case["kT"] < 0.01:          # near T = 0 a sweep may never raise the energy
        before = _ising_energy(spins)
        result = function(spins, case["kT"], rng)
        if result is None:
            return "returned None: return the spins"
        result = np.asarray(result)
        if result.shape != (_L, _L) or not np.all(np.abs(result) == 1):
            return f"expected a {_L}x{_L} array of +1/-1, got {describe(result)}"
        after = _ising_energy(result)
        return None if after <= before else (f"at kT = {case['kT']} the energy went up from {before} to {after} J "
                                            "in one sweep: uphill moves must be (almost) always rejected")
    energies, m2 = [], []
    for sweep in range(_SWEEPS):
        result = function(spins, case["kT"], rng)
        if result is None:
            return "returned None: return the spins"
        spins = np.asarray(result)
        if sweep >= _BURN_IN:
            energies.append(_ising_energy(spins) / _L**2)
            m2.append(spins.mean() ** 2)
    exact_e, exact_m2 = _exact_averages(case["kT"])
    for name, series, exact in (("<E>/N", np.array(energies), exact_e), ("<m^2>", np.array(m2), exact_m2)):
        mean, error = float(series.mean()), block_standard_error(series, n_blocks=10)
        if abs(mean - exact) > 5 * error + 0.01:
            return (f"{_SWEEPS - _BURN_IN} sweeps at kT = {case['kT']:.3f} J/k_B give {name} = {mean:.4f} +- {error:.4f}; "
                    f"exact enumeration of the 512 states gives {exact:.4f} (off by {abs(mean - exact) / max(error, 1e-12):.0f} "
                    "standard errors): the chain does not sample the Boltzmann distribution")
    return None


implement(
    id="05.metropolis-sweep",
    prompt=("Write one Metropolis sweep of the 2D Ising model in plain Python/NumPy. The checker runs your sweep "
            "700 times (100 to equilibrate) on a 3 x 3 periodic lattice at each of 21 temperatures and compares the "
            "average energy and m^2 with exact enumeration of all 512 states, within 5 standard errors of the chain "
            "(block averages); 3 more cases near T = 0 check that the energy never goes up. About 1 s."),
    scaffold='''def metropolis_sweep(spins, kT, rng):
    """One sweep: L*L single-spin-flip Metropolis attempts on the periodic L x L Ising model.

    E = -J sum over nearest-neighbour pairs of s_i s_j, with J = 1.
    spins : int array (L, L) of +1 / -1 (you may change it in place)
    kT    : temperature in units of J / k_B
    rng   : numpy.random.Generator -- use it for every random number
    Each attempt picks a site at random and flips it with probability min(1, exp(-dE / kT)).
    Returns the spins after the sweep.
    """
    raise NotImplementedError''',
    solution_code='''import math

def metropolis_sweep(spins, kT, rng):
    L = spins.shape[0]
    for _ in range(L * L):
        i, j = rng.integers(L), rng.integers(L)
        neighbours = (spins[(i + 1) % L, j] + spins[(i - 1) % L, j]
                      + spins[i, (j + 1) % L] + spins[i, (j - 1) % L])
        dE = 2.0 * spins[i, j] * neighbours          # energy change of flipping s_ij, in J
        if dE <= 0 or rng.random() < math.exp(-dE / kT):
            spins[i, j] = -spins[i, j]
    return spins''',
    hints=("Flipping s_ij changes E by dE = 2 s_ij (sum of its four neighbours) (J = 1): the bonds to the "
           "neighbours change sign, so the factor is 2.",
           "Neighbours wrap around: spins[(i + 1) % L, j], spins[(i - 1) % L, j], and the same along j.",
           "Accept when dE <= 0 or rng.random() < exp(-dE / kT); a rejected move leaves the spin as it was "
           "(and the old state is counted again)."),
    cases=_sweep_cases,
    verify=_verify_sweep,
)


# -- 05.bkl-step ----------------------------------------------------------------------------------


def _bkl_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(30):
        n = int(rng.integers(1, 30))
        rates = 10 ** rng.uniform(-3, 13, size=n) if k % 2 else rng.uniform(0.0, 5.0, size=n)
        if n > 2 and k % 3 == 0:
            rates[rng.integers(n, size=n // 3)] = 0.0        # forbidden events
        rates[rng.integers(n)] = max(rates.max(), 1.0)       # at least one event can happen
        cases.append({"rates": rates, "u1": float(rng.uniform(1e-9, 1.0 - 1e-9)),
                      "u2": float(rng.uniform(1e-9, 1.0))})
    return cases


def _verify_bkl(function, case) -> str | None:
    rates, u1, u2 = case["rates"], case["u1"], case["u2"]
    cumulative = np.cumsum(rates)
    total = cumulative[-1]
    expected_event = int(np.searchsorted(cumulative, u1 * total, side="right"))   # C[e-1] <= u1 R < C[e]
    expected_dt = -np.log(u2) / total
    got = function(rates.copy(), u1, u2)
    try:
        event, dt = got
    except (TypeError, ValueError):
        return f"expected a pair (event, dt) = ({expected_event}, {expected_dt:.6g}), got {describe(got)}"
    if int(event) != expected_event:
        return (f"expected event {expected_event} (rate {rates[expected_event]:.4g} of total {total:.4g}; "
                f"u1 * R = {u1 * total:.4g}), got event {event}")
    return compare_arrays(dt, expected_dt, atol=0.0, rtol=1e-9, what="dt (s)")


implement(
    id="05.bkl-step",
    prompt=("Write one step of rejection-free (BKL, n-fold way) kinetic Monte Carlo: choose an event with "
            "probability proportional to its rate, and the time increment. Checked exactly on 30 random rate "
            "catalogues (rates from 1e-3 to 1e13 per second, some forbidden)."),
    scaffold='''def bkl_step(rates, u1, u2):
    """One Bortz-Kalos-Lebowitz step.

    rates  : array (n,) of event rates, 1/s (>= 0, at least one > 0)
    u1, u2 : two independent uniform random numbers in (0, 1)
    Returns (event, dt): the event e whose slice of the cumulative rates contains u1 * R,
    i.e. C[e-1] <= u1 * R < C[e] with C = cumulative sum of the rates and R = C[-1] the total
    rate, and the time to it, dt = -ln(u2) / R in seconds.
    """
    raise NotImplementedError''',
    solution_code='''import math

def bkl_step(rates, u1, u2):
    total = sum(rates)
    target = u1 * total
    cumulative = 0.0
    for event, rate in enumerate(rates):
        cumulative += rate
        if target < cumulative:
            break
    return event, -math.log(u2) / total''',
    hints=("Line the rates up end to end on [0, R]; u1 * R falls in the slice of the chosen event.",
           "Walk through the cumulative sum and stop at the first event with u1 * R < cumulative: a zero-rate event "
           "has an empty slice and is never chosen.",
           "The clock advances with the *total* rate, dt = -ln(u2) / R, not with the rate of the chosen event: the "
           "waiting time is that of the first of all possible events."),
    cases=_bkl_cases,
    verify=_verify_bkl,
)
