"""Run lesson notebooks headless and account for their wall time and peak memory.

Memory is the resident set size (RSS) of every process the run starts -- the Jupyter kernel
and whatever it launches, such as a local OPTIMADE server -- summed and sampled every 0.1 s.
That is what a memory limit such as Binder's 2 GB applies to.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from matsci_ml.paths import LESSONS_DIR


#: Cell tag of the code cells in which the learner writes an implementation exercise.
SCAFFOLD_TAG = "exercise-scaffold"


@dataclass
class NotebookRun:
    """Outcome of one notebook: ``ok``, wall time and CPU time of the kernel (s), peak memory (MB), the error if any,
    and the executed notebook."""

    path: Path
    ok: bool
    wall_s: float
    peak_mb: float
    error: str = ""
    notebook: nbformat.NotebookNode | None = None
    cpu_s: float = 0.0


class _TreeMemorySampler(threading.Thread):
    """Samples the summed RSS of this process's descendants until stopped."""

    def __init__(self, interval_s: float = 0.1):
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.peak_cpu_s = 0.0      # CPU time of the kernel and its children, seen at the last sample
        self._done = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        cpu: dict[int, float] = {}
        while not self._done.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    times = child.cpu_times()
                    cpu[child.pid] = times.user + times.system     # exited children keep their last sample
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self.peak_cpu_s = sum(cpu.values())
            self._done.wait(self.interval_s)

    def stop(self) -> None:
        self._done.set()
        self.join()


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook, in lesson order."""
    return sorted(p for p in LESSONS_DIR.glob("*.ipynb") if not p.name.startswith("."))


def markdown_page_notebook(path: Path):
    """A notebook of a markdown page such as ``course/own-data.md``: each fenced ```` ```python ```` block a code cell,
    the prose between them markdown cells (for running the page in JupyterLab, and for its test)."""
    import re

    cells, text = [], Path(path).read_text()
    pieces = re.split(r"^```python[ \t]*\n(.*?)^```[ \t]*$", text, flags=re.M | re.S)
    for k, piece in enumerate(pieces):
        piece = piece.strip("\n")
        if k % 2:
            cells.append(nbformat.v4.new_code_cell(piece))
        elif piece.strip():
            cells.append(nbformat.v4.new_markdown_cell(piece))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def run_notebook(path: Path, *, cell_timeout_s: int = 600, solutions: bool = False, workdir=None) -> NotebookRun:
    """Execute ``path`` top to bottom in a fresh kernel (outputs are not written back).

    ``solutions=True`` runs the solution version: every implementation exercise filled in with its solution.
    ``workdir`` is the kernel's working directory (default: the notebook's folder), where a lesson writes what it
    saves, such as the active-learning states in ``al_runs/``: a fresh folder gives a fresh run.
    """
    path = Path(path).resolve()
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:   # missing, unreadable, or not a notebook (JSON or schema errors)
        reason = "no such file" if not path.exists() else f"cannot read it as a notebook ({type(exc).__name__}: {exc})"
        return NotebookRun(path, False, 0.0, 0.0, f"{path}: {reason}")
    if solutions:
        notebook = solution_version(notebook)
    sockets = tempfile.TemporaryDirectory(prefix="matsci-ml-kernel-")
    client = NotebookClient(notebook, timeout=cell_timeout_s, kernel_name="python3",
                            config=_kernel_transport(Path(sockets.name)),
                            resources={"metadata": {"path": str(workdir or path.parent)}})
    # nbclient imitates the Output widget (the one `interact` draws into) by sending comm messages to the kernel on
    # the shell socket while it waits on that socket for the cell's reply; now and then the reply's wake-up is lost
    # and the run sits idle until the cell timeout, when the reply is found after all (seen in CI: 600 s after an
    # `interact` cell, the kernel idle, then the lesson passes). Without the imitation nothing but execute requests
    # is sent, and what a widget's function displays is kept as the cell's own output.
    client.widget_registry = {}
    sampler = _TreeMemorySampler()
    sampler.start()
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 -- report any failure of the notebook
        error = _describe_failure(exc, cell_timeout_s)
    wall = time.perf_counter() - start
    sampler.stop()
    sockets.cleanup()
    return NotebookRun(path, not error, wall, sampler.peak_bytes / 1e6, error, notebook, sampler.peak_cpu_s)


def _kernel_transport(folder: Path):
    """Configuration that makes the kernel talk over Unix sockets in ``folder`` (POSIX), not TCP ports: TCP ports
    are picked by binding to port 0 and letting go, and a process starting at the same moment (another kernel, a
    local server) can take one in between; a kernel that lost a port waits forever for requests that never come.
    (Passed as configuration: a ``km=`` given to ``NotebookClient`` disables its cell timeout.)"""
    from traitlets.config import Config

    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(folder / "kernel")
    return config


def _describe_failure(exc: Exception, cell_timeout_s: int) -> str:
    """One line saying why a notebook stopped: the cell that timed out, or the error's last meaningful line."""
    from nbclient.exceptions import CellTimeoutError

    if isinstance(exc, CellTimeoutError):   # its text ends with a preview of the cell between lines of dashes
        preview = [line for line in str(exc).split("preview of the cell contents:")[-1].splitlines()
                   if any(ch.isalnum() for ch in line)]
        where = f", the one starting {preview[0].strip()[:70]!r}" if preview else ""
        return f"CellTimeoutError: a cell ran longer than {cell_timeout_s} s{where}"
    meaningful = [line for line in str(exc).strip().splitlines() if any(ch.isalnum() for ch in line)]
    return f"{type(exc).__name__}: {meaningful[-1] if meaningful else ''}"


# -- learner and solution versions ---------------------------------------------------------------

def scaffold_source(exercise_id: str, *, solution: bool = False) -> str:
    """Source of the code cell of an implementation exercise: the scaffold (or the solution) and its check."""
    from matsci_ml.exercises import exercise

    ex = exercise(exercise_id)
    if solution:
        head, body = f"# Exercise {exercise_id}: one solution", ex.solution_code.strip()
    else:
        head = f"# Exercise {exercise_id}: replace `raise NotImplementedError` with your code, run the cell"
        body = ex.scaffold.strip()
    return f"{head}\n{body}\n\ncheck({exercise_id!r}, {ex.function_name})"


def implementation_cells(notebook) -> list[tuple[int, str]]:
    """``(cell index, exercise id)`` of every implementation-exercise cell of a notebook."""
    return [(i, cell.metadata["exercise"]) for i, cell in enumerate(notebook.cells)
            if SCAFFOLD_TAG in cell.metadata.get("tags", [])]


def solution_version(notebook):
    """A copy of ``notebook`` with every implementation exercise replaced by its solution."""
    import copy

    filled = copy.deepcopy(notebook)
    for index, exercise_id in implementation_cells(filled):
        filled.cells[index].source = scaffold_source(exercise_id, solution=True)
    return filled


def check_verdicts(notebook) -> dict[str, str]:
    """``{exercise id: the check's text output}`` of an executed notebook."""
    verdicts = {}
    for index, exercise_id in implementation_cells(notebook):
        texts = [o.get("data", {}).get("text/plain", "") or o.get("text", "") for o in notebook.cells[index].outputs]
        texts += [f"{o.get('ename')}: {o.get('evalue')}" for o in notebook.cells[index].outputs
                  if o.get("output_type") == "error"]
        verdicts[exercise_id] = "\n".join(texts)
    return verdicts


def format_table(runs: list[NotebookRun]) -> str:
    """A plain-text table of the runs."""
    name_width = max([len("notebook")] + [len(r.path.name) for r in runs])
    lines = [f"{'notebook':<{name_width}}  {'status':<6}  {'wall time (s)':>13}  {'CPU time (s)':>12}  "
             f"{'peak memory (MB)':>16}"]
    for run in runs:
        lines.append(f"{run.path.name:<{name_width}}  {'ok' if run.ok else 'FAILED':<6}  "
                     f"{run.wall_s:>13.1f}  {run.cpu_s:>12.1f}  {run.peak_mb:>16.0f}")
        if run.error:
            lines.append(f"    {run.error}")
    return "\n".join(lines)
