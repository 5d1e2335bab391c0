"""The Cu-Pt system of lessons 04 and 05: parent lattice, cluster space and the shipped EMT labels."""

from __future__ import annotations

from ase import Atoms
from ase.build import bulk

from matsci_ml.paths import SHIPPED_DATA_DIR

#: EMT energies of the 631 fcc Cu-Pt derivative structures with up to 8 atoms (made by
#: datasets/cluster_expansion/make_cupt_emt.py); label_structures reads and extends it.
CUPT_LABELS = SHIPPED_DATA_DIR / "cluster_expansion" / "CuPt_fcc_emt.json"

#: Lattice constant of the ideal parent lattice, A: the mean of EMT's Cu (3.590) and Pt (3.922).
CUPT_LATTICE_CONSTANT = 3.76


def cupt_parent() -> Atoms:
    """One-atom fcc primitive cell of the Cu-Pt parent lattice."""
    return bulk("Cu", "fcc", a=CUPT_LATTICE_CONSTANT)
