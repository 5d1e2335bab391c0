"""Elemental property tables of the Magpie set (Ward et al., npj Comput. Mater. 2, 16028 (2016)).

The numbers are matminer's copy of the Magpie tables, read through ``MagpieData``, so our
features and matminer's use the same data. They are arranged as one array indexed by atomic
number, so that features of thousands of compositions are a few array operations.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pymatgen.core import Element

#: The 22 properties of matminer's ``ElementProperty.from_preset("magpie")``, in its order.
MAGPIE_PROPERTIES = (
    "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
    "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence",
    "NsUnfilled", "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa",
    "GSbandgap", "GSmagmom", "SpaceGroupNumber",
)

#: Units of the properties (Magpie's documentation); blank where dimensionless.
MAGPIE_UNITS = {
    "AtomicWeight": "g/mol", "MeltingT": "K", "CovalentRadius": "pm", "Electronegativity": "Pauling",
    "GSvolume_pa": "A^3/atom", "GSbandgap": "eV", "GSmagmom": "mu_B/atom",
}

MAX_Z = 118


def feature_unit(feature_name: str) -> str:
    """Unit of a composition feature, for axis labels: ``"pm"``, ``"electrons/atom"``..., ``""`` when dimensionless.

    >>> feature_unit("MagpieData mean CovalentRadius"), feature_unit("avg d valence electrons"), feature_unit("0-norm")
    ('pm', 'electrons/atom', '')
    """
    if feature_name.startswith("avg "):
        return "electrons/atom"
    if feature_name.startswith("MagpieData"):
        stat, prop = feature_name.split()[1], feature_name.split()[-1]
        if "Valence" in prop or "Unfilled" in prop:
            return "electrons/atom" if stat == "mean" else "electrons"
        return MAGPIE_UNITS.get(prop, "")
    return ""


@lru_cache(maxsize=2)
def magpie_table(impute_nan: bool = True) -> np.ndarray:
    """Array ``T[Z, k]`` of property ``MAGPIE_PROPERTIES[k]`` for atomic number ``Z`` (row 0 unused).

    Parameters
    ----------
    impute_nan : bool
        Policy for an element without data for a property. ``True`` (matminer's default): use the
        mean of that property over the elements that have data. ``False``: keep NaN, so every
        statistic that involves the element is NaN.
    """
    from matminer.utils.data import MagpieData

    source = MagpieData(impute_nan=impute_nan)
    table = np.full((MAX_Z + 1, len(MAGPIE_PROPERTIES)), np.nan)
    for k, prop in enumerate(MAGPIE_PROPERTIES):
        values = source.all_elemental_props[prop]
        for z in range(1, MAX_Z + 1):
            table[z, k] = values[Element.from_Z(z).symbol]
    table.setflags(write=False)
    return table
