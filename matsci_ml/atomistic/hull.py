"""Binary formation (mixing) energies and their lower convex hull: one implementation for the cluster
expansion (configurations on a lattice, eV/site) and active learning (relaxed structures, eV/atom).

The formation energy per atom of a configuration with a fraction :math:`x` of species A is

.. math:: \\Delta E = E/N - x\\,\\varepsilon_A - (1 - x)\\,\\varepsilon_B ,

with :math:`\\varepsilon` the energies per atom of the pure elements (the *references*). On a fixed
lattice, with the pure elements relaxed on that lattice, it is the *mixing* energy per site.

A configuration is a ground state if no mixture of other configurations with the same average
composition has a lower energy: it lies on the lower convex hull of :math:`(x, \\Delta E)`. Points
above the hull would phase-separate into the hull structures at the ends of their segment; the
vertical distance to the hull is the energy of that decomposition. The hull is built with
pymatgen's :class:`~pymatgen.analysis.phase_diagram.PhaseDiagram`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase.data import atomic_numbers
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition


def formation_energy(concentration, energy_per_atom, reference_first: float, reference_second: float) -> np.ndarray:
    """:math:`\\Delta E = E/N - x\\,\\varepsilon_A - (1-x)\\,\\varepsilon_B` (eV/atom) for fractions ``concentration``
    of the first species, given the references' energies per atom (eV/atom)."""
    x = np.asarray(concentration, dtype=float)
    return np.asarray(energy_per_atom, dtype=float) - x * reference_first - (1 - x) * reference_second


def formation_energies(structures, energy_per_atom, species) -> tuple[np.ndarray, np.ndarray]:
    """``(x, formation energy per atom in eV)``, ``x`` the fraction of ``species[0]``; the pure elements'
    references are the lowest energies per atom at x = 0 and x = 1 among the structures."""
    first, second = (s if isinstance(s, int) else atomic_numbers[s] for s in species)
    if not all(set(a.numbers) <= {first, second} for a in structures):
        raise ValueError(f"every structure must hold only {species[0]} and {species[1]}")
    x = np.array([np.mean(a.numbers == first) for a in structures])
    energy = np.asarray(energy_per_atom, dtype=float)
    if not (np.any(x == 1) and np.any(x == 0)):
        raise ValueError("the candidates must include both pure elements (x = 0 and x = 1) as references")
    return x, formation_energy(x, energy, np.nanmin(energy[x == 1]), np.nanmin(energy[x == 0]))


@dataclass
class ConvexHull:
    """Lower convex hull of formation (mixing) energies.

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


def hull_disagreement(reference: ConvexHull, model: ConvexHull) -> tuple[float, float]:
    """How far two hulls over the same structures disagree, each judged by the other's energies (eV/atom):
    the largest distance, in the reference's energies, of a model vertex above the reference hull, and the
    largest distance, in the model's energies, of a reference vertex above the model hull. Both are 0 when the
    hulls have the same vertices; both small means any differing vertex is a near-degenerate one."""
    return (float(reference.energy_above_hull[model.ground_states].max()),
            float(model.energy_above_hull[reference.ground_states].max()))


__all__ = ["ConvexHull", "convex_hull", "formation_energies", "formation_energy", "hull_disagreement"]
