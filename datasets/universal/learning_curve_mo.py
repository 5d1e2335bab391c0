"""Make ``mo_learning_curve.json``: test errors on the mlearn Mo test set against the number of training
configurations, for an MTP from scratch and for CHGNet fine-tuned by its package's recipe.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or ``matsci-ml data fetch mlearn``):

    python datasets/universal/learning_curve_mo.py            # sizes 5 10 25 50 194, seed 0
    python datasets/universal/learning_curve_mo.py --sizes 5 --update    # redo one size, keep the others
    python datasets/universal/learning_curve_mo.py --models chgnet-fine-tuned --update   # redo one model's rows

Then the MTP's seed spread at the smallest size: eight MTPs on the same configurations from different initial
parameters, and the first again on one thread (``--spread-seeds`` with no value keeps the file's spread).

Settings: :data:`matsci_ml.mtp.benchmark.MO_FIT_SETTINGS` for the MTP (lesson 06's level-16 fit, at most 9 minutes),
:data:`matsci_ml.universal.fine_tuning.FINE_TUNE_SETTINGS` for CHGNet; the same ``n`` configurations (drawn with the
seed) for both. Measured on 2 CPU cores: about 21 minutes (the MTP rows and their spread 15 min: 9 of them the
time-capped fit on all 194, rerun by ``--models mtp --update`` after the training kernels changed, the rest rerun by
``--sizes 5 10 25 50 --models mtp --update`` in 6 min once training held BLAS to one thread; the CHGNet rows, rerun
with batch size 1 by ``--models chgnet-fine-tuned --update``, 6 min). Lesson 10 reruns the smallest size and checks it
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

def seed_spread(training, test, n: int, seeds, subset_seed: int) -> dict:
    """Test errors of MTPs trained on the same ``n`` configurations from different initial parameters (``seeds``),
    and of the first seed again with every thread pool at one thread: how far a single fit's result moves when
    nothing but the starting point or the rounding changes (lesson 10 takes its tolerance from this)."""
    from numba import get_num_threads, set_num_threads
    from threadpoolctl import threadpool_limits

    def errors(mtp_seed):
        row, = learning_curve_point(training, test, n, models=["mtp"], seed=subset_seed, mtp_settings={"seed": mtp_seed})
        return row

    rows = [errors(seed) for seed in seeds]
    threads = get_num_threads()
    set_num_threads(1)
    with threadpool_limits(1):
        one_thread = errors(seeds[0])
    set_num_threads(threads)
    return {"model": "mtp", "n_train": n, "subset_seed": subset_seed, "mtp_seeds": list(seeds),
            "numba_threads": threads,
            "force_mae_ev_per_a": [row["force_mae_ev_per_a"] for row in rows],
            "energy_mae_mev_per_atom": [row["energy_mae_mev_per_atom"] for row in rows],
            "first_seed_on_one_thread": {"force_mae_ev_per_a": one_thread["force_mae_ev_per_a"],
                                         "energy_mae_mev_per_atom": one_thread["energy_mae_mev_per_atom"]}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[5, 10, 25, 50, 194])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(Path(__file__).with_name("mo_learning_curve.json")))
    parser.add_argument("--models", nargs="*", default=["mtp", "chgnet-fine-tuned"])
    parser.add_argument("--update", action="store_true", help="replace the rows of --sizes and --models in the existing file")
    parser.add_argument("--spread-seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4, 5, 6, 7],
                        help="MTP seeds for the spread at the smallest size (none: keep the file's)")
    args = parser.parse_args()
    training, test = load_mlearn("Mo", "training"), load_mlearn("Mo", "test")
    rows, start, earlier = [], time.perf_counter(), {}
    if args.update:
        earlier = json.loads(Path(args.output).read_text())
        if "rerun_sizes" in earlier:     # the file's first format of the record
            earlier["reruns"] = [{"sizes": earlier.pop("rerun_sizes"), "models": ["mtp", "chgnet-fine-tuned"]}]
        rows = [row for row in earlier["rows"] if row["n_train"] not in args.sizes or row["model"] not in args.models]

    def write(spread, complete):
        result = {"element": "Mo", "n_test": len(test), "seed": args.seed, "mtp_settings": MO_FIT_SETTINGS,
                  "fine_tune_settings": FINE_TUNE_SETTINGS, "torch_threads": torch.get_num_threads(),
                  "machine": f"{platform.machine()}, {platform.python_version()}, torch {torch.__version__}",
                  "total_time_s": earlier.get("total_time_s", time.perf_counter() - start),
                  "reruns": earlier.get("reruns", []) + ([{"sizes": args.sizes, "models": args.models,   # once complete
                                                           "spread_seeds": args.spread_seeds,
                                                           "time_s": time.perf_counter() - start}]
                                                         if args.update and complete else []),
                  "rows": sorted(rows, key=lambda row: row["n_train"])}
        if spread:
            result["mtp_seed_spread"] = spread
        atomic_write_text(Path(args.output), json.dumps(result, indent=1))

    spread = earlier.get("mtp_seed_spread")
    for n in args.sizes:
        rows.extend(learning_curve_point(training, test, n, models=args.models, seed=args.seed))
        print(json.dumps(rows[-len(args.models):]), flush=True)
        write(spread, complete=False)
    if args.spread_seeds:
        spread = seed_spread(training, test, min(row["n_train"] for row in rows), args.spread_seeds, args.seed)
        print(json.dumps(spread), flush=True)
    write(spread, complete=True)
