"""`subpipe qc` (and `inspect`, `ingest`) on tracks that speak two languages: a bilingual track checks
each cue by its spoken language, a dual-language review track each half of a cue by its own, and the
output says which way the track was checked."""

import json
import shutil

import pysubs2
import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.align.export import TARGET_SWITCH, dual_line_langs
from subpipe.cli import app
from subpipe.formats import read_track
from subpipe.qc import check_track, load_profile, summarize

runner = CliRunner()
MIX = SAMPLES / "bilingual" / "TearsOfSteelMix.en+es.vtt"
DUMPLINGS = SAMPLES / "bilingual" / "dumplings.en+zh.srt"
TOS = SAMPLES / "tears-of-steel"


def qc_json(*args: str) -> dict:
    res = runner.invoke(app, ["qc", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def spoken_in_mix(position: int) -> str:
    """The mix took four cues from the English version, then four from the Spanish one, and so on."""
    return "en" if position // 4 % 2 == 0 else "es"


@pytest.fixture(scope="module")
def dual_tracks(tmp_path_factory) -> dict:
    """Tears of Steel's English and Spanish versions aligned, and their dual track written the way
    localize and align write it: ASS (named as localize's reference duals are) and SRT."""
    out = tmp_path_factory.mktemp("dual")
    paths = {"ass": out / "TearsOfSteel.dual.ass", "srt": out / "TearsOfSteel.en+es.srt"}
    for path in paths.values():
        res = runner.invoke(app, ["align", str(TOS / "TearsOfSteel.en.vtt"), str(TOS / "TearsOfSteel.es.vtt"),
                                  "-o", str(out / "links.json"), "--dual", str(path)])
        assert res.exit_code == 0, res.output
    return paths


def test_each_cue_of_the_bilingual_sample_is_checked_by_its_spoken_language():
    data = qc_json(str(MIX))
    speed = [f for f in data["findings"] if f["kind"] == "reading-speed"]
    assert speed
    for f in speed:  # English lines at 20 cps, Spanish ones at 17 (and said to be)
        if spoken_in_mix(f["position"]) == "en":
            assert "limit 20 cps" in f["message"], f
        else:
            assert "limit 17 cps" in f["message"] and f["message"].endswith("(es rules)"), f
    # an English cue read at between 17 and 20 cps passes
    track = read_track(MIX)
    english = load_profile("netflix", lang="en")
    between = [c.position for c in track.cues if spoken_in_mix(c.position) == "en" and c.duration > 0
               and 17 < english.reading_chars(c.plain) * 1000 / c.duration <= 20]
    assert between and not {f["position"] for f in speed} & set(between)
    mode = data["qc_mode"]
    assert (mode["mode"], mode["languages"], mode["origin"]) == ("bilingual", ["en", "es"], "file name")
    assert mode["cues_by_language"]["en"] >= 30 and mode["cues_by_language"]["es"] >= 30

    human = runner.invoke(app, ["qc", str(MIX)])
    assert "QC mode: bilingual (en+es, from the file name)" in " ".join(human.stdout.split())


def test_chinese_cues_of_a_bilingual_track_get_chinese_rules_and_declared_languages_win(tmp_path):
    unnamed = tmp_path / "scene.srt"
    shutil.copy(DUMPLINGS, unnamed)
    data = qc_json(str(unnamed), "--languages", "en,zh")
    assert (data["qc_mode"]["mode"], data["qc_mode"]["origin"]) == ("bilingual", "declared")
    assert set(data["qc_mode"]["languages"]) == {"en", "zh"}
    # one language given is the track's: no labelling, every cue by its rules
    single = qc_json(str(unnamed), "--languages", "en")
    assert (single["qc_mode"]["mode"], single["qc_mode"]["languages"]) == ("single", ["en"])
    # a Chinese cue longer than 16 characters a line is flagged by the Chinese rules only
    long_line = tmp_path / "long.en+zh.srt"
    long_line.write_text("1\n00:00:01,000 --> 00:00:06,000\n我们必须马上离开这里否则他们会找到我们的。\n\n"
                         "2\n00:00:07,000 --> 00:00:09,000\nWe have to leave now, Grandma.\n\n"
                         "3\n00:00:10,000 --> 00:00:12,000\nThey will find us here.\n", encoding="utf-8")
    found = qc_json(str(long_line))
    assert found["qc_mode"]["mode"] == "bilingual"
    assert [(f["position"], f["kind"]) for f in found["findings"]] == [(0, "line-too-long")]
    assert "21 characters, limit 16" in found["findings"][0]["message"]


def test_a_track_named_bilingual_that_speaks_one_language_says_so(tmp_path):
    named = tmp_path / "TearsOfSteel.en+es.vtt"
    shutil.copy(TOS / "TearsOfSteel.en.vtt", named)
    data = qc_json(str(named))
    english = qc_json(str(TOS / "TearsOfSteel.en.vtt"))
    assert data["summary"] == english["summary"] and data["lang"] == "en"
    mode = data["qc_mode"]
    assert (mode["mode"], mode["languages"], mode["declared"]) == ("single", ["en"], ["en", "es"])
    assert "every cue with words is en" in mode["note"]


def test_a_dual_ass_is_checked_half_by_half_as_localize_checks_its_own(dual_tracks):
    path = dual_tracks["ass"]
    data = qc_json(str(path))
    kinds = {f["kind"] for f in data["findings"]}
    assert "too-many-lines" not in kinds  # two lines of English above two of Spanish are not four lines
    assert all(f["message"].startswith("translation (es): ") for f in data["findings"] if f["kind"] == "reading-speed")
    # the same findings as deliver's check of a dual track it wrote
    back = dual_line_langs(read_track(path), "en", "es")
    expected = check_track(back, load_profile("netflix", lang="es"), typography=False, dual=True)
    assert [(f["position"], f["kind"], f["message"]) for f in data["findings"]] == \
        [(f.position, f.kind, f.message) for f in expected]
    assert data["summary"] == summarize(back, expected)
    mode = data["qc_mode"]
    assert (mode["mode"], mode["languages"], mode["origin"]) == ("dual", ["en", "es"], "script info")
    human = runner.invoke(app, ["qc", str(path)])
    assert "QC mode: dual (en above es, from the ASS script info)" in " ".join(human.stdout.split())
    # told it is not one, it is checked as one track of the target's language again
    assert qc_json(str(path), "--no-dual")["qc_mode"]["mode"] == "single"


def test_a_dual_srt_is_found_from_its_lines_or_declared(dual_tracks, tmp_path):
    data = qc_json(str(dual_tracks["srt"]))
    assert "too-many-lines" not in {f["kind"] for f in data["findings"]}
    mode = data["qc_mode"]
    assert (mode["mode"], mode["languages"], mode["origin"]) == ("dual", ["en", "es"], "file name")
    assert "en lines above es lines" in mode["note"]
    unnamed = tmp_path / "review.srt"
    shutil.copy(dual_tracks["srt"], unnamed)
    told = qc_json(str(unnamed), "--dual", "--languages", "en,es")
    assert (told["qc_mode"]["mode"], told["qc_mode"]["origin"]) == ("dual", "declared")
    assert told["summary"] == data["summary"]
    res = runner.invoke(app, ["qc", str(unnamed), "--dual", "--json"])
    assert res.exit_code == 1 and json.loads(res.stdout)["error"] == "no-language"


def test_qc_fix_of_a_dual_ass_times_it_for_its_translation_and_keeps_both_halves(dual_tracks, tmp_path):
    out = tmp_path / "fixed.ass"
    data = qc_json(str(dual_tracks["ass"]), "--fix", "-o", str(out))
    assert data["fixes"] and {f["kind"].removesuffix("-unresolved") for f in data["fixes"]} <= {"fix-extend", "fix-gap"}
    before, after = pysubs2.load(str(dual_tracks["ass"])), pysubs2.load(str(out))
    assert [e.text for e in after] == [e.text for e in before]
    assert sum(TARGET_SWITCH in e.text for e in after) == len(after) and set(after.styles) >= {"Source", "Target"}
    # timed for the Spanish its viewer reads: a gap is left only where both cues need their time for it
    unresolved = {f["position"] for f in data["fixes"] if f["kind"] == "fix-gap-unresolved"}
    assert {f["position"] for f in data["findings"] if f["kind"] == "gap-too-short"} <= unresolved
    before_fix = qc_json(str(dual_tracks["ass"]))["summary"]
    assert data["summary"]["findings"] < before_fix["findings"] / 2
    back = qc_json(str(out))  # ASS holds centiseconds: a cue extended to the millisecond may lose a few
    assert back["summary"]["findings"] < before_fix["findings"]
    assert data["qc_mode"]["mode"] == back["qc_mode"]["mode"] == "dual"


def test_qc_fix_of_a_bilingual_track_extends_each_cue_for_its_own_language(tmp_path):
    out = tmp_path / "fixed.vtt"
    data = qc_json(str(MIX), "--fix", "-o", str(out))
    english = load_profile("netflix", lang="en")
    cues = read_track(MIX).by_position()
    extended = [f["position"] for f in data["fixes"] if f["kind"] == "fix-extend"]
    assert extended
    for position in extended:  # no English cue within 20 cps is lengthened for Spanish's 17
        cue = cues[position]
        if spoken_in_mix(position) == "en":
            assert english.too_fast(cue.plain, cue.duration) or cue.duration < english.min_duration_ms
    assert "reading-speed" not in {f["kind"] for f in data["findings"] if spoken_in_mix(f["position"]) == "en"
                                   and "limit 17" in f["message"]}
    assert data["qc_mode"]["mode"] == "bilingual"


def test_inspect_and_ingest_report_the_qc_mode(dual_tracks, tmp_path):
    inspected = runner.invoke(app, ["inspect", str(MIX), "--json"])
    assert inspected.exit_code == 0, inspected.output
    assert json.loads(inspected.stdout)["summary"]["qc_mode"]["mode"] == "bilingual"
    res = runner.invoke(app, ["ingest", str(MIX), str(dual_tracks["ass"]), str(TOS / "TearsOfSteel.es.vtt"),
                              "-o", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    modes = [t["qc_mode"]["mode"] for t in json.loads(res.stdout)["tracks"]]
    assert modes == ["bilingual", "dual", "single"]
    report = (tmp_path / "out" / "ingest.md").read_text(encoding="utf-8")
    assert "bilingual en+es" in report and "dual en/es" in report and "single es" in report
    mix = json.loads((tmp_path / "out" / "ingest.json").read_text(encoding="utf-8"))["tracks"][0]
    assert mix["qc"] == qc_json(str(MIX))["summary"]
