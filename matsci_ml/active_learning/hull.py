"""The convex hull of a binary from relaxed candidate structures (the MLIP paper's third case).

The direct way relaxes every candidate with the oracle: one oracle call per relaxation step. The
active-learning way relaxes them with an MTP (:class:`~matsci_ml.active_learning.loop.ActiveLearningLoop`
with one :class:`~matsci_ml.active_learning.exploration.RelaxExploration` per candidate) and calls the
oracle only for the configurations MaxVol selects. Both end in formation energies per atom,

.. math:: \\Delta E = E/N - x\\,\\varepsilon_A - (1 - x)\\,\\varepsilon_B ,

with :math:`x` the fraction of the first species and :math:`\\varepsilon` the energies per atom of the
relaxed pure elements (which must be among the candidates), and in the lower convex hull of
:func:`~matsci_ml.cluster_expansion.ground_states.convex_hull`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase.data import atomic_numbers
from ase.filters import UnitCellFilter
from ase.optimize import BFGS
from threadpoolctl import threadpool_limits

from matsci_ml.active_learning.oracle import _fresh_calculator


@dataclass
class Relaxations:
    """Relaxed energies (eV/atom) and the optimiser steps each relaxation took."""

    energy_per_atom: np.ndarray
    steps: np.ndarray
    converged: np.ndarray


def relax_all(structures, oracle, *, fmax: float = 0.01, steps: int = 200, progress: bool = False) -> Relaxations:
    """Relax positions and cell of every structure with ``oracle`` (BFGS on ASE's ``UnitCellFilter``,
    the same settings as :class:`~matsci_ml.active_learning.exploration.RelaxExploration`)."""
    if progress:
        from tqdm.auto import tqdm

        structures = tqdm(structures, desc="relaxations", leave=True)
    energies, taken, converged = [], [], []
    with threadpool_limits(limits=1, user_api="blas"):
        for structure in structures:
            atoms = structure.copy()
            atoms.calc = _fresh_calculator(oracle)
            optimizer = BFGS(UnitCellFilter(atoms), logfile=None)
            converged.append(bool(optimizer.run(fmax=fmax, steps=steps)))
            taken.append(optimizer.nsteps)
            energies.append(atoms.get_potential_energy() / len(atoms))
    return Relaxations(np.array(energies), np.array(taken), np.array(converged))


def formation_energies(structures, energy_per_atom, species) -> tuple[np.ndarray, np.ndarray]:
    """``(x, formation energy per atom in eV)``, ``x`` the fraction of ``species[0]``; the pure elements'
    references are the lowest energies per atom at x = 0 and x = 1 among the structures."""
    first, second = (s if isinstance(s, int) else atomic_numbers[s] for s in species)
    x = np.array([np.mean(a.numbers == first) for a in structures])
    if not all(set(a.numbers) <= {first, second} for a in structures):
        raise ValueError(f"every structure must hold only {species[0]} and {species[1]}")
    energy = np.asarray(energy_per_atom, dtype=float)
    if not (np.any(x == 1) and np.any(x == 0)):
        raise ValueError("the candidates must include both pure elements (x = 0 and x = 1) as references")
    e_first = np.nanmin(energy[x == 1])
    e_second = np.nanmin(energy[x == 0])
    return x, energy - x * e_first - (1 - x) * e_second
