r"""Long-range order parameters of the common cubic orderings, from sublattice occupations.

An ordered binary alloy puts its species on different *sublattices* of the underlying lattice. The
conventional cubic cell (edge :math:`a`) splits

* **fcc** into four simple-cubic sublattices, the sites at :math:`(0,0,0)`, :math:`(0,\tfrac12,\tfrac12)`,
  :math:`(\tfrac12,0,\tfrac12)` and :math:`(\tfrac12,\tfrac12,0)\,a` plus the cubic lattice vectors;
* **bcc** into two, the cube corners and the cube centres.

With occupations :math:`\sigma_i = \pm 1`, the sublattice magnetizations :math:`m_s = \langle\sigma\rangle_s`
describe the long-range order. Each ordering is a pattern :math:`p_s` of sublattice magnetizations of
the perfect structure:

============ ======= ================ ==================================================
ordering     lattice composition      pattern (sublattices 0–3 or 0–1)
============ ======= ================ ==================================================
L1\ :sub:`0` fcc     AB (x = 1/2)     (+1, -1, -1, +1): (001) layers of A and B (CuAu)
L1\ :sub:`2` fcc     A\ :sub:`3`\ B   (-1, +1, +1, +1): B on one sublattice (Cu\ :sub:`3`\ Au)
B2           bcc     AB               (+1, -1): A at the corners, B at the centres (CsCl)
============ ======= ================ ==================================================

An ordering has several *variants* (domains): the sublattices can be permuted by the lattice's
translations and rotations, and A and B exchanged (L1\ :sub:`2` of the minority on either species).
The order parameter is the projection of the measured pattern onto the best-matching variant, after
removing the mean composition:

.. math:: \eta = \max_{v} \frac{(m - \bar m)\cdot(p_v - \bar p)}{(p_v - \bar p)\cdot(p_v - \bar p)},

1 for the perfect structure in any variant, 0 for the disordered alloy (of order :math:`1/\sqrt N` for
a finite random configuration, because of the maximum over variants), and below 1 for a partly
ordered one. For L1\ :sub:`0` and B2 it is the familiar :math:`\max_k |\eta_k|` of the three
X-point (fcc) or the single H-point (bcc) concentration waves; for L1\ :sub:`2` at x = 1/4 it is the Bragg–Williams
:math:`(c_B^{\alpha} - x_B)/(1 - x_B)` of the sublattice :math:`\alpha` the minority prefers.

The site-to-sublattice map comes from the positions of the sites, not from the order in which a
neighbour table or a supercell lists them (:func:`sublattice_indices`).
"""

from __future__ import annotations

import itertools

import numpy as np

#: ordering -> (lattice, pattern of sublattice magnetizations of the perfect structure)
ORDERINGS: dict[str, tuple[str, tuple[int, ...]]] = {
    "L1_0": ("fcc", (1, -1, -1, 1)),
    "L1_2": ("fcc", (-1, 1, 1, 1)),
    "B2": ("bcc", (1, -1)),
}

#: half-edge coordinates (2 r / a mod 2) of the sublattices of each cubic lattice
_SUBLATTICES = {
    "fcc": ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)),
    "bcc": ((0, 0, 0), (1, 1, 1)),
}
#: nearest-neighbour distance / cubic lattice constant
_NN_OVER_A = {"fcc": 1 / np.sqrt(2), "bcc": np.sqrt(3) / 2}


def sublattice_indices(positions, lattice: str, lattice_constant: float | None = None, *, origin=None,
                       tolerance: float = 0.1) -> np.ndarray:
    r"""Sublattice of every site of a cubic ``lattice`` ("fcc" or "bcc"), from the site positions (Å).

    The cubic axes are taken along x, y, z (as in ``ase.build.bulk`` for both the cubic and the
    primitive cells, and in :func:`~matsci_ml.monte_carlo.neighbour_table`). ``lattice_constant`` is the
    cubic edge *a* (Å); left out, it is read off the shortest distance between ``origin`` (default: the
    first site) and the other sites. A site more than ``tolerance`` × a/2 away from an ideal lattice
    point raises ``ValueError`` (a rotated, relaxed or wrong-lattice cell), so a wrong map cannot pass
    unnoticed.

    Returns an int array, 0..3 (fcc) or 0..1 (bcc), in the order of :data:`_SUBLATTICES`.
    """
    if lattice not in _SUBLATTICES:
        raise ValueError(f"unknown lattice {lattice!r}: order parameters are defined for 'fcc' and 'bcc'")
    if hasattr(positions, "get_positions"):
        positions = positions.get_positions()
    positions = np.asarray(positions, dtype=float)
    if positions.ndim != 2 or positions.shape[1] != 3 or len(positions) < 2:
        raise ValueError(f"positions must be an (n_sites, 3) array with n_sites >= 2, got shape {positions.shape}")
    origin = positions[0] if origin is None else np.asarray(origin, dtype=float)
    if lattice_constant is None:
        distances = np.linalg.norm(positions - origin, axis=1)
        nearest = distances[distances > 1e-8].min()
        lattice_constant = nearest / _NN_OVER_A[lattice]
    if not (np.isfinite(lattice_constant) and lattice_constant > 0):
        raise ValueError(f"lattice_constant must be a positive length (Å), got {lattice_constant}")
    half = 2.0 * (positions - origin) / lattice_constant          # coordinates in units of a/2
    rounded = np.rint(half)
    worst = float(np.abs(half - rounded).max())
    if worst > tolerance:
        raise ValueError(f"a site lies {worst:.2f} a/2 from the nearest {lattice} lattice point (a = {lattice_constant:.4f} "
                         f"Å, cubic axes along x, y, z): pass the ideal (unrelaxed) positions of a {lattice} cell with "
                         "cubic axes along x, y, z, or the right lattice_constant")
    parity = tuple(map(tuple, np.mod(rounded.astype(np.int64), 2)))
    lookup = {key: index for index, key in enumerate(_SUBLATTICES[lattice])}
    try:
        return np.array([lookup[key] for key in parity], dtype=np.int64)
    except KeyError as error:
        raise ValueError(f"site at half-edge parity {error.args[0]} is not a point of the {lattice} lattice "
                         f"(is the cell {'bcc' if lattice == 'fcc' else 'fcc'}?)") from None


