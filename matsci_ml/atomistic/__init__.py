"""The shared atomistic layer: what the cluster-expansion, MTP, active-learning and NequIP code all use.

- :mod:`~matsci_ml.atomistic.units` -- unit conversions from :mod:`ase.units` (GPa, k_B);
- :mod:`~matsci_ml.atomistic.serialization` -- Atoms ⇄ JSON-ready dict, labels and array ``info`` kept;
- :mod:`~matsci_ml.atomistic.oracle` -- labelling with any ASE calculator, keyed by class and parameters;
- :mod:`~matsci_ml.atomistic.relax` -- the one relaxation (BFGS on ``FrechetCellFilter``);
- :mod:`~matsci_ml.atomistic.properties` -- equation of state, cubic elastic constants, thermalisation;
- :mod:`~matsci_ml.atomistic.hull` -- binary formation energies and their lower convex hull;
- :mod:`~matsci_ml.atomistic.metrics` -- energy/force/stress errors of a potential.
"""

from __future__ import annotations

from matsci_ml.atomistic.hull import ConvexHull, convex_hull, formation_energies, formation_energy, hull_disagreement
from matsci_ml.atomistic.metrics import error_metrics, prediction_errors
from matsci_ml.atomistic.oracle import fresh_calculator, label, label_all, oracle_key, oracle_md_snapshots
from matsci_ml.atomistic.properties import (EquationOfStateFit, cubic_elastic_constants, cubic_properties,
                                            equation_of_state, thermalize)
from matsci_ml.atomistic.relax import RELAX_MODES, Relaxation, Relaxations, relax, relax_all
from matsci_ml.atomistic.serialization import atoms_as_dict, atoms_from_dict
from matsci_ml.atomistic.units import EV_PER_A3_TO_GPA, KB_EV_PER_K

__all__ = ["EV_PER_A3_TO_GPA", "KB_EV_PER_K", "RELAX_MODES", "ConvexHull", "EquationOfStateFit", "Relaxation",
           "Relaxations", "atoms_as_dict", "atoms_from_dict", "convex_hull", "cubic_elastic_constants",
           "cubic_properties", "equation_of_state", "error_metrics", "formation_energies", "formation_energy",
           "fresh_calculator", "hull_disagreement", "label", "label_all", "oracle_key", "oracle_md_snapshots", "prediction_errors",
           "relax", "relax_all", "thermalize"]
