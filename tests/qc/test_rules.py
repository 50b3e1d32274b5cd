"""QC rules on real films (Tears of Steel, Elephants Dream) and on constructed edge cases."""

import json

import pytest
from conftest import read_film

from subpipe.cues import Cue, Track
from subpipe.errors import Finding
from subpipe.formats import parse_track
from subpipe.qc.profiles import load_profile
from subpipe.qc.rules import check_track, summarize

EN = load_profile("netflix", lang="en")

# Tears of Steel, TOS-en.vtt, cues 1-9 as the WebVTT reader returns them (line = the cue block's first line).
TOS = [
    Cue(23000, 24500, "You're a jerk, Thom.", position=0, line=3, identifier="1"),
    Cue(25000, 27000, "Look Celia, we have to follow our passions;", position=1, line=7, identifier="2"),
    Cue(27000, 30500, "...you have your robotics, and I\njust want to be awesome in space.",
        position=2, line=11, identifier="3"),
    Cue(30800, 34000, "Why don't you just admit that\nyou're freaked out by my robot hand?",
        position=3, line=16, identifier="4"),
    Cue(34500, 36000, "I'm not freaked out by- it's...", position=4, line=21, identifier="5"),
    Cue(37000, 38000, "...alright! Fine!", position=5, line=25, identifier="6"),
    Cue(38000, 41000, "I'm freaked out! I have nightmares\nthat I'm being chased...", position=6, line=29,
        identifier="7"),
    Cue(41000, 42000, "...by these giant robotic claws of death...", position=7, line=34, identifier="8"),
    Cue(42200, 45000, '"Fourty years later"\nWhatever, Thom. We\'re done.', position=8, line=38,
        identifier="9"),
]


def kinds(findings):
    return [(f.position, f.kind) for f in findings]


def test_tears_of_steel_opening_against_netflix_english():
    findings = check_track(Track(TOS, path="TOS-en.vtt"), EN)
    assert kinds(findings) == [
        (1, "reading-speed"), (1, "line-too-long"),
        (2, "gap-too-short"),
        (3, "reading-speed"),
        (4, "reading-speed"),
        (6, "gap-too-short"),
        (7, "reading-speed"), (7, "line-too-long"), (7, "gap-too-short"),
    ]
    assert [str(f) for f in findings[:4]] == [
        ("TOS-en.vtt:7 cue 1: [reading-speed] reading speed 21.5 cps (43 characters in 2000 ms), "
         "limit 20 cps; needs 2150 ms"),
        ("TOS-en.vtt:7 cue 1: [line-too-long] text line 1 has 43 characters, limit 42: "
        "'Look Celia, we have to follow our passions;'"),
        "TOS-en.vtt:11 cue 2: [gap-too-short] gap of 0 ms after cue 1, minimum 83 ms (2 frames at 24 fps)",
        ("TOS-en.vtt:16 cue 3: [reading-speed] reading speed 20.3 cps (65 characters in 3200 ms), "
         "limit 20 cps; needs 3250 ms"),
    ]
    f = findings[0]
    assert (f.path, f.line, f.position, f.start_ms, f.end_ms, f.severity, f.fixed) == \
        ("TOS-en.vtt", 7, 1, 25000, 27000, "warning", False)


def test_the_older_template_flags_more_of_the_same_film():
    legacy = load_profile("netflix-legacy", lang="en")
    speed = [f for f in check_track(Track(TOS), legacy) if f.kind == "reading-speed"]
    assert [(f.position, f.message.split(",")[0]) for f in speed] == [
        (1, "reading speed 21.5 cps (43 characters in 2000 ms)"),
        (2, "reading speed 18.6 cps (65 characters in 3500 ms)"),
        (3, "reading speed 20.3 cps (65 characters in 3200 ms)"),
        (4, "reading speed 20.7 cps (31 characters in 1500 ms)"),
        (6, "reading speed 19.3 cps (58 characters in 3000 ms)"),
        (7, "reading speed 43.0 cps (43 characters in 1000 ms)"),
    ]  # cue 8 reads at 16.8 cps (47 characters in 2800 ms): inside both templates


