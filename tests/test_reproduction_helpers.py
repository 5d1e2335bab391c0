"""Helpers the lessons call: feature units, ground-state tables, cubic properties, cleavage paths, oracle MD."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT


def test_feature_units():
    from matsci_ml.features import feature_unit

    assert feature_unit("MagpieData mean Electronegativity") == "Pauling"
    assert feature_unit("MagpieData range NdValence") == "electrons"
    assert feature_unit("MagpieData mean NdValence") == "electrons/atom"
    assert feature_unit("frac d valence electrons") == "" and feature_unit("MagpieData mean Column") == ""


def test_ground_state_table_names_the_space_groups():
    from matsci_ml.cluster_expansion import convex_hull, ground_state_table, space_group

    l10 = bulk("Cu", "fcc", a=3.76, cubic=True)
    l10.symbols = "CuCuPtPt"
    assert space_group(l10) == "P4/mmm (123)"
    structures = [bulk("Pt", "fcc", a=3.76), l10, bulk("Cu", "fcc", a=3.76)]
    x, energy = np.array([0.0, 0.5, 1.0]), np.array([0.0, -0.1, 0.0])
    table = ground_state_table(convex_hull(x, energy), structures, x, energy, reference=convex_hull(x, energy))
    assert list(table["space group"]) == ["Fm-3m (225)", "P4/mmm (123)", "Fm-3m (225)"]
    assert list(table["ΔE (meV/site)"]) == [0.0, -100.0, 0.0]


def test_cubic_properties_of_emt_copper():
    from matsci_ml.atomistic.properties import cubic_properties

    result = cubic_properties(bulk("Cu", "fcc", a=3.6, cubic=True), EMT())
    assert result["a (Å)"] == pytest.approx(3.59, abs=0.01)          # EMT's Cu lattice constant
    assert result["(C11+2C12)/3 (GPa)"] == pytest.approx(result["B from E(V) (GPa)"], rel=0.05)
    assert result["C11"] > result["C12"] > 0 and result["C44"] > 0
    from matsci_ml.atomistic.properties import equation_of_state

    cell = bulk("Cu", "fcc", a=3.6, cubic=True)
    assert cubic_properties(cell, EMT(), eos=equation_of_state(cell, EMT())) == pytest.approx(result)   # no second fit


def test_cleavage_path_opens_a_gap_and_costs_energy():
    from matsci_ml.active_learning.paths import cleavage_path, energies_per_atom

    path = cleavage_path([0.0, 1.0, 4.0])
    assert [len(a) for a in path] == [48, 48, 48]
    assert path[2].cell[2, 2] - path[0].cell[2, 2] == pytest.approx(4.0)
    energies = energies_per_atom(path, EMT())
    assert energies[0] < energies[1] < energies[2]                     # cleaving costs energy
    assert path[0].calc is None                                         # frames are not changed


def test_oracle_md_snapshots_are_labelled_and_hot():
    from matsci_ml.atomistic.oracle import oracle_md_snapshots

    frames = oracle_md_snapshots(bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2), EMT, temperature_K=1000,
                                 n_snapshots=3, steps_between=20, seed=0)
    assert len(frames) == 3 and all(f.get_forces().shape == (32, 3) for f in frames)
    assert np.abs(frames[-1].get_forces()).max() > 0.1                 # displaced from the perfect crystal


def test_equivariance_errors_separate_equivariant_from_lab_frame_models():
    from scipy.spatial.transform import Rotation

    from matsci_ml.equivariant.symmetry import equivariance_errors, rotated_copy
    from matsci_ml.exercises.implement08 import _LabFrameField

    atoms = bulk("Cu", "fcc", a=3.61, cubic=True)
    atoms.rattle(0.05, seed=1)
    rotation = Rotation.random(random_state=3).as_matrix()
    atoms.calc = EMT()
    assert max(equivariance_errors(atoms, rotation, (1.0, 2.0, 3.0))) < 1e-8
    atoms.calc = _LabFrameField(0.2)
    energy_error, force_error = equivariance_errors(atoms, rotation, (1.0, 2.0, 3.0))
    assert energy_error > 0.1 and force_error > 0.01
    with pytest.raises(ValueError, match="orthogonal"):
        rotated_copy(atoms, 2 * np.eye(3))
