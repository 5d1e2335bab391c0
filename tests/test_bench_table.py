"""README's benchmark figures are the medians of the saved `matsci-ml bench --json` runs, not typed in by hand."""

from __future__ import annotations

from pathlib import Path

from matsci_ml.bench import Comparison, Side, readme_table

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_readme_table_is_made_from_the_saved_runs():
    table = readme_table(REPO_ROOT / "datasets" / "benchmarks")
    readme = (REPO_ROOT / "README.md").read_text()
    for line in table.splitlines():
        assert line in readme, f"README's benchmark table differs from the saved runs: rerun readme_table\n{line}"
    assert len(table.splitlines()) == 8


def test_readme_table_takes_the_median_of_invocations_and_the_range_of_all_runs(tmp_path):
    import json

    for i, (ours, peer) in enumerate([([10.0, 10.0, 12.0], [1.0, 1.0, 1.0]), ([20.0, 30.0, 30.0], [1.0, 1.0, 1.0]),
                                      ([40.0, 40.0, 40.0], [1.0, 1.0, 1.0])]):
        comparison = Comparison("t", "/s", "w", Side("ours", ours, [1.0] * 3, [0.1] * 3),
                                Side("peer", peer, [2.0] * 3, [0.5] * 3))
        for stem in ("featurize", "mtp"):
            (tmp_path / f"{stem}.{i}.json").write_text(json.dumps(comparison.to_dict()))
        (tmp_path / f"mc.{i}.json").write_text(json.dumps({"comparisons": [comparison.to_dict()] * 2}))
        (tmp_path / f"kmc.{i}.json").write_text(json.dumps({"comparisons": [comparison.to_dict()] * 2}))
    row = readme_table(tmp_path).splitlines()[2]
    # invocation medians 10, 30, 40 -> 30; all runs 10..40
    assert row.startswith("| featurize 4604 compositions vs matminer | 30/s | 1/s | **30×** (10–40) | 1 s | 2 s |")
    assert row.endswith("**2×** (2–2) |")
