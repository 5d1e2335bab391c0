"""Implementation exercises of lesson 03: regression metrics and the ROC AUC."""

from __future__ import annotations

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, compare_dicts, implement

# -- 03.regression-metrics -----------------------------------------------------------------------


def _metric_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n = int(rng.integers(3, 60))
        y_true = rng.gamma(2.0, 1.5, size=n)
        noise = rng.normal(0.0, rng.uniform(0.05, 2.0), size=n)
        y_pred = y_true + noise if k % 4 else np.full(n, y_true.mean() + rng.normal())   # some are worse than the mean
        cases.append({"y_true": y_true, "y_pred": y_pred})
    return cases


def _verify_metrics(function, case) -> str | None:
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    y_true, y_pred = case["y_true"], case["y_pred"]
    expected = {"mae": mean_absolute_error(y_true, y_pred), "rmse": root_mean_squared_error(y_true, y_pred),
                "r2": r2_score(y_true, y_pred)}
    return compare_dicts(function(y_true.copy(), y_pred.copy()), expected, atol=1e-10, rtol=1e-9)


implement(
    id="03.regression-metrics",
    prompt=("Write the three regression metrics of the lesson, MAE, RMSE and R², with NumPy only, and compare them "
            "with scikit-learn on 24 random sets of predictions (some worse than predicting the mean)."),
    scaffold='''def regression_metrics(y_true, y_pred):
    """{"mae": ..., "rmse": ..., "r2": ...} of predictions ``y_pred`` of the targets ``y_true`` (arrays (n,)).

    R² is the coefficient of determination, 1 - (residual sum of squares) / (total sum of squares
    about the mean of y_true); it is negative for predictions worse than that mean.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def regression_metrics(y_true, y_pred):
    residual = np.asarray(y_pred, float) - np.asarray(y_true, float)
    total = np.sum((y_true - np.mean(y_true)) ** 2)
    return {"mae": np.mean(np.abs(residual)),
            "rmse": np.sqrt(np.mean(residual ** 2)),
            "r2": 1.0 - np.sum(residual ** 2) / total}''',
    hints=("MAE averages |residual|, RMSE is the square root of the mean squared residual.",
           "R² = 1 - SS_res / SS_tot with SS_tot = sum((y_true - mean(y_true))**2); it is not the squared "
           "correlation coefficient (that one is never negative).",
           "Keep the absolute value in the MAE: the mean of signed residuals is the bias, not the error."),
    cases=_metric_cases,
    verify=_verify_metrics,
)


# -- 03.roc-auc ---------------------------------------------------------------------------------


def _auc_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n = int(rng.integers(6, 80))
        labels = rng.integers(0, 2, size=n)
        labels[:2] = (0, 1)                                      # both classes present
        scores = labels * rng.uniform(0.0, 2.0) + rng.normal(0.0, 1.0, size=n)
        if k % 3 == 0:
            scores = np.round(scores, 1)                          # ties, as for a kNN or tree classifier
        if k % 7 == 0:
            scores = np.round(rng.uniform(0, 1, size=n) * 4) / 4  # only five distinct scores
        cases.append({"labels": labels, "scores": scores})
    return cases


def _verify_auc(function, case) -> str | None:
    from sklearn.metrics import roc_auc_score

    expected = roc_auc_score(case["labels"], case["scores"])
    return compare_arrays(function(case["labels"].copy(), case["scores"].copy()), expected, atol=1e-10, what="AUC")


implement(
    id="03.roc-auc",
    prompt=("Write the area under the ROC curve: the ROC points (false-positive rate, true-positive rate) at every "
            "threshold, then the trapezoid rule. Checked against scikit-learn's roc_auc_score on 24 cases, many "
            "with tied scores."),
    scaffold='''def roc_auc(labels, scores):
    """Area under the ROC curve of ``scores`` (higher = more likely class 1) for ``labels`` (0/1 arrays (n,)).

    The ROC curve joins the points (FPR, TPR) obtained by calling "1" every sample with score >= t,
    for every distinct score t, plus (0, 0); the area is the trapezoid rule along those points.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def roc_auc(labels, scores):
    labels, scores = np.asarray(labels), np.asarray(scores, float)
    thresholds = np.unique(scores)[::-1]                     # highest first
    tpr = [0.0] + [np.mean(scores[labels == 1] >= t) for t in thresholds]
    fpr = [0.0] + [np.mean(scores[labels == 0] >= t) for t in thresholds]
    return np.trapezoid(tpr, fpr)''',
    hints=("At threshold t: TPR = fraction of the positives with score >= t, FPR = the same among the negatives.",
           "Use each *distinct* score once as a threshold (np.unique): stepping one sample at a time through tied "
           "scores draws a staircase where the curve should be a diagonal segment.",
           "Start the curve at (0, 0) and integrate TPR over FPR with np.trapezoid(tpr, fpr), thresholds from high to low."),
    cases=_auc_cases,
    verify=_verify_auc,
)