@pytest.mark.parametrize(("film", "lang", "profile", "expected"), [
    ("tears-of-steel/TOS-en.vtt", "en", "netflix",
     (76, 59, {"reading-speed": 11, "gap-too-short": 9, "line-too-long": 2})),
    ("tears-of-steel/TOS-en.vtt", "en", "netflix-legacy",
     (76, 50, {"reading-speed": 22, "gap-too-short": 9, "line-too-long": 2})),
    ("tears-of-steel/TOS-de.vtt", "de", "netflix",
     (76, 43, {"reading-speed": 29, "gap-too-short": 9, "line-too-long": 7})),
    ("elephants-dream/elephants-dream-subtitles-en.vtt", "en", "netflix",
     (89, 65, {"gap-too-short": 19, "line-too-long": 9, "reading-speed": 1})),
])
def test_whole_films_through_the_reader(corpus, film, lang, profile, expected):
    track = read_film(corpus / "films" / film, lang)
    findings = check_track(track, load_profile(profile, lang=lang))
    summary = summarize(track, findings)
    assert (summary["cues"], summary["passing"], summary["by_kind"]) == expected
    assert (summary["errors"], summary["findings"]) == (0, len(findings))
    assert all(f.path == str(corpus / "films" / film) and f.line is not None for f in findings)


def test_elephants_dream_counts_text_without_voice_and_class_markup(corpus):
    track = read_film(corpus / "films/elephants-dream/elephants-dream-subtitles-en.vtt", "en")
    long_lines = [f for f in check_track(track, EN) if f.kind == "line-too-long"]
    assert [(f.position, f.line) for f in long_lines][:3] == [(25, 103), (26, 107), (48, 195)]
    assert long_lines[2].message == ("text line 1 has 59 characters, limit 42: "
                                     "'And at your right, what do you see at your right side, Emo?'")
    watch_out = Cue(28208, 30042, "<v Proog><b>Watch out!</b></v>", position=5)
    assert check_track(Track([watch_out]), EN) == []


# ------------------------------------------------------------------------------- reading speed


@pytest.mark.parametrize(("chars", "ms", "flagged"), [
    (40, 2000, False), (41, 2000, True), (20, 1000, False), (21, 1000, True),
    (60, 3000, False), (60, 2999, True),
])
def test_reading_speed_exactly_at_the_limit_passes(chars, ms, flagged):
    text = ("word " * 20)[:chars - 1] + "."
    findings = [f for f in check_track(Track([Cue(0, ms, text)]), EN) if f.kind == "reading-speed"]
    assert bool(findings) is flagged


def test_reading_speed_counts_spaces_not_line_breaks_nor_markup():
    one_line = Cue(0, 1000, "<i>abcdefghij klmnopqrs</i>", position=0)    # 19 letters + 1 space = 20
    two_lines = Cue(0, 1000, "<i>abcdefghij\nklmnopqrst</i>", position=1)  # 20 letters; break not counted
    spaced = Cue(0, 1000, "abcdefghij klmnopqrst", position=2)             # 20 letters + 1 space = 21
    findings = check_track(Track([one_line, two_lines, spaced]), EN)
    assert [(f.position, f.message) for f in findings if f.kind == "reading-speed"] == [
        (2, "reading speed 21.0 cps (21 characters in 1000 ms), limit 20 cps; needs 1050 ms")]


def test_reading_speed_for_cjk_languages():
    zh = load_profile("netflix", lang="zh-Hans")
    assert check_track(Track([Cue(0, 2000, "我们必须追随自己的热情")]), zh) == []     # 11 chars, 5.5 cps
    found = check_track(Track([Cue(0, 1000, "我们必须追随自己的热情")]), zh)
    assert [f.message for f in found] == [
        "reading speed 11.0 cps (11 characters in 1000 ms), limit 9 cps; needs 1223 ms"]
    ja = load_profile("netflix", lang="ja")
    assert check_track(Track([Cue(0, 1500, "大丈夫ですか")]), ja) == []       # 6 chars, exactly 4 cps
    # Reading speed counts characters, not widths: five half-width katakana are five characters.
    found = check_track(Track([Cue(0, 2000, "ﾛﾎﾞｯﾄ大丈夫？")]), ja)
    assert [f.message for f in found] == [
        "reading speed 4.5 cps (9 characters in 2000 ms), limit 4 cps; needs 2250 ms"]


# -------------------------------------------------------------------------------- line length


