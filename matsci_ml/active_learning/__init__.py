"""Active learning of moment tensor potentials by D-optimality (MaxVol), with an ASE oracle.

- :mod:`~matsci_ml.active_learning.maxvol` -- the maximal-volume submatrix;
- :mod:`~matsci_ml.active_learning.grade` -- rows, active set, extrapolation grade, selection;
- :mod:`~matsci_ml.active_learning.exploration` -- MD and relaxations under the two thresholds;
- :mod:`~matsci_ml.active_learning.learners` -- what the loop trains and grades (the MTP with MaxVol, a NequIP
  committee), as a :class:`~typing.Protocol`;
- :mod:`~matsci_ml.active_learning.loop` -- the resumable bootstrapping loop.

Labelling (``label``, ``label_all``), relaxations and the hull are the shared :mod:`matsci_ml.atomistic` layer's.
"""

from __future__ import annotations

from matsci_ml.active_learning.exploration import (ExplorationResult, ExtrapolationBreak, GradeMonitor, MDExploration,
                                                   NPTExploration, RelaxExploration)
from matsci_ml.active_learning.grade import ActiveSet, jacobian_rows, neighbourhood_rows
from matsci_ml.active_learning.learners import CommitteeLearner, Learner, Model, MTPLearner
from matsci_ml.active_learning.loop import ActiveLearningLoop
from matsci_ml.active_learning.maxvol import MaxVolResult, SingularActiveSetError, maxvol
from matsci_ml.atomistic.oracle import label, label_all

__all__ = ["ActiveLearningLoop", "CommitteeLearner", "Learner", "Model", "ActiveSet", "ExplorationResult", "ExtrapolationBreak", "GradeMonitor",
           "MDExploration", "MTPLearner", "MaxVolResult", "NPTExploration", "RelaxExploration", "SingularActiveSetError", "jacobian_rows", "label",
           "label_all", "maxvol", "neighbourhood_rows"]
