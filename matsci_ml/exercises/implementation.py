"""Implementation exercises: the learner writes a function, a checker runs it on randomised inputs.

An :class:`ImplementationExercise` holds

* a **scaffold**: the signature and docstring the learner starts from (its body raises
  ``NotImplementedError``, so an un-attempted exercise is recognised and never breaks a lesson);
* a **solution**: one piece of plain Python/NumPy source that defines the same function. It is what
  :meth:`~ImplementationExercise.show_solution` displays and what the tests check passes;
* **cases**: at least 20 inputs drawn from a fixed seed, and a **verifier** that compares the
  learner's output on one input with the library's own implementation or an exact result -- never
  with the solution above, so the solution is itself checked against an independent reference;
* three **hints**, shown one more at each failed check.

In a notebook (the cell the learner edits)::

    def weighted_statistics(amounts, values):
        ...                                   # the learner's code
    check("02.weighted-statistics", weighted_statistics)

``check`` prints *right* (all cases agree), *not yet attempted*, or *wrong* with the first failing
input, what was expected, what came back, and the next hint. In strict mode (``MATSCI_ML_STRICT=1``,
set by the test suite) a wrong answer raises, so a solution that stops passing fails CI.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matsci_ml.exercises import CheckResult, RevealableSolution, register
from matsci_ml.reproduction import strict_mode

#: Every checker runs at least this many randomised cases.
MIN_CASES = 20


class ExerciseFailed(AssertionError):
    """Raised by :func:`check` in strict mode when an attempted answer is wrong."""


def describe(value: Any, width: int = 160) -> str:
    """A short, readable rendering of an input or output for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=12, edgeitems=3, max_line_width=width)
        text = f"array{value.shape} {text}" if value.ndim > 1 or value.size > 6 else text
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {describe(v, width)}" for k, v in value.items()) + "}"
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], (float, np.floating)):
        text = "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass
class ImplementationExercise(RevealableSolution):
    """An exercise whose answer is a function, checked on randomised inputs.

    Parameters
    ----------
    id : str
        ``"<lesson>.<name>"``.
    prompt : str
        What to write, in a few sentences.
    scaffold : str
        ``def name(...):`` with a docstring and a body that raises ``NotImplementedError``.
    solution_code : str
        Source defining the same function: the revealable solution.
    hints : tuple of three str
        Shown in turn, one more after each wrong check.
    cases : callable
        ``cases(rng) -> list[dict]``: the inputs (keyword arguments of the function), at least
        :data:`MIN_CASES`.
    verify : callable
        ``verify(function, case) -> str | None``: ``None`` when ``function`` is right on ``case``,
        otherwise what went wrong (expected vs got). It computes the expected answer from the library
        or an exact result.
    seed : int
        Seed of the case generator: every learner gets the same, reproducible cases.
    """

    id: str
    prompt: str
    scaffold: str
    solution_code: str
    hints: tuple[str, str, str]
    cases: Callable[[np.random.Generator], list[dict]]
    verify: Callable[[Callable, dict], str | None]
    seed: int = 2026
    describe_case: Callable[[dict], str] | None = None
    failures: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if len(self.hints) != 3:
            raise ValueError(f"exercise {self.id} needs exactly three hints")
        if self.function_name != _defined_function(self.solution_code, self.id):
            raise ValueError(f"exercise {self.id}: the solution must define {self.function_name}()")

    @property
    def function_name(self) -> str:
        """Name of the function the learner writes."""
        return _defined_function(self.scaffold, self.id)

    def make_cases(self) -> list[dict]:
        cases = self.cases(np.random.default_rng(self.seed))
        if len(cases) < MIN_CASES:
            raise RuntimeError(f"exercise {self.id} generates {len(cases)} cases, fewer than {MIN_CASES}")
        return cases

    def solution(self) -> Callable:
        """The solution function (compiled from :attr:`solution_code`)."""
        namespace: dict[str, Any] = {}
        exec(compile(self.solution_code, f"<solution {self.id}>", "exec"), namespace)
        return namespace[self.function_name]

    def scaffold_function(self) -> Callable:
        """The un-attempted scaffold as a function (raises ``NotImplementedError``)."""
        namespace: dict[str, Any] = {}
        exec(compile(self.scaffold, f"<scaffold {self.id}>", "exec"), namespace)
        return namespace[self.function_name]

    def check(self, function: Any) -> CheckResult:
        """Run ``function`` on every case; right, not yet attempted, or wrong with the first failing input."""
        name = self.function_name
        if function is None or function is Ellipsis:
            return CheckResult(False, f"write {name}() and pass it to check().", attempted=False)
        if not callable(function):
            return self._wrong(f"check() needs the function itself, e.g. check({self.id!r}, {name}); "
                               f"got a {type(function).__name__}.")
        start = time.perf_counter()
        cases = self.make_cases()
        for number, case in enumerate(cases, start=1):
            try:
                problem = self.verify(function, case)
            except NotImplementedError:
                if number == 1:
                    return CheckResult(False, f"replace `raise NotImplementedError` in {name}() with your code "
                                              "(the lesson goes on with the library's version).",
                                       attempted=False)
                problem = "raised NotImplementedError"
            except Exception as error:  # noqa: BLE001 -- any error of the learner's code is feedback
                problem = f"raised {type(error).__name__}: {error}"
            if problem:
                return self._wrong(f"case {number} of {len(cases)} fails.\n  input: {self._inputs(case)}\n  {problem}")
        elapsed = time.perf_counter() - start
        self.failures = 0
        return CheckResult(True, f"{name}() agrees with the reference on all {len(cases)} randomised cases "
                                 f"(seed {self.seed}, {elapsed:.2f} s).")

    def _inputs(self, case: dict) -> str:
        if self.describe_case is not None:
            return self.describe_case(case)
        shown = [f"{key}=np.random.default_rng({value})" if key == "rng" else f"{key}={describe(value)}"
                 for key, value in case.items() if not key.startswith("_")]
        return f"{self.function_name}({', '.join(shown)})"

    def _wrong(self, message: str) -> CheckResult:
        self.failures += 1
        level = min(self.failures, 3)
        text = f"{message}\n  Hint {level}/3: {self.hints[level - 1]}"
        if level == 3:
            text += f"\n  Still stuck? show_solution({self.id!r}) reveals one solution."
        return CheckResult(False, text)

    def hint(self, number: int = 1) -> str:
        """Hint 1, 2 or 3."""
        return self.hints[number - 1]

    def show(self) -> None:
        """Print the task and the scaffold."""
        print(f"Exercise {self.id}: {self.prompt}\n\n{self.scaffold.strip()}")


