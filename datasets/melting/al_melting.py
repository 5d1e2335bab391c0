"""Make ``al_melting.json``: the melting point of fcc Al by the interface-velocity method, with EMT directly (the
exact reference for this oracle) and with an MTP learned on the fly from EMT (the MLIP paper's second worked case,
Novikov et al. 2021, with EMT standing in for DFT).

Run from the repository root:

    python datasets/melting/al_melting.py                 # learning phase, then T_m with EMT and with the MTP

1. Learning (lesson 07's loop, mlip-2's thresholds for learning: select above γ = 3, stop above γ = 10): MD of a
   32-atom cell as a crystal (300, 600, 900 K) and as a liquid (1000, 1500 K), several scenarios at once, from four
   rattled crystals; a level-10 MTP.
2. Production (thresholds 5/5: no learning, a run stops if γ > 5): the two-phase runs
   (:mod:`matsci_ml.atomistic.melting`, 432 atoms, 3×3×12 cubic cells) with the learned MTP, and the same runs with
   EMT; each prints its largest grade.
"""

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.active_learning import ActiveLearningLoop, MDExploration, MTPLearner
from matsci_ml.atomistic.melting import coexistence_cell, energy_drift, melting_point
from matsci_ml.atomistic.oracle import oracle_md_snapshots
from matsci_ml.mtp import MTPCalculator
from matsci_ml.paths import atomic_write_text

LEARNING = {"level": 10, "min_dist": 1.8, "max_dist": 5.0, "max_iter": 60}
SOLID_K, LIQUID_K = (300, 600, 900), (1000, 1500, 2000)
TEMPERATURES_K = (780, 820, 860, 900, 940)
GUESS_K = 850.0


def cell(a: float = 4.05):
    return bulk("Al", "fcc", a=a, cubic=True).repeat(2)          # 32 atoms


def learn(seed: int, state_dir: Path, steps: int):
    starting = [cell() for _ in range(4)]
    for k, atoms in enumerate(starting):
        atoms.rattle(0.05, seed=seed + k)
    runs = [MDExploration(cell(4.07), temperature_K=t, steps=steps, seed=seed + i, name=f"crystal {t} K")
            for i, t in enumerate(SOLID_K)]
    runs += [MDExploration(cell(4.25), temperature_K=t, steps=steps, seed=seed + 10 + i, name=f"liquid {t} K")
             for i, t in enumerate(LIQUID_K)]
    validation = oracle_md_snapshots(cell(4.07), EMT, temperature_K=800, n_snapshots=10, steps_between=50, seed=seed)
    return ActiveLearningLoop(starting, runs, learner=MTPLearner(LEARNING, seed=seed), gamma_select=3.0,
                              gamma_break=10.0, validation=validation, max_iterations=30, state_dir=state_dir).run()


def coexistence(calculator, steps: int, seed: int):
    crystal = bulk("Al", "fcc", a=4.05, cubic=True).repeat((3, 3, 12))
    two_phase = coexistence_cell(crystal, calculator, GUESS_K, seed=seed)
    drifts = [energy_drift(two_phase, calculator, t, steps=steps, seed=seed) for t in TEMPERATURES_K]
    found = melting_point(drifts)
    return {"melting_point_K": found.temperature_K, "error_K": found.error_K,
            "drifts": [{"temperature_K": d.temperature_K, "slope_ev_per_atom_ps": d.slope_ev_per_atom_ps,
                        "slope_error": d.slope_error} for d in drifts]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--md-steps", type=int, default=1000, help="steps of each learning MD run")
    parser.add_argument("--coexistence-steps", type=int, default=3000, help="steps of each two-phase run (2 fs)")
    parser.add_argument("--output", default=str(Path(__file__).with_name("al_melting.json")))
    args = parser.parse_args()
    state_dir = Path(args.output).with_name("al_learning_state")
    shutil.rmtree(state_dir, ignore_errors=True)
    start = time.perf_counter()
    loop = learn(args.seed, state_dir, args.md_steps)
    learning_s = time.perf_counter() - start
    potential = loop.model.potential
    result = {"learning": {"converged": loop.converged, "iterations": len(loop.log), "oracle_calls": loop.oracle_calls,
                           "training_size": len(loop.training_set), "active_set_rows": loop.model.size,
                           "configurations_in_active_set": int(len(np.unique(loop.model.sources[:, 0]))),
                           "validation_errors": loop.log[-1]["validation_errors"], "time_s": learning_s}}
    start = time.perf_counter()
    result["mtp"] = coexistence(MTPCalculator(potential), args.coexistence_steps, args.seed)
    result["mtp"]["time_s"] = time.perf_counter() - start
    start = time.perf_counter()
    result["emt"] = coexistence(EMT, args.coexistence_steps, args.seed)
    result["emt"]["time_s"] = time.perf_counter() - start
    result["settings"] = {"learning": LEARNING, "solid_K": SOLID_K, "liquid_K": LIQUID_K,
                          "temperatures_K": TEMPERATURES_K, "guess_K": GUESS_K, "seed": args.seed,
                          "md_steps": args.md_steps, "coexistence_steps": args.coexistence_steps,
                          "machine": f"{platform.machine()}, {platform.python_version()}"}
    atomic_write_text(Path(args.output), json.dumps(result, indent=1))
    shutil.rmtree(state_dir, ignore_errors=True)
    print(json.dumps(result, indent=1))
