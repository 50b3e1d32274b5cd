"""The Prefect UI in a real browser (Debian chromium, headless): the run form, a finished run's artifacts,
a partially failed batch, and a path outside the roots refused. The screenshots are kept in docs/ and
shown in the README, so they are overwritten on every run."""

import struct
import zlib
from pathlib import Path

import pytest
from browser import Browser, chromium_path

DOCS = Path(__file__).resolve().parent.parent / "docs"
WIDTH, HEIGHT = 1400, 1000


def _assert_real_png(path: Path, size: tuple[int, int] = (WIDTH, HEIGHT)) -> None:
    """A PNG of the window's size whose pixels are not one flat colour."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == size
    assert len(data) > 30_000, f"{path.name}: {len(data)} bytes is too small for a rendered page"
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    # Filtered scanlines: a blank page filters to (almost) all zero bytes, text and widgets do not.
    busy = sum(1 for b in raw[::7] if b) / len(raw[::7])
    assert busy > 0.01, f"{path.name} looks blank ({busy:.2%} non-zero)"


@pytest.fixture(scope="module")
def browser(prefect_server):
    assert chromium_path(), "chromium is missing: `make test` installs it (apt-get install chromium)"
    with Browser(WIDTH, HEIGHT, local_storage={"prefect-password": prefect_server.ui_password}) as b:
        yield b


def test_the_localize_film_run_form(prefect_server, browser):
    deployment = prefect_server.deployment("localize-film")
    browser.resize(WIDTH, 1700)  # tall enough for the options group
    text = browser.open(
        f"{prefect_server.url}/deployments/deployment/{deployment['id']}/run",
        wait_for=("source", "target_languages", "options", "Title.lang.ext"),
    )
    assert "The languages to deliver." in text and "Frame rate" in text
    try:
        _assert_real_png(browser.screenshot(DOCS / "ui-localize-run-form.png"), (WIDTH, 1700))
    finally:
        browser.resize(WIDTH, HEIGHT)


def test_a_finished_runs_artifacts(prefect_server, localize_run, browser):
    browser.open(
        f"{prefect_server.url}/runs/flow-run/{localize_run['id']}", wait_for=("Completed", "Artifacts")
    )
    assert browser.click_text("Artifacts")
    text = browser.wait_for("localize-summary", "localize-qc")
    _assert_real_png(browser.screenshot(DOCS / "ui-localize-artifacts.png"))
    assert "Sintel es srt" in text and "run summary" in text, text[-1500:]


def test_a_partially_failed_batch_is_marked_in_the_ui(prefect_server, batch_run, browser):
    browser.open(
        f"{prefect_server.url}/runs/flow-run/{batch_run['id']}", wait_for=("Partially failed", "Artifacts")
    )
    assert browser.click_text("Artifacts")
    text = browser.wait_for("batch-summary", "batch-films")
    assert "batch-csv" in text
    _assert_real_png(browser.screenshot(DOCS / "ui-batch-partially-failed.png"))

    summary = next(a for a in prefect_server.artifacts(batch_run["id"]) if a["key"] == "batch-summary")
    text = browser.open(
        f"{prefect_server.url}/artifacts/artifact/{summary['id']}",
        wait_for=("Partially failed", "Failed files", "Broken.en.srt", "ElephantsDream"),
    )
    _assert_real_png(browser.screenshot(DOCS / "ui-batch-summary.png"))


def test_a_path_outside_the_roots_is_refused(prefect_server, refused_run, browser):
    run = refused_run
    assert run["state"]["type"] == "FAILED"
    assert "source is outside the configured roots" in run["state"]["message"]
    assert str(prefect_server.inbox.resolve()) in run["state"]["message"]
    text = browser.open(
        f"{prefect_server.url}/runs/flow-run/{run['id']}", wait_for=("Failed", "outside the configured roots")
    )
    assert "refused" in text
    _assert_real_png(browser.screenshot(DOCS / "ui-path-refused.png"))
