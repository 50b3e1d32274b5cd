"""Opt-in fixes: what each one does, exactly, on real subtitle lines, and that the input is never touched."""

import copy

import pytest
from conftest import read_film
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import parse_track
from subpipe.qc.fixes import fix_track, rewrap_text, split_cue
from subpipe.qc.profiles import load_profile
from subpipe.qc.rules import check_track, summarize

EN = load_profile("netflix", lang="en")
JA = load_profile("netflix", lang="ja")

# Tears of Steel, TOS-en.vtt, cues 1-9 as the WebVTT reader returns them.
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


def report(findings):
    return [(f.position, f.kind, f.message) for f in findings]


# ------------------------------------------------------------------------------ the whole set


def test_tears_of_steel_opening_fixed_with_the_default_fixes():
    track = Track(copy.deepcopy(TOS), path="TOS-en.vtt")
    fixed, notes = fix_track(track, EN)
    assert report(notes) == [
        (1, "fix-rewrap", ("re-broke 1 line, longest 43 into 2 lines, longest 22; limit 42 characters x 2 "
                          "lines: 'Look Celia, we have to follow our passions;' -> 'Look Celia, we have to\\n"
                          "follow our passions;'")),
        (7, "fix-rewrap", ("re-broke 1 line, longest 43 into 2 lines, longest 25; limit 42 characters x 2 "
                          "lines: '...by these giant robotic claws of death...' -> '...by these giant\\n"
                          "robotic claws of death...'")),
        (1, "fix-extend-unresolved", ("needs 2100 ms at 20 cps (minimum 833 ms) but cue 2 at 00:00:27.000 "
                                     "minus the 83 ms minimum gap allows 2000 ms")),
        (3, "fix-extend", ("end 00:00:34.000 -> 00:00:34.050 (+50 ms): duration 3200 -> 3250 ms, "
                          "20.3 -> 20.0 cps (limit 20 cps, minimum 833 ms)")),
        (4, "fix-extend", ("end 00:00:36.000 -> 00:00:36.050 (+50 ms): duration 1500 -> 1550 ms, "
                          "20.7 -> 20.0 cps (limit 20 cps, minimum 833 ms)")),
        (7, "fix-extend", ("end 00:00:42.000 -> 00:00:42.117 (+117 ms): duration 1000 -> 1117 ms, "
                          "42.0 -> 37.6 cps (limit 20 cps, minimum 833 ms)")),
        (7, "fix-extend-unresolved", ("needs 2100 ms at 20 cps (minimum 833 ms) but cue 8 at 00:00:42.200 "
                                     "minus the 83 ms minimum gap allows 1117 ms")),
        # Cue 1 is too fast to give anything back, so cue 2 starts later; cues 5 and 6 end earlier.
        (2, "fix-gap", ("start 00:00:27.000 -> 00:00:27.083 (+83 ms): gap after cue 1 was 0 ms, "
                       "minimum 83 ms")),
        (5, "fix-gap", "end 00:00:38.000 -> 00:00:37.917 (-83 ms): gap before cue 6 was 0 ms, minimum 83 ms"),
        (6, "fix-gap", "end 00:00:41.000 -> 00:00:40.917 (-83 ms): gap before cue 7 was 0 ms, minimum 83 ms"),
    ]
    assert [(n.severity, n.fixed) for n in notes] == [("info", True)] * 2 + [("warning", False)] + \
        [("info", True)] * 3 + [("warning", False)] + [("info", True)] * 3
    assert [(c.position, c.start, c.end) for c in fixed] == [
        (0, 23000, 24500), (1, 25000, 27000), (2, 27083, 30500), (3, 30800, 34050), (4, 34500, 36050),
        (5, 37000, 37917), (6, 38000, 40917), (7, 41000, 42117), (8, 42200, 45000)]
    assert fixed[1].text == "Look Celia, we have to\nfollow our passions;"
    assert fixed[7].text == "...by these giant\nrobotic claws of death..."
    # What is left is exactly what the fixes said they could not resolve.
    assert report(check_track(fixed, EN)) == [
        (1, "reading-speed", ("reading speed 21.0 cps (42 characters in 2000 ms), limit 20 cps; "
                             "needs 2100 ms")),
        (7, "reading-speed", ("reading speed 37.6 cps (42 characters in 1117 ms), limit 20 cps; "
                             "needs 2100 ms")),
    ]
    assert track.cues == TOS   # the input is untouched


