"""The course website: every lesson with its outputs, readable before installing anything.

``matsci-ml site OUT`` builds a static site with Sphinx, `MyST-NB <https://myst-nb.readthedocs.io>`_ and the
Sphinx Book Theme — the Executable Books tools that Jupyter Book 1 is made of, called directly. Why these: they
build offline, in Python only, from notebooks that already carry their outputs (``nb_execution_mode = "off"``), so
the site shows exactly what the test suite executed and nothing runs twice. Jupyter Book 2 (mystmd) needs Node.js at
build time and downloads its page theme from the internet, which a CI with no network cannot do.

What the pages hold:

- the front page is the syllabus (``course/syllabus.md``) with a table of the lessons;
- each lesson is the notebook executed in the solution version (``make test`` writes them to ``build/executed/``),
  shown as a learner sees it: every implementation-exercise cell shows the learner's scaffold, not the solution, and
  no output (the solution's verdict would not belong under a scaffold); the quizzes' revealable solutions stay
  collapsed as in the notebook;
- a link on each lesson opens it on Binder;
- ``course/own-data.md`` (each block's tools on your own data) as a page of its own;
- equations (MathJax 3) and the widgets' saved state (require.js, the Jupyter widgets HTML manager, and anywidget for
  the 3D views) are served from the site itself, installed by ``npm ci`` from ``site/package-lock.json``: no page
  asks a CDN for anything (checked in Chromium: no request leaves the site).

:func:`check_site` is what CI runs on the result: a page per lesson, no error output in any lesson, no script,
style sheet or font fetched from another host.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from matsci_ml.notebooks import implementation_cells, lesson_notebooks, scaffold_source
from matsci_ml.paths import REPO_ROOT

SITE_ASSETS = REPO_ROOT / "site"
EXECUTED_DIR = REPO_ROOT / "build" / "executed"

#: Binder's address for the repository (README: replace OWNER by the repository's GitHub owner).
BINDER_REPOSITORY = "OWNER/matsci-ml"


@dataclass
class SiteReport:
    directory: Path
    pages: list[Path]
    build_s: float
    problems: list[str]

    def summary(self) -> str:
        verdict = "no problems" if not self.problems else "PROBLEMS:\n  " + "\n  ".join(self.problems)
        return (f"site in {self.directory}: {len(self.pages)} pages ({sum(p.stat().st_size for p in self.pages) / 1e6:.1f}"
                f" MB of HTML), built in {self.build_s:.0f} s; {verdict}\nopen {self.directory / 'index.html'}")


def learner_view(notebook):
    """The executed notebook as the website shows it: exercise cells hold the learner's scaffold and no output."""
    page = copy.deepcopy(notebook)
    for index, exercise_id in implementation_cells(page):
        cell = page.cells[index]
        cell.source = scaffold_source(exercise_id)
        cell.outputs, cell.execution_count = [], None
    return page


def error_outputs(notebook) -> list[str]:
    """``"cell N: Name: message"`` for every error output of an executed notebook."""
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, cell in enumerate(notebook.cells)
            for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _binder_link(lesson: Path, repository: str) -> str:
    return f"https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/lessons/{lesson.name}"


