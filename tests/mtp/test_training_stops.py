"""MTP training on new data: min_dist from the data by default, the same close-contact policy in errors() as in the
calculator, the reason training stopped in history_, a warning when a cap stopped it while the loss was still
falling, and the numba compilation kept out of the training time."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.mtp import MTPTrainer
from matsci_ml.mtp.neighbours import CloseContactError, minimum_distance
from matsci_ml.mtp.training import Dataset, auto_min_dist, errors


def _frames(n: int, shortest: float | None = None):
    frames = []
    for k in range(n):
        atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
        atoms.rattle(0.06, seed=k)
        if shortest is not None and k == 0:                  # move atom 1 to ``shortest`` from atom 0
            direction = atoms.positions[1] - atoms.positions[0]
            atoms.positions[1] = atoms.positions[0] + shortest * direction / np.linalg.norm(direction)
        atoms.calc = EMT()
        atoms.get_stress()
        frames.append(atoms)
    return frames


def test_auto_min_dist_is_the_largest_multiple_of_005_below_the_shortest_distance():
    assert auto_min_dist(1.83) == 1.8 and auto_min_dist(1.8) == 1.75 and auto_min_dist(2.449) == 2.4


def test_min_dist_defaults_to_just_below_the_data(recwarn):
    frames = _frames(4, shortest=1.8)
    assert minimum_distance(frames[0]) == pytest.approx(1.8)
    with pytest.raises(ValueError, match="1.800 A apart, below min_dist = 2.0 A"):
        MTPTrainer(level=4, min_dist=2.0, max_dist=4.5, max_iter=1, progress=False).fit(frames)
    trainer = MTPTrainer(level=4, max_dist=4.5, max_iter=2, progress=False).fit(frames)
    assert trainer.min_dist is None and trainer.min_dist_ == 1.75 and trainer.potential_.min_dist == 1.75


def test_errors_refuses_data_closer_than_min_dist_unless_told():
    trainer = MTPTrainer(level=4, min_dist=2.0, max_dist=4.5, max_iter=2, progress=False, warn_unconverged=False)
    trainer.fit(_frames(3))
    close = Dataset.from_frames(_frames(2, shortest=1.8), trainer.potential_)
    with pytest.raises(CloseContactError, match="1.800 A apart, closer than the potential's min_dist = 2.000 A"):
        errors(trainer.potential_, close)
    with pytest.raises(CloseContactError):
        trainer.errors(close)
    with pytest.warns(UserWarning, match="closer than the potential's min_dist"):
        assert np.isfinite(errors(trainer.potential_, close, close_contacts="warn")["force_rmse_ev_per_a"])


def test_a_cap_that_stops_a_falling_loss_warns_and_is_recorded():
    frames = _frames(4)
    still_falling = r"stopped on max_iter after 4 iterations while the loss was still falling"
    with pytest.warns(UserWarning, match=still_falling) as seen:
        trainer = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=4, progress=False).fit(frames)
    assert seen[0].filename == __file__             # the warning points at the call to fit, not into the library
    assert trainer.stop_reason_ == "max_iter" and trainer.history_[-1]["stop_reason"] == "max_iter"
    assert trainer.fit_time_s_ >= trainer.history_[-1]["time_s"] and trainer.compile_time_s_ > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=4, progress=False, warn_unconverged=False)
        quiet.fit(frames)
        linear = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=0, progress=False).fit(frames)
    assert linear.history_ == [] and linear.stop_reason_ == "max_iter" and np.isfinite(linear.train_errors_[
        "energy_rmse_mev_per_atom"])


def test_a_time_cap_is_recorded_as_such():
    trainer = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=500, max_time_s=1e-9, progress=False,
                         warn_unconverged=False).fit(_frames(3))
    assert trainer.stop_reason_ == "max_time_s" and len(trainer.history_) == 1


def test_data_without_pairs_gets_no_invented_min_dist():
    lonely = Atoms("Cu", cell=[10, 10, 10], pbc=True)
    lonely.calc = EMT()
    lonely.get_stress()
    with pytest.raises(ValueError, match="no two atoms of the data are within max_dist = 4.5 A"):
        MTPTrainer(level=4, max_dist=4.5, max_iter=1, progress=False).fit([lonely])


def test_training_stops_when_the_loss_stops_falling_and_records_the_change():
    frames = _frames(4)
    capped = MTPTrainer(level=4, min_dist=2.0, max_dist=4.5, max_iter=150, tol=None, progress=False,
                        warn_unconverged=False).fit(frames)
    changes = [entry["relative_change"] for entry in capped.history_ if "relative_change" in entry]
    assert "relative_change" not in capped.history_[19] and "relative_change" in capped.history_[20]
    before = capped.history_[0]["loss"]
    assert capped.history_[20]["relative_change"] == pytest.approx((before - capped.history_[20]["loss"]) / before)
    # a tolerance the loss reaches before the cap: training stops there, on the first iteration that meets it
    tol = float(np.quantile(changes, 0.5))
    first = next(entry["iteration"] for entry in capped.history_ if entry.get("relative_change", np.inf) < tol)
    assert first < len(capped.history_)
    stopped = MTPTrainer(level=4, min_dist=2.0, max_dist=4.5, max_iter=150, tol=tol, progress=False).fit(frames)
    assert stopped.stop_reason_ == "tol" and stopped.history_[-1]["stop_reason"] == "tol"
    assert len(stopped.history_) == first
    assert stopped.history_[-1]["loss"] == pytest.approx(capped.history_[first - 1]["loss"], rel=1e-9)
    with pytest.raises(ValueError, match="tol must be"):
        MTPTrainer(level=4, tol=-1.0, progress=False).fit(frames)
    with pytest.raises(ValueError, match="tol_window must be"):
        MTPTrainer(level=4, tol_window=0, progress=False).fit(frames)


def test_a_validation_set_is_scored_in_history_and_stops_training_when_it_stops_improving():
    frames, held_out = _frames(4), _frames(6)[4:]
    trainer = MTPTrainer(level=6, min_dist=2.0, max_dist=4.5, max_iter=200, tol=None, validate_every=2, patience=3,
                         progress=False).fit(frames, validation=held_out)
    scored = [entry for entry in trainer.history_ if "validation_loss" in entry]
    assert [entry["iteration"] for entry in scored] == list(range(2, 2 * len(scored) + 1, 2))
    assert all(entry["validation_energy_mae"] >= 0 and entry["validation_force_mae"] > 0 for entry in scored)
    losses = [entry["validation_loss"] for entry in scored]
    best = int(np.argmin(losses))
    # stopped after `patience` evaluations without a new best (long before the cap), and kept the best one
    assert trainer.stop_reason_ == "validation" and len(trainer.history_) < 200
    assert len(losses) - 1 - best == 3
    kept = trainer.errors(held_out)
    assert kept["energy_mae_mev_per_atom"] / 1000 == pytest.approx(scored[best]["validation_energy_mae"], rel=1e-6)
    assert kept["force_mae_ev_per_a"] == pytest.approx(scored[best]["validation_force_mae"], rel=1e-6)
