"""NequIP through nequip's own model and calculator: equivariance, training, checkpoints, stress."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from scipy.spatial.transform import Rotation

from matsci_ml.equivariant import NequIPTrainer, load_checkpoint, nequip_calculator



def _rotated(atoms, rotation):
    turned = atoms.copy()
    turned.set_cell(atoms.cell[:] @ rotation.T, scale_atoms=False)
    turned.positions = atoms.positions @ rotation.T
    return turned


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rotation_leaves_energy_and_rotates_forces_to_float64_round_off(trained, cu_frames, seed):
    rotation = Rotation.random(random_state=seed).as_matrix()
    atoms = cu_frames[7].copy()
    atoms.calc = trained.calculator()
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    turned = _rotated(cu_frames[7], rotation)
    turned.positions += np.array([0.3, -1.1, 2.0])            # and a translation
    turned.calc = trained.calculator()
    assert abs(turned.get_potential_energy() - energy) <= 1e-10   # eV: float64 round-off, not a loose tolerance
    assert np.abs(turned.get_forces() - forces @ rotation.T).max() <= 1e-10   # eV/A
    assert np.abs(forces).max() > 0.01                                              # not trivially zero


def test_training_lowers_the_errors(trained, cu_frames):
    held_out = cu_frames[6:]
    untrained = NequIPTrainer(**{**trained.get_params(), "max_epochs": 1, "learning_rate": 1e-9}).fit(cu_frames[:6])
    before, after = untrained.errors(held_out), trained.errors(held_out)
    assert after["force_rmse_ev_per_a"] < 0.5 * before["force_rmse_ev_per_a"]
    assert trained.history_[-1]["loss"] < trained.history_[0]["loss"]
    assert set(after) >= {"energy_mae_mev_per_atom", "force_mae_ev_per_a", "stress_rmse_gpa"}


def test_checkpoint_round_trip_predicts_the_same(trained, cu_frames):
    model, config = load_checkpoint(trained.checkpoint())
    a, b = cu_frames[7].copy(), cu_frames[7].copy()
    a.calc = trained.calculator()
    b.calc = nequip_calculator(model, config, "cpu")
    assert a.get_potential_energy() == b.get_potential_energy()
    np.testing.assert_array_equal(a.get_forces(), b.get_forces())
    assert config.species == ["Cu"] and config.num_features == trained.num_features


def test_stress_is_ase_convention(trained):
    """sigma = (1/V) dE/d(strain): compare with a finite difference of the energy."""
    atoms = bulk("Cu", "fcc", a=3.63, cubic=True).repeat((2, 2, 1))
    atoms.rattle(0.02, seed=4)
    atoms.calc = trained.calculator()
    stress = atoms.get_stress(voigt=False)
    h = 1e-5
    for i, j in [(0, 0), (2, 2), (0, 1)]:
        energies = []
        for sign in (1, -1):
            strain = np.eye(3)
            strain[i, j] += sign * h / (2 if i != j else 1)
            strain[j, i] += sign * h / 2 if i != j else 0
            probe = atoms.copy()
            probe.set_cell(atoms.cell[:] @ strain, scale_atoms=True)
            probe.calc = trained.calculator()
            energies.append(probe.get_potential_energy())
        derivative = (energies[0] - energies[1]) / (2 * h) / atoms.get_volume()
        assert stress[i, j] == pytest.approx(derivative, abs=1e-6)


def test_untrained_trainer_explains():
    with pytest.raises(RuntimeError, match="not fitted yet"):
        NequIPTrainer().calculator()
    with pytest.raises(ValueError, match="no configurations"):
        NequIPTrainer(progress=False).fit([])


def test_validation_errors_are_recorded_during_training(cu_frames, tiny):
    fit = NequIPTrainer(**tiny, max_epochs=7, seed=1, progress=False).fit(cu_frames[:4], validation=cu_frames[6:],
                                                                          validate_every=3)
    validated = [h["epoch"] for h in fit.history_ if "validation" in h]
    assert validated == [3, 6, 7]
    first, last = fit.history_[2]["validation"], fit.history_[-1]["validation"]
    assert 0 < last["force_mae_ev_per_a"] < first["force_mae_ev_per_a"]      # it learns between epochs 3 and 7
    assert all(b["time_s"] >= a["time_s"] for a, b in zip(fit.history_, fit.history_[1:]))

