"""Model evaluation: the Matbench protocol, metrics, the published leaderboard and diagnostic plots."""

from __future__ import annotations

from matsci_ml.evaluation.leaderboard import LEADERBOARD, compare_with_leaderboard
from matsci_ml.evaluation.matbench_protocol import (
    MatbenchResult,
    classification_scores,
    evaluate_matbench,
    regression_scores,
    results_table,
)

__all__ = ["LEADERBOARD", "MatbenchResult", "classification_scores", "compare_with_leaderboard",
           "evaluate_matbench", "regression_scores", "results_table"]
