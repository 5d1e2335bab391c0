"""Shared test setup: no test touches the network; data come from $MATSCI_ML_DATA."""

from __future__ import annotations

import contextlib
import os

# Set before anything imports matsci_ml, and inherited by the notebook kernels the lesson tests start.
os.environ["MATSCI_ML_OFFLINE"] = "1"
os.environ.pop("MP_API_KEY", None)
# Strict mode: a reproduction check out of tolerance, or a wrong answer to an attempted exercise, raises
# (in the learner's notebook both only print their verdict).
os.environ["MATSCI_ML_STRICT"] = "1"
# Under pytest-xdist every worker gets one core: its tests, and the notebook kernels it starts, run one thread per
# pool (OpenMP, OpenBLAS, MKL, numba, torch, joblib). Without this two workers each start as many threads as there are
# cores, and OpenMP threads spin-wait on each other: a lesson measured 476 s of CPU time instead of about 100.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                     "LOKY_MAX_CPU_COUNT"):          # joblib n_jobs=-1 then means one process
        os.environ[variable] = "1"

import pytest  # noqa: E402

if os.environ.get("PYTEST_XDIST_WORKER"):          # and for libraries a plugin may have loaded already
    from threadpoolctl import threadpool_limits  # noqa: E402

    threadpool_limits(1)

from matsci_ml.apis import LocalOptimadeServer  # noqa: E402


@pytest.fixture(scope="session")
def optimade_server():
    with LocalOptimadeServer() as server:
        yield server


def _run_until_then_sigkill(arguments, state_path, condition, *, env=None, timeout_s: float = 300):
    """Start ``python arguments...``, poll the JSON at ``state_path`` and SIGKILL the process as soon as
    ``condition(state)`` holds; returns the state it was killed in (None if it ended first)."""
    import json
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, *map(str, arguments)], env=env)
    deadline = time.monotonic() + timeout_s
    killed_in = None
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if state_path.exists():
                state = json.loads(state_path.read_text())
                if condition(state):
                    process.send_signal(signal.SIGKILL)
                    killed_in = state
                    break
            time.sleep(0.05)
    finally:
        if process.poll() is None and killed_in is None:
            process.kill()
        process.wait()
    if killed_in is not None:
        assert process.returncode == -signal.SIGKILL
    return killed_in


@contextlib.contextmanager
def _running_lab(workspace, extra=(), *, token: str = "course-test"):
    """`matsci-ml lab` serving the workspace ``workspace`` on a free localhost port: yields its base URL; then stops
    it and checks that JupyterLab stopped with it."""
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    import psutil
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:       # a file, not a pipe: a long-running server never blocks on it
        process = subprocess.Popen(
            [sys.executable, "-m", "matsci_ml.cli", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={token}", *extra],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "MATSCI_ML_WORKSPACE": str(workspace)})
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if requests.get(f"{url}/api/status?token={token}", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError("JupyterLab did not answer:\n" + log.read()[-3000:])
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if f"--port={port}" in " ".join(p.info["cmdline"] or [])]
    assert not leftovers, "stopping `matsci-ml lab` must stop JupyterLab too"


@pytest.fixture(scope="session")
def running_lab():
    """``with running_lab(workspace, extra_options, token=...) as url:`` a JupyterLab started by `matsci-ml lab`."""
    return _running_lab


@pytest.fixture(scope="module")
def dask_client():
    """A real dask.distributed cluster: two worker processes of one thread each, no dashboard (workers inherit the
    environment: data folder, threads)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="session")
def sigkill_when():
    """``sigkill_when(arguments, state_path, condition, env=None)``: run a script, kill it mid-run (see above)."""
    return _run_until_then_sigkill


#: Slowest first. With two workers (pytest-xdist ``--dist load --maxschedchunk 1``) each worker first gets two
#: consecutive tests, then one more whenever it has fewer than two: the lessons, a minute or two each, are dealt
#: out first, longest first, instead of queueing on one worker.
_LONG_FIRST = ("test_solution_version_passes_every_check_within_budget", "test_lesson_05_widgets_and_3d_views_render",
               "test_the_check_fails_without_the_widget_javascript", "test_binder_cumulant_crossing",
               "test_committee_loop_runs_iterations", "test_sigkill_mid_iteration")
#: Lessons in the order they are dealt out. Measured CPU time (matsci-ml run): 08 > 03 > 07 > 06 > 05 > 04 > 02 > 01;
#: the first four pair a long lesson with a short one (worker 1: 08 + 01, worker 2: 03 + 02), the rest go longest
#: first to whichever worker is free.
_LESSON_ORDER = ("08_", "01_", "03_", "02_", "07_", "06_", "05_", "04_")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        for k, prefix in enumerate(_LONG_FIRST):
            if item.name.startswith(prefix):
                lesson = next((j for j, p in enumerate(_LESSON_ORDER) if f"[{p}" in item.name), 0)
                return (k, lesson)
        return (len(_LONG_FIRST), 0)

    items.sort(key=rank)          # stable: within a rank, collection order
