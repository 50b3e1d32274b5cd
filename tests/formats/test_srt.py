"""SRT through pysrt: every corpus file read with the cues, times, texts and findings we expect,
written back, and read again to the same cues."""

import doctest
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import CORNER, FILMS
from hypothesis import given, settings
from hypothesis import strategies as st

from subpipe.cues import Cue, Track, escape_text
from subpipe.encoding import decode
from subpipe.errors import SubpipeError
from subpipe.formats import srt

PYSRT = CORNER / "pysrt"
MEDIA3 = CORNER / "media3" / "subrip"
WEBVTT_PY = CORNER / "webvtt-py"


def read(path: Path, **decode_options) -> Track:
    """What `read_track` does for an SRT file: decode the bytes, then parse."""
    decoded = decode(path.read_bytes(), path=path.name, **decode_options)
    track = srt.parse(decoded.text, path=path.name)
    track.findings = decoded.findings + track.findings
    return track


def found(track: Track, *skip: str) -> list[tuple[str, int | None, int | None]]:
    """(kind, line, position) of each finding, without the kinds in `skip`."""
    return [(f.kind, f.line, f.position) for f in track.findings if f.kind not in skip]


def times(track: Track) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in track.cues]


def same_cues(track: Track) -> list[tuple[int, int, str, int]]:
    # align 2 is SRT's default, so it is not written and reads back as None
    return [(c.start, c.end, c.text, c.align or 2) for c in track.cues]


def cue_blocks_accounted_for(track: Track) -> list[int]:
    return sorted([c.position for c in track.cues] + [f.position for f in track.dropped()])


# --- pysrt's own test files --------------------------------------------------------------------------

ZEITGEIST_TIMES = [(6500, 9000), (11000, 17000), (19000, 24000), (25000, 31000), (31000, 36000),
                   (37000, 43000), (43000, 50000)]


@pytest.mark.parametrize("name", ["bom-utf-8.srt", "bom-utf-16-le.srt", "bom-utf-16-be.srt",
                                  "bom-utf-32-le.srt", "bom-utf-32-be.srt"])
def test_bom_variants(name):
    track = read(PYSRT / name)
    assert times(track) == ZEITGEIST_TIMES
    assert track.cues[0].text == "About 2 months ago I found myself on\nthe comment section of YouTube"
    assert track.cues[2].text.split("\n")[-1] == "the human race."
    assert [c.identifier for c in track.cues] == list("1234567")
    assert [c.line for c in track.cues] == [1, 6, 12, 20, 24, 28, 32]
    assert found(track) == [("bom", 1, None)]


def test_no_indexes_is_one_finding_not_seven():
    track = read(PYSRT / "no-indexes.srt")
    assert times(track) == ZEITGEIST_TIMES
    assert [c.identifier for c in track.cues] == [""] * 7
    assert found(track) == [("bom", 1, None), ("missing-index", 1, None)]
    assert "no cue has an index line (7 cues)" in track.findings[1].message
    assert srt.compose(track).startswith("1\n00:00:06,500 --> 00:00:09,000\n")


def test_empty_cues_are_kept_and_reported():
    track = read(PYSRT / "empty.srt")
    assert times(track) == ZEITGEIST_TIMES
    assert [c.text for c in track.cues][2:4] == ["", ""]
    assert found(track) == [("bom", 1, None), ("empty-cue", 12, 2), ("empty-cue", 16, 3)]


def test_timestamps_without_milliseconds_are_repaired():
    track = read(PYSRT / "invalid.srt")
    assert times(track) == [(1000, 10000)]
    assert track.cues[0].text == "This subtitle is invalid"
    assert found(track) == [("timestamp-no-millis", 2, 0)]
    assert track.findings[0].fixed


CAPABILITY = read(PYSRT / "capability_tester.srt")


