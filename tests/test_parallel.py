"""The course's independent jobs on a real dask.distributed cluster (a LocalCluster of two worker processes):
oracle labels of active learning, cluster-expansion labels, Monte Carlo temperature and chemical-potential scans
give exactly the serial numbers. (The active-learning loop on the same cluster: tests/active_learning/test_loop.py.)"""

from __future__ import annotations

import os

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.parallel import InProcessExecutor, as_executor, run_all

pytest.importorskip("distributed")


def _pid_after(delay_s: float) -> int:
    import time

    time.sleep(delay_s)
    return os.getpid()


def test_jobs_run_in_the_two_worker_processes_and_come_back_in_order(dask_client):
    pids = run_all(_pid_after, [dict(delay_s=0.3)] * 6, dask_client)
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert run_all(pow, [dict(base=k, exp=2) for k in range(10)], dask_client) == [k * k for k in range(10)]


def test_equal_submissions_are_not_merged(dask_client):
    # dask's default (pure=True) would run one task for equal arguments; we submit with pure=False
    futures = [as_executor(dask_client).submit(_pid_after, 0.3) for _ in range(4)]
    assert len({f.result() for f in futures}) == 2


def test_oracle_labels_of_active_learning_on_a_cluster(dask_client):
    from matsci_ml.atomistic.oracle import label_all

    frames = []
    for k in range(6):
        atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2)
        atoms.rattle(0.05, seed=k)
        frames.append(atoms)
    serial, on_cluster = label_all(frames), label_all(frames, executor=dask_client)
    for a, b in zip(serial, on_cluster):
        assert a.get_potential_energy() == b.get_potential_energy()
        np.testing.assert_array_equal(a.get_forces(), b.get_forces())
        np.testing.assert_array_equal(a.get_stress(), b.get_stress())


def test_cluster_expansion_labels_on_a_cluster(dask_client, tmp_path):
    from matsci_ml.cluster_expansion import enumerate_structures, label_structures
    from matsci_ml.cluster_expansion.lesson_setup import cupt_parent

    structures = enumerate_structures(cupt_parent(), [1, 2, 3], ("Cu", "Pt"))[:8]
    serial = label_structures(structures, ("Cu", "Pt"), relax="volume")
    cache = tmp_path / "labels.json"
    on_cluster = label_structures(structures, ("Cu", "Pt"), relax="volume", executor=dask_client, cache=cache)
    np.testing.assert_array_equal(serial.energy_per_atom, on_cluster.energy_per_atom)
    assert cache.exists()


def test_temperature_and_chemical_potential_scans_on_a_cluster(dask_client):
    from matsci_ml.monte_carlo import chemical_potential_scan, square_lattice_ising, temperature_scan

    hamiltonian = square_lattice_ising(8)
    spins = np.ones(64)
    serial = temperature_scan(hamiltonian, spins, [1.5, 2.3, 3.5], n_sweeps=300, seed=3)
    on_cluster = temperature_scan(hamiltonian, spins, [1.5, 2.3, 3.5], n_sweeps=300, seed=3, executor=dask_client)
    for a, b in zip(serial, on_cluster):
        np.testing.assert_array_equal(a.energies, b.energies)
        np.testing.assert_array_equal(a.spins, b.spins)
    dmus = np.linspace(-2, 2, 5)
    x_serial = chemical_potential_scan(hamiltonian, spins, dmus, kT=2.0, n_sweeps=200, seed=1)
    x_cluster = chemical_potential_scan(hamiltonian, spins, dmus, kT=2.0, n_sweeps=200, seed=1, executor=dask_client)
    np.testing.assert_array_equal(x_serial, x_cluster)
    assert np.all(np.diff(x_serial) > 0)


def test_in_process_executor_runs_each_job_once_when_asked():
    calls = []
    future = InProcessExecutor().submit(lambda: calls.append(1) or len(calls))
    assert calls == [] and future.result() == 1 and future.result() == 1 and calls == [1]
    with pytest.raises(TypeError, match="submit"):
        as_executor(object())
