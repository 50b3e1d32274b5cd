"""The main job end to end through argostranslate's real API, with the demo package installed as a
user installs one: outputs per language, QC accounted for, glossary terms as approved, tags kept."""

import json

import pytest

from conftest import SAMPLES
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.localize import film_title, localize_film
from subpipe.qc import check_track, load_profile

TOS = SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"
ED = SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt"
GLOSSARY = SAMPLES / "glossary" / "films.csv"


@pytest.fixture(scope="module")
def tos_es(demo_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("localize")
    return localize_film(TOS, ["es"], reference_tracks=[SAMPLES / "tears-of-steel" / "TearsOfSteel.es.vtt"],
                         glossary=GLOSSARY, output_dir=out)


def test_outputs_exist_for_each_language_and_read_back(tos_es):
    es = tos_es.languages["es"]
    for kind in ("srt", "vtt", "dual", "qc_json", "qc_csv"):
        assert es.outputs[kind], kind
    srt, vtt = read_track(es.outputs["srt"]), read_track(es.outputs["vtt"])
    assert len(srt.cues) == len(vtt.cues) == len(es.track.cues) > 60
    assert (tos_es.output_dir / "summary.md").exists()
    summary = json.loads((tos_es.output_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["languages"]["es"]["cues"] == len(es.track.cues)


def test_every_cue_passes_the_profile_or_is_listed_in_the_qc_report(tos_es):
    es = tos_es.languages["es"]
    written = read_track(es.outputs["srt"], lang="es")
    failing = {(f.start_ms, f.end_ms) for f in check_track(written, load_profile("netflix", lang="es"))
               if f.severity != "info"}
    report = json.loads(open(es.outputs["qc_json"], encoding="utf-8").read())
    listed = {(f["start_ms"], f["end_ms"]) for f in report["findings"]}
    assert failing <= listed
    assert report["summary"]["pass_rate"] > 0.5


def test_glossary_terms_come_out_as_approved(tos_es):
    es = tos_es.languages["es"]
    text = "\n".join(c.plain for c in es.track.cues)
    resolved = [s for s in es.protection if s["status"] in ("resolved", "via-unprotected")]
    assert {s["term"] for s in resolved} >= {"Celia", "Thom", "robot hand"}
    for slot in resolved:
        assert slot["rendering"] in text, slot
    assert "mano robótica" in text and "brazo robot" not in text
    assert es.term_qa is not None


def test_reference_track_is_aligned_and_term_checked(tos_es):
    [ref] = tos_es.alignments
    assert ref["lang"] == "es" and ref["links"] >= 70
    qa = tos_es.terms["qa"][0]
    assert qa["lang"] == "es" and qa["summary"]


def test_voices_and_bold_survive_translation(demo_models, tmp_path):
    result = localize_film(ED, ["es"], output_dir=tmp_path)
    es = result.languages["es"]
    source = read_track(ED)
    assert sum("<v Proog>" in c.text for c in es.track.cues) >= 10
    assert any("<b>" in c.text for c in es.track.cues)
    assert {c.position for c in es.track.cues} <= {c.position for c in source.cues}
    assert film_title(ED) == "ElephantsDream"
    assert (tmp_path / "ElephantsDream" / "ElephantsDream.es.vtt").exists()


def test_an_uninstalled_language_is_a_clear_error(demo_models, tmp_path):
    with pytest.raises(SubpipeError, match="no argos package translates en->ja"):
        localize_film(TOS, ["ja"], output_dir=tmp_path)
