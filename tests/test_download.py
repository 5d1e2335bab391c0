"""fetch() against a throwaway HTTP server on 127.0.0.1 -- never the internet."""

from __future__ import annotations

import hashlib
import http.server
import threading

import pytest

from matsci_ml.data import Dataset, DatasetIntegrityError, DownloadError, fetch, get_dataset


class _Server:
    """Serves ``payload`` at /file; the first ``failures`` requests get HTTP 503."""

    def __init__(self, payload: bytes, failures: int = 0):
        self.payload, self.failures, self.requests = payload, failures, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                if outer.requests <= outer.failures:
                    self.send_error(503)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(outer.payload)))
                self.end_headers()
                self.wfile.write(outer.payload)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/file"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def allow_network(monkeypatch):
    # fetch() refuses to run offline; these tests only talk to 127.0.0.1.
    monkeypatch.delenv("MATSCI_ML_OFFLINE")


def _dataset(payload: bytes, url: str) -> Dataset:
    return Dataset(name="toy", group="toy", path="toy/file.bin", url=url,
                   sha256=hashlib.sha256(payload).hexdigest(), size_bytes=len(payload),
                   licence="CC0", citation="none")


def test_fetch_real_catalogue_file_from_a_local_mirror(tmp_path, allow_network):
    dataset = get_dataset("mlearn_Mo_test")
    server = _Server(dataset.local_path().read_bytes())
    try:
        status = fetch(dataset, tmp_path, url=server.url, progress=False)
    finally:
        server.close()
    assert status.state == "ok" and status.path == tmp_path / "mlearn/Mo/test.json"
    assert not list(tmp_path.rglob("*.part"))


def test_fetch_retries_with_backoff(tmp_path, allow_network):
    payload = b"lattice " * 1000
    server = _Server(payload, failures=2)
    try:
        status = fetch(_dataset(payload, server.url), tmp_path, backoff_s=0.01, progress=False)
    finally:
        server.close()
    assert status.state == "ok" and server.requests == 3


def test_fetch_gives_up_with_a_clear_message(tmp_path, allow_network):
    payload = b"x"
    server = _Server(payload, failures=10)
    try:
        with pytest.raises(DownloadError, match="after 3 attempts.*MATSCI_ML_DATA"):
            fetch(_dataset(payload, server.url), tmp_path, retries=3, backoff_s=0.01, progress=False)
    finally:
        server.close()
    assert not list(tmp_path.rglob("*.part")) and not list(tmp_path.rglob("file.bin"))


def test_corrupted_download_is_not_kept(tmp_path, allow_network):
    server = _Server(b"tampered bytes")
    dataset = _dataset(b"genuine bytes", server.url)
    try:
        with pytest.raises(DatasetIntegrityError, match=f"expected {dataset.sha256}"):
            fetch(dataset, tmp_path, progress=False)
    finally:
        server.close()
    assert not list(tmp_path.rglob("file.bin*"))


def test_present_file_is_not_downloaded_again(tmp_path, allow_network):
    payload = b"already here"
    server = _Server(payload)
    dataset = _dataset(payload, server.url)
    try:
        fetch(dataset, tmp_path, progress=False)
        fetch(dataset, tmp_path, progress=False)
    finally:
        server.close()
    assert server.requests == 1


def test_offline_mode_refuses_to_fetch(tmp_path):
    with pytest.raises(DownloadError, match="MATSCI_ML_OFFLINE forbids network access"):
        fetch(_dataset(b"x", "http://127.0.0.1:9/file"), tmp_path, progress=False)


def test_a_directory_in_the_files_place_is_reported_not_downloaded(tmp_path, allow_network):
    payload = b"x" * 1000
    server = _Server(payload)
    try:
        dataset = _dataset(payload, server.url)
        (tmp_path / "toy" / "file.bin").mkdir(parents=True)
        from matsci_ml.data import file_status

        assert file_status(dataset, tmp_path).state == "invalid"
        with pytest.raises(DownloadError, match="is a directory .* move it away"):
            fetch(dataset, tmp_path, url=server.url, progress=False)
        assert server.requests == 0
    finally:
        server.close()


def test_an_unreadable_file_is_reported_with_the_fix(tmp_path, monkeypatch):
    import matsci_ml.data.download as download

    payload = b"y" * 100
    dataset = _dataset(payload, "http://127.0.0.1:9/unused")
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "file.bin").write_bytes(payload)

    def denied(path, *args, **kwargs):     # root reads any file whatever its mode: simulate the error instead
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(download, "sha256_of", denied)
    status = download.file_status(dataset, tmp_path)
    assert status.state == "unreadable" and "Permission denied" in status.detail and "chmod u+r" in status.detail
    with pytest.raises(DownloadError, match="was not downloaded: cannot read"):
        fetch(dataset, tmp_path, progress=False)


def test_two_fetches_at_once_each_report_the_real_state(tmp_path, allow_network):
    payload = bytes(range(256)) * 4000
    server = _Server(payload)
    try:
        dataset = _dataset(payload, server.url)
        results = []
        threads = [threading.Thread(target=lambda: results.append(fetch(dataset, tmp_path, url=server.url,
                                                                          progress=False))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.state for r in results] == ["ok"] * 4
        assert (tmp_path / "toy" / "file.bin").read_bytes() == payload
        assert not list(tmp_path.rglob("*.part"))
    finally:
        server.close()
