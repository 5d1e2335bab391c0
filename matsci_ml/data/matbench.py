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

#: target column and task type of all 13 Matbench v0.1 tasks (the columns as in matminer's dataset metadata); the
#: course's download catalogue holds five of them (:data:`COURSE_TASKS`), the others load from a file you downloaded
TASKS: dict[str, tuple[str, str]] = {
    "matbench_dielectric": ("n", "regression"),
    "matbench_expt_gap": ("gap expt", "regression"),
    "matbench_expt_is_metal": ("is_metal", "classification"),
    "matbench_glass": ("gfa", "classification"),
    "matbench_jdft2d": ("exfoliation_en", "regression"),
    "matbench_log_gvrh": ("log10(G_VRH)", "regression"),
    "matbench_log_kvrh": ("log10(K_VRH)", "regression"),
    "matbench_mp_e_form": ("e_form", "regression"),
    "matbench_mp_gap": ("gap pbe", "regression"),
    "matbench_mp_is_metal": ("is_metal", "classification"),
    "matbench_perovskites": ("e_form", "regression"),
    "matbench_phonons": ("last phdos peak", "regression"),
    "matbench_steels": ("yield strength", "regression"),
}
MATBENCH_URL = "https://ml.materialsproject.org/projects/{name}.json.gz"
TASK_TYPES = ("regression", "classification")


def course_tasks() -> tuple[str, ...]:
    """The Matbench tasks in the course's download catalogue (``matsci-ml data fetch matbench``)."""
    from matsci_ml.data.catalogue import catalogue

    return tuple(d.name for d in catalogue() if d.name in TASKS)


def load_matbench(name: str, root: Path | None = None, *, path: Path | str | None = None) -> pd.DataFrame:
    """Load a Matbench task as a DataFrame.

    Parameters
    ----------
    name : str
        Task name, one of the 13 of Matbench v0.1 (:data:`TASKS`), e.g. ``"matbench_expt_gap"``.
    root : Path, optional
        Data folder (default ``$MATSCI_ML_DATA``), for the tasks of the course's catalogue: the file's sha256 is
        checked against the catalogue.
    path : Path or str, optional
        A Matbench file you downloaded yourself (``{name}.json.gz`` from ``ml.materialsproject.org/projects``, or a
        copy): read as it is, any task. Its sha256 is compared with matminer's record of the official file, and a
        difference is reported as a warning (a re-serialised copy can be fine).

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
        raise ValueError(f"Unknown Matbench task {name!r}; Matbench v0.1 has: {', '.join(TASKS)}.")
    if path is not None:
        return _read_own_file(name, Path(path))
    if name not in course_tasks():
        raise ValueError(f"{name} is not in the course's download catalogue (it holds {', '.join(course_tasks())}). "
                         f"Download {MATBENCH_URL.format(name=name)} yourself and pass path=... to load_matbench.")
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


def _read_own_file(name: str, path: Path) -> pd.DataFrame:
    import warnings

    from matminer.datasets.utils import _load_dataset_dict
    from matminer.utils.io import load_dataframe_from_json

    from matsci_ml.data.catalogue import sha256_of

    if not path.is_file():
        raise FileNotFoundError(f"no Matbench file at {path}; download {MATBENCH_URL.format(name=name)}")
    official = _load_dataset_dict()[name]["hash"]
    if sha256_of(path) != official:
        warnings.warn(f"{path} is not byte-identical to the official {name} file (sha256 {official[:12]}...): "
                      f"read anyway; check its size and targets if the scores differ from published ones",
                      stacklevel=3)
    frame = load_dataframe_from_json(str(path), pbar=False)
    target = TASKS[name][0]
    if target not in frame:
        raise ValueError(f"{path} has columns {list(frame.columns)}, not {name}'s target {target!r}: wrong file?")
    return frame.reset_index(drop=True)


def matbench_folds(name: str, frame: pd.DataFrame) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The official 5 folds of task ``name``: yields ``(train_index, test_index)`` arrays."""
    target, kind = TASKS[name]
    return official_folds(frame[target].to_numpy(), kind)


def official_folds(y, task_type: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Matbench's fold recipe for any data: 5 shuffled folds, ``random_state=18012019``, ``KFold`` for
    ``task_type="regression"`` and ``StratifiedKFold`` (on ``y``) for ``"classification"``. Yields
    ``(train_index, test_index)`` arrays; on a Matbench task's target the official folds."""
    y = np.asarray(y)
    if task_type == "classification":
        return StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=MATBENCH_SEED).split(y, y)
    if task_type == "regression":
        return KFold(n_splits=N_FOLDS, shuffle=True, random_state=MATBENCH_SEED).split(y)
    raise ValueError(f"task_type must be one of {TASK_TYPES}, not {task_type!r}")
