"""The one relaxation of the library: ASE's BFGS on a ``FrechetCellFilter`` (ASE's recommended cell filter).

Modes:

``"none"``
    the energy of the configuration as given;
``"positions"``
    atomic positions relaxed, cell fixed;
``"volume"``
    ideal positions, the cell scaled isotropically to the energy minimum (a bounded 1-D minimisation
    of :math:`E(s)` for the scale :math:`s \\in [0.85, 1.2]`: exact for a lattice whose internal
    coordinates are fixed by symmetry);
``"full"``
    positions, cell shape and volume (``FrechetCellFilter``: the cell degrees of freedom are the
    logarithm of the deformation gradient, which BFGS handles better than ``UnitCellFilter``'s linear ones).

The optimisers run with BLAS limited to one thread: their linear algebra is on 3×3 to 300×300
matrices, where OpenBLAS threads only wait on each other (a 3×3 solve of the cell filter took 8 ms
instead of 10 µs on a busy 2-core machine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.filters import FrechetCellFilter
from ase.optimize import BFGS
from scipy.optimize import minimize_scalar
from threadpoolctl import threadpool_limits

RELAX_MODES = ("none", "positions", "volume", "full")


@dataclass
class Relaxation:
    """Outcome of :func:`relax`: energy per atom (eV/atom), optimiser steps (or energy evaluations of the
    volume scan), and whether ``fmax`` was reached."""

    energy_per_atom: float
    steps: int
    converged: bool


def relax(atoms: Atoms, calculator=None, *, mode: str = "full", fmax: float = 0.01, steps: int = 200,
          observers=()) -> Relaxation:
    """Relax ``atoms`` in place with ``calculator`` (or the one already attached).

    Parameters
    ----------
    mode : {"none", "positions", "volume", "full"}
        What is relaxed (module docstring).
    fmax : float
        Convergence: largest force (and, in ``"full"`` mode, cell force) below this, eV/Å.
    steps : int
        At most this many optimiser steps.
    observers : callables
        Called after every optimiser step (``positions``/``full``), e.g. an extrapolation-grade monitor; an
        exception they raise stops the relaxation and propagates.
    """
    if mode not in RELAX_MODES:
        raise ValueError(f"mode must be one of {RELAX_MODES}, got {mode!r}")
    if calculator is not None:
        atoms.calc = calculator
    if atoms.calc is None:
        raise ValueError("relax needs a calculator: pass one, or attach it to the atoms first")
    if mode == "none":
        return Relaxation(float(atoms.get_potential_energy()) / len(atoms), 0, True)
    if mode == "volume":
        cell = atoms.get_cell().copy()

        def energy(scale):
            atoms.set_cell(cell * scale, scale_atoms=True)
            return atoms.get_potential_energy()

        result = minimize_scalar(energy, bounds=(0.85, 1.2), method="bounded", options={"xatol": 1e-5})
        atoms.set_cell(cell * result.x, scale_atoms=True)
        return Relaxation(float(result.fun) / len(atoms), int(result.nfev), bool(result.success))
    target = FrechetCellFilter(atoms) if mode == "full" else atoms
    optimizer = BFGS(target, logfile=None)
    for observer in observers:
        optimizer.attach(observer, interval=1)
    with threadpool_limits(limits=1, user_api="blas"):
        converged = bool(optimizer.run(fmax=fmax, steps=steps))
    return Relaxation(float(atoms.get_potential_energy()) / len(atoms), int(optimizer.nsteps), converged)


@dataclass
class Relaxations:
    """Relaxed energies (eV/atom), the optimiser steps each relaxation took, and which converged."""

    energy_per_atom: np.ndarray
    steps: np.ndarray
    converged: np.ndarray


def relax_all(structures, oracle, *, mode: str = "full", fmax: float = 0.01, steps: int = 200,
              progress: bool = False) -> Relaxations:
    """:func:`relax` a copy of every structure, each with a fresh calculator from ``oracle``
    (:mod:`~matsci_ml.atomistic.oracle`): one oracle call per optimiser step."""
    from matsci_ml.atomistic.oracle import fresh_calculator
    from matsci_ml.progress import finish_bar, progress_bar

    bar = progress_bar(len(structures), "relaxations", unit="structure", show=progress)
    outcomes = []
    for structure in structures:
        outcomes.append(relax(structure.copy(), fresh_calculator(oracle), mode=mode, fmax=fmax, steps=steps))
        if bar is not None:
            bar.update(1)
    finish_bar(bar, f"{sum(o.converged for o in outcomes)}/{len(outcomes)} converged")
    return Relaxations(np.array([o.energy_per_atom for o in outcomes]), np.array([o.steps for o in outcomes]),
                       np.array([o.converged for o in outcomes]))


__all__ = ["RELAX_MODES", "Relaxation", "Relaxations", "relax", "relax_all"]
