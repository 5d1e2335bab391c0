from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.data import load_matbench, matbench_folds


@pytest.mark.parametrize("name, rows, column", [
    ("matbench_expt_gap", 4604, "gap expt"),
    ("matbench_expt_is_metal", 4921, "is_metal"),
    ("matbench_glass", 5680, "gfa"),
    ("matbench_jdft2d", 636, "exfoliation_en"),
    ("matbench_phonons", 1265, "last phdos peak"),
])
def test_tasks_load_with_official_sizes(name, rows, column):
    frame = load_matbench(name)
    assert len(frame) == rows and column in frame
    assert list(frame.index) == list(range(rows))


def test_regression_folds_partition_the_data():
    frame = load_matbench("matbench_expt_gap")
    folds = list(matbench_folds("matbench_expt_gap", frame))
    tests = np.concatenate([test for _, test in folds])
    assert len(folds) == 5 and sorted(tests) == list(range(len(frame)))
    for train, test in folds:
        assert not set(train) & set(test)
    # shuffled, not contiguous blocks
    assert not np.array_equal(folds[0][1], np.arange(len(folds[0][1])))


def test_classification_folds_are_stratified():
    frame = load_matbench("matbench_expt_is_metal")
    overall = frame["is_metal"].mean()
    for _, test in matbench_folds("matbench_expt_is_metal", frame):
        assert abs(frame["is_metal"].iloc[test].mean() - overall) < 0.002


def test_expt_gap_values_are_physical():
    gaps = load_matbench("matbench_expt_gap")["gap expt"]
    assert gaps.min() == 0.0 and 10 < gaps.max() < 12
    assert abs(gaps.mean() - 0.976) < 0.01


def test_unknown_task_is_rejected():
    with pytest.raises(ValueError, match="Unknown Matbench task 'matbench_foo'"):
        load_matbench("matbench_foo")
