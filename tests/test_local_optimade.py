"""The local OPTIMADE reference server and our REST client, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from matsci_ml.apis import (
    LocalOptimadeServer,
    OptimadeClient,
    OptimadeQueryError,
    PortInUseError,
    connect_optimade,
    entries_to_frame,
    entry_to_structure,
    polymorph_table,
)
from matsci_ml.apis.local_optimade import EMT_ALLOYS_JSONL

N_ENTRIES = sum(1 for _ in open(EMT_ALLOYS_JSONL)) - 1  # minus the header line


def test_info_endpoint(optimade_server):
    body = requests.get(f"{optimade_server.base_url}/v1/info", timeout=10).json()
    assert body["meta"]["api_version"].startswith("1.")
    assert "structures" in body["data"]["attributes"]["available_endpoints"]


def test_pagination_returns_every_entry_once(optimade_server):
    client = OptimadeClient(optimade_server.base_url)
    entries = client.structures("nelements>=1", page_limit=7, max_entries=None, response_fields=["id"])
    ids = [e["id"] for e in entries]
    assert len(ids) == N_ENTRIES == 105 and len(set(ids)) == 105


def test_filter_on_standard_and_provider_fields(optimade_server):
    client = OptimadeClient(optimade_server.base_url)
    binaries = client.structures('elements HAS ALL "Cu","Pt" AND nelements=2', max_entries=None)
    assert sorted(e["attributes"]["chemical_formula_reduced"] for e in binaries) == ["Cu3Pt", "CuPt", "CuPt", "CuPt3"]
    strong = client.structures("_msml_formation_energy_per_atom < -0.1", max_entries=None,
                               response_fields=["_msml_formation_energy_per_atom"])
    values = [e["attributes"]["_msml_formation_energy_per_atom"] for e in strong]
    assert values and max(values) < -0.1


def test_invalid_filter_gives_the_servers_error_readably(optimade_server):
    client = OptimadeClient(optimade_server.base_url)
    with pytest.raises(OptimadeQueryError) as error:
        client.structures('elements HAS "Pt" AND nelements >')
    message = str(error.value)
    assert "HTTP 400" in message and "Unable to parse filter" in message
    assert "Lark traceback" not in message and "Expected one of" in message


def test_unknown_endpoint_is_an_error(optimade_server):
    with pytest.raises(OptimadeQueryError, match="HTTP 404"):
        OptimadeClient(optimade_server.base_url).get("nonsense")


def test_json_to_pymatgen_and_pandas(optimade_server):
    client = OptimadeClient(optimade_server.base_url)
    entries = client.structures('chemical_formula_reduced="Cu3Pt"')
    structure = entry_to_structure(entries[0])
    assert structure.composition.reduced_formula == "Cu3Pt" and len(structure) == 4
    frame = entries_to_frame(entries)
    assert list(frame["id"]) == [e["id"] for e in entries]
    table = polymorph_table(client, "CuPt")
    assert set(table["space_group"]) == {"P4/mmm", "Pm-3m"}  # L1_0 and B2
    assert (table["_msml_formation_energy_per_atom"] < 0).all()


def test_busy_port_is_reported(optimade_server):
    with pytest.raises(PortInUseError, match=f"Port {optimade_server.port}.*already in use.*port=0"):
        LocalOptimadeServer(port=optimade_server.port).start()


def test_server_stops_cleanly():
    server = LocalOptimadeServer().start()
    port = server.port
    server.stop()
    assert not server.running
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    server.stop()  # idempotent


def test_offline_connect_uses_the_local_server_and_says_so():
    with connect_optimade() as source:
        assert source.is_local and "local OPTIMADE reference server" in source.description
        assert source.client.base_url.startswith("http://127.0.0.1:")
        server = source.server
    assert not server.running


def test_missing_data_file_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_emt_alloys.py"):
        LocalOptimadeServer(data=tmp_path / "none.jsonl").start()


def test_shipped_dataset_energies_are_reproducible_with_emt():
    """Every served energy is recomputed from the served structure with ASE's EMT."""
    from ase.calculators.emt import EMT
    from pymatgen.io.ase import AseAtomsAdaptor

    lines = [json.loads(line) for line in open(EMT_ALLOYS_JSONL)][1:]
    fcc = {}
    for line in lines:
        attributes = line["attributes"]
        atoms = AseAtomsAdaptor().get_atoms(entry_to_structure(line))
        atoms.calc = EMT()
        assert atoms.get_potential_energy() / len(atoms) == pytest.approx(attributes["_msml_energy_per_atom"], abs=2e-6)
        assert attributes["_msml_energy_above_hull"] >= 0
        if attributes["_msml_prototype"] == "fcc":
            fcc[attributes["elements"][0]] = attributes["_msml_energy_per_atom"]
            assert attributes["_msml_formation_energy_per_atom"] == 0
    # COURSE.md: under EMT Ni-Pt and Cu-Pt order strongly, Ag-Pd does not.
    by_formula = {}
    for line in lines:
        a = line["attributes"]
        by_formula.setdefault(a["chemical_formula_reduced"], []).append(a["_msml_formation_energy_per_atom"])
    assert min(by_formula["NiPt"]) < -0.1 and min(by_formula["CuPt"]) < -0.1
    assert min(by_formula["AgPd"]) > 0