def _defined_function(source: str, exercise_id: str) -> str:
    names = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    if not names:
        raise ValueError(f"exercise {exercise_id}: no function defined in\n{source}")
    return names[-1]


def check(exercise_id: str, function: Any) -> CheckResult:
    """Check the learner's ``function`` for exercise ``exercise_id``; raises in strict mode when wrong."""
    from matsci_ml.exercises import exercise

    ex = exercise(exercise_id)
    if not isinstance(ex, ImplementationExercise):
        raise TypeError(f"{exercise_id} is not an implementation exercise; use exercise({exercise_id!r}).check(answer)")
    result = ex.check(function)
    if strict_mode() and result.attempted and not result.correct:
        raise ExerciseFailed(f"exercise {exercise_id}: {result.message}")
    return result


def show_solution(exercise_id: str) -> None:
    """Reveal the solution of an exercise (collapsed until clicked)."""
    from matsci_ml.exercises import exercise

    exercise(exercise_id).show_solution()


def implement(**kwargs: Any) -> ImplementationExercise:
    """Build and register an :class:`ImplementationExercise`."""
    ex = ImplementationExercise(**kwargs)
    register(ex)
    return ex


# -- helpers for verifiers -------------------------------------------------------------------------

def compare_arrays(got: Any, expected: Any, *, atol: float = 1e-8, rtol: float = 1e-6, what: str = "result") -> str | None:
    """``None`` when ``got`` equals ``expected`` within tolerance; otherwise expected vs got."""
    expected = np.asarray(expected, dtype=float)
    if got is None:
        return f"returned None: did you forget `return`? expected {describe(expected)}"
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected {what} {describe(expected)}, got {describe(got)} (not numbers)"
    if got_array.shape != expected.shape:
        return f"expected {what} of shape {expected.shape}, got shape {got_array.shape}: {describe(got)}"
    if not np.allclose(got_array, expected, atol=atol, rtol=rtol, equal_nan=True):
        worst = np.unravel_index(np.argmax(np.abs(got_array - expected)), expected.shape) if expected.ndim else ()
        where = f" (largest difference at index {tuple(int(i) for i in worst)})" if worst else ""
        return f"expected {what} {describe(expected)}\n  got      {describe(got_array)}{where}"
    return None


def compare_dicts(got: Any, expected: dict[str, float], *, atol: float = 1e-8, rtol: float = 1e-6) -> str | None:
    """Like :func:`compare_arrays` for ``{name: number}`` results."""
    if not isinstance(got, dict):
        return f"expected a dict with keys {sorted(expected)}, got {describe(got)}"
    missing = sorted(set(expected) - set(got))
    if missing:
        return f"the result has no key {', '.join(map(repr, missing))}; expected {describe(expected)}"
    for key, value in expected.items():
        problem = compare_arrays(got[key], value, atol=atol, rtol=rtol, what=repr(key))
        if problem:
            return problem
    return None
