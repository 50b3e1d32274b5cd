"""The flag-terms flow under a real (test) Prefect API: reports written, summary and table artifacts."""

import asyncio
import json

from conftest import SAMPLES

from flows.artifacts import TABLE_ROWS
from flows.terms import flag_terms
from subpipe.formats import read_track

TOS = SAMPLES / "tears-of-steel"


def _artifacts(key):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))

    return asyncio.run(read())


def test_flag_terms_flow_reports_and_publishes(prefect_harness, tmp_path):
    source, target = TOS / "TearsOfSteel.en.vtt", TOS / "TearsOfSteel.es.vtt"
    at = {(c.start, c.end): c.position for c in read_track(target).cues}
    links = tmp_path / "links.json"
    links.write_text(json.dumps({"links": [{"source": [c.position], "target": [at[(c.start, c.end)]]}
                                           for c in read_track(source).cues if (c.start, c.end) in at]}))
    out = tmp_path / "out"
    result = flag_terms(path=str(source), glossary=str(SAMPLES / "glossary" / "films.tbx"), target=str(target),
                        links=str(links), output_dir=str(out))
    assert result["summary"]["hits"] == 20 and result["errors"] == 2
    assert sorted(result["outputs"]) == ["csv", "json", "markdown"]
    assert (out / "TearsOfSteel.en.terms.csv").exists()

    summary = _artifacts("terms-summary")
    assert summary and "## Term QA against es" in summary[0].data and "brazo robot" in summary[0].data
    assert str((out / "TearsOfSteel.en.terms.csv").resolve()) in summary[0].data
    table = _artifacts("terms-table")
    assert table and table[0].type == "table" and "full table" in table[0].description
    rows = json.loads(table[0].data) if isinstance(table[0].data, str) else table[0].data
    assert 0 < len(rows) <= TABLE_ROWS and rows[0]["kind"] == "qa"
    link = _artifacts("terms-csv")
    assert link and (out / "TearsOfSteel.en.terms.csv").resolve().as_uri() in link[0].data
