"""A real OPTIMADE server on 127.0.0.1, for when there is no network.

It is the reference server of the ``optimade`` package (FastAPI + an in-memory mongomock
database), started in a subprocess over ``datasets/optimade/emt_alloys.jsonl``: structures the
course generated itself with ASE's EMT potential (see ``datasets/optimade/make_emt_alloys.py``).
Queries, filters, errors and pagination are the real protocol, answered over real HTTP.

Examples
--------
>>> with LocalOptimadeServer() as server:  # doctest: +SKIP
...     print(server.base_url)
http://127.0.0.1:54321
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from matsci_ml.paths import SHIPPED_DATA_DIR

EMT_ALLOYS_JSONL = SHIPPED_DATA_DIR / "optimade" / "emt_alloys.jsonl"
PROVIDER_PREFIX = "msml"

#: The provider-specific fields of the course dataset, with units (OPTIMADE requires the prefix).
PROVIDER_FIELDS = [
    {"name": "_msml_prototype", "type": "string", "description": "Structure prototype (fcc, bcc, hcp, L1_0, L1_2, B2)."},
    {"name": "_msml_energy_per_atom", "type": "float", "unit": "eV/atom", "description": "EMT total energy per atom."},
    {"name": "_msml_formation_energy_per_atom", "type": "float", "unit": "eV/atom",
     "description": "Formation energy per atom relative to the relaxed fcc elements (EMT)."},
    {"name": "_msml_energy_above_hull", "type": "float", "unit": "eV/atom",
     "description": "Energy above the convex hull of this dataset (EMT)."},
    {"name": "_msml_volume_per_atom", "type": "float", "unit": "A^3/atom", "description": "Relaxed volume per atom."},
    {"name": "_msml_bulk_modulus", "type": "float", "unit": "GPa", "description": "Birch-Murnaghan bulk modulus (EMT)."},
    {"name": "_msml_space_group", "type": "string", "description": "Hermann-Mauguin space-group symbol (spglib)."},
    {"name": "_msml_method", "type": "string", "description": "How the energies were computed."},
]


class PortInUseError(OSError):
    """The requested port is taken by another process."""


class ServerStartError(RuntimeError):
    """The OPTIMADE server did not come up."""


#: Runs uvicorn in the child and exits as soon as the parent (argv[1]) is gone, so a killed notebook kernel never
#: leaves its server behind holding the port.
_SERVE_WHILE_PARENT_LIVES = """
import os, sys, threading, time
import uvicorn
parent, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
uvicorn.run("optimade.server.main:app", host=host, port=port, log_level="warning")
"""


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class LocalOptimadeServer:
    """The ``optimade`` reference server, serving the course's EMT dataset on 127.0.0.1.

    Parameters
    ----------
    port : int
        TCP port; ``0`` (default) picks a free one. A busy port raises :class:`PortInUseError`.
    data : Path
        OPTIMADE JSON Lines file to serve (default: the course's EMT alloys).
    startup_timeout_s : float
        Seconds to wait for the server to answer before giving up.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`; a server still running
    when Python exits is stopped then.
    """

    host = "127.0.0.1"

    def __init__(self, *, port: int = 0, data: Path = EMT_ALLOYS_JSONL, startup_timeout_s: float = 60.0):
        self.port = port
        self.data = Path(data)
        self.startup_timeout_s = startup_timeout_s
        self._process: subprocess.Popen | None = None
        self._workdir: tempfile.TemporaryDirectory | None = None
        self._token = secrets.token_hex(8)   # our server names it in /v1/info: another server on the port cannot

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _write_config(self, folder: Path) -> Path:
        config = {
            "insert_test_data": False,
            "insert_from_jsonl": str(self.data.resolve()),
            "database_backend": "mongomock",
            "base_url": self.base_url,
            "provider": {
                "prefix": PROVIDER_PREFIX,
                "name": "matsci-ml course data",
                "description": "EMT-relaxed elements and ordered binary alloys generated for the matsci-ml course "
                               f"(server {self._token})",
                "homepage": None,
            },
            "provider_fields": {"structures": PROVIDER_FIELDS},
            "log_level": "warning",
        }
        path = folder / "optimade_config.json"
        path.write_text(json.dumps(config, indent=1))
        return path

    def start(self) -> "LocalOptimadeServer":
        """Start the server and wait until ``/v1/info`` answers."""
        if self.running:
            return self
        if not self.data.is_file():
            raise FileNotFoundError(f"OPTIMADE data file {self.data} not found; regenerate it with "
                                    f"`python datasets/optimade/make_emt_alloys.py`.")
        if self.port == 0:
            self.port = _free_port(self.host)
        elif not _port_is_free(self.host, self.port):
            raise PortInUseError(
                f"Port {self.port} on {self.host} is already in use (perhaps a server from an earlier "
                f"run of this notebook). Use port=0 to pick a free port, or stop the other process."
            )
        self._workdir = tempfile.TemporaryDirectory(prefix="matsci-ml-optimade-")
        folder = Path(self._workdir.name)
        env = dict(os.environ, OPTIMADE_CONFIG_FILE=str(self._write_config(folder)))
        log = open(folder / "server.log", "wb")
        self._process = subprocess.Popen(
            [sys.executable, "-c", _SERVE_WHILE_PARENT_LIVES, str(os.getpid()), self.host, str(self.port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
        )
        log.close()
        atexit.register(self.stop)
        self._wait_until_ready(folder / "server.log")
        return self

    def _wait_until_ready(self, log_path: Path) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = log_path.read_text(errors="replace")[-2000:]
                self.stop()
                raise ServerStartError(f"The OPTIMADE server exited during start-up. Its log:\n{log}")
            try:
                response = requests.get(f"{self.base_url}/v1/info", timeout=2)
                if response.status_code == 200:
                    provider = response.json().get("meta", {}).get("provider", {})
                    if self._token in (provider.get("description") or ""):
                        return
                    self.stop()
                    raise PortInUseError(f"Another server answers on {self.base_url} (not the one this process "
                                         f"started); use port=0 to pick a free port, or stop the other server.")
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerStartError(f"The OPTIMADE server did not answer within {self.startup_timeout_s:.0f} s.")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and remove its temporary files."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None
        atexit.unregister(self.stop)

    def __enter__(self) -> "LocalOptimadeServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalOptimadeServer({self.base_url}, {state}, data={self.data.name})"