class TestCapabilityTester:
    track = CAPABILITY
    by_id: ClassVar[dict[str, Cue]] = {c.identifier: c for c in CAPABILITY.cues}

    def test_every_cue_is_read_in_order(self):
        assert len(self.track) == 37
        assert [c.position for c in self.track.cues] == list(range(37))
        assert self.by_id["1"].start == self.by_id["1"].end == 0  # the hidden zero-length cue is kept
        assert (self.by_id["37"].start, self.by_id["37"].end) == (66501, 68500)

    def test_font_bold_italic_underline_stay_as_tags(self):
        assert '<font color="#0000FF">This text should be blue</font>' in self.by_id["2"].text
        assert "<b><i>Use VLC 1.1 or higher" in self.by_id["2"].text
        assert "<font size=30><b><i><u>This text should be bold, italics and underline</u></i></b></font>" \
            in self.by_id["5"].text
        assert self.by_id["5"].lines[:2] == ["This should be an E with an accent: È", "日本語"]

    def test_unknown_tags_and_stray_brackets_are_escaped_text(self):
        cue = self.by_id["7"]
        assert cue.text.startswith("&gt;\nIt would be a good thing to\n&lt;invalid_tag&gt;hide")
        assert cue.lines[-1] == "<"
        assert "2&lt;3,5&gt;1,4&lt;6" in self.by_id["8"].text

    def test_position_tags(self):
        expected = {"12": 5, "13": 2, "15": 4, "16": 1, "17": 9, "18": 6, "19": 3, "30": 8, "31": 1, "33": 3}
        assert {i: self.by_id[i].align for i in expected} == expected
        assert self.by_id["12"].text == "This text should be at the\nmiddle and horizontally centered"
        # {\an8} alone on the first line: the line goes with it
        assert self.by_id["30"].text.startswith("\\ N is a forced line break\n")
        # not at the start: kept verbatim and noted
        assert self.by_id["14"].align is None
        assert self.by_id["14"].text.endswith("at the left{\\an7}")
        assert self.by_id["15"].text == ("This text should be at the\n"
                                         "middle and horiz{\\an6}ontally at the left\n"
                                         "(The second position must be ignored)")
        noted = [(f.line, f.position) for f in self.track.findings if f.kind == "position-tag-not-at-start"]
        assert noted == [(67, 10), (83, 13), (88, 14)]

    def test_ass_override_blocks_are_kept_verbatim(self):
        assert self.by_id["29"].text.split("\n")[0] == "Hide these tags: {\\some_letters_or_numbers_or_chars}"
        assert self.by_id["29"].plain.split("\n")[0] == "Hide these tags: "

    def test_display_coordinates_are_kept_for_srt_output(self):
        assert self.track.meta["srt_coordinates"] == {9: "X1:000 X2:000 Y1:050 Y2:100"}
        assert ("srt-coordinates", 64, 9) in found(self.track)
        assert "00:00:21,501 --> 00:00:22,500 X1:000 X2:000 Y1:050 Y2:100\n" in srt.compose(self.track)

    def test_overlaps_are_reported_not_changed(self):
        overlaps = [f.position for f in self.track.findings if f.kind == "overlap"]
        assert overlaps == [11, 12, 14, 15, 17, 18, 21, 22, 23, 24, 25, 27, 30, 31, 32]
        assert (self.by_id["22"].start, self.by_id["22"].end) == (33500, 35500)

    def test_decoding_findings_come_first(self):
        assert found(self.track)[:2] == [("bom", 1, None), ("crlf-line-ends", None, None)]


# --- cdown/srt ----------------------------------------------------------------------------------------

def test_non_sequential_indexes_are_kept_as_identifiers_and_renumbered_on_output():
    track = read(CORNER / "cdown-srt" / "ascii.srt")
    assert [(c.identifier, c.text) for c in track.cues] == [("2", "ascii"), ("4", "oh look"),
                                                            ("6", "ascii everywhere")]
    assert times(track) == [(27000, 30730), (31500, 34100), (34100, 36570)]
    assert found(track) == [("non-sequential-index", 1, 0), ("non-sequential-index", 5, 1),
                            ("non-sequential-index", 9, 2)]
    assert "index 4 where 3 was expected" in track.findings[1].message
    out = srt.compose(track)
    assert out.startswith("1\n00:00:27,000 --> 00:00:30,730\nascii\n\n2\n")
    assert "\n3\n00:00:34,100 --> 00:00:36,570\nascii everywhere\n" in out


def test_gb2312_chinese():
    track = read(CORNER / "cdown-srt" / "gb2312.srt", lang="zh")
    assert track.cues[0].text == "宇宙守护神  保护我们远离邪恶"
    assert track.cues[1].text == "他能徒手抓住子弹  拦住疾速的火车"
    assert "encoding-detected" in [f.kind for f in track.findings]


# --- media3 (files without extension) ------------------------------------------------------------------

TYPICAL_TIMES = [(0, 1234), (2345, 3456), (7204567, 7208901)]


