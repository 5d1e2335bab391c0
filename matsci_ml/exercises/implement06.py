"""Implementation exercises of lesson 06: the MTP radial basis and a moment tensor."""

from __future__ import annotations

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, implement

# -- 06.radial-basis ------------------------------------------------------------------------------


def _radial_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for _ in range(24):
        r_min = float(rng.uniform(1.5, 2.5))
        r_cut = float(r_min + rng.uniform(2.0, 4.0))
        r = np.sort(rng.uniform(r_min, r_cut + 1.0, size=int(rng.integers(1, 15))))   # some beyond the cutoff
        cases.append({"r": r, "n_basis": int(rng.integers(1, 11)), "r_min": r_min, "r_cut": r_cut})
    return cases


def _verify_radial(function, case) -> str | None:
    from matsci_ml.mtp.kernels import _chebyshev

    n = case["n_basis"]
    expected = np.zeros((len(case["r"]), n))
    q, dq = np.zeros(n), np.zeros(n)
    for row, r in enumerate(case["r"]):
        _chebyshev.py_func(r, case["r_min"], case["r_cut"], 1.0, q, dq)      # the MTP kernel itself
        expected[row] = q
    return compare_arrays(function(case["r"].copy(), n, case["r_min"], case["r_cut"]), expected,
                          atol=1e-10, rtol=1e-9, what="Q (rows: distances, columns: beta)")


implement(
    id="06.radial-basis",
    prompt=("Write the MTP's radial basis Q_beta(r) = T_beta(xi(r)) (R_cut - r)^2: Chebyshev polynomials of a "
            "distance mapped onto [-1, 1], times a factor that vanishes smoothly at the cutoff. Checked against the "
            "numba kernel of our MTP on 24 random sets of distances (some beyond the cutoff)."),
    scaffold='''def radial_basis(r, n_basis, r_min, r_cut):
    """Q_beta(r) for beta = 0 .. n_basis - 1: array (len(r), n_basis).

    r : array of distances, A.  Q_beta(r) = T_beta(xi) * (r_cut - r)**2 for r < r_cut and 0 beyond,
    with xi = (2 r - (r_min + r_cut)) / (r_cut - r_min) (so xi = -1 at r_min and +1 at r_cut) and
    T_beta the Chebyshev polynomials of the first kind: T_0 = 1, T_1 = xi, T_{b+1} = 2 xi T_b - T_{b-1}.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def radial_basis(r, n_basis, r_min, r_cut):
    r = np.asarray(r, float)
    xi = (2 * r - (r_min + r_cut)) / (r_cut - r_min)
    T = [np.ones_like(xi), xi]
    for _ in range(2, n_basis):
        T.append(2 * xi * T[-1] - T[-2])
    smooth = np.where(r < r_cut, (r_cut - r) ** 2, 0.0)
    return np.stack(T[:n_basis], axis=1) * smooth[:, None]''',
    hints=("Map r to xi first; T_0 = 1 and T_1 = xi, then the recurrence T_{b+1} = 2 xi T_b - T_{b-1}.",
           "Multiply every T_beta by (r_cut - r)**2, and set Q = 0 for r >= r_cut (beyond the cutoff xi > 1 and the "
           "polynomials grow).",
           "n_basis can be 1: build the list of polynomials and keep the first n_basis of them."),
    cases=_radial_cases,
    verify=_verify_radial,
)


# -- 06.moment-tensor ------------------------------------------------------------------------------


def _moment_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n = int(rng.integers(1, 16))
        directions = rng.normal(size=(n, 3))
        lengths = rng.uniform(2.0, 5.0, size=n)
        vectors = directions / np.linalg.norm(directions, axis=1)[:, None] * lengths[:, None]
        cases.append({"vectors": vectors, "radial": rng.normal(size=n), "nu": k % 4})
    return cases


def _verify_moment(function, case) -> str | None:
    vectors, radial, nu = case["vectors"], case["radial"], case["nu"]
    unit = vectors / np.linalg.norm(vectors, axis=1)[:, None]
    expected = np.zeros((3,) * nu)
    for f, u in zip(radial, unit):                 # the definition, term by term
        term = np.array(f)
        for _ in range(nu):
            term = np.multiply.outer(term, u)
        expected = expected + term
    return compare_arrays(function(vectors.copy(), radial.copy(), nu), expected, atol=1e-10, what=f"M (rank {nu})")


implement(
    id="06.moment-tensor",
    prompt=("Write the moment tensor M_{mu,nu} of a neighbourhood from the neighbours' vectors and the values of the "
            "radial function f_mu at their distances. Our MTP (like mlip-2) uses unit vectors r_ij / |r_ij| in the "
            "tensor product; the radial function carries the distance. Checked on 24 neighbourhoods, ranks 0 to 3."),
    scaffold='''def moment_tensor(vectors, radial, nu):
    """M = sum_j radial[j] * u_j (x) u_j (x) ... (x) u_j  (nu factors), with u_j = vectors[j] / |vectors[j]|.

    vectors : array (n, 3) -- r_ij from the centre atom to each neighbour, A
    radial  : array (n,)   -- f_mu(|r_ij|) of each neighbour
    nu      : 0, 1, 2 or 3 -- the rank
    Returns an array of shape (3,) * nu: a scalar (shape ()) for nu = 0, (3,) for nu = 1, (3, 3) for nu = 2...
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def moment_tensor(vectors, radial, nu):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    total = np.zeros((3,) * nu)
    for f, u in zip(radial, unit):
        term = np.array(f)
        for _ in range(nu):
            term = np.multiply.outer(term, u)       # one more tensor factor
        total = total + term
    return total''',
    hints=("nu = 0 is the weighted neighbour count sum_j f_j; nu = 1 is the vector sum_j f_j u_j.",
           "Normalise each vector first: the tensor factors are directions (unit vectors), not r_ij itself.",
           "np.multiply.outer(term, u) adds one tensor factor; start each neighbour's term from the scalar f_j "
           "and apply it nu times. (Or: np.einsum('j,ja,jb->ab', f, u, u) for nu = 2.)"),
    cases=_moment_cases,
    verify=_verify_moment,
)
