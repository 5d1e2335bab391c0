"""Exercises with checkers, hints and revealable solutions.

Each exercise keeps its solution as *one* piece of source code. The checker runs that code to
get the reference answer, and :meth:`Exercise.show_solution` displays the very same code,
collapsed until the learner clicks it. So the solution shown can never disagree with the one
that is checked.

In a notebook::

    from matsci_ml.exercises import exercise
    ex = exercise("01.data-types")
    ex.show()                 # the task
    answer = {...}            # the learner's attempt
    ex.check(answer)          # right / wrong, with a hint
    ex.show_solution()        # collapsed solution, click to reveal
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

@dataclass
class CheckResult:
    """Outcome of a check: ``correct`` and a message for the learner."""

    correct: bool
    message: str
    attempted: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        if not self.attempted:
            return f"⏳ Not yet attempted: {self.message}"
        return f"{'✅ Correct' if self.correct else '❌ Not yet'}: {self.message}"


class RevealableSolution:
    """What every exercise shares: its ``id`` and ``solution_code``, shown collapsed until the learner clicks."""

    id: str
    solution_code: str

    def solution_html(self) -> str:
        code = html.escape(self.solution_code.strip())
        return (f"<details><summary><b>Show solution to exercise {html.escape(self.id)}</b> "
                f"(try first!)</summary><pre>{code}</pre></details>")

    def show_solution(self) -> None:
        """Display the solution collapsed (click to reveal); plain text outside Jupyter."""
        display_collapsed(self.solution_html(), self.solution_code)


@dataclass
class Exercise(RevealableSolution):
    """One exercise.

    Parameters
    ----------
    id : str
        ``"<lesson>.<name>"``, e.g. ``"01.data-types"``.
    prompt : str
        The task, in a sentence or three.
    hint : str
        Shown when an answer is wrong.
    solution_code : str
        Python code that assigns the correct answer to ``answer``. Run to get the reference, and
        shown by :meth:`show_solution`.
    compare : callable
        ``compare(answer, reference, **context) -> (correct, message)``.
    """

    id: str
    prompt: str
    hint: str
    solution_code: str
    compare: Callable[..., tuple[bool, str]]
    context_names: tuple[str, ...] = field(default=())

    def reference(self, **context: Any) -> Any:
        """The correct answer, computed by running :attr:`solution_code`."""
        namespace: dict[str, Any] = dict(context)
        exec(compile(self.solution_code, f"<solution {self.id}>", "exec"), namespace)
        return namespace["answer"]

    def check(self, answer: Any, **context: Any) -> CheckResult:
        """Say whether ``answer`` is right; the result displays the verdict and, if wrong, the hint."""
        missing = [name for name in self.context_names if name not in context]
        if missing:
            raise TypeError(f"Exercise {self.id} needs {', '.join(missing)}= to check an answer, e.g. "
                            f"ex.check(answer, {missing[0]}=...).")
        if answer is None or answer is Ellipsis:
            result = CheckResult(False, f"no answer yet -- replace the `...` with your answer. Hint: {self.hint}")
        else:
            correct, message = self.compare(answer, self.reference(**context), **context)
            result = CheckResult(correct, message if correct else f"{message} Hint: {self.hint}")
        return result

    def show(self) -> None:
        """Print the task."""
        print(f"Exercise {self.id}: {self.prompt}")



def display_collapsed(html_text: str, plain_text: str) -> None:
    """Show ``html_text`` in Jupyter (a collapsed ``<details>``), ``plain_text`` elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display

        if get_ipython() is not None:
            display(HTML(html_text))
            return
    except ImportError:
        pass
    print(plain_text.strip())


def numbers_close(tolerance: float) -> Callable[..., tuple[bool, str]]:
    """A ``compare`` for answers given as ``{name: number}``: right when every number is within ``tolerance``."""

    def compare(answer: Any, reference: dict[str, float], **_: Any) -> tuple[bool, str]:
        if not isinstance(answer, dict):
            return False, f"Answer with a dict with keys {sorted(reference)}."
        wrong = []
        for key, value in reference.items():
            try:
                if abs(float(answer.get(key, float("nan"))) - value) > tolerance:
                    wrong.append(key)
            except (TypeError, ValueError):
                wrong.append(key)
        if wrong:
            return False, f"not right yet: {', '.join(wrong)}."
        return True, ", ".join(f"{k} = {v:.4g}" for k, v in reference.items()) + "."

    return compare


def relative_close(tolerance: float) -> Callable[..., tuple[bool, str]]:
    """Like :func:`numbers_close`, with a relative tolerance (for quantities such as 1e-9 m^2/s)."""

    def compare(answer: Any, reference: dict[str, float], **_: Any) -> tuple[bool, str]:
        if not isinstance(answer, dict):
            return False, f"Answer with a dict with keys {sorted(reference)}."
        scaled = {}
        for key, value in reference.items():
            try:
                scaled[key] = float(answer.get(key, float("nan"))) / value
            except (TypeError, ValueError, ZeroDivisionError):
                scaled[key] = float("nan")
        correct, message = numbers_close(tolerance)(scaled, {key: 1.0 for key in reference})
        return correct, (", ".join(f"{k} = {v:.4g}" for k, v in reference.items()) + ".") if correct else message

    return compare


_REGISTRY: dict[str, Any] = {}


def register(ex):
    if ex.id in _REGISTRY:
        raise ValueError(f"exercise {ex.id!r} registered twice")
    _REGISTRY[ex.id] = ex
    return ex


def exercise(exercise_id: str):
    """The exercise called ``exercise_id`` (e.g. ``"01.data-types"``)."""
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(f"No exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def all_exercises() -> list:
    _load_all()
    return list(_REGISTRY.values())


def _load_all() -> None:
    from matsci_ml.exercises import (implement01, implement02, implement03, implement04,  # noqa: F401
                                     implement05, implement06, implement07, implement08, implement09, implement10, lesson01, lesson02,
                                     lesson03, lesson04, lesson05, lesson06, lesson07, lesson08,  # (register on import)
                                     lesson09, lesson10)


def __getattr__(name: str):
    # ``from matsci_ml.exercises import check, show_solution`` without a circular import at load time
    if name in ("check", "show_solution", "ImplementationExercise"):
        from matsci_ml.exercises import implementation

        return getattr(implementation, name)
    raise AttributeError(name)
