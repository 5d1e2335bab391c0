"""Training sets in extended XYZ, from any code: energies, forces and stresses as ASE ``Atoms`` with a
``SinglePointCalculator``, the same form as :func:`~matsci_ml.data.mlearn.load_mlearn` gives.

ASE's reader attaches the labels only under the names it knows (``energy`` in the comment line, a per-atom
``forces`` column, ``stress``); many published sets name the force column ``force`` (GAP's and NequIP's examples)
or store a ``virial``, and ASE 3.29 then leaves them in ``atoms.arrays`` / ``atoms.info``, where a trainer's
``get_forces()`` does not look. This loader moves them onto the calculator, with units and signs stated:
energies in eV, forces in eV/Å, stress in eV/Å³ with ASE's sign (tension positive), a virial
:math:`W = -\\sigma V` in eV.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.stress import full_3x3_to_voigt_6_stress

ENERGY_KEYS = ("energy", "Energy", "total_energy", "free_energy", "dft_energy")
FORCE_KEYS = ("forces", "force", "Forces", "dft_forces", "dft_force")


def load_extxyz(path: Path | str, index: str | int = ":", *, energy_key: str | None = None,
                forces_key: str | None = None) -> list[Atoms]:
    """Read an extended-XYZ training set: one ``Atoms`` per frame with its energy (eV), forces (eV/Å) and, where
    given, stress (eV/Å³, ASE sign) on a ``SinglePointCalculator``.

    ``energy_key`` and ``forces_key`` name the info entry and the per-atom column; by default the first of
    :data:`ENERGY_KEYS` and :data:`FORCE_KEYS` present. A ``stress`` (6 Voigt or 9 values) or ``virial`` (9 values,
    eV) entry gives the stress. Raises ``ValueError`` naming the frame and what it holds when a frame has no energy
    or no forces.
    """
    from ase.io import read

    path = Path(path)
    frames = read(path, index=index, format="extxyz")
    frames = frames if isinstance(frames, list) else [frames]
    for k, atoms in enumerate(frames):
        results = dict(atoms.calc.results) if atoms.calc is not None else {}
        energy = _pop_first(atoms.info, (energy_key,) if energy_key else ENERGY_KEYS)
        if energy is not None:
            results["energy"] = float(energy)
        forces = _pop_first(atoms.arrays, (forces_key,) if forces_key else FORCE_KEYS)
        if forces is not None:
            results["forces"] = np.asarray(forces, dtype=float).reshape(len(atoms), 3)
        stress = _stress(atoms)
        if stress is not None:
            results["stress"] = stress
        missing = [name for name in ("energy", "forces") if name not in results]
        if missing:
            raise ValueError(f"{path}, frame {k}: no {' and no '.join(missing)} (info keys: {sorted(atoms.info)}, "
                             f"per-atom columns: {sorted(atoms.arrays)}); name them with energy_key= / forces_key=")
        atoms.calc = SinglePointCalculator(atoms, **results)
    return frames


def _pop_first(mapping: dict, keys) -> object:
    for key in keys:
        if key in mapping:
            return mapping.pop(key)
    return None


def _stress(atoms: Atoms) -> np.ndarray | None:
    """Voigt stress (eV/Å³, ASE sign) from an info ``stress`` or ``virial`` entry, else ``None``."""
    if "stress" in atoms.info:
        value = np.asarray(atoms.info.pop("stress"), dtype=float).ravel()
        return value if value.size == 6 else full_3x3_to_voigt_6_stress(value.reshape(3, 3))
    if "virial" in atoms.info:
        virial = np.asarray(atoms.info.pop("virial"), dtype=float).reshape(3, 3)
        return full_3x3_to_voigt_6_stress(-virial / atoms.get_volume())
    return None


__all__ = ["ENERGY_KEYS", "FORCE_KEYS", "load_extxyz"]
