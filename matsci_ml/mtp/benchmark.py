"""``matsci-ml bench mtp``: our MTP kernels against motep's C extension, and a timed Mo fit.

Speed: the same level-16 ``.mtp`` file evaluated by both calculators on a 256-atom bcc Mo cell, on
the same sequence of small random displacements (an MD-like walk, so both neighbour lists use their
Verlet skins), repeated; kernel and end-to-end figures as in :mod:`matsci_ml.bench`.
Accuracy: an MTP trained on the mlearn Mo training set, its errors on the test set, and the time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ase.build import bulk

from matsci_ml.bench import Comparison, Side, _check_repeat, spread
from matsci_ml.mtp.calculator import MTPCalculator
from matsci_ml.mtp.potential import MomentTensorPotential

#: the settings of the shipped Mo potential and of the bench's fit (see datasets/mtp/train_mo_mtp.py)
MO_FIT_SETTINGS = {"level": 16, "min_dist": 1.8, "max_dist": 5.0, "energy_weight": 10.0, "max_iter": 400,
                   "max_time_s": 540.0, "seed": 0}


@dataclass
class MTPBench:
    """Speed of our calculator against motep's (a :class:`~matsci_ml.bench.Comparison`) and, optionally, a timed fit."""

    speed: Comparison
    training: dict = field(default_factory=dict)

    @property
    def time_ratio(self) -> float:
        """Median over repeats of our time per atom per step over motep's (below 1: ours is faster)."""
        return 1.0 / spread(self.speed.kernel_ratios())["median"]

    def to_dict(self) -> dict:
        training = {k: v for k, v in self.training.items() if k != "trainer"}
        return {"speed": self.speed.to_dict(), "training": training}

    def __str__(self) -> str:
        lines = [str(self.speed)]
        if self.speed.peer.measured:
            lines.append(f"  time per atom per step, ours / motep: {self.time_ratio:.2f} (median)")
        if self.training:
            t = self.training
            lines.append(f"Training on mlearn Mo ({t['n_train']} configurations), level {t['level']}, "
                         f"{t['iterations']} L-BFGS iterations: {t['fit_time_s']:.0f} s (one run)")
            lines.append(f"  test set ({t['n_test']} configurations): energy MAE {t['energy_mae_mev_per_atom']:.2f} "
                         f"meV/atom, force MAE {t['force_mae_ev_per_a']:.3f} eV/A, stress MAE {t['stress_mae_gpa']:.2f} GPa "
                         f"(Zuo et al. 2020 MTP: 2.83 meV/atom, 0.09 eV/A)")
        return "\n".join(lines)


def _walk(calc, atoms, displacements) -> tuple[np.ndarray, float]:
    """Energy, forces and stress at the start and after each displacement: the last forces, and the seconds of the
    displaced steps (the first call, which builds the neighbour list, is outside them)."""
    atoms = atoms.copy()
    atoms.calc = calc
    atoms.get_forces()
    atoms.get_stress()
    start = time.perf_counter()
    for step in displacements:
        atoms.positions += step
        atoms.get_forces()
        atoms.get_stress()
    return atoms.get_forces(), time.perf_counter() - start


def _timed_walk(make_calc, atoms, displacements, side: Side) -> np.ndarray:
    """One repeat of one side: end to end (read the file, build the calculator, the walk), then the kernel (the
    walk again on the built calculator, its steps only)."""
    start = time.perf_counter()
    calc = make_calc()
    side.setup_s.append(time.perf_counter() - start)
    _walk(calc, atoms, displacements)
    side.end_to_end_s.append(time.perf_counter() - start)
    forces, steps_s = _walk(calc, atoms, displacements)
    side.kernel_rate.append(len(atoms) * len(displacements) / steps_s)
    return forces


def bench_mtp(*, steps: int = 50, repeat: int = 3, train: bool = True, level: int = 16, tmp_dir=None) -> MTPBench:
    """Time our calculator and motep's on the same file and walk, ``repeat`` times each; optionally train an MTP of
    ``level`` on mlearn Mo (the timing uses level 16 whatever ``level``).

    Kernel: atom-steps per second (energy + forces + stress) along the walk on a built calculator. End to end: read
    the ``.mtp`` file, build the calculator and run the walk (first neighbour list included).
    """
    import tempfile
    from pathlib import Path

    repeat = _check_repeat(repeat)
    atoms = bulk("Mo", "bcc", a=3.16, cubic=True).repeat((4, 4, 8))
    atoms.rattle(0.05, seed=0)
    displacements = np.random.default_rng(1).normal(scale=0.003, size=(steps, len(atoms), 3))
    mtp = MomentTensorPotential.from_level(16, ["Mo"], min_dist=1.8, max_dist=5.0, seed=0)
    mtp.moment_coeffs = np.random.default_rng(2).normal(size=mtp.moment_coeffs.size) * 1e-3
    ours = Side("ours (matsci_ml, numba)")
    peer = Side("motep 0.2 C extension (engine='cext')")
    agreement = ""
    with tempfile.TemporaryDirectory(dir=tmp_dir) as folder:
        path = Path(folder) / "Mo_level16.mtp"
        mtp.write(path)
        try:
            from motep.calculator import MTP
            from motep.io.mlip.mtp import read_mtp as motep_read
        except ImportError:
            peer.note = "not installed (pip install 'matsci-ml[bench]')"

        def make_peer():
            data = motep_read(path)
            data.species = [42]
            return MTP(data, engine="cext")

        _walk(MTPCalculator(path, skin=0.3), atoms, displacements[:2])          # compile or load numba's cache
        for _ in range(repeat):
            ours_forces = _timed_walk(lambda: MTPCalculator(path, skin=0.3), atoms, displacements, ours)
            if not peer.note:
                peer_forces = _timed_walk(make_peer, atoms, displacements, peer)
                difference = float(np.abs(ours_forces - peer_forces).max())
                agreement = f"same model: largest force difference, ours vs motep, {difference:.1e} eV/A"
    speed = Comparison(f"MTP level 16, energy + forces + stress, bcc Mo {len(atoms)} atoms, {steps} MD-like steps",
                       "atom-steps/s", f"read the .mtp file, build the calculator, {steps} steps", ours, peer, agreement,
                       {"n_atoms": len(atoms), "steps": steps,
                        "max_force_difference": difference if not peer.note else float("nan")})
    result = MTPBench(speed)
    if train:
        result.training = train_mo(level=level)
    return result


def train_mo(**overrides) -> dict:
    """Fit the bench's Mo MTP (settings :data:`MO_FIT_SETTINGS`) and return its test errors and time."""
    from matsci_ml.data import load_mlearn
    from matsci_ml.mtp.training import MTPTrainer

    settings = {**MO_FIT_SETTINGS, **overrides}
    training, test = load_mlearn("Mo", "training"), load_mlearn("Mo", "test")
    trainer = MTPTrainer(**settings).fit(training)
    out = {"level": settings["level"], "n_train": len(training), "n_test": len(test),
           "iterations": len(trainer.history_), "fit_time_s": trainer.fit_time_s_, "trainer": trainer}
    out.update(trainer.errors(test))
    return out
