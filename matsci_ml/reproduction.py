"""Reproduction checks: a lesson's number against its published or exact reference, stated, not asserted.

A lesson prints each check as a line with the value, the reference, the tolerance and the verdict.
In a learner's notebook a check out of tolerance only says so -- changing a setting to see what
happens must not crash the lesson. In strict mode (``MATSCI_ML_STRICT=1``, set by the test suite)
it raises :class:`ReproductionError`, so a number that drifts fails CI.

The tolerance is the larger of a fixed ``tolerance`` and ``n_sigma`` times the statistical error
``sigma`` of the value where the value has one (Monte Carlo averages), so a check fails for a
real discrepancy, not for bad luck.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class ReproductionError(AssertionError):
    """A reproduced number lies outside its tolerance (raised in strict mode only)."""


@dataclass
class Reproduction:
    """Outcome of :func:`compare_to_reference`; prints as one line."""

    label: str
    value: float
    reference: float
    tolerance: float
    unit: str = ""
    source: str = ""

    @property
    def within(self) -> bool:
        return abs(self.value - self.reference) <= self.tolerance

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        source = f" ({self.source})" if self.source else ""
        verdict = "✅ reproduced" if self.within else "❌ outside the tolerance"
        return (f"{verdict}: {self.label} = {self.value:.6g}{unit}; reference {self.reference:.6g}{unit}{source}; "
                f"|difference| {abs(self.value - self.reference):.3g} vs tolerance {self.tolerance:.3g}{unit}")

    __repr__ = __str__


def strict_mode() -> bool:
    """True when ``MATSCI_ML_STRICT`` is 1 (the tests set it)."""
    return os.environ.get("MATSCI_ML_STRICT", "") == "1"


def compare_to_reference(label: str, value: float, reference: float, *, tolerance: float = 0.0,
                         sigma: float | None = None, n_sigma: float = 4.0, unit: str = "",
                         source: str = "") -> Reproduction:
    """Print and return how ``value`` compares with ``reference``; raise only in strict mode.

    Parameters
    ----------
    label : str
        What the number is, e.g. ``"E/N at T = 2.0"``.
    value, reference : float
        Ours and the published or exact one, in the same ``unit``.
    tolerance : float
        Fixed allowance (e.g. a method's known systematic error, or a finite-size shift).
    sigma : float, optional
        The statistical standard error of ``value``; the allowance is then at least ``n_sigma * sigma``.
    source : str
        Where the reference comes from (paper, exact formula).

    Examples
    --------
    >>> r = compare_to_reference("pi", 3.1416, 3.14159265, tolerance=1e-4)
    ✅ reproduced: pi = 3.1416; reference 3.14159; |difference| 7.35e-06 vs tolerance 0.0001
    >>> r.within
    True
    """
    allowed = max(float(tolerance), n_sigma * float(sigma) if sigma is not None else 0.0)
    result = Reproduction(label, float(value), float(reference), allowed, unit, source)
    print(result)
    if strict_mode() and not result.within:
        raise ReproductionError(str(result))
    return result


def compare_exactly(label: str, value, reference, *, source: str = "") -> bool:
    """Like :func:`compare_to_reference` for things that must be equal (counts, lists, ground states)."""
    equal = bool(value == reference) if not hasattr(value, "__len__") else list(value) == list(reference)
    verdict = "✅ reproduced" if equal else "❌ differs"
    print(f"{verdict}: {label} = {value}; reference {reference}" + (f" ({source})" if source else ""))
    if strict_mode() and not equal:
        raise ReproductionError(f"{label}: {value} != {reference}")
    return equal


def expect(label: str, condition: bool, *, detail: str = "") -> bool:
    """A qualitative check (e.g. "the loop converged"): printed, raising only in strict mode."""
    condition = bool(condition)
    print(f"{'✅' if condition else '❌'} {label}" + (f": {detail}" if detail else ""))
    if strict_mode() and not condition:
        raise ReproductionError(f"{label} does not hold" + (f": {detail}" if detail else ""))
    return condition
