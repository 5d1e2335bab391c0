"""The offline workshop bundle: everything a room of laptops needs to install and run the course with no network.

``matsci-ml bundle DIR`` writes::

    DIR/wheels/                   every package the course needs, as pip downloaded it for each platform asked for
    DIR/datasets/                 the catalogue's datasets, each one hash-checked (same layout as $MATSCI_ML_DATA)
    DIR/matsci-ml-course.tar.gz   the course itself (lessons, library, Makefile), from ``git archive HEAD``
    DIR/README.md                 what is in it, for which platforms, and the commands for participants
    DIR/manifest.json             the same as data: platforms, file sizes, sha256 of every file

A participant unpacks the course and runs ``make course BUNDLE=DIR``: pip installs with ``--no-index
--find-links DIR/wheels`` (it never asks an index) and ``matsci-ml data fetch --from DIR/datasets`` copies and
re-hashes the datasets. Without ``make`` (Windows): the three commands in the bundle's README.

The wheelhouse is made by ``pip download``, so it holds what pip would install on the platform asked for: the
instructor's own (always), and each ``--platform`` tag given (e.g. ``macosx_11_0_arm64``, ``win_amd64``), for
which pip downloads binary wheels only (``--only-binary=:all:``). A platform whose set cannot be completed from
wheels alone is reported in the README as missing, never silently half-filled.

torch: on Linux the CPU build (``+cpu``) is taken from PyTorch's CPU index, as ``make course`` does (see the
Makefile); PyPI's Linux wheel would pull several GB of CUDA libraries into every laptop's copy.
"""

from __future__ import annotations

import json
import platform as _platform
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from matsci_ml.data.catalogue import sha256_of
from matsci_ml.paths import REPO_ROOT

#: PyTorch's index of CPU-only wheels (the Makefile and binder/requirements.txt name the same one).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

#: What pip needs to build the course package itself (``pip install -e .``) with ``--no-index``.
BUILD_REQUIREMENTS = ("pip", "setuptools>=77", "wheel")


