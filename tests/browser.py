"""A headless Debian chromium driven over the DevTools protocol: open a page, wait for text, screenshot.

Only the standard library and `websockets` (a Prefect dependency); no browser download. Chromium gets
a fresh profile directory, no sandbox (tests run as root), and no network beyond the pages it is sent to.
"""

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never via a proxy
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--no-proxy-server",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One chromium process and one page; `with Browser() as b: b.open(url); b.screenshot(path)`."""

    def __init__(self, width: int = 1400, height: int = 1000, local_storage: dict[str, str] | None = None):
        self.width, self.height, self.local_storage = width, height, local_storage or {}
        self._id = 0

    def __enter__(self) -> "Browser":
        self.profile = tempfile.mkdtemp(prefix="subpipe-chromium-")
        port = free_port()
        self.proc = subprocess.Popen(
            [
                chromium_path(),
                *FLAGS,
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                "--remote-debugging-address=127.0.0.1",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with DIRECT.open(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.2)
        self.ws = connect(pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=10, proxy=None)
        self.call("Page.enable")
        self.resize(self.width, self.height)
        if self.local_storage:
            # Before any script of the page runs, as the Prefect UI's login form would have left it.
            items = ";".join(
                f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)})"
                for k, v in self.local_storage.items()
            )
            self.call("Page.addScriptToEvaluateOnNewDocument", source=items)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def open(self, url: str, *, wait_for: tuple[str, ...] = (), timeout: float = 60) -> str:
        """Navigate and wait until the page's text holds every string of `wait_for`; the text."""
        self.call("Page.navigate", url=url)
        return self.wait_for(*wait_for, timeout=timeout, where=url)

    def wait_for(self, *strings: str, timeout: float = 60, where: str = "the page") -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.evaluate("document.body ? document.body.innerText : ''") or ""
            if all(w in text for w in strings) and text.strip():
                time.sleep(1.0)  # let fonts, charts and transitions settle before the picture
                return self.evaluate("document.body.innerText") or text
            time.sleep(0.3)
        raise AssertionError(
            f"{where}: {strings} not shown within {timeout:.0f} s; page text: {text[:800]!r}"
        )

    def click_text(self, text: str) -> bool:
        """Click the innermost element whose whole text is `text` (a tab, a button, a link)."""
        return bool(
            self.evaluate(
                "(() => { const el = [...document.querySelectorAll('body *')]"
                f".find(e => e.children.length === 0 && e.textContent.trim() === {json.dumps(text)});"
                " if (el) { el.click(); return true } return false })()"
            )
        )

    def screenshot(self, path: str | Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
