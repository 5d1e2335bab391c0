"""``matsci-ml bench``: our implementation and a peer, in the same process, on the same input.

Times are wall-clock (``time.perf_counter``) of one pass after a warm-up call on a few rows, so
one-time costs (reading tables, compiling) are left out of both sides; the ratio is what to quote.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass
class BenchResult:
    task: str
    ours_s: float
    peer: str
    peer_s: float
    max_abs_difference: float

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s

    def __str__(self) -> str:
        return (f"{self.task}\n  ours (matsci_ml): {self.ours_s:8.3f} s\n  {self.peer}: {self.peer_s:8.3f} s\n"
                f"  speed-up: {self.ratio:.1f}x   largest difference between the two: {self.max_abs_difference:.3g}")


def bench_featurize(formulas: list[str] | None = None) -> BenchResult:
    """Featurize every matbench_expt_gap composition with ours and with matminer (one process each)."""
    from matminer.featurizers.base import MultipleFeaturizer
    from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital
    from pymatgen.core import Composition

    from matsci_ml.data import load_matbench
    from matsci_ml.features import CompositionFeaturizer

    if formulas is None:
        formulas = list(load_matbench("matbench_expt_gap")["composition"])
    ours = CompositionFeaturizer().fit(formulas)
    peer = MultipleFeaturizer([ElementProperty.from_preset("magpie"), ValenceOrbital(), Stoichiometry()])
    ours.transform(formulas[:5])
    peer.featurize(Composition(formulas[0]))

    start = time.perf_counter()
    ours_x = ours.transform(formulas)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    peer_x = np.array([peer.featurize(Composition(f)) for f in formulas], dtype=float)
    peer_s = time.perf_counter() - start
    return BenchResult(f"featurize {len(formulas)} compositions (146 features: Magpie + valence + stoichiometry)",
                       ours_s, "matminer (ElementProperty magpie + ValenceOrbital + Stoichiometry)", peer_s,
                       float(np.nanmax(np.abs(ours_x - peer_x))))
