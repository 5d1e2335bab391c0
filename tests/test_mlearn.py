from __future__ import annotations

import numpy as np
import pytest
from ase.units import GPa

from matsci_ml.data import load_mlearn, vasp_kbar_to_ase_stress

# configuration counts from ../shared/datasets/SOURCES.md
COUNTS = {("Mo", "training"): 194, ("Mo", "test"): 23, ("Si", "training"): 214, ("Si", "test"): 25,
          ("Ge", "training"): 228, ("Ge", "test"): 25, ("Li", "training"): 241, ("Li", "test"): 29}


@pytest.mark.parametrize("element, split", list(COUNTS))
def test_counts_and_labels(element, split):
    frames = load_mlearn(element, split)
    assert len(frames) == COUNTS[element, split]
    for atoms in frames[:5]:
        assert set(atoms.get_chemical_symbols()) == {element}
        assert atoms.get_forces().shape == (len(atoms), 3)
        assert atoms.get_stress().shape == (6,)
        # DFT forces on a periodic cell sum to ~zero (Newton's third law)
        assert np.abs(atoms.get_forces().sum(axis=0)).max() < 0.05


def test_stress_sign_and_units_on_compressed_mo():
    # SOURCES.md: Mo at -2 % strain (mode 2, along y) has virial_stress yy = +105.7 kBar (compressive).
    frames = load_mlearn("Mo", "training")
    (atoms,) = [a for a in frames if a.info["description"] == "Mo 3x3x3 cell, mode 2, strain -0.0200"]
    stress_gpa = atoms.get_stress() / GPa
    assert stress_gpa[1] == pytest.approx(-10.569571, abs=1e-6)  # ASE: compression is negative
    assert stress_gpa[1] < stress_gpa[0] < 0


def test_voigt_order_conversion():
    vasp = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # xx yy zz xy yz zx, kBar
    ase = vasp_kbar_to_ase_stress(vasp) / (0.1 * GPa)
    np.testing.assert_allclose(ase, [-1, -2, -3, -5, -6, -4])  # xx yy zz yz xz xy
    with pytest.raises(ValueError, match="6 stress components"):
        vasp_kbar_to_ase_stress(np.zeros(9))


def test_bad_element_and_split():
    with pytest.raises(ValueError, match="Unknown mlearn element 'Cu'"):
        load_mlearn("Cu")
    with pytest.raises(ValueError, match="Unknown mlearn split 'validation'"):
        load_mlearn("Mo", "validation")


def test_any_mlearn_file_loads_from_a_path(tmp_path):
    from matsci_ml.data import get_dataset

    mo = get_dataset("mlearn_Mo_test").local_path()
    frames = load_mlearn(path=mo, element="Mo")
    reference = load_mlearn("Mo", "test")
    assert len(frames) == len(reference) == 23
    assert all(a.get_potential_energy() == b.get_potential_energy() and np.array_equal(a.get_forces(), b.get_forces())
               and np.array_equal(a.get_stress(), b.get_stress()) for a, b in zip(frames, reference))
    with pytest.raises(ValueError, match="holds Mo, not only Cu"):
        load_mlearn(path=mo, element="Cu")
    (tmp_path / "other.json").write_text('{"not": "a list"}')
    with pytest.raises(ValueError, match="not in mlearn's format"):
        load_mlearn(path=tmp_path / "other.json")
    with pytest.raises(FileNotFoundError, match="no mlearn file"):
        load_mlearn(path=tmp_path / "missing.json")
