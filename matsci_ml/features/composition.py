"""Composition features: Magpie statistics, valence orbitals and stoichiometry, vectorised.

For a compound with element fractions :math:`x_i` and an elemental property :math:`p_i`,
the Magpie statistics (Ward et al. 2016) are

.. math::

    \\bar p = \\sum_i x_i p_i, \\qquad
    \\mathrm{avg\\_dev} = \\sum_i x_i |p_i - \\bar p|, \\qquad
    \\min_i p_i, \\; \\max_i p_i, \\; \\max - \\min,

and the *mode*, the property of the most abundant element (the smallest value on a tie).
Valence-orbital features are :math:`\\bar n_l` for l = s, p, d, f and the fractions
:math:`\\bar n_l / \\bar n_{\\mathrm{valence}}`; stoichiometric features are the number of
elements and the norms :math:`(\\sum_i x_i^p)^{1/p}` for p = 2, 3, 5, 7, 10.

The values equal matminer's ``ElementProperty.from_preset("magpie")``, ``ValenceOrbital()``
and ``Stoichiometry()`` (tested on every composition of matbench_expt_gap), with the column
names matminer uses.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import numpy as np
from pymatgen.core import Composition, Element
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from matsci_ml.features.element_data import MAGPIE_PROPERTIES, magpie_table

MAGPIE_STATS = ("minimum", "maximum", "range", "mean", "avg_dev", "mode")
ORBITALS = ("s", "p", "d", "f")
NORMS = (2, 3, 5, 7, 10)


def parse_compositions(formulas: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Atomic numbers and amounts of each composition, padded to the largest number of elements.

    Parameters
    ----------
    formulas : iterable of str or pymatgen Composition

    Returns
    -------
    z : ndarray of int, shape (n, k)
        Atomic numbers in the order pymatgen lists the elements; 0 marks padding.
    amounts : ndarray of float, shape (n, k)
        Amounts as written in the formula (not normalised); 0 for padding.

    Raises
    ------
    ValueError
        Naming the row and the formula, for anything that is not a composition of real elements
        with positive amounts.
    """
    parsed: list[list[tuple[int, float]]] = []
    formulas = list(formulas)
    if not formulas:
        raise ValueError("No formulas given: pass a list with at least one, e.g. ['FeO'].")
    for row, item in enumerate(formulas):
        parsed.append(_parse_one(row, item))
    width = max((len(p) for p in parsed), default=1)
    z = np.zeros((len(parsed), width), dtype=np.int64)
    amounts = np.zeros((len(parsed), width))
    for row, pairs in enumerate(parsed):
        for col, (number, amount) in enumerate(pairs):
            z[row, col], amounts[row, col] = number, amount
    return z, amounts


#: An element symbol and the amount written after it ("" when none), as in "Fe2O3" or "Ba0.5Sr0.5TiO3".
_WRITTEN_AMOUNT = re.compile(r"([A-Z][a-z]?)(\d*\.?\d+(?:[eE][-+]?\d+)?)?")


def _parse_one(row: int, item) -> list[tuple[int, float]]:
    how = ("Write formulas with element symbols as in the periodic table (case matters) and "
           "positive amounts, e.g. 'Fe2O3' or 'Ba0.5Sr0.5TiO3'.")
    if isinstance(item, Composition):
        composition = item
    elif isinstance(item, str):
        if not item.strip():
            raise ValueError(f"Row {row}: empty formula ''. {how}")
        try:
            composition = Composition(item)
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"Row {row}: invalid formula {item!r} ({error}). {how}") from None
        zero = [symbol for symbol, amount in _WRITTEN_AMOUNT.findall(item) if amount and float(amount) == 0]
        if zero:
            warnings.warn(f"Row {row}: formula {item!r} gives {', '.join(zero)} an amount of 0, so "
                          f"{'it is' if len(zero) == 1 else 'they are'} left out: the composition is "
                          f"{composition.formula!r}. Remove the element, or check the amount.", stacklevel=4)
    else:
        raise ValueError(f"Row {row}: expected a formula string or pymatgen Composition, "
                         f"got {type(item).__name__} {item!r}.")
    pairs = []
    for element, amount in composition.element_composition.items():
        if not isinstance(element, Element):
            raise ValueError(f"Row {row}: invalid formula {str(item)!r}: {element} is not an element. {how}")
        if not np.isfinite(amount):
            raise ValueError(f"Row {row}: invalid formula {str(item)!r}: amount of {element} is {amount} (too large "
                             f"to be a number of atoms). {how}")
        if not amount > 0:
            raise ValueError(f"Row {row}: invalid formula {str(item)!r}: amount of {element} is {amount}. {how}")
        pairs.append((element.Z, float(amount)))
    if not pairs:
        raise ValueError(f"Row {row}: formula {str(item)!r} contains no element. {how}")
    return pairs


