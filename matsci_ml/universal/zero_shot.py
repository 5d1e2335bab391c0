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


def elemental_shift(calculator, training) -> dict[str, float]:
    """Per-element constants (eV/atom) that best map the model's energies onto the training set's (module docstring)."""
    elements = sorted({s for frame in training for s in frame.get_chemical_symbols()})
    predicted, _, _ = _predict(calculator, training)
    fractions = np.array([[frame.get_chemical_symbols().count(e) / len(frame) for e in elements] for frame in training])
    difference = np.array([f.get_potential_energy() for f in training]) - predicted
    per_atom = difference / np.array([len(f) for f in training])
    mu, *_ = np.linalg.lstsq(fractions, per_atom, rcond=None)
    return dict(zip(elements, mu.tolist()))


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
