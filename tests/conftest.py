"""Shared fixtures: where the corpus is, and one Prefect test server per session for flow tests."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SUBPIPE_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLES = ROOT / "samples"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus; its absence is a failure, never a skip."""
    assert CORPUS.is_dir(), f"corpus not found at {CORPUS} (set SUBPIPE_CORPUS)"
    return CORPUS


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A throwaway Prefect API (SQLite) for the whole session, without the per-run heartbeat cost."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
