"""Make ``al_short_runs.json``: the spread of lesson 07's short coexistence run (case d).

Lesson 07 learns an Al MTP from EMT (its own loop: no validation set, at most 20 iterations) and runs one 10-ps
constant-enthalpy two-phase run from 870 K with it; it checks that run against this spread. Both steps are chaotic:
the run's mean temperature over its last 5 ps moves by tens of K with the seed of its velocities, and the learning
loop's MD (which picks the configurations to label) with the rounding of the kernels or the number of threads, which
steer it as a new seed does, so that the learned potential itself differs in detail. Here the lesson's learning phase
is run for each of ``--learning-seeds`` (the lesson's ``SEED``: rattles, MD velocities, first potential), and the run
from ``--start`` K for each of ``--run-seeds`` with each potential, on one thread per process (as CI runs the
lessons), ``--workers`` processes at once.

Run from the repository root (4 × 4 runs, 2 workers: about 13 minutes on 2 cores):

    python datasets/melting/al_short_runs.py
"""

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402
from ase.build import bulk  # noqa: E402
from ase.calculators.emt import EMT  # noqa: E402

from matsci_ml.active_learning import ActiveLearningLoop, MTPLearner  # noqa: E402
from matsci_ml.atomistic import oracle_md_snapshots  # noqa: E402
from matsci_ml.atomistic.melting import coexistence_cell, coexistence_run, melting_scenarios  # noqa: E402
from matsci_ml.paths import atomic_write_text  # noqa: E402

STEPS = 5000                           # 10 ps of 2 fs, the lesson's


def lesson_loop(state_dir: Path, SEED: int = 0):
    """Lesson 07's learning phase, cell for cell, with the lesson's ``SEED`` (resumes from ``state_dir``)."""
    al_cell = bulk("Al", "fcc", a=4.05, cubic=True).repeat(2)
    al_liquid = oracle_md_snapshots(bulk("Al", "fcc", a=4.25, cubic=True).repeat(2), EMT, temperature_K=2500,
                                    n_snapshots=1, steps_between=500, seed=SEED)[0]
    al_start = [al_cell.copy() for _ in range(4)]
    for k, atoms in enumerate(al_start):
        atoms.rattle(0.05, seed=SEED + k)
    learner = MTPLearner({"level": 10, "min_dist": 1.8, "max_dist": 5.5, "max_iter": 60}, seed=SEED)
    return ActiveLearningLoop(al_start, melting_scenarios(al_cell, al_liquid, steps=1000, seed=SEED), learner=learner,
                              gamma_select=3.0, gamma_break=10.0, max_iterations=20, state_dir=state_dir,
                              progress=False).run()


def learning(state_dir: Path, seed: int) -> dict:
    begin = time.perf_counter()
    loop = lesson_loop(state_dir, seed)
    return {"seed": seed, "iterations": len(loop.log), "oracle_calls": loop.oracle_calls,
            "time_s": time.perf_counter() - begin}


def short_run(state_dir: Path, learning_seed: int, start_K: float, seed: int) -> dict:
    loop = lesson_loop(state_dir, learning_seed)
    mtp = loop.model.calculator()
    crystal = bulk("Al", "fcc", a=4.05, cubic=True).repeat((3, 3, 12))
    begin = time.perf_counter()
    entry = {"learning_seed": learning_seed, "seed": seed}
    try:
        two_phase = coexistence_cell(crystal, mtp, start_K, seed=seed)
        run = coexistence_run(two_phase, mtp, steps=STEPS, grade_model=loop.model, gamma_break=5.0)
    except RuntimeError as error:                     # a phase consumed: recorded, it counts against the protocol
        return {**entry, "failed": str(error), "time_s": time.perf_counter() - begin}
    return {**entry, "temperature_K": run.temperature_K, "error_K": run.error_K, "start_K": run.start_K,
            "final_order": list(run.final_order), "max_grade": run.max_grade,
            "total_energy_change_ev_per_atom": float(run.total_energy_per_atom[-1] - run.total_energy_per_atom[0]),
            "temperature_per_ps_K": [round(float(t), 1) for t in run.block_means(1.0)[1]],
            "time_s": time.perf_counter() - begin}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=float, default=870.0, help="starting temperature of the runs (K)")
    parser.add_argument("--learning-seeds", default="0,1,2,3")
    parser.add_argument("--run-seeds", default="0,1,2,3")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(Path(__file__).with_name("al_short_runs.json")))
    args = parser.parse_args()
    output = Path(args.output)
    learning_seeds = [int(s) for s in args.learning_seeds.split(",")]
    run_seeds = [int(s) for s in args.run_seeds.split(",")]
    states = {s: output.with_name("al_short_runs_state") / str(s) for s in learning_seeds}
    with ProcessPoolExecutor(args.workers) as pool:
        learnings = list(pool.map(learning, states.values(), learning_seeds))
        print(learnings, flush=True)
        tasks = [(states[l], l, args.start, r) for l in learning_seeds for r in run_seeds]
        runs = list(pool.map(short_run, *zip(*tasks)))
    for run in runs:
        print({k: v for k, v in run.items() if k != "temperature_per_ps_K"}, flush=True)
    temperatures = np.array([r["temperature_K"] for r in runs if "temperature_K" in r])
    result = {"start_K": args.start, "steps": STEPS, "learning": learnings, "runs": runs,
              "failed": sum("failed" in r for r in runs),
              "mean_K": float(temperatures.mean()), "std_K": float(temperatures.std(ddof=1)),
              "machine": f"{platform.machine()}, {platform.python_version()}, 1 thread per run"}
    atomic_write_text(output, json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))
