"""Exercises of lesson 07, active learning by D-optimality."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="07.grade-by-hand",
    prompt=("An MTP with two linear parameters has the active set A with rows (2, 0) and (1, 1). A new configuration "
            "has the row b = (3, 2). Compute c = b A^-1, the grade gamma = max |c_j|, and say whether the potential "
            "extrapolates there. Answer {'c1': ..., 'c2': ..., 'gamma': ..., 'extrapolating': True/False}."),
    hint="A^-1 = [[0.5, 0], [-0.5, 1]]; c is the row vector b times that matrix. Extrapolation means gamma > 1.",
    solution_code='''import numpy as np
A = np.array([[2.0, 0.0], [1.0, 1.0]])
c = np.array([3.0, 2.0]) @ np.linalg.inv(A)
answer = {"c1": c[0], "c2": c[1], "gamma": np.abs(c).max(), "extrapolating": bool(np.abs(c).max() > 1)}''',
    compare=numbers_close(1e-9),
))

register(Exercise(
    id="07.det-factor",
    prompt=("Swapping active row j for a new row b multiplies |det A| by |c_j|, where c = b A^-1. With A and b of the "
            "previous exercise, which active row (0 or 1) should b replace to enlarge the active set's volume most, and "
            "what is |det A| after the swap? Answer {'row': ..., 'det': ...}."),
    hint="|det A| = 2 before the swap; the factor is the larger of |c1| and |c2|.",
    solution_code='''import numpy as np
A = np.array([[2.0, 0.0], [1.0, 1.0]])
b = np.array([3.0, 2.0])
c = b @ np.linalg.inv(A)
row = int(np.argmax(np.abs(c)))
swapped = A.copy()
swapped[row] = b
answer = {"row": row, "det": abs(np.linalg.det(swapped))}''',
    compare=numbers_close(1e-9),
))

register(Exercise(
    id="07.max-selected",
    prompt=("Selection never returns more configurations than the active set has rows: the number of linear "
            "parameters, the moment coefficients plus one energy per species. How many is that for a level-10 MTP of "
            "Cu-Pt (two species)? Answer {'m': ...}."),
    hint="len(MomentBasis(10)) basis functions, plus 2 species energies.",
    solution_code='''from matsci_ml.mtp import MomentBasis
answer = {"m": len(MomentBasis(10)) + 2}''',
    compare=numbers_close(0),
))
