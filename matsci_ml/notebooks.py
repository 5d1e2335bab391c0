"""Run lesson notebooks headless and account for their wall time and peak memory.

Memory is the resident set size (RSS) of every process the run starts -- the Jupyter kernel
and whatever it launches, such as a local OPTIMADE server -- summed and sampled every 0.1 s.
That is what a memory limit such as Binder's 2 GB applies to.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from matsci_ml.paths import LESSONS_DIR


@dataclass
class NotebookRun:
    """Outcome of one notebook: ``ok``, wall time (s), peak memory (MB), and the error if any."""

    path: Path
    ok: bool
    wall_s: float
    peak_mb: float
    error: str = ""


class _TreeMemorySampler(threading.Thread):
    """Samples the summed RSS of this process's descendants until stopped."""

    def __init__(self, interval_s: float = 0.1):
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self._done.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._done.wait(self.interval_s)

    def stop(self) -> None:
        self._done.set()
        self.join()


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook, in lesson order."""
    return sorted(p for p in LESSONS_DIR.glob("*.ipynb") if not p.name.startswith("."))


def run_notebook(path: Path, *, cell_timeout_s: int = 600) -> NotebookRun:
    """Execute ``path`` top to bottom in a fresh kernel (outputs are not written back)."""
    path = Path(path).resolve()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=cell_timeout_s, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    sampler = _TreeMemorySampler()
    sampler.start()
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 -- report any failure of the notebook
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    wall = time.perf_counter() - start
    sampler.stop()
    return NotebookRun(path, not error, wall, sampler.peak_bytes / 1e6, error)


def format_table(runs: list[NotebookRun]) -> str:
    """A plain-text table of the runs."""
    name_width = max([len("notebook")] + [len(r.path.name) for r in runs])
    lines = [f"{'notebook':<{name_width}}  {'status':<6}  {'wall time (s)':>13}  {'peak memory (MB)':>16}"]
    for run in runs:
        lines.append(f"{run.path.name:<{name_width}}  {'ok' if run.ok else 'FAILED':<6}  "
                     f"{run.wall_s:>13.1f}  {run.peak_mb:>16.0f}")
        if run.error:
            lines.append(f"    {run.error}")
    return "\n".join(lines)
