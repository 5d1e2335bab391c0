"""A committee of NequIP models: the mean as the prediction, the spread as the uncertainty.

Members differ only in their random initial weights (and minibatch order). Where the training data
constrain the potential they agree; away from the data they disagree, and the standard deviation of
their forces,

.. math:: s_i = \\sqrt{ \\frac{1}{M} \\sum_{m=1}^{M} |F_i^{(m)} - \\bar F_i|^2 } \\quad (\\mathrm{eV/A}),

is the query strategy of committee active learning: the grade of a configuration is
:math:`\\max_i s_i`. Unlike the MaxVol grade, it has units, no natural threshold (1 means nothing
here), and it saturates far from the data, where all members extrapolate alike.
"""

from __future__ import annotations

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes

from matsci_ml.equivariant.model import load_checkpoint
from matsci_ml.equivariant.training import nequip_calculator


class CommitteeCalculator(Calculator):
    """Mean energy, forces and stress of several ASE calculators, with their spread: ``results["force_std"]``
    (n_atoms,) in eV/A and ``results["energy_std"]`` in eV.

    ASE's protocol: ``todict()`` lists the members' classes and parameters; ``stress`` of a structure without a
    periodic 3-D cell raises ``PropertyNotImplementedError``; assigning ``members`` drops the cached results.
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress", "force_std", "energy_std"]

    def __init__(self, members, **kwargs):
        super().__init__(**kwargs)
        self.members = members

    @property
    def members(self) -> list:
        return self._members

    @members.setter
    def members(self, members) -> None:
        members = list(members)
        if len(members) < 2:
            raise ValueError(f"a committee needs at least 2 members, got {len(members)}")
        self._members = members
        self.reset()

    def todict(self, skip_default: bool = True) -> dict:
        return {**super().todict(skip_default=skip_default),
                "members": [{"class": type(m).__name__, "parameters": dict(getattr(m, "parameters", {}) or {})}
                            for m in self._members]}

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        periodic = self.atoms.pbc.all() and self.atoms.cell.rank == 3
        if "stress" in properties and not periodic:
            raise PropertyNotImplementedError("stress needs a periodic cell with three lattice vectors")
        energies, forces, stresses = [], [], []
        for member in self._members:
            probe = self.atoms.copy()
            probe.calc = member
            energies.append(probe.get_potential_energy())
            forces.append(probe.get_forces())
            if periodic:
                stresses.append(probe.get_stress())
        forces = np.array(forces)
        mean_forces = forces.mean(axis=0)
        self.results["energy"] = self.results["free_energy"] = float(np.mean(energies))
        self.results["energy_std"] = float(np.std(energies))
        self.results["forces"] = mean_forces
        self.results["force_std"] = np.sqrt(((forces - mean_forces) ** 2).sum(axis=2).mean(axis=0))
        if periodic:
            self.results["stress"] = np.mean(stresses, axis=0)


class NequIPCommittee:
    """Fitted committee members, as a model for the active-learning simulations.

    ``calculator()`` gives the mean; ``grade(atoms)`` the largest atomic force standard deviation (eV/A);
    ``select(candidates, limit)`` the candidates with the largest grades, at most ``max_selected``.
    """

    def __init__(self, members, configs, *, device: str | None = None, max_selected: int | None = None):
        self.members = list(members)
        self.configs = list(configs)
        self.device = device
        self.max_selected = max_selected
        self._calculator = None

    @classmethod
    def from_checkpoints(cls, checkpoints, **kwargs) -> NequIPCommittee:
        loaded = [load_checkpoint(c) for c in checkpoints]
        return cls([m for m, _ in loaded], [c for _, c in loaded], **kwargs)

    def calculator(self) -> CommitteeCalculator:
        """The committee's calculator (one instance: a simulation and its grade share one evaluation per step)."""
        if self._calculator is None:
            self._calculator = CommitteeCalculator([nequip_calculator(m, c, self.device)
                                                    for m, c in zip(self.members, self.configs)])
        return self._calculator

    def force_std(self, atoms) -> np.ndarray:
        """Standard deviation of the members' forces on each atom, eV/A (computed once per configuration)."""
        calculator = self.calculator()
        calculator.get_property("forces", atoms)
        return calculator.results["force_std"]

    def forces_and_spread(self, frames) -> tuple[np.ndarray, np.ndarray]:
        """Committee-mean forces (n_frames, n_atoms, 3) and force spread s_i (n_frames, n_atoms), eV/A, of frames
        with equal atom counts, from one evaluation of every member per frame."""
        calculator = self.calculator()
        forces, spread = [], []
        for atoms in frames:
            forces.append(calculator.get_forces(atoms.copy()))
            spread.append(calculator.results["force_std"])
        return np.array(forces), np.array(spread)

    def grade(self, atoms) -> float:
        return float(self.force_std(atoms).max())

    def grades(self, frames) -> np.ndarray:
        return np.array([self.grade(a) for a in frames])

    def select(self, candidates, *, limit: int | None = None) -> list[int]:
        """Indices of the candidates with the largest grades: at most ``limit`` and ``max_selected``."""
        caps = [c for c in (limit, self.max_selected) if c is not None]
        grades = self.grades(candidates)
        order = np.argsort(-grades, kind="stable")
        return sorted(order[: min(caps) if caps else len(order)].tolist())
