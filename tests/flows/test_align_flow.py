"""The align flow under a real (test) Prefect API: outputs, summary, lowest-confidence table, report link."""

import json

from conftest import SAMPLES
from flow_runs import run_artifacts

from flows.align import align_tracks
from flows.params import AlignOptions

ED = SAMPLES / "elephants-dream"


def test_align_flow_writes_outputs_and_publishes_artifacts(prefect_harness, tmp_path):
    state = align_tracks(
        source=str(ED / "ElephantsDream.en.vtt"),
        target=str(ED / "ElephantsDream.de.vtt"),
        output_dir=str(tmp_path),
        options=AlignOptions(dual="ass"),
        return_state=True,
    )
    result = state.result()
    outputs = result["outputs"]
    assert set(outputs) == {"links", "tmx", "dual", "report"}
    links = json.loads(
        (tmp_path / "ElephantsDream.en__ElephantsDream.de.links.json").read_text(encoding="utf-8")
    )
    assert links["source"]["cues"] == 89 and links["target"]["cues"] == 77
    assert result["summary"]["links"] == len(links["links"])

    [summary] = run_artifacts(state, "align-summary")
    assert summary.type == "markdown" and "transform" in summary.data and "links.json" in summary.data
    [table] = run_artifacts(state, "align-low-confidence")
    assert table.type == "table"
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    confidences = [row["confidence"] for row in rows]
    assert confidences == sorted(confidences) and len(rows) <= 200
    [link] = run_artifacts(state, "align-report")  # Prefect stores a link artifact as a Markdown link
    assert "(file://" in link.data and ".report.html)" in link.data
