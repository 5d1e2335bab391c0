"""Lesson conventions: header with objectives, prerequisites and runtime; no committed outputs."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from matsci_ml.notebooks import lesson_notebooks


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_lesson_conventions(path):
    nb = nbformat.read(path, as_version=4)
    header = nb.cells[0]
    assert header.cell_type == "markdown" and header.source.startswith("# Lesson")
    for field in ("You will learn", "Prerequisites", "Runtime"):
        assert field in header.source, f"{path.name}: header lacks {field!r}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has committed outputs"
    sources = "\n".join(c.source for c in nb.cells)
    assert "from matsci_ml.exercises import exercise" in sources and ".show_solution()" in sources


def test_there_are_lessons():
    assert lesson_notebooks()[0].name.startswith("01_")


#: (seconds, MB) each lesson must stay within offline on a 2-core machine; issues #2 and #3.
BUDGETS = {"01": (120, 1000), "02": (180, 2000), "04": (180, 2000), "05": (180, 2000), "06": (180, 2000),
           "07": (240, 2000), "08": (240, 2000)}


@pytest.mark.parametrize("lesson", sorted(BUDGETS))
def test_lesson_fits_the_workshop_budget(lesson):
    """Lessons that are quick to run twice are also timed here (nbval runs every lesson once)."""
    from matsci_ml.notebooks import run_notebook

    (path,) = [p for p in lesson_notebooks() if p.name.startswith(f"{lesson}_")]
    shutil.rmtree(path.parent / "al_runs", ignore_errors=True)   # lesson 07 resumes saved loops: time a fresh run
    run = run_notebook(path)
    seconds, megabytes = BUDGETS[lesson]
    assert run.ok, run.error
    assert run.wall_s <= seconds and run.peak_mb <= megabytes, (run.wall_s, run.peak_mb)
