r"""The melting point from solid--liquid coexistence at constant enthalpy (Morris, Wang, Ho & Chan, Phys. Rev. B 49,
3109 (1994), who introduced it for aluminium).

A cell elongated along :math:`z` holds a crystal in its lower half and its melt in the upper half, with two flat
solid--liquid interfaces. Left to itself at constant enthalpy and zero pressure (no thermostat; a barostat on
:math:`z` only, so the lateral size stays the crystal's), it finds the melting point: above :math:`T_m` the crystal
melts and the latent heat it absorbs cools the cell; below, the crystal grows and the heat it releases warms the cell.
The temperature relaxes to :math:`T_m` with a time constant :math:`\tau = C/a` (heat capacity over the rate at which
the interfaces turn undercooling into latent heat; several ps for a few hundred Al atoms), as long as neither phase
is consumed: the latent heat must exceed :math:`C\,|T_0 - T_m|`, so the start must be within about 100 K of
:math:`T_m` for a half-and-half cell (in practice less, about 50 K for 432 Al atoms with EMT: a start at 950 K
consumed the crystal). Start above :math:`T_m`: a liquid undercooled by a few tens of K can crystallize completely
within 10 ps in a cell whose lateral size the crystal fits exactly, faster than the released heat stops it.

:func:`coexistence_cell` builds the two-phase cell at a starting temperature (lattice parameter from an NPT run of
the crystal; the upper half melted at a high temperature while the lower half is held fixed);
:func:`coexistence_run` runs it at constant enthalpy and returns the mean temperature of the second half of the run
with its standard error (1σ, from block averages); :func:`melting_point` combines runs started at different
temperatures: their agreement is the test that each has relaxed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from ase import Atoms, units
from ase.constraints import FixAtoms
from ase.md.langevin import Langevin
from ase.md.nptberendsen import Inhomogeneous_NPTBerendsen
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

from matsci_ml.atomistic.oracle import fresh_calculator
from matsci_ml.paths import SHIPPED_DATA_DIR

AL_MELTING_RESULTS = SHIPPED_DATA_DIR / "melting" / "al_melting.json"
AL_SHORT_RUNS = SHIPPED_DATA_DIR / "melting" / "al_short_runs.json"
NO_THERMOSTAT_FS = 1e30          # a Berendsen time constant this long leaves the velocities alone


class _Berendsen(Inhomogeneous_NPTBerendsen):
    """ASE's Berendsen thermostat and barostat (per axis, ``mask``), with the barostat applied every
    ``barostat_every`` steps by the equivalent amount: each change of the cell costs a neighbour-list rebuild, which
    for 432 atoms triples the cost of a step with EMT or an MTP; the pressure relaxes over ``taup`` = 250 steps
    anyway."""

    def __init__(self, atoms, timestep, *, barostat_every: int = 10, **kwargs):
        super().__init__(atoms, timestep, **kwargs)
        self.barostat_every = barostat_every
        self._steps = 0

    def scale_positions_and_cell(self):
        self._steps += 1
        if self._steps % self.barostat_every:
            return
        timestep, self.dt = self.dt, self.dt * self.barostat_every
        try:
            super().scale_positions_and_cell()
        finally:
            self.dt = timestep


def _dynamics(atoms: Atoms, temperature_K: float, timestep_fs: float, bulk_modulus_GPa: float, *,
              mask=(1, 1, 1), thermostat: bool = True) -> _Berendsen:
    taut = 100 * units.fs if thermostat else NO_THERMOSTAT_FS * units.fs
    return _Berendsen(atoms, timestep_fs * units.fs, temperature_K=temperature_K, pressure_au=0.0, taut=taut,
                      taup=500 * units.fs, compressibility_au=1.0 / (bulk_modulus_GPa * units.GPa), mask=mask)


def half_order(atoms: Atoms, lattice_constant: float) -> tuple[float, float]:
    r"""Crystalline order of the lower and upper half (along z) of a cubic-fcc-based cell: the amplitude of the
    structure factor, :math:`|\langle e^{i\mathbf G\cdot\mathbf r}\rangle|`, at the (200) reflections along x and y,
    :math:`G = 4\pi/a`, averaged over the two. 1 for a perfect crystal, less with thermal motion (about 0.7 for Al near
    its melting point), of order :math:`1/\sqrt{N}` for a liquid of :math:`N` atoms; for a half that is part crystal,
    part liquid, proportional to the crystalline fraction."""
    fraction = atoms.get_scaled_positions()[:, 2] % 1.0
    g = 4 * np.pi / lattice_constant
    values = []
    for half in (fraction < 0.5, fraction >= 0.5):
        r = atoms.positions[half]
        values.append(float(np.mean([abs(np.exp(1j * g * r[:, axis]).mean()) for axis in (0, 1)])))
    return values[0], values[1]


def _two_phases(order: tuple[float, float], crystal_min: float, liquid_max: float) -> bool:
    return order[0] >= crystal_min and order[1] <= liquid_max


def _lateral_lattice_constant(atoms: Atoms, crystal: Atoms) -> float:
    """The cubic lattice constant along x of ``atoms``, built as ``crystal`` (conventional fcc cells)."""
    spacing = np.sqrt(2) * crystal.get_all_distances(mic=True)[0][1:].min()
    return float(atoms.cell[0, 0] / round(crystal.cell[0, 0] / spacing))


def coexistence_cell(crystal: Atoms, calculator, temperature_K: float, *, melt_factor: float = 2.0,
                     equilibrate_steps: int = 1000, melt_steps: int = 1500, settle_steps: int = 500,
                     timestep_fs: float = 2.0, bulk_modulus_GPa: float = 76.0, seed: int = 0) -> Atoms:
    """A two-phase cell at ``temperature_K``: ``crystal`` (conventional fcc cells, elongated along z) equilibrated at
    zero pressure, then its upper half melted at ``melt_factor`` × ``temperature_K`` with the lower half fixed, and
    the whole brought back to ``temperature_K`` for ``settle_steps`` (thermostat, and barostat on z: the melt expands).
    ``calculator`` is an ASE calculator or a class (a fresh one is used).
    ``info["lattice_constant"]`` holds the crystal's lateral lattice constant (Å). Raises if the result is not crystal
    below and liquid above (:func:`half_order`): a crystal held by a fixed half can superheat far above its melting
    point without melting."""
    if crystal.cell[2, 2] < 2 * max(crystal.cell[0, 0], crystal.cell[1, 1]):
        raise ValueError("elongate the crystal along z (at least twice its lateral size): the two interfaces "
                         "must be further apart than the interface width")
    rng = np.random.default_rng(seed)
    atoms = crystal.copy()
    atoms.calc = fresh_calculator(calculator)
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature_K, rng=rng)
    _dynamics(atoms, temperature_K, timestep_fs, bulk_modulus_GPa).run(equilibrate_steps)
    lower = (atoms.get_scaled_positions()[:, 2] % 1.0) < 0.5
    crystal_momenta = atoms.get_momenta()[lower]
    atoms.set_constraint(FixAtoms(mask=lower))
    Langevin(atoms, timestep_fs * units.fs, temperature_K=melt_factor * temperature_K, friction=0.02 / units.fs,
             fixcm=False, rng=rng).run(melt_steps)
    atoms.set_constraint()
    momenta = atoms.get_momenta()
    momenta[lower] = crystal_momenta                   # the fixed half's were zeroed: give back its thermal motion
    atoms.set_momenta(momenta)
    _dynamics(atoms, temperature_K, timestep_fs, bulk_modulus_GPa, mask=(0, 0, 1)).run(settle_steps)
    atoms.info["lattice_constant"] = _lateral_lattice_constant(atoms, crystal)
    lower, upper = half_order(atoms, atoms.info["lattice_constant"])
    if not _two_phases((lower, upper), 0.4, 0.35):
        raise RuntimeError(f"not two phases: crystalline order {lower:.2f} below, {upper:.2f} above (a crystal near "
                           f"its melting point gives about 0.7, a liquid about 0.1); raise melt_factor or melt_steps")
    return atoms


@dataclass
class CoexistenceRun:
    """Outcome of :func:`coexistence_run`: the mean temperature of the kept part of the run (K) and its standard
    error, the temperature along the run (K) at ``time_ps``, the total energy per atom along it (eV; constant but
    for the barostat's work and the integrator's error), the crystalline order of the lower and upper half at the
    end, and the largest extrapolation grade (nan if not monitored)."""

    temperature_K: float
    error_K: float
    start_K: float
    temperatures_K: np.ndarray
    total_energy_per_atom: np.ndarray
    time_ps: np.ndarray
    final_order: tuple[float, float]
    max_grade: float = float("nan")

    def block_means(self, block_ps: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """``(time_ps, temperature_K)``: the temperature averaged over successive blocks of ``block_ps``, at their
        midpoints (the samples of an incomplete last block are left out)."""
        per_block = max(int(round(block_ps / (self.time_ps[1] - self.time_ps[0]))), 1)
        whole = len(self.temperatures_K) // per_block * per_block
        means = self.temperatures_K[:whole].reshape(-1, per_block).mean(axis=1)
        return (np.arange(len(means)) + 0.5) * per_block * (self.time_ps[1] - self.time_ps[0]), means


def coexistence_run(two_phase: Atoms, calculator, *, steps: int = 10000, timestep_fs: float = 2.0,
                    sample_every: int = 10, keep_fraction: float = 0.5, block_ps: float = 1.0,
                    bulk_modulus_GPa: float = 76.0, grade_model=None, gamma_break: float = 5.0,
                    grade_every: int = 50) -> CoexistenceRun:
    r"""Run ``two_phase`` (from :func:`coexistence_cell`, velocities kept) at constant enthalpy and zero pressure
    along z, and average its temperature over the last ``keep_fraction`` of the run. The standard error is that of
    the means of blocks of ``block_ps`` (successive samples are correlated; blocks of 1 ps are longer than the
    correlation time of the temperature, though not of the slow relaxation to :math:`T_m`, which is why runs from
    different starting temperatures are compared). Raises if a phase was consumed (:func:`half_order` of the lower
    half below 0.15: about a fifth of it still crystal; or of the upper half above 0.5: most of it crystallized): the run started too far from :math:`T_m`.

    With ``grade_model`` (an :class:`~matsci_ml.active_learning.grade.ActiveSet` of the MTP in ``calculator``), the
    extrapolation grade is checked every ``grade_every`` steps and the run stops with
    :class:`~matsci_ml.active_learning.exploration.ExtrapolationBreak` above ``gamma_break`` (mlip-2's production
    setting: select and break both at 5, no learning); ``max_grade`` records the largest grade seen.
    """
    if "lattice_constant" not in two_phase.info:
        raise ValueError("two_phase lacks info['lattice_constant'] (Å), which the order of each half needs: build it "
                         "with coexistence_cell")
    atoms = two_phase.copy()
    atoms.calc = fresh_calculator(calculator)
    dynamics = _dynamics(atoms, 0.0, timestep_fs, bulk_modulus_GPa, mask=(0, 0, 1), thermostat=False)
    temperatures, energies = [], []

    def record():
        temperatures.append(atoms.get_temperature())
        energies.append(atoms.get_total_energy() / len(atoms))

    dynamics.attach(record, interval=sample_every)
    monitor = None
    if grade_model is not None:
        from matsci_ml.active_learning.exploration import GradeMonitor

        monitor = GradeMonitor(grade_model, atoms, gamma_select=gamma_break, gamma_break=gamma_break)
        dynamics.attach(monitor, interval=grade_every)
    dynamics.run(steps)
    temperature = np.array(temperatures)
    time_ps = np.arange(len(temperature)) * sample_every * timestep_fs / 1000
    kept = temperature[int((1 - keep_fraction) * len(temperature)):]
    per_block = max(int(round(block_ps * 1000 / (sample_every * timestep_fs))), 1)
    blocks = kept[: len(kept) // per_block * per_block].reshape(-1, per_block).mean(axis=1)
    if len(blocks) < 3:
        raise ValueError(f"the kept part of the run holds {len(blocks)} blocks of {block_ps} ps; run longer")
    order = half_order(atoms, two_phase.info["lattice_constant"])
    if not _two_phases(order, 0.15, 0.5):                 # less than ~1/5 of the lower half crystal, or of the upper liquid
        raise RuntimeError(f"a phase was consumed (crystalline order {order[0]:.2f} below, {order[1]:.2f} above): "
                           f"the run started at {temperature[0]:.0f} K and ended at {kept[-per_block:].mean():.0f} K; "
                           f"start nearer the melting point (from above: a liquid undercooled by a few tens of K "
                           f"crystallizes within ps in a cell whose lateral size fits the crystal)")
    max_grade = float(max(monitor.grades)) if monitor is not None and monitor.grades else float("nan")
    return CoexistenceRun(float(kept.mean()), float(blocks.std(ddof=1) / np.sqrt(len(blocks))), float(temperature[0]),
                          temperature, np.array(energies), time_ps, order, max_grade)


@dataclass
class MeltingPoint:
    """:math:`T_m` (K) and its standard error (1σ), from coexistence runs."""

    temperature_K: float
    error_K: float
    runs: list


def melting_point(runs) -> MeltingPoint:
    r""":math:`T_m` as the mean of the runs' temperatures; its error combines their statistical errors with their
    scatter, :math:`\sigma^2 = \sum_i \sigma_i^2 / n^2 + s^2/n` (:math:`s` the sample standard deviation of the
    runs: a run that has not relaxed to :math:`T_m` shows up as scatter between runs from different starts)."""
    runs = list(runs)
    if len(runs) < 2:
        raise ValueError("give at least two runs, started at different temperatures")
    values = np.array([r.temperature_K for r in runs])
    errors = np.array([r.error_K for r in runs])
    variance = np.sum(errors**2) / len(runs) ** 2 + values.var(ddof=1) / len(runs)
    return MeltingPoint(float(values.mean()), float(np.sqrt(variance)), runs)


def melting_scenarios(crystal: Atoms, liquid: Atoms, solid_K=(300, 600, 900), liquid_K=(900, 1200, 1500), *,
                      steps: int = 1000, seed: int = 0) -> list:
    """The MLIP paper's learning scenarios for a melting point: zero-pressure NPT MD
    (:class:`~matsci_ml.active_learning.exploration.NPTExploration`) of ``crystal`` at each of ``solid_K`` and of
    ``liquid`` (e.g. a short oracle MD far above the melting point) at each of ``liquid_K``, ``steps`` of 2 fs each:
    the crystal, the liquid and their densities up to and beyond :math:`T_m`, for one
    :class:`~matsci_ml.active_learning.loop.ActiveLearningLoop` to run at once."""
    from matsci_ml.active_learning.exploration import NPTExploration

    runs = [NPTExploration(crystal, temperature_K=t, steps=steps, seed=seed + i, name=f"crystal {t} K")
            for i, t in enumerate(solid_K)]
    return runs + [NPTExploration(liquid, temperature_K=t, steps=steps, seed=seed + 10 + i, name=f"liquid {t} K")
                   for i, t in enumerate(liquid_K)]


def plot_coexistence(runs: dict, reference=None, ax=None):
    """Temperature (K) against time (ps) of coexistence runs, ``{label: (time_ps, temperatures_K)}``, with
    ``reference = (T_m, error, label)`` drawn as a band of ±1σ."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    for label, (time_ps, temperatures_K) in runs.items():
        ax.plot(time_ps, temperatures_K, lw=1, label=label)
    if reference is not None:
        value, error, label = reference
        ax.axhspan(value - error, value + error, color="0.6", alpha=0.5, label=f"{label}: {value:.0f} ± {error:.0f} K")
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("temperature (K)")
    ax.legend(fontsize=8)
    return ax