def sublattice_magnetizations(spins, sublattices) -> np.ndarray:
    r""":math:`m_s = \langle\sigma\rangle_s` on every sublattice; ``spins`` is (n_sites,) or (n_samples, n_sites)."""
    spins = np.asarray(spins, dtype=float)
    sublattices = np.asarray(sublattices)
    if spins.shape[-1] != len(sublattices):
        raise ValueError(f"{spins.shape[-1]} occupations but {len(sublattices)} sublattice labels: use the same sites "
                         "in the same order")
    n_sub = int(sublattices.max()) + 1
    counts = np.bincount(sublattices, minlength=n_sub)
    if np.any(counts == 0):
        raise ValueError(f"sublattice(s) {np.flatnonzero(counts == 0).tolist()} hold no site: the cell is too small "
                         "or not a whole number of cubic cells")
    one_hot = np.eye(n_sub)[sublattices]                         # (n_sites, n_sub)
    return spins @ one_hot / counts


def _variants(pattern: tuple[int, ...]) -> np.ndarray:
    """All distinct sublattice permutations of ``pattern`` and of its species exchange."""
    variants = dict.fromkeys(tuple(sign * v for v in permuted) for sign in (1, -1)
                             for permuted in itertools.permutations(pattern))
    return np.array(list(variants), dtype=float)          # the pattern itself first


def order_parameter(spins, sublattices, ordering: str) -> np.ndarray | float:
    r"""Long-range order parameter :math:`\eta` of ``ordering`` ("L1_0", "L1_2" or "B2"); see the module docstring.

    ``spins`` is one configuration (n_sites,) of ±1, or a trace of them (n_samples, n_sites), in the
    site order of ``sublattices`` (from :func:`sublattice_indices`). Returns a float, or one value per sample.
    """
    if ordering not in ORDERINGS:
        raise ValueError(f"unknown ordering {ordering!r}; choose one of {', '.join(ORDERINGS)}")
    lattice, pattern = ORDERINGS[ordering]
    sublattices = np.asarray(sublattices)
    if int(sublattices.max()) + 1 != len(pattern) or sublattices.min() < 0:
        raise ValueError(f"{ordering} is an ordering of the {lattice} lattice ({len(pattern)} sublattices), but the labels "
                         f"run from {sublattices.min()} to {sublattices.max()}: use sublattice_indices(..., '{lattice}')")
    m = sublattice_magnetizations(spins, sublattices)
    variants = _variants(pattern)
    variants -= variants.mean(axis=1, keepdims=True)
    deviation = m - m.mean(axis=-1, keepdims=True)
    eta = (deviation @ variants.T / np.sum(variants**2, axis=1)).max(axis=-1)
    return float(eta) if np.ndim(eta) == 0 else eta


def ideal_configuration(sublattices, ordering: str, variant: int = 0) -> np.ndarray:
    """The perfect ``ordering`` on the sites labelled by ``sublattices``: ±1 occupations (int8).

    ``variant`` 0 is the pattern of :data:`ORDERINGS` (for L1_2 the -1 species on sublattice 0); the others
    permute the sublattices or exchange the species.
    """
    if ordering not in ORDERINGS:
        raise ValueError(f"unknown ordering {ordering!r}; choose one of {', '.join(ORDERINGS)}")
    variants = _variants(ORDERINGS[ordering][1])
    return variants[variant % len(variants)][np.asarray(sublattices)].astype(np.int8)