@pytest.mark.parametrize("name", ["typical", "typical_with_byte_order_mark", "typical_utf16le",
                                  "typical_utf16be", "typical_extra_blank_line"])
def test_media3_typical_variants(name):
    track = read(MEDIA3 / name)
    assert times(track) == TYPICAL_TIMES
    assert [c.text for c in track.cues] == ["This is the first subtitle.",
                                            "This is the second subtitle.\nSecond subtitle with second line.",
                                            "This is the third subtitle."]
    assert found(track, "bom") == []


def test_media3_empty_file_is_an_empty_track():
    track = read(MEDIA3 / "empty")
    assert track.cues == []
    assert found(track) == [("empty-file", 1, None)]
    assert track.findings[0].severity == "warning"  # nothing to deliver is said


def test_media3_bad_millisecond_counts_are_read_as_fractions():
    track = read(MEDIA3 / "typical_bad_timestamps")
    assert times(track) == [(0, 1234), (2345, 3456), (7204567, 7208900)]  # ",4560" and ",90"
    assert found(track) == [("timestamp-digits", 6, 1), ("timestamp-digits", 10, 2)]


def test_media3_missing_index():
    track = read(MEDIA3 / "typical_missing_sequence")
    assert times(track) == TYPICAL_TIMES
    assert found(track) == [("missing-index", 5, 1)]


def test_media3_missing_and_broken_timecodes_drop_their_cues():
    track = read(MEDIA3 / "typical_missing_timecode")
    assert [(c.position, c.identifier, c.text) for c in track.cues] == [
        (0, "1", "This is the first subtitle."), (2, "3", "This is the third subtitle.")]
    assert found(track) == [("missing-timing", 5, 1), ("bad-timing", 14, 3), ("bad-timing", 18, 4)]
    # five cue blocks: two kept; the one whose timing line is missing and the two whose timing lines
    # cannot be read are dropped, each at its position (issue 9 case 6)
    assert [f.dropped for f in track.findings] == [True, True, True]
    assert "cue dropped with its text 'This is the second subtitle. / Second subtitle" in track.findings[0].message
    assert cue_blocks_accounted_for(track) == [0, 1, 2, 3, 4]


def test_media3_negative_timestamps_are_clamped():
    track = read(MEDIA3 / "typical_negative_timestamps")
    assert times(track) == [(0, 0), (0, 1234), (7204567, 7208901)]
    assert found(track) == [("timestamp-digits", 2, 0), ("negative-timestamp", 2, 0),
                            ("negative-timestamp", 6, 1)]


def test_media3_no_hours_and_no_millis():
    track = read(MEDIA3 / "typical_no_hours_and_millis")
    assert times(track) == [(0, 1234), (2000, 3000), (7204567, 7208901)]
    assert found(track) == [("timestamp-no-hours", 2, 0), ("timestamp-no-millis", 6, 1)]


def test_media3_unexpected_end_drops_the_index_only_cue():
    track = read(MEDIA3 / "typical_unexpected_end")
    assert times(track) == TYPICAL_TIMES[:2]
    assert found(track) == [("truncated-cue", 10, None)]
    assert track.findings[0].severity == "error" and not track.findings[0].dropped


def test_media3_tags_and_three_digit_seconds():
    track = read(MEDIA3 / "typical_with_tags")
    assert len(track) == 14
    assert [c.start for c in track.cues[4:]] == [13567, 15567, 16567, 17567, 18567, 19567, 20567, 21567,
                                                 23567, 24567]
    assert all(c.align is None for c in track.cues)  # no {\anN} stands at the start of a cue
    assert track.cues[0].text == "This is {\\an1} the first subtitle."
    assert track.cues[3].text.startswith("This { \\an2} is not a valid tag")
    assert track.cues[4].plain == "This  is the fifth subtitle with multiple  valid  tags."
    digits = [(f.line, f.position) for f in track.findings if f.kind == "timestamp-digits"]
    assert digits[:2] == [(19, 4), (23, 5)] and len(digits) == 10


# --- webvtt-py's SRT files ----------------------------------------------------------------------------

def test_webvtt_py_sample_and_one_caption():
    track = read(WEBVTT_PY / "sample.srt")
    assert [c.text for c in track.cues] == [f"Caption text #{n}" for n in range(1, 6)]
    assert times(track)[1] == (7000, 11890)
    assert track.findings == []
    assert times(read(WEBVTT_PY / "one_caption.srt")) == [(500, 7000)]


