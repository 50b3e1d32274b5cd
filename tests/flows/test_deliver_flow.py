"""The deliver-film flow under a real (test) Prefect API: the package, its manifest and the artifacts."""

import hashlib
import json

from conftest import SAMPLES
from flow_runs import run_artifacts

from flows.deliver import SpecName, deliver_film
from subpipe.formats import read_track


def test_the_flow_delivers_a_bilingual_film_with_its_forced_narrative_and_publishes_the_manifest(
        prefect_harness, demo_models, tmp_path):
    mix = SAMPLES / "bilingual" / "TearsOfSteelMix.en+es.vtt"
    state = deliver_film(source=str(mix), spec=SpecName.NETFLIX, locales=["en"], output_dir=str(tmp_path),
                         return_state=True)
    manifest = state.result()
    package = tmp_path / "TearsOfSteelMix" / "delivery" / "netflix"
    assert manifest["status"] == "completed" and manifest["delivered"] == ["en"]
    assert [(f["file"], f["kind"]) for f in manifest["files"]] == [("TearsOfSteelMix.en.ttml", "subtitles"),
                                                                  ("TearsOfSteelMix.en.forced.ttml", "forced")]
    full, forced = (read_track(package / f["file"]) for f in manifest["files"])
    # the forced narrative: only the Spanish scenes, in English, a part of the full track's cues
    assert 0 < len(forced.cues) < len(full.cues) == 76
    assert {(c.start, c.end) for c in forced.cues} <= {(c.start, c.end) for c in full.cues}
    for row in manifest["files"]:
        assert row["sha256"] == hashlib.sha256((package / row["file"]).read_bytes()).hexdigest()
    assert json.loads((package / "manifest.json").read_text(encoding="utf-8"))["files"] == manifest["files"]
    [table] = run_artifacts(state, "delivery-manifest")
    rows = json.loads(table.data)
    assert [r["file"] for r in rows] == [f["file"] for f in manifest["files"]]
    [summary] = run_artifacts(state, "delivery-summary")
    assert "TearsOfSteelMix.en.forced.ttml" in summary.data
    assert all(row["qc_pass"] is True or row["qc_findings"] for row in manifest["files"])
