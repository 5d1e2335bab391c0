"""The website's pages: learners' view of executed lessons, and the checks CI runs on the built site (each shown
to fail on a site that has the problem). The site itself is built by `make test` from the lessons it executed."""

from __future__ import annotations

import nbformat

from matsci_ml.notebooks import implementation_cells, lesson_notebooks, scaffold_source, solution_version
from matsci_ml.site import check_site, error_outputs, learner_view


def test_learner_view_hides_solutions():
    lesson = nbformat.read(lesson_notebooks()[4], as_version=4)
    executed = solution_version(lesson)
    for index, _ in implementation_cells(executed):
        executed.cells[index].outputs = [nbformat.v4.new_output("stream", text="✅ Correct")]
    page = learner_view(executed)
    cells = implementation_cells(page)
    assert cells
    for index, exercise_id in cells:
        assert page.cells[index].source == scaffold_source(exercise_id) and not page.cells[index].outputs
        assert "one solution" in executed.cells[index].source          # the executed copy is left alone


def test_error_outputs_are_found():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")])
    notebook.cells[0].outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                                        traceback=[])]
    assert error_outputs(notebook) == ["cell 0: ZeroDivisionError: division by zero"]


def _site(tmp_path, lessons, page_html):
    out = tmp_path / "site"
    (out / "lessons").mkdir(parents=True)
    for asset in ("_static/mathjax/tex-chtml.js", "_static/html-manager/embed-amd.js", "_static/require.js",
                  "_static/anywidget/index.js", "_static/widgets-offline.js"):
        (out / asset).parent.mkdir(parents=True, exist_ok=True)
        (out / asset).write_text("//")
    (out / "index.html").write_text("<html>syllabus</html>")
    for lesson in lessons:
        (out / "lessons" / f"{lesson.stem}.html").write_text(page_html)
    return out


def test_check_site_passes_a_good_site_and_catches_each_problem(tmp_path):
    lessons = lesson_notebooks()
    good = '<script src="../_static/mathjax/tex-chtml.js"></script><p>$E$</p>'
    assert check_site(_site(tmp_path / "good", lessons, good), lessons) == []

    missing = _site(tmp_path / "missing", lessons, good)
    (missing / "lessons" / f"{lessons[2].stem}.html").unlink()
    assert check_site(missing, lessons) == [f"lessons/{lessons[2].stem}.html is missing"]

    cdn = good + '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>'
    assert all("fetches from cdn.jsdelivr.net" in p for p in check_site(_site(tmp_path / "cdn", lessons, cdn), lessons))

    error = good + '<div class="output traceback highlight-ipythontb">ZeroDivisionError</div>'
    assert len(check_site(_site(tmp_path / "error", lessons, error), lessons)) == len(lessons)

    widget = good + '<script type="application/vnd.jupyter.widget-view+json">{}</script>'
    assert all("no widget manager" in p for p in check_site(_site(tmp_path / "widget", lessons, widget), lessons))
