"""Labelling configurations with an oracle: any ASE calculator (EMT standing in for DFT).

Labelling goes through a :class:`concurrent.futures.Executor` (``submit`` and ``result``), so the
same call labels in this process, in a ``ProcessPoolExecutor``, or on a cluster through a
``dask.distributed.Client``. Each job gets its own calculator, built from ``oracle``.
"""

from __future__ import annotations

import copy

import numpy as np

from ase import Atoms
from ase.calculators.calculator import Calculator
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator


def _fresh_calculator(oracle) -> Calculator:
    if isinstance(oracle, Calculator):
        return copy.deepcopy(oracle)
    if callable(oracle):
        return oracle()
    raise TypeError(f"the oracle must be an ASE calculator or a function returning one (e.g. EMT), got {oracle!r}")


def label(atoms: Atoms, oracle=EMT) -> Atoms:
    """A copy of ``atoms`` with the oracle's energy (eV), forces (eV/A) and, for a periodic cell, stress (eV/A^3)."""
    labelled = Atoms(atoms.numbers, atoms.positions, cell=atoms.cell, pbc=atoms.pbc)
    labelled.calc = _fresh_calculator(oracle)
    results = {"energy": labelled.get_potential_energy(), "forces": labelled.get_forces()}
    if labelled.pbc.all() and labelled.cell.rank == 3:
        results["stress"] = labelled.get_stress()
    labelled.calc = SinglePointCalculator(labelled, **results)
    return labelled


class InProcessExecutor:
    """The smallest Executor: runs each job at submission, in this process (the default)."""

    class _Done:
        def __init__(self, value):
            self._value = value

        def result(self, timeout=None):
            return self._value

    def submit(self, function, *args, **kwargs):
        return self._Done(function(*args, **kwargs))


def label_all(frames, oracle=EMT, *, executor=None, progress: bool = False) -> list[Atoms]:
    """Label ``frames`` through ``executor`` (default: in this process); results in input order."""
    executor = InProcessExecutor() if executor is None else executor
    futures = [executor.submit(label, atoms, oracle) for atoms in frames]
    bar = None
    if progress and futures:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(futures), desc="oracle", unit="cfg", leave=True)
    labelled = []
    for future in futures:
        labelled.append(future.result())
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return labelled



def oracle_md_snapshots(atoms: Atoms, oracle=EMT, *, temperature_K: float, n_snapshots: int, steps_between: int = 50,
                        timestep_fs: float = 2.0, seed: int = 0) -> list[Atoms]:
    """Labelled snapshots of a Langevin MD run with the oracle itself: a held-out validation set.

    Velocities start from Maxwell-Boltzmann at ``temperature_K`` (K); a snapshot every ``steps_between`` steps.
    """
    from ase import units
    from ase.md.langevin import Langevin

    from matsci_ml.mtp.properties import thermalize

    hot = atoms.copy()
    hot.calc = _fresh_calculator(oracle)
    rng = np.random.default_rng(seed)
    thermalize(hot, temperature_K, rng=rng)
    dynamics = Langevin(hot, timestep_fs * units.fs, temperature_K=temperature_K, friction=0.02 / units.fs,
                        fixcm=False, rng=rng)
    snapshots = []
    for _ in range(n_snapshots):
        dynamics.run(steps_between)
        snapshots.append(hot.copy())
    return label_all(snapshots, oracle)
