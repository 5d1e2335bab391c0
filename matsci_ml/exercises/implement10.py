"""Implementation exercises of lesson 10: the per-element energy shift, and the candidates near a convex hull."""

from __future__ import annotations

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, implement

# -- 10.elemental-shift ----------------------------------------------------------------------------


def _shift_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        m = int(rng.integers(1, 5))
        n_configs = int(rng.integers(m + 2, 30))
        counts = rng.integers(0, 40, size=(n_configs, m))
        counts[np.arange(n_configs), rng.integers(0, m, n_configs)] += 1          # no empty configuration
        counts[:m, :] = np.where(np.eye(m, dtype=bool), counts[:m, :] + 8, counts[:m, :])   # every element present
        mu = rng.normal(0.0, 0.5, m)
        noise = rng.normal(0.0, 0.05, n_configs) * counts.sum(axis=1)             # a non-constant model error
        cases.append({"counts": counts, "energy_difference": counts @ mu + noise})
    return cases


def _verify_shift(function, case) -> str | None:
    from matsci_ml.universal.zero_shot import shift_by_least_squares

    expected = shift_by_least_squares(case["counts"], case["energy_difference"])
    got = function(case["counts"].copy(), case["energy_difference"].copy())
    return compare_arrays(got, expected, rtol=1e-6, atol=1e-9, what="shift per element (eV/atom)")


implement(
    id="10.elemental-shift",
    prompt=("Write the per-element energy shift between two sets of DFT settings (or a universal model and DFT): "
            "the constants mu_Z (eV/atom) that best explain the energy difference per atom of each configuration "
            "by its composition, in the least-squares sense. Checked against the library's shift_by_least_squares "
            "on 24 random training sets of 1-4 elements with a non-constant error on top."),
    scaffold='''def elemental_shift(counts, energy_difference):
    """mu (m,) in eV/atom minimising sum_k (dE_k / N_k - sum_Z x_kZ mu_Z)**2.

    counts            : int array (k, m) -- atoms of each of m elements in each of k configurations
    energy_difference : array (k,)       -- E_DFT - E_model of each configuration, total (eV)
    N_k = atoms in configuration k;  x_kZ = counts[k, Z] / N_k (fractions).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def elemental_shift(counts, energy_difference):
    sizes = counts.sum(axis=1)
    mu, *_ = np.linalg.lstsq(counts / sizes[:, None], energy_difference / sizes, rcond=None)
    return mu''',
    hints=("Divide both sides by the number of atoms N_k: the unknowns multiply the fractions x_kZ, and the "
           "right-hand side is the difference per atom.",
           "np.linalg.lstsq(A, b, rcond=None)[0] solves min ||A mu - b||². Fitting total energies against counts "
           "instead weighs large cells more: a different answer when the error is not constant.",
           "The sign: mu is what you add to the model's energy per atom to get DFT's, so the difference is "
           "E_DFT - E_model."),
    cases=_shift_cases,
    verify=_verify_shift,
)


# -- 10.near-hull ----------------------------------------------------------------------------------


def _hull_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n = int(rng.integers(3, 40))
        x = np.concatenate([[0.0, 1.0], rng.integers(1, 12, n) / 12.0])
        energy = np.concatenate([[0.0, 0.0], rng.uniform(-0.12, 0.04, n) * (1 if k % 4 else 0.1)])
        cases.append({"x": x, "energy": energy, "window": float(rng.uniform(0.003, 0.03))})
    return cases


def _verify_near_hull(function, case) -> str | None:
    from matsci_ml.atomistic.hull import convex_hull

    expected = np.flatnonzero(convex_hull(case["x"], case["energy"]).energy_above_hull < case["window"])
    got = function(case["x"].copy(), case["energy"].copy(), case["window"])
    if got is not None:
        got = np.sort(np.asarray(got, dtype=float).ravel())
    return compare_arrays(got, expected, atol=0, rtol=0, what="indices within the window")


implement(
    id="10.near-hull",
    prompt=("Write the selection step of a hull search: the indices of the candidates whose formation energy lies "
            "less than `window` above the lower convex hull (the pure elements at x = 0 and 1 are the hull's end "
            "points). Checked against the library's convex hull (pymatgen) on 24 random binary candidate sets."),
    scaffold='''def near_hull(x, energy, window):
    """Sorted indices k with energy[k] - hull(x[k]) < window.

    x      : array (n,) -- fraction of the first element, in [0, 1]; x = 0 and x = 1 both occur
    energy : array (n,) -- formation energy per atom (eV/atom)
    window : float      -- eV/atom
    hull(x) is the lower convex hull of the points (x, energy), evaluated at x (linear between vertices).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def near_hull(x, energy, window):
    points = sorted(set(zip(x, energy)))            # by x, then energy
    hull = []                                       # Andrew's monotone chain, lower half
    for p in points:
        while len(hull) >= 2 and ((hull[-1][0] - hull[-2][0]) * (p[1] - hull[-2][1])
                                  - (hull[-1][1] - hull[-2][1]) * (p[0] - hull[-2][0])) <= 0:
            hull.pop()
        hull.append(p)
    hx, he = np.array(hull).T
    return np.flatnonzero(energy - np.interp(x, hx, he) < window)''',
    hints=("Build the lower hull first: sort the points by x and keep only left turns (Andrew's monotone chain); "
           "a point that makes a right turn or lies on the line with the last two is dropped.",
           "The hull is not the lowest energy at each composition: a structure can be the lowest at its x and still "
           "lie above the line between its neighbours' vertices. Nor is it the line between the pure elements.",
           "Once you have the vertices, np.interp(x, hull_x, hull_energy) gives the hull under every candidate."),
    cases=_hull_cases,
    verify=_verify_near_hull,
)
