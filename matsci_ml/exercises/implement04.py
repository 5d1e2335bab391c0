"""Implementation exercises of lesson 04: a correlation function, and a ridge fit of ECIs."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, implement

# -- 04.correlation-function ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _supercells():
    """A few Cu-Pt supercells of the lesson's parent lattice with their cluster sites (computed once)."""
    from ase.build import make_supercell

    from matsci_ml.cluster_expansion.cluster_space import ClusterSpace
    from matsci_ml.cluster_expansion.lesson_setup import cupt_parent

    space = ClusterSpace(cupt_parent(), {2: 5.4, 3: 4.0}, ("Cu", "Pt"))
    cells = []
    for matrix in ([[2, 0, 0], [0, 2, 0], [0, 0, 2]], [[-1, 1, 1], [1, -1, 1], [1, 1, -1]], [[3, 0, 0], [0, 2, 0], [0, 0, 1]],
                   [[1, 1, 0], [0, 1, 2], [2, 0, 1]]):
        atoms = make_supercell(cupt_parent(), np.array(matrix))
        cells.append((atoms, space.cluster_sites(atoms)))
    return space, cells


def _correlation_cases(rng: np.random.Generator) -> list[dict]:
    space, cells = _supercells()
    cases = []
    for k in range(24):
        atoms, sites = cells[k % len(cells)]
        x_cu = rng.uniform(0.1, 0.9)
        symbols = np.where(rng.random(len(atoms)) < x_cu, "Cu", "Pt")
        orbit = int(rng.integers(0, len(sites)))
        cases.append({"symbols": symbols, "clusters": sites[orbit], "_cell": k % len(cells), "_orbit": orbit})
    return cases


def _verify_correlation(function, case) -> str | None:
    space, cells = _supercells()
    atoms = cells[case["_cell"]][0].copy()
    atoms.set_chemical_symbols(list(case["symbols"]))
    expected = space.correlations(atoms)[1 + case["_orbit"]]          # column 0 is the empty cluster
    got = function(case["symbols"].copy(), case["clusters"].copy(), ("Cu", "Pt"))
    problem = compare_arrays(got, expected, atol=1e-12, what="correlation function")
    return f"{problem}\n  (orbit {space.names[1 + case['_orbit']]} of a {len(atoms)}-site cell)" if problem else None


implement(
    id="04.correlation-function",
    prompt=("Write the correlation function of one orbit: given which species sits on each site, and the site "
            "indices of every cluster of the orbit in the supercell, return phi. Checked against ClusterSpace on 24 "
            "random Cu-Pt configurations in four supercells (points, pairs and triplets)."),
    scaffold='''def correlation_function(symbols, clusters, species=("Cu", "Pt")):
    """Correlation function of one orbit for a configuration.

    symbols  : array (N,) of str -- the species on each site of the supercell
    clusters : int array (n_clusters, order) -- site indices of each cluster of the orbit
    species  : the two species; species[0] has occupation sigma = +1, species[1] has sigma = -1
    Returns phi = the average over the clusters of the product of sigma over the sites of each cluster.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def correlation_function(symbols, clusters, species=("Cu", "Pt")):
    sigma = np.where(np.asarray(symbols) == species[0], 1.0, -1.0)
    return np.mean(np.prod(sigma[clusters], axis=1))''',
    hints=("Turn the symbols into occupations sigma = +1 / -1 first: with 0/1 occupations the products mean "
           "something else.",
           "sigma[clusters] has the shape of `clusters`; multiply along each row (np.prod(..., axis=1)).",
           "Average, don't sum, over the clusters: phi lies in [-1, 1] and does not depend on the supercell size. "
           "And check which species is +1: for odd orders the sign matters."),
    cases=_correlation_cases,
    verify=_verify_correlation,
)


# -- 04.ridge-ecis -------------------------------------------------------------------------------


def _ridge_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n_params = int(rng.integers(3, 30))
        n_structures = int(rng.integers(2, n_params)) if k % 2 == 0 else int(rng.integers(n_params, 3 * n_params))
        X = np.column_stack([np.ones(n_structures), rng.uniform(-1, 1, size=(n_structures, n_params - 1))])
        y = X @ rng.normal(0.0, 0.05, size=n_params) + rng.normal(0.0, 0.005, size=n_structures)
        cases.append({"X": X, "y": y, "alpha": float(10 ** rng.uniform(-4, 0))})
    return cases


def _verify_ridge(function, case) -> str | None:
    from sklearn.linear_model import Ridge

    expected = Ridge(alpha=case["alpha"], fit_intercept=False, solver="svd").fit(case["X"], case["y"]).coef_
    shape = f"{case['X'].shape[0]} structures, {case['X'].shape[1]} ECIs"
    problem = compare_arrays(function(case["X"].copy(), case["y"].copy(), case["alpha"]), expected,
                             atol=1e-9, rtol=1e-6, what="ECIs")
    return f"{problem}\n  ({shape})" if problem else None


implement(
    id="04.ridge-ecis",
    prompt=("Ordinary least squares has no unique answer when there are fewer structures than clusters. Ridge "
            "regression has one. Write the ridge solution for the ECIs; it is checked against scikit-learn's Ridge on "
            "24 fits, half of them under-determined (fewer structures than ECIs)."),
    scaffold='''def ridge_ecis(X, y, alpha):
    """ECIs J minimising ||y - X J||^2 + alpha ||J||^2.

    X : array (n_structures, n_ecis) -- correlation functions, column 0 the empty cluster (all ones)
    y : array (n_structures,)        -- energies, eV/site
    alpha : float > 0                -- the ridge penalty (it applies to every ECI, the constant too)
    Returns J, array (n_ecis,).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def ridge_ecis(X, y, alpha):
    n_ecis = X.shape[1]
    return np.linalg.solve(X.T @ X + alpha * np.eye(n_ecis), X.T @ y)''',
    hints=("Set the gradient of the loss to zero: (X^T X + alpha I) J = X^T y.",
           "Solve that linear system with np.linalg.solve; X^T X alone is singular when there are fewer structures "
           "than ECIs, but adding alpha I makes it invertible.",
           "No intercept and no scaling of alpha by the number of structures: the constant ECI is column 0 of X."),
    cases=_ridge_cases,
    verify=_verify_ridge,
)
