"""Implementation exercises of lesson 09: the sine Coulomb matrix and CGCNN's gated message sum."""

from __future__ import annotations

import warnings

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, implement

# -- 09.sine-matrix ------------------------------------------------------------------------------


def _crystal_cases(rng: np.random.Generator) -> list[dict]:
    from pymatgen.core import Lattice

    cases = []
    for k in range(24):
        n = int(rng.integers(1, 7))
        angles = rng.uniform(70, 110, 3) if k % 3 else (90.0, 90.0, 90.0)
        lattice = Lattice.from_parameters(*rng.uniform(3.0, 7.0, 3), *angles).matrix
        cases.append({"numbers": rng.integers(1, 84, size=n), "frac_coords": rng.random((n, 3)), "lattice": lattice})
    return cases


def _verify_sine_matrix(function, case) -> str | None:
    from matminer.featurizers.structure import SineCoulombMatrix
    from pymatgen.core import Lattice, Structure

    structure = Structure(Lattice(case["lattice"]), [int(z) for z in case["numbers"]], case["frac_coords"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.asarray(SineCoulombMatrix(flatten=False).fit([structure]).featurize(structure)[0])
    got = function(case["numbers"].copy(), case["frac_coords"].copy(), case["lattice"].copy())
    # rtol 1e-4: matminer converts with the "Angstrom star" (15 ppm from the ångström); either conversion passes
    return compare_arrays(got, expected, rtol=1e-4, atol=1e-8, what="sine matrix")


implement(
    id="09.sine-matrix",
    prompt=("Write the sine Coulomb matrix of a crystal (Faber et al. 2015) with NumPy. It is checked against "
            "matminer's SineCoulombMatrix on 24 random crystals of 1-6 atoms, triclinic and orthorhombic."),
    scaffold='''def sine_matrix(numbers, frac_coords, lattice):
    """Sine Coulomb matrix (n, n) of atomic numbers (n,), fractional coordinates (n, 3) and lattice vectors
    (3, 3, rows, Å). Diagonal: 0.5 Z_i**2.4. Off-diagonal: Z_i Z_j / ||sin²(π (f_i - f_j)) @ lattice||, with
    sin² taken component by component and the length in bohr (1 bohr = 0.529177 Å).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def sine_matrix(numbers, frac_coords, lattice):
    z = np.asarray(numbers, float)
    difference = frac_coords[:, None, :] - frac_coords[None, :, :]          # (n, n, 3)
    length = np.linalg.norm(np.sin(np.pi * difference) ** 2 @ lattice, axis=2) / 0.529177210544
    np.fill_diagonal(length, np.inf)
    matrix = np.outer(z, z) / length
    np.fill_diagonal(matrix, 0.5 * z ** 2.4)
    return matrix''',
    hints=("Build all fractional differences at once: frac_coords[:, None, :] - frac_coords[None, :, :] has shape "
           "(n, n, 3).",
           "Square the sine *before* multiplying by the lattice, and take the norm of the resulting 3-vector; the "
           "lattice vectors are the rows, so the product is (sin² vector) @ lattice.",
           "The distance is in bohr: divide the length in Å by 0.529177. Put 0.5 * Z**2.4 on the diagonal last "
           "(the off-diagonal formula divides by zero there)."),
    cases=_crystal_cases,
    verify=_verify_sine_matrix,
)


# -- 09.cgcnn-messages ---------------------------------------------------------------------------


def _graph_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n_atoms, node_dim, edge_dim = int(rng.integers(1, 6)), int(rng.integers(1, 5)), int(rng.integers(1, 6))
        n_edges = int(rng.integers(1, 4 * n_atoms + 1))
        cases.append({"v": rng.normal(size=(n_atoms, node_dim)), "u": rng.random((n_edges, edge_dim)),
                      "centers": rng.integers(0, n_atoms, n_edges), "neighbors": rng.integers(0, n_atoms, n_edges),
                      "W": rng.normal(0, 0.7, size=(2 * node_dim + edge_dim, 2 * node_dim)),
                      "b": rng.normal(0, 0.3, size=2 * node_dim)})
    return cases


def _verify_messages(function, case) -> str | None:
    import torch

    from matsci_ml.graph_network import CGConv

    node_dim = case["v"].shape[1]
    conv = CGConv(node_dim, case["u"].shape[1]).double()
    with torch.no_grad():
        conv.linear.weight.copy_(torch.as_tensor(case["W"].T))
        conv.linear.bias.copy_(torch.as_tensor(case["b"]))
        expected = conv.summed_messages(torch.as_tensor(case["v"]), torch.as_tensor(case["u"]),
                                        torch.as_tensor(case["centers"]), torch.as_tensor(case["neighbors"])).numpy()
    got = function(*(case[key].copy() for key in ("v", "u", "centers", "neighbors", "W", "b")))
    return compare_arrays(got, expected, rtol=1e-9, atol=1e-12, what="summed messages")


implement(
    id="09.cgcnn-messages",
    prompt=("Write the heart of a CGCNN convolution: for every atom, the sum over its edges of the gated messages "
            "sigmoid(z W_f + b_f) * softplus(z W_s + b_s), z = v_i ⊕ v_j ⊕ u_ij. Checked against the library's "
            "CGConv (PyTorch) on 24 random graphs, with repeated edges and atoms without any."),
    scaffold='''def summed_messages(v, u, centers, neighbors, W, b):
    """For every atom i, the sum of message_k over the edges k with centers[k] == i; shape (n_atoms, d).

    v (n_atoms, d) atom vectors; u (n_edges, e) edge features; edge k updates atom centers[k] from atom
    neighbors[k]; W (2d + e, 2d) and b (2d,): the first d outputs are the gate, the last d the core.
    z_k = concatenate(v[centers[k]], v[neighbors[k]], u[k])
    message_k = sigmoid(z_k @ W[:, :d] + b[:d]) * softplus(z_k @ W[:, d:] + b[d:])
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def summed_messages(v, u, centers, neighbors, W, b):
    d = v.shape[1]
    z = np.concatenate([v[centers], v[neighbors], u], axis=1) @ W + b
    gate, core = z[:, :d], z[:, d:]
    messages = 1.0 / (1.0 + np.exp(-gate)) * np.logaddexp(0.0, core)      # softplus(x) = log(1 + e^x)
    summed = np.zeros_like(v)
    np.add.at(summed, centers, messages)        # an edge list may name the same atom many times
    return summed''',
    hints=("Stack z for all edges at once: np.concatenate([v[centers], v[neighbors], u], axis=1) has shape "
           "(n_edges, 2d + e); one product with W gives both halves.",
           "The gate is the *first* d columns and goes through the sigmoid; the core, the last d, through "
           "softplus(x) = log(1 + exp(x)) (np.logaddexp(0, x) does it without overflow).",
           "summed[centers] += messages adds only once per repeated atom; np.add.at(summed, centers, messages) "
           "adds every edge."),
    cases=_graph_cases,
    verify=_verify_messages,
)
