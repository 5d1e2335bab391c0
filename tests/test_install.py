"""How the course gets installed: the Makefile's pip commands (light Linux install with CPU torch, test extras only
for `make test`, `BUNDLE=` with no index) and the offline workshop bundle, built and installed with no network.

The torch step is checked against two local indexes that play PyPI (a torch 2.13.0 that pulls an nvidia-* wheel,
as PyPI's Linux wheel does) and PyTorch's CPU index (torch 2.13.0+cpu): the Makefile's own pip lines (from
``make -n``) install tiny stand-in wheels into a fresh environment, so the test follows the Makefile and fails if
the mechanism stops choosing +cpu.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from matsci_ml.bundle import TORCH_CPU_INDEX, course_requirements, write_bundle
from matsci_ml.paths import REPO_ROOT


def make_dry_run(target: str, **variables: str) -> list[str]:
    """The commands ``make -n target`` would run, one per line, for a virtual environment that does not exist."""
    args = [f"{k}={v}" for k, v in variables.items()]
    done = subprocess.run(["make", "-n", "-C", str(REPO_ROOT), target, *args], capture_output=True, text=True,
                          check=True, env={k: v for k, v in os.environ.items() if k != "TORCH_INDEX"})
    return done.stdout.splitlines()


def pip_install_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "-m pip install" in line]


def _fake_wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    project = folder / name.replace("_", "-")
    project.mkdir(parents=True, exist_ok=True)
    dist = f"{name.replace('-', '_')}-{version}"
    with zipfile.ZipFile(project / f"{dist}-py3-none-any.whl", "w") as wheel:
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
            f"Requires-Dist: {r}\n" for r in requires)
        wheel.writestr(f"{dist}.dist-info/METADATA", metadata)
        wheel.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                                   "Tag: py3-none-any\n")
        wheel.writestr(f"{dist}.dist-info/RECORD", "")
    (project / "index.html").write_text("".join(f'<a href="{p.name}">{p.name}</a>\n' for p in project.glob("*.whl")))
    (folder / "index.html").write_text("".join(f'<a href="{p.name}/">{p.name}</a>\n'
                                               for p in folder.iterdir() if p.is_dir()))


def _pip_in(venv: Path, command_line: str, pypi: Path) -> None:
    """Run one of the Makefile's pip install lines into ``venv`` against ``pypi`` (no config, no network)."""
    words = shlex.split(command_line)
    args = words[words.index("install") + 1:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=pypi.as_uri(), PIP_NO_CACHE_DIR="1")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", *args],
                   check=True, env=env, capture_output=True)


def _installed(venv: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "list",
                           "--format=json"], check=True, capture_output=True, text=True,
                          env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
    return {item["name"].lower(): item["version"] for item in json.loads(done.stdout)}


def _fake_indexes(tmp_path: Path) -> tuple[Path, Path]:
    """A "PyPI" whose torch 2.13.0 pulls an nvidia-* wheel (as PyPI's Linux wheel does) and a "CPU index" with
    torch 2.13.0+cpu; both torches need filelock, which only "PyPI" has; and the course, as a package needing torch."""
    pypi, cpu = tmp_path / "pypi", tmp_path / "cpu"
    _fake_wheel(pypi, "nvidia-cublas-cu12", "12.8.4.1")
    _fake_wheel(pypi, "filelock", "3.20.0")
    _fake_wheel(pypi, "torch", "2.13.0", requires=("nvidia-cublas-cu12==12.8.4.1", "filelock"))
    _fake_wheel(pypi, "course", "1.0", requires=("torch==2.13.0",))
    _fake_wheel(cpu, "torch", "2.13.0+cpu", requires=("filelock",))
    return pypi, cpu


def test_linux_install_takes_the_cpu_build_of_torch_and_no_nvidia_package(tmp_path):
    pypi, cpu = _fake_indexes(tmp_path)
    lines = pip_install_lines(make_dry_run("setup", VENV=str(tmp_path / "venv"), TORCH_INDEX=cpu.as_uri()))
    torch_lines = [line for line in lines if "torch==" in line]
    package_line = next(line for line in lines if line.endswith("-e ."))
    assert len(torch_lines) == 1 and lines.index(torch_lines[0]) < lines.index(package_line), \
        "torch must be installed before the package"

    # the two steps for real, into a fresh environment: the Makefile's torch line, then the package (`-e .` of the
    # Makefile, played by a package that needs torch==2.13.0)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _pip_in(venv, torch_lines[0], pypi)
    _pip_in(venv, package_line.replace("-e .", "course"), pypi)
    installed = _installed(venv)
    assert installed["torch"] == "2.13.0+cpu" and installed["filelock"] == "3.20.0" and "course" in installed
    assert not [name for name in installed if name.startswith("nvidia")]

    # Without the torch step (plain pip on a Linux laptop) the same package brings the CUDA build: the check can fail.
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(plain)], check=True)
    _pip_in(plain, package_line.replace("-e .", "course"), pypi)
    assert _installed(plain)["torch"] == "2.13.0" and "nvidia-cublas-cu12" in _installed(plain)