def course_requirements(extras: tuple[str, ...] = ()) -> list[str]:
    """The course's dependencies as ``pyproject.toml`` declares them (plus those of ``extras``)."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return requirements


def default_torch_index() -> str | None:
    """The CPU index on Linux (PyPI's torch is the CUDA build there); None elsewhere."""
    return TORCH_CPU_INDEX if sys.platform.startswith("linux") else None


@dataclass
class BundleReport:
    """What :func:`write_bundle` wrote: the folder, the platforms it holds complete wheel sets for, those it could
    not complete (tag -> pip's last words), and the size of each part in bytes."""

    directory: Path
    platforms: list[str]
    missing_platforms: dict[str, str] = field(default_factory=dict)
    sizes_bytes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in self.sizes_bytes.items())
        missing = "".join(f"\n  not complete for {tag}: {why}" for tag, why in self.missing_platforms.items())
        return (f"bundle in {self.directory}: {parts}; wheels for {', '.join(self.platforms)}{missing}\n"
                f"participants: make course BUNDLE={self.directory}")


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def write_bundle(
    directory: str | Path,
    *,
    requirements: list[str] | None = None,
    platforms: tuple[str, ...] = (),
    python_version: str | None = None,
    torch_index: str | None = "default",
    data_root: str | Path | None = None,
    datasets: list[str] | None = None,
    include_course: bool = True,
    pip_command: tuple[str, ...] = (sys.executable, "-m", "pip"),
) -> BundleReport:
    """Write an offline bundle into ``directory`` (created; files already there are kept and reused).

    Parameters
    ----------
    requirements : list of str, optional
        What to download (default: :func:`course_requirements` plus :data:`BUILD_REQUIREMENTS`).
    platforms : tuple of str
        Further pip platform tags to download binary wheels for, besides this machine's.
    python_version : str, optional
        Python of the participants for those platforms, e.g. ``"3.11"`` (default: this one's).
    torch_index : str or None
        Extra index for torch (``"default"``: :func:`default_torch_index`; None: PyPI only).
    data_root : path, optional
        Where to copy the datasets from (default ``$MATSCI_ML_DATA``); a dataset not there is downloaded.
    datasets : list of str, optional
        Catalogue names or groups (default: all).
    pip_command : tuple of str
        How to call pip (tests run it with the network namespace removed).
    """
    from matsci_ml.data import fetch, select
    from matsci_ml.paths import data_dir

    directory = Path(directory).resolve()
    wheels = directory / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    requirements = list(requirements) if requirements is not None else [*BUILD_REQUIREMENTS, *course_requirements()]
    index = default_torch_index() if torch_index == "default" else torch_index
    index_args = ["--extra-index-url", index] if index else []
    python_version = python_version or f"{sys.version_info.major}.{sys.version_info.minor}"

    here = f"{sys.platform}-{_platform.machine()} (Python {sys.version_info.major}.{sys.version_info.minor})"
    report = BundleReport(directory, [here])
    subprocess.run([*pip_command, "download", "--quiet", "--dest", str(wheels), *index_args, *requirements],
                   check=True)
    for tag in platforms:
        done = subprocess.run(
            [*pip_command, "download", "--quiet", "--dest", str(wheels), "--only-binary=:all:", "--platform", tag,
             "--python-version", python_version, *index_args, *requirements],
            capture_output=True, text=True)
        if done.returncode == 0:
            report.platforms.append(f"{tag} (Python {python_version})")
        else:
            report.missing_platforms[tag] = (done.stderr.strip().splitlines() or ["pip failed"])[-1]

    source = Path(data_root).resolve() if data_root else data_dir()
    for dataset in select(datasets or []):
        local = source / dataset.path
        fetch(dataset, directory / "datasets", url=local.as_uri() if local.is_file() else None, progress=False)

    if include_course and (REPO_ROOT / ".git").exists():
        subprocess.run(["git", "-C", str(REPO_ROOT), "archive", "--format=tar.gz", "--prefix=matsci-ml/",
                        "-o", str(directory / "matsci-ml-course.tar.gz"), "HEAD"], check=True)

    report.sizes_bytes = {"wheels": _folder_size(wheels), "datasets": _folder_size(directory / "datasets")}
    course = directory / "matsci-ml-course.tar.gz"
    if course.exists():
        report.sizes_bytes["course"] = course.stat().st_size
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.name not in ("README.md", "manifest.json"))
    manifest = {
        "platforms": report.platforms,
        "missing_platforms": report.missing_platforms,
        "requirements": requirements,
        "torch_index": index,
        "files": {str(p.relative_to(directory)): {"bytes": p.stat().st_size, "sha256": sha256_of(p)} for p in files},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (directory / "README.md").write_text(_readme(report))
    return report


def _readme(report: BundleReport) -> str:
    sizes = "\n".join(f"- `{name}`: {size / 1e6:.1f} MB" for name, size in report.sizes_bytes.items())
    platforms = "\n".join(f"- {p}" for p in report.platforms)
    missing = "\n".join(f"- {tag}: not complete from binary wheels ({why}); those laptops need the network "
                        f"once, or a bundle built on such a machine" for tag, why in report.missing_platforms.items())
    return f"""# matsci-ml offline workshop bundle

Everything to install and run the course with no network: the course, the Python packages as wheels,
and the datasets (each checked against its sha256 again when it is copied in).

{sizes}

Complete package sets for:
{platforms}
{missing}

## Participants (Linux, macOS, WSL: Python 3.11 or 3.12 and make)

```bash
tar xzf {report.directory}/matsci-ml-course.tar.gz && cd matsci-ml
make course BUNDLE={report.directory}
```

`BUNDLE=` makes pip install with `--no-index --find-links {report.directory}/wheels` (no index is asked)
and copies the datasets from `{report.directory}/datasets` into the data folder.

## Windows without make

```powershell
py -3.11 -m venv .venv
.venv\\Scripts\\python -m pip install --no-index --find-links {report.directory}\\wheels -e .
.venv\\Scripts\\matsci-ml data fetch --from {report.directory}\\datasets
.venv\\Scripts\\matsci-ml lab
```

`manifest.json` lists every file with its size and sha256.
"""


__all__ = ["BUILD_REQUIREMENTS", "BundleReport", "TORCH_CPU_INDEX", "course_requirements", "default_torch_index",
           "write_bundle"]
