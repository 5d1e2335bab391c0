"""Make ``Mo_level16.mtp``: the MTP of `matsci-ml bench mtp`, trained on the mlearn Mo training set.

Run from the repository root with the mlearn data available (``$MATSCI_ML_DATA`` or
``matsci-ml data fetch mlearn``):

    python datasets/mtp/train_mo_mtp.py

Settings: :data:`matsci_ml.mtp.benchmark.MO_FIT_SETTINGS` (level 16, R_min 1.8 A, R_cut 5.0 A,
w_e = 10, w_f = 0.01, w_s = 0.001 with "vibrations" scaling, L-BFGS with variable projection, at most
9 minutes on 2 cores). The tests check this file's test-set errors and elastic constants; the lesson
uses it as the larger model next to the one it trains itself.
"""

from pathlib import Path

from matsci_ml.mtp.benchmark import train_mo

if __name__ == "__main__":
    result = train_mo(progress=True)
    out = Path(__file__).with_name("Mo_level16.mtp")
    result.pop("trainer").potential_.write(out)
    print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()})
    print(f"wrote {out}")
