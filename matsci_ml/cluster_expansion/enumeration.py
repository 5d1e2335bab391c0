"""Symmetrically distinct derivative structures of a Bravais parent lattice (Hart & Forcade 2008).

A *derivative structure* of size N is a supercell of N primitive cells whose sites are decorated
with the two species. Two decorations are the same structure if a symmetry operation of the parent
maps one onto the other. The algorithm:

1. Superlattices of index N are the Hermite normal forms (HNF) ``H`` (lower triangular,
   ``0 <= H[1,0], H[2,0] < H[0,0]``, ``0 <= H[2,1] < H[1,1]``, ``det H = N``); the supercell's cell
   vectors are the rows of ``H @ primitive_cell``. Two HNFs related by a rotation of the parent's
   point group give the same structures, so only one per class is kept.
2. The N sites of a superlattice are the cosets :math:`\\mathbb{Z}^3 / L`; lattice translations and the
   rotations that leave ``L`` invariant permute them.
3. A decoration (a binary number over the sites) is kept if it is the smallest of its images under
   this group, and if no translation of the superlattice other than the identity leaves it unchanged
   (otherwise it is a structure of a smaller cell, already listed there).

Counting a structure and its species-swapped twin once, as Hart & Forcade do, fcc and bcc have
2, 3, 12, 14, 50, 52, 229, 252 binary structures for N = 2..9 (Phys. Rev. B 77, 224115 (2008)) on
2, 3, 7, 5, 10, 7, 20, 14 distinct superlattices; :func:`enumerate_structures` lists both twins, since
they have different compositions (2, 6, 19, 28, 80, ... for N = 2, 3, 4, 5, 6). The cost grows as
:math:`2^N`, so N <= 10 is the practical limit here.
"""

from __future__ import annotations

import itertools

import numpy as np
import spglib
from ase import Atoms


