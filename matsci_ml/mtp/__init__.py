"""Moment tensor potentials (Shapeev 2016; mlip-2, Novikov et al. 2021) in Python and numba.

- :mod:`~matsci_ml.mtp.basis` -- the basis of scalar moment contractions up to a level;
- :mod:`~matsci_ml.mtp.potential` -- parameters and the energy model; :mod:`~matsci_ml.mtp.mtp_file` -- mlip-2 files;
- :mod:`~matsci_ml.mtp.kernels` -- numba energies, forces, stresses and loss gradients;
- :mod:`~matsci_ml.mtp.calculator` -- the ASE calculator; :mod:`~matsci_ml.mtp.training` -- fitting.
"""

from __future__ import annotations

from matsci_ml.mtp.basis import MomentBasis, enumerate_contractions
from matsci_ml.mtp.calculator import CloseContactError, MTPCalculator
from matsci_ml.mtp.mtp_file import MTPFileError, read_mtp, write_mtp
from matsci_ml.mtp.neighbours import minimum_distance
from matsci_ml.mtp.potential import MomentTensorPotential
from matsci_ml.mtp.training import Dataset, MTPTrainer, errors, fit_linear, train_ensemble

__all__ = ["CloseContactError", "Dataset", "MTPCalculator", "MTPFileError", "MTPTrainer", "MomentBasis",
           "MomentTensorPotential", "enumerate_contractions", "errors", "fit_linear", "minimum_distance",
           "read_mtp", "train_ensemble", "write_mtp"]
