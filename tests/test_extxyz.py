"""Extended-XYZ training sets whose force column is named ``force`` and whose stress is a virial: the loader puts
them on the calculator (ASE's reader leaves them in ``arrays``/``info``), a plain read gets a hint, and an MTP trains
on the result."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.io import read, write

from matsci_ml.data import load_extxyz
from matsci_ml.mtp import MomentTensorPotential, MTPTrainer
from matsci_ml.mtp.training import Dataset


def _labelled(n: int) -> list:
    frames = []
    for k in range(n):
        atoms = bulk("Cu", "fcc", a=3.61 * (1 + 0.01 * (k % 3 - 1)), cubic=True).repeat(2)
        atoms.rattle(0.05, seed=k)
        atoms.calc = EMT()
        frames.append(atoms)
    return frames


def _as_gap_style(frames, path):
    """Write ``frames`` as many published sets are: ``energy`` and ``virial`` (eV) in the comment line and a per-atom
    ``force`` column."""
    plain = []
    for atoms in frames:
        copy = atoms.copy()
        copy.info["energy"] = atoms.get_potential_energy()
        copy.info["virial"] = -atoms.get_stress(voigt=False) * atoms.get_volume()
        copy.arrays["force"] = atoms.get_forces()
        plain.append(copy)
    write(path, plain, format="extxyz")


def test_a_force_column_and_a_virial_end_up_on_the_calculator(tmp_path):
    frames = _labelled(3)
    _as_gap_style(frames, tmp_path / "set.xyz")
    assert "Properties=species:S:1:pos:R:3:force:R:3" in (tmp_path / "set.xyz").read_text().splitlines()[1]
    loaded = load_extxyz(tmp_path / "set.xyz")
    for atoms, reference in zip(loaded, frames):
        assert atoms.get_potential_energy() == pytest.approx(reference.get_potential_energy(), abs=1e-12)
        np.testing.assert_allclose(atoms.get_forces(), reference.get_forces(), atol=1e-8)      # 8 decimals in the file
        np.testing.assert_allclose(atoms.get_stress(), reference.get_stress(), atol=1e-12)
        assert "force" not in atoms.arrays and "virial" not in atoms.info
    with pytest.raises(ValueError, match="has an energy but no forces attached: its forces are in atoms.arrays"):
        Dataset.from_frames(read(tmp_path / "set.xyz", ":"), MomentTensorPotential.from_level(6, [29], max_dist=4.5))


def test_a_frame_without_forces_is_named(tmp_path):
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True)
    atoms.info["energy"] = -1.0
    write(tmp_path / "bad.xyz", atoms, format="extxyz")
    with pytest.raises(ValueError, match=r"bad.xyz, frame 0: no forces .* forces_key="):
        load_extxyz(tmp_path / "bad.xyz")


def test_an_mtp_trains_on_an_extxyz_file_with_a_force_column(tmp_path):
    _as_gap_style(_labelled(8), tmp_path / "train.xyz")
    frames = load_extxyz(tmp_path / "train.xyz")
    trainer = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=30, progress=False).fit(frames)
    errors = trainer.train_errors_
    assert errors["force_rmse_ev_per_a"] < 0.1 and np.isfinite(errors["energy_rmse_mev_per_atom"])
