"""Idempotent, hash-checked downloads with retries.

A file is streamed to a temporary file of its own (``<name>.<random>.part``, so two ``fetch`` at once never
write the same file) while its sha256 is computed; the temporary file is hashed again after it is closed,
checked, and only then renamed into place, so an interrupted or corrupted download never looks like a valid
file. What ``fetch`` reports is the state of the file in place after the rename, hashed once more.

Why not ``pooch``: pooch checks one known hash per file, and the catalogue accepts documented variants of
some files (re-serialised mirrors with another sha256, see :mod:`matsci_ml.data.catalogue`); pooch also has
no notion of the course's offline switch (``MATSCI_ML_OFFLINE``) or of a data folder handed out by an
instructor, which the loaders share with this module. The download itself is the standard library's.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from matsci_ml.data.catalogue import (
    Dataset,
    DatasetIntegrityError,
    check_hash,
    sha256_of,
)
from matsci_ml.paths import OFFLINE_ENV_VAR, data_dir, offline


class DownloadError(OSError):
    """A download failed after every retry."""


@dataclass(frozen=True)
class FileStatus:
    """Result of checking one dataset file: ``state`` is ``ok``, ``missing``, ``corrupt``, ``unreadable`` (no
    permission to read it) or ``invalid`` (a directory or other non-file in its place)."""

    dataset: Dataset
    path: Path
    state: str
    detail: str


def file_status(dataset: Dataset, root: Path | None = None) -> FileStatus:
    """Re-hash ``dataset`` in the data folder ``root`` and say whether it is usable."""
    path = dataset.local_path(root)
    if path.exists() and not path.is_file():
        return FileStatus(dataset, path, "invalid", f"{path} is a directory (or another non-file), not the dataset; "
                                                    f"move it away, then run `{dataset.fetch_command}`")
    if not path.is_file():
        return FileStatus(dataset, path, "missing", f"missing; run `{dataset.fetch_command}`")
    try:
        kind = check_hash(dataset, sha256_of(path), path)
    except DatasetIntegrityError as error:
        return FileStatus(dataset, path, "corrupt", str(error))
    except OSError as error:
        return FileStatus(dataset, path, "unreadable", f"cannot read {path} ({error.strerror or error}); give "
                                                       f"yourself read permission (chmod u+r), or delete it and run "
                                                       f"`{dataset.fetch_command}`")
    return FileStatus(dataset, path, "ok", "sha256 matches the official file" if kind == "official"
                      else f"sha256 matches a documented variant: {kind}")


def fetch(
    dataset: Dataset,
    root: Path | None = None,
    *,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout_s: float = 30.0,
    url: str | None = None,
    progress: bool = True,
) -> FileStatus:
    """Download ``dataset`` into the data folder ``root`` unless a valid copy is already there.

    Parameters
    ----------
    dataset : Dataset
        Catalogue entry to fetch.
    root : Path, optional
        Data folder (default :func:`matsci_ml.paths.data_dir`).
    retries : int
        Attempts before giving up; waits ``backoff_s * 2**k`` seconds after failure ``k``.
    timeout_s : float
        Socket timeout of each attempt, in seconds.
    url : str, optional
        Alternative source (e.g. an instructor's local mirror, or ``file:`` URL of a folder of an offline
        bundle, allowed under ``MATSCI_ML_OFFLINE``); the hash check is unchanged.
    progress : bool
        Show a progress bar.

    Returns
    -------
    FileStatus
        ``ok`` status of the file in place.
    """
    root = root or data_dir()
    status = file_status(dataset, root)
    if status.state == "ok":
        return status
    if status.state in ("invalid", "unreadable"):       # downloading again would not help, or would destroy it
        raise DownloadError(f"{dataset.name} was not downloaded: {status.detail}")
    source = url or dataset.url
    if offline() and not source.startswith("file:"):     # a local folder (an offline bundle) is not the network
        raise DownloadError(
            f"Cannot fetch {dataset.name}: ${OFFLINE_ENV_VAR} forbids network access. "
            f"Unset it, or point $MATSCI_ML_DATA at a folder that holds {dataset.path}."
        )
    target = status.path
    target.parent.mkdir(parents=True, exist_ok=True)
    last_error: Exception | None = None
    for attempt in range(retries):
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f"{target.name}.", suffix=".part")
        os.close(handle)
        part = Path(name)
        try:
            found = _stream_to(source, part, timeout_s=timeout_s, label=dataset.name, progress=progress)
            if sha256_of(part) != found:
                raise OSError(f"{part} changed while it was written (another process?)")
            check_hash(dataset, found, target)
            os.replace(part, target)
            return file_status(dataset, root)
        except DatasetIntegrityError:
            part.unlink(missing_ok=True)
            raise
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            last_error = error
            part.unlink(missing_ok=True)
            if attempt + 1 < retries:
                time.sleep(backoff_s * 2**attempt)
    raise DownloadError(
        f"Could not download {dataset.name} from {source} after {retries} attempts "
        f"(last error: {last_error}). Check your network, or ask your instructor for the data folder "
        f"and set $MATSCI_ML_DATA to it."
    )


def _stream_to(url: str, part: Path, *, timeout_s: float, label: str, progress: bool) -> str:
    digest = hashlib.sha256()
    request = urllib.request.Request(url, headers={"User-Agent": "matsci-ml"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response, open(part, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not progress, leave=False) as bar:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    return digest.hexdigest()
