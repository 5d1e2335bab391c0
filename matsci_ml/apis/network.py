"""Is the network there? Short, honest probes used before any live request."""

from __future__ import annotations

import requests

from matsci_ml.paths import offline


def reachable(url: str, *, timeout_s: float = 3.0) -> bool:
    """True if ``url`` answers an HTTP GET within ``timeout_s`` seconds (any status below 500).

    Always False when ``$MATSCI_ML_OFFLINE`` is set, so tests and CI never touch the network.
    """
    if offline():
        return False
    try:
        return requests.get(url, timeout=timeout_s, stream=True).status_code < 500
    except requests.RequestException:
        return False
