"""A small REST client for OPTIMADE, written to show what happens on the wire.

OPTIMADE (https://www.optimade.org) is the common API of the Materials Project, AFLOW, OQMD, COD,
NOMAD, JARVIS and others: one URL scheme, one filter language, JSON:API responses with ``data``
(the entries), ``meta`` (provenance, counts) and ``links`` (``links.next`` for the next page).
"""

from __future__ import annotations

import warnings

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import requests
from tqdm.auto import tqdm


class OptimadeQueryError(ValueError):
    """The server rejected a request; the message is the server's own error, made readable."""


@dataclass
class OptimadeResponse:
    """One HTTP response: the URL that was asked, its status and the decoded JSON body."""

    url: str
    status_code: int
    body: dict[str, Any]

    @property
    def data(self) -> list[dict[str, Any]]:
        data = self.body.get("data", [])
        return data if isinstance(data, list) else [data]

    @property
    def meta(self) -> dict[str, Any]:
        return self.body.get("meta", {})

    @property
    def next_url(self) -> str | None:
        links = self.body.get("links") or {}
        nxt = links.get("next")
        return nxt.get("href") if isinstance(nxt, dict) else nxt


def readable_errors(body: dict[str, Any], status_code: int) -> str:
    """Turn a JSON:API ``errors`` list into a few readable lines."""
    lines = []
    for error in body.get("errors", []) or [{"title": f"HTTP {status_code}", "detail": ""}]:
        title = error.get("title") or f"HTTP {error.get('status', status_code)}"
        detail = (error.get("detail") or "").replace("Lark traceback: ", "").strip()
        lines.append(f"{title}: {detail}" if detail else title)
    return "\n".join(lines)


class OptimadeClient:
    """Talk to one OPTIMADE provider over HTTP.

    Parameters
    ----------
    base_url : str
        The provider's base URL, e.g. ``https://optimade.materialsproject.org``; ``/v1`` is added.
    timeout_s : float
        Timeout of each HTTP request, in seconds.
    """

    def __init__(self, base_url: str, *, timeout_s: float = 20.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "matsci-ml course"

    def get(self, endpoint: str = "info", **params: Any) -> OptimadeResponse:
        """GET ``{base_url}/v1/{endpoint}`` with query ``params``; raise on an error response."""
        url = endpoint if endpoint.startswith("http") else f"{self.base_url}/v1/{endpoint.lstrip('/')}"
        try:
            response = self.session.get(url, params=params or None, timeout=self.timeout_s)
        except requests.ConnectionError:
            # a server that failed a request may have closed the kept-alive connection ("connection reset"):
            # retry once, on a fresh connection
            self.session.close()
            self.session = requests.Session()
            self.session.headers["User-Agent"] = "matsci-ml course"
            response = self.session.get(url, params=params or None, timeout=self.timeout_s)
        try:
            body = response.json()
        except ValueError:
            body = {"errors": [{"title": f"HTTP {response.status_code}", "detail": response.text[:300]}]}
        if response.status_code >= 400 or "errors" in body and not body.get("data"):
            raise OptimadeQueryError(
                f"{response.url} was rejected (HTTP {response.status_code}).\n"
                + readable_errors(body, response.status_code)
            )
        return OptimadeResponse(response.url, response.status_code, body)

    def structures(
        self,
        filter: str,
        *,
        response_fields: Iterable[str] | None = None,
        page_limit: int = 20,
        max_entries: int | None = 100,
        max_pages: int = 200,
        progress: bool = False,
    ) -> list[dict[str, Any]]:
        """Every structure matching ``filter``, following ``links.next`` page by page.

        Parameters
        ----------
        filter : str
            OPTIMADE filter, e.g. ``'elements HAS ALL "Cu","Pt" AND nelements=2'``.
        response_fields : iterable of str, optional
            Only these attributes are sent back (smaller, faster responses).
        page_limit : int
            Entries per page (the server may cap it).
        max_entries : int or None
            Stop after this many entries (None: all of them).
        max_pages : int
            Stop after this many pages, with a warning: a provider whose pages keep a ``next`` link (even empty
            ones) would otherwise be followed forever.
        """
        params: dict[str, Any] = {"filter": filter, "page_limit": page_limit}
        if response_fields:
            params["response_fields"] = ",".join(response_fields)
        page = self.get("structures", **params)
        entries = list(page.data)
        total = page.meta.get("data_returned")
        bar = tqdm(total=total if max_entries is None else min(total or max_entries, max_entries),
                   disable=not progress, desc="OPTIMADE pages", unit="entries")
        bar.update(len(entries))
        pages = 1
        while page.next_url and (max_entries is None or len(entries) < max_entries):
            if pages >= max_pages:
                warnings.warn(f"stopped after {max_pages} pages ({len(entries)} entries) although the provider still "
                              f"gives a next link; raise max_pages to follow it further", stacklevel=2)
                break
            page = self.get(page.next_url)
            pages += 1
            entries.extend(page.data)
            bar.update(len(page.data))
        bar.close()
        return entries if max_entries is None else entries[:max_entries]


def entries_to_frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per entry: ``id`` plus every attribute (lists kept as Python lists)."""
    return pd.DataFrame([{"id": entry["id"], **entry.get("attributes", {})} for entry in entries])


def entry_to_structure(entry: dict[str, Any]):
    """A pymatgen ``Structure`` from a full OPTIMADE structure entry (needs lattice and sites)."""
    from optimade.adapters import Structure as OptimadeStructure

    return OptimadeStructure(entry).as_pymatgen


def polymorph_table(client: OptimadeClient, formula: str, *, max_entries: int = 50) -> pd.DataFrame:
    """Every structure with reduced formula ``formula``: symmetry and density from pymatgen.

    Works on any provider: symmetry (spglib, through pymatgen) and volume are computed here from
    the returned lattice and sites, and any provider field whose name contains
    ``formation_energy`` (e.g. ``_msml_formation_energy_per_atom``, eV/atom) is kept.
    """
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    entries = client.structures(f'chemical_formula_reduced="{formula}"', max_entries=max_entries)
    rows = []
    for entry in entries:
        structure = entry_to_structure(entry)
        row = {
            "id": entry["id"],
            "formula": structure.composition.reduced_formula,
            "nsites": len(structure),
            "space_group": SpacegroupAnalyzer(structure, symprec=1e-2).get_space_group_symbol(),
            "volume_per_atom_A3": structure.volume / len(structure),
            "density_g_cm3": float(structure.density),
        }
        row.update({k: v for k, v in entry["attributes"].items() if "formation_energy" in k})
        rows.append(row)
    return pd.DataFrame(rows)
