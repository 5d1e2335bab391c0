"""Structure features equal the libraries' values, and are invariant to rotating, moving and relabelling atoms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from matsci_ml.features import CompositionFeaturizer
from matsci_ml.features.sine_matrix import sine_matrix_eigenvalues
from matsci_ml.features.soap import AveragedSoap
from matsci_ml.features.structure import StructureFeaturizer


def _two_structures():
    rng = np.random.default_rng(0)
    salt = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    triclinic = Structure(Lattice.from_parameters(4.6, 5.3, 6.2, 81, 97, 105), ["Si", "O", "O", "Ge", "Li"],
                          rng.random((5, 3)))
    return [salt, triclinic]


def _moved(structure):
    """Rotated, translated and with its atoms in another order."""
    order = np.random.default_rng(3).permutation(len(structure))
    rotation = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0]
    return Structure(Lattice(structure.lattice.matrix @ rotation.T), [structure[k].specie for k in order],
                     [(structure[k].frac_coords + [0.31, -0.12, 0.5]) % 1.0 for k in order])


def test_blocks_equal_the_libraries():
    from matminer.featurizers.site import GaussianSymmFunc
    from matminer.featurizers.structure import SiteStatsFingerprint

    structures = _two_structures()
    featurizer = StructureFeaturizer().fit(structures)
    X = featurizer.transform(structures)
    names = list(featurizer.get_feature_names_out())
    assert X.shape == (2, len(names)) == (2, 146 + 8 + 2 + 32)
    composition = CompositionFeaturizer().fit([s.composition for s in structures])
    np.testing.assert_allclose(X[:, :146], composition.transform([s.composition for s in structures]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = SiteStatsFingerprint(GaussianSymmFunc(), stats=("mean", "std_dev", "minimum", "maximum"))
        expected = np.array([theirs.featurize(s) for s in structures])
    np.testing.assert_allclose(X[:, -32:], expected, rtol=1e-12)
    assert names[-32:] == theirs.feature_labels()
    assert X[0, names.index("density (g/cm3)")] == pytest.approx(structures[0].density)
    # the sine-matrix block: the conventional NaCl cell has 8 atoms, the triclinic one 5, padded with zeros to 8
    np.testing.assert_allclose(X[1, 146:154], np.r_[sine_matrix_eigenvalues(structures[1]), 0, 0, 0])


def test_structure_features_are_invariant():
    structures = _two_structures()
    featurizer = StructureFeaturizer().fit(structures)
    for structure in structures:
        np.testing.assert_allclose(featurizer.transform([_moved(structure)]), featurizer.transform([structure]),
                                   rtol=1e-6, atol=1e-9)


def test_averaged_soap_equals_dscribe_and_is_invariant():
    from dscribe.descriptors import SOAP
    from pymatgen.io.ase import AseAtomsAdaptor

    structures = _two_structures()
    soap = AveragedSoap(r_cut=4.0, n_max=3, l_max=2).fit(structures)
    X = soap.transform(structures)
    theirs = SOAP(species=soap.species_, r_cut=4.0, n_max=3, l_max=2, sigma=1.0, periodic=True, average="inner",
                  compression={"mode": "mu1nu1"})
    np.testing.assert_allclose(X, theirs.create([AseAtomsAdaptor.get_atoms(s) for s in structures]), rtol=1e-12)
    assert soap.species_ == ["Cl", "Ge", "Li", "Na", "O", "Si"]
    for k, structure in enumerate(structures):
        np.testing.assert_allclose(soap.transform([_moved(structure)])[0], X[k], rtol=1e-6, atol=1e-8)


def test_unseen_elements_and_cells_are_refused_with_a_reason():
    structures = _two_structures()
    gold = Structure(Lattice.cubic(4.08), ["Au"] * 4, [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    with pytest.raises(ValueError, match=r"element\(s\) \['Au'\].*fit on all structures"):
        AveragedSoap().fit(structures).transform([gold])
    with pytest.raises(ValueError, match="16 atoms is larger than the 8"):
        StructureFeaturizer(blocks=("sine_matrix",)).fit(structures).transform([gold * (2, 2, 1)])
    with pytest.raises(ValueError, match="unknown feature block"):
        StructureFeaturizer(blocks=("rdf",)).fit(structures)