def magpie_statistics(z: np.ndarray, amounts: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The six Magpie statistics of every property: shape (n, n_properties, 6), MAGPIE_STATS order."""
    present = z > 0
    values = table[z]                                   # (n, k, P); padding rows read table[0] (NaN)
    weights = amounts[:, :, None]
    total = amounts.sum(axis=1)[:, None]
    zeroed = np.where(present[:, :, None], values, 0.0)
    minimum = np.where(present[:, :, None], values, np.inf).min(axis=1)
    maximum = np.where(present[:, :, None], values, -np.inf).max(axis=1)
    mean = (zeroed * weights).sum(axis=1) / total
    avg_dev = (np.where(present[:, :, None], np.abs(values - mean[:, None, :]), 0.0) * weights).sum(axis=1) / total
    # mode: the property of the most abundant element; the smallest value on a tie
    # (matminer compares the raw amounts with np.isclose)
    top = np.isclose(amounts, amounts.max(axis=1, keepdims=True)) & present
    mode = np.where(top[:, :, None], values, np.inf).min(axis=1)
    return np.stack([minimum, maximum, maximum - minimum, mean, avg_dev, mode], axis=2)


class CompositionFeaturizer(TransformerMixin, BaseEstimator):
    """Magpie, valence-orbital and stoichiometric features of compositions (a scikit-learn transformer).

    Parameters
    ----------
    element_stats : bool
        The 132 Magpie statistics (22 properties x 6 statistics).
    valence : bool
        The 8 valence-orbital features.
    stoichiometry : bool
        Number of elements and the 2, 3, 5, 7, 10-norms of the fractions (6 features).
    impute_nan : bool
        Element without data for a property: ``True`` uses the property's mean over all elements
        with data (matminer's default); ``False`` gives NaN.

    Attributes
    ----------
    feature_names_out_ : ndarray of str
        Column names, as matminer labels them (e.g. ``"MagpieData mean Electronegativity"``).

    Examples
    --------
    >>> f = CompositionFeaturizer().fit(["FeO"])
    >>> X = f.transform(["FeO"])
    >>> names = list(f.get_feature_names_out())
    >>> round(float(X[0, names.index("MagpieData mean AtomicWeight")]), 3)
    35.922
    """

    def __init__(self, *, element_stats: bool = True, valence: bool = True, stoichiometry: bool = True,
                 impute_nan: bool = True):
        self.element_stats = element_stats
        self.valence = valence
        self.stoichiometry = stoichiometry
        self.impute_nan = impute_nan

    def fit(self, X, y=None):
        """Validate ``X`` and set the output names (nothing is learned from the data)."""
        _flatten(X)
        if not (self.element_stats or self.valence or self.stoichiometry):
            raise ValueError("All feature groups are switched off; enable at least one.")
        names = []
        if self.element_stats:
            names += [f"MagpieData {stat} {prop}" for prop in MAGPIE_PROPERTIES for stat in MAGPIE_STATS]
        if self.valence:
            names += [f"{kind} {orb} valence electrons" for kind in ("avg", "frac") for orb in ORBITALS]
        if self.stoichiometry:
            names += ["0-norm"] + [f"{p}-norm" for p in NORMS]
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> np.ndarray:
        """Features of every composition in ``X``: array of shape (n, len(feature_names_out_))."""
        check_is_fitted(self, "feature_names_out_")
        z, amounts = parse_compositions(_flatten(X))
        blocks = []
        stats = magpie_statistics(z, amounts, magpie_table(self.impute_nan))
        if self.element_stats:
            blocks.append(stats.reshape(len(z), -1))
        if self.valence:
            means = stats[:, :, MAGPIE_STATS.index("mean")]
            avg = np.stack([means[:, MAGPIE_PROPERTIES.index(f"N{o}Valence")] for o in ORBITALS], axis=1)
            blocks += [avg, avg / means[:, [MAGPIE_PROPERTIES.index("NValence")]]]
        if self.stoichiometry:
            fractions = amounts / amounts.sum(axis=1, keepdims=True)
            norms = [(fractions**p).sum(axis=1) ** (1.0 / p) for p in NORMS]
            blocks.append(np.column_stack([(z > 0).sum(axis=1).astype(float), *norms]))
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()


def _flatten(X) -> list:
    """Accept a list/array/Series of formulas, or a one-column 2-D array/DataFrame."""
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    if isinstance(X, (str, Composition)):
        raise ValueError("Pass a list of formulas, e.g. ['FeO'], not a single formula.")
    if isinstance(X, (list, tuple)) and any(isinstance(x, Composition) for x in X):
        return list(X)  # a Composition is itself iterable; keep numpy from unpacking it
    array = np.asarray(X, dtype=object)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"Expected a 1-D list of formulas (or one column), got shape {array.shape}.")
    return list(array)
