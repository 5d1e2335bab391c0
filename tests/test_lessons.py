"""Lesson conventions: header with objectives, prerequisites and runtime; no committed outputs."""

from __future__ import annotations

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


def test_lesson_01_fits_the_workshop_budget():
    """Issue #2: lesson 01 runs offline in <= 2 min and <= 1 GB (kernel plus the local server)."""
    from matsci_ml.notebooks import run_notebook

    (path,) = [p for p in lesson_notebooks() if p.name.startswith("01_")]
    run = run_notebook(path)
    assert run.ok, run.error
    assert run.wall_s <= 120 and run.peak_mb <= 1000, (run.wall_s, run.peak_mb)