def load_al_melting(path=AL_MELTING_RESULTS) -> dict:
    """The shipped results of ``datasets/melting/al_melting.py``: the learning phase's counts (``"learning"``), the
    melting point with EMT and with the learned MTP (``"emt"``, ``"mtp"``: ``melting_point_K``, ``error_K``, one entry
    per run with its temperature per ps), the learning cost at several selection thresholds (``"thresholds"``) and the
    settings and machine."""
    return json.loads(path.read_text())


def load_al_short_runs(path=AL_SHORT_RUNS) -> dict:
    """The shipped results of ``datasets/melting/al_short_runs.py``: lesson 07's learning phase for several seeds
    (``"learning"``), then its short coexistence run (``start_K``, ``steps``) for several seeds with each learned
    potential, one entry per pair of seeds in ``"runs"`` (a run that consumed a phase has ``"failed"`` instead of a
    temperature), and the mean and sample standard deviation (1σ) of the runs' temperatures (``mean_K``,
    ``std_K``): the spread a single run of the lesson is checked against."""
    return json.loads(path.read_text())


__all__ = ["AL_MELTING_RESULTS", "AL_SHORT_RUNS", "CoexistenceRun", "MeltingPoint", "coexistence_cell", "coexistence_run", "half_order",
           "load_al_melting", "load_al_short_runs", "melting_point",
           "melting_scenarios", "plot_coexistence"]
