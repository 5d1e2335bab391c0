"""Committee of NequIP models: mean and spread, and committee active learning through the shared loop."""

from __future__ import annotations

import os
import sys
import textwrap

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.calculator import Calculator, all_changes

from matsci_ml.equivariant import CommitteeCalculator, NequIPCommittee, NequIPTrainer, nequip_calculator


@pytest.fixture(scope="module")
def committee(cu_frames, tiny):
    members = [NequIPTrainer(**tiny, max_epochs=8, seed=s, progress=False).fit(cu_frames[:6]) for s in range(3)]
    return NequIPCommittee([m.model_ for m in members], [m.config_ for m in members], max_selected=2)


class _FixedForces(Calculator):
    """Returns the forces (eV/A) and energy (eV) it was given, whatever the positions."""

    implemented_properties = ["energy", "forces"]

    def __init__(self, energy, forces):
        super().__init__()
        self.energy, self.forces = energy, np.asarray(forces, dtype=float)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        self.results = {"energy": self.energy, "forces": self.forces.copy()}


def test_mean_and_spread_on_members_with_known_forces():
    """Two members whose forces differ by (0, 0, 2) eV/A on atom 0 and agree on atom 1: the committee force is the
    midpoint, the spread 1 eV/A on atom 0 and 0 on atom 1; three members at E = 1, 2, 6 eV give E = 3, std sqrt(14/3)."""
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)[:2]
    atoms.pbc = False
    first = _FixedForces(1.0, [[0, 0, 1], [0.5, 0, 0]])
    second = _FixedForces(2.0, [[0, 0, -1], [0.5, 0, 0]])
    atoms.calc = CommitteeCalculator([first, second])
    np.testing.assert_allclose(atoms.get_forces(), [[0, 0, 0], [0.5, 0, 0]], atol=1e-15)
    np.testing.assert_allclose(atoms.calc.results["force_std"], [1.0, 0.0], atol=1e-15)
    third = _FixedForces(6.0, [[0, 0, 0], [0.5, 0, 0]])
    atoms.calc = CommitteeCalculator([first, second, third])
    assert atoms.get_potential_energy() == pytest.approx(3.0)
    assert atoms.calc.results["energy_std"] == pytest.approx(np.sqrt(14 / 3))
    np.testing.assert_allclose(atoms.calc.results["force_std"], [np.sqrt(2 / 3), 0.0], atol=1e-15)


def test_the_grade_is_the_largest_spread_of_the_nequip_members(committee, cu_frames):
    atoms = cu_frames[7].copy()
    atoms.calc = committee.calculator()
    atoms.get_forces()
    assert committee.grade(cu_frames[7]) == pytest.approx(atoms.calc.results["force_std"].max())
    assert atoms.calc.results["force_std"].max() > 0


def test_select_takes_the_largest_spreads_up_to_the_cap(committee, cu_frames):
    pool = []
    for amplitude in (0.01, 0.3, 0.02, 0.25):
        atoms = cu_frames[0].copy()
        atoms.rattle(amplitude, seed=11)
        pool.append(atoms)
    grades = committee.grades(pool)
    chosen = committee.select(pool)
    assert len(chosen) == 2 and sorted(chosen) == sorted(np.argsort(-grades)[:2].tolist())
    assert len(committee.select(pool, limit=1)) == 1
    with pytest.raises(ValueError, match="at least 2 members"):
        CommitteeCalculator([committee.calculator()])


LOOP_SCRIPT = textwrap.dedent("""
    import sys
    from ase.build import bulk
    from matsci_ml.active_learning import ActiveLearningLoop, MDExploration
    from matsci_ml.active_learning import CommitteeLearner

    def make_loop(state_path):
        initial = []
        for k in range(3):
            atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 1))
            atoms.rattle(0.03, seed=k)
            initial.append(atoms)
        start = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 1))
        learner = CommitteeLearner(2, {"r_max": 4.0, "num_features": 8, "radial_mlp_width": 16, "max_epochs": 6},
                                   max_selected=2, seed=0)
        return ActiveLearningLoop(initial, [MDExploration(start, temperature_K=900, steps=20, seed=0)],
                                  learner=learner, state_path=state_path, gamma_select=0.01, gamma_break=5.0,
                                  max_iterations=3, progress=False)

    if __name__ == "__main__":
        make_loop(sys.argv[1]).run()
""")


def test_committee_loop_runs_iterations_and_resumes_after_sigkill(tmp_path, sigkill_when):
    (tmp_path / "committee_loop.py").write_text(LOOP_SCRIPT)
    sys.path.insert(0, str(tmp_path))
    try:
        import committee_loop
    finally:
        sys.path.remove(str(tmp_path))
    uninterrupted = committee_loop.make_loop(tmp_path / "whole.json").run()
    assert len(uninterrupted.log) >= 2
    assert all(entry.get("selected", 0) <= 2 for entry in uninterrupted.log)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    state_path = tmp_path / "killed.json"
    killed_in = sigkill_when([tmp_path / "committee_loop.py", state_path], state_path,
                             lambda state: state["iteration"] >= 1 and state["phase"] == "explore", env=env)
    assert killed_in is not None
    resumed = committee_loop.make_loop(state_path).run()
    same = [(a.positions.tolist(), a.get_potential_energy()) for a in resumed.training_set]
    assert same == [(a.positions.tolist(), a.get_potential_energy()) for a in uninterrupted.training_set]
