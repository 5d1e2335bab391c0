"""Exercises of lesson 10, universal potentials."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="10.shift-cancels",
    prompt=("A per-element shift adds mu_Ag = +0.30 eV/atom and mu_Pd = -0.20 eV/atom to a model's energies. By "
            "how much (eV) does it change (a) the total energy of a 5-atom Ag3Pd2 cell, (b) the formation energy per "
            "atom of Ag3Pd2 from fcc Ag and fcc Pd computed with the same model, (c) the force on any atom (eV/Å)? "
            "Answer {'total': ..., 'formation': ..., 'force': ...}."),
    hint=("The formation energy subtracts x * E(Ag)/atom + (1 - x) * E(Pd)/atom, which carry the same shifts; a "
          "constant per atom does not depend on positions."),
    solution_code='''answer = {"total": 3 * 0.30 + 2 * (-0.20), "formation": 0.0, "force": 0.0}''',
    compare=numbers_close(1e-6),
))
