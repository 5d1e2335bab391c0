"""Each learner's own copy of the lessons, and the JupyterLab settings the course ships.

The notebooks in the repository's ``lessons/`` are the course's master copies: tracked by git, identical for
everyone. JupyterLab marks a notebook as modified as soon as its kernel starts (it writes the kernel's
``language_info`` into the metadata), and autosave then writes it back. So ``matsci-ml lab`` never opens the
master copies: it opens a *workspace*, a folder of the learner's own, into which each lesson is copied once
(``$MATSCI_ML_WORKSPACE``, default ``~/matsci-ml-work``). A copy the learner has is never overwritten; ``matsci-ml
lab --reset 05`` moves lesson 05's copy to ``.backups/`` and puts a fresh one in its place. Whatever a lesson writes
beside itself (lessons 07 and 08: ``al_runs/``) lands in the workspace too. On a shared JupyterHub every user's
home holds their own workspace (course/setup.md).

The settings (``lab-overrides.json`` in this package, installed as JupyterLab's ``overrides.json`` of the
environment) switch off the news and update pop-up. ``matsci-ml lab`` also starts without the tabs of the last
session: every restored notebook would start its own kernel, and two lesson kernels of about 1 GB each do not
fit Binder's 2 GB.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from matsci_ml.paths import LESSONS_DIR

#: Environment variable naming the learner's working folder.
WORKSPACE_ENV_VAR = "MATSCI_ML_WORKSPACE"

#: The course's JupyterLab settings (merged over JupyterLab's defaults; a user's own settings still win).
LAB_OVERRIDES = Path(__file__).with_name("lab-overrides.json")

#: Options that set the folder JupyterLab serves (only one may be given, so ours yields to the user's).
ROOT_DIR_OPTIONS = ("--ServerApp.root_dir", "--ServerApp.notebook_dir", "--notebook-dir", "--NotebookApp.notebook_dir")


def workspace_dir() -> Path:
    """The learner's working folder: ``$MATSCI_ML_WORKSPACE`` or ``~/matsci-ml-work``."""
    configured = os.environ.get(WORKSPACE_ENV_VAR, "").strip()
    return Path(configured).expanduser().resolve() if configured else Path.home() / "matsci-ml-work"


def master_lessons() -> list[Path]:
    return sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"))


def prepare_workspace(root: str | Path | None = None) -> list[Path]:
    """Copy every lesson the workspace ``root`` does not have yet; returns the copies made (learners' files
    are never overwritten)."""
    root = Path(root) if root is not None else workspace_dir()
    root.mkdir(parents=True, exist_ok=True)
    copied = []
    for lesson in master_lessons():
        target = root / lesson.name
        if not target.exists():
            shutil.copy2(lesson, target)
            copied.append(target)
    return copied


def find_lesson(name: str) -> Path:
    """The master copy of the lesson named by its number (``"5"``, ``"05"``), its stem or its file name."""
    lessons = master_lessons()
    key = name.removesuffix(".ipynb")
    if key.isdigit():
        key = f"{int(key):02d}_"
    matches = [p for p in lessons if p.stem == key or p.name.startswith(key)]
    if len(matches) != 1:
        raise ValueError(f"no single lesson matches {name!r}; give its number (e.g. 05) or one of: "
                         f"{', '.join(p.stem for p in lessons)}")
    return matches[0]


def reset_lesson(name: str, root: str | Path | None = None) -> tuple[Path, Path | None]:
    """Replace the learner's copy of lesson ``name`` with a fresh one; the old copy is kept in ``.backups/``.

    Returns ``(fresh copy, backup or None)``.
    """
    root = Path(root) if root is not None else workspace_dir()
    lesson = find_lesson(name)
    target, backup = root / lesson.name, None
    root.mkdir(parents=True, exist_ok=True)
    if target.exists():
        backups = root / ".backups"
        backups.mkdir(exist_ok=True)
        backup = backups / f"{lesson.stem}.{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        while backup.exists():
            backup = backup.with_name(backup.stem + "-1.ipynb")
        os.replace(target, backup)
    shutil.copy2(lesson, target)
    return target, backup


def install_lab_settings(prefix: str | Path | None = None) -> Path | None:
    """Install the course's JupyterLab settings as ``<prefix>/share/jupyter/lab/settings/overrides.json``
    (default: this environment), merged into any overrides already there. None if the folder is not writable."""
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    target = folder / "overrides.json"
    ours = json.loads(LAB_OVERRIDES.read_text())
    try:
        current = json.loads(target.read_text()) if target.exists() else {}
        merged = {**current, **ours}
        if merged != current:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(merged, indent=2) + "\n")
    except OSError:
        return None
    return target


def lab_command(extra: list[str], root: Path) -> list[str]:
    """The JupyterLab command line: the workspace as root folder unless ``extra`` names another one, and a fresh
    layout (no tabs of the last session). ``extra`` goes to JupyterLab unchanged."""
    command = [sys.executable, "-m", "jupyterlab", *extra]
    if not any(arg.split("=")[0] in ROOT_DIR_OPTIONS for arg in extra):
        command.append(f"--ServerApp.root_dir={root}")
    if not any(arg.startswith("--LabApp.workspaces_dir") for arg in extra):
        layouts = root / ".jupyter-layouts"
        shutil.rmtree(layouts, ignore_errors=True)    # JupyterLab restores the tabs saved here; start with none
        command.append(f"--LabApp.workspaces_dir={layouts}")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")  # containers (Docker, some hubs) run as root
    return command


__all__ = ["LAB_OVERRIDES", "WORKSPACE_ENV_VAR", "find_lesson", "install_lab_settings", "lab_command",
           "prepare_workspace", "reset_lesson", "workspace_dir"]