def test_fix_findings_carry_times_after_the_fix():
    _, notes = fix_track(Track(copy.deepcopy(TOS), path="TOS-en.vtt"), EN, fixes=("gap",))
    assert [(n.position, n.line, n.start_ms, n.end_ms, n.path) for n in notes] == [
        (2, 11, 27083, 30500, "TOS-en.vtt"), (5, 25, 37000, 37917, "TOS-en.vtt"),
        (6, 29, 38000, 40917, "TOS-en.vtt")]


@pytest.mark.parametrize(("film", "lang", "before", "after"), [
    ("tears-of-steel/TOS-en.vtt", "en", (76, 59), (76, 74)),
    ("tears-of-steel/TOS-de.vtt", "de", (76, 43), (77, 70)),
    ("elephants-dream/elephants-dream-subtitles-en.vtt", "en", (89, 65), (89, 89)),
    ("elephants-dream/elephants-dream-subtitles-de.vtt", "de", (77, 61), (77, 74)),
])
def test_whole_films_fixed(corpus, film, lang, before, after):
    track = read_film(corpus / "films" / film, lang)
    original = copy.deepcopy(track)
    for fps in (24, 25, 23.976, 29.97):
        profile = load_profile("netflix", lang=lang, fps=fps)
        fixed, notes = fix_track(track, profile)
        assert track == original
        assert {c.position for c in fixed} == {c.position for c in track}
        if fps == 24:
            s0 = summarize(track, check_track(track, profile))
            s1 = summarize(fixed, check_track(fixed, profile))
            assert ((s0["cues"], s0["passing"]), (s1["cues"], s1["passing"])) == (before, after)
        # Every violation left is one a fix reported as unresolved, on the same cue and times.
        unresolved = {(n.kind, n.position, n.start_ms, n.end_ms) for n in notes if not n.fixed}
        explains = {"reading-speed": "fix-extend-unresolved", "duration-too-short": "fix-extend-unresolved",
                    "gap-too-short": "fix-gap-unresolved"}
        for f in check_track(fixed, profile):
            expected = explains.get(f.kind, "fix-split-unresolved")
            assert (expected, f.position, f.start_ms, f.end_ms) in unresolved


def test_fix_order_is_fixed_and_unknown_fixes_are_refused():
    track = Track(copy.deepcopy(TOS))
    assert fix_track(track, EN, ("gap", "extend", "split")) == \
        fix_track(track, EN, ("split", "extend", "gap"))
    with pytest.raises(SubpipeError, match="unknown fix 'trim'; fixes are locale, rewrap, split, extend, gap") as err:
        fix_track(track, EN, ("trim",))
    assert err.value.code == "usage"
    assert fix_track(track, EN, ()) == (track, [])


# ------------------------------------------------------------------------------------- extend


def test_extend_to_the_minimum_duration_and_freely_for_the_last_cue():
    cut = Cue(13000, 13500, "Cut!", position=51, line=205)
    fixed, notes = fix_track(Track([cut]), EN, ("extend",))
    assert report(notes) == [(51, "fix-extend", (
        "end 00:00:13.500 -> 00:00:13.833 (+333 ms): duration 500 -> 833 ms, 8.0 -> 4.8 cps (limit 20 cps, "
        "minimum 833 ms)"))]
    assert (fixed[0].start, fixed[0].end, cut.end) == (13000, 13833, 13500)


