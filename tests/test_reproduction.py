from __future__ import annotations

import pytest

from matsci_ml.reproduction import ReproductionError, compare_exactly, compare_to_reference, expect


def test_prints_value_reference_tolerance_and_verdict(capsys, monkeypatch):
    monkeypatch.setenv("MATSCI_ML_STRICT", "0")
    result = compare_to_reference("T_c", 2.31, 2.269185, tolerance=0.02, unit="J/k_B", source="Onsager")
    out = capsys.readouterr().out
    assert not result.within and "❌ outside the tolerance" in out
    assert "2.31" in out and "2.26918" in out and "0.02" in out and "Onsager" in out


def test_a_forced_drift_fails_in_strict_mode(monkeypatch):
    monkeypatch.setenv("MATSCI_ML_STRICT", "1")
    assert compare_to_reference("f fcc", 0.7820, 0.7815, sigma=0.0004).within     # within 4 sigma
    with pytest.raises(ReproductionError, match="f fcc"):
        compare_to_reference("f fcc", 0.7900, 0.7815, sigma=0.0004)             # a drift of 21 sigma
    with pytest.raises(ReproductionError):
        compare_exactly("basis sizes", [1, 2, 5], [1, 2, 6])
    with pytest.raises(ReproductionError, match="converged"):
        expect("the loop converged", False)


def test_statistical_tolerance_widens_a_tight_fixed_one():
    assert compare_to_reference("x", 1.05, 1.0, tolerance=0.01, sigma=0.02).tolerance == pytest.approx(0.08)


def test_a_drifted_number_fails_a_notebook_run_in_strict_mode_only(tmp_path, monkeypatch):
    import nbformat

    from matsci_ml.notebooks import run_notebook

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from matsci_ml.reproduction import compare_to_reference\n"
        "compare_to_reference('f fcc', 0.7900, 0.7815, sigma=0.0004, source='published')\n"
        "print('the lesson went on')")]
    path = tmp_path / "drift.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.setenv("MATSCI_ML_STRICT", "1")                 # as in CI
    strict = run_notebook(path)
    assert not strict.ok and "ReproductionError" in strict.error
    monkeypatch.setenv("MATSCI_ML_STRICT", "0")                 # as in a learner's notebook
    relaxed = run_notebook(path)
    assert relaxed.ok
    outputs = "".join(o.get("text", "") for o in relaxed.notebook.cells[0].outputs)
    assert "❌ outside the tolerance" in outputs and "the lesson went on" in outputs
