"""One plot style for the course, and figures shown with a text alternative (alt text).

:func:`use_course_style` sets the same sizes, fonts and grid for every lesson's plots (mathtext renders the
symbols: write ``r"$\\gamma_\\mathrm{select}$"``, not ``"γ_select"``). :func:`show_figure` displays a figure as an
image whose ``alt`` attribute describes it -- what a screen reader reads, and what a text-only front end shows --
instead of matplotlib's bare image, which has none.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib
import matplotlib.pyplot as plt

#: rcParams of the course: readable at a projector and on a laptop, units in every label are the authors' job.
COURSE_STYLE = {
    "figure.figsize": (6.0, 3.6), "figure.dpi": 100, "savefig.dpi": 110, "savefig.bbox": "tight",
    "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9,
    "legend.fontsize": 8, "legend.framealpha": 0.85, "axes.grid": True, "grid.alpha": 0.25,
    "axes.spines.top": False, "axes.spines.right": False, "mathtext.default": "regular", "lines.markersize": 5,
}


def use_course_style() -> None:
    """Apply :data:`COURSE_STYLE` to every later plot of this session."""
    matplotlib.rcParams.update(COURSE_STYLE)


def show_figure(alt: str, fig=None) -> None:
    """Display ``fig`` (default: the current figure) with ``alt`` as its text alternative, then close it.

    In Jupyter the output holds an HTML ``<img alt=...>`` and a plain-text ``[figure] alt`` version; outside
    Jupyter this is ``plt.show()``.
    """
    if not alt or not alt.strip():
        raise ValueError("describe the figure in a sentence: what is plotted against what, and what it shows")
    fig = plt.gcf() if fig is None else fig
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the course
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        plt.show()
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    display({"text/html": f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}">',
             "text/plain": f"[figure] {alt}"}, raw=True)
