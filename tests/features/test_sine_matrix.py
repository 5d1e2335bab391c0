"""The sine Coulomb matrix against matminer's, and its invariances."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from pymatgen.core import Lattice, Structure
from pymatgen.io.ase import AseAtomsAdaptor

from matsci_ml.features.sine_matrix import sine_matrix, sine_matrix_eigenvalues

# matminer's SineCoulombMatrix still uses numpy.matrix
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def _structures():
    rng = np.random.default_rng(0)
    rocksalt = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), ["Mg", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    triclinic = Structure(Lattice.from_parameters(4.1, 5.3, 6.2, 81, 97, 105), ["Si", "O", "O", "Ge", "Li"],
                          rng.random((5, 3)))
    cu3pt = AseAtomsAdaptor.get_structure(bulk("Cu", "fcc", a=3.7, cubic=True))
    cu3pt.replace(0, "Pt")
    return [rocksalt, triclinic, cu3pt]


@pytest.mark.parametrize("structure", _structures(), ids=["MgO", "triclinic", "Cu3Pt"])
def test_equals_matminer(structure):
    from matminer.featurizers.structure import SineCoulombMatrix

    from scipy import constants

    theirs = SineCoulombMatrix(flatten=False).fit([structure]).featurize(structure)[0]
    ours = sine_matrix(structure)
    np.testing.assert_allclose(np.diag(ours), np.diag(theirs), rtol=1e-12)
    # matminer converts distances with CODATA's "Angstrom star" (1.00001495 Å, an X-ray wavelength unit), not the
    # ångström: its off-diagonal entries are smaller than ours by exactly that factor (15 ppm)
    off = ~np.eye(len(ours), dtype=bool)
    np.testing.assert_allclose(ours[off] / theirs[off], constants.value("Angstrom star") / constants.angstrom,
                               rtol=1e-12)
    flat = SineCoulombMatrix(flatten=True).fit([structure]).featurize(structure)
    np.testing.assert_allclose(sine_matrix_eigenvalues(structure), np.sort(np.real(flat))[::-1], rtol=1e-4)


def test_invariances_and_what_is_lost():
    structure = _structures()[1]
    values = sine_matrix_eigenvalues(structure)
    shifted = structure.copy()
    shifted.translate_sites(list(range(len(shifted))), [0.31, -0.12, 0.5])
    np.testing.assert_allclose(sine_matrix_eigenvalues(shifted), values, rtol=1e-10)            # translation
    permuted = Structure(structure.lattice, [structure[k].specie for k in (3, 0, 4, 1, 2)],
                         [structure[k].frac_coords for k in (3, 0, 4, 1, 2)])
    np.testing.assert_allclose(sine_matrix_eigenvalues(permuted), values, rtol=1e-10)           # permutation
    atoms = AseAtomsAdaptor.get_atoms(structure)
    rotated = atoms.copy()
    rotated.rotate(37, "z", rotate_cell=True)
    rotated.rotate(-62, "x", rotate_cell=True)
    np.testing.assert_allclose(sine_matrix_eigenvalues(rotated), values, rtol=1e-10)            # rotation
    supercell = structure * (2, 1, 1)                                                           # cell choice
    assert len(sine_matrix_eigenvalues(supercell)) == 2 * len(values)
    assert not np.allclose(sine_matrix_eigenvalues(supercell)[: len(values)], values)
    np.testing.assert_array_equal(sine_matrix_eigenvalues(structure, size=8)[5:], 0.0)
    with pytest.raises(ValueError, match="smaller"):
        sine_matrix_eigenvalues(structure, size=3)
    with pytest.raises(TypeError, match="pymatgen Structure or ase.Atoms"):
        sine_matrix([1, 2, 3])
