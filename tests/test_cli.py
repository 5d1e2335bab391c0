"""The matsci-ml command, run as a user would run it (a subprocess, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from matsci_ml.data import catalogue, get_dataset


def matsci_ml(*args, env_update=None, timeout=300):
    env = dict(os.environ, **(env_update or {}))
    return subprocess.run([sys.executable, "-m", "matsci_ml.cli", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_doctor_passes_with_the_mirror():
    result = matsci_ml("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 of 13 present with valid sha256" in result.stdout and "The course is ready." in result.stdout


def test_doctor_without_data_names_each_missing_dataset(tmp_path):
    result = matsci_ml("doctor", env_update={"MATSCI_ML_DATA": str(tmp_path)})
    assert result.returncode == 1
    for dataset in catalogue():
        assert f"`matsci-ml data fetch {dataset.name}`" in result.stdout
    assert "The course cannot run yet" in result.stdout


def test_doctor_never_prints_the_key():
    key = "abcdefghijklmnopqrstuvwxyz012345"
    result = matsci_ml("doctor", env_update={"MP_API_KEY": key})
    assert key not in result.stdout + result.stderr and "32 characters; not shown" in result.stdout


def test_data_list_shows_catalogue():
    result = matsci_ml("data", "list")
    assert result.returncode == 0
    for dataset in catalogue():
        assert dataset.name in result.stdout and dataset.url in result.stdout and dataset.sha256 in result.stdout


def test_data_verify_rehashes_and_rejects_a_flipped_byte(tmp_path):
    for dataset in catalogue():
        target = dataset.local_path(tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(dataset.local_path(), target)
    assert matsci_ml("data", "verify", "--dir", str(tmp_path)).returncode == 0
    target = get_dataset("mlearn_Si_test").local_path(tmp_path)
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    result = matsci_ml("data", "verify", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert "[corrupt] mlearn_Si_test" in result.stdout and "12 of 13 datasets ok" in result.stdout


def test_data_fetch_offline_with_everything_present_is_a_no_op():
    result = matsci_ml("data", "fetch")
    assert result.returncode == 0 and "13 of 13 datasets ok" in result.stdout


def test_data_fetch_offline_with_a_file_missing_fails_clearly(tmp_path):
    result = matsci_ml("data", "fetch", "mlearn_Mo_test", env_update={"MATSCI_ML_DATA": str(tmp_path)})
    assert result.returncode == 1 and "MATSCI_ML_OFFLINE forbids network access" in result.stdout


def test_unknown_dataset_name():
    result = matsci_ml("data", "fetch", "nonsense")
    assert result.returncode == 2 and "Unknown dataset 'nonsense'" in result.stderr


@pytest.fixture
def notebooks(tmp_path):
    def write(name, source):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = tmp_path / name
        nbformat.write(nb, path)
        return path
    return write


def test_run_prints_time_and_memory_table(notebooks):
    good = notebooks("good.ipynb", "import numpy as np\nx = np.ones(20_000_000)  # 160 MB\nprint(x.sum())")
    bad = notebooks("bad.ipynb", "1 / 0")
    result = matsci_ml("run", str(good), str(bad))
    assert result.returncode == 1
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.endswith(tuple("0123456789"))}
    assert lines["good.ipynb"][1] == "ok" and lines["bad.ipynb"][1] == "FAILED"
    assert float(lines["good.ipynb"][4]) > 160  # peak memory (MB) sees the 160 MB array
    assert float(lines["good.ipynb"][3]) > 0   # CPU time (s) of the kernel
    assert "ZeroDivisionError" in result.stdout
    ok_only = matsci_ml("run", str(good), "--max-memory-mb", "50")
    assert ok_only.returncode == 1 and "over budget" in ok_only.stdout


def test_run_starts_each_lesson_from_a_clean_state(notebooks):
    """A lesson that saves state beside itself (al_runs/) is not resumed by a second `matsci-ml run`, and what the
    learner saved in the lesson folder is left alone."""
    saver = notebooks("saver.ipynb", "from pathlib import Path\nassert not Path('al_runs').exists(), 'resumed'\n"
                                     "Path('al_runs').mkdir()\n(Path('al_runs') / 'state.json').write_text('{}')")
    (saver.parent / "al_runs").mkdir()
    (saver.parent / "al_runs" / "mine.json").write_text("{}")
    for _ in range(2):
        result = matsci_ml("run", str(saver))
        assert result.returncode == 0, result.stdout
    assert [p.name for p in (saver.parent / "al_runs").iterdir()] == ["mine.json"]


def test_run_reports_a_missing_notebook_and_a_timeout_and_goes_on(notebooks, tmp_path):
    slow = notebooks("slow.ipynb", "import time\ntime.sleep(30)")
    good = notebooks("good.ipynb", "print(1 + 1)")
    result = matsci_ml("run", str(tmp_path / "nowhere.ipynb"), str(slow), str(good), "--cell-timeout", "3")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout          # (the killed kernel may log its own on stderr)
    assert "nowhere.ipynb: no such file" in result.stdout
    assert "a cell ran longer than 3 s, the one starting 'import time'" in result.stdout
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.endswith(tuple("0123456789"))}
    assert lines["good.ipynb"][1] == "ok" and lines["slow.ipynb"][1] == "FAILED"


def _contents_and_settings(url: str) -> tuple[list[str], dict]:
    """Names at the root of a running JupyterLab's contents API, and its notification settings."""
    import requests

    contents = requests.get(f"{url}/api/contents?token=course-test", timeout=5).json()["content"]
    names = [item["name"] for item in contents]
    settings = requests.get(f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token=course-test",
                            timeout=5).json()
    assert requests.get(f"{url}/lab?token=course-test", timeout=5).status_code == 200
    return names, settings