def test_extend_stops_at_the_maximum_duration_and_says_so():
    talk = Cue(0, 6000, "x" * 150, position=0)
    fixed, notes = fix_track(Track([talk]), EN, ("extend",))
    assert report(notes) == [
        (0, "fix-extend", ("end 00:00:06.000 -> 00:00:07.000 (+1000 ms): duration 6000 -> 7000 ms, "
                          "25.0 -> 21.4 cps (limit 20 cps, minimum 833 ms)")),
        (0, "fix-extend-unresolved", ("needs 7500 ms at 20 cps (minimum 833 ms) but the 7000 ms maximum "
                                      "duration allows 7000 ms")),
    ]
    assert fixed[0].end == 7000


def test_extend_leaves_two_frames_before_the_next_cue_at_the_tracks_frame_rate():
    cues = [TOS[7], TOS[8]]
    for fps, end in ((24, 42117), (25, 42120), (29.97, 42134)):
        profile = load_profile("netflix", lang="en", fps=fps)
        fixed, _ = fix_track(Track(copy.deepcopy(cues)), profile, ("extend",))
        assert fixed[0].end == end


def test_extend_never_moves_into_an_overlapping_cue():
    cues = [Cue(0, 1000, "x" * 40, position=0), Cue(500, 3000, "Fine.", position=1)]
    fixed, notes = fix_track(Track(cues), EN, ("extend",))
    assert [c.end for c in fixed] == [1000, 3000]
    assert report(notes) == [(0, "fix-extend-unresolved", (
        "needs 2000 ms at 20 cps (minimum 833 ms) but cue 1 at 00:00:00.500 minus the 83 ms minimum gap "
        "allows 1000 ms"))]


# ---------------------------------------------------------------------------------------- gap


def test_gap_pulls_the_earlier_end_back():
    # Elephants Dream, cues 11 and 12.
    cues = [Cue(62042, 63167, "<v Proog>Let's go.</v>", position=10, line=43, identifier="11"),
            Cue(63167, 65167, "<v Emo>What's next?</v>", position=11, line=47, identifier="12")]
    for fps, end in ((24, 63084), (25, 63087), (23.976, 63084), (29.97, 63101)):
        profile = load_profile("netflix", lang="en", fps=fps)
        fixed, notes = fix_track(Track(copy.deepcopy(cues)), profile, ("gap",))
        assert [(c.start, c.end) for c in fixed] == [(62042, end), (63167, 65167)]
        assert len(notes) == 1 and notes[0].position == 10
    assert notes[0].message == \
        "end 00:01:03.167 -> 00:01:03.101 (-66 ms): gap before cue 11 was 0 ms, minimum 66 ms"


def test_gap_takes_what_the_earlier_cue_cannot_give_from_the_next_start():
    cues = [Cue(0, 1030, "x" * 20, position=0), Cue(1030, 4000, "Short.", position=1)]  # cue 0 needs 1000 ms
    fixed, notes = fix_track(Track(cues), EN, ("gap",))
    assert [(c.start, c.end) for c in fixed] == [(0, 1000), (1083, 4000)]
    assert report(notes) == [
        (0, "fix-gap", "end 00:00:01.030 -> 00:00:01.000 (-30 ms): gap before cue 1 was 0 ms, minimum 83 ms"),
        (1, "fix-gap", ("start 00:00:01.030 -> 00:00:01.083 (+53 ms): gap after cue 0 was 0 ms, "
                       "minimum 83 ms")),
    ]


def test_gap_that_cannot_be_freed_is_left_and_reported():
    # Both read at exactly 20 cps: neither has a millisecond to give.
    cues = [Cue(0, 2000, "x" * 40, position=0), Cue(2040, 4040, "y" * 40, position=1)]
    fixed, notes = fix_track(Track(cues), EN, ("gap",))
    assert [(c.start, c.end) for c in fixed] == [(0, 2000), (2040, 4040)]
    assert report(notes) == [(1, "fix-gap-unresolved", (
        "gap of 40 ms after cue 0 cannot reach 83 ms: cue 0 can give 0 ms and this cue 0 ms without breaking "
        "their minimum duration or reading speed"))]
    assert (notes[0].severity, notes[0].fixed) == ("warning", False)


