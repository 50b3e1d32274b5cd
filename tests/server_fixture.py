"""One real Prefect server per test session, started the way staff start it: `subpipe serve`.

`subpipe serve` starts `prefect server start` on a temporary PREFECT_HOME and a free loopback port,
with basic authentication on (PREFECT_SERVER_API_AUTH_STRING), and serves the four deployments from
flows/serve.py. Tests talk to it over HTTP the way the UI does; at the end of the session SIGINT (what
Ctrl-C sends) must stop the runner and the server it started. Imported by conftest.py so that
test_server.py and test_browser.py share the one server and the runs made on it.
"""

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
AUTH = ("subpipe-admin", "test-only-password")
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
REVIEW_TIMEOUT = 60  # seconds a paused review waits: time to screenshot its form, short enough to wait out
# Prefect's server answers 503 when SQLite says "database is locked" (or busy): the request's transaction
# was rolled back, nothing was written, and Prefect's own client (PrefectHttpxAsyncClient) sends any request
# again on a 503, up to PREFECT_CLIENT_MAX_RETRIES (5) times with exponential backoff. The tests' client too.
RETRY_STATUS = 503
MAX_RETRIES = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PrefectServer:
    url: str
    home: Path
    inbox: Path
    outbox: Path
    glossaries: Path
    log: Path
    retry_seconds: float = 0.5  # the first wait after a 503, doubled each time: 0.5 + 1 + ... + 8 = 15.5 s at most

    @property
    def api(self) -> str:
        return self.url + "/api"

    @property
    def ui_password(self) -> str:
        """What the UI's login form keeps in localStorage['prefect-password']."""
        return base64.b64encode(":".join(AUTH).encode()).decode()

    def request(self, method: str, path: str, *, auth: bool = True, **kwargs) -> httpx.Response:
        """One API call; sent again after a 503 (the SQLite server busy) up to `MAX_RETRIES` times."""
        def send() -> httpx.Response:
            return httpx.request(
                method, self.api + path, auth=AUTH if auth else None, timeout=30, trust_env=False, **kwargs
            )

        for attempt in range(MAX_RETRIES):
            response = send()
            if response.status_code != RETRY_STATUS:
                return response
            time.sleep(self.retry_seconds * 2**attempt)
        return send()

    def post(self, path: str, body: dict | None = None):
        response = self.request("POST", path, json=body or {})
        response.raise_for_status()
        return response.json()

    def get(self, path: str):
        response = self.request("GET", path)
        response.raise_for_status()
        return response.json()

    def deployment(self, name: str) -> dict:
        return self.get(f"/deployments/name/{name}/{name}")

    def create_flow_run(self, deployment: str, parameters: dict) -> dict:
        """What the UI's Run button does: POST /deployments/{id}/create_flow_run."""
        return self.post(
            f"/deployments/{self.deployment(deployment)['id']}/create_flow_run", {"parameters": parameters}
        )

    def wait(self, run_id: str, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.get(f"/flow_runs/{run_id}")
            if run["state"]["type"] in TERMINAL:
                return run
            time.sleep(1)
        raise AssertionError(
            f"flow run {run_id} not finished in {timeout:.0f} s; serve log:\n"
            + self.log.read_text(errors="replace")[-4000:]
        )

    def artifacts(self, run_id: str) -> list[dict]:
        return self.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run_id]}}})


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory, demo_models):
    root = tmp_path_factory.mktemp("prefect-server")
    server = PrefectServer(
        url=f"http://127.0.0.1:{_free_port()}",
        home=root / "prefect-home",
        inbox=root / "inbox",
        outbox=root / "outbox",
        glossaries=root / "glossaries",
        log=root / "serve.log",
    )
    server.glossaries.mkdir()
    shutil.copy(SAMPLES / "glossary" / "films.csv", server.glossaries)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "SUBPIPE_")) or k.startswith("SUBPIPE_ARGOS")
    }  # the session's argos home (demo models) stays
    env.update(
        {
            "PREFECT_HOME": str(server.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            # Only the server's setting: `subpipe serve` hands the credentials to its own runner.
            "PREFECT_SERVER_API_AUTH_STRING": ":".join(AUTH),
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            "SUBPIPE_INBOX": str(server.inbox),
            "SUBPIPE_OUTBOX": str(server.outbox),
            "SUBPIPE_GLOSSARIES": str(server.glossaries),
            "SUBPIPE_CONCURRENCY": "3",
            "SUBPIPE_TARGET_LANGUAGES": "es",
            "SUBPIPE_GLOSSARY": "films.csv",
            # A localize-film run paused for term review waits this long (tests/flows/test_review_flow.py).
            "SUBPIPE_REVIEW_TIMEOUT": str(REVIEW_TIMEOUT),
            # The checkout's own src first: a worktree's served flows run its code, not the venv's install.
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
    )
    port = server.url.rsplit(":", 1)[1]
    with open(server.log, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "subpipe", "serve", "--port", port],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                names = {d["name"] for d in server.post("/deployments/filter")}
                if {"localize-film", "align-tracks", "flag-terms", "batch-drop-folder"} <= names:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "subpipe serve did not come up:\n" + server.log.read_text(errors="replace")
                )
            time.sleep(1)
        yield server
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise AssertionError("subpipe serve did not stop on Ctrl-C") from None
        with socket.socket() as s:  # the server it started is gone too
            assert s.connect_ex(("127.0.0.1", int(port))) != 0, "the Prefect server outlived subpipe serve"


@pytest.fixture(scope="session")
def started_runs(prefect_server) -> dict[str, str]:
    """Runs created at once (the served runner takes three at a time), so their start-up costs overlap:
    a localize-film run through the REST endpoint behind the UI's Run button, a batch-drop-folder run
    over a good film and a corrupt file, and a localize-film run given a path outside the roots."""
    server = prefect_server
    films = server.inbox / "by-hand"  # below the drop folder's top level, so the batch leaves them alone
    films.mkdir(parents=True, exist_ok=True)
    for name in ("Sintel.en.vtt", "Sintel.de.vtt"):
        shutil.copy(SAMPLES / "sintel" / name, films)
    corpus = Path(os.environ.get("SUBPIPE_CORPUS", ROOT.parent / "shared" / "corpus"))
    shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", server.inbox)
    shutil.copy(corpus / "corner-cases" / "gpac-misc" / "subtitle.ttxt", server.inbox / "Broken.en.srt")
    runs = {
        "localize": server.create_flow_run(
            "localize-film",
            {
                "source": str(films / "Sintel.en.vtt"),
                "target_languages": ["es"],
                "reference_tracks": [str(films / "Sintel.de.vtt")],
                "glossary": "films.csv",
                "review_terms": False,  # Sintel has a glossary conflict: this run must not pause
            },
        ),
        "batch": server.create_flow_run("batch-drop-folder", {}),
        "refused": server.create_flow_run(
            "localize-film", {"source": "/etc/passwd", "target_languages": ["es"]}
        ),
    }
    assert {r["state"]["type"] for r in runs.values()} == {"SCHEDULED"}
    return {kind: run["id"] for kind, run in runs.items()}


@pytest.fixture(scope="session")
def localize_run(prefect_server, started_runs):
    """The localize-film run of Sintel (with its German track as reference), finished."""
    return prefect_server.wait(started_runs["localize"])


@pytest.fixture(scope="session")
def batch_run(prefect_server, started_runs):
    """The batch-drop-folder run (Elephants Dream and a corrupt Broken.en.srt), finished."""
    return prefect_server.wait(started_runs["batch"])


@pytest.fixture(scope="session")
def refused_run(prefect_server, started_runs):
    """The localize-film run asked to read /etc/passwd, finished."""
    return prefect_server.wait(started_runs["refused"], timeout=120)
