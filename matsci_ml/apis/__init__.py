"""REST clients: OPTIMADE (live or a local reference server) and the Materials Project (mp-api)."""

from __future__ import annotations

from matsci_ml.apis.local_optimade import LocalOptimadeServer, PortInUseError, ServerStartError
from matsci_ml.apis.materials_project import (
    MaterialsProjectUnavailable,
    materials_project_status,
    mp_summary,
)
from matsci_ml.apis.network import reachable
from matsci_ml.apis.optimade_client import (
    OptimadeClient,
    OptimadeQueryError,
    entries_to_frame,
    entry_to_structure,
    polymorph_table,
)
from matsci_ml.apis.optimade_source import LIVE_PROVIDER_URL, OptimadeSource, connect_optimade

__all__ = [
    "LIVE_PROVIDER_URL", "LocalOptimadeServer", "MaterialsProjectUnavailable", "OptimadeClient",
    "OptimadeQueryError", "OptimadeSource", "PortInUseError", "ServerStartError", "connect_optimade",
    "entries_to_frame", "entry_to_structure", "polymorph_table", "materials_project_status", "mp_summary", "reachable",
]
