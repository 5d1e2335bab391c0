"""Derivative-structure enumeration against Hart & Forcade's published counts."""

from __future__ import annotations

import numpy as np
import pytest
import spglib
from ase.build import bulk

from matsci_ml.cluster_expansion import ClusterSpace, count_structures, distinct_superlattices, enumerate_structures

# Hart & Forcade, Phys. Rev. B 77, 224115 (2008): fcc/bcc superlattices and binary structures, N = 2..9
SUPERLATTICES = [2, 3, 7, 5, 10, 7, 20, 14]
STRUCTURES = [2, 3, 12, 14, 50, 52, 229, 252]


@pytest.mark.parametrize("lattice", ["fcc", "bcc"])
def test_counts_match_hart_and_forcade(lattice):
    primitive = bulk("Cu", lattice, a=3.6)
    assert [len(distinct_superlattices(primitive, n)) for n in range(2, 10)] == SUPERLATTICES
    assert [count_structures(primitive, n) for n in range(2, 10)] == STRUCTURES


def test_structures_are_distinct_and_primitive():
    primitive = bulk("Cu", "fcc", a=3.6)
    structures = enumerate_structures(primitive, range(1, 7), ("Cu", "Pt"))
    assert len(structures) == 2 + 2 + 6 + 19 + 28 + 80
    space = ClusterSpace(primitive, {2: 9.0, 3: 5.2, 4: 3.7}, ("Cu", "Pt"))
    fingerprints = {tuple(np.round(space.correlations(s), 8)) for s in structures}
    # structures with identical correlations out to these cutoffs would be duplicates; none are
    assert len(fingerprints) == len(structures)
    for atoms in structures:   # no structure has a smaller primitive cell than its size
        cell = (atoms.cell[:], atoms.get_scaled_positions(), atoms.numbers)
        primitive_cell = spglib.find_primitive(cell, symprec=1e-5)
        assert len(primitive_cell[2]) == len(atoms) or len(set(atoms.numbers)) == 1


def test_bad_input():
    with pytest.raises(ValueError, match="one-atom"):
        enumerate_structures(bulk("Cu", "fcc", a=3.6, cubic=True), [2], ("Cu", "Pt"))
    with pytest.raises(ValueError, match="1..12"):
        enumerate_structures(bulk("Cu", "fcc", a=3.6), [20], ("Cu", "Pt"))
