"""Labelling configurations with an oracle: any ASE calculator (EMT standing in for DFT).

An *oracle* is an ASE :class:`~ase.calculators.calculator.Calculator` instance (each job gets a deep copy)
or a callable that returns a fresh one (a class such as ``EMT``, or ``functools.partial(EMT, asap_cutoff=True)``).
:func:`oracle_key` names it by its class *and* its parameters, so label caches and saved active-learning
runs never mix labels of two differently set-up oracles.

Labelling goes through a :class:`concurrent.futures.Executor` (``submit`` and ``result``), so the same
call labels in this process, in a ``ProcessPoolExecutor``, or on a cluster through a
``dask.distributed.Client``.
"""

from __future__ import annotations

import copy
import json

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator

from matsci_ml.parallel import InProcessExecutor, as_executor


def fresh_calculator(oracle) -> Calculator:
    """A calculator of its own for one job: a deep copy of an instance, or the result of calling a factory."""
    if isinstance(oracle, Calculator):
        return copy.deepcopy(oracle)
    if callable(oracle):
        calculator = oracle()
        if not hasattr(calculator, "get_potential_energy") and not hasattr(calculator, "calculate"):
            raise TypeError(f"the oracle factory {oracle!r} returned {calculator!r}, not an ASE calculator")
        return calculator
    raise TypeError(f"the oracle must be an ASE calculator or a function returning one (e.g. EMT), got {oracle!r}")


def oracle_key(oracle) -> str:
    """A stable text naming the oracle by its class and parameters, e.g. ``'EMT {"asap_cutoff": false}'``.

    The parameters are the calculator's full ``parameters`` (defaults included), so ``EMT`` and
    ``EMT()`` give the same key and ``EMT(asap_cutoff=True)`` another.
    """
    calculator = fresh_calculator(oracle)
    parameters = dict(getattr(calculator, "parameters", {}) or {})
    return f"{type(calculator).__name__} {json.dumps(parameters, sort_keys=True, default=repr)}"


def label(atoms: Atoms, oracle=EMT) -> Atoms:
    """A copy of ``atoms`` with the oracle's energy (eV), forces (eV/Å) and, for a periodic cell, stress (eV/Å³)."""
    labelled = Atoms(atoms.numbers, atoms.positions, cell=atoms.cell, pbc=atoms.pbc)
    labelled.calc = fresh_calculator(oracle)
    results = {"energy": labelled.get_potential_energy(), "forces": labelled.get_forces()}
    if labelled.pbc.all() and labelled.cell.rank == 3:
        results["stress"] = labelled.get_stress()
    labelled.calc = SinglePointCalculator(labelled, **results)
    return labelled


def label_all(frames, oracle=EMT, *, executor=None, progress: bool = False) -> list[Atoms]:
    """Label ``frames`` through ``executor`` (None: in this process; a ``ProcessPoolExecutor``; a
    ``dask.distributed.Client``: see :mod:`matsci_ml.parallel`); results in input order."""
    from matsci_ml.progress import finish_bar, progress_bar

    executor = as_executor(executor)
    futures = [executor.submit(label, atoms, oracle) for atoms in frames]
    bar = progress_bar(len(futures), "oracle", unit="cfg", show=progress and bool(futures))
    labelled = []
    for future in futures:
        labelled.append(future.result())
        if bar is not None:
            bar.update(1)
    finish_bar(bar, f"{len(labelled)} configurations labelled")
    return labelled


def oracle_md_snapshots(atoms: Atoms, oracle=EMT, *, temperature_K: float, n_snapshots: int, steps_between: int = 50,
                        timestep_fs: float = 2.0, seed: int = 0) -> list[Atoms]:
    """Labelled snapshots of a Langevin MD run with the oracle itself: a held-out validation set.

    Velocities start from Maxwell-Boltzmann at ``temperature_K`` (K); a snapshot every ``steps_between`` steps.
    """
    from ase import units
    from ase.md.langevin import Langevin

    from matsci_ml.atomistic.properties import thermalize

    hot = atoms.copy()
    hot.calc = fresh_calculator(oracle)
    rng = np.random.default_rng(seed)
    thermalize(hot, temperature_K, rng=rng)
    dynamics = Langevin(hot, timestep_fs * units.fs, temperature_K=temperature_K, friction=0.02 / units.fs,
                        fixcm=False, rng=rng)
    snapshots = []
    for _ in range(n_snapshots):
        dynamics.run(steps_between)
        snapshots.append(hot.copy())
    return label_all(snapshots, oracle)


__all__ = ["InProcessExecutor", "fresh_calculator", "label", "label_all", "oracle_key", "oracle_md_snapshots"]
