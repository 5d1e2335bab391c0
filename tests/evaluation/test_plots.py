"""The diagnostic plots are scikit-learn's displays, labelled with the quantity and its units."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from matsci_ml.evaluation.plots import curve_plot, parity_plot, residual_plot, roc_plot  # noqa: E402


def _data():
    rng = np.random.default_rng(0)
    y = rng.uniform(0, 5, 200)
    return y, y + rng.normal(0, 0.3, 200)


def test_parity_and_residual_plots_put_the_data_where_the_labels_say():
    y, p = _data()
    ax = parity_plot(y, p, quantity="band gap", units="eV")
    assert ax.get_xlabel() == "predicted band gap (eV)" and ax.get_ylabel() == "true band gap (eV)"
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([p, y]))
    ax = residual_plot(y, p, units="eV")
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([p, y - p]))


def test_roc_plot_reports_the_auc_in_its_legend():
    y, p = _data()
    labels = (y > 2.5).astype(int)
    ax = roc_plot(labels, p, label="forest")
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == f"forest (AUC = {roc_auc_score(labels, p):.2f})" and "Chance level" in texts[1]


@pytest.mark.parametrize("parameter", [None, "max_depth"])
def test_curves_plot_mean_and_spread_of_both_scores(parameter):
    rng = np.random.default_rng(1)
    train, test = rng.random((4, 5)), rng.random((4, 5)) + 1
    ax = curve_plot([1, 2, 4, 8], train, test, xlabel="x", ylabel="MAE (eV)", parameter=parameter)
    means = sorted(line.get_ydata().mean() for line in ax.get_lines())
    assert means == pytest.approx(sorted([train.mean(), test.mean()]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]
    assert ax.get_ylabel() == "MAE (eV)"
