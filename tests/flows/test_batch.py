"""The drop-folder batch under a real (test) Prefect API: a bad file among good ones, reruns, Dask."""

import json
import shutil

import pytest
from conftest import CORNER, SAMPLES
from flow_runs import read, run_artifacts, run_tasks

from flows.batch import PARTIALLY_FAILED, batch_drop_folder
from flows.params import BatchOptions

OPTIONS = BatchOptions(target_languages=["es"], retries=0)
BAD = CORNER / "gpac-misc" / "subtitle.ttxt"  # GPAC XML: no reader takes it


def _drop(inbox, sintel_en=None):
    inbox.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "sintel" / "Sintel.en.vtt", inbox / "Sintel.en.vtt")
    if sintel_en is not None:
        (inbox / "Sintel.en.vtt").write_text(sintel_en, encoding="utf-8")
    shutil.copy(SAMPLES / "sintel" / "Sintel.de.vtt", inbox / "Sintel.de.vtt")
    shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", inbox / "ElephantsDream.en.vtt")
    shutil.copy(BAD, inbox / "Broken.en.srt")


def _run(inbox, outbox):
    return batch_drop_folder(
        inbox=str(inbox),
        outbox=str(outbox),
        glossary=str(SAMPLES / "glossary" / "films.csv"),
        options=OPTIONS,
        return_state=True,
    )


def _task_states(state) -> dict[str, str]:
    return {r.name: r.state.name for r in run_tasks(state)}


def _outputs(outbox) -> dict[str, bytes]:
    """The delivered tracks (SRT, WebVTT, dual ASS) by path under the outbox."""
    return {
        p.relative_to(outbox).as_posix(): p.read_bytes()
        for p in sorted(outbox.rglob("*"))
        if p.suffix in (".srt", ".vtt", ".ass") and ".subpipe-cache" not in p.parts
    }


@pytest.fixture(scope="module")
def threads_batch(prefect_harness, demo_models, tmp_path_factory):
    """One batch on the default thread runner: Sintel (+ a German reference), Elephants Dream, a bad file."""
    root = tmp_path_factory.mktemp("batch-threads")
    _drop(root / "inbox")
    state = _run(root / "inbox", root / "outbox")
    return root, state, _outputs(root / "outbox")


def test_a_bad_file_fails_alone_and_the_run_shows_partially_failed(threads_batch):
    root, state, _ = threads_batch
    inbox, outbox = root / "inbox", root / "outbox"
    assert state.type.value == "FAILED" and state.name == PARTIALLY_FAILED
    assert "1 of 4 files failed (Broken.en.srt)" in state.message
    run = read(lambda c: c.read_flow_run(state.state_details.flow_run_id))
    assert run.state.name == PARTIALLY_FAILED and run.state.type.value == "FAILED"

    result = state.result(raise_on_failure=False)
    (batch,) = [p.name for p in (inbox / "done").iterdir()]
    assert sorted(p.name for p in (inbox / "done" / batch).iterdir()) == [
        "ElephantsDream.en.vtt",
        "Sintel.de.vtt",
        "Sintel.en.vtt",
    ]
    failed = inbox / "failed" / batch
    assert sorted(p.name for p in failed.iterdir()) == ["Broken.en.srt", "Broken.en.srt.error.json"]
    report = json.loads((failed / "Broken.en.srt.error.json").read_text(encoding="utf-8"))
    assert "no SRT cue could be read" in report["error"]["message"] and report["error"]["line"] == 1
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "failed"]
    assert sorted(result["delivered"]) == ["ElephantsDream", "Sintel"]
    assert {"ElephantsDream/ElephantsDream.es.srt", "Sintel/Sintel.es.vtt"} <= set(_outputs(outbox))
    assert (outbox / "Sintel" / "align" / "Sintel.en-de.html").exists()
    assert _task_states(state) == {
        "localize Sintel": "Completed",
        "localize ElephantsDream": "Completed",
        "localize Broken": "Failed",
    }

    artifacts = {a.key: a for a in run_artifacts(state) if a.key}
    summary = artifacts["batch-summary"].data
    assert "Partially failed" in summary and "Broken.en.srt" in summary and "QC pass" in summary
    assert "| Sintel | es |" in summary and "terms flagged" in summary
    rows = artifacts["batch-films"].data
    rows = json.loads(rows) if isinstance(rows, str) else rows
    assert {(r["film"], r["status"]) for r in rows} == {
        ("Sintel", "done"),
        ("ElephantsDream", "done"),
        ("Broken", "failed"),
    }
    assert "batch.csv" in artifacts["batch-csv"].data and "file://" in artifacts["batch-csv"].data
    links = [a.data for a in run_artifacts(state) if a.type == "markdown" and "file://" in a.data]
    assert any("Sintel.es.srt" in link for link in links) and any(
        "Sintel.en-de.html" in link for link in links
    )
    progress = [a for a in run_artifacts(state) if a.type == "progress"]
    assert progress and float(progress[0].data) == 100.0


