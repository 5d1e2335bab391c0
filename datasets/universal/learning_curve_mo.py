"""Make ``mo_learning_curve.json``: test errors on the mlearn Mo test set against the number of training
configurations, for an MTP from scratch and for CHGNet fine-tuned by its package's recipe.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or ``matsci-ml data fetch mlearn``):

    python datasets/universal/learning_curve_mo.py            # sizes 5 10 25 50 194, seed 0
    python datasets/universal/learning_curve_mo.py --sizes 5 --update    # redo one size, keep the others
    python datasets/universal/learning_curve_mo.py --models chgnet-fine-tuned --update   # redo one model's rows

Settings: :data:`matsci_ml.mtp.benchmark.MO_FIT_SETTINGS` for the MTP (lesson 06's level-16 fit, at most 9 minutes),
:data:`matsci_ml.universal.fine_tuning.FINE_TUNE_SETTINGS` for CHGNet; the same ``n`` configurations (drawn with the
seed) for both. Measured on 2 CPU cores: about 25 minutes (the MTP rows 18 min; the CHGNet rows, rerun with
batch size 1 by ``--models chgnet-fine-tuned --update``, 6 min). Lesson 10 reruns the smallest size and checks it
against this file; ``tests/universal`` checks the file's structure and the settings it records.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from matsci_ml.data import load_mlearn
from matsci_ml.mtp.benchmark import MO_FIT_SETTINGS
from matsci_ml.paths import atomic_write_text
from matsci_ml.universal.fine_tuning import FINE_TUNE_SETTINGS, learning_curve_point

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[5, 10, 25, 50, 194])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(Path(__file__).with_name("mo_learning_curve.json")))
    parser.add_argument("--models", nargs="*", default=["mtp", "chgnet-fine-tuned"])
    parser.add_argument("--update", action="store_true", help="replace the rows of --sizes and --models in the existing file")
    args = parser.parse_args()
    training, test = load_mlearn("Mo", "training"), load_mlearn("Mo", "test")
    rows, start, earlier = [], time.perf_counter(), {}
    if args.update:
        earlier = json.loads(Path(args.output).read_text())
        if "rerun_sizes" in earlier:     # the file's first format of the record
            earlier["reruns"] = [{"sizes": earlier.pop("rerun_sizes"), "models": ["mtp", "chgnet-fine-tuned"]}]
        rows = [row for row in earlier["rows"] if row["n_train"] not in args.sizes or row["model"] not in args.models]
    for n in args.sizes:
        rows.extend(learning_curve_point(training, test, n, models=args.models, seed=args.seed))
        print(json.dumps(rows[-len(args.models):]), flush=True)
        result = {"element": "Mo", "n_test": len(test), "seed": args.seed, "mtp_settings": MO_FIT_SETTINGS,
                  "fine_tune_settings": FINE_TUNE_SETTINGS, "torch_threads": torch.get_num_threads(),
                  "machine": f"{platform.machine()}, {platform.python_version()}, torch {torch.__version__}",
                  "total_time_s": earlier.get("total_time_s", time.perf_counter() - start),
                  "reruns": earlier.get("reruns", []) + ([{"sizes": args.sizes, "models": args.models,   # once complete
                                                           "time_s": time.perf_counter() - start}]
                                                         if args.update and n == args.sizes[-1] else []),
                  "rows": sorted(rows, key=lambda row: row["n_train"])}
        atomic_write_text(Path(args.output), json.dumps(result, indent=1))