def test_webvtt_py_dot_before_milliseconds():
    track = read(WEBVTT_PY / "invalid_timeframe.srt")
    assert times(track)[1] == (7000, 11890)
    assert found(track) == [("timestamp-dot", 6, 1)]
    assert track.findings[0].severity == "info"


def test_webvtt_py_missing_caption_text():
    track = read(WEBVTT_PY / "missing_caption_text.srt")
    assert len(track) == 5 and track.cues[1].text == ""
    assert found(track) == [("empty-cue", 5, 1)]


def test_webvtt_py_missing_timeframe():
    track = read(WEBVTT_PY / "missing_timeframe.srt")
    assert [c.position for c in track.cues] == [0, 2, 3, 4]
    assert [c.identifier for c in track.cues] == ["1", "3", "4", "5"]
    assert found(track) == [("missing-timing", 5, 1)]
    assert track.findings[0].dropped
    assert "cue dropped with its text 'Caption text #2'" in track.findings[0].message


@pytest.mark.parametrize(("name", "line"), [("invalid_format1.srt", 1), ("invalid_format2.srt", 1),
                                            ("invalid_format3.srt", 1)])
def test_webvtt_py_files_without_any_cue_raise(name, line):
    with pytest.raises(SubpipeError) as err:
        read(WEBVTT_PY / name)
    assert (err.value.path, err.value.line) == (name, line)
    assert "no SRT cue could be read" in err.value.message


def test_webvtt_py_text_where_the_index_belongs():
    track = read(WEBVTT_PY / "invalid_format4.srt")
    assert times(track) == [(500, 7000)] and track.cues[0].text == ""
    assert found(track) == [("garbage", 1, None), ("truncated-cue", 2, 0), ("missing-index", 2, 0)]
    assert "'some text'" in track.findings[0].message


# --- gpac --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "first", "last"), [
    ("subtitle.srt", "This is a sub-title\non 2 lines", "and unicode: é ï ö Ä"),
    ("subtitle_fr.srt", "Ceci est un sous-titre\nsur 2 lignes", "et de l'unicode: é ï ö Ä"),
])
def test_gpac_latin1_files(name, first, last):
    track = read(CORNER / "gpac-misc" / name)
    assert track.encoding is None  # set by read_track; decode told us instead:
    assert decode((CORNER / "gpac-misc" / name).read_bytes()).encoding == "cp1252"
    assert times(track) == [(1262, 2787), (3418, 4817), (5986, 6419), (7223, 8487), (9223, 10487)]
    assert (track.cues[0].text, track.cues[-1].text) == (first, last)
    assert track.cues[3].text.startswith("<i><b>")
    assert found(track, "encoding-detected") == []


# --- repairs on synthesized input --------------------------------------------------------------------

def test_blank_line_inside_a_cue_is_joined_and_reported():
    track = srt.parse("1\n00:00:01,000 --> 00:00:02,000\nFirst line\n\nsecond line\n\n"
                      "2\n00:00:03,000 --> 00:00:04,000\nNext\n", path="x.srt")
    assert [c.text for c in track.cues] == ["First line\nsecond line", "Next"]
    assert found(track) == [("blank-line-in-text", 5, 0)]


def test_unsorted_cues_are_sorted_with_positions_kept():
    track = srt.parse("1\n00:00:05,000 --> 00:00:06,000\nlater\n\n"
                      "2\n00:00:01,000 --> 00:00:02,000\nearlier\n", path="x.srt")
    assert [(c.position, c.text) for c in track.cues] == [(1, "earlier"), (0, "later")]
    assert found(track) == [("unsorted", 5, 1)]
    assert track.by_position()[0].text == "later"


def test_end_before_start_is_swapped():
    track = srt.parse("1\n00:00:10,000 --> 00:00:05,000\nbackwards\n", path="x.srt")
    assert times(track) == [(5000, 10000)]
    assert found(track) == [("end-before-start", 2, 0)]


def test_one_digit_fields_duplicate_indexes_and_missing_blank_lines():
    track = srt.parse("1\n0:0:1,5 --> 0:0:2,25\none\n1\n00:00:03,000 --> 00:00:04,000\ntwo\n", path="x.srt")
    assert times(track) == [(1500, 2250), (3000, 4000)]
    assert [c.text for c in track.cues] == ["one", "two"]
    assert found(track) == [("timestamp-digits", 2, 0), ("missing-blank-line", 3, 0),
                            ("duplicate-index", 4, 1)]


