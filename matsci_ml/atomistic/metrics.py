"""Error metrics of an interatomic potential: the one definition the MTP, NequIP and active-learning code report.

Energy errors are per atom (meV/atom), force errors per Cartesian component (eV/Å), stress errors per
component of the 3×3 tensor (GPa, 9 per configuration as mlip-2 counts them); each as RMSE and MAE.
"""

from __future__ import annotations

import numpy as np

from matsci_ml.atomistic.units import EV_PER_A3_TO_GPA


def error_metrics(energy_error_ev_per_atom, force_error_ev_per_a, stress_error_ev_per_a3=None) -> dict[str, float]:
    """RMSE and MAE from prediction errors (predicted - reference).

    Parameters
    ----------
    energy_error_ev_per_atom : array, one per configuration (eV/atom)
    force_error_ev_per_a : array of force components, any shape (eV/Å)
    stress_error_ev_per_a3 : array of stress components (eV/Å³), optional; empty or ``None`` leaves stress out

    Returns keys ``energy_rmse_mev_per_atom``, ``energy_mae_mev_per_atom``, ``force_rmse_ev_per_a``,
    ``force_mae_ev_per_a`` and, with stresses, ``stress_rmse_gpa``, ``stress_mae_gpa``.
    """
    de = np.asarray(energy_error_ev_per_atom, dtype=float).ravel() * 1000.0
    df = np.asarray(force_error_ev_per_a, dtype=float).ravel()
    if de.size == 0:
        raise ValueError("no configurations to compute errors on")
    out = {"energy_rmse_mev_per_atom": float(np.sqrt(np.mean(de**2))), "energy_mae_mev_per_atom": float(np.mean(np.abs(de))),
           "force_rmse_ev_per_a": float(np.sqrt(np.mean(df**2))) if df.size else float("nan"),
           "force_mae_ev_per_a": float(np.mean(np.abs(df))) if df.size else float("nan")}
    if stress_error_ev_per_a3 is not None:
        ds = np.asarray(stress_error_ev_per_a3, dtype=float).ravel() * EV_PER_A3_TO_GPA
        if ds.size:
            out["stress_rmse_gpa"] = float(np.sqrt(np.mean(ds**2)))
            out["stress_mae_gpa"] = float(np.mean(np.abs(ds)))
    return out


def prediction_errors(calculator, frames) -> dict[str, float]:
    """:func:`error_metrics` of any ASE ``calculator`` on labelled ``frames`` (stress where a frame holds one)."""
    de, df, ds = [], [], []
    for atoms in frames:
        probe = atoms.copy()
        probe.calc = calculator
        de.append((probe.get_potential_energy() - atoms.get_potential_energy()) / len(atoms))
        df.append((probe.get_forces() - atoms.get_forces()).ravel())
        if atoms.calc is not None and "stress" in atoms.calc.results and atoms.pbc.all():
            ds.append((probe.get_stress(voigt=False) - atoms.get_stress(voigt=False)).ravel())
    return error_metrics(de, np.concatenate(df) if df else [], np.concatenate(ds) if ds else None)


__all__ = ["error_metrics", "prediction_errors"]
