"""Published Matbench v0.1 leaderboard figures (5-fold means), for comparison in lessons.

Source: matbench.materialsproject.org (Dunn et al., npj Comput. Mater. 6, 138 (2020)). For the
classification tasks the leaderboard's "rocauc" was computed on thresholded labels, so it equals
the balanced accuracy.
"""

from __future__ import annotations

import pandas as pd

LEADERBOARD: dict[str, dict] = {
    "matbench_expt_gap": {
        "metric": "mae",
        "label": "MAE (eV)",
        "lower_is_better": True,
        "entries": {"Dummy": 1.1435, "RF-SCM/Magpie": 0.4461, "AMMExpress v2020": 0.4161,
                    "MODNet v0.1.12": 0.3327},
    },
    "matbench_expt_is_metal": {
        "metric": "balanced_accuracy",
        "label": "ROC-AUC on thresholded labels (= balanced accuracy)",
        "lower_is_better": False,
        "entries": {"RF-SCM/Magpie": 0.9167, "AMMExpress v2020": 0.9209},
    },
    # materialsproject/matbench, docs_src/Leaderboards Per-Task/matbench_v0.1_matbench_glass.md
    "matbench_glass": {
        "metric": "balanced_accuracy",
        "label": "ROC-AUC on thresholded labels (= balanced accuracy)",
        "lower_is_better": False,
        "entries": {"Dummy": 0.5005, "RF-SCM/Magpie": 0.8587, "AMMExpress v2020": 0.8607,
                    "MODNet v0.1.12": 0.9603},
    },
    # materialsproject/matbench, docs_src/Leaderboards Per-Task/matbench_v0.1_matbench_phonons.md (5-fold mean MAE)
    "matbench_phonons": {
        "metric": "mae",
        "label": "MAE (cm^-1)",
        "lower_is_better": True,
        "entries": {"Dummy": 323.9822, "RF-SCM/Magpie": 67.6126, "CGCNN v2019": 57.7635,
                    "MODNet v0.1.12": 34.2751, "ALIGNN": 29.5385},
    },
    # materialsproject/matbench, docs_src/Leaderboards Per-Task/matbench_v0.1_matbench_jdft2d.md (5-fold mean MAE)
    "matbench_jdft2d": {
        "metric": "mae",
        "label": "MAE (meV/atom)",
        "lower_is_better": True,
        "entries": {"Dummy": 67.2851, "RF-SCM/Magpie": 50.0440, "CGCNN v2019": 49.2440,
                    "MODNet v0.1.12": 33.1918, "ALIGNN": 43.4244},
    },
}


def compare_with_leaderboard(task: str, ours: dict[str, float]) -> pd.DataFrame:
    """Our scores (``{model name: 5-fold mean}``) next to the published ones, best first."""
    board = LEADERBOARD[task]
    rows = [{"model": name, board["label"]: score, "source": "published"} for name, score in board["entries"].items()]
    rows += [{"model": name, board["label"]: score, "source": "this notebook"} for name, score in ours.items()]
    table = pd.DataFrame(rows).sort_values(board["label"], ascending=board["lower_is_better"])
    return table.reset_index(drop=True)
