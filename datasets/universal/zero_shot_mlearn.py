"""Make ``zero_shot_mlearn.json``: CHGNet 0.3.0 and SevenNet-0 on the four mlearn test sets, raw and with the
per-element shift fitted on each training set, beside lesson 06's MTP and lesson 08's NequIP on Mo.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or ``matsci-ml data fetch mlearn``):

    python datasets/universal/zero_shot_mlearn.py

Every number is computed here (about 13 minutes on 2 cores); Zuo et al.'s published MTP errors are added from
:data:`matsci_ml.mtp.reference_values.ZUO_2020_MTP_TEST_MAE` and labelled as published. Lesson 10 recomputes the
Mo rows of CHGNet and checks them against this file; ``tests/universal`` checks its structure.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from matsci_ml.data import load_mlearn
from matsci_ml.mtp import Dataset, read_mtp
from matsci_ml.mtp import errors as mtp_errors
from matsci_ml.mtp.reference_values import SHIPPED_MO_MTP, ZUO_2020_MTP_TEST_MAE
from matsci_ml.paths import atomic_write_text
from matsci_ml.universal import elemental_shift, universal_calculator, zero_shot_errors
from matsci_ml.universal.zero_shot import LESSON08_NEQUIP

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", nargs="*", default=["Mo", "Si", "Ge", "Li"])
    parser.add_argument("--output", default=str(Path(__file__).with_name("zero_shot_mlearn.json")))
    args = parser.parse_args()
    rows, start = [], time.perf_counter()
    for element in args.elements:
        training, test = load_mlearn(element, "training"), load_mlearn(element, "test")
        for name in ("chgnet", "sevennet-0"):
            calculator = universal_calculator(name)
            shift = elemental_shift(calculator, training)
            for kind, mu in (("raw", None), ("shifted", shift)):
                rows.append({"element": element, "model": name, "kind": kind, "shift_ev_per_atom": shift[element],
                             **zero_shot_errors(calculator, test, mu)})
                print(json.dumps(rows[-1]), flush=True)
        published = ZUO_2020_MTP_TEST_MAE[element]
        rows.append({"element": element, "model": "MTP (Zuo et al. 2020, published)", "kind": "published",
                     "energy_mae_mev_per_atom": published[0], "force_mae_ev_per_a": published[1]})
        if element == "Mo":
            shipped = read_mtp(SHIPPED_MO_MTP)
            rows.append({"element": "Mo", "model": "MTP level 16 (lesson 06, shipped)", "kind": "trained",
                         **mtp_errors(shipped, Dataset.from_frames(test, shipped))})
            from matsci_ml.equivariant import NequIPTrainer

            torch.set_num_threads(2)
            fit = NequIPTrainer(**LESSON08_NEQUIP).fit(training[::4])
            rows.append({"element": "Mo", "model": "NequIP (lesson 08 settings)", "kind": "trained",
                         "n_train": len(training[::4]), "fit_time_s": fit.fit_time_s_, **fit.errors(test)})
            print(json.dumps(rows[-2:]), flush=True)
        result = {"rows": rows, "total_time_s": time.perf_counter() - start,
                  "machine": f"{platform.machine()}, {platform.python_version()}, torch {torch.__version__}"}
        atomic_write_text(Path(args.output), json.dumps(result, indent=1))
