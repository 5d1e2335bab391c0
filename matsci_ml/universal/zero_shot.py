r"""Universal potentials on DFT data they were not trained on: errors raw, and after a per-element energy shift.

A universal model was trained on PBE(+U) energies of the Materials Project (VASP, PAW, its own pseudopotentials
and cutoffs). A data set computed with other DFT settings — mlearn (Zuo *et al.* 2020) used VASP with PBE, PAW,
a 520 eV cutoff and denser k-points — differs from it by a nearly constant energy per atom of each element (the
reference energy of the pseudopotential, the functional's atomic energy), which cancels in every force and every
energy *difference*. So the fair zero-shot comparison fits, on the **training** set only, one constant per element,

.. math::

    \min_{\mu}\; \sum_k \Big( \frac{E_k^\mathrm{DFT} - E_k^\mathrm{model}}{N_k} - \sum_Z x_{kZ}\, \mu_Z \Big)^2,

(:math:`x_{kZ}` the fraction of element :math:`Z` in configuration :math:`k`), and reports test errors of
:math:`E^\mathrm{model} + \sum_Z n_{kZ}\mu_Z`. Forces are unchanged by the shift.
"""

from __future__ import annotations

import time

import numpy as np

from matsci_ml.atomistic.metrics import error_metrics


def _predict(calculator, frames):
    energies, forces, seconds, atoms_total = [], [], 0.0, 0
    for frame in frames:
        atoms = frame.copy()
        atoms.calc = calculator
        start = time.perf_counter()
        energies.append(atoms.get_potential_energy())
        forces.append(atoms.get_forces())
        seconds += time.perf_counter() - start
        atoms_total += len(atoms)
    return np.array(energies), forces, seconds / atoms_total


def shift_by_least_squares(counts, energy_difference) -> np.ndarray:
    """The per-element constants :math:`\mu` (eV/atom) of the module docstring: ``counts`` (k, m) atoms of each of m
    elements in each of k configurations, ``energy_difference`` (k,) total :math:`E^\mathrm{DFT} - E^\mathrm{model}`
    (eV). Least squares on energies *per atom* (every configuration weighs the same, whatever its size)."""
    counts = np.asarray(counts, dtype=float)
    sizes = counts.sum(axis=1)
    mu, *_ = np.linalg.lstsq(counts / sizes[:, None], np.asarray(energy_difference, dtype=float) / sizes, rcond=None)
    return mu


def elemental_shift(calculator, training) -> dict[str, float]:
    """Per-element constants (eV/atom) that best map the model's energies onto the training set's (module docstring)."""
    elements = sorted({s for frame in training for s in frame.get_chemical_symbols()})
    predicted, _, _ = _predict(calculator, training)
    counts = np.array([[frame.get_chemical_symbols().count(e) for e in elements] for frame in training])
    difference = np.array([f.get_potential_energy() for f in training]) - predicted
    return dict(zip(elements, shift_by_least_squares(counts, difference).tolist()))


def zero_shot_errors(calculator, test, shift: dict[str, float] | None = None) -> dict[str, float]:
    """Energy (meV/atom) and force (eV/Å) RMSE and MAE of ``calculator`` on ``test`` (frames with DFT labels), with
    the per-element ``shift`` added to its energies when given; also ``seconds_per_atom`` of one energy+forces call."""
    predicted, forces, seconds_per_atom = _predict(calculator, test)
    if shift:
        predicted = predicted + np.array([sum(shift[s] for s in frame.get_chemical_symbols()) for frame in test])
    sizes = np.array([len(frame) for frame in test])
    energy_error = (predicted - np.array([frame.get_potential_energy() for frame in test])) / sizes
    force_error = np.concatenate([(f - frame.get_forces()).ravel() for f, frame in zip(forces, test)])
    return {**error_metrics(energy_error, force_error), "seconds_per_atom": seconds_per_atom}


def errors_by_group(calculator, test, shift: dict[str, float] | None = None):
    """Signed mean and MAE of the energy error (meV/atom) for each ``atoms.info["group"]`` of ``test`` (mlearn's
    groups: Elastic, Surface, Vacancy, AIMD-NVT...): a constant offset shows as equal signed means, a model that is
    too soft for hot, disordered configurations as a group whose error has the opposite sign."""
    import pandas as pd

    predicted, _, _ = _predict(calculator, test)
    if shift:
        predicted = predicted + np.array([sum(shift[s] for s in frame.get_chemical_symbols()) for frame in test])
    rows = [{"group": frame.info.get("group", "?"), "E_DFT (eV/atom)": frame.get_potential_energy() / len(frame),
             "error (meV/atom)": 1000 * (e - frame.get_potential_energy()) / len(frame)}
            for e, frame in zip(predicted, test)]
    table = pd.DataFrame(rows)
    return table.groupby("group").agg(configurations=("error (meV/atom)", "size"),
                                      mean_error_mev_per_atom=("error (meV/atom)", "mean"),
                                      mae_mev_per_atom=("error (meV/atom)", lambda e: np.abs(e).mean()),
                                      lowest_E_DFT=("E_DFT (eV/atom)", "min"), highest_E_DFT=("E_DFT (eV/atom)", "max"))


def seconds_per_atom_step(calculator, atoms, *, steps: int = 5, timestep_fs: float = 1.0) -> float:
    """Wall seconds per atom per velocity-Verlet MD step of ``calculator`` on ``atoms`` (one warm-up step first, not
    counted; a ratio between two calculators timed back to back is what to quote, not this absolute number)."""
    from ase import units
    from ase.md.verlet import VelocityVerlet

    from matsci_ml.atomistic.properties import thermalize

    hot = atoms.copy()
    hot.calc = calculator
    thermalize(hot, 300.0, rng=np.random.default_rng(0))
    dynamics = VelocityVerlet(hot, timestep_fs * units.fs)
    dynamics.run(1)
    start = time.perf_counter()
    dynamics.run(steps)
    return (time.perf_counter() - start) / (steps * len(hot))


#: Lesson 08's NequIP (trained on every 4th Mo training configuration for at most 60 s), for the comparison table.
LESSON08_NEQUIP = {"r_max": 5.0, "num_layers": 2, "l_max": 1, "num_features": 16, "radial_mlp_width": 32,
                   "max_epochs": 200, "max_time_s": 60, "batch_size": 2, "learning_rate": 0.02, "energy_weight": 30.0,
                   "seed": 0}
