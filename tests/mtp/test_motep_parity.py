"""The same .mtp file gives the same energies, forces and stresses in our kernels and in motep's
C extension (motep is a test-only dependency; the file is mlip-2's format)."""

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.mtp import MomentTensorPotential, MTPCalculator

import motep.calculator as motep_calculator  # the peer is a test dependency: missing fails, never skips
import motep.io.mlip.mtp as motep_mtp


def _structures():
    mo = bulk("Mo", "bcc", a=3.16, cubic=True).repeat(3)
    mo.rattle(0.1, seed=1)
    strained = bulk("Mo", "bcc", a=3.10).repeat((2, 3, 2))
    strained.set_cell(strained.cell @ np.array([[1.02, 0.01, 0], [0, 0.99, 0], [0, 0, 1.0]]), scale_atoms=True)
    strained.rattle(0.03, seed=5)
    vacancy = bulk("Mo", "bcc", a=3.16, cubic=True).repeat(3)
    del vacancy[0]
    vacancy.rattle(0.05, seed=2)
    hot = bulk("Mo", "bcc", a=3.2, cubic=True).repeat((4, 2, 2))
    hot.rattle(0.2, seed=3)
    nipt = bulk("Ni", "fcc", a=3.7, cubic=True).repeat(2)
    nipt.symbols[::3] = "Pt"
    nipt.rattle(0.1, seed=4)
    return [("Mo",), ("Mo",), ("Mo",), ("Mo",), ("Ni", "Pt")], [mo, strained, vacancy, hot, nipt]


@pytest.mark.parametrize("level", [10, 16])
def test_same_file_same_results_as_motep(level, tmp_path):
    species_sets, structures = _structures()
    for species, atoms in zip(species_sets, structures):
        mtp = MomentTensorPotential.from_level(level, list(species), min_dist=1.9, max_dist=5.0, seed=level)
        mtp.moment_coeffs = np.random.default_rng(level).normal(size=mtp.moment_coeffs.size) * 1e-2
        mtp.species_coeffs = -np.arange(1.0, len(species) + 1)
        path = tmp_path / f"{level}_{'_'.join(species)}.mtp"
        mtp.write(path)
        data = motep_mtp.read_mtp(path)
        data.species = list(mtp.species)
        theirs = atoms.copy()
        theirs.calc = motep_calculator.MTP(data, engine="cext")
        ours = atoms.copy()
        ours.calc = MTPCalculator(path)
        e_ours, e_theirs = ours.get_potential_energy(), theirs.get_potential_energy()
        assert abs(e_ours - e_theirs) <= 1e-8 * abs(e_theirs)
        for name in ("get_forces", "get_stress"):
            a, b = getattr(ours, name)(), getattr(theirs, name)()
            assert np.abs(a - b).max() <= 1e-8 * np.abs(b).max(), name
