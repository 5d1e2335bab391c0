r"""Which features a fitted model relies on: SHAP values against permutation importance.

* **SHAP** (Lundberg & Lee, NeurIPS 2017; ``shap.TreeExplainer``, exact for tree ensembles): the prediction for
  one material is split into a sum over features, :math:`f(x) = \phi_0 + \sum_k \phi_k(x)`, with
  :math:`\phi_k` the Shapley value of feature :math:`k` — its average marginal contribution over all orders of
  adding features. The importance of a feature is the mean of :math:`|\phi_k|` over the materials explained.
* **Permutation importance** (Breiman 2001; what ``sklearn.inspection.permutation_importance`` computes): how much
  the test MAE grows when one feature's column is shuffled, breaking its link to the target.

They answer different questions (how much the model's output moves with a feature; how much accuracy depends on
it), and both spread credit over correlated features in their own way: a feature can look unimportant because a
correlated twin carries the same information. Neither says that a feature *causes* the property.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def shap_vs_permutation(forest, X_test, y_test, feature_names, *, n_explained: int = 100, n_permuted: int | None = None,
                        n_repeats: int = 5, random_state: int = 0) -> tuple[pd.DataFrame, float]:
    """Mean |SHAP| (on ``n_explained`` test rows) and permutation importance (test MAE increase) of the features.

    ``forest`` is a fitted scikit-learn tree ensemble, or a model holding one in ``forest_`` (such as
    :class:`~matsci_ml.evaluation.uncertainty.ForestWithIntervals`). Permutation importance costs ``n_repeats``
    predictions of the whole test set per feature; ``n_permuted`` limits it to the features SHAP ranks highest.
    Returns the table sorted by mean |SHAP| with both ranks (NaN where not permuted), and Spearman's rank
    correlation of the two importances over the permuted features.
    """
    import shap
    from scipy.stats import spearmanr

    forest = getattr(forest, "forest_", forest)
    X_test, y_test = np.asarray(X_test, dtype=float), np.asarray(y_test, dtype=float)
    rng = np.random.default_rng(random_state)
    rows = rng.permutation(len(X_test))[:n_explained]
    values = shap.TreeExplainer(forest).shap_values(X_test[rows])
    table = pd.DataFrame({"feature": list(feature_names), "mean |SHAP|": np.abs(values).mean(axis=0)})
    table = table.sort_values("mean |SHAP|", ascending=False).reset_index(drop=True)
    table["SHAP rank"] = np.arange(1, len(table) + 1)
    permuted = table.index[: n_permuted or len(table)]
    column = {name: k for k, name in enumerate(feature_names)}
    baseline = np.mean(np.abs(forest.predict(X_test) - y_test))
    increases = np.full((len(table), n_repeats), np.nan)
    for row in permuted:
        k = column[table.at[row, "feature"]]
        for r in range(n_repeats):
            shuffled = X_test.copy()
            shuffled[:, k] = rng.permutation(shuffled[:, k])
            increases[row, r] = np.mean(np.abs(forest.predict(shuffled) - y_test)) - baseline
    table["permutation: MAE increase"] = increases.mean(axis=1)
    table["permutation std"] = increases.std(axis=1)
    table["permutation rank"] = table["permutation: MAE increase"].rank(ascending=False, method="min").astype("Int64")
    done = table.loc[permuted]
    rho = float(spearmanr(done["mean |SHAP|"], done["permutation: MAE increase"]).statistic)
    return table, rho


def importance_plot(table: pd.DataFrame, *, unit: str, top: int = 12, axes=None):
    """The ``top`` features by mean |SHAP| beside their permutation importance, both in target units."""
    import matplotlib.pyplot as plt

    shown = table.head(top).iloc[::-1]
    axes = axes if axes is not None else plt.subplots(1, 2, figsize=(10, 4.5), sharey=True)[1]
    axes[0].barh(shown["feature"], shown["mean |SHAP|"])
    axes[0].set(xlabel=f"mean |SHAP value| ({unit})", title="SHAP (TreeExplainer)")
    axes[1].barh(shown["feature"], shown["permutation: MAE increase"], xerr=shown["permutation std"])
    axes[1].set(xlabel=f"test MAE increase when shuffled ({unit})", title="Permutation importance")
    return axes
