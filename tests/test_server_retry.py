"""The tests' Prefect API client sends a call again after a 503, as Prefect's own client does.

Prefect's SQLite server answers 503 ("database is locked") under load; a real HTTP server on loopback
(stdlib http.server) plays that server here: 503 a given number of times, then 200.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from server_fixture import MAX_RETRIES, PrefectServer


class _Busy(ThreadingHTTPServer):
    """Answers 503 to the first `busy` requests, then 200 with a JSON body; `status` for every request
    when set; keeps every request's method, path and body."""

    def __init__(self, busy: int, status: int | None = None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.busy, self.status, self.seen = busy, status, []


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, body))
        if self.server.status:
            status = self.server.status
        else:
            status = 503 if len(self.server.seen) <= self.server.busy else 200
        payload = json.dumps({"exception_message": "Service Unavailable"} if status == 503 else [{"id": "run"}])
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload.encode())

    do_GET = do_POST = _answer

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def busy_server(tmp_path):
    servers = []

    def start(busy: int, status: int | None = None) -> tuple[_Busy, PrefectServer]:
        httpd = _Busy(busy, status)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        client = PrefectServer(url=url, home=tmp_path, inbox=tmp_path, outbox=tmp_path, glossaries=tmp_path,
                               log=tmp_path / "serve.log", retry_seconds=0.01)
        return httpd, client

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_a_call_answered_503_twice_is_sent_again_and_succeeds(busy_server):
    httpd, client = busy_server(busy=2)
    assert client.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": ["x"]}}}) == [{"id": "run"}]
    assert len(httpd.seen) == 3  # the same request each time
    assert {(method, path) for method, path, _ in httpd.seen} == {("POST", "/api/artifacts/filter")}
    assert len({body for _, _, body in httpd.seen}) == 1
    assert client.get("/flow_runs/run") == [{"id": "run"}] and len(httpd.seen) == 4


def test_retries_are_bounded_and_the_last_503_is_raised(busy_server):
    httpd, client = busy_server(busy=100)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        client.post("/deployments/filter")
    assert raised.value.response.status_code == 503
    assert len(httpd.seen) == MAX_RETRIES + 1


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_other_errors_are_not_sent_again(busy_server, status):
    httpd, client = busy_server(busy=0, status=status)
    assert client.request("POST", "/flow_runs/filter", json={}).status_code == status
    assert len(httpd.seen) == 1
