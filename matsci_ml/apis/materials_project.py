"""The Materials Project through its official client, ``mp-api``.

You need a free API key: log in at https://next-gen.materialsproject.org, open your dashboard
(https://next-gen.materialsproject.org/api), copy the 32-character key and set it in the
environment before starting Jupyter::

    export MP_API_KEY=your_key_here        # Linux / macOS
    setx MP_API_KEY your_key_here          # Windows (new terminals)

The key is read from the environment only; the course never prints or stores it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from matsci_ml.apis.network import reachable

MP_API_URL = "https://api.materialsproject.org/"
MP_KEY_VAR = "MP_API_KEY"

HOW_TO_SET_KEY = (
    f"Set the {MP_KEY_VAR} environment variable to your Materials Project API key: get it (free) at "
    "https://next-gen.materialsproject.org/api, then `export MP_API_KEY=...` (Linux/macOS) or "
    "`setx MP_API_KEY ...` (Windows) and restart Jupyter. On Binder, run "
    "`import os; os.environ['MP_API_KEY'] = '...'` in a cell instead."
)


class MaterialsProjectUnavailable(RuntimeError):
    """No key, a malformed key, or no answer from the Materials Project."""


@dataclass(frozen=True)
class MPStatus:
    """Can we query the Materials Project now? ``reason`` says why not."""

    available: bool
    reason: str


def materials_project_status(*, endpoint: str = MP_API_URL, timeout_s: float = 3.0) -> MPStatus:
    """Check the key and the network without sending the key anywhere."""
    key = os.environ.get(MP_KEY_VAR, "").strip()
    if not key:
        return MPStatus(False, f"No Materials Project API key: {MP_KEY_VAR} is not set. {HOW_TO_SET_KEY}")
    if len(key) != 32:
        return MPStatus(False, f"{MP_KEY_VAR} is set but is {len(key)} characters long; Materials Project "
                               f"keys have 32. {HOW_TO_SET_KEY}")
    if not reachable(endpoint + "heartbeat", timeout_s=timeout_s):
        return MPStatus(False, f"{MP_KEY_VAR} is set, but {endpoint} does not answer (offline, or "
                               "MATSCI_ML_OFFLINE is set).")
    return MPStatus(True, f"Materials Project reachable at {endpoint}, key set ({MP_KEY_VAR}).")


def mp_summary(
    formula: str,
    fields: tuple[str, ...] = ("material_id", "formula_pretty", "formation_energy_per_atom",
                               "energy_above_hull", "symmetry", "density"),
    *,
    endpoint: str = MP_API_URL,
) -> pd.DataFrame:
    """Materials Project summary documents of every material with ``formula``, as a table.

    Energies are in eV/atom, density in g/cm^3. Raises :class:`MaterialsProjectUnavailable`
    with a how-to-fix message when there is no key or no network.

    Examples
    --------
    >>> mp_summary("Fe2O3").sort_values("energy_above_hull").head()  # doctest: +SKIP
    """
    status = materials_project_status(endpoint=endpoint)
    if not status.available:
        raise MaterialsProjectUnavailable(status.reason)
    from mp_api.client import MPRester

    with MPRester(os.environ[MP_KEY_VAR].strip(), endpoint=endpoint, mute_progress_bars=True) as mpr:
        docs = mpr.materials.summary.search(formula=formula, fields=list(fields))
    rows = []
    for doc in docs:
        row = {field: getattr(doc, field, None) for field in fields}
        if row.get("symmetry") is not None:
            row["symmetry"] = f"{doc.symmetry.symbol} ({doc.symmetry.crystal_system})"
        rows.append(row)
    return pd.DataFrame(rows, columns=list(fields))
