"""Profiles: built-in Netflix numbers per language, frame-rate maths, widths, user files and their errors."""

import dataclasses
import shutil
from importlib import resources

import pytest

from subpipe.cues import Track
from subpipe.errors import SubpipeError
from subpipe.qc.profiles import (
    Profile,
    line_width,
    list_profiles,
    load_profile,
    profile_for_track,
    reading_chars,
)


def test_builtin_profiles_are_listed_by_name():
    assert list_profiles() == ["netflix", "netflix-legacy"]


@pytest.mark.parametrize(("lang", "audience", "chars", "rule", "cps"), [
    ("en", "adult", 42, "chars", 20),
    ("en", "children", 42, "chars", 17),
    ("en-US", "adult", 42, "chars", 20),
    ("fr", "adult", 42, "chars", 17),          # most languages: 17 adult / 13 children
    ("de-DE", "children", 42, "chars", 13),
    ("ru", "adult", 42, "chars", 17),          # Cyrillic, Greek: like Latin
    ("el", "adult", 42, "chars", 17),
    ("pt_BR", "adult", 42, "chars", 17),
    (None, "adult", 42, "chars", 17),
    ("zh-Hans", "adult", 16, "chars", 9),
    ("zh", "children", 16, "chars", 7),
    ("zh-CN", "adult", 16, "chars", 9),
    ("zh-TW", "adult", 16, "chars", 9),
    ("zh-Hant-HK", "children", 16, "chars", 7),
    ("ja", "adult", 13, "fullwidth", 4),
    ("ja-JP", "children", 13, "fullwidth", 4),
    ("ko", "adult", 16, "fullwidth", 12),
    ("ko-KR", "children", 16, "fullwidth", 9),
])
def test_netflix_limits_per_language(lang, audience, chars, rule, cps):
    p = load_profile("netflix", lang=lang, audience=audience)
    assert (p.max_chars_per_line, p.width_rule, p.max_cps) == (chars, rule, cps)
    assert (p.max_lines, p.min_duration_ms, p.max_duration_ms, p.min_gap_frames) == (2, 833, 7000, 2)
    assert p.lang == lang and p.audience == audience and p.name == "netflix"


def test_legacy_template_reads_english_at_17_and_13_and_keeps_the_rest():
    assert load_profile("netflix-legacy", lang="en").max_cps == 17
    assert load_profile("netflix-legacy", lang="en", audience="children").max_cps == 13
    ja = load_profile("netflix-legacy", lang="ja")
    assert (ja.name, ja.max_chars_per_line, ja.max_cps) == ("netflix-legacy", 13, 4)


@pytest.mark.parametrize(("fps", "gap_ms"), [
    (24, 83), (25, 80), (23.976, 83), (24000 / 1001, 83), (29.97, 66), (30, 66), (50, 40), (60, 33),
])
def test_min_gap_is_two_frames_rounded_down(fps, gap_ms):
    assert load_profile("netflix", lang="en", fps=fps).min_gap_ms == gap_ms


def test_default_frame_rate_is_24():
    p = load_profile("netflix")
    assert (p.fps, p.min_gap_ms) == (24, 83)


def test_widths_count_characters_or_full_width_units():
    assert line_width("Look Celia, we have to follow our passions;") == 43
    assert line_width("今日はとても暑いですね") == 11
    assert line_width("今日はとても暑いですね", "fullwidth") == 11
    assert line_width("ｺﾝﾆﾁﾊ", "fullwidth") == 2.5           # half-width katakana count 0.5
    assert line_width("iPhoneを買った", "fullwidth") == 7       # 6 x 0.5 + 4
    assert line_width("iPhoneを買った") == 10
    assert line_width("東京\u3000大阪", "fullwidth") == 5       # ideographic space is full-width
    assert line_width("안녕하세요 여러분", "fullwidth") == 8.5    # Korean: the space counts 0.5
    assert line_width("cafe\u0301") == 4                         # combining accent: NFC, one character
    assert line_width("a\u200bb") == 2                           # zero-width space counts 0


def test_reading_chars_count_spaces_and_punctuation_not_line_breaks():
    assert reading_chars("...you have your robotics, and I\njust want to be awesome in space.") == 65
    assert reading_chars("Go! Move your asses! Go go go!") == 30
    assert reading_chars("Go! Move your asses! Go go go!", counts_spaces=False) == 24


def test_reading_ms_rounds_up_to_the_time_needed():
    en = load_profile("netflix", lang="en")
    assert en.reading_ms("x" * 40) == 2000
    assert en.reading_ms("x" * 41) == 2050
    legacy = load_profile("netflix-legacy", lang="en")
    assert legacy.reading_ms("x" * 65) == 3824    # 65 / 17 = 3.8235 s
    assert not legacy.too_fast("x" * 65, 3824) and legacy.too_fast("x" * 65, 3823)


def test_describe_and_to_dict():
    p = load_profile("netflix", lang="ja", audience="children", fps=23.976)
    assert p.describe() == ("netflix [ja, children]: 13 full-width characters x 2 lines, 4 cps, 833-7000 ms, "
                            "gap 2 frames at 23.976 fps (83 ms)")
    d = p.to_dict()
    assert (d["min_gap_ms"], d["width_rule"], d["max_cps"], d["source"].endswith("netflix.toml")) == \
        (83, "fullwidth", 4.0, True)


def test_profile_for_track_uses_the_tracks_language_and_frame_rate():
    p = profile_for_track(Track(lang="zh-TW", fps=25))
    assert (p.lang, p.max_chars_per_line, p.max_cps, p.min_gap_ms) == ("zh-TW", 16, 9, 80)
    assert profile_for_track(Track(lang="en", fps=25), fps=24).min_gap_ms == 83


