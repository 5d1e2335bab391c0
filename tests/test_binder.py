"""binder/ must install what pyproject.toml declares, and the README's commands must be what CI runs."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from matsci_ml.paths import REPO_ROOT


def _pyproject():
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def _normalised(lines):
    return {(r.name.lower(), str(r.specifier), tuple(sorted(r.extras))) for r in map(Requirement, lines)}


def test_binder_requirements_match_pyproject():
    binder = [line.split("#")[0].strip() for line in (REPO_ROOT / "binder/requirements.txt").read_text().splitlines()]
    binder = [line for line in binder if line and not line.startswith("-")]   # pip options (an index URL)
    assert _normalised(binder) == _normalised(_pyproject()["project"]["dependencies"])


def test_every_dependency_has_an_upper_bound():
    for text in _pyproject()["project"]["dependencies"]:
        requirement = Requirement(text)
        if requirement.name == "packaging":
            continue
        assert any(spec.operator in {"<", "<=", "=="} for spec in requirement.specifier), text


def test_binder_installs_cpu_torch():
    text = (REPO_ROOT / "binder/requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text


def test_binder_python_is_allowed():
    version = (REPO_ROOT / "binder/runtime.txt").read_text().strip().removeprefix("python-")
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(version + ".0")


def test_binder_postbuild_installs_fetches_and_warms():
    post_build = (REPO_ROOT / "binder/postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "matsci-ml data fetch" in post_build and "matsci-ml warmup" in post_build


def test_ci_runs_the_readme_test_command():
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci/run").read_text()
    assert "make test" in readme and "make course" in readme
    assert "make test" in ci
