"""Lesson conventions, and the solution version of every lesson (all implementation exercises filled in)."""

from __future__ import annotations

import os

import nbformat
import pytest

from matsci_ml.notebooks import (SCAFFOLD_TAG, check_verdicts, implementation_cells, lesson_notebooks, scaffold_source,
                                 solution_version)


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
    long = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and len(c.source.splitlines()) > 15]
    assert not long, f"{path.name}: code cells {long} have more than 15 lines; move the logic into matsci_ml"
    assert not any(line.lstrip().startswith("assert ") for c in nb.cells if c.cell_type == "code"
                   for line in c.source.splitlines()), f"{path.name}: use matsci_ml.reproduction, not a bare assert"


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_lesson_has_implementation_exercises_in_sync_with_the_library(path):
    nb = nbformat.read(path, as_version=4)
    cells = implementation_cells(nb)
    assert len(cells) >= 2, f"{path.name}: fewer than two implementation exercises"
    for index, exercise_id in cells:
        assert exercise_id.startswith(path.name[:2])
        assert nb.cells[index].source == scaffold_source(exercise_id), (
            f"{path.name}: the scaffold of {exercise_id} differs from the library's; regenerate it with "
            "matsci_ml.notebooks.scaffold_source")
        assert len(nb.cells[index].source.splitlines()) <= 15
    filled = solution_version(nb)
    for index, exercise_id in cells:
        assert "NotImplementedError" not in filled.cells[index].source
        assert SCAFFOLD_TAG in filled.cells[index].metadata["tags"]
    assert "NotImplementedError" in nb.cells[cells[0][0]].source       # the original is left alone


def test_there_are_lessons():
    assert lesson_notebooks()[0].name.startswith("01_")


#: Peak memory (MB) each lesson must stay within (Binder's limit is 2 GB), and the CPU time (s) of the kernel and
#: its workers: 2 cores x 3 minutes. Wall time is reported by `matsci-ml run`, never asserted: a busy machine would fail it.
MEMORY_MB, CPU_S = 2000, 360


def _names_used_not_bound(tree) -> set[str]:
    """Names a cell reads without binding them itself (by import, def or assignment)."""
    import ast

    bound = {alias.asname or alias.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for alias in n.names}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_learner_version_differs_only_in_self_contained_scaffolds(path):
    """The learner's version is the solution version with the scaffold cells put back. Each scaffold cell, run on its
    own, must say "not yet attempted" (not raise, even in strict mode), and no other cell may use what it defines:
    then the learner's version runs wherever the solution version (executed below, once per CI run) runs."""
    import ast

    from matsci_ml.exercises import check, exercise

    nb = nbformat.read(path, as_version=4)
    cells = implementation_cells(nb)
    for index, exercise_id in cells:
        namespace: dict = {"check": check}          # the lesson imports it in its first code cell
        *body, last = nb.cells[index].source.rstrip().splitlines()
        exec(compile("\n".join(body), f"{exercise_id} scaffold", "exec"), namespace)   # noqa: S102 -- our own cell
        verdict = eval(last, namespace)                                                # noqa: S307
        assert not verdict.correct and "Not yet attempted" in str(verdict), (exercise_id, str(verdict))
        name = exercise(exercise_id).function_name
        users = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and i > index
                 and name in _names_used_not_bound(ast.parse(cell.source))]
        assert not users, f"{path.name}: cells {users} use {name}(), which the learner's version leaves unimplemented"


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_solution_version_passes_every_check_within_budget(path, tmp_path):
    """Runs each lesson once, with the solutions filled in, in strict mode: every cell must run, every check must
    pass and every reproduction check must hold, within Binder's memory and a CPU-time budget."""
    from matsci_ml.notebooks import run_notebook

    # in a folder of its own: lessons 07/08 resume the loops saved in al_runs/, and two lessons run at once
    run = run_notebook(path, solutions=True, workdir=tmp_path)
    if os.environ.get("MATSCI_ML_EXECUTED_DIR"):      # make test keeps them for the website (make site)
        from matsci_ml.site import save_executed

        save_executed(run.notebook, path, os.environ["MATSCI_ML_EXECUTED_DIR"])
    assert run.ok, run.error
    verdicts = check_verdicts(run.notebook)
    assert verdicts and all("✅ Correct" in text for text in verdicts.values()), verdicts
    bare = [i for i, cell in enumerate(run.notebook.cells) for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]
    assert not bare, f"cells {bare} show a figure without alt text: use show_figure(alt)"
    assert run.peak_mb <= MEMORY_MB and run.cpu_s <= CPU_S, (run.wall_s, run.cpu_s, run.peak_mb)
    print(f"{path.name}: wall {run.wall_s:.0f} s, CPU {run.cpu_s:.0f} s, peak {run.peak_mb:.0f} MB")
