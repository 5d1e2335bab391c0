"""Pick an OPTIMADE source: a live provider when the network answers, else the local server."""

from __future__ import annotations

from dataclasses import dataclass

from matsci_ml.apis.local_optimade import LocalOptimadeServer
from matsci_ml.apis.network import reachable
from matsci_ml.apis.optimade_client import OptimadeClient

#: The Materials Project's OPTIMADE endpoint: public, no key needed.
LIVE_PROVIDER_URL = "https://optimade.materialsproject.org"


@dataclass
class OptimadeSource:
    """An OPTIMADE client plus a plain-words description of who answers it."""

    client: OptimadeClient
    description: str
    is_local: bool
    server: LocalOptimadeServer | None = None

    def close(self) -> None:
        """Stop the local server, if this source started one."""
        if self.server is not None:
            self.server.stop()

    def __enter__(self) -> "OptimadeSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect_optimade(*, live_url: str = LIVE_PROVIDER_URL, prefer_live: bool = True,
                     timeout_s: float = 3.0) -> OptimadeSource:
    """Connect to ``live_url`` if it answers within ``timeout_s``, else start the local server."""
    if prefer_live and reachable(f"{live_url}/v1/info", timeout_s=timeout_s):
        return OptimadeSource(OptimadeClient(live_url), f"live OPTIMADE provider {live_url}", False)
    server = LocalOptimadeServer().start()
    return OptimadeSource(
        OptimadeClient(server.base_url),
        f"local OPTIMADE reference server at {server.base_url} (optimade package), serving the course's "
        f"EMT-computed alloy dataset -- no network or live provider was used",
        True,
        server,
    )
