"""The mlearn DFT data of Zuo et al., J. Phys. Chem. A 124, 731 (2020), as ASE ``Atoms``.

Each record holds a pymatgen ``Structure`` and the PBE (VASP) outputs: total energy in eV,
forces in eV/A, and ``virial_stress`` in kBar in VASP's order ``[xx, yy, zz, xy, yz, zx]`` with
compression positive. ASE wants stress in eV/A^3, Voigt order ``[xx, yy, zz, yz, xz, xy]`` and
tension positive, so the conversion (done once, here) is

.. math:: \\sigma^{\\mathrm{ASE}} = -0.1\\,\\mathrm{GPa/kBar} \\times \\sigma^{\\mathrm{VASP}}.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.units import GPa
from pymatgen.core import Structure
from pymatgen.io.ase import AseAtomsAdaptor

from matsci_ml.data.catalogue import verified_path

MLEARN_ELEMENTS = ("Mo", "Si", "Ge", "Li")
MLEARN_SPLITS = ("training", "test")

#: VASP virial order [xx, yy, zz, xy, yz, zx] -> ASE Voigt order [xx, yy, zz, yz, xz, xy]
_VASP_TO_ASE_VOIGT = np.array([0, 1, 2, 4, 5, 3])
KBAR_TO_EV_PER_A3 = 0.1 * GPa


def vasp_kbar_to_ase_stress(virial_kbar: np.ndarray) -> np.ndarray:
    """Convert VASP stress (kBar, compressive positive, VASP order) to ASE's (eV/A^3, Voigt)."""
    virial_kbar = np.asarray(virial_kbar, dtype=float)
    if virial_kbar.shape != (6,):
        raise ValueError(f"expected 6 stress components, got shape {virial_kbar.shape}")
    return -KBAR_TO_EV_PER_A3 * virial_kbar[_VASP_TO_ASE_VOIGT]


def load_mlearn(element: str | None = None, split: str = "training", root: Path | None = None, *,
                path: Path | str | None = None) -> list[Atoms]:
    """Load one mlearn set as a list of ASE ``Atoms`` with energies, forces and stresses attached.

    Parameters
    ----------
    element : {"Mo", "Si", "Ge", "Li"}, or any element with ``path``
        The course's catalogue holds these four; with ``path``, ``element`` (optional) is checked against the
        structures (mlearn also has Cu and Ni).
    split : {"training", "test"}
    root : Path, optional
        Data folder (default ``$MATSCI_ML_DATA``).
    path : Path or str, optional
        Any mlearn-format JSON file (a list of records with ``structure`` and ``outputs``: ``energy`` in eV,
        ``forces`` in eV/Å, ``virial_stress`` in kBar in VASP's order), read as it is, instead of the catalogue's.

    Returns
    -------
    list of ase.Atoms
        ``atoms.get_potential_energy()`` (eV), ``get_forces()`` (eV/A) and ``get_stress()``
        (eV/A^3, ASE sign) come from a ``SinglePointCalculator``; ``atoms.info`` keeps
        ``group``, ``description`` and ``tag`` of the record.

    Examples
    --------
    >>> frames = load_mlearn("Mo", "test")  # doctest: +SKIP
    >>> len(frames)
    23
    """
    if path is not None:
        frames = _read_records(Path(path))
        if element is not None:
            others = sorted({s for atoms in frames for s in atoms.get_chemical_symbols()} - {element})
            if others:
                raise ValueError(f"{path} holds {', '.join(others)}, not only {element}: wrong file or element?")
        return frames
    if element not in MLEARN_ELEMENTS:
        raise ValueError(f"Unknown mlearn element {element!r}; the course's catalogue has "
                         f"{', '.join(MLEARN_ELEMENTS)}; for another mlearn file pass path=...")
    if split not in MLEARN_SPLITS:
        raise ValueError(f"Unknown mlearn split {split!r}; choose 'training' or 'test'.")
    verified, _ = verified_path(f"mlearn_{element}_{split}", root)
    return _read_records(verified)


def _read_records(path: Path) -> list[Atoms]:
    if not path.is_file():
        raise FileNotFoundError(f"no mlearn file at {path}")
    try:
        records = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON ({error}); mlearn files are JSON lists of records") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) and {"structure", "outputs"} <= set(r)
                                                 for r in records):
        raise ValueError(f"{path} is not in mlearn's format: a JSON list of records with 'structure' and 'outputs'")
    adaptor = AseAtomsAdaptor()
    frames = []
    for record in records:
        atoms = adaptor.get_atoms(Structure.from_dict(record["structure"]))
        outputs = record["outputs"]
        atoms.calc = SinglePointCalculator(
            atoms,
            energy=float(outputs["energy"]),
            forces=np.asarray(outputs["forces"], dtype=float),
            stress=vasp_kbar_to_ase_stress(outputs["virial_stress"]),
        )
        atoms.info.update({key: record.get(key) for key in ("group", "description", "tag")})
        frames.append(atoms)
    return frames