def _front_page(lessons: list[Path], repository: str) -> str:
    syllabus = (REPO_ROOT / "course" / "syllabus.md").read_text()
    toc = "\n".join(f"lessons/{p.stem}" for p in lessons)
    links = "\n".join(f"| [{p.stem[:2]}](lessons/{p.stem}.ipynb) | [open on Binder]({_binder_link(p, repository)}) |"
                      for p in lessons)
    return (f"{syllabus}\n\n## The lessons, with their outputs\n\n"
            f"Each page shows a lesson as the course's test suite ran it; the implementation exercises show the "
            f"code you start from, not a solution. Run a lesson yourself on Binder (no install) or with "
            f"`make course`.\n\n| lesson | run it |\n|---|---|\n{links}\n\n"
            f"## After the course\n\n[Use it on your own data](own-data.md): each block's tools on a problem the "
            f"lessons never touch (a table of your own, an alloy on another lattice, a new element for an MTP).\n\n"
            f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toc}\nown-data\n```\n")


def _conf_py() -> str:
    return '''# Written by matsci_ml.site; everything is served from this site (no CDN).
project = "matsci-ml"
author = "matsci-ml contributors"
extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"
html_theme = "sphinx_book_theme"
html_title = "matsci-ml: machine learning for materials science"
html_static_path = ["_static"]
mathjax_path = "mathjax/tex-chtml.js"
nb_ipywidgets_js = {"require.js": {}, "widgets-offline.js": {}, "html-manager/embed-amd.js": {"crossorigin": "anonymous"}}
html_extra_path = ["extra"]
html_theme_options = {"show_toc_level": 2}
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure"]
exclude_patterns = ["_build"]
'''


def install_assets(static: Path) -> None:
    """MathJax, require.js and the widgets' HTML manager into ``static`` (``npm ci`` in ``site/`` once)."""
    modules = SITE_ASSETS / "node_modules"
    if not (modules / "mathjax" / "es5" / "tex-chtml.js").exists():
        if shutil.which("npm") is None:
            raise RuntimeError("building the site needs npm (Node.js) once, to install MathJax and the widget manager "
                               "from site/package-lock.json; install Node.js, or copy site/node_modules from a machine "
                               "that has it")
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=SITE_ASSETS, check=True)
    static.mkdir(parents=True, exist_ok=True)
    shutil.copytree(modules / "mathjax" / "es5", static / "mathjax", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("sre", "*-full*", "*svg*", "mml-*", "tex-mml-*"))
    shutil.copytree(modules / "@jupyter-widgets" / "html-manager" / "dist", static / "html-manager",
                    dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.map", "embed.js*", "libembed-amd.js"))
    shutil.copy2(modules / "requirejs" / "require.js", static / "require.js")
    # anywidget (weas-widget's base): the widget manager asks require.js for the module "anywidget" before it tries a
    # CDN, so naming its local copy is enough. Its fonts (widget icons) are fetched relative to the page.
    (static / "anywidget").mkdir(exist_ok=True)
    shutil.copy2(modules / "anywidget" / "dist" / "index.js", static / "anywidget" / "index.js")
    (static / "widgets-offline.js").write_text(
        "// matsci_ml.site: widget modules from this site, not from a CDN\n"
        "(function () {\n"
        "  var here = document.currentScript.src.replace(/[^/]*$/, '');\n"
        "  require.config({paths: {anywidget: here + 'anywidget/index'}});\n"
        "})();\n")
    fonts = static.parent / "extra" / "lessons" / "@jupyter-widgets" / "html-manager" / "dist"
    fonts.mkdir(parents=True, exist_ok=True)
    for font in (modules / "@jupyter-widgets" / "html-manager" / "dist").glob("*"):
        if font.suffix in (".woff", ".woff2", ".ttf", ".eot", ".svg"):
            shutil.copy2(font, fonts / font.name)


def anywidget_version_problem() -> str | None:
    """The site's anywidget JavaScript must be the Python anywidget's minor version (same widget protocol)."""
    import importlib.metadata
    import json

    lock = json.loads((SITE_ASSETS / "package.json").read_text())["dependencies"]["anywidget"]
    python = importlib.metadata.version("anywidget")
    if lock.split(".")[:2] != python.split(".")[:2]:
        return (f"site/package.json has anywidget {lock} but Python has anywidget {python}: set the same minor version "
                f"in site/package.json and run `npm install --package-lock-only` in site/")
    return None


def build_site(out: str | Path, *, executed: str | Path = EXECUTED_DIR, execute_missing: bool = False,
               repository: str = BINDER_REPOSITORY) -> SiteReport:
    """Build the website into ``out`` from the executed lessons in ``executed`` and check it.

    A lesson missing from ``executed`` is an error (run ``make test`` first), unless ``execute_missing``: then it is
    run here (solution version) and saved there.
    """
    from sphinx.cmd.build import build_main

    out, executed = Path(out).resolve(), Path(executed).resolve()
    start = time.perf_counter()
    lessons = lesson_notebooks()
    source = out.parent / f".{out.name}-source"
    shutil.rmtree(source, ignore_errors=True)
    (source / "lessons").mkdir(parents=True)
    problems = []
    for lesson in lessons:
        run_path = executed / lesson.name
        if not run_path.exists():
            if not execute_missing:
                raise FileNotFoundError(f"{run_path} is missing: the site shows executed lessons; run `make test` "
                                        f"(it saves them there), or build with --execute-missing")
            from matsci_ml.notebooks import run_notebook

            save_executed(run_notebook(lesson, solutions=True).notebook, lesson, executed)
        notebook = nbformat.read(run_path, as_version=4)
        problems += [f"{lesson.name} {e}" for e in error_outputs(notebook)]
        page = learner_view(notebook)
        page.cells.insert(1, nbformat.v4.new_markdown_cell(
            f"[Open this lesson on Binder]({_binder_link(lesson, repository)}) (runs in your browser, nothing to "
            f"install), or run it on your machine with `make course`. The outputs below are from the course's test "
            f"run; the implementation exercises show the code you start from."))
        nbformat.write(page, source / "lessons" / lesson.name)
    (source / "index.md").write_text(_front_page(lessons, repository))
    shutil.copy2(REPO_ROOT / "course" / "own-data.md", source / "own-data.md")
    (source / "conf.py").write_text(_conf_py())
    install_assets(source / "_static")
    code = build_main(["-b", "html", "-q", "-j", "1", str(source), str(out)])
    if code != 0:
        raise RuntimeError(f"sphinx-build failed (exit {code}); see the messages above")
    pages = [out / "index.html", out / "own-data.html", *(out / "lessons" / f"{p.stem}.html" for p in lessons)]
    problems += check_site(out, lessons)
    if (mismatch := anywidget_version_problem()) is not None:
        problems.append(mismatch)
    return SiteReport(out, [p for p in pages if p.exists()], time.perf_counter() - start, problems)


_REMOTE = re.compile(r"""<(?:script|link|img)[^>]*?(?:src|href)=["'](?:https?:)?//([^"'/]+)""", re.I)


def check_site(out: str | Path, lessons: list[Path] | None = None) -> list[str]:
    """What is wrong with a built site: a missing lesson page, an error output on a page, a script, style sheet or
    image fetched from another host, an equation or widget that has nothing to render it."""
    out = Path(out)
    lessons = lesson_notebooks() if lessons is None else lessons
    problems = []
    for page in [out / "index.html", *(out / "lessons" / f"{p.stem}.html" for p in lessons)]:
        if not page.exists():
            problems.append(f"{page.relative_to(out)} is missing")
            continue
        html = page.read_text(errors="replace")
        name = page.relative_to(out)
        if 'class="output traceback' in html or "ansi-red-intense" in html and "Traceback" in html:
            problems.append(f"{name} shows an error output")
        hosts = sorted(set(_REMOTE.findall(html)))
        if hosts:
            problems.append(f"{name} fetches from {', '.join(hosts)}")
        if "$" in html and "mathjax/tex-chtml.js" not in html and page.name != "index.html":
            problems.append(f"{name} has no MathJax")
        if "application/vnd.jupyter.widget-view+json" in html and "html-manager/embed-amd.js" not in html:
            problems.append(f"{name} has widgets but no widget manager")
    for asset in ("_static/mathjax/tex-chtml.js", "_static/html-manager/embed-amd.js", "_static/require.js",
                  "_static/anywidget/index.js", "_static/widgets-offline.js"):
        if not (out / asset).exists():
            problems.append(f"{asset} is missing")
    return problems


def save_executed(notebook, lesson: Path, executed: str | Path = EXECUTED_DIR) -> Path:
    """Keep an executed lesson for the website (what ``make test`` does after each lesson run)."""
    executed = Path(executed)
    executed.mkdir(parents=True, exist_ok=True)
    target = executed / lesson.name
    nbformat.write(notebook, target)
    return target


__all__ = ["BINDER_REPOSITORY", "SiteReport", "build_site", "check_site", "error_outputs", "learner_view",
           "save_executed"]
