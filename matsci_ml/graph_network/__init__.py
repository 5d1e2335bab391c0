"""Crystal graph networks (lesson 09): crystal graphs from pymatgen neighbours and a CGCNN regressor in PyTorch."""

from __future__ import annotations

from matsci_ml.graph_network.cgcnn import CGConv, CGCNN, CrystalGraphRegressor
from matsci_ml.graph_network.graphs import CrystalGraph, crystal_graph, gaussian_expansion

__all__ = ["CGCNN", "CGConv", "CrystalGraph", "CrystalGraphRegressor", "crystal_graph", "gaussian_expansion"]