def test_makefile_torch_index_is_the_one_binder_and_the_bundle_use():
    default = [line for line in make_dry_run("setup", VENV="/nonexistent/venv") if "torch==" in line]
    if sys.platform.startswith("linux"):
        assert default and f"--extra-index-url {TORCH_CPU_INDEX}" in default[0]
    binder = (REPO_ROOT / "binder" / "requirements.txt").read_text()
    assert f"--extra-index-url {TORCH_CPU_INDEX}" in binder
    pinned = [r for r in course_requirements() if r.startswith("torch")]
    assert pinned == ["torch==2.13.0"] and (not default or "'torch==2.13.0'" in default[0])


def test_course_installs_runtime_dependencies_only_and_test_adds_the_extras():
    course = pip_install_lines(make_dry_run("course", VENV="/nonexistent/venv", TORCH_INDEX=""))
    assert course and not [line for line in course if "[test" in line or "site]" in line]
    test = pip_install_lines(make_dry_run("test", VENV="/nonexistent/venv", TORCH_INDEX=""))
    assert any(line.endswith("-e '.[test,site]'") for line in test)


def test_bundle_mode_asks_no_index(tmp_path):
    lines = make_dry_run("data", VENV=str(tmp_path / "venv"), BUNDLE=str(tmp_path / "b"))
    installs = pip_install_lines(lines)
    assert installs and all(f"--no-index --find-links {tmp_path / 'b'}/wheels" in line for line in installs)
    assert not [line for line in installs if "extra-index-url" in line]
    assert any(f"data fetch --from {tmp_path / 'b'}/datasets" in line for line in lines)


LOCAL_INDEX = Path("/opt/pypi/simple")


def _no_network_available() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(["unshare", "-n", "true"]).returncode == 0


@pytest.mark.skipif(not LOCAL_INDEX.is_dir() or not _no_network_available(),
                    reason="needs this machine's local package index (/opt/pypi) and `unshare -n` (root) to forbid "
                           "the network")
def test_bundle_is_built_from_the_local_index_and_installs_with_no_network(tmp_path):
    shared = Path(os.environ.get("MATSCI_ML_DATA", REPO_ROOT.parent / "shared" / "datasets"))
    if not (shared / "mlearn").is_dir():
        pytest.skip(f"no dataset mirror at {shared}")
    env_pip = ("env", f"PIP_INDEX_URL={LOCAL_INDEX.as_uri()}", "PIP_EXTRA_INDEX_URL=", "PIP_FIND_LINKS=")
    offline_pip = ("unshare", "-n", *env_pip, sys.executable, "-m", "pip")
    bundle = tmp_path / "bundle"
    report = write_bundle(bundle, requirements=["pip", "setuptools>=77", "wheel", "tqdm"], torch_index=None,
                          data_root=shared, datasets=["mlearn"], include_course=True, pip_command=offline_pip)
    assert {p.name.split("-")[0] for p in (bundle / "wheels").glob("*.whl")} >= {"pip", "setuptools", "wheel", "tqdm"}
    assert report.sizes_bytes["datasets"] > 1e6 and (bundle / "matsci-ml-course.tar.gz").stat().st_size > 1e5
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert "datasets/mlearn/Mo/training.json" in manifest["files"]
    assert "make course BUNDLE=" in (bundle / "README.md").read_text()

    venv = tmp_path / "venv"
    subprocess.run(["unshare", "-n", sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(["unshare", "-n", *env_pip, sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--quiet", "--no-index", "--find-links", str(bundle / "wheels"), "tqdm"], check=True)
    done = subprocess.run(["unshare", "-n", str(venv / "bin" / "python"), "-c", "import tqdm; print(tqdm.__version__)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip()

    # The datasets come out of the bundle hash-checked, with the network forbidden.
    data = tmp_path / "data"
    fetched = subprocess.run(["unshare", "-n", sys.executable, "-m", "matsci_ml.cli", "data", "fetch", "mlearn",
                              "--dir", str(data), "--from", str(bundle / "datasets")],
                             capture_output=True, text=True, env={**os.environ, "MATSCI_ML_OFFLINE": "1"})
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "8 of 8 datasets ok" in fetched.stdout
