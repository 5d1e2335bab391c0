"""What we can test without the live service: key handling and the offline path.

The live query itself (``mp_summary`` with a real key and network) is not covered by any
test here: there is no network in CI and no recorded Materials Project response.
"""

from __future__ import annotations

import pytest

from matsci_ml.apis import MaterialsProjectUnavailable, materials_project_status, mp_summary


def test_missing_key_says_how_to_set_it():
    status = materials_project_status()
    assert not status.available
    assert "MP_API_KEY is not set" in status.reason and "export MP_API_KEY=" in status.reason
    with pytest.raises(MaterialsProjectUnavailable, match="next-gen.materialsproject.org/api"):
        mp_summary("Fe2O3")


def test_malformed_key_is_caught(monkeypatch):
    monkeypatch.setenv("MP_API_KEY", "short")
    status = materials_project_status()
    assert not status.available and "5 characters" in status.reason and "32" in status.reason
    assert "short" not in status.reason  # the key itself is never echoed


def test_key_without_network(monkeypatch):
    monkeypatch.setenv("MP_API_KEY", "k" * 32)
    status = materials_project_status()
    assert not status.available and "does not answer" in status.reason
    assert "k" * 32 not in status.reason