def test_gap_leaves_overlaps_alone():
    cues = [Cue(23000, 24500, "You're a jerk, Thom.", position=0),
            Cue(24000, 26000, "Look Celia.", position=1)]
    fixed, notes = fix_track(Track(cues), EN, ("gap",))
    assert (fixed.cues, notes) == (cues, [])


# ------------------------------------------------------------------------------------- rewrap


def test_rewrap_balances_lines_and_keeps_markup():
    assert rewrap_text("<v Proog>And at your right, what do you see at your right side, Emo?</v>", EN) == \
        "<v Proog>And at your right, what do you\nsee at your right side, Emo?</v>"
    assert rewrap_text("<v Emo>Listen Proog! Do you hear that!</v> (amusement park music)", EN) == \
        "<v Emo>Listen Proog! Do you hear\nthat!</v> (amusement park music)"
    assert rewrap_text("Why don't you\njust admit\nthat you're freaked out?", EN) == \
        "Why don't you just admit\nthat you're freaked out?"
    assert rewrap_text("We're on in one!\nAll systems go!\nYeah you, go!", EN) == \
        "We're on in one! All\nsystems go! Yeah you, go!"   # balanced, not linguistic: that is segment's job
    assert rewrap_text("Yeah\nyou, go!", EN) == "Yeah you, go!"   # what fits one line goes on one line


def test_rewrap_keeps_dialogue_lines_and_never_splits_words():
    assert rewrap_text("-Are you coming?\n-In a minute.", EN) == "-Are you coming?\n-In a minute."
    assert rewrap_text("- Are you coming? Because we are leaving right now.\n- In a minute.", EN) is None
    assert rewrap_text("Supercalifragilisticexpialidocious-and-more-hyphens", EN) is None
    ko = load_profile("netflix", lang="ko")
    assert rewrap_text("안녕하세요 여러분 오늘은 날씨가 정말 좋네요 그렇죠", ko) == \
        "안녕하세요 여러분 오늘은\n날씨가 정말 좋네요 그렇죠"


def test_rewrap_breaks_japanese_between_characters_but_not_before_closing_punctuation():
    # The balanced break (8 + 8) would start the second line with "。"; it goes one character earlier.
    assert rewrap_text("あいうえおかきく。けこさしすせそ", JA) == "あいうえおかき\nく。けこさしすせそ"
    # Half-width katakana count 0.5: 2.5 + 6 = 8.5 on the first line, 8 on the second.
    assert rewrap_text("ﾛﾎﾞｯﾄの手が怖いんでしょう？本当は", JA) == "ﾛﾎﾞｯﾄの手が怖いん\nでしょう？本当は"


def test_rewrap_fix_alone_reports_what_it_cannot_do():
    three = Cue(0, 6000, "<i>One</i>\nWhy don't you just admit that you're freaked\n"
                         "out by my robot hand? Really, Thom?", position=4, line=20)
    fixed, notes = fix_track(Track([three]), EN, ("rewrap",))
    assert fixed.cues == [three]
    assert report(notes) == [(4, "fix-rewrap-unresolved", (
        "3 lines, longest 44 cannot be re-broken within the limit 42 characters x 2 lines "
        "(the split fix can split it)"))]


# -------------------------------------------------------------------------------------- split


