"""`subpipe align` and `subpipe sync` on real files: outputs, JSON, exit status, inputs untouched."""

import json
import shutil

from conftest import CORNER, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track, write_track

runner = CliRunner()
ED = SAMPLES / "elephants-dream"
TOS = SAMPLES / "tears-of-steel"


def test_align_writes_links_tmx_dual_and_report(tmp_path):
    src, tgt = tmp_path / "ElephantsDream.en.vtt", tmp_path / "ElephantsDream.de.vtt"
    shutil.copy(ED / src.name, src)
    shutil.copy(ED / tgt.name, tgt)
    before = src.read_bytes(), tgt.read_bytes()
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "align",
            str(src),
            str(tgt),
            "-o",
            str(out / "links.json"),
            "--tmx",
            str(out / "ed.tmx"),
            "--dual",
            str(out / "ed.dual.vtt"),
            "--report",
            str(out / "ed.html"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["summary"]["links"] == 77 and data["summary"]["unaligned_source"] == 12
    assert set(data["outputs"]) == {"links", "tmx", "dual", "report"}
    links = json.loads((out / "links.json").read_text(encoding="utf-8"))
    assert links["source"] == {"path": str(src), "lang": "en", "cues": 89}
    assert len(read_track(out / "ed.dual.vtt").cues) == 77
    assert (out / "ed.tmx").read_text(encoding="utf-8").count("<tu ") == 77
    assert "<svg" in (out / "ed.html").read_text(encoding="utf-8")
    assert (src.read_bytes(), tgt.read_bytes()) == before


def align_with_glossary(tmp_path, glossary, *extra):
    return runner.invoke(app, ["align", str(ED / "ElephantsDream.en.vtt"), str(ED / "ElephantsDream.de.vtt"),
                               "-o", str(tmp_path / "links.json"), "--glossary", str(glossary), *extra])


def test_align_reads_the_production_glossary_as_a_glossary_not_as_pairs(tmp_path):
    """Issue 11: `--glossary films.csv` used to give anchors such as ('id', 'term') and ('ed-proog', 'Proog')."""
    from subpipe.align import glossary_anchors, load_track
    from subpipe.terms import load_glossary

    films = SAMPLES / "glossary" / "films.csv"
    res = align_with_glossary(tmp_path, films, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    source, target = load_track(ED / "ElephantsDream.en.vtt"), load_track(ED / "ElephantsDream.de.vtt")
    pairs = glossary_anchors(films, source, target)
    assert data["glossary"] == {"path": str(films), "anchor_pairs": len(pairs)}
    assert data["summary"]["links"] >= 76 and (tmp_path / "links.json").exists()
    terms = {e.term for e in load_glossary(films, lang="en")}
    assert {s for s, _ in pairs} <= terms
    assert {("head-snarler", "Enthaupter"), ("colossus of Rhodes", "Koloss von Rhodos"), ("Proog", "Proog")} <= set(
        pairs)
    assert not {("id", "term"), ("ed-proog", "Proog")} & set(pairs)


def test_a_tbx_glossary_gives_the_same_anchors_as_its_csv(tmp_path):
    from subpipe.align import glossary_anchors, load_track

    source, target = load_track(ED / "ElephantsDream.en.vtt"), load_track(ED / "ElephantsDream.de.vtt")
    tbx, csv = SAMPLES / "glossary" / "films.tbx", SAMPLES / "glossary" / "films.csv"
    assert glossary_anchors(tbx, source, target) == glossary_anchors(csv, source, target)
    res = align_with_glossary(tmp_path, tbx)
    assert res.exit_code == 0, res.output
    assert f"glossary {tbx}: 30 anchor pairs (en -> de)" in res.stdout and "links.json" in res.stdout


def test_a_bilingual_table_with_language_columns_is_a_glossary(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("en,de\nhead-snarler,Enthaupter\nProog,Proog\n", encoding="utf-8")
    res = align_with_glossary(tmp_path, glossary, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["glossary"]["anchor_pairs"] == 2


def test_two_columns_without_a_header_are_a_clear_error_not_junk(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("head-snarlers,Enthaupter\nProog,Proog\n", encoding="utf-8")
    res = align_with_glossary(tmp_path, glossary, "--json")
    assert res.exit_code == 1
    error = json.loads(res.stdout)
    assert error["path"] == str(glossary) and error["line"] == 1
    assert "header has no 'term' column" in error["message"] and "'term,de'" in error["message"]
    assert not (tmp_path / "links.json").exists()


def test_align_a_missing_file_fails_with_json_error(tmp_path):
    missing = tmp_path / "nope.de.srt"
    res = runner.invoke(
        app,
        [
            "align",
            str(ED / "ElephantsDream.en.vtt"),
            str(missing),
            "-o",
            str(tmp_path / "links.json"),
            "--json",
        ],
    )
    assert res.exit_code == 1
    err = json.loads(res.stdout)
    assert err["path"] == str(missing) and err["error"] == "not-found"
    assert not (tmp_path / "links.json").exists()


def test_sync_moves_a_shifted_pal_track_back_onto_the_reference(tmp_path):
    reference = read_track(TOS / "TearsOfSteel.en.vtt")
    german = read_track(TOS / "TearsOfSteel.de.vtt")
    scale = 25 / (24000 / 1001)  # a 25 fps copy of a 23.976 fps master, 12 s of extra leader
    shifted = german.copy(
        cues=[
            c.copy(start=int(c.start * scale + 12_000), end=int(c.end * scale + 12_000)) for c in german.cues
        ]
    )
    broken = write_track(shifted, tmp_path / "TearsOfSteel.de.srt")
    out = tmp_path / "synced.de.srt"
    res = runner.invoke(
        app, ["sync", str(broken), "--reference", str(TOS / "TearsOfSteel.en.vtt"), "-o", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert "23.976" in data["describe"] and data["cues"] == 76
    synced = read_track(out)
    assert [c.plain for c in synced.cues] == [c.plain for c in german.cues]
    assert max(abs(a.start - b.start) for a, b in zip(synced.cues, german.cues)) <= 2
    assert max(abs(a.end - b.end) for a, b in zip(synced.cues, german.cues)) <= 2
    assert reference.cues[0].start == synced.cues[0].start


def test_sync_rejects_an_unreadable_reference(tmp_path):
    bad = CORNER / "vtt.js" / "cue-times" / "bad-data.json"
    res = runner.invoke(
        app,
        [
            "sync",
            str(TOS / "TearsOfSteel.de.vtt"),
            "--reference",
            str(bad),
            "-o",
            str(tmp_path / "x.srt"),
            "--json",
        ],
    )
    assert res.exit_code == 1 and json.loads(res.stdout)["path"] == str(bad)
