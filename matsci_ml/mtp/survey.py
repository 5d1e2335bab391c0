"""How accuracy and cost of an MTP grow with its level: train several levels, test them, time them."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from ase.build import bulk

from matsci_ml.mtp.calculator import MTPCalculator
from matsci_ml.mtp.training import Dataset, MTPTrainer, energies_forces_virials, errors


def cost_per_atom_step_us(potential, *, element: str = "Mo", a: float = 3.16, repeat: int = 4, steps: int = 5,
                          repeats: int = 3) -> float:
    """Time of one energy+forces evaluation per atom (µs) on a rattled bcc cell of ``2 repeat^3`` atoms: the best
    of ``repeats`` runs of ``steps`` evaluations (the minimum is the least disturbed by other work on the machine)."""
    atoms = bulk(element, "bcc", a=a, cubic=True).repeat(repeat)
    atoms.rattle(0.02, seed=0)
    atoms.calc = MTPCalculator(potential)
    atoms.get_forces()                                   # first call: neighbour lists, kernel warm-up
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            atoms.positions[0, 0] += 1e-4
            atoms.get_forces()
        best = min(best, time.perf_counter() - start)
    return best / steps / len(atoms) * 1e6


def level_survey(training, test, levels, *, trained: dict | None = None, seed: int = 0, **trainer_options) -> tuple:
    """Train an MTP at each level in ``levels`` (``MTPTrainer(level=..., **trainer_options)``) and tabulate
    parameters, test MAEs and cost.

    ``trained`` adds potentials already at hand, ``{level: potential}``. Returns ``(table, potentials)``: a DataFrame
    indexed by level and the dict of potentials.
    """
    potentials = dict(trained or {})
    for level in levels:
        trainer = MTPTrainer(level=level, seed=seed, progress=False, **{"warn_unconverged": False, **trainer_options})
        potentials[level] = trainer.fit(training).potential_
    rows = {}
    for level, potential in sorted(potentials.items()):
        test_errors = errors(potential, Dataset.from_frames(test, potential))
        rows[level] = {"parameters": potential.parameter_count,
                       "test energy MAE (meV/atom)": test_errors["energy_mae_mev_per_atom"],
                       "test force MAE (eV/Å)": test_errors["force_mae_ev_per_a"],
                       "cost (µs/atom/step)": cost_per_atom_step_us(potential)}
    table = pd.DataFrame(rows).T
    table.index.name = "level"
    return table, potentials


def force_parity(potential, test) -> tuple[np.ndarray, np.ndarray]:
    """DFT and predicted force components (eV/A) of a test set, flattened."""
    dataset = Dataset.from_frames(test, potential)
    _, forces, _ = energies_forces_virials(potential, dataset)
    return dataset.forces.ravel(), forces.ravel()
