"""Cluster expansion of alloys: orbits of clusters from the parent lattice's symmetry (lesson 04)."""

from __future__ import annotations

from matsci_ml.cluster_expansion.orbits import Orbit, cluster_orbits

__all__ = ["Orbit", "cluster_orbits"]
