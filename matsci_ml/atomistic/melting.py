r"""The melting point from solid--liquid coexistence: the interface-velocity (two-phase) method.

A cell elongated along :math:`z` holds a crystal in its lower half and its melt in the upper half, with two flat
solid--liquid interfaces. Held at a temperature :math:`T` and zero pressure (the barostat acts on :math:`z` only, so
the lateral size stays the crystal's), the crystal grows below the melting point and melts above it; the interfaces
move at a speed proportional to :math:`T - T_m` near :math:`T_m`, and so does the potential energy per atom, which
rises by the latent heat as the crystal melts:

.. math:: \frac{d\bar E}{dt}(T) \approx a\,(T - T_m), \qquad T_m = -\,b/a \text{ for the fit } \frac{d\bar E}{dt}=aT+b .

:func:`coexistence_cell` builds the two-phase cell (lattice parameter from an NPT run of the crystal at the guessed
:math:`T`; the upper half melted at a high temperature while the lower half is held fixed);
:func:`energy_drift` runs it at one temperature and returns the slope of :math:`\bar E(t)` (eV/atom/ps) with its
standard error; :func:`melting_point` fits the slopes of several temperatures and gives :math:`T_m` with its
standard error (1σ, from the fit's covariance by the delta method). The slopes must bracket zero: a temperature far
from :math:`T_m` consumes one phase before the run ends, and its slope then measures nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms, units
from ase.constraints import FixAtoms
from ase.md.langevin import Langevin
from ase.md.nptberendsen import Inhomogeneous_NPTBerendsen, NPTBerendsen
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

from matsci_ml.atomistic.oracle import fresh_calculator


def _npt(atoms: Atoms, temperature_K: float, timestep_fs: float, bulk_modulus_GPa: float, mask=None):
    kwargs = {"temperature_K": temperature_K, "pressure_au": 0.0, "taut": 100 * units.fs, "taup": 500 * units.fs,
              "compressibility_au": 1.0 / (bulk_modulus_GPa * units.GPa)}
    if mask is None:
        return NPTBerendsen(atoms, timestep_fs * units.fs, **kwargs)
    return Inhomogeneous_NPTBerendsen(atoms, timestep_fs * units.fs, mask=mask, **kwargs)


def half_order(atoms: Atoms, lattice_constant: float) -> tuple[float, float]:
    r"""Crystalline order of the lower and upper half (along z) of a cubic-fcc-based cell: the structure factor
    :math:`|\langle e^{i\mathbf G\cdot\mathbf r}\rangle|^2` at the (200) reflections along x and y,
    :math:`G = 4\pi/a`, averaged over the two. 1 for a perfect crystal, less with thermal motion (about 0.5 for Al near
    its melting point), of order 1/N for a liquid."""
    fraction = atoms.get_scaled_positions()[:, 2] % 1.0
    g = 4 * np.pi / lattice_constant
    values = []
    for half in (fraction < 0.5, fraction >= 0.5):
        r = atoms.positions[half]
        values.append(float(np.mean([abs(np.exp(1j * g * r[:, axis]).mean()) ** 2 for axis in (0, 1)])))
    return values[0], values[1]


def coexistence_cell(crystal: Atoms, calculator, temperature_K: float, *, melt_factor: float = 2.0,
                     equilibrate_steps: int = 1000, melt_steps: int = 1500, settle_steps: int = 500,
                     timestep_fs: float = 2.0, bulk_modulus_GPa: float = 76.0, seed: int = 0) -> Atoms:
    """A two-phase cell at ``temperature_K``: ``crystal`` (elongated along z) equilibrated at zero pressure, then its
    upper half melted at ``melt_factor`` × ``temperature_K`` with the lower half fixed, and brought back to
    ``temperature_K``. ``calculator`` is an ASE calculator or a class (a fresh one is used). Raises if the result is not
    crystal below and liquid above (:func:`half_order`): a crystal held by a fixed half can superheat far above its
    melting point without melting."""
    if crystal.cell[2, 2] < 2 * max(crystal.cell[0, 0], crystal.cell[1, 1]):
        raise ValueError("elongate the crystal along z (at least twice its lateral size): the two interfaces "
                         "must be further apart than the interface width")
    rng = np.random.default_rng(seed)
    atoms = crystal.copy()
    atoms.calc = fresh_calculator(calculator)
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature_K, rng=rng)
    _npt(atoms, temperature_K, timestep_fs, bulk_modulus_GPa).run(equilibrate_steps)
    lower = (atoms.get_scaled_positions()[:, 2] % 1.0) < 0.5
    atoms.set_constraint(FixAtoms(mask=lower))
    for temperature, steps in ((melt_factor * temperature_K, melt_steps), (temperature_K, settle_steps)):
        Langevin(atoms, timestep_fs * units.fs, temperature_K=temperature, friction=0.02 / units.fs,
                 rng=rng).run(steps)
    atoms.set_constraint()
    lattice_constant = atoms.cell[0, 0] / round(crystal.cell[0, 0] / _fcc_spacing(crystal))
    lower, upper = half_order(atoms, lattice_constant)
    if upper > 0.2 or lower < 0.2:
        raise RuntimeError(f"not two phases: crystalline order {lower:.2f} below, {upper:.2f} above (a crystal near "
                           f"its melting point gives about 0.5, a liquid about 0.01); raise melt_factor or melt_steps")
    return atoms


def _fcc_spacing(crystal: Atoms) -> float:
    """The cubic lattice constant of an fcc crystal built from conventional cells (the (200) planes' double spacing)."""
    distances = crystal.get_all_distances(mic=True)[0][1:]
    return float(np.sqrt(2) * distances.min())


@dataclass
class EnergyDrift:
    """Outcome of :func:`energy_drift`: temperature (K), slope of the energy per atom (eV/atom/ps) and its standard
    error, the energy per atom along the run (eV), the times (ps), and the largest extrapolation grade (nan if not
    monitored)."""

    temperature_K: float
    slope_ev_per_atom_ps: float
    slope_error: float
    energy_per_atom: np.ndarray
    time_ps: np.ndarray
    max_grade: float = float("nan")


def energy_drift(two_phase: Atoms, calculator, temperature_K: float, *, steps: int = 3000, timestep_fs: float = 2.0,
                 sample_every: int = 10, discard_fraction: float = 0.2, bulk_modulus_GPa: float = 76.0,
                 seed: int = 0, grade_model=None, gamma_break: float = 5.0, grade_every: int = 50) -> EnergyDrift:
    """Run ``two_phase`` at ``temperature_K`` and zero pressure along z (Berendsen thermostat and barostat) and fit a
    line to its energy per atom after the first ``discard_fraction`` of the run. The slope's standard error is the
    least-squares one inflated by :math:`\sqrt{(1+\rho)/(1-\rho)}`, :math:`\rho` the lag-1 autocorrelation of the
    residuals (successive samples are not independent).

    With ``grade_model`` (an :class:`~matsci_ml.active_learning.grade.ActiveSet` of the MTP in ``calculator``), the
    extrapolation grade is checked every ``grade_every`` steps and the run stops with
    :class:`~matsci_ml.active_learning.exploration.ExtrapolationBreak` above ``gamma_break`` (mlip-2's production
    setting: select and break both at 5, no learning); ``max_grade`` records the largest grade seen.
    """
    atoms = two_phase.copy()
    atoms.calc = fresh_calculator(calculator)
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature_K, rng=np.random.default_rng(seed))
    dynamics = _npt(atoms, temperature_K, timestep_fs, bulk_modulus_GPa, mask=(0, 0, 1))
    energies = []
    dynamics.attach(lambda: energies.append(atoms.get_potential_energy() / len(atoms)), interval=sample_every)
    monitor = None
    if grade_model is not None:
        from matsci_ml.active_learning.exploration import GradeMonitor

        monitor = GradeMonitor(grade_model, atoms, gamma_select=gamma_break, gamma_break=gamma_break)
        dynamics.attach(monitor, interval=grade_every)
    dynamics.run(steps)
    energy = np.array(energies)
    time_ps = np.arange(len(energy)) * sample_every * timestep_fs / 1000
    start = int(discard_fraction * len(energy))
    t, e = time_ps[start:], energy[start:]
    (slope, intercept), covariance = np.polyfit(t, e, 1, cov=True)
    residual = e - (slope * t + intercept)
    rho = float(np.clip(np.corrcoef(residual[:-1], residual[1:])[0, 1], 0.0, 0.99))   # samples are correlated:
    inflation = np.sqrt((1 + rho) / (1 - rho))                                         # AR(1) correction of the error
    max_grade = float(max(monitor.grades)) if monitor is not None and monitor.grades else float("nan")
    return EnergyDrift(temperature_K, float(slope), float(inflation * np.sqrt(covariance[0, 0])), energy, time_ps,
                       max_grade)


