"""Exercises of lesson 09, structure-based property models."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="09.prdf-size",
    prompt=("matminer's PartialRadialDistributionFunction keeps one histogram per unordered pair of elements "
            "(A-A included) that occurs in the data set, with bins of 0.5 Å up to a 10 Å cutoff. How many features "
            "does it give on matbench_phonons (64 elements), and on a data set with all 89 elements of the "
            "Materials Project? Answer {'phonons': ..., 'all': ...}."),
    hint="Unordered pairs with repetition of n elements: n (n + 1) / 2; bins: cutoff / bin size.",
    solution_code='''bins = round(10 / 0.5)
answer = {"phonons": 64 * 65 // 2 * bins, "all": 89 * 90 // 2 * bins}''',
    compare=numbers_close(0.5),
))
