"""Simulations with the two-threshold scheme: collect what the potential extrapolates, stop before it breaks.

At every step an observer computes the extrapolation grade :math:`\\gamma` of the current
configuration. The simulations take a *model*: anything with ``calculator()`` (an ASE calculator)
and ``grade(atoms)`` (a float, > 1 for extrapolation), such as the MTP's
:class:`~matsci_ml.active_learning.grade.ActiveSet`:

- :math:`\\gamma > \\gamma_\\text{select}` (typically 2, range 1.1--5): the configuration is kept as a
  candidate for labelling;
- :math:`\\gamma > \\gamma_\\text{break}` (typically 10, range 3--20): the simulation stops, because
  forces this far outside the training data are not to be trusted (and would send the trajectory
  somewhere even less relevant).

Atoms closer than the potential's ``min_dist`` also stop the run (the MTP is undefined there).
The *reliability* of a run is the fraction of its requested steps done before it stopped.

Relaxations are the atomistic layer's :func:`~matsci_ml.atomistic.relax.relax` (BFGS on ASE's
``FrechetCellFilter``). Runs limit BLAS to one thread: the linear algebra of a step is on 3x3 to 100x100
matrices, where OpenBLAS threads only wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ase import Atoms, units
from ase.md.langevin import Langevin
from ase.md.nptberendsen import Inhomogeneous_NPTBerendsen
from threadpoolctl import threadpool_limits

from matsci_ml.atomistic.properties import thermalize
from matsci_ml.atomistic.relax import relax
from matsci_ml.mtp.calculator import CloseContactError


class ExtrapolationBreak(RuntimeError):
    """The grade exceeded gamma_break: the simulation stops here."""


@dataclass
class ExplorationResult:
    """What one simulation produced.

    Attributes
    ----------
    name : str
    steps_requested, steps_done : int
        MD steps, or relaxation steps (the limit and the steps taken).
    broken : bool
        Stopped by :math:`\\gamma > \\gamma_\\text{break}` or a close contact.
    converged : bool
        A relaxation reached ``fmax``; an MD run completed its steps.
    grades : ndarray
        :math:`\\gamma` at every step (the first entry is the starting configuration).
    candidates : list of Atoms
        Configurations with :math:`\\gamma > \\gamma_\\text{select}` (no calculator attached).
    final : Atoms
        The last configuration, with its potential energy (eV) in ``final.info["energy"]``.
    """

    name: str
    steps_requested: int
    steps_done: int
    broken: bool
    converged: bool
    grades: np.ndarray
    candidates: list = field(repr=False)
    final: Atoms = field(repr=False)

    @property
    def reliability(self) -> float:
        """Fraction of the requested steps done before a break (1 for a run that was not stopped)."""
        if not self.broken:
            return 1.0
        return self.steps_done / self.steps_requested if self.steps_requested else 0.0

    @property
    def max_grade(self) -> float:
        return float(np.max(self.grades)) if len(self.grades) else 0.0


class GradeMonitor:
    """ASE observer of the two thresholds (attach with ``dyn.attach(monitor)``)."""

    def __init__(self, model, atoms: Atoms, *, gamma_select: float = 2.0, gamma_break: float = 10.0):
        if not 0.0 < gamma_select <= gamma_break:
            raise ValueError(f"need 0 < gamma_select <= gamma_break, got {gamma_select} and {gamma_break}")
        self.model = model
        self.atoms = atoms
        self.gamma_select = gamma_select
        self.gamma_break = gamma_break
        self.grades: list[float] = []
        self.candidates: list[Atoms] = []

    def __call__(self) -> None:
        atoms = self.atoms.atoms if hasattr(self.atoms, "atoms") else self.atoms   # a cell filter
        grade = self.model.grade(atoms)
        self.grades.append(grade)
        if grade > self.gamma_select:
            snapshot = Atoms(atoms.numbers, atoms.positions, cell=atoms.cell, pbc=atoms.pbc)
            snapshot.info["grade"] = grade
            self.candidates.append(snapshot)
        if grade > self.gamma_break:
            raise ExtrapolationBreak(f"extrapolation grade {grade:.3g} > gamma_break = {self.gamma_break}")


def _finish(name, requested, done, broken, converged, monitor, atoms) -> ExplorationResult:
    final = Atoms(atoms.numbers, atoms.positions, cell=atoms.cell, pbc=atoms.pbc)
    if not broken:
        final.info["energy"] = float(atoms.get_potential_energy())
    return ExplorationResult(name=name, steps_requested=requested, steps_done=done, broken=broken,
                             converged=converged, grades=np.array(monitor.grades), candidates=monitor.candidates,
                             final=final)


@dataclass
class MDExploration:
    """Langevin molecular dynamics from ``atoms`` at ``temperature_K``.

    Velocities are drawn from Maxwell--Boltzmann with ``seed`` (plus ``iteration`` inside the active
    learning loop, so each iteration sees a new trajectory that is still reproducible).
    """

    atoms: Atoms
    temperature_K: float
    steps: int
    timestep_fs: float = 2.0
    friction_per_fs: float = 0.02
    seed: int = 0
    name: str = "md"

    def run(self, model, *, gamma_select: float = 2.0, gamma_break: float = 10.0,
            iteration: int = 0) -> ExplorationResult:
        """Run with ``model`` (e.g. an :class:`~matsci_ml.active_learning.grade.ActiveSet`) under the two thresholds."""
        atoms = self.atoms.copy()
        atoms.calc = model.calculator()
        rng = np.random.default_rng([self.seed, iteration])
        thermalize(atoms, self.temperature_K, rng=rng)
        dynamics = self._dynamics(atoms, rng)
        monitor = GradeMonitor(model, atoms, gamma_select=gamma_select, gamma_break=gamma_break)
        dynamics.attach(monitor, interval=1)
        broken = False
        try:
            with threadpool_limits(limits=1, user_api="blas"):
                dynamics.run(self.steps)
        except (ExtrapolationBreak, CloseContactError):
            broken = True
        done = max(len(monitor.grades) - 1, 0)
        return _finish(self.name, self.steps, done, broken, not broken, monitor, atoms)

    def _dynamics(self, atoms: Atoms, rng):
        return Langevin(atoms, self.timestep_fs * units.fs, temperature_K=self.temperature_K,
                        friction=self.friction_per_fs / units.fs, fixcm=False, rng=rng)


@dataclass
class NPTExploration(MDExploration):
    """Molecular dynamics at ``temperature_K`` and ``pressure_GPa`` (ASE's Berendsen thermostat and barostat, time
    constants 100 and 500 fs; the cell's three lengths relax independently): the densities a crystal or a liquid
    takes at that pressure, e.g. those of a two-phase melting run at zero pressure, rather than the fixed cell's.
    ``bulk_modulus_GPa`` sets the barostat's compressibility (only the relaxation speed depends on it)."""

    pressure_GPa: float = 0.0
    bulk_modulus_GPa: float = 100.0

    def _dynamics(self, atoms: Atoms, rng):
        return Inhomogeneous_NPTBerendsen(atoms, self.timestep_fs * units.fs, temperature_K=self.temperature_K,
                                          pressure_au=self.pressure_GPa * units.GPa, taut=100 * units.fs,
                                          taup=500 * units.fs,
                                          compressibility_au=1.0 / (self.bulk_modulus_GPa * units.GPa))


@dataclass
class RelaxExploration:
    """BFGS relaxation of positions (and the cell, through ASE's ``FrechetCellFilter``) to ``fmax`` eV/A
    (:func:`matsci_ml.atomistic.relax.relax`)."""

    atoms: Atoms
    fmax: float = 0.01
    steps: int = 200
    relax_cell: bool = True
    name: str = "relax"

    def run(self, model, *, gamma_select: float = 2.0, gamma_break: float = 10.0,
            iteration: int = 0) -> ExplorationResult:
        """Run with ``model`` (e.g. an :class:`~matsci_ml.active_learning.grade.ActiveSet`) under the two thresholds."""
        atoms = self.atoms.copy()
        atoms.calc = model.calculator()
        monitor = GradeMonitor(model, atoms, gamma_select=gamma_select, gamma_break=gamma_break)
        broken, converged = False, False
        try:
            converged = relax(atoms, mode="full" if self.relax_cell else "positions", fmax=self.fmax,
                              steps=self.steps, observers=[monitor]).converged
        except (ExtrapolationBreak, CloseContactError):
            broken = True
        done = max(len(monitor.grades) - 1, 0)
        return _finish(self.name, self.steps, done, broken, converged, monitor, atoms)

