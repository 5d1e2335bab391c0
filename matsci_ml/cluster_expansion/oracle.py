"""Energies of lattice configurations from an ASE calculator (EMT standing in for DFT), cached on disk.

The quantity a binary cluster expansion fits is the mixing (formation) energy per site,

.. math:: \\Delta E(\\sigma) = \\frac{E(\\sigma)}{N} - x\\,\\varepsilon_A - (1 - x)\\,\\varepsilon_B ,

where :math:`x` is the fraction of species A (the +1 species), and :math:`\\varepsilon_A`,
:math:`\\varepsilon_B` are the energies per atom of the relaxed pure elements on the same lattice.
:math:`\\Delta E < 0` means the configuration is more stable than the phase-separated elements.

Three levels of relaxation (``relax``):

``"none"``
    ideal lattice positions at the Vegard's-law lattice constant :math:`a(x) = x a_A + (1-x) a_B`;
``"volume"``
    ideal positions, volume relaxed (the lattice scaled isotropically to the energy minimum);
``"full"``
    cell shape, volume and positions relaxed (``FrechetCellFilter`` + BFGS to 5 meV/A).

The relaxations are :func:`matsci_ml.atomistic.relax.relax`; the oracle is any ASE calculator or factory
(:mod:`matsci_ml.atomistic.oracle`), and the label cache is keyed by :func:`~matsci_ml.atomistic.oracle.oracle_key`
(its class and parameters). In every case the cluster expansion uses the *ideal* configuration: relaxations
belong to the energy.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.calculators.emt import EMT
from scipy.optimize import minimize_scalar

from matsci_ml.atomistic.hull import formation_energy
from matsci_ml.atomistic.oracle import fresh_calculator, oracle_key
from matsci_ml.parallel import as_executor
from matsci_ml.atomistic.relax import relax as relax_structure
from matsci_ml.paths import atomic_write_text

RELAX_MODES = ("none", "volume", "full")


@dataclass
class TrainingSet:
    """Labelled configurations.

    Attributes
    ----------
    structures : list of ase.Atoms
        Ideal-lattice configurations (what the cluster expansion sees).
    concentration : ndarray
        :math:`x`, fraction of the first species.
    energy_per_atom : ndarray
        Oracle energy per atom, eV/atom.
    mixing_energy : ndarray
        :math:`\\Delta E`, eV/site.
    species, relax, references
        The two elements, the relaxation mode, and the pure-element energies (eV/atom) and lattice
        constants (A) used as references.
    """

    structures: list
    concentration: np.ndarray
    energy_per_atom: np.ndarray
    mixing_energy: np.ndarray
    species: tuple
    relax: str
    references: dict

    def __len__(self) -> int:
        return len(self.structures)


def _relaxed_energy(atoms: Atoms, relax: str, oracle) -> float:
    return relax_structure(atoms.copy(), fresh_calculator(oracle), mode=relax, fmax=0.005, steps=500).energy_per_atom


#: atoms in the cubic cell of each parent lattice
ATOMS_PER_CUBIC_CELL = {"fcc": 4, "bcc": 2, "sc": 1}


def _lattice_constant_guess(element: str, lattice: str) -> float:
    """Cubic lattice constant (A) of ``element`` on ``lattice``: ASE's reference value where ``lattice`` is the
    element's own structure, else the one that keeps the volume per atom of its reference state (Cu on bcc,
    Mo on fcc)."""
    from ase.data import atomic_numbers, reference_states

    if lattice not in ATOMS_PER_CUBIC_CELL:
        raise ValueError(f"lattice must be one of {sorted(ATOMS_PER_CUBIC_CELL)}, got {lattice!r}")
    state = reference_states[atomic_numbers[element]] or {}
    if state.get("symmetry") == lattice:     # from the primitive cell, as the labels of the shipped cache were made
        primitive_to_cubic = {"fcc": np.sqrt(2), "bcc": 2 / np.sqrt(3), "sc": 1.0}[lattice]
        return float(bulk(element, lattice).cell.lengths()[0] * primitive_to_cubic)
    reference = bulk(element)
    return float((ATOMS_PER_CUBIC_CELL[lattice] * reference.get_volume() / len(reference)) ** (1 / 3))


def pure_element_references(species, lattice: str = "fcc", oracle=EMT) -> dict:
    """Relaxed lattice constant (A) and energy per atom (eV) of each pure element on ``lattice``."""
    references = {}
    for element in species:
        guess = _lattice_constant_guess(element, lattice)
        atoms = bulk(element, lattice, a=guess)
        atoms.calc = fresh_calculator(oracle)

        def energy(a):
            atoms.set_cell(bulk(element, lattice, a=a).get_cell(), scale_atoms=True)
            return atoms.get_potential_energy()

        result = minimize_scalar(energy, bounds=(0.85 * guess, 1.2 * guess), method="bounded", options={"xatol": 1e-6})
        references[element] = {"lattice_constant": float(result.x), "energy_per_atom": float(result.fun)}
    return references


def _cache_key(atoms: Atoms, relax: str, oracle_name: str) -> str:
    text = json.dumps([oracle_name, relax, atoms.get_chemical_symbols(),
                       np.round(atoms.get_cell()[:], 5).tolist(), np.round(atoms.get_positions(), 5).tolist()])
    return hashlib.sha1(text.encode()).hexdigest()


def _read_cache(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"the label cache {path} is not valid JSON ({error}); delete it to recompute the labels") from None


def _write_cache(path: Path, cache: dict) -> None:
    atomic_write_text(path, json.dumps(cache, indent=0, sort_keys=True))   # a crash never leaves half a cache


def label_structures(structures, species, *, relax: str = "volume", oracle=EMT, lattice: str = "fcc",
                     cache: str | os.PathLike | None = None, progress: bool = False, executor=None) -> TrainingSet:
    """Label ideal-lattice configurations with ``oracle`` (default EMT); returns a :class:`TrainingSet`.

    Parameters
    ----------
    structures : list of ase.Atoms
        Configurations on the ideal parent lattice (e.g. from :func:`enumerate_structures`).
    species : pair of str
        The two elements; :math:`x` counts the first.
    relax : {"none", "volume", "full"}
        See the module docstring.
    oracle : ASE calculator, or a callable returning one
        A class such as ``EMT`` works (:mod:`matsci_ml.atomistic.oracle`).
    cache : path, optional
        JSON file of energies already computed (keyed by the oracle's class and parameters, the relaxation
        and the structure);
        missing entries are computed and the file is rewritten atomically every 50 new labels and at
        the end, so an interrupted run resumes where it stopped.
    progress : bool
        Show a progress bar.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where the missing labels are computed (default: in this process; :mod:`matsci_ml.parallel`). All are
        submitted at once and collected in order; the cache is written as they arrive.
    """
    if relax not in RELAX_MODES:
        raise ValueError(f"relax must be one of {RELAX_MODES}, got {relax!r}")
    species = tuple(species)
    references = pure_element_references(species, lattice, oracle)
    name = oracle_key(oracle)
    a_first, a_second = (references[s]["lattice_constant"] for s in species)
    cache_path = Path(cache) if cache is not None else None
    stored = _read_cache(cache_path) if cache_path else {}
    concentration, keys, missing = [], [], {}
    for atoms in structures:
        symbols = np.array(atoms.get_chemical_symbols())
        unknown = sorted(set(symbols) - set(species))
        if unknown:
            raise ValueError(f"a structure contains {', '.join(unknown)}; the species are {species}")
        x = float(np.mean(symbols == species[0]))
        # start every relaxation from Vegard's law, scaled from the structure's own lattice constant
        reference_a = bulk(species[0], lattice, a=1.0).get_volume() ** (1 / 3)
        current_a = (atoms.get_volume() / len(atoms)) ** (1 / 3) / reference_a
        scaled = atoms.copy()
        scaled.set_cell(atoms.get_cell() * (x * a_first + (1 - x) * a_second) / current_a, scale_atoms=True)
        key = _cache_key(scaled, relax, name)
        if key not in stored:
            missing.setdefault(key, scaled)
        concentration.append(x)
        keys.append(key)
    pool = as_executor(executor)
    futures = {key: pool.submit(_relaxed_energy, scaled, relax, oracle) for key, scaled in missing.items()}
    bar = None
    if progress and futures:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(futures), desc=f"{name.split()[0]} labels ({relax})", unit="structure")
    for added, (key, future) in enumerate(futures.items(), start=1):
        stored[key] = future.result()
        if bar is not None:
            bar.update(1)
        if cache_path and added % 50 == 0:   # long runs lose at most 50 labels if interrupted
            _write_cache(cache_path, stored)
    if bar is not None:
        bar.close()
    if cache_path and futures:
        _write_cache(cache_path, stored)
    energies = [stored[key] for key in keys]
    concentration, energies = np.array(concentration), np.array(energies)
    mixing = formation_energy(concentration, energies, *(references[s]["energy_per_atom"] for s in species))
    return TrainingSet(list(structures), concentration, energies, mixing, species, relax, references)
