"""The MTP as an ASE calculator: energy, free energy, forces, stress, and site energies."""

from __future__ import annotations

import warnings

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes

from matsci_ml.mtp.kernels import mtp_energy_forces
from matsci_ml.mtp.neighbours import CloseContactError, PairList, check_no_coincident_atoms
from matsci_ml.mtp.potential import MomentTensorPotential

CLOSE_CONTACT_POLICIES = ("error", "warn", "ignore")


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

    ASE's calculator protocol: ``close_contacts`` and ``skin`` are ``parameters`` (``todict()``, ``set()``, which
    drops the cached results when one changes); the potential is described in ``todict()`` too. Results are
    also dropped when the potential changes -- another one assigned to ``calc.potential``, or its coefficients
    refitted in place (:func:`~matsci_ml.mtp.training.fit_linear`) -- through its ``revision`` counter. ``stress``
    of a structure without a periodic 3-D cell raises ``PropertyNotImplementedError``. Positions or a cell that
    are not finite, a periodic cell of zero volume, and two atoms at the same place are refused with a
    ``ValueError`` whatever ``close_contacts`` says.

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
    default_parameters = {"close_contacts": "error", "skin": 0.5}

    def __init__(self, potential, *, close_contacts: str = "error", skin: float = 0.5, **kwargs):
        if close_contacts not in CLOSE_CONTACT_POLICIES:
            raise ValueError(f"close_contacts must be one of {CLOSE_CONTACT_POLICIES}, got {close_contacts!r}")
        if not (np.isfinite(skin) and skin >= 0):
            raise ValueError(f"skin must be a finite distance >= 0 (A), got {skin!r}")
        super().__init__(close_contacts=close_contacts, skin=float(skin), **kwargs)
        self._pairs: PairList | None = None
        self._computed_with = None
        self.potential = potential

    @property
    def potential(self) -> MomentTensorPotential:
        return self._potential

    @potential.setter
    def potential(self, potential) -> None:
        if not isinstance(potential, MomentTensorPotential):
            from matsci_ml.mtp.mtp_file import read_mtp

            potential = read_mtp(potential)
        self._potential = potential
        self._pairs = None
        self.reset()

    @property
    def close_contacts(self) -> str:
        return self.parameters["close_contacts"]

    @property
    def skin(self) -> float:
        return float(self.parameters["skin"])

    def set(self, **kwargs) -> dict:
        if "close_contacts" in kwargs and kwargs["close_contacts"] not in CLOSE_CONTACT_POLICIES:
            raise ValueError(f"close_contacts must be one of {CLOSE_CONTACT_POLICIES}, got {kwargs['close_contacts']!r}")
        changed = super().set(**kwargs)
        if changed:
            self._pairs = None
            self.reset()
        return changed

    def todict(self, skip_default: bool = True) -> dict:
        p = self.potential
        return {**super().todict(skip_default=skip_default),
                "potential": {"level": p.level, "species": list(p.symbols), "min_dist": p.min_dist,
                              "max_dist": p.max_dist, "parameter_count": p.parameter_count}}

    def check_state(self, atoms, tol: float = 1e-15) -> list[str]:
        changes = super().check_state(atoms, tol)
        if self._computed_with != (id(self._potential), self._potential.revision):
            changes = [*changes, "potential"]
        return changes

    def neighbour_data(self, atoms) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(first, neighbours, vectors)`` of ``atoms`` from this calculator's Verlet list (rebuilt when needed):
        the one neighbour list the MD and the extrapolation grade share. A rebuild checks the structure
        (:func:`~matsci_ml.mtp.neighbours.check_structure`); non-finite positions always force one."""
        if self._pairs is None or not self._pairs.still_valid(atoms):
            self._pairs = PairList.build(atoms, self.potential.max_dist, self.skin)
        vectors = np.ascontiguousarray(self._pairs.vectors(atoms))
        self._check_close_contacts(vectors)
        return self._pairs.first, self._pairs.neighbours, vectors

    def _check_close_contacts(self, vectors: np.ndarray) -> None:
        if len(vectors) == 0:
            return
        shortest = check_no_coincident_atoms(vectors)
        if self.close_contacts == "ignore" or shortest >= self.potential.min_dist:
            return
        message = (f"Two atoms are {shortest:.3f} A apart, closer than this MTP's min_dist = "
                   f"{self.potential.min_dist:.3f} A, where it is undefined. Check the structure (overlapping "
                   f"atoms?), or retrain with a smaller min_dist, or pass close_contacts='warn' to evaluate anyway.")
        if self.close_contacts == "error":
            raise CloseContactError(message)
        warnings.warn(message, stacklevel=3)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        periodic = self.atoms.cell.rank == 3 and self.atoms.pbc.all()
        if "stress" in properties and not periodic:
            raise PropertyNotImplementedError("stress needs a periodic cell with three lattice vectors")
        mtp = self.potential
        types = mtp.types_of(self.atoms.numbers)
        first, neighbours, vectors = self.neighbour_data(self.atoms)
        energies, forces, virial = mtp_energy_forces(
            types, first, neighbours, vectors, mtp.radial_coeffs, mtp.species_coeffs,
            mtp.moment_coeffs, mtp.alpha_index_basic, mtp.alpha_index_times, mtp.alpha_moment_mapping,
            mtp.alpha_moments_count, mtp.min_dist, mtp.max_dist, mtp.scaling)
        self.results["energies"] = energies
        self.results["energy"] = self.results["free_energy"] = float(energies.sum())
        self.results["forces"] = forces
        if periodic:
            stress = 0.5 * (virial + virial.T) / self.atoms.get_volume()
            self.results["stress"] = stress.flat[[0, 4, 8, 5, 2, 1]]
        self._computed_with = (id(mtp), mtp.revision)
