"""NequIP (Batzner et al. 2022) with the real ``nequip`` package: models built in code, trained from
ASE ``Atoms`` on the CPU, used through nequip's ASE calculator, and committees for active learning.

- :mod:`~matsci_ml.equivariant.model` -- configuration, model, checkpoints;
- :mod:`~matsci_ml.equivariant.training` -- the training loop, the calculator, errors;
- :mod:`~matsci_ml.equivariant.committee` -- committee mean and spread, the committee learner.

(The package is not called ``nequip`` so as not to shadow the real one.)
"""

from __future__ import annotations

from matsci_ml.equivariant.committee import CommitteeCalculator, NequIPCommittee
from matsci_ml.equivariant.model import NequIPConfig, build_model, load_checkpoint, save_checkpoint
from matsci_ml.atomistic.metrics import prediction_errors
from matsci_ml.equivariant.training import NequIPTrainer, nequip_calculator

__all__ = ["CommitteeCalculator", "NequIPCommittee", "NequIPConfig", "NequIPTrainer",
           "build_model", "load_checkpoint", "nequip_calculator", "prediction_errors", "save_checkpoint"]