def test_lab_serves_the_learners_own_copy_of_the_lessons(tmp_path, running_lab):
    from matsci_ml.paths import LESSONS_DIR

    before = {p.name: p.read_bytes() for p in LESSONS_DIR.glob("*.ipynb")}
    workspace = tmp_path / "work"
    with running_lab(workspace) as url:
        names, settings = _contents_and_settings(url)
    assert "01_materials_data_and_apis.ipynb" in names
    assert sorted(p.name for p in workspace.glob("*.ipynb")) == sorted(before)
    # the course's settings are what JupyterLab serves (overrides become the schema's defaults): no news, no update
    # check; a JupyterLab without them has "none" and True
    defaults = {name: value.get("default") for name, value in settings["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
    assert {p.name: p.read_bytes() for p in LESSONS_DIR.glob("*.ipynb")} == before


def test_lab_takes_another_root_dir(tmp_path, running_lab):
    # a second root_dir used to crash JupyterLab ("root_dir only accepts one value")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "mine.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    with running_lab(tmp_path / "work", [f"--ServerApp.root_dir={other}"]) as url:
        names, _ = _contents_and_settings(url)
    assert names == ["mine.ipynb"]


def test_lab_reset_keeps_the_learners_copy(tmp_path):
    from matsci_ml.notebooks import lesson_notebooks
    from matsci_ml.workspace import find_lesson, prepare_workspace, reset_lesson

    workspace = tmp_path / "work"
    assert len(prepare_workspace(workspace)) == len(lesson_notebooks())
    mine = workspace / find_lesson("5").name
    mine.write_text("my edits")
    assert prepare_workspace(workspace) == [] and mine.read_text() == "my edits"     # never overwritten
    env = {**os.environ, "MATSCI_ML_WORKSPACE": str(workspace)}
    result = subprocess.run([sys.executable, "-m", "matsci_ml.cli", "lab", "--reset", "05", "--prepare"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "reset 05_monte_carlo.ipynb" in result.stdout
    assert mine.read_bytes() == find_lesson("05").read_bytes()
    backups = list((workspace / ".backups").glob("05_monte_carlo.*.ipynb"))
    assert len(backups) == 1 and backups[0].read_text() == "my edits"
    fresh, backup = reset_lesson("05_monte_carlo", workspace)
    assert backup is not None and backup != backups[0]
    bad = subprocess.run([sys.executable, "-m", "matsci_ml.cli", "lab", "--reset", "99", "--prepare"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "give its number" in bad.stderr


def test_missing_data_gives_a_message_not_a_traceback(tmp_path):
    result = matsci_ml("bench", "featurize", env_update={"MATSCI_ML_DATA": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "matsci-ml data fetch matbench_expt_gap" in result.stderr


def test_lab_starts_without_the_last_sessions_tabs(tmp_path):
    from matsci_ml.workspace import lab_command

    layouts = tmp_path / ".jupyter-layouts"
    layouts.mkdir()
    (layouts / "default-37a8.jupyterlab-workspace").write_text('{"data": {"notebook:05_monte_carlo.ipynb": {}}}')
    command = lab_command([], tmp_path)
    assert f"--LabApp.workspaces_dir={layouts}" in command and not layouts.exists()
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert not [a for a in lab_command(["--notebook-dir=/x"], tmp_path) if a.startswith("--ServerApp.root_dir")]


def test_export_mlip_writes_files_mlip2_reads(tmp_path):
    import numpy as np

    from matsci_ml.mtp import read_mtp
    from matsci_ml.mtp.cfg_file import read_cfg
    from matsci_ml.mtp.reference_values import SHIPPED_MO_MTP

    result = matsci_ml("export-mlip", str(tmp_path / "mo"))
    assert result.returncode == 0, result.stderr
    assert "mlp train pot.mtp train.cfg" in result.stdout
    exported = read_mtp(tmp_path / "mo" / "pot.mtp")
    np.testing.assert_array_equal(exported.moment_coeffs, read_mtp(SHIPPED_MO_MTP).moment_coeffs)
    train = read_cfg(tmp_path / "mo" / "train.cfg", exported.symbols)
    assert len(train) == 194 and len(read_cfg(tmp_path / "mo" / "test.cfg", exported.symbols)) == 23
    assert (tmp_path / "mo" / "mlip.ini").read_text().splitlines() == ["mtp-filename pot.mtp", "select FALSE"]
