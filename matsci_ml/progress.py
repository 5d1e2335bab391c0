"""Progress bars that stay readable in a saved notebook.

A bar created with ``leave=False`` removes its widget when it closes, and a notebook saved afterwards shows
"Error displaying widget: model not found" where it was; a bar closed before reaching its total is drawn red
although the work ended normally (a converged fit, a time cap). :func:`progress_bar` keeps its bar, and
:func:`finish_bar` closes it full, with a note that says how it ended.
"""

from __future__ import annotations


def progress_bar(total: int, desc: str, *, unit: str = "it", show: bool = True, initial: int = 0):
    """A ``tqdm.auto`` bar that stays after it closes (starting at ``initial``, e.g. a resumed run), or ``None``
    when ``show`` is false."""
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, leave=True)


def finish_bar(bar, note: str = "") -> None:
    """Close ``bar`` full (its total set to what was done) with ``note`` as its postfix, e.g. "converged"."""
    if bar is None:
        return
    if bar.n < (bar.total or 0) or bar.n == 0:
        bar.total = bar.n = max(bar.n, 1)
    if note:
        bar.set_postfix_str(note)
    bar.refresh()
    bar.close()
