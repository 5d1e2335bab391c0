"""Exercises of lesson 02, compositional features."""

from __future__ import annotations

from typing import Any

import numpy as np

from matsci_ml.exercises import Exercise, register


def _close(tolerance: float):
    def compare(answer: Any, reference: float, **_: Any) -> tuple[bool, str]:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return False, "Answer with a number."
        if abs(value - reference) <= tolerance:
            return True, f"{value:.4f} is right."
        return False, f"{value:.4f} is off by {value - reference:+.4f}."
    return compare


register(Exercise(
    id="02.fe2o3-electronegativity",
    prompt=("Compute by hand the composition-weighted mean Pauling electronegativity of Fe2O3 "
            "(Fe: 1.83, O: 3.44). Answer with a number."),
    hint="Weights are atomic fractions: Fe is 2 of 5 atoms, O is 3 of 5.",
    solution_code='''from pymatgen.core import Composition
fe2o3 = Composition("Fe2O3")
answer = sum(fe2o3.get_atomic_fraction(el) * el.X for el in fe2o3.elements)  # 0.4*1.83 + 0.6*3.44''',
    compare=_close(1e-3),
))


def _same_feature(answer: Any, reference: str, *, features, target, **_: Any) -> tuple[bool, str]:
    if answer not in features.columns:
        return False, f"{answer!r} is not a column of the feature table."
    r_answer = abs(np.corrcoef(features[answer], target)[0, 1])
    r_best = abs(np.corrcoef(features[reference], target)[0, 1])
    if r_answer >= r_best - 1e-9:  # several columns can tie (e.g. two names for the same quantity)
        return True, f"{answer!r} has |r| = {r_answer:.3f}, the largest."
    return False, f"{answer!r} has |r| = {r_answer:.3f}; another feature reaches {r_best:.3f}."


register(Exercise(
    id="02.best-correlated-feature",
    prompt=("Which single feature has the largest absolute Pearson correlation with the experimental "
            "band gap? Answer with its column name; check with ex.check(answer, features=features, target=gaps)."),
    hint="DataFrame.corrwith(Series) gives one correlation per column; take abs() and idxmax().",
    solution_code='''answer = features.corrwith(target).abs().idxmax()''',
    compare=_same_feature,
    context_names=("features", "target"),
))
