"""The shipped five-fold graph-network results: made on the official folds, with today's settings, and consistent."""

from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.data import load_matbench, matbench_folds
from matsci_ml.graph_network.benchmark import GNN_SETTINGS, TARGETS, fold_hash, load_gnn_results, results_path


@pytest.mark.parametrize("task", [t for t in TARGETS if results_path(t).exists()] or ["matbench_phonons"])
def test_shipped_results_are_official_folds_and_current_settings(task):
    report = load_gnn_results(task)
    frame = load_matbench(task)
    y = frame[TARGETS[task][0]].to_numpy()
    assert report["settings"] == GNN_SETTINGS, "rerun `matsci-ml bench gnn`: the settings changed since the results"
    folds = list(matbench_folds(task, frame))
    assert [f["fold"] for f in report["folds"]] == [0, 1, 2, 3, 4]
    for fold in report["folds"]:
        test = folds[fold["fold"]][1]
        assert fold["test_index_sha256"] == fold_hash(test) and fold["test_index"] == test.tolist()
        predicted = np.array(fold["predicted"])
        assert fold["mae"] == pytest.approx(np.abs(predicted - y[test]).mean(), rel=1e-12)   # recomputed from the data
    assert report["mean_mae"] == pytest.approx(np.mean([f["mae"] for f in report["folds"]]))


def test_benchmark_runs_one_short_fold(tmp_path):
    from matsci_ml.graph_network.benchmark import run_gnn_benchmark

    report = run_gnn_benchmark("matbench_jdft2d", folds=[1], output=tmp_path / "gnn.json", progress=False,
                               settings={"hidden": 8, "head": 8, "n_conv": 1, "epochs": 2, "n_models": 1})
    assert load_gnn_results(path=tmp_path / "gnn.json") == report
    assert [f["fold"] for f in report["folds"]] == [1] and report["folds"][0]["n_test"] == 127
    with pytest.raises(FileNotFoundError, match="matsci-ml bench gnn"):
        load_gnn_results(path=tmp_path / "missing.json")
