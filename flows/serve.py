"""`subpipe serve` / `make serve` / `python -m flows.serve`: the Prefect UI and subpipe's deployments.

1. Unless ``PREFECT_API_URL`` points at a Prefect server (checked first: a server that does not answer
   ends the command with one line saying so), starts one (``prefect server start``, its
   SQLite database under ``PREFECT_HOME``) on ``host:port`` of the settings (127.0.0.1:4200).
2. Serves the deployments from this process: ``localize-film``, ``deliver-film``, ``align-tracks``
   and ``flag-terms``
   (run from the UI's Run button) and ``batch-drop-folder`` (on the settings' cron schedule, nightly
   at 02:00 UTC by default; one batch at a time).
3. Ctrl-C (or SIGTERM) stops the runner, its flow runs, and the server if it started one.

With ``--samples`` (``make serve``), an inbox holding no subtitle file gets a copy of the sample films
of samples/, and the localize-film form proposes the first English one, so the first run from the UI
works right after ``make demo``. Translation models are read from subpipe's model home
(`subpipe.translate.argos.argos_home`: the checkout's .cache/argos where ``make demo`` installs them),
exported to every flow run.

Settings (folders, schedule, concurrency, task runner) come from ``subpipe.toml`` / ``SUBPIPE_*``
(`subpipe.batch.load_settings`); their folders are made absolute and passed to every flow run, which
refuses any path outside them. For workers on other machines see flows/prefect.yaml.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_STARTUP_SECONDS = 120  # a fresh SQLite database is migrated first: slow on a busy 2-core machine


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start_server(
    host: str, port: int, *, log=None, timeout: float = SERVER_STARTUP_SECONDS
) -> subprocess.Popen:
    """``prefect server start`` in a session of its own (so it and its children stop together), once
    its health check answers."""
    if _port_open(host, port):
        raise SystemExit(
            f"subpipe serve: {host}:{port} is taken; set PREFECT_API_URL to use the server "
            f"there, or choose another port (--port / SUBPIPE_PORT)"
        )
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    # The UI asks the API at PREFECT_UI_API_URL, which defaults to the configured host and port, not --port's.
    env = dict(os.environ, PREFECT_SERVER_API_HOST=host, PREFECT_SERVER_API_PORT=str(port))
    env.setdefault("PREFECT_UI_API_URL", f"http://{host}:{port}/api")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT if log else None, start_new_session=True
    )
    url = f"http://{host}:{port}/api/health"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an HTTP proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"subpipe serve: the Prefect server exited with status {proc.returncode}")
        try:
            with direct.open(url, timeout=2) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"subpipe serve: the Prefect server did not answer on {url} within {timeout:.0f} s")


def check_api(url: str, timeout: float = 5) -> None:
    """Refuse with one line when no Prefect server answers at `url` (``PREFECT_API_URL``)."""
    health = url.rstrip("/") + "/health"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(health, timeout=timeout):
            return
    except urllib.error.HTTPError:  # it answered (maybe asking for credentials): a server is there
        return
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError) as exc:
        reason = str(getattr(exc, "reason", exc))
    raise SystemExit(
        f"subpipe serve: no Prefect server answers at {url} (PREFECT_API_URL): {reason}; start that "
        "server, or unset PREFECT_API_URL and subpipe serve starts one"
    )


def stop_server(proc: subprocess.Popen | None, timeout: float = 20) -> None:
    """SIGTERM to the server's process group (only what `start_server` started), SIGKILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def export_settings(settings) -> None:
    """Make the folders absolute, create them, and hand them to every flow run through the environment
    (a flow run is a child process, maybe with another working directory)."""
    for name in ("inbox", "outbox", "glossaries"):
        folder = getattr(settings, name).expanduser().resolve()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[f"SUBPIPE_{name.upper()}"] = str(folder)
    if settings.extra_roots:
        os.environ["SUBPIPE_EXTRA_ROOTS"] = os.pathsep.join(
            str(p.expanduser().resolve()) for p in settings.extra_roots
        )
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))  # flow runs import flows.*


SAMPLE_TRACKS = (".vtt", ".srt", ".ass")


def seed_samples(inbox: Path, samples: Path = ROOT / "samples") -> list[Path]:
    """Copy the sample films into `inbox` when it holds no subtitle file (a first run after ``make demo``)."""
    from subpipe.batch import SUBTITLE_EXTENSIONS
    from subpipe.ingest import guess_lang

    if any(p.suffix.lower() in SUBTITLE_EXTENSIONS for p in inbox.iterdir() if p.is_file()):
        return []
    tracks = sorted(p for p in samples.rglob("*") if p.suffix in SAMPLE_TRACKS and guess_lang(p))
    return [Path(shutil.copy2(p, inbox / p.name)) for p in tracks]