def _hnf_matrices(n: int):
    for a in range(1, n + 1):
        if n % a:
            continue
        for c in range(1, n // a + 1):
            if (n // a) % c:
                continue
            f = n // (a * c)
            for b in range(a):
                for d in range(a):
                    for e in range(c):
                        yield np.array([[a, 0, 0], [b, c, 0], [d, e, f]])


def _point_group(primitive: Atoms) -> np.ndarray:
    """Rotations of the parent lattice in fractional coordinates (acting on column vectors)."""
    symmetry = spglib.get_symmetry((primitive.get_cell()[:], primitive.get_scaled_positions(),
                                    primitive.get_atomic_numbers()), symprec=1e-5)
    return np.unique(symmetry["rotations"], axis=0)


def _is_integer(matrix: np.ndarray) -> bool:
    return bool(np.allclose(matrix, np.round(matrix), atol=1e-8))


def distinct_superlattices(primitive: Atoms, n: int) -> list[np.ndarray]:
    """One HNF per rotation class of superlattices of index ``n``."""
    rotations = _point_group(primitive)
    kept: list[np.ndarray] = []
    images: list[np.ndarray] = []   # rotated images (rows H R^T) of every kept HNF
    for hnf in _hnf_matrices(n):
        inverse = np.linalg.inv(hnf)
        if any(_is_integer(image @ inverse) for image in images):
            continue
        kept.append(hnf)
        images.extend(hnf @ r.T for r in rotations)
    return kept


class _Superlattice:
    """Sites of Z^3 / L for an HNF, and the site permutations of its symmetry group."""

    def __init__(self, hnf: np.ndarray, rotations: np.ndarray):
        self.hnf = hnf
        a, c, f = hnf[0, 0], hnf[1, 1], hnf[2, 2]
        self.points = np.array(list(itertools.product(range(a), range(c), range(f))))
        self.n = len(self.points)
        translations = [self._permutation(self.points + t) for t in self.points]
        inverse = np.linalg.inv(hnf)
        stabilizer = [r for r in rotations if _is_integer(hnf @ r.T @ inverse)]
        rotated = [self._permutation(self.points @ r.T) for r in stabilizer]
        self.translations = np.array(translations)
        # group elements: rotation then translation, as index arrays: new[perm[i]] = old[i]
        self.group = np.array([t[r] for r in rotated for t in translations])

    def _permutation(self, points: np.ndarray) -> np.ndarray:
        h = self.hnf
        p = points.astype(np.int64).copy()
        q = np.floor_divide(p[:, 2], h[2, 2])
        p -= q[:, None] * h[2]
        q = np.floor_divide(p[:, 1], h[1, 1])
        p -= q[:, None] * h[1]
        q = np.floor_divide(p[:, 0], h[0, 0])
        p -= q[:, None] * h[0]
        c, f = h[1, 1], h[2, 2]
        return p[:, 0] * c * f + p[:, 1] * f + p[:, 2]

    def distinct_decorations(self, exchange: bool = False) -> np.ndarray:
        """Decorations (rows of 0/1 per site) that are canonical and not superperiodic.

        With ``exchange``, a decoration and its complement (species swapped) count as one.
        """
        codes = np.arange(2 ** self.n, dtype=np.int64)
        bits = (codes[:, None] >> np.arange(self.n)) & 1                         # (2^n, n)
        weights = np.int64(1) << np.arange(self.n, dtype=np.int64)
        smallest = codes.copy()
        for perm in self.group:
            # the decoration moved by the operation: site perm[i] gets the species of site i
            image = np.zeros_like(codes)
            image += (bits * weights[perm]).sum(axis=1)
            np.minimum(smallest, image, out=smallest)
            if exchange:
                np.minimum(smallest, (2 ** self.n - 1) - image, out=smallest)
        keep = smallest == codes
        for perm in self.translations[1:]:
            image = (bits * weights[perm]).sum(axis=1)
            keep &= image != codes
        return bits[keep]


def count_structures(primitive: Atoms, n: int, *, exchange: bool = True) -> int:
    """Number of distinct binary derivative structures of size ``n``.

    With ``exchange`` (the convention of Hart & Forcade's tables) a structure and the one with the two
    species swapped count once; :func:`enumerate_structures` lists both.
    """
    rotations = _point_group(primitive)
    return sum(len(_Superlattice(h, rotations).distinct_decorations(exchange))
               for h in distinct_superlattices(primitive, n))


def enumerate_structures(primitive: Atoms, sizes, species: tuple[str, str]) -> list[Atoms]:
    """All symmetrically distinct binary derivative structures with ``sizes`` primitive cells.

    Parameters
    ----------
    primitive : ase.Atoms
        A one-atom primitive cell of the parent lattice (fcc, bcc, ...), at the lattice constant the
        structures should have.
    sizes : iterable of int
        Supercell sizes N (number of sites), e.g. ``range(1, 9)``.
    species : pair of str
        The two elements.

    Returns
    -------
    list of ase.Atoms
        Ideal-lattice structures, ordered by size, then superlattice, then decoration. Each carries
        ``info["size"]`` and ``info["hnf"]`` (the supercell matrix).

    Examples
    --------
    >>> from ase.build import bulk
    >>> structures = enumerate_structures(bulk("Cu", "fcc", a=3.8), range(1, 5), ("Cu", "Pt"))
    >>> [sum(s.info["size"] == n for s in structures) for n in range(1, 5)]
    [2, 2, 6, 19]
    """
    if len(primitive) != 1:
        raise ValueError(f"enumerate_structures needs a one-atom (Bravais) primitive cell; got {len(primitive)} atoms")
    sizes = sorted(set(int(n) for n in sizes))
    if not sizes or sizes[0] < 1 or sizes[-1] > 12:
        raise ValueError(f"sizes must lie in 1..12 (the count grows as 2^N); got {sizes}")
    rotations = _point_group(primitive)
    cell = np.asarray(primitive.get_cell())
    origin = primitive.get_positions()[0]
    structures = []
    for n in sizes:
        for hnf in distinct_superlattices(primitive, n):
            lattice = _Superlattice(hnf, rotations)
            positions = origin + lattice.points @ cell
            for decoration in lattice.distinct_decorations():
                atoms = Atoms([species[int(bit)] for bit in decoration], positions=positions,
                              cell=hnf @ cell, pbc=True)
                atoms.info.update(size=n, hnf=hnf.tolist())
                structures.append(atoms)
    return structures
