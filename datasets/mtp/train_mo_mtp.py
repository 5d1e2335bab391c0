"""Make the shipped Mo MTPs, trained on the mlearn Mo training set.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or
``matsci-ml data fetch mlearn``):

    python datasets/mtp/train_mo_mtp.py                 # Mo_level16.mtp (seed 0): bench mtp's fit
    python datasets/mtp/train_mo_mtp.py --seeds 1 2 3 4 --max-iter 150
                                                        # Mo_level16_seed{1..4}.mtp: the ensemble of lesson 06

Settings: :data:`matsci_ml.mtp.benchmark.MO_FIT_SETTINGS` (level 16, R_min 1.8 A, R_cut 5.0 A,
w_e = 10, w_f = 0.01, w_s = 0.001 with "vibrations" scaling, L-BFGS with variable projection, at most
9 minutes on 2 cores); the ensemble members stop after 150 iterations (about 4.5 minutes each), where
the seed-0 fit had already reached its final test errors. Members differ only in the seed of the random
initial radial coefficients. The tests check every file's test-set errors and the ensemble's elastic constants.
"""

import argparse
from pathlib import Path

from matsci_ml.mtp.benchmark import train_mo

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--max-iter", type=int, default=None)
    args = parser.parse_args()
    for seed in args.seeds:
        overrides = {"seed": seed, "progress": True}
        if args.max_iter is not None:
            overrides["max_iter"] = args.max_iter
        result = train_mo(**overrides)
        name = "Mo_level16.mtp" if seed == 0 else f"Mo_level16_seed{seed}.mtp"
        out = Path(__file__).with_name(name)
        result.pop("trainer").potential_.write(out)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()})
        print(f"wrote {out}")
