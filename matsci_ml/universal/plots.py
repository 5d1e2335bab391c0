"""Figures of lesson 10: the learning curve of a fine-tuned universal model against an MTP from scratch."""

from __future__ import annotations

LABELS = {"mtp": "MTP level 16, from scratch", "chgnet-fine-tuned": "CHGNet, fine-tuned (after the shift)"}


def plot_learning_curve(table, *, references: dict | None = None, axes=None):
    """Test energy MAE (meV/atom) and force MAE (eV/Å) against training configurations (log-log), one line per
    model of ``table`` (:func:`~matsci_ml.universal.shipped.load_learning_curve`); ``references`` maps a label to
    ``(energy MAE, force MAE)`` drawn as horizontal lines (e.g. zero-shot, published)."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for model, rows in table.groupby("model", sort=False):
        rows = rows.sort_values("n_train")
        for ax, column in zip(axes, ("energy_mae_mev_per_atom", "force_mae_ev_per_a")):
            ax.plot(rows["n_train"], rows[column], "o-", label=LABELS.get(model, model))
    for k, (label, values) in enumerate((references or {}).items()):
        for ax, value in zip(axes, values):
            ax.axhline(value, color=f"C{k + 2}", linestyle="--", linewidth=1, label=label)
    for ax, ylabel in zip(axes, ("energy MAE (meV/atom)", "force MAE (eV/Å)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("training configurations (mlearn Mo)")
        ax.set_ylabel(ylabel)
    axes[0].legend(fontsize=7)
    return axes
