"""The ingest flow under a real (test) Prefect API: outputs, artifacts, a bad file among good ones."""

import shutil

from conftest import CORNER, SAMPLES, TEARS_OF_STEEL
from flow_runs import run_artifacts

from flows.ingest import ingest_tracks


def test_ingest_flow_reads_qcs_writes_and_publishes(prefect_harness, tmp_path):
    canada = tmp_path / "in" / "TearsOfSteel.fr-CA.vtt"  # a French track delivered for Canada
    canada.parent.mkdir()
    shutil.copy(TEARS_OF_STEEL / "TOS-fr-Goofy.vtt", canada)
    mix = SAMPLES / "bilingual" / "TearsOfSteelMix.en+es.vtt"  # English and Spanish cues, checked each by its own
    good = [SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", SAMPLES / "sintel" / "Sintel.de.vtt", canada, mix]
    bad = CORNER / "gpac-misc" / "subtitle.ttxt"
    state = ingest_tracks(paths=[str(p) for p in good] + [str(bad)], profile="netflix",
                          output_dir=str(tmp_path), return_state=True)
    result = state.result()
    assert [t["cues"] for t in result["tracks"]] == [89, 26, 76, 76]
    assert [t["qc_mode"]["mode"] for t in result["tracks"]] == ["single", "single", "single", "bilingual"]
    assert result["tracks"][2]["qc"]["by_kind"]["locale-punct-space"] == 21  # fr-CA: no space before ! ?
    assert not any(k.startswith("locale-") for t in result["tracks"][:2] for k in t["qc"]["by_kind"])
    assert len(result["errors"]) == 1 and result["errors"][0]["path"] == str(bad)
    assert (tmp_path / "Sintel.de.srt").read_text(encoding="utf-8").count("töricht") == 1
    assert (tmp_path / "findings.csv").exists()
    [summary] = run_artifacts(state, "ingest-summary")
    assert "ElephantsDream.en.vtt" in summary.data and "Rejected" in summary.data
    assert "| bilingual en+es |" in summary.data
    [table] = run_artifacts(state, "ingest-findings")
    assert table.type == "table"
