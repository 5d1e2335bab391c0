"""A moment tensor potential: its basis program and its parameters, in mlip-2's terms.

The energy is a sum of site energies (Shapeev 2016; Novikov et al. 2021)

.. math:: E = \\sum_i V(n_i), \\qquad V(n_i) = s_{z_i} + \\sum_\\alpha \\xi_\\alpha B_\\alpha(n_i),

with one constant :math:`s_z` per species (``species_coeffs``, eV), the moment coefficients
:math:`\\xi_\\alpha` (``moment_coeffs``, eV) and the basis functions :math:`B_\\alpha` of
:mod:`matsci_ml.mtp.basis`. The radial functions are

.. math:: f_\\mu(r, z_i, z_j) = \\sum_{\\beta} c^{(\\beta)}_{\\mu, z_i, z_j}\\, Q^{(\\beta)}(r), \\qquad
          Q^{(\\beta)}(r) = s\\,T_\\beta(\\xi(r))\\,(R_\\mathrm{cut} - r)^2 \\ (r < R_\\mathrm{cut}),

with Chebyshev polynomials :math:`T_\\beta` of :math:`\\xi = (2r - R_\\min - R_\\mathrm{cut})/(R_\\mathrm{cut} - R_\\min)`,
``radial_coeffs[z_i, z_j, mu, beta]`` (centre species first) and mlip-2's ``scaling`` :math:`s` (1 here).
Below :math:`R_\\min` the polynomials leave :math:`[-1, 1]` and grow without control; see
:class:`matsci_ml.mtp.calculator.MTPCalculator` for the policy on such close contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ase.data import atomic_numbers, chemical_symbols

from matsci_ml.mtp.basis import MomentBasis

DEFAULT_RADIAL_BASIS_SIZE = 8

#: The arrays of a potential and their dtypes (stored read-only: see ``MomentTensorPotential.__setattr__``).
_ARRAY_DTYPES = {"radial_coeffs": np.float64, "species_coeffs": np.float64, "moment_coeffs": np.float64,
                 "alpha_index_basic": np.int64, "alpha_index_times": np.int64, "alpha_moment_mapping": np.int64}


def _species_numbers(species) -> tuple[int, ...]:
    numbers = []
    for s in species:
        if isinstance(s, str):
            if s not in atomic_numbers:
                raise ValueError(f"Unknown element symbol {s!r} in species {list(species)!r}.")
            numbers.append(atomic_numbers[s])
        else:
            numbers.append(int(s))
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"species must be distinct elements, got {list(species)!r}")
    return tuple(numbers)


@dataclass
class MomentTensorPotential:
    """Parameters and basis program of an MTP (what a mlip-2 ``.mtp`` file holds).

    Create an untrained one with :meth:`from_level`; read and write mlip-2 files with
    :func:`matsci_ml.mtp.read_mtp` and :meth:`write`.

    Attributes
    ----------
    species : tuple of int
        Atomic numbers; position ``k`` is mlip-2's type ``k`` (LAMMPS type ``k + 1``).
    min_dist, max_dist : float
        :math:`R_\\min` and :math:`R_\\mathrm{cut}` in Angstrom.
    radial_coeffs : ndarray (S, S, radial_funcs_count, radial_basis_size)
    species_coeffs : ndarray (S,), eV
    moment_coeffs : ndarray (n_basis,), eV
    alpha_index_basic, alpha_index_times, alpha_moment_mapping : ndarray of int
    alpha_moments_count : int
    level : int or None
        The level the basis was generated for (None for a file without one).
    scaling : float
    """

    species: tuple[int, ...]
    min_dist: float
    max_dist: float
    radial_coeffs: np.ndarray
    species_coeffs: np.ndarray
    moment_coeffs: np.ndarray
    alpha_index_basic: np.ndarray
    alpha_index_times: np.ndarray
    alpha_moment_mapping: np.ndarray
    alpha_moments_count: int
    level: int | None = None
    scaling: float = 1.0
    potential_name: str = field(default="MTP1m")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_frozen_shapes", False)
        self.species = _species_numbers(self.species)
        self.alpha_index_basic = np.asarray(self.alpha_index_basic).reshape(-1, 4)
        self.alpha_index_times = np.asarray(self.alpha_index_times).reshape(-1, 4)
        self.validate()
        object.__setattr__(self, "_frozen_shapes", True)
        object.__setattr__(self, "revision", 0)

    def __setattr__(self, name, value) -> None:
        """Every array is stored as a read-only, contiguous copy: the numba kernels read them without bounds
        checks, so an array changed in place (``mtp.alpha_index_basic[0, 0] = 99``) could crash the process.
        Change coefficients by assigning a whole array (or :attr:`parameters`); that re-checks the shape and that
        every value is finite, and bumps :attr:`revision` (calculators then drop their cached results)."""
        if name in _ARRAY_DTYPES:
            array = np.array(value, dtype=_ARRAY_DTYPES[name], order="C", copy=True)
            if getattr(self, "_frozen_shapes", False):
                if array.shape != getattr(self, name).shape:
                    raise ValueError(f"{name} must keep its shape {getattr(self, name).shape}, got {array.shape}; "
                                     f"build a new potential to change the basis")
                if array.dtype.kind == "f" and not np.isfinite(array).all():
                    raise ValueError(f"{name} holds NaN or infinite values")
            array.setflags(write=False)
            value = array
        elif name in ("min_dist", "max_dist", "scaling") and getattr(self, "_frozen_shapes", False):
            raise AttributeError(f"{name} is fixed when the potential is built; use from_level(...) for another")
        object.__setattr__(self, name, value)
        if name in _ARRAY_DTYPES and getattr(self, "_frozen_shapes", False):
            object.__setattr__(self, "revision", self.revision + 1)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_level(cls, level: int, species, *, min_dist: float = 2.0, max_dist: float = 5.0,
                   radial_basis_size: int = DEFAULT_RADIAL_BASIS_SIZE, seed: int | None = 0) -> MomentTensorPotential:
        """An untrained MTP of ``level`` for ``species`` with random radial coefficients.

        Parameters
        ----------
        level : int
            ``lev_max`` (8, 10, 16 and 20 are the usual choices).
        species : sequence of str or int
            Element symbols or atomic numbers, e.g. ``["Mo"]``.
        min_dist, max_dist : float
            :math:`R_\\min` and :math:`R_\\mathrm{cut}` in Angstrom.
        radial_basis_size : int
            Number of Chebyshev polynomials :math:`T_0 .. T_{n-1}`.
        seed : int or None
            Seed of the random radial coefficients (uniform in [-0.1, 0.1], as motep does) and of
            the moment coefficients (zero: a linear fit sets them).

        Examples
        --------
        >>> mtp = MomentTensorPotential.from_level(16, ["Mo"])
        >>> mtp.parameter_count
        125
        """
        if not max_dist > min_dist > 0:
            raise ValueError(f"need 0 < min_dist < max_dist, got min_dist={min_dist}, max_dist={max_dist}")
        basis = MomentBasis(level)
        n_species = len(species)
        rng = np.random.default_rng(seed)
        return cls(
            species=tuple(species), min_dist=float(min_dist), max_dist=float(max_dist),
            radial_coeffs=rng.uniform(-0.1, 0.1, (n_species, n_species, basis.radial_funcs_count, radial_basis_size)),
            species_coeffs=np.zeros(n_species), moment_coeffs=np.zeros(len(basis)),
            alpha_index_basic=basis.alpha_index_basic, alpha_index_times=basis.alpha_index_times,
            alpha_moment_mapping=basis.alpha_moment_mapping, alpha_moments_count=basis.alpha_moments_count,
            level=int(level),
        )

    # ------------------------------------------------------------------ sizes
    @property
    def species_count(self) -> int:
        return len(self.species)

    @property
    def symbols(self) -> list[str]:
        return [chemical_symbols[z] for z in self.species]

    @property
    def radial_funcs_count(self) -> int:
        return self.radial_coeffs.shape[2]

    @property
    def radial_basis_size(self) -> int:
        return self.radial_coeffs.shape[3]

    @property
    def parameter_count(self) -> int:
        return self.moment_coeffs.size + self.species_coeffs.size + self.radial_coeffs.size

    # ------------------------------------------------------------------ parameter vector
    @property
    def parameters(self) -> np.ndarray:
        """All parameters in one vector: moment coefficients, species coefficients, radial coefficients."""
        return np.concatenate([self.moment_coeffs, self.species_coeffs, self.radial_coeffs.ravel()])

    @parameters.setter
    def parameters(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (self.parameter_count,):
            raise ValueError(f"expected {self.parameter_count} parameters, got shape {values.shape}")
        n_m, n_s = self.moment_coeffs.size, self.species_coeffs.size
        self.moment_coeffs = values[:n_m].copy()
        self.species_coeffs = values[n_m:n_m + n_s].copy()
        self.radial_coeffs = values[n_m + n_s:].reshape(self.radial_coeffs.shape).copy()

    def copy(self) -> MomentTensorPotential:
        return MomentTensorPotential(
            species=self.species, min_dist=self.min_dist, max_dist=self.max_dist,
            radial_coeffs=self.radial_coeffs.copy(), species_coeffs=self.species_coeffs.copy(),
            moment_coeffs=self.moment_coeffs.copy(), alpha_index_basic=self.alpha_index_basic,
            alpha_index_times=self.alpha_index_times, alpha_moment_mapping=self.alpha_moment_mapping,
            alpha_moments_count=self.alpha_moments_count, level=self.level, scaling=self.scaling,
            potential_name=self.potential_name)

    def types_of(self, numbers: np.ndarray) -> np.ndarray:
        """mlip-2 type (0..S-1) of each atom; an unknown element raises an error naming it."""
        numbers = np.asarray(numbers)
        if numbers.size and (numbers.min() < 1 or numbers.max() >= len(chemical_symbols)):
            bad = sorted({int(z) for z in numbers if not 1 <= z < len(chemical_symbols)})
            raise ValueError(f"atomic numbers {bad} are not elements (1 to {len(chemical_symbols) - 1}); check the "
                             f"structure's numbers")
        lookup = np.full(max(max(self.species), int(numbers.max(initial=0))) + 1, -1, dtype=np.int64)
        lookup[list(self.species)] = np.arange(self.species_count)
        types = lookup[numbers]
        if np.any(types < 0):
            unknown = sorted({chemical_symbols[z] for z in numbers[types < 0]})
            raise ValueError(f"This MTP was trained for {', '.join(self.symbols)} and cannot evaluate "
                             f"{', '.join(unknown)}; train a potential that includes {', '.join(unknown)}.")
        return types

    # ------------------------------------------------------------------ checks and I/O
    def validate(self) -> None:
        """Check that the arrays are consistent and finite; numba kernels read them without bounds checks."""
        S = self.species_count
        for name in ("radial_coeffs", "species_coeffs", "moment_coeffs"):
            if not np.isfinite(getattr(self, name)).all():
                raise ValueError(f"{name} holds NaN or infinite values")
        if not (np.isfinite(self.min_dist) and np.isfinite(self.max_dist) and np.isfinite(self.scaling)):
            raise ValueError("min_dist, max_dist and scaling must be finite numbers")
        if self.radial_coeffs.ndim != 4 or self.radial_coeffs.shape[:2] != (S, S):
            raise ValueError(f"radial_coeffs must have shape ({S}, {S}, n_mu, n_beta), got {self.radial_coeffs.shape}")
        if self.species_coeffs.shape != (S,):
            raise ValueError(f"species_coeffs must have {S} entries, got {self.species_coeffs.shape}")
        if self.moment_coeffs.shape != self.alpha_moment_mapping.shape:
            raise ValueError(f"{self.moment_coeffs.size} moment_coeffs for {self.alpha_moment_mapping.size} basis functions")
        n_alpha, basic, times = self.alpha_moments_count, self.alpha_index_basic, self.alpha_index_times
        if basic.shape[0] > n_alpha or np.any(basic < 0) or np.any(basic[:, 0] >= self.radial_funcs_count):
            raise ValueError("alpha_index_basic refers to a radial function or moment that does not exist")
        if times.size and (np.any(times[:, [0, 1, 3]] < 0) or np.any(times[:, [0, 1, 3]] >= n_alpha)
                           or np.any(np.maximum(times[:, 0], times[:, 1]) >= times[:, 3])):
            raise ValueError("alpha_index_times must only read moments computed earlier and lie below alpha_moments_count")
        if np.any(self.alpha_moment_mapping < 0) or np.any(self.alpha_moment_mapping >= n_alpha):
            raise ValueError("alpha_moment_mapping refers to a moment beyond alpha_moments_count")
        if not self.max_dist > self.min_dist > 0:
            raise ValueError(f"need 0 < min_dist < max_dist, got {self.min_dist}, {self.max_dist}")

    def write(self, path) -> None:
        """Write a mlip-2 ``.mtp`` file (readable by mlip-2's LAMMPS interface and by motep)."""
        from matsci_ml.mtp.mtp_file import write_mtp

        write_mtp(self, path)
