"""course/own-data.md: every code block runs, in order, within Binder's memory, and what its prose says holds."""

from __future__ import annotations

import json

import nbformat

from matsci_ml.notebooks import markdown_page_notebook, run_notebook
from matsci_ml.paths import REPO_ROOT

PAGE = REPO_ROOT / "course" / "own-data.md"

#: what the page's prose claims, read back from its variables after the run
READ_BACK = '''
import json
from matsci_ml.cluster_expansion import space_group
json.dump({
    "n_formulas": len(alloys), "dummy_mae": float(scores["DummyRegressor"]["mae"].split()[0]),
    "forest_mae": float(scores["RandomForestRegressor"]["mae"].split()[0]),
    "n_structures": len(y), "cv_mev": cv_mev,
    "hull": [[float(labels.concentration[i]), space_group(labels.structures[i])]
             for i in convex_hull(labels.concentration, y).ground_states],
    "cooling": cooling.to_dict(orient="list"),
    "min_dist_default": MTPTrainer(level=10, max_iter=0, progress=False).fit(training).min_dist_,
    "shortest": shortest, "margin": margin, "warnings": [str(w.message) for w in caught],
    "stop_reason": trainer.stop_reason_, "test_errors": test_errors, "eos": eos,
}, open("page_results.json", "w"))
'''


def test_markdown_page_notebook_splits_code_from_prose(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nText.\n\n```python\nx = 1\n```\n\nMore text.\n\n```bash\nls\n```\n\n```python\ny = x + 1\n```\n")
    notebook = markdown_page_notebook(page)
    assert [c.cell_type for c in notebook.cells] == ["markdown", "code", "markdown", "code"]
    assert notebook.cells[1].source == "x = 1" and notebook.cells[3].source == "y = x + 1"
    assert "```bash" in notebook.cells[2].source


def test_own_data_page_runs_and_its_claims_hold(tmp_path):
    notebook = markdown_page_notebook(PAGE)
    assert sum(c.cell_type == "code" for c in notebook.cells) >= 7
    notebook.cells.append(nbformat.v4.new_code_cell(READ_BACK))
    path = tmp_path / "own-data.ipynb"
    nbformat.write(notebook, path)
    run = run_notebook(path, workdir=tmp_path)
    assert run.ok, run.error
    print(f"own-data page: wall {run.wall_s:.0f} s, CPU {run.cpu_s:.0f} s, peak {run.peak_mb:.0f} MB")
    assert run.peak_mb <= 2000 and run.cpu_s <= 360, (run.wall_s, run.cpu_s, run.peak_mb)
    r = json.loads((tmp_path / "page_results.json").read_text())
    # block 1: 70 formulas; the forest beats the mean-value baseline
    assert r["n_formulas"] == 70 and r["forest_mae"] < 0.7 * r["dummy_mae"]
    # block 2: 137 structures, CV about 5 meV/site, B2 CuPd on the hull at x = 1/2
    assert r["n_structures"] == 137 and 3 < r["cv_mev"] < 7
    assert [0.5, "Pm-3m (221)"] in r["hull"]            # B2
    cooling = r["cooling"]
    order = dict(zip(cooling["T (K)"], cooling["B2 order"]))
    heat = dict(zip(cooling["T (K)"], cooling["C_V (k_B/site)"]))
    assert order[800] < 0.2 and order[600] > 0.8 and order[400] > 0.95 and order[1200] < 0.1
    assert max(heat, key=heat.get) == 700
    # block 3: the default min_dist sits just below the training data; the hot test set goes closer; the capped fit warns
    assert r["shortest"]["training"] - 0.05 < r["min_dist_default"] < r["shortest"]["training"]
    assert r["shortest"]["test"] < r["min_dist_default"]
    assert r["margin"] < min(r["shortest"].values())
    assert r["stop_reason"] == "max_iter" and any("still falling" in w for w in r["warnings"])
    assert r["test_errors"]["energy_mae_mev_per_atom"] < 1.0 and r["test_errors"]["force_mae_ev_per_a"] < 0.02
    emt, mtp = r["eos"]["EMT (oracle)"], r["eos"]["MTP"]
    assert abs(mtp["a0 (A)"] / emt["a0 (A)"] - 1) < 1e-3 and abs(mtp["B (GPa)"] / emt["B (GPa)"] - 1) < 0.05
