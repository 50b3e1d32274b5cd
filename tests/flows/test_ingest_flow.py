"""The ingest flow under a real (test) Prefect API: outputs, artifacts, a bad file among good ones."""

import asyncio
import shutil

from conftest import CORNER, SAMPLES, TEARS_OF_STEEL

from flows.ingest import ingest_tracks


def _artifacts(key):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))

    return asyncio.run(read())


def test_ingest_flow_reads_qcs_writes_and_publishes(prefect_harness, tmp_path):
    canada = tmp_path / "in" / "TearsOfSteel.fr-CA.vtt"  # a French track delivered for Canada
    canada.parent.mkdir()
    shutil.copy(TEARS_OF_STEEL / "TOS-fr-Goofy.vtt", canada)
    good = [SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", SAMPLES / "sintel" / "Sintel.de.vtt", canada]
    bad = CORNER / "gpac-misc" / "subtitle.ttxt"
    result = ingest_tracks(paths=[str(p) for p in good] + [str(bad)], profile="netflix", output_dir=str(tmp_path))
    assert [t["cues"] for t in result["tracks"]] == [89, 26, 76]
    assert result["tracks"][2]["qc"]["by_kind"]["locale-punct-space"] == 21  # fr-CA: no space before ! ?
    assert not any(k.startswith("locale-") for t in result["tracks"][:2] for k in t["qc"]["by_kind"])
    assert len(result["errors"]) == 1 and result["errors"][0]["path"] == str(bad)
    assert (tmp_path / "Sintel.de.srt").read_text(encoding="utf-8").count("töricht") == 1
    assert (tmp_path / "findings.csv").exists()
    summary = _artifacts("ingest-summary")
    assert summary and "ElephantsDream.en.vtt" in summary[0].data and "Rejected" in summary[0].data
    table = _artifacts("ingest-findings")
    assert table and table[0].type == "table"