def test_a_dropped_connection_is_retried_once_on_a_fresh_one(optimade_server):
    client = OptimadeClient(optimade_server.base_url)

    class DroppedOnce:          # what requests raises after a server closed the kept-alive connection
        headers: dict = {}

        def get(self, *args, **kwargs):
            raise requests.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset'))")

        def close(self):
            pass

    client.session = DroppedOnce()
    assert client.get("info").status_code == 200
    assert isinstance(client.session, requests.Session)


def test_a_provider_whose_pages_never_end_is_capped(optimade_server, monkeypatch):
    from matsci_ml.apis.optimade_client import OptimadeResponse

    client = OptimadeClient(optimade_server.base_url)
    requested = []

    def endless(endpoint="info", **params):
        requested.append(endpoint)
        return OptimadeResponse(endpoint, 200, {"data": [], "meta": {"data_returned": 5},
                                                "links": {"next": f"{optimade_server.base_url}/v1/structures?p={len(requested)}"}})

    monkeypatch.setattr(client, "get", endless)
    with pytest.warns(UserWarning, match="stopped after 7 pages"):
        assert client.structures('nelements=2', max_pages=7, max_entries=None) == []
    assert len(requested) == 7


def test_the_server_dies_with_a_killed_parent(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    script = ("from matsci_ml.apis import LocalOptimadeServer\nimport time\n"
              "s = LocalOptimadeServer().start()\nprint(s._process.pid, s.port, flush=True)\ntime.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        server_pid, port = map(int, parent.stdout.readline().split())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                break
            if _reaped(server_pid):
                break
            time.sleep(0.2)
        else:
            os.kill(server_pid, signal.SIGKILL)
            pytest.fail("the OPTIMADE server outlived its killed parent by 15 s")
    finally:
        parent.kill()


def _reaped(pid: int) -> bool:
    """A zombie (exited, not yet reaped by init) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_another_server_on_the_port_is_not_mistaken_for_ours(optimade_server, monkeypatch):
    import subprocess
    import sys

    import matsci_ml.apis.local_optimade as local

    # the port check passes (a race: the port looked free) and our own process never answers
    monkeypatch.setattr(local, "_port_is_free", lambda host, port: True)
    real_popen = subprocess.Popen
    monkeypatch.setattr(local.subprocess, "Popen",
                        lambda *a, **k: real_popen([sys.executable, "-c", "import time; time.sleep(60)"]))
    second = LocalOptimadeServer(port=optimade_server.port, startup_timeout_s=20)
    with pytest.raises(PortInUseError, match="Another server answers"):
        second.start()
    assert not second.running
