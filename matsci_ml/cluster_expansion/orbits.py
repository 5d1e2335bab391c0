"""Symmetry-distinct clusters (orbits) of a parent lattice, from its space group.

A lattice site is a pair (b, n): basis atom b of the primitive cell, shifted by the integer lattice
vector n. A cluster is a set of sites. Two clusters are equivalent if a space-group operation
(rotation R, translation t, in fractional coordinates: :math:`x' = R x + t`) maps one onto the other up to
a lattice translation. Each equivalence class is an *orbit*; the cluster expansion gives every cluster
of an orbit the same effective cluster interaction (ECI).

Symmetry operations come from spglib. Distances are in A.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import spglib
from ase import Atoms

Site = tuple[int, tuple[int, int, int]]
Cluster = tuple[Site, ...]


@dataclass(frozen=True)
class Orbit:
    """One orbit of clusters.

    Attributes
    ----------
    order : int
        Number of sites per cluster (2 = pairs, 3 = triplets, ...).
    radius : float
        Largest distance between two sites of a cluster, A.
    representative : tuple of sites
        One cluster of the orbit, in canonical form.
    clusters : tuple of clusters
        All distinct clusters of the orbit, each translated so that its first site lies in cell 0.
    multiplicity : int
        Clusters per primitive cell.
    """

    order: int
    radius: float
    representative: Cluster
    clusters: tuple[Cluster, ...]

    @property
    def multiplicity(self) -> int:
        return len(self.clusters)


def _translation_canonical(cluster: Cluster) -> Cluster:
    """The same cluster, translated so that its smallest site is in cell 0 (unique per translation class)."""
    best = None
    for _, anchor in cluster:
        shifted = tuple(sorted((b, tuple(int(n_i - a_i) for n_i, a_i in zip(n, anchor))) for b, n in cluster))
        if best is None or shifted < best:
            best = shifted
    return best


class _Lattice:
    def __init__(self, primitive: Atoms, symprec: float):
        self.cell = np.asarray(primitive.get_cell())
        self.fractional = primitive.get_scaled_positions(wrap=True)
        cell_tuple = (self.cell, self.fractional, primitive.get_atomic_numbers())
        symmetry = spglib.get_symmetry(cell_tuple, symprec=symprec)
        if symmetry is None:
            raise ValueError("spglib could not find the symmetry of the parent lattice")
        self.rotations, self.translations = symmetry["rotations"], symmetry["translations"]
        self.tolerance = 1e-4

    def position(self, site: Site) -> np.ndarray:
        b, n = site
        return (self.fractional[b] + np.asarray(n)) @ self.cell

    def apply(self, op: int, site: Site) -> Site:
        b, n = site
        image = self.rotations[op] @ (self.fractional[b] + np.asarray(n)) + self.translations[op]
        for b_new, frac in enumerate(self.fractional):
            offset = image - frac
            if np.all(np.abs(offset - np.round(offset)) < self.tolerance):
                return b_new, tuple(int(v) for v in np.round(offset))
        raise RuntimeError("a symmetry operation mapped a site off the lattice; check symprec")


def cluster_orbits(primitive: Atoms, cutoffs: dict[int, float], *, symprec: float = 1e-5) -> list[Orbit]:
    """All orbits of clusters with up to ``max(cutoffs)`` sites.

    Parameters
    ----------
    primitive : ase.Atoms
        The parent lattice (its primitive cell; every site is a lattice site of the alloy).
    cutoffs : dict
        ``{order: cutoff_A}``, e.g. ``{2: 5.0, 3: 3.0}``: a cluster of that order is kept if every
        pairwise distance is at most the cutoff.

    Returns
    -------
    list of Orbit
        Sorted by order, then radius.

    Examples
    --------
    >>> from ase.build import bulk
    >>> orbits = cluster_orbits(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0})
    >>> [(o.order, round(o.radius, 3), o.multiplicity) for o in orbits]
    [(2, 2.828, 6), (2, 4.0, 3), (2, 4.899, 12), (3, 2.828, 8)]
    """
    if not cutoffs or min(cutoffs) < 2 or any(c <= 0 for c in cutoffs.values()):
        raise ValueError("cutoffs must map cluster orders >= 2 to positive distances, e.g. {2: 5.0, 3: 3.0}")
    lattice = _Lattice(primitive, symprec)
    reach = max(cutoffs.values())
    heights = 1.0 / np.linalg.norm(np.linalg.inv(lattice.cell), axis=0)  # plane spacings of the cell
    span = [int(np.ceil(reach / h)) + 1 for h in heights]
    candidates = [(b, n) for n in itertools.product(*(range(-s, s + 1) for s in span))
                  for b in range(len(lattice.fractional))]
    positions = np.array([lattice.position(site) for site in candidates])

    orbits: dict[Cluster, set[Cluster]] = {}
    for order in sorted(cutoffs):
        cutoff = cutoffs[order] + 1e-6
        for b0 in range(len(lattice.fractional)):
            origin = lattice.position((b0, (0, 0, 0)))
            near = [i for i, p in enumerate(positions)
                    if 1e-8 < np.linalg.norm(p - origin) <= cutoff]
            for others in itertools.combinations(near, order - 1):
                pts = positions[list(others)]
                if any(np.linalg.norm(p - q) > cutoff for p, q in itertools.combinations(pts, 2)):
                    continue
                cluster = _translation_canonical(((b0, (0, 0, 0)),) + tuple(candidates[i] for i in others))
                images = {_translation_canonical(tuple(lattice.apply(op, s) for s in cluster))
                          for op in range(len(lattice.rotations))}
                orbits.setdefault(min(images), set()).update(images)

    result = []
    for representative, members in orbits.items():
        points = [lattice.position(s) for s in representative]
        radius = max(np.linalg.norm(p - q) for p, q in itertools.combinations(points, 2))
        result.append(Orbit(len(representative), float(radius), representative, tuple(sorted(members))))
    return sorted(result, key=lambda o: (o.order, round(o.radius, 6), o.representative))
