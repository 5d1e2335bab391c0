"""Correlation functions and CE energies, cross-checked against CLEASE (a peer with a C++ core)."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk, make_supercell

from matsci_ml.cluster_expansion import ClusterSpace

CUTOFFS = {2: 6.0, 3: 3.0}


def random_decoration(atoms, seed):
    atoms = atoms.copy()
    atoms.symbols = np.random.default_rng(seed).choice(["Cu", "Pt"], len(atoms))
    return atoms


def test_l10_and_l12_correlations_are_textbook_values():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 4.1, 3: 3.0}, ("Cu", "Pt"))
    l10 = bulk("Cu", "fcc", a=4.0, cubic=True)
    l10.symbols = "CuCuPtPt"
    # L1_0: x = 1/2; nearest neighbours 4 like, 8 unlike -> -1/3; second neighbours all like -> +1;
    # every NN triangle has two sites on one (001) layer and one on the other -> product -1 or +1 equally
    assert np.allclose(space.correlations(l10), [1, 0, -1 / 3, 1, 0])
    l12 = bulk("Cu", "fcc", a=4.0, cubic=True)
    l12.symbols = "PtCuCuCu"
    # L1_2 Cu3Pt: <sigma> = 1/2; NN bonds per cell: 12 Pt-Cu (-1), 12 Cu-Cu (+1) -> 0; second
    # neighbours lie on the same simple-cubic sublattice -> +1; in each (111) plane the Pt atoms are a
    # 2x2 triangular superlattice: 3/4 of the triangles hold one Pt (-1), 1/4 none (+1) -> -1/2
    assert np.allclose(space.correlations(l12), [1, 0.5, 0, 1, -0.5])


@pytest.fixture(scope="module")
def clease_settings(tmp_path_factory):
    import clease  # noqa: F401 -- a test dependency: missing fails, never skips
    from clease.settings import CEBulk, Concentration

    return CEBulk(Concentration(basis_elements=[["Cu", "Pt"]]), crystalstructure="fcc", a=4.0, size=[3, 3, 3],
                  # CLEASE's triplet "diameter" is not the longest side: 4.1 selects the NN triangle only
                  max_cluster_dia=[CUTOFFS[2], 4.1],
                  db_name=str(tmp_path_factory.mktemp("clease") / "clease.db"))


def test_correlations_and_energies_equal_cleases(clease_settings):
    from clease.calculator import Clease
    from clease.corr_func import CorrFunction

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), CUTOFFS, ("Cu", "Pt"))
    names = list(CorrFunction(clease_settings).get_cf(clease_settings.atoms).keys())
    assert len(names) == space.n_parameters == 7     # empty, point, 4 pairs, NN triangle
    ecis = np.random.default_rng(1).normal(scale=0.05, size=len(names))
    for seed in range(4):
        atoms = random_decoration(clease_settings.atoms, seed)
        theirs = CorrFunction(clease_settings).get_cf(atoms)
        ours = space.correlations(atoms)
        assert np.allclose(ours, [theirs[name] for name in names], atol=1e-12)
        atoms.calc = Clease(clease_settings, eci=dict(zip(names, ecis)))
        clease_energy = atoms.get_potential_energy() / len(atoms)
        assert abs(ours @ ecis - clease_energy) < 1e-8
        hamiltonian = space.hamiltonian(atoms, ecis)
        assert abs(hamiltonian.energy(space.occupations(atoms)) / len(atoms) - clease_energy) < 1e-8


def test_supercell_shape_does_not_change_correlations():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 6.0, 3: 4.1, 4: 3.0}, ("Cu", "Pt"))
    small = random_decoration(bulk("Cu", "fcc", a=4.0, cubic=True).repeat(2), 3)
    bigger = small.repeat((2, 1, 3))
    assert np.allclose(space.correlations(small), space.correlations(bigger))
    skewed = make_supercell(bulk("Cu", "fcc", a=4.0), [[2, 1, 0], [0, 2, 0], [1, 0, 3]])
    skewed = random_decoration(skewed, 4)
    assert np.allclose(space.correlations(skewed), space.correlations(skewed.repeat(2)))


def test_hamiltonian_energy_is_n_times_the_expansion():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 6.0, 3: 4.1, 4: 3.0}, ("Cu", "Pt"))
    atoms = random_decoration(bulk("Cu", "fcc", a=4.0, cubic=True).repeat(4), 5)
    ecis = np.random.default_rng(0).normal(size=space.n_parameters)
    hamiltonian = space.hamiltonian(atoms, ecis)
    assert hamiltonian.energy(space.occupations(atoms)) == pytest.approx(len(atoms) * space.correlations(atoms) @ ecis,
                                                                          rel=1e-12)


def test_bad_structures_get_clear_errors():
    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 6.0}, ("Cu", "Pt"))
    atoms = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(2)
    with pytest.raises(ValueError, match="too small"):   # a 4 A cube holds second neighbours on their own images
        space.hamiltonian(bulk("Cu", "fcc", a=4.0, cubic=True), np.ones(space.n_parameters))
    with pytest.raises(ValueError, match="expected 6 ECIs"):
        space.hamiltonian(atoms.repeat(2), np.ones(3))
    moved = atoms.copy()
    moved.positions[0] += 0.3
    with pytest.raises(ValueError, match="ideal sites"):
        space.correlations(moved)
    foreign = atoms.copy()
    foreign.symbols[0] = "Au"
    with pytest.raises(ValueError, match="Au"):
        space.correlations(foreign)
    strained = atoms.copy()
    strained.set_cell(atoms.cell * 1.02, scale_atoms=True)
    with pytest.raises(ValueError, match="not a supercell"):
        space.correlations(strained)
    with pytest.raises(ValueError, match="two different elements"):
        ClusterSpace(bulk("Cu"), {2: 4.0}, ("Cu", "Cu"))