@dataclass
class MeltingPoint:
    """:math:`T_m` (K) and its standard error (1σ) from a line through the energy drifts."""

    temperature_K: float
    error_K: float
    slope_per_K: float
    drifts: list


def melting_point(drifts) -> MeltingPoint:
    """:math:`T_m` where the line fitted through the drifts (weighted by their standard errors) crosses zero."""
    temperatures = np.array([d.temperature_K for d in drifts])
    slopes = np.array([d.slope_ev_per_atom_ps for d in drifts])
    if len(drifts) < 3:
        raise ValueError("give at least three temperatures")
    if not (slopes.min() < 0 < slopes.max()):
        raise ValueError(f"the drifts do not change sign (all {'positive' if slopes.min() > 0 else 'negative'}): "
                         "the melting point lies outside the temperatures run; add some "
                         f"{'below' if slopes.min() > 0 else 'above'} {temperatures.min() if slopes.min() > 0 else temperatures.max():.0f} K")
    weights = 1.0 / np.maximum([d.slope_error for d in drifts], 1e-12)
    (a, b), covariance = np.polyfit(temperatures, slopes, 1, w=weights, cov=True)
    t_m = -b / a
    gradient = np.array([b / a**2, -1.0 / a])               # d(-b/a)/d(a, b)
    return MeltingPoint(float(t_m), float(np.sqrt(gradient @ covariance @ gradient)), float(a), list(drifts))


__all__ = ["EnergyDrift", "MeltingPoint", "coexistence_cell", "energy_drift", "half_order", "melting_point"]
