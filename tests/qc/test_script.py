"""Chinese script QC: Simplified characters in a Traditional delivery (and the reverse) are found, named
with cue, timecode and OpenCC's rendering, and converted by the locale fix; on the corpus's real
Simplified track (cdown/srt's gb2312.srt) through the real OpenCC."""
import json
import shutil

import pytest
from conftest import CORPUS, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.cues import Cue, Track
from subpipe.errors import FindingKind
from subpipe.formats import read_track, write_track
from subpipe.locales import convert_script, other_script_chars
from subpipe.qc import check_track, fix_track, load_profile
from subpipe.qc.script import check_script

GB2312 = CORPUS / "corner-cases" / "cdown-srt" / "gb2312.srt"  # three cues of Simplified Chinese
SCENE = SAMPLES / "bilingual" / "dumplings.en+zh.srt"


def _script_findings(findings):
    return [f for f in findings if f.kind == "locale-script"]


@pytest.fixture
def simplified_as(tmp_path):
    """The corpus's Simplified track under a name that delivers it as `tag` (``Hero.zh-TW.srt``)."""
    def named(tag: str):
        path = tmp_path / f"Hero.{tag}.srt"
        shutil.copy(GB2312, path)
        return path
    return named


def test_a_simplified_track_delivered_as_zh_tw_names_each_cue_its_characters_and_the_opencc_fix(simplified_as):
    track = read_track(simplified_as("zh-TW"))
    found = _script_findings(check_track(track, load_profile("netflix", lang="zh-TW")))
    assert [(f.position, f.line, f.start_ms, f.end_ms) for f in found] == \
        [(0, 1, 27000, 30730), (1, 5, 31500, 34100), (2, 9, 34100, 36570)]
    assert all(f.kind is FindingKind.LOCALE_SCRIPT and f.severity == "warning" for f in found)
    first = found[0].message
    assert "00:00:27.000 --> 00:00:30.730" in first and "Simplified: 护 们 远 离 恶" in first
    assert "OpenCC (s2twp) writes '宇宙守護神  保護我們遠離邪惡'" in first


def test_qc_fix_writes_the_track_in_taiwan_characters_and_the_findings_are_gone(simplified_as, tmp_path):
    src, out = simplified_as("zh-TW"), tmp_path / "fixed.zh-TW.srt"
    res = CliRunner().invoke(app, ["qc", str(src), "--fix", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert [f["kind"] for f in report["fixes"]].count("fix-locale-script") == 3
    assert not [f for f in report["findings"] if f["kind"] == "locale-script"]
    fixed = read_track(out)
    assert [c.plain for c in fixed.cues][0] == "宇宙守護神  保護我們遠離邪惡"
    assert not any(other_script_chars(c.plain, "Hant") for c in fixed.cues)
    assert read_track(src).cues[0].plain == "宇宙守护神  保护我们远离邪恶"  # the input is never changed


@pytest.mark.parametrize("tag, config", [("zh-TW", "s2twp"), ("zh-HK", "s2hk"), ("zh-MO", "s2hk"),
                                         ("zh-Hant", "s2t"), ("zh-Hant-TW", "s2twp")])
def test_each_traditional_locale_is_fixed_with_its_own_opencc_configuration(simplified_as, tag, config):
    track = read_track(simplified_as(tag))
    profile = load_profile("netflix", lang=tag)
    found = _script_findings(check_track(track, profile))
    assert len(found) == 3 and all(f"OpenCC ({config})" in f.message for f in found)
    fixed, notes = fix_track(track, profile, ("locale",))
    assert [c.plain for c in fixed.cues] == convert_script([c.plain for c in track.cues], config)
    assert [n.kind for n in notes].count("fix-locale-script") == 3


def test_a_traditional_track_delivered_as_simplified_is_found_and_converted_back(tmp_path):
    traditional = read_track(GB2312)
    for cue in traditional.cues:
        cue.text = convert_script([cue.text], "s2twp")[0]
    path = write_track(traditional, tmp_path / "Hero.zh-CN.srt")
    track = read_track(path)
    profile = load_profile("netflix", lang="zh-CN")
    found = _script_findings(check_track(track, profile))
    assert len(found) == 3 and "Traditional: 護 們 遠 離 惡" in found[0].message and "(t2s)" in found[0].message
    fixed, _ = fix_track(track, profile, ("locale",))
    assert [c.plain for c in fixed.cues] == [c.plain for c in read_track(GB2312).cues]


def test_traditional_text_and_shared_characters_pass_in_a_traditional_track():
    # 皇后 and 公里 are Traditional too; 以後 and 說 are Taiwan's; a Japanese cue is not Chinese
    track = Track([Cue(0, 2000, "皇后走了三公里。", position=0), Cue(2500, 4000, "以後再說。", position=1),
                   Cue(4500, 6000, "学校に行く", position=2, lang="ja")], path="x.zh-TW.srt", lang="zh-TW")
    assert check_script(track, load_profile("netflix", lang="zh-TW")) == []


def test_a_variant_one_traditional_standard_writes_otherwise_is_no_simplified_character(tmp_path):
    # OpenCC's s2t writes 吃 as 喫; Taiwan and Hong Kong write 吃: the scene delivered as zh-TW (s2twp) is clean
    scene = read_track(SCENE)
    taiwan = scene.copy(cues=[c.copy(text=convert_script([c.text], "s2twp")[0]) for c in scene.cues], lang="zh-TW")
    assert any("吃" in c.plain for c in taiwan.cues)
    assert check_script(taiwan, load_profile("netflix", lang="zh-TW")) == []
    found = check_script(scene.copy(lang="zh-TW"), load_profile("netflix", lang="zh-TW"))
    eat = next(f for f in found if f.position == 12)
    assert "Simplified: 学 吗;" in eat.message and "'你在學校吃得好嗎?'" in eat.message
    assert len(found) == 16  # of its 20 Mandarin cues; 你好。 你爸爸呢? 瘦了,太瘦了。 奶奶教你。 read alike in both


def test_a_chinese_cue_in_another_languages_track_is_held_to_its_own_script():
    scene = read_track(SCENE)
    cues = [c.copy(lang="zh-Hant") if "你又长高了" in c.plain else c for c in scene.cues]
    found = check_script(scene.copy(cues=cues), load_profile("netflix", lang="en"))
    assert [(f.position, f.start_ms) for f in found] == [(8, 23260)] and "zh-Hant" in found[0].message
    assert check_script(scene, load_profile("netflix", lang="en")) == []  # its Simplified cues are bare zh
