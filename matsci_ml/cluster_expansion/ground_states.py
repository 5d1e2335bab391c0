"""Ground states of a cluster expansion: the table of the hull's vertices with their space groups.

The hull itself (:func:`~matsci_ml.atomistic.hull.convex_hull`, mixing energy in eV/site against
composition) is the atomistic layer's, shared with active learning; it is re-exported here.
"""

from __future__ import annotations

from matsci_ml.atomistic.hull import ConvexHull, convex_hull

__all__ = ["ConvexHull", "convex_hull", "ground_state_table", "space_group"]


def space_group(atoms, symprec: float = 1e-5) -> str:
    """International symbol and number of a structure's space group, e.g. ``"I4/mmm (139)"`` (spglib)."""
    import spglib

    return spglib.get_spacegroup((atoms.cell[:], atoms.get_scaled_positions(), atoms.numbers), symprec=symprec)


def ground_state_table(hull: ConvexHull, structures, concentration, mixing_energy, *, reference: ConvexHull | None = None):
    """A pandas table of the hull's ground states: x, index, formula, space group, mixing energy (meV/site).

    With ``reference`` (e.g. the oracle's hull) a column gives each one's distance to that hull, meV/site.
    """
    import pandas as pd

    rows = []
    for i in hull.ground_states:
        atoms = structures[i]
        row = {"x": round(float(concentration[i]), 3), "structure": int(i), "formula": atoms.get_chemical_formula(),
               "space group": space_group(atoms), "ΔE (meV/site)": round(1000 * float(mixing_energy[i]), 1)}
        if reference is not None:
            row["above the reference hull (meV/site)"] = round(1000 * float(reference.energy_above_hull[i]), 2)
        rows.append(row)
    return pd.DataFrame(rows)
