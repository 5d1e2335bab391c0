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


def test_all_thirteen_tasks_are_known_and_the_uncatalogued_ones_say_where_to_get_them(tmp_path):
    from matsci_ml.data.matbench import TASKS, course_tasks

    assert len(TASKS) == 13 and set(course_tasks()) < set(TASKS)
    assert TASKS["matbench_steels"] == ("yield strength", "regression")
    assert TASKS["matbench_mp_is_metal"] == ("is_metal", "classification")
    with pytest.raises(ValueError, match="matbench_steels.json.gz yourself and pass path="):
        load_matbench("matbench_steels")
    with pytest.raises(FileNotFoundError, match="no Matbench file"):
        load_matbench("matbench_steels", path=tmp_path / "matbench_steels.json.gz")


def test_a_task_loads_from_a_file_of_your_own(tmp_path):
    """path=: any file, read as it is; a copy that is not the official file is read with a warning, a file of
    another task is refused by its columns."""
    import shutil
    import warnings

    from matsci_ml.data import get_dataset

    mirror = get_dataset("matbench_expt_gap").local_path()
    own = tmp_path / "downloads" / "gap.json.gz"
    own.parent.mkdir()
    shutil.copy(mirror, own)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # the mirror copy is the official file: no warning
        frame = load_matbench("matbench_expt_gap", path=own)
    assert len(frame) == 4604 and frame.equals(load_matbench("matbench_expt_gap"))
    glass = get_dataset("matbench_glass").local_path()         # a re-serialised mirror copy: warned, then read
    with pytest.warns(UserWarning, match="not byte-identical"):
        assert len(load_matbench("matbench_glass", path=glass)) == 5680
    with pytest.raises(ValueError, match="not matbench_steels's target 'yield strength'"), pytest.warns(UserWarning):
        load_matbench("matbench_steels", path=own)