def default_source(inbox: Path) -> str | None:
    """The first English track waiting in the inbox: what the localize-film form proposes."""
    from subpipe.ingest import guess_lang

    tracks = sorted(p.name for p in inbox.iterdir() if p.is_file() and guess_lang(p) == "en")
    return tracks[0] if tracks else None


def deployments(settings, schedule: str | None):
    """The five deployments, their form defaults pointing into the outbox (and at a film of the inbox)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.align import align_tracks
    from flows.batch import batch_drop_folder
    from flows.deliver import deliver_film
    from flows.localize import localize_film
    from flows.terms import flag_terms

    outbox = os.environ["SUBPIPE_OUTBOX"]
    common = {"tags": ["subpipe"], "entrypoint_type": EntrypointType.MODULE_PATH}
    film = {"source": source} if (source := default_source(Path(os.environ["SUBPIPE_INBOX"]))) else {}
    return [
        localize_film.to_deployment(
            name="localize-film",
            parameters={"output_dir": outbox, "target_languages": ["es"]} | film,
            description="Localize one film: pick its source track under the inbox and the languages.",
            **common,
        ),
        deliver_film.to_deployment(
            name="deliver-film",
            parameters={"output_dir": outbox} | film,
            description="Localize one film and write the delivery package a spec names, with its manifest.",
            **common,
        ),
        align_tracks.to_deployment(
            name="align-tracks",
            parameters={"output_dir": str(Path(outbox) / "align")},
            description="Align two language tracks of a film and link their cues.",
            **common,
        ),
        flag_terms.to_deployment(
            name="flag-terms",
            parameters={"output_dir": str(Path(outbox) / "terms")},
            description="Flag culture-specific terms of a track against a glossary.",
            **common,
        ),
        batch_drop_folder.to_deployment(
            name="batch-drop-folder",
            schedule=Cron(schedule, timezone=settings.timezone) if schedule else None,
            concurrency_limit=1,  # one batch at a time: a slow night never overlaps the next
            description=f"Every film in the drop folder {os.environ['SUBPIPE_INBOX']}; "
            f"schedule {schedule or 'none'} ({settings.timezone}).",
            **common,
        ),
    ]


def _terminate(signum, frame):  # SIGTERM takes the same way out as Ctrl-C
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="subpipe serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="settings file (default: $SUBPIPE_CONFIG or ./subpipe.toml)")
    parser.add_argument("--host", help="address of the server started here (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port of the server started here (default 4200)")
    parser.add_argument("--schedule", help="cron of batch-drop-folder (default: settings, 0 2 * * *)")
    parser.add_argument("--no-schedule", action="store_true", help="batch-drop-folder only on demand")
    parser.add_argument("--samples", action="store_true", help="copy the sample films into an empty inbox")
    args = parser.parse_args(argv)

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from subpipe.batch import load_settings
    from subpipe.translate.argos import argos_home

    settings = load_settings(args.config)
    export_settings(settings)
    os.environ.setdefault("SUBPIPE_ARGOS_HOME", str(argos_home()))  # flow runs read the same models
    if args.samples and (seeded := seed_samples(Path(os.environ["SUBPIPE_INBOX"]))):
        print(f"copied {len(seeded)} sample tracks into the inbox {os.environ['SUBPIPE_INBOX']}", flush=True)
    host, port = args.host or settings.host, args.port or settings.port
    schedule = None if args.no_schedule else (args.schedule or settings.schedule)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    server = None
    if os.environ.get("PREFECT_API_URL"):
        check_api(os.environ["PREFECT_API_URL"])
    try:
        if not os.environ.get("PREFECT_API_URL"):
            print(
                f"starting Prefect's server on http://{host}:{port} (PREFECT_HOME="
                f"{os.environ.get('PREFECT_HOME', '~/.prefect')})",
                flush=True,
            )
            server = start_server(host, port)
            # Set before prefect is imported below: its settings are read from the environment.
            os.environ["PREFECT_API_URL"] = f"http://{host}:{port}/api"
            if os.environ.get("PREFECT_SERVER_API_AUTH_STRING"):  # our runner and flow runs log in too
                os.environ.setdefault("PREFECT_API_AUTH_STRING", os.environ["PREFECT_SERVER_API_AUTH_STRING"])
        from prefect import serve

        print(
            f"UI: {os.environ['PREFECT_API_URL'].removesuffix('/api')}  "
            f"inbox: {os.environ['SUBPIPE_INBOX']}  "
            f"outbox: {os.environ['SUBPIPE_OUTBOX']}",
            flush=True,
        )
        serve(*deployments(settings, schedule), limit=settings.concurrency)  # flow runs at once
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        stop_server(server)
        print("subpipe serve: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
