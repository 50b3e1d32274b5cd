"""`subpipe serve` on a real Prefect server: deployments, a run from the UI's Run button, auth, batches."""

import importlib
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_prefect_yaml_deploys_the_served_flows_to_a_process_pool():
    config = yaml.safe_load((ROOT / "flows" / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in config["deployments"]}
    assert set(by_name) == {"localize-film", "deliver-film", "align-tracks", "flag-terms", "batch-drop-folder"}
    for name, deployment in by_name.items():
        path, function = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert getattr(module, function).name == name  # the flow's name is the deployment's
        assert deployment["work_pool"]["name"] == "subpipe"
    assert by_name["batch-drop-folder"]["schedules"][0]["cron"] == "0 2 * * *"


def test_the_four_deployments_are_served_with_typed_forms_and_the_nightly_schedule(prefect_server):
    localize = prefect_server.deployment("localize-film")
    schema = localize["parameter_openapi_schema"]
    assert schema["required"] == ["source", "target_languages"]
    assert schema["properties"]["target_languages"]["items"] == {"$ref": "#/definitions/Language"}
    assert {"en", "es", "fr", "zh-Hans"} <= set(schema["definitions"]["Language"]["enum"])
    fps = schema["definitions"]["QCOptions"]["properties"]["fps"]["anyOf"][0]
    assert fps["exclusiveMinimum"] == 0 and fps["maximum"] == 120
    assert "Title.lang.ext" in schema["properties"]["source"]["description"]
    assert localize["parameters"]["output_dir"] == str(prefect_server.outbox.resolve())

    batch = prefect_server.deployment("batch-drop-folder")
    (schedule,) = batch["schedules"]
    assert schedule["schedule"]["cron"] == "0 2 * * *" and schedule["active"]
    assert batch["global_concurrency_limit"]["limit"] == 1
    for name in ("align-tracks", "flag-terms"):
        assert prefect_server.deployment(name)["entrypoint"].startswith("flows.")


def test_a_run_from_the_run_button_delivers_and_its_artifacts_are_read_back(prefect_server, localize_run):
    assert localize_run["state"]["type"] == "COMPLETED", localize_run["state"]["message"]
    assert localize_run["parameters"]["output_dir"] == str(prefect_server.outbox.resolve())
    artifacts = prefect_server.artifacts(localize_run["id"])
    by_key = {a["key"]: a for a in artifacts if a["key"]}
    assert "| es |" in by_key["localize-summary"]["data"] and "Sintel" in by_key["localize-summary"]["data"]
    qc = by_key["localize-qc"]["data"]
    assert 0 < len(json.loads(qc) if isinstance(qc, str) else qc) <= 200
    links = [a["data"] for a in artifacts if a["type"] == "markdown" and "(file://" in a["data"]]
    files = [Path(unquote(urlparse(link.split("(", 1)[1].rstrip(")")).path)) for link in links]
    assert {"Sintel.es.srt", "Sintel.es.vtt", "Sintel.en-de.html", "summary.md"} <= {f.name for f in files}
    assert all(f.is_file() and f.is_relative_to(prefect_server.outbox.resolve()) for f in files)
    srt = next(f for f in files if f.name == "Sintel.es.srt")
    assert srt.read_text(encoding="utf-8").count(" --> ") >= 20
    (progress,) = [a for a in artifacts if a["type"] == "progress"]
    assert float(progress["data"]) == 100.0


def test_a_batch_with_a_corrupt_file_ends_partially_failed_on_the_server(prefect_server, batch_run):
    state = batch_run["state"]
    assert (state["type"], state["name"]) == ("FAILED", "Partially failed")
    assert "Broken.en.srt" in state["message"]
    (failed,) = (prefect_server.inbox / "failed").iterdir()
    assert sorted(p.name for p in failed.iterdir()) == ["Broken.en.srt", "Broken.en.srt.error.json"]
    (done,) = (prefect_server.inbox / "done").iterdir()
    assert [p.name for p in done.iterdir()] == ["ElephantsDream.en.vtt"]
    assert (prefect_server.outbox / "ElephantsDream" / "ElephantsDream.es.srt").is_file()
    summary = next(a for a in prefect_server.artifacts(batch_run["id"]) if a["key"] == "batch-summary")
    assert "Partially failed" in summary["data"] and "ElephantsDream" in summary["data"]


def test_without_credentials_the_api_refuses(prefect_server):
    assert prefect_server.request("POST", "/flow_runs/filter", auth=False, json={}).status_code == 401
    wrong = prefect_server.request(
        "POST",
        "/flow_runs/filter",
        auth=False,
        json={},
        headers={"Authorization": "Basic c3VicGlwZS1hZG1pbjpndWVzcw=="},
    )
    assert wrong.status_code == 401
    assert prefect_server.request("POST", "/flow_runs/filter", json={}).status_code == 200
    assert prefect_server.request("GET", "/health", auth=False).status_code == 200  # probes stay open


def test_serve_with_a_dead_prefect_api_url_ends_with_one_clear_line(tmp_path):
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ, PREFECT_API_URL=url, SUBPIPE_INBOX=str(tmp_path / "in"),
               SUBPIPE_OUTBOX=str(tmp_path / "out"), SUBPIPE_GLOSSARIES=str(tmp_path / "glossaries"))
    done = subprocess.run([sys.executable, "-m", "subpipe", "serve", "--no-schedule"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"subpipe serve: no Prefect server answers at {url} (PREFECT_API_URL)")


def test_make_serve_offers_the_sample_films_in_an_empty_inbox(tmp_path, monkeypatch):
    from flows.batch import batch_drop_folder  # noqa: F401  (deployments import the flows)
    from flows.serve import deployments, seed_samples
    from subpipe.batch import BatchSettings

    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    seeded = {p.name for p in seed_samples(inbox)}
    assert {"Sintel.en.vtt", "Sintel.de.vtt", "TearsOfSteel.en.vtt", "ElephantsDream.en.vtt"} <= seeded
    assert seed_samples(inbox) == []  # an inbox with work in it is left alone
    monkeypatch.setenv("SUBPIPE_INBOX", str(inbox))
    monkeypatch.setenv("SUBPIPE_OUTBOX", str(outbox))
    localize = next(d for d in deployments(BatchSettings(inbox=inbox, outbox=outbox), None)
                    if d.name == "localize-film")
    assert localize.parameters["source"] == "ElephantsDream.en.vtt"  # a relative name is taken in the inbox