def test_a_copied_builtin_file_loads_by_path_to_the_same_limits(tmp_path):
    builtin = resources.files("subpipe.qc") / "profiles" / "netflix.toml"
    copy = tmp_path / "my.toml"
    copy.write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    mine = load_profile(str(copy), lang="ko", audience="children", fps=25)
    theirs = load_profile("netflix", lang="ko", audience="children", fps=25)
    assert dataclasses.replace(mine, source=None) == dataclasses.replace(theirs, source=None)
    assert mine.source == str(copy)


def test_a_user_file_extends_a_builtin_and_changes_a_few_keys(tmp_path):
    (tmp_path / "house.toml").write_text(
        'extends = "netflix"\nmax_cps = 15\n\n[lang.en]\nmax_cps = { adult = 18, children = 15 }\n'
        'max_chars_per_line = 37\n', encoding="utf-8")
    en = load_profile(tmp_path / "house.toml", lang="en", audience="children")
    assert (en.name, en.max_cps, en.max_chars_per_line, en.max_lines) == ("house", 15, 37, 2)
    fr = load_profile(tmp_path / "house.toml", lang="fr")
    assert (fr.max_cps, fr.max_chars_per_line) == (15, 42)
    ja = load_profile(tmp_path / "house.toml", lang="ja")
    assert (ja.max_cps, ja.max_chars_per_line) == (4, 13)   # the section it did not touch


def test_extends_may_name_a_file_next_to_the_profile(tmp_path):
    shutil.copy(resources.files("subpipe.qc") / "profiles" / "netflix.toml", tmp_path / "base.toml")
    (tmp_path / "kids.toml").write_text('extends = "base.toml"\nname = "kids"\n[lang.en]\nmax_cps = 12\n',
                                        encoding="utf-8")
    p = load_profile(str(tmp_path / "kids.toml"), lang="en", audience="children")
    assert (p.name, p.max_cps, p.min_duration_ms) == ("kids", 12, 833)


def _error(tmp_path, text: str, **kwargs) -> SubpipeError:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SubpipeError) as info:
        load_profile(str(path), **kwargs)
    assert info.value.path == str(path)
    return info.value


def test_toml_syntax_error_names_file_and_line(tmp_path):
    err = _error(tmp_path, 'extends = "netflix"\nmax_lines = 2\nmax_cps = \n')
    assert err.line == 3
    assert "not a valid profile file: Invalid value" in err.message


def test_bad_value_names_file_key_and_line(tmp_path):
    err = _error(tmp_path, 'extends = "netflix"\n\n[lang.ja]\nmax_lines = 0\n')
    assert (err.line, err.message) == (4, "lang.ja.max_lines: expected a whole number >= 1, got 0")
    err = _error(tmp_path, 'extends = "netflix"\nwidth_rule = "half"\n')
    assert (err.line, err.message) == (2, "width_rule: expected one of chars, fullwidth, got 'half'")
    err = _error(tmp_path, 'extends = "netflix"\n[lang.en]\nmax_cps = { adult = 20, teen = 18 }\n')
    assert (err.line, err.message) == \
        (3, "lang.en.max_cps: unknown audience 'teen'; audiences are adult, children")


def test_misspelt_key_is_an_error_not_ignored(tmp_path):
    err = _error(tmp_path, 'extends = "netflix"\nmax_chars_per_lines = 40\n')
    assert err.line == 2
    assert err.message.startswith("max_chars_per_lines: unknown key; profile keys are max_chars_per_line,")


def test_file_without_extends_must_set_every_limit(tmp_path):
    err = _error(tmp_path, "max_lines = 2\nmax_chars_per_line = 40\n")
    assert err.message.startswith("profile 'bad' does not set max_cps, min_duration_ms, max_duration_ms, "
                                  "min_gap_frames, fps, width_rule, cps_counts_spaces")


def test_inconsistent_durations_are_refused(tmp_path):
    err = _error(tmp_path, 'extends = "netflix"\nmin_duration_ms = 8000\n')
    assert "min_duration_ms 8000 is above max_duration_ms 7000" in err.message


def test_missing_audience_in_a_cps_table(tmp_path):
    err = _error(tmp_path, 'extends = "netflix"\nmax_cps = { adult = 15 }\n', lang="fr", audience="children")
    assert err.message == "profile 'bad' sets no max_cps for audience 'children' in language fr"


def test_profiles_extending_each_other_in_a_loop(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(SubpipeError, match="extend each other in a loop"):
        load_profile(str(tmp_path / "a.toml"))


def test_unknown_names_and_arguments():
    with pytest.raises(SubpipeError, match="unknown profile 'bbc'; built-in profiles: netflix, netflix-l"):
        load_profile("bbc")
    with pytest.raises(SubpipeError, match="no such profile file"):
        load_profile("nowhere/profile.toml")
    with pytest.raises(SubpipeError, match="unknown audience 'kids'"):
        load_profile("netflix", audience="kids")
    with pytest.raises(SubpipeError, match="fps: expected a frame rate between 1 and 240"):
        load_profile("netflix", fps=0)


def test_a_hand_built_profile_is_held_to_the_same_rules():
    p = load_profile("netflix", lang="en")
    assert dataclasses.replace(p, max_cps=15).max_cps == 15
    with pytest.raises(SubpipeError, match="fps: expected a frame rate"):
        dataclasses.replace(p, fps=-1)
    with pytest.raises(SubpipeError, match="width_rule: expected one of chars, fullwidth"):
        Profile("x", None, "adult", 42, 2, 17, 833, 7000, 2, 24, width_rule="wide")
