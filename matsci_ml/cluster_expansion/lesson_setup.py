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


#: Cluster space of lessons 04/05: pairs out to the 8th neighbour shell (7.52 A) and the two shortest triplets.
CUPT_CUTOFFS = {2: 7.6, 3: 4.0}


def cupt_training_set(max_size: int = 8, relax: str = "volume", progress: bool = False):
    """The enumerated Cu-Pt structures (up to ``max_size`` atoms) and their EMT labels (read from the cache)."""
    from matsci_ml.cluster_expansion.enumeration import enumerate_structures
    from matsci_ml.cluster_expansion.oracle import label_structures

    structures = enumerate_structures(cupt_parent(), range(1, max_size + 1), ("Cu", "Pt"))
    return label_structures(structures, ("Cu", "Pt"), relax=relax, cache=CUPT_LABELS, progress=progress)


def cupt_cluster_expansion(method: str = "ols", alpha: float = 0.0):
    """Lesson 04's Cu-Pt expansion, refitted from the shipped labels in about 3 s: ``(space, ecis)``.

    ECIs are in eV/site (:class:`ClusterSpace` convention); lesson 05 runs Monte Carlo with them.
    """
    from matsci_ml.cluster_expansion.cluster_space import ClusterSpace
    from matsci_ml.cluster_expansion.fitting import ClusterExpansionRegressor

    labels = cupt_training_set()
    space = ClusterSpace(cupt_parent(), CUPT_CUTOFFS, ("Cu", "Pt"))
    model = ClusterExpansionRegressor(method=method, alpha=alpha).fit(space.correlation_matrix(labels.structures),
                                                                labels.mixing_energy)
    return space, model.ecis_
