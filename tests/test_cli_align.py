"""`subpipe align` and `subpipe sync` on real files: outputs, JSON, exit status, inputs untouched."""

import json
import shutil

from conftest import CORPUS, SAMPLES
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


def test_align_human_output_and_glossary(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("source,target\nhead-snarlers,Enthaupter\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "align",
            str(ED / "ElephantsDream.en.vtt"),
            str(ED / "ElephantsDream.de.vtt"),
            "-o",
            str(tmp_path / "links.json"),
            "--glossary",
            str(glossary),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "77 links" in res.stdout and "links.json" in res.stdout


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
    bad = CORPUS / "corner-cases" / "vtt.js" / "cue-times" / "bad-data.json"
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
