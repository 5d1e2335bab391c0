"""Material properties from any ASE calculator: equation of state, cubic elastic constants, thermalisation.

Used by the MTP, active-learning and NequIP lessons alike, with EMT, an MTP, NequIP or DFT calculators.
Stresses follow ASE's sign convention (positive = tensile) and are converted with ``ase.units.GPa``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.eos import EquationOfState
from ase.units import GPa


@dataclass
class EquationOfStateFit:
    """Birch-Murnaghan fit of E(V): equilibrium volume (A^3/atom), energy (eV/atom), bulk modulus (GPa)."""

    volumes_per_atom: np.ndarray
    energies_per_atom: np.ndarray
    v0_per_atom: float
    e0_per_atom: float
    bulk_modulus_gpa: float
    lattice_constant: float


def equation_of_state(atoms: Atoms, calc, *, strains=np.linspace(-0.04, 0.04, 9)) -> EquationOfStateFit:
    """E(V) on isotropic strains of ``atoms`` (a cubic cell) and its Birch-Murnaghan fit.

    ``lattice_constant`` assumes the cell is one conventional cubic cell (e.g. bcc with 2 atoms).
    """
    cell = np.array(atoms.cell)
    volumes, energies = [], []
    for strain in strains:
        probe = atoms.copy()
        probe.set_cell(cell * (1 + strain), scale_atoms=True)
        probe.calc = calc
        volumes.append(probe.get_volume() / len(probe))
        energies.append(probe.get_potential_energy() / len(probe))
    eos = EquationOfState(volumes, energies, eos="birchmurnaghan")
    v0, e0, b = eos.fit()
    lattice = (v0 * len(atoms)) ** (1 / 3)
    return EquationOfStateFit(np.array(volumes), np.array(energies), float(v0), float(e0), float(b / GPa), float(lattice))


def cubic_elastic_constants(atoms: Atoms, calc, *, strain: float = 0.02) -> dict[str, float]:
    """C11, C12, C44 (GPa) of a cubic crystal from stresses at +-``strain``.

    .. math:: C_{11} = \\frac{\\sigma_{xx}(+\\delta) - \\sigma_{xx}(-\\delta)}{2\\delta},\\quad
              C_{12} = \\frac{\\sigma_{yy}(+\\delta) - \\sigma_{yy}(-\\delta)}{2\\delta},\\quad
              C_{44} = \\frac{\\sigma_{yz}(+\\gamma) - \\sigma_{yz}(-\\gamma)}{2\\gamma}

    for a uniaxial strain :math:`\\varepsilon_{xx} = \\pm\\delta` and an engineering shear
    :math:`\\gamma_{yz} = \\pm\\delta`. Atoms are not relaxed: exact for one atom per primitive cell
    (bcc, fcc), where symmetry leaves no internal degrees of freedom under these strains.
    """
    cell = np.array(atoms.cell)

    def stress(deformation):
        probe = atoms.copy()
        probe.set_cell(cell @ deformation.T, scale_atoms=True)
        probe.calc = calc
        return probe.get_stress(voigt=False) / GPa

    def uniaxial(d):
        return np.diag([1 + d, 1.0, 1.0])

    def shear(g):
        return np.array([[1.0, 0, 0], [0, 1.0, g / 2], [0, g / 2, 1.0]])

    plus, minus = stress(uniaxial(strain)), stress(uniaxial(-strain))
    c11 = (plus[0, 0] - minus[0, 0]) / (2 * strain)
    c12 = (plus[1, 1] - minus[1, 1]) / (2 * strain)
    plus, minus = stress(shear(strain)), stress(shear(-strain))
    c44 = (plus[1, 2] - minus[1, 2]) / (2 * strain)
    return {"C11": float(c11), "C12": float(c12), "C44": float(c44)}


def thermalize(atoms: Atoms, temperature_K: float, seed: int = 0, rng: np.random.Generator | None = None) -> None:
    """Maxwell-Boltzmann momenta at ``temperature_K`` (K), from ``rng`` or else seeded with ``seed``
    (ASE's ``thermalize_momenta``, called ``MaxwellBoltzmannDistribution`` before ASE 3.29)."""
    rng = np.random.default_rng(seed) if rng is None else rng
    try:
        from ase.md.velocitydistribution import thermalize_momenta
    except ImportError:  # ASE < 3.29
        from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

        MaxwellBoltzmannDistribution(atoms, temperature_K=temperature_K, rng=rng)
    else:
        thermalize_momenta(atoms, temperature_K, rng=rng)


def cubic_properties(prototype: Atoms, calc, *, eos: EquationOfStateFit | None = None) -> dict[str, float]:
    """Lattice constant (A, from the E(V) fit), bulk moduli (GPa, from E(V) and from the C_ij) and C11/C12/C44 (GPa)
    of a cubic crystal: ``prototype`` is one conventional cell near equilibrium (e.g. ``bulk("Mo", "bcc", cubic=True)``).
    Pass ``eos`` (:func:`equation_of_state` of the same cell and calculator) when it is already computed."""
    eos = equation_of_state(prototype, calc) if eos is None else eos
    relaxed = prototype.copy()
    relaxed.set_cell(np.array(prototype.cell) * eos.lattice_constant / prototype.cell[0, 0], scale_atoms=True)
    constants = cubic_elastic_constants(relaxed, calc)
    return {"a (Å)": eos.lattice_constant, "B from E(V) (GPa)": eos.bulk_modulus_gpa,
            "(C11+2C12)/3 (GPa)": (constants["C11"] + 2 * constants["C12"]) / 3, **constants}
