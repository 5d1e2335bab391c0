"""Progress bars end full with a note, whatever stopped the work, and stay in the notebook."""

from __future__ import annotations

from matsci_ml.progress import finish_bar, progress_bar


def test_a_bar_stopped_early_ends_full_with_its_note(capsys):
    bar = progress_bar(100, "fit")
    for _ in range(7):
        bar.update(1)
    finish_bar(bar, "converged")
    assert bar.n == bar.total == 7 and bar.leave
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in last and "converged" in last


def test_no_bar_when_hidden():
    assert progress_bar(10, "x", show=False) is None
    finish_bar(None, "nothing to close")
