"""The flag-terms flow under a real (test) Prefect API: reports written, summary and table artifacts."""

import json

from conftest import SAMPLES
from flow_runs import run_artifacts

from flows.artifacts import TABLE_ROWS
from flows.terms import flag_terms
from subpipe.formats import read_track

TOS = SAMPLES / "tears-of-steel"


def test_flag_terms_flow_reports_and_publishes(prefect_harness, tmp_path):
    source, target = TOS / "TearsOfSteel.en.vtt", TOS / "TearsOfSteel.es.vtt"
    at = {(c.start, c.end): c.position for c in read_track(target).cues}
    links = tmp_path / "links.json"
    links.write_text(json.dumps({"links": [{"source": [c.position], "target": [at[(c.start, c.end)]]}
                                           for c in read_track(source).cues if (c.start, c.end) in at]}))
    out = tmp_path / "out"
    state = flag_terms(path=str(source), glossary=str(SAMPLES / "glossary" / "films.tbx"), target=str(target),
                       links=str(links), output_dir=str(out), return_state=True)
    result = state.result()
    assert result["summary"]["hits"] == 20 and result["errors"] == 2
    assert sorted(result["outputs"]) == ["csv", "json", "markdown"]
    assert (out / "TearsOfSteel.en.terms.csv").exists()

    [summary] = run_artifacts(state, "terms-summary")
    assert "## Term QA against es" in summary.data and "brazo robot" in summary.data
    assert str((out / "TearsOfSteel.en.terms.csv").resolve()) in summary.data
    [table] = run_artifacts(state, "terms-table")
    assert table.type == "table" and "full table" in table.description
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert 0 < len(rows) <= TABLE_ROWS and rows[0]["kind"] == "qa"
    [link] = run_artifacts(state, "terms-csv")
    assert (out / "TearsOfSteel.en.terms.csv").resolve().as_uri() in link.data