def test_chinese_lines_hold_16_characters():
    zh = load_profile("netflix", lang="zh-Hant")
    sixteen = Cue(0, 3000, "你有你的機器人，而我只想在太空中")
    seventeen = Cue(0, 3000, "你有你的機器人，而我只想在太空中很")
    assert check_track(Track([sixteen]), zh) == []
    assert [f.message for f in check_track(Track([seventeen]), zh)] == [
        "text line 1 has 17 characters, limit 16: '你有你的機器人，而我只想在太空中很'"]


def test_japanese_lines_hold_13_full_width_with_half_width_counting_half():
    ja = load_profile("netflix", lang="ja")
    fits = [Cue(0, 5000, "ロボットの手が怖いんでしょ"),          # 13 full-width
            Cue(6000, 11000, "ﾛﾎﾞｯﾄの手が怖いんでしょ"),    # 5 x 0.5 + 9 = 11.5, in 14 characters
            Cue(12000, 17000, "ｾﾘｱ、ロボットの手が怖い？")]  # 1.5 + 11 = 12.5
    assert check_track(Track(fits), ja) == []
    over = [Cue(0, 5000, "ねえ、ロボットの手が怖いの？", position=0),         # 14
            Cue(6000, 11000, "ｾﾘｱさん、ロボットの手は怖い", position=1)]     # 1.5 + 12 = 13.5
    assert [f.message for f in check_track(Track(over), ja)] == [
        "text line 1 has 14 full-width characters, limit 13: 'ねえ、ロボットの手が怖いの？'",
        "text line 1 has 13.5 full-width characters, limit 13: 'ｾﾘｱさん、ロボットの手は怖い'",
    ]


def test_too_many_lines_and_each_long_line_reported():
    cue = Cue(0, 6000, "<i>One</i>\nWhy don't you just admit that you're freaked\nout!", position=4, line=20)
    found = check_track(Track([cue]), EN)
    assert [(f.kind, f.message) for f in found] == [
        ("too-many-lines", "3 lines, limit 2"),
        ("line-too-long",
         "text line 2 has 44 characters, limit 42: \"Why don't you just admit that you're freaked\""),
    ]


# ------------------------------------------------------------------------------------- timing


@pytest.mark.parametrize(("fps", "ok_gap", "short_gap"), [(24, 83, 82), (25, 80, 79), (23.976, 83, 82),
                                                          (29.97, 66, 65)])
def test_gap_of_two_frames_at_each_frame_rate(fps, ok_gap, short_gap):
    profile = load_profile("netflix", lang="en", fps=fps)
    a = Cue(0, 2000, "You're a jerk, Thom.", position=0)
    ok = Track([a, Cue(2000 + ok_gap, 4000, "Look Celia.", position=1)])
    short = Track([a, Cue(2000 + short_gap, 4000, "Look Celia.", position=1)])
    assert check_track(ok, profile) == []
    assert [f.message for f in check_track(short, profile)] == [
        f"gap of {short_gap} ms after cue 0, minimum {ok_gap} ms (2 frames at {fps:g} fps)"]


def test_durations_at_their_limits():
    cues = [Cue(0, 833, "Cut!", position=0), Cue(2000, 2832, "Cut!", position=1),
            Cue(4000, 11000, "Robot's memory synced and locked!", position=2),
            Cue(12000, 19001, "Robot's memory synced and locked!", position=3)]
    found = check_track(Track(cues), EN)
    assert [(f.position, f.kind, f.message) for f in found] == [
        (1, "duration-too-short", "duration 832 ms, minimum 833 ms"),
        (3, "duration-too-long", "duration 7001 ms, maximum 7000 ms"),
    ]


def test_broken_timing_is_an_error_and_empty_cues_are_only_empty():
    cues = [Cue(23000, 24500, "You're a jerk, Thom.", position=0),
            Cue(24000, 26000, "Look Celia.", position=1),               # starts before cue 0 ends
            Cue(30000, 29000, "Backwards.", position=2),
            Cue(31000, 31100, "<i> </i>", position=3),                  # empty: no duration finding
            Cue(40000, 40000, "Now.", position=4)]                      # zero length: too short, no cps
    found = check_track(Track(cues), EN)
    assert [(f.position, f.kind, f.severity) for f in found] == [
        (1, "overlap", "error"),
        (2, "end-before-start", "error"),
        (3, "empty-cue", "warning"),
        (4, "duration-too-short", "warning"),
    ]
    assert found[0].message == "starts 500 ms before cue 0 ends (00:00:23.000 --> 00:00:24.500)"
    assert found[1].message == "ends 1000 ms before it starts (00:00:30.000 --> 00:00:29.000)"


