"""Read and write mlip-2's ``.cfg`` training-set format (configurations with energies, forces and stresses).

One configuration is a block::

    BEGIN_CFG
     Size
        2
     Supercell
        3.16  0.00  0.00            (one lattice vector per line, Å; absent for a molecule)
        ...
     AtomData:  id type  cartes_x  cartes_y  cartes_z  fx  fy  fz        (Å, eV/Å; or direct_x ...)
                 1    0  0.0  0.0  0.0  0.01  0.0  0.0
     Energy
        -21.4                                           (total energy, eV)
     PlusStress:  xx  yy  zz  yz  xz  xy
        0.12  0.12  0.12  0.0  0.0  0.0                 (virial, eV: minus stress times volume)
     Feature   EFS_by  VASP                             (free key-value text)
    END_CFG

mlip-2 stores **types**, not elements: type ``i`` is the ``i``-th species of the potential (the order in the ``.mtp``
file; ours records it in the ``potential_tag`` line). So both functions take ``species``, the element of type 0 first.
``PlusStress`` is the virial :math:`-\\sigma V` with ASE's sign of the stress :math:`\\sigma` (tensile positive), in
the order xx yy zz yz xz xy. Numbers are written with the shortest decimal that reads back to the same float64, without
an exponent, so a round trip keeps positions, cell, energies and forces bit for bit; the stress passes through the
virial and comes back to within 2 ulp.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.stress import full_3x3_to_voigt_6_stress

from matsci_ml.paths import atomic_write_text

#: mlip-2's order of the virial components
VIRIAL_ORDER = ("xx", "yy", "zz", "yz", "xz", "xy")


class CFGFileError(ValueError):
    """A malformed ``.cfg`` file or a configuration that cannot be written; the message says where and why."""


def _number(x: float) -> str:
    return np.format_float_positional(float(x), unique=True, trim="0")


def _row(values, width: int = 24) -> str:
    return "".join(" " + f"{_number(v):>{width - 1}}" for v in values)     # a space always: tiny numbers are long


def _feature_text(key, value) -> str:
    text = str(value)
    if not str(key) or any(c.isspace() for c in str(key)) or "\n" in text:
        raise CFGFileError(f"feature {key!r}: the key must be one word and the value one line")
    return f" Feature   {key}\t{text}"


def write_cfg(frames, path, species, *, features: bool = True) -> None:
    """Write ``frames`` (ASE ``Atoms``, labelled or not) to ``path`` in mlip-2's ``.cfg`` format, atomically.

    ``species``: element symbols in type order (type 0 first), as in the potential's ``.mtp`` file. The energy, forces
    and stress of each frame's calculator are written when present (stress only for a periodic cell); ``features``
    writes ``atoms.info`` as ``Feature key value`` lines (mlip-2 carries them along, e.g. ``EFS_by VASP``).
    """
    if isinstance(frames, Atoms):
        frames = [frames]
    species = [str(s) for s in species]
    if len(set(species)) != len(species) or not species:
        raise CFGFileError(f"species must list each element once, type 0 first; got {species}")
    blocks = []
    for k, atoms in enumerate(frames):
        unknown = sorted(set(atoms.get_chemical_symbols()) - set(species))
        if unknown:
            raise CFGFileError(f"configuration {k} holds {', '.join(unknown)}, not among species {species}: "
                               "add it (its type is its position in the list)")
        results = atoms.calc.results if atoms.calc is not None else {}
        periodic = bool(np.all(atoms.pbc))
        if np.any(atoms.pbc) and not periodic:
            raise CFGFileError(f"configuration {k} is periodic along some axes only (pbc={atoms.pbc.tolist()}); "
                               "mlip-2's .cfg holds a full 3D cell or none")
        lines = ["BEGIN_CFG", " Size", f"{len(atoms):>8d}"]
        if periodic:
            lines += [" Supercell"] + ["    " + _row(vector) for vector in atoms.cell[:]]
        columns = ["cartes_x", "cartes_y", "cartes_z"] + (["fx", "fy", "fz"] if "forces" in results else [])
        lines.append(" AtomData:  id type" + "".join(f"{c:>24}" for c in columns))
        types = [species.index(s) for s in atoms.get_chemical_symbols()]
        forces = results.get("forces")
        for i, position in enumerate(atoms.positions):
            values = list(position) + (list(forces[i]) if forces is not None else [])
            lines.append(f"{i + 1:>12d}{types[i]:>5d}" + _row(values))
        if "energy" in results:
            lines += [" Energy", "    " + _number(results["energy"])]
        if "stress" in results and periodic:
            stress = np.asarray(results["stress"], dtype=float)
            if stress.shape == (3, 3):
                stress = full_3x3_to_voigt_6_stress(stress)
            lines += [" PlusStress:" + "".join(f"{c:>24}" for c in VIRIAL_ORDER), "    " + _row(-stress * atoms.get_volume())]
        if features:
            lines += [_feature_text(key, value) for key, value in atoms.info.items()]
        lines += ["END_CFG", ""]
        blocks.append("\n".join(lines))
    atomic_write_text(path, "\n".join(blocks))


def _parse_feature(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class _Lines:
    def __init__(self, path: Path):
        self.path, self.lines, self.i = path, path.read_text().splitlines(), 0

    def next(self, what: str) -> str:
        if self.i >= len(self.lines):
            raise CFGFileError(f"{self.path}: the file ends inside a configuration, expected {what}")
        self.i += 1
        return self.lines[self.i - 1]

    def error(self, message: str) -> CFGFileError:
        return CFGFileError(f"{self.path}, line {self.i}: {message}")


def _read_block(lines: _Lines, species) -> Atoms:
    size, cell, data, columns, energy, virial, info = None, None, None, None, None, None, {}
    while True:
        line = lines.next("END_CFG")
        words = line.split()
        if not words:
            continue
        head = words[0]
        if head == "END_CFG":
            break
        if head == "Size":
            size = int(lines.next("the number of atoms").split()[0])
        elif head in ("Supercell", "SuperCell"):
            cell = []
            while len(cell) < 3 and lines.i < len(lines.lines) and _is_row(lines.lines[lines.i], 3):
                cell.append([float(w) for w in lines.next("a lattice vector").split()])
            if len(cell) != 3:
                raise lines.error(f"a Supercell of {len(cell)} vectors (periodic along some axes only) is not read here")
        elif head in ("AtomData:", "Atomic_data:"):
            if size is None:
                raise lines.error("AtomData before Size")
            columns = words[1:]
            rows = []
            for _ in range(size):
                words = lines.next("an atom row").split()
                if len(words) != len(columns):
                    raise lines.error(f"an atom row of {len(words)} numbers under {len(columns)} columns")
                try:
                    rows.append([float(w) for w in words])
                except ValueError:
                    raise lines.error("an atom row that is not numbers") from None
            data = np.array(rows).reshape(size, len(columns))
        elif head == "Energy":
            energy = float(lines.next("the energy").split()[0])
        elif head == "PlusStress:":
            keys = words[1:]
            values = [float(w) for w in lines.next("the virial").split()]
            if sorted(keys) != sorted(VIRIAL_ORDER) or len(values) != 6:
                raise lines.error(f"PlusStress needs the six components {' '.join(VIRIAL_ORDER)}")
            virial = dict(zip(keys, values))
        elif head == "Feature":
            key, value = (line.split(None, 2)[1:] + [""])[:2]       # the value: the rest of the line
            info[key] = _parse_feature(value.strip())
        else:
            raise lines.error(f"unknown section {head!r}")
    if data is None:
        raise lines.error("a configuration without AtomData")
    index = {c: j for j, c in enumerate(columns)}
    types = data[:, index["type"]].astype(int)
    if types.min() < 0 or types.max() >= len(species):
        raise lines.error(f"type {types.max()} but only {len(species)} species {list(species)}: pass species= "
                          "with one element per type, type 0 first (the order of the potential's .mtp file)")
    symbols = [species[t] for t in types]
    if all(c in index for c in ("cartes_x", "cartes_y", "cartes_z")):
        atoms = Atoms(symbols, positions=data[:, [index["cartes_x"], index["cartes_y"], index["cartes_z"]]],
                      cell=cell, pbc=cell is not None)
    elif all(c in index for c in ("direct_x", "direct_y", "direct_z")) and cell is not None:
        atoms = Atoms(symbols, scaled_positions=data[:, [index["direct_x"], index["direct_y"], index["direct_z"]]],
                      cell=cell, pbc=True)
    else:
        raise lines.error("AtomData needs cartes_x/y/z, or direct_x/y/z with a Supercell")
    results = {}
    if energy is not None:
        results["energy"] = results["free_energy"] = energy
    if all(c in index for c in ("fx", "fy", "fz")):
        results["forces"] = data[:, [index["fx"], index["fy"], index["fz"]]]
    if virial is not None and cell is not None:
        results["stress"] = -np.array([virial[c] for c in VIRIAL_ORDER]) / atoms.get_volume()
    if "nbh_grades" in index:
        atoms.arrays["nbh_grades"] = data[:, index["nbh_grades"]]
    atoms.info.update(info)
    if results:
        atoms.calc = SinglePointCalculator(atoms, **results)
    return atoms


def _is_row(line: str, n: int) -> bool:
    words = line.split()
    try:
        [float(w) for w in words]
    except ValueError:
        return False
    return len(words) == n


def read_cfg(path, species) -> list[Atoms]:
    """Every configuration of the mlip-2 ``.cfg`` file ``path``, as ASE ``Atoms`` with a single-point calculator.

    ``species``: element symbols in type order (type 0 first). Energies (eV), forces (eV/Å) and the stress (eV/Å³,
    from ``PlusStress``) become the calculator's results; ``Feature`` lines go to ``atoms.info`` (numbers parsed,
    ``MV_grade`` among them); a per-atom ``nbh_grades`` column goes to ``atoms.arrays``.
    """
    lines = _Lines(Path(path))
    frames = []
    while lines.i < len(lines.lines):
        line = lines.next("BEGIN_CFG").strip()
        if line == "BEGIN_CFG":
            frames.append(_read_block(lines, list(species)))
        elif line:
            raise lines.error(f"expected BEGIN_CFG, found {line[:40]!r}")
    return frames


__all__ = ["CFGFileError", "VIRIAL_ORDER", "read_cfg", "write_cfg"]
