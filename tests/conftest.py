"""Shared fixtures: where the corpus is, and one Prefect test server per session for flow tests."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No timed assertions in tests: an example stalled by a busy machine (a 2-core CI runner, GC, swap) must not
# fail a property test, as Hypothesis's default 200 ms deadline and its too-slow health check would.
settings.register_profile("subpipe", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("subpipe")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SUBPIPE_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLES = ROOT / "samples"
# The corpus's films and corner cases: every test names them from here.
FILMS = CORPUS / "films"
CORNER = CORPUS / "corner-cases"
TEARS_OF_STEEL = FILMS / "tears-of-steel"
SINTEL = FILMS / "sintel"
_TRACK_NAMES = {"sintel": "sintel-{}.vtt", "tears-of-steel": "TOS-{}.vtt",
                "elephants-dream": "elephants-dream-subtitles-{}.vtt"}


def film_track(film: str, lang: str) -> Path:
    """The corpus track of `film` ("sintel", "tears-of-steel", "elephants-dream") in `lang`."""
    return FILMS / film / _TRACK_NAMES[film].format(lang)


def read_film(path: Path, lang: str):
    """A corpus film's WebVTT track, read from its bytes as a user's file is."""
    from subpipe.formats import parse_track

    track = parse_track(path.read_bytes(), path=str(path), lang=lang)
    assert track.format == "vtt"
    return track

# Rich sizes a console from COLUMNS when the console is made (subpipe.cli's at import: then fixed for the
# whole session, per-test settings ignored), else at each print from COLUMNS, the terminal on stdin, or 80.
# Nothing fixed at import, and 80 columns in every test (CI's width) whatever the terminal or the shell's
# COLUMNS; a test wanting another width says so with CliRunner's env.
for _var in ("COLUMNS", "LINES"):
    os.environ.pop(_var, None)


@pytest.fixture(autouse=True)
def _console_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


# subpipe's settings exported in the shell that runs the tests (SUBPIPE_DEBUG, SUBPIPE_MAX_CUES, SUBPIPE_INBOX,
# ... for `subpipe serve` on the same machine) would change what the tests check: gone, but for where this
# machine keeps the corpus and Apertium's modes.
for _var in [v for v in os.environ if v.startswith("SUBPIPE_")]:
    if _var not in ("SUBPIPE_CORPUS", "SUBPIPE_APERTIUM_MODES"):
        del os.environ[_var]

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

# argostranslate reads its settings when first imported: point it at an empty home of the session's own
# before anything imports it, so tests install the demo packages the way a user does and touch nothing
# of the machine's.
ARGOS_HOME = Path(tempfile.mkdtemp(prefix="subpipe-test-argos-"))
os.environ["SUBPIPE_ARGOS_HOME"] = str(ARGOS_HOME)
os.environ["ARGOS_PACKAGES_DIR"] = str(ARGOS_HOME / "packages")
for _var, _sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
    os.environ[_var] = str(ARGOS_HOME / _sub)
DEMO_MODELS = sorted((ROOT / "models" / "demo").glob("*.argosmodel"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus; its absence is a failure, never a skip."""
    assert CORPUS.is_dir(), f"corpus not found at {CORPUS} (set SUBPIPE_CORPUS)"
    return CORPUS


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A throwaway Prefect API (SQLite) for the whole session, without the per-run heartbeat cost."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    # The first start migrates a fresh SQLite database: the time the setting gives it (90 s under `make test`
    # for a busy 2-core machine), never less than 60 s.
    startup = max(60, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    with prefect_test_harness(server_startup_timeout=startup):
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield


@pytest.fixture(scope="session", autouse=True)
def _remove_argos_home():
    yield
    shutil.rmtree(ARGOS_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_models():
    """The shipped demo argos packages, installed into the session's argos home like a user installs them."""
    from subpipe.translate.argos import install_package_file, installed_packages

    assert DEMO_MODELS, "no demo .argosmodel under models/demo"
    for model in DEMO_MODELS:
        install_package_file(model)
    return installed_packages()


# The real Prefect server of tests/test_server.py and tests/test_browser.py (one per session, shared).
from server_fixture import (  # noqa: E402, F401
    batch_run,
    localize_run,
    prefect_server,
    refused_run,
    started_runs,
)
