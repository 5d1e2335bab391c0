"""Exercises of lesson 03, regression and classification metrics."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register


register(Exercise(
    id="03.mae-rmse",
    prompt=("Band gaps (eV) true = [0.0, 1.1, 3.4, 5.5], predicted = [0.3, 0.9, 2.5, 6.1]. "
            "Compute MAE and RMSE with numpy only. Answer {'mae': ..., 'rmse': ...}."),
    hint="MAE = mean(|p - t|); RMSE = sqrt(mean((p - t)**2)). RMSE >= MAE always: why?",
    solution_code='''import numpy as np
true, predicted = np.array([0.0, 1.1, 3.4, 5.5]), np.array([0.3, 0.9, 2.5, 6.1])
answer = {"mae": np.mean(np.abs(predicted - true)), "rmse": np.sqrt(np.mean((predicted - true) ** 2))}''',
    compare=numbers_close(1e-6),
))

register(Exercise(
    id="03.precision-recall",
    prompt=("A metal/non-metal classifier on 1000 compounds: 430 metals found correctly (TP), 40 "
            "non-metals called metals (FP), 60 metals missed (FN), 470 non-metals right (TN). Compute "
            "precision, recall, F1 and balanced accuracy. Answer a dict with those four keys."),
    hint=("precision = TP/(TP+FP); recall = TP/(TP+FN); F1 = harmonic mean of the two; balanced accuracy "
          "= mean of recall on metals and recall on non-metals, TN/(TN+FP)."),
    solution_code='''tp, fp, fn, tn = 430, 40, 60, 470
precision, recall = tp / (tp + fp), tp / (tp + fn)
answer = {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
          "balanced_accuracy": 0.5 * (recall + tn / (tn + fp))}''',
    compare=numbers_close(1e-6),
))
