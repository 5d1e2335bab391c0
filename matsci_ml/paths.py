"""Where the course's files live.

The course is used from a clone of its repository (``pip install -e .``), so the lessons and
the project's own generated datasets sit next to the package.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS_DIR = REPO_ROOT / "lessons"
SHIPPED_DATA_DIR = REPO_ROOT / "datasets"

#: Environment variable naming the folder that holds the downloaded datasets (a cache you can
#: fetch into, or a read-only mirror an instructor hands out, e.g. a USB stick).
DATA_ENV_VAR = "MATSCI_ML_DATA"

#: Set to 1 to forbid every network access (tests and CI set it).
OFFLINE_ENV_VAR = "MATSCI_ML_OFFLINE"


def data_dir() -> Path:
    """Folder holding the downloaded datasets: ``$MATSCI_ML_DATA`` or ``~/.cache/matsci-ml/datasets``."""
    configured = os.environ.get(DATA_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return Path.home() / ".cache" / "matsci-ml" / "datasets"


def offline() -> bool:
    """True when ``$MATSCI_ML_OFFLINE`` forbids network access."""
    return os.environ.get(OFFLINE_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``:
    a crash or a kill at any moment leaves either the old file or the new one, never half of one."""
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