def test_a_rerun_over_unchanged_files_does_no_work_and_a_changed_file_is_redone(threads_batch):
    root, _, _ = threads_batch
    inbox, outbox = root / "inbox", root / "outbox"
    delivered = outbox / "Sintel" / "summary.json"
    before = delivered.stat().st_mtime_ns

    _drop(inbox)  # the same files dropped again
    again = _run(inbox, outbox)
    assert _task_states(again) == {
        "localize Sintel": "Cached",
        "localize ElephantsDream": "Cached",
        "localize Broken": "Failed",
    }
    assert delivered.stat().st_mtime_ns == before
    assert sorted(again.result(raise_on_failure=False)["cached"]) == ["ElephantsDream", "Sintel"]

    changed = (
        (SAMPLES / "sintel" / "Sintel.en.vtt").read_text(encoding="utf-8").replace("dragon", "Dragon", 1)
    )
    _drop(inbox, sintel_en=changed)
    third = _run(inbox, outbox)
    assert _task_states(third) == {
        "localize Sintel": "Completed",
        "localize ElephantsDream": "Cached",
        "localize Broken": "Failed",
    }
    assert delivered.stat().st_mtime_ns > before


def test_the_same_batch_on_dask_gives_the_same_outputs(threads_batch, tmp_path, monkeypatch):
    # A 2-worker LocalCluster of threads (processes=False): each process worker would load spaCy and the
    # translation models again, which costs more than the test's films.
    monkeypatch.setenv("SUBPIPE_TASK_RUNNER", "dask")
    monkeypatch.setenv("SUBPIPE_DASK_WORKERS", "2")
    monkeypatch.setenv("SUBPIPE_DASK_PROCESSES", "false")
    _, _, threads_outputs = threads_batch
    _drop(tmp_path / "inbox")
    state = _run(tmp_path / "inbox", tmp_path / "outbox")
    assert state.name == PARTIALLY_FAILED
    assert _task_states(state) == {
        "localize Sintel": "Completed",
        "localize ElephantsDream": "Completed",
        "localize Broken": "Failed",
    }
    assert _outputs(tmp_path / "outbox") == threads_outputs


def test_a_film_missing_a_language_is_not_cached_and_fails_its_files_with_the_reason(
        prefect_harness, demo_models, tmp_path):
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", inbox)
    options = BatchOptions(target_languages=["es", "ja"], retries=0)  # no model translates en->ja
    runs = []
    for _ in range(2):
        runs.append(batch_drop_folder(inbox=str(inbox), outbox=str(outbox), options=options, return_state=True))
        shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", inbox)
    for state in runs:  # the second run localizes again: an incomplete film is never a cache hit
        assert state.name == PARTIALLY_FAILED and _task_states(state) == {"localize ElephantsDream": "Failed"}
        summary = state.result(raise_on_failure=False)
        assert summary["delivered"] == ["ElephantsDream"] and summary["cached"] == []
        assert summary["films"]["ElephantsDream"]["failed_languages"]["ja"]["code"] == "missing-pair"
    (failed,) = [m for m in runs[0].result(raise_on_failure=False)["moved"]["failed"]]
    assert failed["file"] == "ElephantsDream.en.vtt" and "en->ja" in failed["error"]
    assert (outbox / "ElephantsDream" / "ElephantsDream.es.srt").exists()


def test_the_drop_folder_takes_a_bilingual_track_and_a_rerun_is_a_cache_hit(prefect_harness, demo_models, tmp_path):
    from bilingual_mix import tos_scenes

    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    mixed, source = tos_scenes(tmp_path, "TosMix.en+es.srt")
    runs = []
    for _ in range(2):
        shutil.copy(source, inbox)
        runs.append(batch_drop_folder(inbox=str(inbox), outbox=str(outbox), options=OPTIONS, return_state=True))
    first, second = (state.result(raise_on_failure=False) for state in runs)
    assert runs[0].type.value == "COMPLETED" and first["delivered"] == ["TosMix"]
    es = first["films"]["TosMix"]["languages"]["es"]
    assert es["status"] == "delivered" and es["cues_by_origin"]["kept"] > 20 and es["cues_by_origin"]["translated"]["en"] > 20
    assert first["films"]["TosMix"]["spoken_languages"]["declared"] == ["en", "es"]
    assert second["cached"] == ["TosMix"]
    assert (outbox / "TosMix" / "TosMix.es.srt").exists() and (outbox / "TosMix" / "TosMix.en+es+es.ass").exists()
    assert not (outbox / "TosMix" / "TosMix.es.forced.srt").exists()
    # asking for forced narratives changes the outputs: not a cache hit, and the forced track is written
    shutil.copy(source, inbox)
    forced = batch_drop_folder(inbox=str(inbox), outbox=str(outbox), return_state=True,
                               options=OPTIONS.model_copy(update={"forced_narrative": True}))
    third = forced.result(raise_on_failure=False)
    assert third["delivered"] == ["TosMix"] and third["cached"] == []
    assert third["films"]["TosMix"]["languages"]["es"]["outputs"]["forced_srt"].endswith("TosMix.es.forced.srt")
    assert (outbox / "TosMix" / "TosMix.es.forced.srt").stat().st_size > 0