def test_overlap_is_measured_against_the_latest_end_in_time_order():
    # A long cue covers two later ones; the track is stored out of time order.
    cues = [Cue(3000, 4000, "Three.", position=2), Cue(0, 10000, "Ten seconds of text here.", position=0),
            Cue(1000, 2000, "One.", position=1), Cue(10050, 12000, "After.", position=3)]
    found = [f for f in check_track(Track(cues), EN) if f.kind in ("overlap", "gap-too-short")]
    assert [(f.position, f.kind, f.message) for f in found] == [
        (2, "overlap", "starts 7000 ms before cue 0 ends (00:00:00.000 --> 00:00:10.000)"),
        (1, "overlap", "starts 9000 ms before cue 0 ends (00:00:00.000 --> 00:00:10.000)"),
        (3, "gap-too-short", "gap of 50 ms after cue 0, minimum 83 ms (2 frames at 24 fps)"),
    ]


# ------------------------------------------------------------------------------------ summary


def test_summary_counts_cues_not_findings():
    track = Track(TOS)
    summary = summarize(track, check_track(track, EN))
    assert summary == {"cues": 9, "passing": 3, "pass_rate": 0.3333, "findings": 9, "errors": 0,
                       "warnings": 9, "by_kind": {"reading-speed": 4, "gap-too-short": 3, "line-too-long": 2}}
    assert json.loads(json.dumps(summary)) == summary   # reports write it as is


def test_summary_ignores_what_fixes_report_and_counts_errors():
    cues = [Cue(23000, 24500, "You're a jerk, Thom.", position=0),
            Cue(24000, 26000, "Look Celia.", position=1)]
    found = check_track(Track(cues), EN)
    done = Finding("fix-extend", "end moved", position=0, severity="info", fixed=True, start_ms=23000,
                   end_ms=24500)
    summary = summarize(Track(cues), [*found, done])
    assert (summary["passing"], summary["errors"], summary["warnings"], summary["by_kind"]) == \
        (1, 1, 0, {"overlap": 1})


def test_summary_of_an_empty_track():
    assert summarize(Track(), []) == {"cues": 0, "passing": 0, "pass_rate": 0.0, "findings": 0, "errors": 0,
                                      "warnings": 0, "by_kind": {}}


def test_ass_comment_events_are_neither_checked_nor_written_as_subtitles():
    from subpipe.formats import compose_track

    ass = ("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
           "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
           "Comment: 0,0:00:01.00,0:00:01.20,Default,,0,0,0,,Translator note: a very long note that breaks every "
           "delivery rule there is, far too long for one line\n"
           "Dialogue: 0,0:00:02.00,0:00:04.00,Default,,0,0,0,,Hello.\n")
    track = parse_track(ass.encode(), path="notes.ass")
    assert [c.comment for c in track.cues] == [True, False]
    profile = load_profile("netflix", lang="en")
    assert check_track(track, profile) == []
    assert summarize(track, [])["cues"] == 1
    srt = compose_track(track, "srt")
    assert "Translator note" not in srt and "Hello." in srt


def test_a_short_gap_in_an_ass_file_fails_as_in_srt_and_says_what_centiseconds_can_hold():
    """No tolerance for the format's clock: 80 ms fails the 83 ms two-frame minimum (24 fps) in ASS as in
    SRT; the ASS finding says which gap centiseconds can hold that meets it."""
    events = ("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
              "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
              "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hello.\n"
              "Dialogue: 0,0:00:02.08,0:00:04.00,Default,,0,0,0,,There.\n")
    profile = load_profile("netflix", lang="en")
    ass = parse_track(events.encode(), path="gap.ass")
    srt = parse_track(b"1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:02,080 --> 00:00:04,000\nThere.\n",
                      path="gap.srt")
    (in_ass,), (in_srt,) = check_track(ass, profile), check_track(srt, profile)
    assert (in_ass.kind, in_ass.position) == (in_srt.kind, in_srt.position) == ("gap-too-short", 1)
    assert in_srt.message == "gap of 80 ms after cue 0, minimum 83 ms (2 frames at 24 fps)"
    assert in_ass.message == in_srt.message + "; ASS times are centiseconds: 90 ms is its shortest gap of at least 83 ms"