def test_split_closes_and_reopens_italics_and_divides_time_by_characters():
    long = Cue(38000, 47000, "<i>I'm freaked out! I have nightmares\nthat I'm being chased by these giant "
               "robotic claws of death...</i>", position=6, line=29, identifier="7", settings={"line": "0"})
    fixed, notes = fix_track(Track([long]), EN, ("split",))
    assert [(c.identifier, c.position, c.line, c.start, c.end, c.text, c.settings) for c in fixed] == [
        ("7a", 6, 29, 38000, 41158, "<i>I'm freaked out! I have nightmares</i>", {"line": "0"}),
        ("7b", 6, 29, 41241, 47000, "<i>that I'm being chased by these\ngiant robotic claws of death...</i>",
         {"line": "0"}),
    ]
    assert report(notes) == [(6, "fix-split", (
        "split 00:00:38.000 --> 00:00:47.000 (2 lines, longest 62, limit 42 characters x 2 lines; duration "
        "9000 ms, maximum 7000 ms) into 2 cues: 7a 00:00:38.000 --> 00:00:41.158 \"I'm freaked out! I have "
        "nightmares\"; 7b 00:00:41.241 --> 00:00:47.000 \"that I'm being chased by these\\ngiant robotic "
        "claws of death...\""))]
    assert (notes[0].start_ms, notes[0].end_ms) == (38000, 47000)
    assert check_track(fixed, EN) == []


def test_split_between_speakers_follows_the_voices():
    # Elephants Dream cue 43, held too long.
    cue = Cue(344208, 353000, "<v Emo>Why?</v> - <v Proog>Now!</v>", position=42, line=171, identifier="43")
    first, second = split_cue(cue, EN)
    assert (first.text, first.speaker, first.start, first.end) == ("<v Emo>Why?</v>", "Emo", 344208, 348562)
    assert (second.text, second.speaker, second.start, second.end) == \
        ("<v Proog>Now!</v>", "Proog", 348645, 353000)
    a, b = split_cue(Cue(0, 9000, "- Are you coming?\n- <i>In a minute.</i>"), EN)
    assert (a.text, b.text) == ("Are you coming?", "<i>In a minute.</i>")


def test_split_repeats_leading_ass_blocks_and_keeps_style_and_alignment():
    sign = Cue(0, 9000, "{\\pos(10,20)}<i>Whatever, Thom.</i> We're done.", align=8, style="Sign",
               position=12)
    fixed, _notes = fix_track(Track([sign]), EN, ("split",))
    assert [(c.identifier, c.text, c.align, c.style, c.start, c.end) for c in fixed] == [
        ("12a", "{\\pos(10,20)}<i>Whatever, Thom.</i>", 8, "Sign", 0, 5144),
        ("12b", "{\\pos(10,20)}We're done.", 8, "Sign", 5227, 9000),
    ]


def test_split_again_until_every_piece_fits():
    speech = Cue(0, 20000, "<i>Look Celia, we have to follow our passions; you have your robotics, and I "
                 "just want to be awesome in space. Why don't you just admit that you're freaked out by my "
                 "robot hand?</i>",
                 identifier="3", position=2)
    fixed, notes = fix_track(Track([speech]), EN, ("split",))
    assert [(c.identifier, c.start, c.end, c.text) for c in fixed] == [
        ("3a", 0, 4964, "<i>Look Celia, we have to\nfollow our passions;</i>"),
        ("3b", 5047, 7714, "<i>you have your robotics,</i>"),
        ("3c", 7797, 12319, "<i>and I just want to be awesome in space.</i>"),
        ("3d", 12402, 15755, "<i>Why don't you just admit that</i>"),
        ("3e", 15838, 20000, "<i>you're freaked out by my robot hand?</i>"),
    ]
    assert [n.kind for n in notes] == ["fix-split"]
    assert check_track(fixed, EN) == []
    summary = summarize(fixed, check_track(fixed, EN))
    assert (summary["cues"], summary["passing"]) == (5, 5)


def test_split_japanese_at_the_sentence_end():
    cue = Cue(0, 12000, "今日はとても暑いですね。明日は雨が降るそうです。", position=4, identifier="5")
    fixed, _notes = fix_track(Track([cue]), JA, ("split",))
    assert [(c.identifier, c.start, c.end, c.text) for c in fixed] == [
        ("5a", 0, 5958, "今日はとても暑いですね。"), ("5b", 6041, 12000, "明日は雨が降るそうです。")]


