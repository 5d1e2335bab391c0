"""mlip-2's .cfg training-set format: exact round trip on the mlearn Mo set, cross-checked against motep's reader and
writer (an independent implementation), the type mapping of two species, and clear errors on bad files."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from motep.io.mlip.cfg import read_cfg as motep_read_cfg
from motep.io.mlip.cfg import write_cfg as motep_write_cfg

from matsci_ml.data import load_mlearn
from matsci_ml.mtp.cfg_file import CFGFileError, read_cfg, write_cfg


@pytest.fixture(scope="module")
def mo_frames():
    return load_mlearn("Mo", "training") + load_mlearn("Mo", "test")


def _assert_stress_close(a, b):
    # the stress passes through the virial (times and divided by the volume): equal to within 2 ulp of its scale
    scale = np.abs(a).max()
    assert np.abs(a - b).max() <= 2 * np.finfo(float).eps * scale


def test_round_trip_on_the_mlearn_mo_set_is_exact(mo_frames, tmp_path):
    path = tmp_path / "mo.cfg"
    write_cfg(mo_frames, path, ["Mo"])
    back = read_cfg(path, ["Mo"])
    assert len(back) == len(mo_frames) == 217
    for original, read in zip(mo_frames, back):
        assert read.get_chemical_symbols() == original.get_chemical_symbols()
        np.testing.assert_array_equal(read.positions, original.positions)
        np.testing.assert_array_equal(read.cell[:], original.cell[:])
        assert read.get_potential_energy() == original.get_potential_energy()
        np.testing.assert_array_equal(read.get_forces(), original.get_forces())
        _assert_stress_close(read.get_stress(), original.get_stress())
        assert read.info == original.info
    # writing what was read gives the same file up to the last digit of a virial
    again = tmp_path / "again.cfg"
    write_cfg(back, again, ["Mo"])
    differing = [(a, b) for a, b in zip(path.read_text().splitlines(), again.read_text().splitlines()) if a != b]
    assert all(len(a.split()) == 6 for a, _ in differing)       # only virial rows may differ, in the last digit


def test_motep_reads_our_file_field_by_field(mo_frames, tmp_path):
    path = tmp_path / "mo.cfg"
    write_cfg(mo_frames, path, ["Mo"])
    theirs = motep_read_cfg(str(path), index=":", species=["Mo"])
    assert len(theirs) == len(mo_frames)
    for original, read in zip(mo_frames, theirs):
        np.testing.assert_array_equal(read.numbers, original.numbers)
        np.testing.assert_array_equal(read.positions, original.positions)
        np.testing.assert_array_equal(read.cell[:], original.cell[:])
        assert read.calc.results["energy"] == original.get_potential_energy()
        np.testing.assert_array_equal(read.calc.results["forces"], original.get_forces())
        _assert_stress_close(read.calc.results["stress"], original.get_stress())
        assert read.info["group"] == original.info["group"] and read.info["tag"] == original.info["tag"]
        # motep keeps a feature's first word only; mlip-2 and we keep the rest of the line
        assert read.info["description"] == original.info["description"].split()[0]


def test_we_read_motep_s_file(mo_frames, tmp_path):
    path = tmp_path / "motep.cfg"
    frames = [f.copy() for f in mo_frames[:20]]
    for copy, original in zip(frames, mo_frames):
        copy.calc = original.calc
        copy.info = {"EFS_by": "VASP", "index": 7}
    motep_write_cfg(str(path), frames, species=["Mo"])
    back = read_cfg(path, ["Mo"])
    for original, read in zip(frames, back):
        np.testing.assert_allclose(read.positions, original.positions, atol=5e-7)   # motep writes 6 decimals
        assert read.get_potential_energy() == pytest.approx(original.get_potential_energy(), abs=1e-12)
        np.testing.assert_allclose(read.get_forces(), original.get_forces(), atol=5e-7)
        np.testing.assert_allclose(read.get_stress() * read.get_volume(), original.get_stress() * original.get_volume(),
                                   atol=5e-6)
        assert read.info == {"EFS_by": "VASP", "index": 7}


def test_two_species_map_to_types_in_the_order_given(tmp_path):
    atoms = bulk("Cu", "fcc", a=3.7, cubic=True)
    atoms.symbols[[1, 2]] = "Pt"
    atoms.rattle(0.05, seed=1)
    atoms.calc = EMT()
    atoms.get_forces()
    path = tmp_path / "cupt.cfg"
    write_cfg(atoms, path, ["Pt", "Cu"])
    rows = [line.split() for line in path.read_text().splitlines()[8:12]]
    assert [int(r[1]) for r in rows] == [1, 0, 0, 1]                       # Pt is type 0, Cu type 1
    back = read_cfg(path, ["Pt", "Cu"])[0]
    assert back.get_chemical_symbols() == atoms.get_chemical_symbols()
    assert motep_read_cfg(str(path), species=["Pt", "Cu"]).get_chemical_symbols() == atoms.get_chemical_symbols()
    assert read_cfg(path, ["Cu", "Pt"])[0].get_chemical_symbols() == ["Pt", "Cu", "Cu", "Pt"]   # the map is the caller's
    with pytest.raises(CFGFileError, match="Pt, not among species"):
        write_cfg(atoms, tmp_path / "x.cfg", ["Cu"])
    with pytest.raises(CFGFileError, match="type 1 but only 1 species"):
        read_cfg(path, ["Pt"])


def test_long_decimals_of_tiny_and_large_numbers_stay_separate_fields(tmp_path):
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    atoms.positions[0] = [-1.2345678901234567e-07, 123456.78901234567, -9.87654321e-12]
    forces = np.full((4, 3), -1.2345678901234567e-17)
    from ase.calculators.singlepoint import SinglePointCalculator

    atoms.calc = SinglePointCalculator(atoms, energy=-1.2345678901234567e-09, forces=forces)
    write_cfg(atoms, tmp_path / "tiny.cfg", ["Cu"])
    back = read_cfg(tmp_path / "tiny.cfg", ["Cu"])[0]
    np.testing.assert_array_equal(back.positions, atoms.positions)
    np.testing.assert_array_equal(back.get_forces(), forces)
    assert back.get_potential_energy() == -1.2345678901234567e-09


def test_an_mlip2_style_file_with_grades_and_direct_coordinates(tmp_path):
    path = tmp_path / "selected.cfg"
    path.write_text("""BEGIN_CFG
 Size
    2
 SuperCell
         3.160000      0.000000      0.000000
         0.000000      3.160000      0.000000
         0.000000      0.000000      3.160000
 AtomData:  id type       direct_x      direct_y      direct_z    nbh_grades
             1    0       0.000000      0.000000      0.000000       1.20000
             2    0       0.500000      0.500000      0.500000       3.40000
 Feature   EFS_by\tVASP
 Feature   MV_grade\t3.400000
 Feature   mindist   2.736640
END_CFG

""")
    atoms = read_cfg(path, ["Mo"])[0]
    np.testing.assert_allclose(atoms.positions[1], [1.58, 1.58, 1.58])
    np.testing.assert_array_equal(atoms.arrays["nbh_grades"], [1.2, 3.4])
    assert atoms.info == {"EFS_by": "VASP", "MV_grade": 3.4, "mindist": 2.73664} and atoms.calc is None


@pytest.mark.parametrize("text, message", [
    ("BEGIN_CFG\n Size\n 2\n AtomData:  id type cartes_x cartes_y cartes_z\n 1 0 0 0 0\n", "ends inside"),
    ("BEGIN_CFG\n Size\n 1\n AtomData:  id type cartes_x cartes_y cartes_z\n 1 0 0 zero 0\nEND_CFG\n", "line 5"),
    ("BEGIN_CFG\n Size\n 1\n Energy\n -1.0\nEND_CFG\n", "without AtomData"),
    ("hello\n", "expected BEGIN_CFG"),
])
def test_malformed_files_say_where(tmp_path, text, message):
    path = tmp_path / "bad.cfg"
    path.write_text(text)
    with pytest.raises(CFGFileError, match=message):
        read_cfg(path, ["Mo"])
