"""Exercises of lesson 08, NequIP and committees."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="08.feature-size",
    prompt=("A NequIP layer with l_max = 1 and 16 features per irrep, with parity, holds the irreps "
            "16x0e + 16x0o + 16x1o + 16x1e. An irrep of order l has 2l + 1 components. How many numbers describe "
            "one atom at that layer? Answer {'n': ...}."),
    hint="16 x (1 + 1 + 3 + 3).",
    solution_code='''from e3nn import o3
answer = {"n": o3.Irreps("16x0e + 16x0o + 16x1o + 16x1e").dim}''',
    compare=numbers_close(0),
))

register(Exercise(
    id="08.rotated-force",
    prompt=("Rotate a structure by 90 degrees about z (x goes to y). An atom had the force (1.0, 0.0, 0.5) eV/A. What "
            "is its force in the rotated structure, and by how much does the total energy change? "
            "Answer {'fx': ..., 'fy': ..., 'fz': ..., 'dE': ...}."),
    hint="Forces are vectors: they rotate with the structure, F' = R F. The energy is a scalar.",
    solution_code='''import numpy as np
rotation = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
fx, fy, fz = rotation @ np.array([1.0, 0.0, 0.5])
answer = {"fx": fx, "fy": fy, "fz": fz, "dE": 0.0}''',
    compare=numbers_close(1e-9),
))
