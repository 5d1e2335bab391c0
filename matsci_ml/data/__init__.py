"""Datasets: the catalogue, hash-checked downloads, and loaders for Matbench and mlearn.

Everything reads from one data folder, ``$MATSCI_ML_DATA`` (default
``~/.cache/matsci-ml/datasets``), laid out as ``matbench/<task>.json.gz`` and
``mlearn/<El>/{training,test}.json``.
"""

from __future__ import annotations

from matsci_ml.data.catalogue import (
    Dataset,
    DatasetIntegrityError,
    DatasetMissingError,
    catalogue,
    get_dataset,
    select,
    verified_path,
)
from matsci_ml.data.download import DownloadError, FileStatus, fetch, file_status
from matsci_ml.data.extxyz import load_extxyz
from matsci_ml.data.matbench import TASKS as MATBENCH_TASKS
from matsci_ml.data.matbench import load_matbench, matbench_folds, official_folds
from matsci_ml.data.mlearn import load_mlearn, vasp_kbar_to_ase_stress

__all__ = [
    "Dataset", "DatasetIntegrityError", "DatasetMissingError", "DownloadError", "FileStatus",
    "MATBENCH_TASKS", "catalogue", "fetch", "file_status", "get_dataset", "load_extxyz", "load_matbench",
    "load_mlearn", "matbench_folds", "official_folds", "select", "vasp_kbar_to_ase_stress", "verified_path",
]
