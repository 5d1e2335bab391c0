"""Orbit counts and multiplicities against coordination numbers of textbook lattices."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.cluster_expansion import cluster_orbits


def summary(orbits):
    return [(o.order, round(o.radius, 3), o.multiplicity) for o in orbits]


def test_fcc_pairs_triplets_and_tetrahedron():
    orbits = cluster_orbits(bulk("Cu", "fcc", a=4.0), {2: 6.0, 3: 4.1, 4: 3.0})
    # pairs: 12, 6, 24, 12 neighbours per site, each pair shared by 2 sites
    # NN triangles: 24 per site / 3; (NN, NN, 2nd) triangles: 3 second-neighbour pairs x 4 common neighbours
    # NN tetrahedra: 8 per site / 4
    assert summary(orbits) == [(2, 2.828, 6), (2, 4.0, 3), (2, 4.899, 12), (2, 5.657, 6),
                               (3, 2.828, 8), (3, 4.0, 12), (4, 2.828, 2)]


def test_bcc_and_hcp_pairs():
    assert summary(cluster_orbits(bulk("Fe", "bcc", a=2.87), {2: 4.1})) == [(2, 2.485, 4), (2, 2.87, 3), (2, 4.059, 6)]
    # hcp with c/a != ideal: in-plane and out-of-plane neighbours are different orbits
    assert summary(cluster_orbits(bulk("Mg", "hcp", a=3.2, c=5.2), {2: 3.3})) == [(2, 3.19, 6), (2, 3.2, 6)]


def test_clusters_of_an_orbit_have_the_same_distances():
    primitive = bulk("Cu", "fcc", a=4.0)
    cell, fractional = np.asarray(primitive.cell), primitive.get_scaled_positions()
    for orbit in cluster_orbits(primitive, {2: 5.0, 3: 4.1}):
        signatures = set()
        for cluster in orbit.clusters:
            points = [(fractional[b] + np.asarray(n)) @ cell for b, n in cluster]
            signatures.add(tuple(sorted(round(float(np.linalg.norm(p - q)), 4)
                                        for i, p in enumerate(points) for q in points[i + 1:])))
        assert len(signatures) == 1


def test_bad_cutoffs():
    with pytest.raises(ValueError, match="cutoffs must map cluster orders >= 2"):
        cluster_orbits(bulk("Cu", "fcc", a=4.0), {1: 3.0})
    with pytest.raises(ValueError, match="positive distances"):
        cluster_orbits(bulk("Cu", "fcc", a=4.0), {})
