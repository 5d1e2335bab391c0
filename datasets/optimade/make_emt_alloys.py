"""Generate the course's own OPTIMADE dataset: EMT-relaxed elements and ordered binary alloys.

The local OPTIMADE reference server of lesson 01 serves this file when there is no network
or no Materials Project key. Every number in it is computed here, with ASE's EMT potential
standing in for DFT (EMT is a fast effective-medium model fitted to Al, Ni, Cu, Pd, Ag, Pt, Au;
it is *not* DFT, and the file says so in every entry).

For each element: fcc, bcc and hcp (ideal c/a). For each of the 21 pairs: L1_0 (AB),
L1_2 (A3B and AB3) and B2 (AB). Each cell is relaxed (positions and cell, FrechetCellFilter +
BFGS, fmax 1e-3 eV/A), then we record

- energy per atom (eV/atom),
- formation energy per atom relative to the relaxed fcc elements (eV/atom),
- energy above the convex hull of this dataset (eV/atom, pymatgen ``PhaseDiagram``),
- volume per atom (A^3/atom) and bulk modulus (GPa, Birch-Murnaghan fit over +-4 % volume),
- the space group (spglib through pymatgen).

Run from the repository root (about 30 s on 2 cores)::

    python datasets/optimade/make_emt_alloys.py

It writes ``datasets/optimade/emt_alloys.jsonl`` in the OPTIMADE JSON Lines format
(a header line, then one ``structures`` entry per line).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.eos import EquationOfState
from ase.filters import FrechetCellFilter
from ase.optimize import BFGS
from ase.units import GPa
from optimade.adapters.structures.pymatgen import from_pymatgen
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.io.ase import AseAtomsAdaptor
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

ELEMENTS = ("Al", "Ni", "Cu", "Pd", "Ag", "Pt", "Au")
# EMT's own fcc lattice constants are close to these experimental ones; relaxation fixes the rest.
A_FCC = {"Al": 4.05, "Ni": 3.52, "Cu": 3.61, "Pd": 3.89, "Ag": 4.09, "Pt": 3.92, "Au": 4.08}
OUT = Path(__file__).with_name("emt_alloys.jsonl")
LAST_MODIFIED = "2026-11-22T00:00:00Z"  # fixed, so the file is reproducible byte for byte


def _cubic_cell(symbols: list[str], a: float, fractional: list[tuple[float, float, float]]) -> Atoms:
    return Atoms(symbols, scaled_positions=fractional, cell=[a, a, a], pbc=True)


def prototypes(a: str, b: str) -> dict[str, Atoms]:
    """Ordered binary prototypes of elements ``a`` and ``b`` with a Vegard's-law lattice guess."""
    a0 = 0.5 * (A_FCC[a] + A_FCC[b])
    fcc4 = [(0, 0, 0), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)]
    l10 = Atoms([a, b], scaled_positions=[(0, 0, 0), (0.5, 0.5, 0.5)],
                cell=[a0 / np.sqrt(2), a0 / np.sqrt(2), a0], pbc=True)
    return {
        "L1_0": l10,
        "L1_2:A3B": _cubic_cell([b, a, a, a], a0, fcc4),
        "L1_2:AB3": _cubic_cell([a, b, b, b], a0, fcc4),
        "B2": _cubic_cell([a, b], a0 / 2 ** (1 / 3), [(0, 0, 0), (0.5, 0.5, 0.5)]),
    }


def elemental(el: str) -> dict[str, Atoms]:
    a = A_FCC[el]
    return {
        "fcc": bulk(el, "fcc", a=a),
        "bcc": bulk(el, "bcc", a=a * (0.5 ** (1 / 3))),
        "hcp": bulk(el, "hcp", a=a / np.sqrt(2), c=a / np.sqrt(2) * np.sqrt(8 / 3)),
    }


def relax(atoms: Atoms) -> Atoms:
    atoms = atoms.copy()
    atoms.calc = EMT()
    BFGS(FrechetCellFilter(atoms), logfile=None).run(fmax=1e-3, steps=500)
    return atoms


def bulk_modulus_gpa(atoms: Atoms) -> float:
    volumes, energies = [], []
    cell0 = atoms.get_cell()
    for scale in np.linspace(0.96, 1.04, 9) ** (1 / 3):
        strained = atoms.copy()
        strained.set_cell(cell0 * scale, scale_atoms=True)
        strained.calc = EMT()
        volumes.append(strained.get_volume())
        energies.append(strained.get_potential_energy())
    eos = EquationOfState(volumes, energies, eos="birchmurnaghan")
    _, _, b = eos.fit()
    return float(b / GPa)


def main() -> None:
    candidates: list[tuple[str, Atoms]] = []
    for el in ELEMENTS:
        candidates += [(f"{el}-{name}", atoms) for name, atoms in elemental(el).items()]
    for a, b in itertools.combinations(ELEMENTS, 2):
        candidates += [(f"{a}{b}-{name}", atoms) for name, atoms in prototypes(a, b).items()]

    relaxed = [(label, relax(atoms)) for label, atoms in candidates]
    energy_pa = {label: atoms.get_potential_energy() / len(atoms) for label, atoms in relaxed}
    reference = {el: energy_pa[f"{el}-fcc"] for el in ELEMENTS}

    adaptor = AseAtomsAdaptor()
    pd_entries, records = [], []
    for label, atoms in relaxed:
        structure = adaptor.get_structure(atoms)
        composition = structure.composition
        e_form = energy_pa[label] - sum(
            composition.get_atomic_fraction(el) * reference[el.symbol] for el in composition.elements
        )
        pd_entries.append(PDEntry(composition, energy_pa[label] * len(atoms), name=label))
        records.append((label, atoms, structure, e_form))
    hull = PhaseDiagram(pd_entries)

    with open(OUT, "w") as out:
        out.write(json.dumps({"x-optimade": {"meta": {"api_version": "1.1.0"}}}) + "\n")
        for index, ((label, atoms, structure, e_form), entry) in enumerate(zip(records, pd_entries)):
            attributes = from_pymatgen(structure).model_dump(mode="json", exclude_none=True)
            attributes["species"] = sorted(attributes["species"], key=lambda s: s["name"])
            attributes["last_modified"] = LAST_MODIFIED
            attributes.update({
                "_msml_prototype": label.split("-", 1)[1].split(":")[0],
                "_msml_energy_per_atom": round(energy_pa[label], 6),
                "_msml_formation_energy_per_atom": round(e_form, 6),
                "_msml_energy_above_hull": round(max(hull.get_e_above_hull(entry), 0.0), 6),
                "_msml_volume_per_atom": round(atoms.get_volume() / len(atoms), 5),
                "_msml_bulk_modulus": round(bulk_modulus_gpa(atoms), 2),
                "_msml_space_group": SpacegroupAnalyzer(structure, symprec=1e-3).get_space_group_symbol(),
                "_msml_method": "ASE EMT (effective medium theory), stand-in for DFT; relaxed",
            })
            line = {"type": "structures", "id": f"msml-{index + 1}", "attributes": attributes}
            out.write(json.dumps(line, sort_keys=True) + "\n")
    print(f"wrote {len(records)} structures to {OUT}")


if __name__ == "__main__":
    main()
