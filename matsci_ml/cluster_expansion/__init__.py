"""Cluster expansion of binary alloys (lesson 04).

orbits (symmetry-distinct clusters) -> cluster_space (correlation functions, Monte Carlo Hamiltonians)
-> enumeration (derivative structures) -> oracle (EMT labels, cached) -> fitting (ECIs, CV)
-> ground_states (convex hull).
"""

from __future__ import annotations

from matsci_ml.cluster_expansion.cluster_space import ClusterSpace
from matsci_ml.cluster_expansion.enumeration import count_structures, distinct_superlattices, enumerate_structures
from matsci_ml.cluster_expansion.fitting import ClusterExpansionRegressor, cv_rmse, rmse
from matsci_ml.cluster_expansion.ground_states import ConvexHull, convex_hull, ground_state_table, space_group
from matsci_ml.cluster_expansion.oracle import TrainingSet, label_structures, pure_element_references
from matsci_ml.cluster_expansion.orbits import Orbit, cluster_orbits

__all__ = ["ClusterExpansionRegressor", "ClusterSpace", "ConvexHull", "Orbit", "TrainingSet", "cluster_orbits",
           "convex_hull", "count_structures", "cv_rmse", "distinct_superlattices", "enumerate_structures",
           "ground_state_table", "label_structures", "pure_element_references", "rmse", "space_group"]
