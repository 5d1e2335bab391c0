"""The MTP as an ASE calculator: energy, free energy, forces, stress, and site energies."""

from __future__ import annotations

import warnings

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from matsci_ml.mtp.kernels import mtp_energy_forces
from matsci_ml.mtp.neighbors import PairList
from matsci_ml.mtp.potential import MomentTensorPotential

CLOSE_CONTACT_POLICIES = ("error", "warn", "ignore")


class CloseContactError(ValueError):
    """Two atoms are closer than the potential's ``min_dist``, where it was never fitted."""


class MTPCalculator(Calculator):
    """ASE calculator for a :class:`~matsci_ml.mtp.potential.MomentTensorPotential`.

    Parameters
    ----------
    potential : MomentTensorPotential or str or Path
        The potential, or a mlip-2 ``.mtp`` file to read.
    close_contacts : {"error", "warn", "ignore"}
        What to do when two atoms are closer than ``min_dist``: the Chebyshev radial basis is not
        defined there (it grows without bound) and the potential has never seen such a pair, so
        the default is to raise :class:`CloseContactError`. ``"warn"`` evaluates anyway with a
        warning (as motep does); ``"ignore"`` evaluates silently (as mlip-2 does).
    skin : float
        Verlet skin (A) of the neighbour list, rebuilt only when an atom moved more than skin/2.

    Examples
    --------
    >>> from ase.build import bulk
    >>> mtp = MomentTensorPotential.from_level(8, ["Mo"])
    >>> atoms = bulk("Mo", "bcc", a=3.16, cubic=True)
    >>> atoms.calc = MTPCalculator(mtp)
    >>> atoms.get_forces().shape
    (2, 3)
    """

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress"]

    def __init__(self, potential, *, close_contacts: str = "error", skin: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(potential, MomentTensorPotential):
            from matsci_ml.mtp.mtp_file import read_mtp

            potential = read_mtp(potential)
        if close_contacts not in CLOSE_CONTACT_POLICIES:
            raise ValueError(f"close_contacts must be one of {CLOSE_CONTACT_POLICIES}, got {close_contacts!r}")
        self.potential = potential
        self.close_contacts = close_contacts
        self.skin = float(skin)
        self._pairs: PairList | None = None

    def _check_close_contacts(self, vectors: np.ndarray) -> None:
        if self.close_contacts == "ignore" or len(vectors) == 0:
            return
        shortest = float(np.sqrt((vectors**2).sum(axis=1).min()))
        if shortest >= self.potential.min_dist:
            return
        message = (f"Two atoms are {shortest:.3f} A apart, closer than this MTP's min_dist = "
                   f"{self.potential.min_dist:.3f} A, where it is undefined. Check the structure (overlapping "
                   f"atoms?), or retrain with a smaller min_dist, or pass close_contacts='warn' to evaluate anyway.")
        if self.close_contacts == "error":
            raise CloseContactError(message)
        warnings.warn(message, stacklevel=3)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        mtp = self.potential
        types = mtp.types_of(self.atoms.numbers)
        if self._pairs is None or not self._pairs.still_valid(self.atoms):
            self._pairs = PairList.build(self.atoms, mtp.max_dist, self.skin)
        vectors = np.ascontiguousarray(self._pairs.vectors(self.atoms))
        self._check_close_contacts(vectors)
        energies, forces, virial = mtp_energy_forces(
            types, self._pairs.first, self._pairs.neighbours, vectors, mtp.radial_coeffs, mtp.species_coeffs,
            mtp.moment_coeffs, mtp.alpha_index_basic, mtp.alpha_index_times, mtp.alpha_moment_mapping,
            mtp.alpha_moments_count, mtp.min_dist, mtp.max_dist, mtp.scaling)
        self.results["energies"] = energies
        self.results["energy"] = self.results["free_energy"] = float(energies.sum())
        self.results["forces"] = forces
        if self.atoms.cell.rank == 3 and self.atoms.pbc.all():
            stress = 0.5 * (virial + virial.T) / self.atoms.get_volume()
            self.results["stress"] = stress.flat[[0, 4, 8, 5, 2, 1]]
        elif "stress" in properties:
            raise ValueError("stress needs a periodic cell with three lattice vectors")
