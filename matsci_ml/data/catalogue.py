"""The catalogue of every dataset the course downloads, and integrity checks.

The catalogue itself is ``datasets/catalogue.json`` in the repository: for each file its
official source URL, sha256, size, licence and citation. A file is accepted only if its sha256
equals the official hash or one of the documented ``accepted_variants`` (re-serialised mirror
copies listed with the reason they differ).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matsci_ml.paths import DATA_ENV_VAR, SHIPPED_DATA_DIR, data_dir

CATALOGUE_PATH = SHIPPED_DATA_DIR / "catalogue.json"


class DatasetMissingError(FileNotFoundError):
    """A dataset file is not in the data folder."""


class DatasetIntegrityError(ValueError):
    """A dataset file's sha256 is not the one the catalogue expects; the file is not loaded."""


@dataclass(frozen=True)
class Dataset:
    """One downloadable file of the catalogue.

    Attributes
    ----------
    name : str
        Identifier used on the command line, e.g. ``matbench_expt_gap`` or ``mlearn_Mo_training``.
    group : str
        Family of datasets (``matbench``, ``mlearn``); ``matsci-ml data fetch mlearn`` fetches a group.
    path : str
        Location relative to the data folder, e.g. ``matbench/matbench_expt_gap.json.gz``.
    url : str
        Official source.
    sha256 : str
        Hash of the official file.
    size_bytes : int or None
        Size of the official file, when known.
    licence, citation : str
        What you may do with the data, and whom to cite.
    accepted_variants : dict
        Further accepted sha256 values mapped to the documented reason they differ.
    """

    name: str
    group: str
    path: str
    url: str
    sha256: str
    size_bytes: int | None
    licence: str
    citation: str
    accepted_variants: dict[str, str] = field(default_factory=dict)

    def local_path(self, root: Path | None = None) -> Path:
        """Where this file lives in the data folder ``root`` (default: :func:`data_dir`)."""
        return (root or data_dir()) / self.path

    @property
    def fetch_command(self) -> str:
        return f"matsci-ml data fetch {self.name}"


@lru_cache(maxsize=1)
def catalogue() -> tuple[Dataset, ...]:
    """All datasets of the catalogue, in catalogue order."""
    records = json.loads(CATALOGUE_PATH.read_text())["datasets"]
    return tuple(Dataset(**record) for record in records)


def get_dataset(name: str) -> Dataset:
    """The catalogue entry called ``name``; ``ValueError`` lists the valid names otherwise."""
    for dataset in catalogue():
        if dataset.name == name:
            return dataset
    names = ", ".join(d.name for d in catalogue())
    raise ValueError(f"Unknown dataset {name!r}. Known datasets: {names}.")


def select(names: list[str] | tuple[str, ...] = ()) -> list[Dataset]:
    """Datasets named by ``names`` (dataset names or group names); all of them if empty."""
    if not names:
        return list(catalogue())
    chosen: list[Dataset] = []
    for name in names:
        group = [d for d in catalogue() if d.group == name]
        for dataset in group or [get_dataset(name)]:
            if dataset not in chosen:
                chosen.append(dataset)
    return chosen


def sha256_of(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex sha256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_bytes), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_hash(dataset: Dataset, found: str, path: Path) -> str:
    """Accept ``found`` for ``dataset`` or raise :class:`DatasetIntegrityError`.

    Returns ``"official"`` or the documented reason of an accepted variant.
    """
    if found == dataset.sha256:
        return "official"
    if found in dataset.accepted_variants:
        return dataset.accepted_variants[found]
    raise DatasetIntegrityError(
        f"{path} is corrupted or altered: sha256 expected {dataset.sha256}, found {found}. "
        f"The file was not loaded. Delete it and run `{dataset.fetch_command}` to download it again."
    )


def verified_path(name: str, root: Path | None = None) -> tuple[Path, bool]:
    """Path of dataset ``name`` after checking that it is present and intact.

    Returns the path and whether the file is byte-identical to the official one (``False``
    for a documented variant).

    Raises
    ------
    DatasetMissingError
        The file is absent; the message names the dataset and the command that fetches it.
    DatasetIntegrityError
        The file's sha256 is wrong; the message names file, expected and found hash.
    """
    dataset = get_dataset(name)
    path = dataset.local_path(root)
    if not path.is_file():
        raise DatasetMissingError(
            f"Dataset {name!r} is not in the data folder ({path} is missing). "
            f"Fetch it with `{dataset.fetch_command}` (needs network), or point ${DATA_ENV_VAR} "
            f"at a folder that already holds it (e.g. one your instructor handed out)."
        )
    return path, check_hash(dataset, sha256_of(path), path) == "official"