def test_garbage_before_the_first_cue():
    track = srt.parse("Subtitles by nobody\nwww.example.com\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n",
                      path="x.srt")
    assert [c.text for c in track.cues] == ["Hi"]
    assert found(track) == [("garbage", 1, None)]
    assert not track.findings[0].dropped


def test_position_after_opening_tags_and_markup_escaping():
    track = srt.parse("1\n00:00:01,000 --> 00:00:02,000\n<i>{\\an8}R&D <costs> &amp; more</i>\n", path="x")
    cue = track.cues[0]
    assert (cue.align, cue.text) == (8, "<i>R&amp;D &lt;costs&gt; &amp; more</i>")
    assert cue.plain == "R&D <costs> & more"


def test_whitespace_only_text_is_an_empty_track():
    track = srt.parse("\n  \n\n", path="blank.srt")
    assert (track.cues, found(track)) == ([], [("empty-file", 1, None)])


def test_parse_timestamp_examples():
    assert srt.parse_timestamp("00:00:01,000") == (1000, [])
    assert srt.parse_timestamp("1:02:03.4") == (3723400, ["timestamp-dot", "timestamp-digits"])
    assert srt.parse_timestamp("00:61:00,000") == (3660000, ["timestamp-out-of-range"])
    with pytest.raises(ValueError):
        srt.parse_timestamp("00:00:01:00")


# --- writing ------------------------------------------------------------------------------------------

def test_compose_writes_srt_markup_positions_and_empty_cues():
    track = Track(cues=[
        Cue(4000, 5000, "", position=2),
        Cue(1000, 2500, "<v Mary><c.loud>Fish &amp; chips</c></v>\n<i.x>now</i> &lt;3", position=0, align=8),
        Cue(2500, 3000, "<ruby>漢<rt>kan</rt></ruby> <00:00:02.700>ok", position=1, align=2),
    ])
    assert srt.compose(track) == (
        "1\n00:00:01,000 --> 00:00:02,500\n{\\an8}Fish & chips\n<i>now</i> <3\n\n"
        "2\n00:00:02,500 --> 00:00:03,000\n漢(kan) ok\n\n"
        "3\n00:00:04,000 --> 00:00:05,000\n\n"
    )


def test_compose_leaves_out_blank_lines_srt_cannot_hold():
    out = srt.compose(Track(cues=[Cue(0, 1000, "one\n\ntwo")]))
    assert out == "1\n00:00:00,000 --> 00:00:01,000\none\ntwo\n\n"


ROUND_TRIP_FILES = [PYSRT / n for n in ["bom-utf-8.srt", "bom-utf-16-le.srt", "bom-utf-32-be.srt",
                                        "capability_tester.srt", "empty.srt", "invalid.srt",
                                        "no-indexes.srt"]] \
    + [CORNER / "cdown-srt" / "ascii.srt", CORNER / "cdown-srt" / "gb2312.srt"] \
    + sorted(p for p in MEDIA3.iterdir() if p.name not in ("empty", )) \
    + [WEBVTT_PY / n for n in ["sample.srt", "invalid_timeframe.srt", "missing_caption_text.srt",
                               "missing_timeframe.srt", "invalid_format4.srt"]] \
    + sorted((CORNER / "gpac-misc").glob("*.srt"))


@pytest.mark.parametrize("path", ROUND_TRIP_FILES, ids=lambda p: p.name)
def test_round_trip_parse_compose_parse(path):
    track = read(path)
    again = srt.parse(srt.compose(track), path="again.srt")
    assert same_cues(again) == same_cues(track)
    # what compose writes is clean SRT: only the findings about the cues themselves come back
    assert {f.kind for f in again.findings} <= {"empty-cue", "overlap", "position-tag-not-at-start",
                                                "srt-coordinates"}


# --- sniffing ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [p for p in ROUND_TRIP_FILES if p.name != "invalid_format4.srt"],
                         ids=lambda p: p.name)
def test_sniff_knows_srt(path):
    assert srt.sniff(decode(path.read_bytes()).text)


@pytest.mark.parametrize("path", [FILMS / "sintel" / "sintel-en.vtt",
                                  CORNER / "webvtt-py" / "sample.vtt", CORNER / "media3" / "ssa" / "typical",
                                  CORNER / "gpac-misc" / "subtitle.sub", MEDIA3 / "empty",
                                  WEBVTT_PY / "invalid_format2.srt"], ids=lambda p: p.name)
