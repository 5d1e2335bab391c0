"""The bootstrapping loop: converges on MD of fcc Cu, labels through any Executor, resumes after SIGKILL."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.active_learning import ActiveLearningLoop, label, label_all

LOOP_SCRIPT = textwrap.dedent("""
    import sys
    from ase.build import bulk
    from matsci_ml.active_learning import ActiveLearningLoop, MDExploration, MTPLearner

    def make_loop(state_path, max_iterations=8, executor=None):
        initial = []
        for k in range(3):
            atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
            atoms.rattle(0.03, seed=k)
            initial.append(atoms)
        start = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
        explorations = [MDExploration(start, temperature_K=t, steps=150, seed=i) for i, t in enumerate([500, 1000])]
        learner = MTPLearner({"level": 8, "min_dist": 1.9, "max_dist": 4.5, "max_iter": 30}, seed=0)
        return ActiveLearningLoop(initial, explorations, learner=learner, state_path=state_path,
                                  max_iterations=max_iterations, executor=executor, progress=False)

    if __name__ == "__main__":
        make_loop(sys.argv[1]).run()
""")


@pytest.fixture(scope="module")
def loop_module(tmp_path_factory):
    folder = tmp_path_factory.mktemp("loop")
    (folder / "al_loop_script.py").write_text(LOOP_SCRIPT)
    sys.path.insert(0, str(folder))
    import al_loop_script

    yield folder, al_loop_script
    sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def uninterrupted(loop_module):
    folder, script = loop_module
    return script.make_loop(folder / "uninterrupted.json").run()


def _training_arrays(loop):
    return [(a.numbers.tolist(), a.positions.tolist(), a.get_potential_energy()) for a in loop.training_set]


def test_loop_converges_with_full_length_md(uninterrupted):
    log = uninterrupted.log
    assert uninterrupted.converged
    assert log[0]["reliability"] < 1.0                 # the first potential cannot run the hot MD
    assert log[-1]["reliability"] == 1.0 and log[-1]["candidates"] == 0
    assert all(not run["broken"] and run["steps_done"] == 150 for run in uninterrupted.runs)
    assert uninterrupted.oracle_calls == sum(entry["oracle_calls"] for entry in log) == len(uninterrupted.training_set)
    for entry in log[:-1]:
        assert 0 < entry["selected"] <= uninterrupted.model.size
    grades = uninterrupted.model.grades(uninterrupted.training_set)
    assert grades.max() <= 1 + 1e-6


def test_sigkill_mid_iteration_then_resume_gives_the_same_training_set(loop_module, uninterrupted, sigkill_when):
    folder, script = loop_module
    state_path = folder / "killed.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    # trained in iteration >= 1, now running the MD: killed in the middle of an iteration
    killed_in = sigkill_when([folder / "al_loop_script.py", state_path], state_path,
                             lambda state: state["iteration"] >= 1 and state["phase"] == "explore", env=env)
    assert killed_in is not None, "the loop finished or stalled before it could be killed"
    resumed = script.make_loop(state_path).run()
    assert resumed.converged
    assert _training_arrays(resumed) == _training_arrays(uninterrupted)
    np.testing.assert_array_equal(resumed.model.potential.parameters, uninterrupted.model.potential.parameters)


def test_a_finished_run_loads_without_work_and_settings_are_checked(loop_module, uninterrupted):
    folder, script = loop_module
    again = script.make_loop(folder / "uninterrupted.json")
    started = time.process_time()            # CPU time: a busy machine does not fail this
    again.run()
    assert time.process_time() - started < 20
    assert _training_arrays(again) == _training_arrays(uninterrupted)
    other = script.make_loop(folder / "uninterrupted.json")
    other.gamma_break = 5.0
    with pytest.raises(ValueError, match="other settings"):
        other.run()
    broken = folder / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        script.make_loop(broken).run()


def test_loop_labels_on_a_dask_cluster(loop_module, dask_client, tmp_path):
    _, script = loop_module
    serial = script.make_loop(tmp_path / "serial.json", max_iterations=2).run()
    on_cluster = script.make_loop(tmp_path / "cluster.json", max_iterations=2, executor=dask_client).run()
    assert len(serial.training_set) == len(on_cluster.training_set) > 3
    for a, b in zip(serial.training_set, on_cluster.training_set):
        np.testing.assert_array_equal(a.positions, b.positions)
        assert a.get_potential_energy() == b.get_potential_energy()


def test_labelling_through_an_executor_matches_in_process():
    frames = []
    for k in range(4):
        atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
        atoms.rattle(0.05, seed=k)
        frames.append(atoms)
    serial = label_all(frames)
    with ThreadPoolExecutor(max_workers=2) as executor:
        threaded = label_all(frames, executor=executor)
    # other processes (as a dask.distributed Client would use): the jobs and the oracle must pickle
    with ProcessPoolExecutor(max_workers=2) as executor:
        in_processes = label_all(frames, executor=executor)
    for a, b, c in zip(serial, threaded, in_processes):
        for other in (b, c):
            assert a.get_potential_energy() == other.get_potential_energy()
            np.testing.assert_array_equal(a.get_forces(), other.get_forces())
            np.testing.assert_array_equal(a.get_stress(), other.get_stress())
    with pytest.raises(TypeError, match="ASE calculator"):
        label(frames[0], oracle="EMT")


def test_bad_settings_are_explained():
    with pytest.raises(ValueError, match="at least one starting configuration"):
        ActiveLearningLoop([], [])
    with pytest.raises(ValueError, match="gamma_select <= gamma_break"):
        ActiveLearningLoop([bulk("Cu")], [], gamma_select=3, gamma_break=2)


def test_state_dir_keeps_one_run_per_setting_and_never_refuses(tmp_path):
    from matsci_ml.active_learning import MDExploration, MTPLearner

    def loop(gamma_select):
        initial = [bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2) for _ in range(3)]
        for k, atoms in enumerate(initial):
            atoms.rattle(0.03, seed=k)
        md = MDExploration(bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2), temperature_K=300, steps=5, seed=0)
        return ActiveLearningLoop(initial, [md], learner=MTPLearner({"level": 6, "min_dist": 1.9, "max_dist": 4.5,
                                                                    "max_iter": 5}, seed=0),
                                  state_dir=tmp_path / "md", gamma_select=gamma_select, max_iterations=1, progress=False)

    first = loop(2.0)
    first.run()
    changed = loop(1.5)                                   # another threshold: a new run, not an error
    assert changed.state_path != first.state_path and changed.state_path.parent == tmp_path / "md"
    changed.run()
    assert sorted(p.name for p in (tmp_path / "md").iterdir()) == sorted([first.state_path.name,
                                                                          changed.state_path.name])
    assert loop(2.0).state_path == first.state_path      # same settings: the same file, resumed
    with pytest.raises(ValueError, match="not both"):
        ActiveLearningLoop([bulk("Cu")], [], state_path=tmp_path / "x.json", state_dir=tmp_path)


def test_the_progress_bar_ends_full_with_the_outcome(tmp_path, capsys):
    from matsci_ml.active_learning import MDExploration, MTPLearner

    initial = [bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2) for _ in range(3)]
    for k, atoms in enumerate(initial):
        atoms.rattle(0.03, seed=k)
    md = MDExploration(bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2), temperature_K=300, steps=5, seed=0)
    ActiveLearningLoop(initial, [md], learner=MTPLearner({"level": 6, "min_dist": 1.9, "max_dist": 4.5, "max_iter": 5},
                                                         seed=0), state_dir=tmp_path, max_iterations=5).run()
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in last and ("converged" in last or "stopped at max_iterations" in last), last


def _saved_state(tmp_path):
    from ase.build import bulk

    loop = ActiveLearningLoop([bulk("Cu", "fcc", a=3.6)], [], state_path=tmp_path / "state.json", progress=False)
    state = loop._new_state()
    state["training"] = [{"numbers": [29]}, {"numbers": [29]}]
    loop._save(state)
    return loop, tmp_path / "state.json"


def test_a_state_that_is_not_utf8_or_not_the_loops_is_refused_clearly(tmp_path):
    from matsci_ml.active_learning.loop import read_state

    loop, path = _saved_state(tmp_path)
    assert read_state(path)["training"] == [{"numbers": [29]}, {"numbers": [29]}]
    path.write_bytes(b'{"version": 3, "phase": "\xff"}')
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        loop._load_state()
    path.write_text('[1, 2, 3]')
    with pytest.raises(ValueError, match="holds a JSON list"):
        loop._load_state()
    path.write_text('{"version": 3, "phase": "train"}')
    with pytest.raises(ValueError, match="missing or malformed: fingerprint, iteration"):
        loop._load_state()


def test_a_training_set_shortened_by_hand_is_not_resumed(tmp_path):
    loop, path = _saved_state(tmp_path)
    state = json.loads(path.read_text())
    state["training"] = state["training"][:1]
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match="changed after the loop wrote it .* 1 training configurations"):
        loop._load_state()
