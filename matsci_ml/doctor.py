"""``matsci-ml doctor``: can the course run on this machine, and if not, how to fix it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement

from matsci_ml.apis.local_optimade import EMT_ALLOYS_JSONL
from matsci_ml.apis.materials_project import HOW_TO_SET_KEY, MP_API_URL, MP_KEY_VAR
from matsci_ml.apis.network import reachable
from matsci_ml.apis.optimade_source import LIVE_PROVIDER_URL
from matsci_ml.data.catalogue import catalogue
from matsci_ml.data.download import file_status
from matsci_ml.paths import DATA_ENV_VAR, data_dir

MIN_PYTHON = (3, 11)


@dataclass
class Check:
    """One line of the report. ``level``: ``ok``, ``warn`` (course runs) or ``fail`` (it does not)."""

    name: str
    level: str
    detail: str


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MIN_PYTHON:
        return Check("python", "fail", f"Python {version}; the course needs >= 3.11. Install Python 3.11 or 3.12.")
    return Check("python", "ok", f"Python {version} ({sys.executable})")


def check_packages(distribution: str = "matsci-ml") -> list[Check]:
    """Every dependency of the installed package, present and inside its declared range."""
    try:
        requirements = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return [Check("packages", "fail", "matsci-ml is not installed; run `pip install -e .` in the course folder.")]
    checks = []
    n_checked = 0
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an optional extra (e.g. test), not needed to run the course
        n_checked += 1
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            checks.append(Check(requirement.name, "fail", f"not installed; run `pip install '{requirement}'`"))
            continue
        if requirement.specifier and not requirement.specifier.contains(installed, prereleases=True):
            checks.append(Check(requirement.name, "fail",
                                f"{installed} installed, course needs {requirement.specifier}; "
                                f"run `pip install '{requirement}'`"))
    if not checks:
        checks.append(Check("packages", "ok", f"all {n_checked} requirements of {distribution} "
                                              "installed, in range"))
    return checks


def check_numba() -> Check:
    try:
        from matsci_ml.warmup import numba_probe

        value = numba_probe(10)
    except Exception as error:  # noqa: BLE001 -- any failure means numba is unusable
        return Check("numba", "fail", f"compiling a kernel failed ({error}); reinstall numba: "
                                      "`pip install --force-reinstall numba`")
    if value != 285.0:
        return Check("numba", "fail", f"compiled kernel returned {value}, expected 285.0")
    return Check("numba", "ok", "a kernel compiled and ran")


def check_datasets() -> list[Check]:
    root = data_dir()
    where = f"${DATA_ENV_VAR}={root}" if os.environ.get(DATA_ENV_VAR) else f"{root} (${DATA_ENV_VAR} not set)"
    checks = []
    for dataset in catalogue():
        status = file_status(dataset, root)
        checks.append(Check(dataset.name, "ok" if status.state == "ok" else "fail",
                            status.detail if status.state != "missing" else
                            f"missing ({status.path}); fetch it with `{dataset.fetch_command}`"))
    n_ok = sum(c.level == "ok" for c in checks)
    checks.insert(0, Check("datasets", "ok" if n_ok == len(checks) else "fail",
                           f"{n_ok} of {len(checks)} present with valid sha256 in {where}"))
    if EMT_ALLOYS_JSONL.is_file():
        checks.append(Check("course OPTIMADE data", "ok", str(EMT_ALLOYS_JSONL)))
    else:
        checks.append(Check("course OPTIMADE data", "fail", f"{EMT_ALLOYS_JSONL} missing; run "
                            "`python datasets/optimade/make_emt_alloys.py`"))
    return checks


def check_mp_key() -> Check:
    key = os.environ.get(MP_KEY_VAR, "").strip()
    if not key:
        return Check("MP API key", "warn", f"not set: lesson 01 will use the local OPTIMADE server. {HOW_TO_SET_KEY}")
    if len(key) != 32:
        return Check("MP API key", "warn", f"{MP_KEY_VAR} is set but has {len(key)} characters, not 32")
    return Check("MP API key", "ok", f"{MP_KEY_VAR} is set (32 characters; not shown)")


def check_network(timeout_s: float = 3.0) -> list[Check]:
    targets = {
        "network: Materials Project API": MP_API_URL + "heartbeat",
        "network: OPTIMADE (MP)": LIVE_PROVIDER_URL + "/v1/info",
        "network: dataset downloads": "https://raw.githubusercontent.com/",
    }
    checks = []
    for name, url in targets.items():
        if reachable(url, timeout_s=timeout_s):
            checks.append(Check(name, "ok", f"{url} answers"))
        else:
            checks.append(Check(name, "warn", f"{url} does not answer within {timeout_s:.0f} s "
                                              "(lessons still run offline)"))
    return checks


def run_checks() -> list[Check]:
    return [check_python(), *check_packages(), check_numba(), *check_datasets(), check_mp_key(), *check_network()]


def report(checks: list[Check]) -> tuple[str, int]:
    """The printed report and the exit code (1 if any check failed)."""
    mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
    quiet_when_ok = {d.name for d in catalogue()}
    lines = [f"[{mark[c.level]}] {c.name}: {c.detail}" for c in checks
             if c.level != "ok" or c.name not in quiet_when_ok]
    n_ok = sum(c.level == "ok" for c in checks)
    failed = [c for c in checks if c.level == "fail"]
    lines.append(f"{n_ok} of {len(checks)} checks ok, {len(failed)} failed, "
                 f"{sum(c.level == 'warn' for c in checks)} warnings.")
    if failed:
        lines.append("The course cannot run yet: fix the FAIL lines above (each says how), then run "
                     "`matsci-ml doctor` again.")
    else:
        lines.append("The course is ready.")
    return "\n".join(lines), 1 if failed else 0
