"""Make ``mtp_new_element.json``: an MTP trained with ``MTPTrainer()``'s default settings on an element the lessons
never fit an MTP to (mlearn Ge, Zuo et al. 2020), from a cold numba cache, to show what a learner sees on new data.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or ``matsci-ml data fetch mlearn``):

    NUMBA_CACHE_DIR=$(mktemp -d) python datasets/own_data/mtp_new_element.py     # cold cache: compile time counted

Records, for the default fit (level 16, 200 L-BFGS iterations, min_dist from the data) and for the same fit capped
at ``--short-time-s`` of training: ``min_dist_``, ``stop_reason_``, the warnings raised, ``compile_time_s_`` and
``fit_time_s_``, and the training and test errors against Zuo et al.'s published MTP errors for Ge (1.79 meV/atom,
0.05 eV/A). About 12 minutes on 2 cores.
"""

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

from matsci_ml.data import load_mlearn
from matsci_ml.mtp import Dataset, MTPTrainer, errors
from matsci_ml.mtp.reference_values import ZUO_2020_MTP_TEST_MAE
from matsci_ml.paths import atomic_write_text



def fit_and_score(training, test, **params) -> dict:
    """Train ``MTPTrainer(**params)`` and return what a learner would look at."""
    begin = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer = MTPTrainer(progress=False, **params).fit(training)
    potential = trainer.potential_
    test_errors = errors(potential, Dataset.from_frames(test, potential))
    return {"params": params, "min_dist_A": trainer.min_dist_, "stop_reason": trainer.stop_reason_,
            "iterations": len(trainer.history_), "warnings": [str(w.message) for w in caught],
            "compile_time_s": round(trainer.compile_time_s_, 1), "fit_time_s": round(trainer.fit_time_s_, 1),
            "wall_time_s": round(time.perf_counter() - begin, 1),
            "train_errors": trainer.train_errors_, "test_errors": test_errors}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--element", default="Ge")
    parser.add_argument("--short-time-s", type=float, default=60.0)
    parser.add_argument("--output", default=str(Path(__file__).with_name("mtp_new_element.json")))
    args = parser.parse_args()
    training, test = load_mlearn(args.element, "training"), load_mlearn(args.element, "test")
    runs = []
    for params in ({}, {"max_time_s": args.short_time_s}):
        runs.append(fit_and_score(training, test, **params))
        print(json.dumps(runs[-1]), flush=True)
    result = {"element": args.element, "n_train": len(training), "n_test": len(test),
              "published_mae": {"energy_meV_per_atom": ZUO_2020_MTP_TEST_MAE[args.element][0],
                                "force_eV_per_A": ZUO_2020_MTP_TEST_MAE[args.element][1],
                                "source": "Zuo et al., J. Phys. Chem. A 124, 731 (2020), MTP"}, "machine": f"{platform.machine()}, Python "
              f"{platform.python_version()}", "runs": runs}
    atomic_write_text(Path(args.output), json.dumps(result, indent=1))
