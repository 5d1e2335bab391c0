"""Shared test setup: no test touches the network; data come from $MATSCI_ML_DATA."""

from __future__ import annotations

import os

# Set before anything imports matsci_ml, and inherited by the notebook kernels nbval starts.
os.environ["MATSCI_ML_OFFLINE"] = "1"
os.environ.pop("MP_API_KEY", None)

import pytest  # noqa: E402

from matsci_ml.apis import LocalOptimadeServer  # noqa: E402


@pytest.fixture(scope="session")
def optimade_server():
    with LocalOptimadeServer() as server:
        yield server
