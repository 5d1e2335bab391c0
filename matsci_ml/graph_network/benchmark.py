"""Five-fold Matbench results of the crystal graph network: ``matsci-ml bench gnn`` runs them, the lesson reads them.

Training five folds of an ensemble takes tens of minutes on two cores, longer than a lesson may run, so the results
are computed by this module's :func:`run_gnn_benchmark` and shipped in ``datasets/structure_models/`` with the
settings, the machine, the time of every fold, and a hash of every official test fold (so a reader can check the
folds are Matbench's). The lesson trains one fold live with the same code and compares.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from matsci_ml.paths import SHIPPED_DATA_DIR, atomic_write_text

#: The settings of the shipped runs (CrystalGraphRegressor keyword arguments).
GNN_SETTINGS = {"hidden": 64, "n_conv": 3, "head": 128, "epochs": 120, "batch_size": 32, "learning_rate": 3e-3,
                "pooling": "mean+max", "n_models": 1, "log_target": True, "validation_fraction": 0.1, "cutoff": 8.0,
                "max_neighbors": 12,
                "random_state": 0}

TARGETS = {"matbench_phonons": ("last phdos peak", "cm^-1"), "matbench_jdft2d": ("exfoliation_en", "meV/atom")}


def results_path(task: str) -> Path:
    return SHIPPED_DATA_DIR / "structure_models" / f"cgcnn_{task}.json"


def fold_hash(test_index) -> str:
    """sha256 of a fold's sorted test indices (as int64 bytes): identifies the official fold."""
    return hashlib.sha256(np.sort(np.asarray(test_index, dtype=np.int64)).tobytes()).hexdigest()


def run_gnn_benchmark(task: str = "matbench_phonons", folds=range(5), settings: dict | None = None,
                      output: str | Path | None = None, progress: bool = True) -> dict:
    """Train :class:`~matsci_ml.graph_network.CrystalGraphRegressor` on the official folds of ``task``.

    Returns (and writes atomically to ``output``, default :func:`results_path`) a dict with the settings, the
    machine, and for each fold: the test MAE and RMSE, the fit time (s), the best epochs, the test indices' hash
    and the out-of-fold predictions with the ensemble spread.
    """
    import torch

    from matsci_ml.data.matbench import load_matbench, matbench_folds
    from matsci_ml.graph_network import CrystalGraphRegressor, crystal_graph

    if task not in TARGETS:
        raise ValueError(f"the graph-network benchmark knows {', '.join(TARGETS)}; got {task!r}")
    settings = {**GNN_SETTINGS, **(settings or {})}
    column, unit = TARGETS[task]
    frame = load_matbench(task)
    y = frame[column].to_numpy(dtype=float)
    start = time.perf_counter()
    graphs = np.empty(len(frame), dtype=object)
    graphs[:] = [crystal_graph(s, settings["cutoff"], settings["max_neighbors"]) for s in frame["structure"]]
    report = {"task": task, "target": column, "unit": unit, "model": "CrystalGraphRegressor (CGCNN)",
              "settings": settings, "graph_seconds": time.perf_counter() - start,
              "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                          "cpu_count": os.cpu_count(), "torch": torch.__version__,
                          "torch_threads": torch.get_num_threads()},
              "folds": []}
    for k, (train, test) in enumerate(matbench_folds(task, frame)):
        if k not in folds:
            continue
        model = CrystalGraphRegressor(**settings, progress=progress).fit(graphs[train], y[train])
        each = model._predict_each(graphs[test])
        predicted = each.mean(axis=0)
        report["folds"].append({
            "fold": k, "n_train": len(train), "n_test": len(test), "test_index_sha256": fold_hash(test),
            "mae": float(np.mean(np.abs(predicted - y[test]))),
            "rmse": float(np.sqrt(np.mean((predicted - y[test]) ** 2))),
            "fit_seconds": model.fit_seconds_, "best_epoch_first_network": model.best_epoch_,
            "test_index": test.tolist(), "predicted": predicted.tolist(), "spread": each.std(axis=0).tolist()})
        if progress:
            print(f"{task} fold {k}: MAE {report['folds'][-1]['mae']:.2f} {unit}, fit {model.fit_seconds_:.0f} s",
                  flush=True)
    maes = [fold["mae"] for fold in report["folds"]]
    report["mean_mae"], report["std_mae"] = float(np.mean(maes)), float(np.std(maes))
    report["total_fit_seconds"] = float(sum(fold["fit_seconds"] for fold in report["folds"]))
    path = Path(output) if output is not None else results_path(task)
    atomic_write_text(path, json.dumps(report, indent=1))
    return report


def load_gnn_results(task: str = "matbench_phonons", path: str | Path | None = None) -> dict:
    """The shipped five-fold results of :func:`run_gnn_benchmark` for ``task``."""
    path = Path(path) if path is not None else results_path(task)
    if not path.exists():
        raise FileNotFoundError(f"no graph-network results at {path}; make them with "
                                f"`matsci-ml bench gnn --matbench-task {task}` (about 30 min on two cores)")
    return json.loads(path.read_text())