def test_a_cue_at_the_cue_length_cap_is_not_cut_into_128_unreadable_cues(tmp_path):
    # 10,000 characters (the default SUBPIPE_MAX_CUE_CHARS) in 4 s need 500 s at 20 cps: halving it until
    # every piece held two lines made 128 cues of 11 to 30 ms, each too short and too fast.
    text = ("word " * 2000)[:10_000]
    track = parse_track(f"1\n00:00:01,000 --> 00:00:05,000\n{text}\n".encode(), path="Cap.en.srt")
    for fixes in (("split",), ("locale", "extend", "gap", "split")):
        fixed, notes = fix_track(track, EN, fixes)
        assert len(fixed.cues) == 1 and fixed.cues[0].text == track.cues[0].text, fixes
        split = [n for n in notes if n.kind.startswith("fix-split")]
        assert [n.kind for n in split] == ["fix-split-unresolved"] and len(split[0].message) < 300
        assert "not split: its text needs 499950 ms at 20 cps, over twice the 4000 ms the cue has" in \
            split[0].message
        assert "shorten the text" in split[0].message
    path = tmp_path / "Cap.en.srt"
    path.write_text(f"1\n00:00:01,000 --> 00:00:05,000\n{text}\n", encoding="utf-8")
    out = tmp_path / "Cap.en.fixed.srt"
    result = CliRunner().invoke(app, ["qc", str(path), "--fix", "-o", str(out)])
    assert out.read_text(encoding="utf-8").count(" --> ") == 1, result.output


def test_a_split_whose_pieces_would_be_too_short_to_see_is_refused():
    # Three speakers in 1.5 s: two cues would each last under the 833 ms minimum duration
    quick = Cue(0, 1500, "- Go!\n- No!\n- Yes!", position=3)
    fixed, notes = fix_track(Track([quick]), EN, ("split",))
    assert fixed.cues == [quick]
    assert report(notes) == [(3, "fix-split-unresolved", (
        "3 lines, longest 6, limit 42 characters x 2 lines: not split: 2 cues need at least 1749 ms (the 833 ms "
        "minimum duration each, gaps of 83 ms), the cue has 1500 ms; shorten the text or re-time the cue"))]


def test_a_split_takes_the_time_its_pieces_need_from_the_room_after_the_cue():
    # 124 characters need 6.2 s at 20 cps: the cue has 5 s, the next cue starts 4 s after its end
    talk = Cue(0, 5000, "Look Celia, we have to follow our passions; you have your robotics, and I just want "
               "to be awesome in space, far away.", position=0, identifier="1")
    later = Cue(9000, 11000, "Fine.", position=1, identifier="2")
    fixed, notes = fix_track(Track([talk, later]), EN, ("split", "extend"))
    assert len(fixed.cues) > 2 and fixed.cues[-1] == later
    assert [n.kind for n in notes] == ["fix-split"] and "ms later" in notes[0].message
    assert check_track(fixed, EN) == []
    # without the extend fix the cue may not end later: the pieces share its 5 s, a little too fast
    fixed, notes = fix_track(Track([talk, later]), EN, ("split",))
    assert fixed.cues[-2].end == 5000 and [n.kind for n in notes] == ["fix-split"]
    assert {f.kind for f in check_track(fixed, EN)} == {"reading-speed"}


def test_a_single_word_cannot_be_split():
    scream = Cue(0, 9000, "RAAAAAAAAH!", position=67, line=270, identifier="68")
    fixed, notes = fix_track(Track([scream]), EN, ("split",))
    assert fixed.cues == [scream]
    assert report(notes) == [(67, "fix-split-unresolved",
                              "duration 9000 ms, maximum 7000 ms: cannot split a single word")]
    assert split_cue(scream, EN) is None


def test_summary_counts_split_pieces_by_their_own_times():
    pieces = [Cue(0, 3000, "Fine.", position=5), Cue(3083, 3200, "Too short.", position=5)]
    summary = summarize(Track(pieces), check_track(Track(pieces), EN))
    assert (summary["cues"], summary["passing"], summary["by_kind"]) == \
        (2, 1, {"duration-too-short": 1, "reading-speed": 1})
