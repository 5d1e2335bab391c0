"""Implementation exercises of lesson 02: Magpie statistics and valence-electron fractions."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, compare_dicts, implement

# elements with Magpie data for every property used below
_ELEMENTS = ("Li", "B", "C", "N", "O", "F", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "K", "Ca", "Ti", "V", "Cr", "Mn",
             "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Sr", "Y", "Zr", "Nb", "Mo", "Ag", "Sn", "Sb",
             "Te", "Ba", "La", "Ce", "Nd", "Gd", "W", "Pt", "Au", "Pb", "Bi")


def _random_composition(rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    k = int(rng.integers(1, 6))
    symbols = list(rng.choice(_ELEMENTS, size=k, replace=False))
    amounts = rng.choice([0.5, 1.0, 1.0, 2.0, 3.0, 4.0, 0.25, 7.0], size=k)
    return [str(s) for s in symbols], amounts.astype(float)


def _formula(symbols, amounts) -> str:
    return "".join(f"{s}{a:g}" for s, a in zip(symbols, amounts))


@lru_cache(maxsize=1)
def _featurizer():
    from matsci_ml.features import CompositionFeaturizer

    featurizer = CompositionFeaturizer().fit(["FeO"])
    return featurizer, list(featurizer.get_feature_names_out())


def _magpie_values(symbols, prop: str) -> np.ndarray:
    from pymatgen.core import Element

    from matsci_ml.features.element_data import MAGPIE_PROPERTIES, magpie_table

    table = magpie_table(True)
    return np.array([table[Element(s).Z, MAGPIE_PROPERTIES.index(prop)] for s in symbols])


# -- 02.weighted-statistics ----------------------------------------------------------------------

_PROPERTIES = ("Electronegativity", "AtomicWeight", "MeltingT", "CovalentRadius", "Column", "NValence")


def _statistics_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        symbols, amounts = _random_composition(rng)
        prop = _PROPERTIES[k % len(_PROPERTIES)]
        cases.append({"amounts": amounts, "values": _magpie_values(symbols, prop),
                      "_formula": _formula(symbols, amounts), "_property": prop})
    return cases


def _verify_statistics(function, case) -> str | None:
    featurizer, names = _featurizer()
    features = featurizer.transform([case["_formula"]])[0]
    prop = case["_property"]
    expected = {stat: features[names.index(f"MagpieData {stat} {prop}")] for stat in ("mean", "avg_dev", "range")}
    got = function(case["amounts"].copy(), case["values"].copy())
    problem = compare_dicts(got, expected, atol=1e-9, rtol=1e-9)
    return f"{problem}\n  (composition {case['_formula']}, property {prop})" if problem else None


implement(
    id="02.weighted-statistics",
    prompt=("Write the three Magpie statistics of one elemental property for any composition: the composition-"
            "weighted mean, the average deviation from it, and the range. Checked on 24 random compositions "
            "against the library's CompositionFeaturizer (identical to matminer's Magpie preset)."),
    scaffold='''def weighted_statistics(amounts, values):
    """Magpie statistics of one elemental property over a composition.

    amounts : array (k,) -- amount of each element as written in the formula (Fe2O3: [2, 3])
    values  : array (k,) -- the property of each element (e.g. electronegativities [1.83, 3.44])
    Returns {"mean": ..., "avg_dev": ..., "range": ...}, the weights being atomic fractions.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def weighted_statistics(amounts, values):
    fractions = np.asarray(amounts, float) / np.sum(amounts)
    values = np.asarray(values, float)
    mean = np.sum(fractions * values)
    return {"mean": mean,
            "avg_dev": np.sum(fractions * np.abs(values - mean)),
            "range": values.max() - values.min()}''',
    hints=("Atomic fractions x_i = amount_i / sum(amounts); the mean is sum_i x_i v_i.",
           "The average deviation is weighted too, and uses the absolute value: sum_i x_i |v_i - mean| "
           "(not a standard deviation).",
           "The range ignores the amounts: max(values) - min(values)."),
    cases=_statistics_cases,
    verify=_verify_statistics,
)


# -- 02.valence-fractions ------------------------------------------------------------------------

_ORBITALS = ("s", "p", "d", "f")


def _valence_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for _ in range(24):
        symbols, amounts = _random_composition(rng)
        valence = np.column_stack([_magpie_values(symbols, f"N{o}Valence") for o in _ORBITALS])
        cases.append({"amounts": amounts, "valence": valence, "_formula": _formula(symbols, amounts)})
    return cases


def _verify_valence(function, case) -> str | None:
    featurizer, names = _featurizer()
    features = featurizer.transform([case["_formula"]])[0]
    expected = [features[names.index(f"frac {o} valence electrons")] for o in _ORBITALS]
    got = function(case["amounts"].copy(), case["valence"].copy())
    problem = compare_arrays(got, expected, atol=1e-9, rtol=1e-9, what="(frac s, frac p, frac d, frac f)")
    return f"{problem}\n  (composition {case['_formula']})" if problem else None


implement(
    id="02.valence-fractions",
    prompt=("Magpie's valence features: the fraction of the valence electrons that sit in s, p, d and f orbitals. "
            "Write valence_fractions() with Magpie's convention and compare with the library on 24 compositions."),
    scaffold='''def valence_fractions(amounts, valence):
    """Fractions of s, p, d and f valence electrons of a composition (Magpie's convention).

    amounts : array (k,)   -- amount of each element as written in the formula
    valence : array (k, 4) -- each element's numbers of s, p, d and f valence electrons
    Returns an array (4,) that sums to 1: composition-averaged s, p, d, f electrons divided by
    the composition-averaged total number of valence electrons.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def valence_fractions(amounts, valence):
    fractions = np.asarray(amounts, float) / np.sum(amounts)
    average = fractions @ np.asarray(valence, float)       # mean s, p, d, f electrons
    return average / average.sum()''',
    hints=("First the composition-weighted average of each column (s, p, d, f), with atomic fractions as weights.",
           "Then divide by their sum. Averaging each element's own fractions s_i / N_i is a different number: "
           "Magpie takes the ratio of the averages, not the average of the ratios.",
           "fractions @ valence gives the four averages in one product."),
    cases=_valence_cases,
    verify=_verify_valence,
)
