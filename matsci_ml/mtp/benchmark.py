"""``matsci-ml bench mtp``: our MTP kernels against motep's C extension, and a timed Mo fit.

Speed: the same level-16 ``.mtp`` file evaluated by both calculators on a 256-atom bcc Mo cell, on
the same sequence of small random displacements (an MD-like walk, so both neighbour lists use their
Verlet skins); one warm-up call each; seconds per atom per step and the ratio.
Accuracy: an MTP trained on the mlearn Mo training set, its errors on the test set, and the time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ase.build import bulk

from matsci_ml.mtp.calculator import MTPCalculator
from matsci_ml.mtp.potential import MomentTensorPotential

#: the settings of the shipped Mo potential and of the bench's fit (see datasets/mtp/train_mo_mtp.py)
MO_FIT_SETTINGS = {"level": 16, "min_dist": 1.8, "max_dist": 5.0, "energy_weight": 10.0, "max_iter": 400,
                   "max_time_s": 540.0, "seed": 0}


@dataclass
class MTPBench:
    n_atoms: int
    steps: int
    ours_s_per_atom_step: float
    peer: str
    peer_s_per_atom_step: float | str
    max_force_difference: float = float("nan")
    training: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Our time over motep's (below 1: ours is faster)."""
        return self.ours_s_per_atom_step / self.peer_s_per_atom_step

    def __str__(self) -> str:
        lines = [f"MTP level 16, energy + forces + stress, bcc Mo {self.n_atoms} atoms, {self.steps} MD-like steps",
                 f"  ours (matsci_ml, numba): {self.ours_s_per_atom_step:.3e} s per atom per step"]
        if isinstance(self.peer_s_per_atom_step, str):
            lines.append(f"  {self.peer}: {self.peer_s_per_atom_step}")
        else:
            lines.append(f"  {self.peer}: {self.peer_s_per_atom_step:.3e} s per atom per step")
            lines.append(f"  time ratio ours/motep: {self.ratio:.2f} (ours is {1 / self.ratio:.1f}x faster); "
                         f"largest force difference {self.max_force_difference:.1e} eV/A")
        if self.training:
            t = self.training
            lines.append(f"Training on mlearn Mo ({t['n_train']} configurations), level {t['level']}, "
                         f"{t['iterations']} L-BFGS iterations: {t['fit_time_s']:.0f} s")
            lines.append(f"  test set ({t['n_test']} configurations): energy MAE {t['energy_mae_mev_per_atom']:.2f} "
                         f"meV/atom, force MAE {t['force_mae_ev_per_a']:.3f} eV/A, stress MAE {t['stress_mae_gpa']:.2f} GPa "
                         f"(Zuo et al. 2020 MTP: 2.83 meV/atom, 0.09 eV/A)")
        return "\n".join(lines)


def _time_steps(calc, atoms, displacements) -> tuple[float, np.ndarray]:
    atoms = atoms.copy()
    atoms.calc = calc
    atoms.get_forces()
    atoms.get_stress()
    start = time.perf_counter()
    for step in displacements:
        atoms.positions += step
        atoms.get_forces()
        atoms.get_stress()
    return time.perf_counter() - start, atoms.get_forces()


def bench_mtp(*, steps: int = 50, train: bool = True, tmp_dir=None) -> MTPBench:
    """Time our calculator and motep's on the same file and walk; optionally train on mlearn Mo."""
    import tempfile
    from pathlib import Path

    atoms = bulk("Mo", "bcc", a=3.16, cubic=True).repeat((4, 4, 8))
    atoms.rattle(0.05, seed=0)
    displacements = np.random.default_rng(1).normal(scale=0.003, size=(steps, len(atoms), 3))
    mtp = MomentTensorPotential.from_level(16, ["Mo"], min_dist=1.8, max_dist=5.0, seed=0)
    mtp.moment_coeffs = np.random.default_rng(2).normal(size=mtp.moment_coeffs.size) * 1e-3
    with tempfile.TemporaryDirectory(dir=tmp_dir) as folder:
        path = Path(folder) / "Mo_level16.mtp"
        mtp.write(path)
        ours_s, ours_forces = _time_steps(MTPCalculator(path, skin=0.3), atoms, displacements)
        try:
            from motep.calculator import MTP
            from motep.io.mlip.mtp import read_mtp as motep_read
        except ImportError:
            peer_s, difference = "not installed (pip install 'matsci-ml[bench]')", float("nan")
        else:
            data = motep_read(path)
            data.species = [42]
            peer_s, peer_forces = _time_steps(MTP(data, engine="cext"), atoms, displacements)
            difference = float(np.abs(ours_forces - peer_forces).max())
    per = len(atoms) * steps
    result = MTPBench(len(atoms), steps, ours_s / per, "motep 0.2 C extension (engine='cext')",
                      peer_s / per if not isinstance(peer_s, str) else peer_s, difference)
    if train:
        result.training = train_mo()
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
