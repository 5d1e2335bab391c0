"""Formation energies, direct relaxations and the lower hull (the atomistic layer's one implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.eos import EquationOfState

from matsci_ml.atomistic import convex_hull, formation_energies, relax_all


def _eos_energy_per_atom(element: str, a_guess: float) -> float:
    """Energy per atom at the minimum of an independent Birch-Murnaghan fit of E(V) (no optimiser)."""
    volumes, energies = [], []
    for a in a_guess * np.linspace(0.97, 1.03, 9):
        atoms = bulk(element, "fcc", a=a)
        atoms.calc = EMT()
        volumes.append(atoms.get_volume())
        energies.append(atoms.get_potential_energy())
    return EquationOfState(volumes, energies, eos="birchmurnaghan").fit()[1]


def test_formation_energy_of_l1_2_cu3pt_agrees_with_an_independent_eos_route():
    cu = bulk("Cu", "fcc", a=3.50)          # compressed: the relaxation has work to do
    pt = bulk("Pt", "fcc", a=3.92)
    cu3pt = bulk("Cu", "fcc", a=3.7, cubic=True)
    cu3pt.symbols[0] = "Pt"
    relaxed = relax_all([cu, pt, cu3pt], EMT)
    assert relaxed.converged.all() and (relaxed.steps > 0).all()
    # the relaxed pure elements reach the minimum of E(V) found by a fit that never runs an optimiser
    assert relaxed.energy_per_atom[0] == pytest.approx(_eos_energy_per_atom("Cu", 3.59), abs=1e-4)
    assert relaxed.energy_per_atom[1] == pytest.approx(_eos_energy_per_atom("Pt", 3.92), abs=1e-4)
    x, energy = formation_energies([cu, pt, cu3pt], relaxed.energy_per_atom, ("Cu", "Pt"))
    np.testing.assert_array_equal(x, [1.0, 0.0, 0.75])
    cubic = []                                # L1_2 keeps cubic symmetry: its minimum is also a 1-D E(V) fit
    for a in 3.70 * np.linspace(0.97, 1.03, 9):
        probe = cu3pt.copy()
        probe.set_cell(cu3pt.cell * a / 3.7, scale_atoms=True)
        probe.calc = EMT()
        cubic.append((probe.get_volume(), probe.get_potential_energy()))
    e_cu3pt = EquationOfState(*zip(*cubic), eos="birchmurnaghan").fit()[1] / 4
    expected = e_cu3pt - 0.75 * _eos_energy_per_atom("Cu", 3.59) - 0.25 * _eos_energy_per_atom("Pt", 3.92)
    assert energy[2] == pytest.approx(expected, abs=2e-4)
    assert -0.139 <= energy[2] <= -0.035      # COURSE.md: -35 to -139 meV/atom for the ordered phases


def test_hull_of_a_hand_made_binary():
    # x:       0     0.25   0.5    0.5    0.75   1
    x = np.array([0.0, 0.25, 0.5, 0.5, 0.75, 1.0])
    e = np.array([0.0, -0.05, -0.08, -0.02, -0.01, 0.0])
    hull = convex_hull(x, e)
    np.testing.assert_array_equal(hull.ground_states, [0, 1, 2, 5])     # 0.75 lies above the 0.5-1 tie line
    # above the hull: the second x = 0.5 by 0.06; x = 0.75 by -0.01 - (-0.04) = 0.03
    np.testing.assert_allclose(hull.energy_above_hull, [0, 0, 0, 0.06, 0.03, 0], atol=1e-9)


def test_formation_energies_need_both_references():
    cu3pt = bulk("Cu", "fcc", a=3.7, cubic=True)
    cu3pt.symbols[0] = "Pt"
    with pytest.raises(ValueError, match="both pure elements"):
        formation_energies([bulk("Cu", "fcc", a=3.6), cu3pt], [0.0, -0.1], ("Cu", "Pt"))
    with pytest.raises(ValueError, match="only Cu and Pt"):
        formation_energies([bulk("Au", "fcc", a=4.1)], [0.0], ("Cu", "Pt"))


def test_hull_disagreement_measures_each_hull_by_the_other():
    from matsci_ml.atomistic import hull_disagreement

    x = np.array([0.0, 0.5, 0.75, 0.8, 1.0])
    reference = convex_hull(x, np.array([0.0, -0.10, -0.08, -0.067, 0.0]))   # 0.8: 3 meV below the 0.75-1 tie line
    model = convex_hull(x, np.array([0.0, -0.10, -0.08, -0.062, 0.0]))       # 0.8: 2 meV above it
    assert 0.8 in reference.concentration and 0.8 not in model.concentration
    above_reference, above_model = hull_disagreement(reference, model)
    assert above_reference == pytest.approx(0.0, abs=1e-12)        # every model vertex is on the reference hull
    assert above_model == pytest.approx(0.080 * 0.2 / 0.25 - 0.062, abs=1e-9)   # 0.8 is 2 meV above the model's
    assert hull_disagreement(reference, reference) == (0.0, 0.0)
