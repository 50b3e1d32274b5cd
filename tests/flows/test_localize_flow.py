"""The localize-film flow under a real (test) Prefect API: outputs, artifacts, progress, a bad reference."""

import asyncio

from conftest import CORPUS, SAMPLES
from flows.localize import localize_film


def _artifacts(key=None, kind=None):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, ArtifactFilterType

    async def read():
        async with get_client() as client:
            flt = ArtifactFilter(key=ArtifactFilterKey(any_=[key]) if key else None,
                                 type=ArtifactFilterType(any_=[kind]) if kind else None)
            return await client.read_artifacts(artifact_filter=flt)

    return asyncio.run(read())


def test_localize_flow_delivers_languages_and_publishes_artifacts(prefect_harness, demo_models, tmp_path):
    bad_reference = CORPUS / "corner-cases" / "gpac-misc" / "subtitle.ttxt"
    result = localize_film(source=str(SAMPLES / "sintel" / "Sintel.en.vtt"), target_languages=["es", "fr"],
                           reference_tracks=[str(SAMPLES / "sintel" / "Sintel.de.vtt"), str(bad_reference)],
                           glossary=str(SAMPLES / "glossary" / "films.csv"), output_dir=str(tmp_path))
    assert set(result["languages"]) == {"es", "fr"}
    for lang in ("es", "fr"):
        assert (tmp_path / "Sintel" / f"Sintel.{lang}.srt").exists()
        assert result["languages"][lang]["cues"] >= 20
    assert [a["lang"] for a in result["alignments"]] == ["de"]
    assert [e["path"] for e in result["errors"]] == [str(bad_reference)]
    summary = _artifacts("localize-summary")
    assert summary and "Sintel" in summary[0].data and "| es |" in summary[0].data
    assert _artifacts("localize-qc")[0].type == "table"
    links = [a.data for a in _artifacts(kind="markdown")]
    assert any("Sintel.es.srt" in link and "file://" in link for link in links)
    progress = _artifacts(kind="progress")
    assert progress and max(float(p.data) for p in progress) == 100.0
