"""Figures carry a text alternative; the course style applies; no lesson shows a bare figure."""

from __future__ import annotations

import re

import nbformat
import pytest

from matsci_ml.notebooks import lesson_notebooks


def test_show_figure_needs_a_description_and_closes_the_figure(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matsci_ml.plot_style import COURSE_STYLE, show_figure, use_course_style

    use_course_style()
    assert matplotlib.rcParams["axes.grid"] is True and tuple(matplotlib.rcParams["figure.figsize"]) == COURSE_STYLE["figure.figsize"]
    plt.plot([0, 1], [0, 1])
    with pytest.raises(ValueError, match="describe the figure"):
        show_figure("  ")
    show_figure("a straight line")          # no IPython here: plt.show() on Agg does nothing
    plt.close("all")


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_every_figure_of_a_lesson_has_alt_text(path):
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert not any("plt.show()" in s for s in sources), f"{path.name}: use show_figure(alt) instead of plt.show()"
    for source in sources:
        code = "\n".join(l for l in source.splitlines() if not l.startswith(("from ", "import ", " ")))
        makes_figure = re.search(r"plt\.subplots|plot_\w+\(|parity_plot|curve_plot|roc_plot|residual_plot", code)
        if makes_figure and "def " not in source.split("\n")[0]:
            assert "show_figure(" in source, f"{path.name}: a cell draws a figure without show_figure:\n{source[:200]}"
    joined = "\n".join(sources)
    if "show_figure(" in joined:
        assert "use_course_style()" in joined, f"{path.name}: call use_course_style() in the setup cell"
