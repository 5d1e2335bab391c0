"""Label every Cu-Pt fcc derivative structure with up to 8 atoms with ASE's EMT (lesson 04's training data).

Writes ``CuPt_fcc_emt.json``: the label cache that :func:`matsci_ml.cluster_expansion.label_structures`
reads, with the energy per atom (eV) of each of the 631 structures unrelaxed (Vegard lattice constant)
and volume-relaxed. Run from the repository root:

    python datasets/cluster_expansion/make_cupt_emt.py            # none and volume: about 50 s
    python datasets/cluster_expansion/make_cupt_emt.py full       # full relaxation: about 40 min

Full relaxations are not shipped (about 4 s per 8-atom structure); the lesson labels a few on demand.
The lesson then labels in seconds (missing entries are computed and added). tests/cluster_expansion/test_oracle.py recomputes a sample of the stored energies.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from matsci_ml.cluster_expansion import enumerate_structures, label_structures
from matsci_ml.cluster_expansion.lesson_setup import CUPT_LABELS, cupt_parent

if __name__ == "__main__":
    start = time.perf_counter()
    structures = enumerate_structures(cupt_parent(), range(1, 9), ("Cu", "Pt"))
    for relax in sys.argv[1:] or ["none", "volume"]:
        label_structures(structures, ("Cu", "Pt"), relax=relax, cache=CUPT_LABELS, progress=True)
    print(f"{len(structures)} structures labelled into {Path(CUPT_LABELS).name} in {time.perf_counter() - start:.0f} s")
