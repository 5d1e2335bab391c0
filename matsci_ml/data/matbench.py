"""Matbench v0.1 tasks (Dunn et al., npj Comput. Mater. 6, 138 (2020)) with the official folds.

The ``matbench`` package pins scikit-learn 1.0 and matminer 0.7.4 and cannot be installed beside
current versions, so we reproduce what it does: read the dataset through matminer and split it
with ``KFold`` (regression) or ``StratifiedKFold`` (classification), ``n_splits=5,
shuffle=True, random_state=18012019`` -- the exact call ``matbench.MatbenchTask`` makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from matsci_ml.data.catalogue import verified_path

MATBENCH_SEED = 18012019
N_FOLDS = 5

#: target column and task type of the Matbench tasks the course uses
TASKS: dict[str, tuple[str, str]] = {
    "matbench_expt_gap": ("gap expt", "regression"),
    "matbench_expt_is_metal": ("is_metal", "classification"),
    "matbench_glass": ("gfa", "classification"),
    "matbench_jdft2d": ("exfoliation_en", "regression"),
    "matbench_phonons": ("last phdos peak", "regression"),
}


def load_matbench(name: str, root: Path | None = None) -> pd.DataFrame:
    """Load a Matbench task as a DataFrame, after checking the file's sha256.

    Parameters
    ----------
    name : str
        Task name, e.g. ``"matbench_expt_gap"``.
    root : Path, optional
        Data folder (default ``$MATSCI_ML_DATA``).

    Returns
    -------
    pandas.DataFrame
        Index 0..n-1 as Matbench expects; ``composition`` (str) or ``structure`` (pymatgen
        ``Structure``) input column and the target column.

    Examples
    --------
    >>> df = load_matbench("matbench_expt_gap")  # doctest: +SKIP
    >>> df.shape
    (4604, 2)
    """
    if name not in TASKS:
        raise ValueError(f"Unknown Matbench task {name!r}; the course uses: {', '.join(TASKS)}.")
    path, official = verified_path(name, root)
    # Hash already checked above. For the official file we go through matminer's own
    # load_dataset; a documented mirror variant would fail matminer's check and trigger a
    # re-download, so it is read with matminer's reader instead.
    if official:
        from matminer.datasets import load_dataset

        frame = load_dataset(name, data_home=str(path.parent), download_if_missing=False)
    else:
        from matminer.utils.io import load_dataframe_from_json

        frame = load_dataframe_from_json(str(path), pbar=False)
    return frame.reset_index(drop=True)


def matbench_folds(name: str, frame: pd.DataFrame) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The official 5 folds of task ``name``: yields ``(train_index, test_index)`` arrays."""
    target, kind = TASKS[name]
    if kind == "classification":
        splitter = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=MATBENCH_SEED)
        return splitter.split(frame, frame[target])
    splitter = KFold(n_splits=N_FOLDS, shuffle=True, random_state=MATBENCH_SEED)
    return splitter.split(frame)
