"""Ground states of a binary alloy: the lower convex hull of mixing energy against composition.

A configuration is a ground state if no mixture of other configurations with the same average
composition has a lower energy: it lies on the lower convex hull of :math:`(x, \\Delta E)`. Points
above the hull would phase-separate into the hull structures at the ends of their segment; the
vertical distance to the hull is the energy of that decomposition (eV/site). The hull is built with
pymatgen's :class:`~pymatgen.analysis.phase_diagram.PhaseDiagram`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition


@dataclass
class ConvexHull:
    """Lower convex hull of mixing energies.

    Attributes
    ----------
    ground_states : ndarray of int
        Indices of the configurations on the hull, sorted by concentration (one per vertex).
    concentration, mixing_energy : ndarray
        The hull's vertices.
    energy_above_hull : ndarray
        Distance of every configuration above the hull, eV/site (0 on it).
    """

    ground_states: np.ndarray
    concentration: np.ndarray
    mixing_energy: np.ndarray
    energy_above_hull: np.ndarray


def convex_hull(concentration, mixing_energy, tolerance: float = 1e-6) -> ConvexHull:
    """Lower hull of ``mixing_energy`` (eV/site) against ``concentration`` (fraction of ``species[0]``).

    The pure elements are always vertices: at the energies given for x = 0 and x = 1 where the data hold
    them (a fitted expansion need not predict exactly 0 there), otherwise at 0.
    """
    x = np.asarray(concentration, dtype=float)
    energy = np.asarray(mixing_energy, dtype=float)
    if x.shape != energy.shape or x.ndim != 1:
        raise ValueError("concentration and mixing_energy must be 1-D arrays of the same length")
    if np.any((x < 0) | (x > 1)):
        raise ValueError("concentrations must lie in [0, 1]")
    first, second = "Cu", "Pt"   # pymatgen needs element symbols; any two serve, they only label entries
    entries = [PDEntry(Composition({first: xi, second: 1 - xi}), e) for xi, e in zip(x, energy)]
    terminal = [PDEntry(Composition({first: 1.0}), float(energy[x == 1].min()) if np.any(x == 1) else 0.0),
                PDEntry(Composition({second: 1.0}), float(energy[x == 0].min()) if np.any(x == 0) else 0.0)]
    diagram = PhaseDiagram(entries + terminal)
    above = np.array([diagram.get_e_above_hull(entry, allow_negative=True) for entry in entries])
    on_hull = np.flatnonzero(above < tolerance)
    # one configuration per vertex: the lowest at that composition
    vertices: dict[float, int] = {}
    for i in on_hull:
        key = round(float(x[i]), 8)
        if key not in vertices or energy[i] < energy[vertices[key]]:
            vertices[key] = int(i)
    ground = np.array([vertices[k] for k in sorted(vertices)], dtype=int)
    return ConvexHull(ground, x[ground], energy[ground], np.maximum(above, 0.0))


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
