"""Formation energies and direct relaxations for the convex-hull case."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.active_learning.hull import formation_energies, relax_all


def test_formation_energy_of_l1_2_cu3pt_under_emt():
    cu = bulk("Cu", "fcc", a=3.50)          # compressed: the relaxation has work to do
    pt = bulk("Pt", "fcc", a=3.92)
    cu3pt = bulk("Cu", "fcc", a=3.7, cubic=True)
    cu3pt.symbols[0] = "Pt"
    relaxed = relax_all([cu, pt, cu3pt], EMT)
    assert relaxed.converged.all() and (relaxed.steps > 0).all()
    x, energy = formation_energies([cu, pt, cu3pt], relaxed.energy_per_atom, ("Cu", "Pt"))
    np.testing.assert_array_equal(x, [1.0, 0.0, 0.75])
    assert energy[:2] == pytest.approx([0.0, 0.0], abs=1e-12)
    # L1_2 Cu3Pt orders strongly under EMT (COURSE.md: -35 to -139 meV/atom for the ordered phases)
    assert -0.139 <= energy[2] <= -0.035
    # relaxed Cu sits at EMT's equilibrium lattice constant, 3.59 A
    equilibrium = bulk("Cu", "fcc", a=3.59)
    equilibrium.calc = EMT()
    assert relaxed.energy_per_atom[0] == pytest.approx(equilibrium.get_potential_energy(), abs=2e-5)


def test_formation_energies_need_both_references():
    cu3pt = bulk("Cu", "fcc", a=3.7, cubic=True)
    cu3pt.symbols[0] = "Pt"
    with pytest.raises(ValueError, match="both pure elements"):
        formation_energies([bulk("Cu", "fcc", a=3.6), cu3pt], [0.0, -0.1], ("Cu", "Pt"))
    with pytest.raises(ValueError, match="only Cu and Pt"):
        formation_energies([bulk("Au", "fcc", a=4.1)], [0.0], ("Cu", "Pt"))
