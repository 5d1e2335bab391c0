"""Unit conversions, all from :mod:`ase.units` (CODATA 2014, the constants ASE itself uses).

ASE's internal units are eV, Å, and ``ase.units.fs`` for time; a stress is in eV/Å³.
"""

from __future__ import annotations

from ase.units import GPa, kB

#: Boltzmann's constant, eV/K (``ase.units.kB``).
KB_EV_PER_K: float = kB

#: 1 eV/Å³ in GPa (``1 / ase.units.GPa`` = 160.2177).
EV_PER_A3_TO_GPA: float = 1.0 / GPa

__all__ = ["EV_PER_A3_TO_GPA", "KB_EV_PER_K"]