def test_sniff_rejects_other_formats(path):
    assert not srt.sniff(decode(path.read_bytes()).text)


def test_docstring_examples_run():
    assert doctest.testmod(srt).failed == 0


def test_format_object_matches_the_protocol():
    fmt = srt.FORMAT
    assert (fmt.id, fmt.name, fmt.extensions, fmt.writable) == ("srt", "SubRip", (".srt",), True)
    track = fmt.parse("1\n00:00:01,000 --> 00:00:02,000\nHi\n", path="x.srt")
    assert fmt.compose(track) == "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n"


# --- properties -----------------------------------------------------------------------------------------

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Co", "Cn", "Zl", "Zp"],
                                       exclude_characters="<>&{}\ufeff\x85"), min_size=1, max_size=12) \
    .map(str.strip).filter(bool)
LINE = st.lists(WORDS, min_size=1, max_size=4).map(" ".join).map(escape_text) \
    .flatmap(lambda t: st.sampled_from([t, f"<i>{t}</i>", f"<b>{t}</b>", f'<font color="red">{t}</font>']))
CUES = st.lists(st.tuples(st.integers(0, 36_000_000), st.integers(0, 20_000),
                          st.lists(LINE, min_size=0, max_size=3).map("\n".join),
                          st.sampled_from([None, 1, 3, 5, 7, 8, 9])), max_size=12)


@settings(max_examples=150, deadline=None)
@given(CUES)
def test_compose_then_parse_is_the_identity(cues):
    cues = sorted(cues, key=lambda c: c[0])
    track = Track(cues=[Cue(start, start + length, text, position=i, align=align)
                        for i, (start, length, text, align) in enumerate(cues)])
    text = srt.compose(track)
    if not cues:
        assert text == ""
        return
    again = srt.parse(text, path="prop.srt")
    assert same_cues(again) == same_cues(track)
    assert [c.position for c in again.by_position().values()] == list(range(len(cues)))


SRTISH = st.lists(st.sampled_from(["1", "2", "17", "", " ", "00:00:01,000 --> 00:00:02,000",
                                   "00:00:03 --> 00:00:01", "-00:00:01,5 --> 00:00:02", "--> 00:00:01,000",
                                   "00:00:01,000 -->", "-->", "1:2:3.4 --> 5:6:7.8 X1:1", "text", "<i>it</i>",
                                   "{\\an8}top", "a & b", "99999999999:00:00,000 --> 0:0:0"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(SRTISH.map("\n".join))
def test_every_timing_line_is_a_cue_or_a_dropped_cue(text):
    try:
        track = srt.parse(text, path="fuzz.srt")
    except SubpipeError:
        return
    timing_lines = sum("-->" in line for line in text.split("\n"))
    lost_timing = [f for f in track.dropped() if f.kind == "missing-timing"]
    assert len(track.cues) + len(track.dropped()) - len(lost_timing) == timing_lines


@settings(max_examples=300, deadline=None)
@given(st.one_of(SRTISH.map("\n".join), st.text(max_size=200)))
def test_any_text_gives_a_track_or_a_subpipe_error(text):
    try:
        track = srt.parse(text, path="fuzz.srt")
    except SubpipeError as err:
        assert err.code != "internal", err
        return
    # every cue block is either in the track or reported as dropped, positions without gaps
    assert cue_blocks_accounted_for(track) == list(range(len(cue_blocks_accounted_for(track))))
    assert all(c.start <= c.end and c.start >= 0 for c in track.cues)
    assert [c.start for c in track.cues] == sorted(c.start for c in track.cues)


@pytest.mark.parametrize("rest", ["\tX1:100 X2:600", " --> 00:00:03,000"])
def test_whatever_follows_the_end_time_is_kept_as_coordinates(rest):
    # pysrt's item parser used to re-read the timing line and raised on these (an internal error).
    text = f"1\n00:00:01,000 --> 00:00:02,000{rest}\nHi\n"
    track = srt.parse(text, path="odd.srt")
    assert [(c.start, c.end, c.text) for c in track.cues] == [(1000, 2000, "Hi")]
    assert track.meta["srt_coordinates"] == {0: rest.strip()}
    assert srt.parse(srt.compose(track), path="again.srt").meta["srt_coordinates"] == {0: rest.strip()}
