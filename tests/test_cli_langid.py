"""`subpipe langid` on real files: JSON shape, human output, overrides, exit status, input untouched."""

import json
import shutil

from conftest import FILMS, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track, write_track
from subpipe.langid import mix_tracks

runner = CliRunner()
SCENE = SAMPLES / "bilingual" / "dumplings.en+zh.srt"
TRUTH = {row["position"]: row for row in
         json.loads((SAMPLES / "bilingual" / "dumplings.en+zh.truth.json").read_text(encoding="utf-8"))}


def test_json_has_shares_and_one_object_per_cue_with_lines_where_they_differ(tmp_path):
    scene = tmp_path / SCENE.name  # Title.en+zh.srt: the name declares both languages
    shutil.copy(SCENE, scene)
    before = scene.read_bytes()
    res = runner.invoke(app, ["langid", str(scene), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["declared"] == ["en", "zh"]
    shares = {row["code"]: row for row in out["languages"]}
    assert set(shares) == {"en", "zh", "und"}
    assert sum(row["cues"] for row in out["languages"]) == len(out["cues"]) == len(TRUTH)
    assert abs(sum(row["share"] for row in out["languages"]) - 1) < 0.01
    for cue in out["cues"]:
        truth = TRUTH[cue["position"]]
        assert cue["lang"] == truth["lang"]
        assert cue.get("lines") == truth.get("lines")
        assert {"position", "start_ms", "end_ms", "lang", "confidence", "origin"} <= cue.keys()
    assert out["cues"][1]["lines"] == ["zh", "en"]
    assert scene.read_bytes() == before


def test_human_output_lists_shares_and_the_unsure_cues_with_timecodes(tmp_path):
    versions = {lang: read_track(FILMS / "tears-of-steel" / f"TOS-{lang}.vtt", lang=lang)
                for lang in ("es", "it")}
    mixed = mix_tracks(versions, ["es"] * 4 + ["it"] * 4)
    for cue in mixed.cues:
        cue.lang = cue.lang_origin = cue.lang_confidence = None
    path = tmp_path / "mixed.srt"
    write_track(mixed, path)
    # Rich sizes the table from COLUMNS (else the terminal on stdin, else 80), not from click's
    # terminal_width: a table cut to a narrow console folds the timecodes in two.
    res = runner.invoke(app, ["langid", str(path), "--languages", "es,it"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "es " in res.stdout and "it " in res.stdout and "Unsure calls" in res.stdout
    as_json = json.loads(runner.invoke(app, ["langid", str(path), "--languages", "es,it", "--json"]).stdout)
    unsure = [c for c in as_json["cues"] if c["confidence"] < 0.75]
    assert unsure and len(as_json["findings"]) == len(unsure)
    first = unsure[0]
    h, rem = divmod(first["start_ms"], 3_600_000)
    m, rem = divmod(rem, 60_000)
    assert f"{h:02d}:{m:02d}:{rem // 1000:02d},{rem % 1000:03d}" in res.stdout


def test_overrides_file_wins_in_the_output(tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_text("position,lang\n3,zh\n", encoding="utf-8")
    res = runner.invoke(app, ["langid", str(SCENE), "--overrides", str(fix), "--json"])
    assert res.exit_code == 0, res.output
    cue = json.loads(res.stdout)["cues"][3]
    assert (cue["lang"], cue["origin"], cue["confidence"]) == ("zh", "override", 1.0)


def test_a_bad_override_row_exits_1_naming_file_and_line(tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_text("position,lang\n3,zh\n500,en\n", encoding="utf-8")
    res = runner.invoke(app, ["langid", str(SCENE), "--overrides", str(fix), "--json"])
    assert res.exit_code == 1
    err = json.loads(res.stdout)
    assert err["path"] == str(fix) and err["line"] == 3 and "500" in err["message"]


def test_a_bad_language_tag_exits_1():
    res = runner.invoke(app, ["langid", str(SCENE), "--languages", "en,chinese!", "--json"])
    assert res.exit_code == 1
    assert "not a language tag" in json.loads(res.stdout)["message"]


def test_a_single_language_film_reports_one_language():
    res = runner.invoke(app, ["langid", str(FILMS / "sintel" / "sintel-ru.vtt"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [row["code"] for row in out["languages"]] == ["ru"]
    assert all(c["lang"] == "ru" and "lines" not in c for c in out["cues"])


def test_an_overrides_file_not_in_utf8_exits_1_naming_its_line_and_column(tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_bytes("position,lang\n3,zh\n5,en # café\n".encode("cp1252"))
    res = runner.invoke(app, ["langid", str(SCENE), "--overrides", str(fix), "--json"])
    assert res.exit_code == 1
    err = json.loads(res.stdout)
    assert (err["error"], err["path"], err["line"]) == ("input", str(fix), 3)
    assert "column 11 of its line" in err["message"]
