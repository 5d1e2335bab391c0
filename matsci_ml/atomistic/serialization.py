"""Atoms ⇄ JSON-ready dict, with the labels: the one serialisation of configurations the library uses.

``atoms_as_dict`` keeps ``numbers``, ``positions``, ``cell``, ``pbc``, every ``info`` entry (arrays
included, in ASE's own ``{"__ndarray__": [shape, dtype, values]}`` encoding of :mod:`ase.io.jsonio`)
and, when a calculator holds them, the energy (eV), forces (eV/Å) and stress (eV/Å³, Voigt or 3×3 as
stored). Floats round-trip exactly (JSON writes the shortest repr that reads back to the same double).
``atoms_from_dict`` rebuilds the configuration with a ``SinglePointCalculator`` holding the labels.
"""

from __future__ import annotations

import json

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import jsonio

#: Labels kept from ``atoms.calc.results``.
LABELS = ("energy", "forces", "stress")


def _plain(value):
    """``value`` as plain JSON types (arrays tagged the way :mod:`ase.io.jsonio` tags them)."""
    return json.loads(jsonio.encode(value))


def atoms_as_dict(atoms: Atoms) -> dict:
    """JSON-ready dict of a configuration, its ``info`` (arrays kept) and its labels."""
    out = {"numbers": atoms.numbers.tolist(), "positions": atoms.positions.tolist(),
           "cell": np.array(atoms.cell).tolist(), "pbc": atoms.pbc.tolist(), "info": _plain(dict(atoms.info))}
    results = atoms.calc.results if atoms.calc is not None else {}
    for name in LABELS:
        if name in results:
            out[name] = np.asarray(results[name]).tolist() if name != "energy" else float(results[name])
    return out


def atoms_from_dict(data: dict) -> Atoms:
    """The inverse of :func:`atoms_as_dict`; raises ``ValueError`` naming what is missing or malformed."""
    try:
        atoms = Atoms(data["numbers"], data["positions"], cell=data["cell"], pbc=data["pbc"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a configuration written by atoms_as_dict ({type(error).__name__}: {error}); it needs "
                         f"numbers, positions, cell and pbc") from None
    atoms.info.update(jsonio.decode(json.dumps(data.get("info", {}))))
    results = {name: (float(data[name]) if name == "energy" else np.array(data[name], dtype=float))
               for name in LABELS if name in data}
    if results:
        atoms.calc = SinglePointCalculator(atoms, **results)
    return atoms


__all__ = ["atoms_as_dict", "atoms_from_dict"]
