"""ASS/SSA: media3's extension-less fixtures and pysubs2's files detected by content and read through
the registry, with the cues, styles and findings we expect; written back through pysubs2 and read
again to the same track; generated tracks survive compose -> parse unchanged."""

from pathlib import Path

import pytest
from conftest import CORNER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subpipe.cues import Cue, Track, escape_text
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, parse_track
from subpipe.formats._pysubs2 import ass_to_markup, markup_to_ass
from subpipe.formats.ass import ASS, SSA

MEDIA3 = CORNER / "media3" / "ssa"
PYSUBS2 = CORNER / "pysubs2"


def read(path: Path, **options) -> Track:
    return parse_track(path.read_bytes(), path=str(path), **options)


def found(track: Track, *kinds: str) -> list[tuple[str, int | None, int | None]]:
    """(kind, line, position) of the findings of the given kinds (all kinds when none are given)."""
    return [(f.kind, f.line, f.position) for f in track.findings if not kinds or f.kind in kinds]


def times(track: Track) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in track.cues]


def fields(cue: Cue, position: bool = True) -> tuple:
    """Everything an ASS round trip must keep (the file line changes when the header does; positions
    too when the file had events that could not be read)."""
    return ((cue.position,) if position else ()) + (
        cue.start, cue.end, cue.text, cue.align, cue.style, cue.layer, cue.margins, cue.speaker, cue.effect,
        cue.comment)


TYPICAL_TEXTS = ["This is the first subtitle.",
                 "This is the second subtitle \nwith a newline \nand another.",
                 "This is the third subtitle, with a comma."]


# --- media3 fixtures, detected by content --------------------------------------------------------------

@pytest.mark.parametrize("name, encoding", [("typical", "utf-8"), ("typical_utf16be", "utf-16-be"),
                                            ("typical_utf16le", "utf-16-le")])
def test_typical_in_every_encoding(name, encoding):
    track = read(MEDIA3 / name)
    assert (track.format, track.encoding) == ("ass", encoding)
    assert times(track) == [(0, 1230), (2340, 3450), (4560, 8900)]
    assert [c.text for c in track] == TYPICAL_TEXTS
    assert [(c.line, c.position, c.speaker, c.style) for c in track] == [
        (10, 0, "Olly", "Default"), (11, 1, "Olly", "Default"), (12, 2, "Olly", "Default")]
    # "{ignored}" is an ASS comment: removed from the text, reported where it was
    assert found(track, "ass-comment-removed", "timecode-separator") == [("ass-comment-removed", 10, 0),
                                                                         ("timecode-separator", 12, None)]
    assert track.meta["info"] == {"Title": "SomeTitle" if name == "typical" else ""}
    assert track.styles["Default"]["fontname"] == "Open Sans Semibold"
    assert track.styles["Default"]["bold"] is True


def test_headerless_dialogue_lines_use_the_short_field_order():
    track = read(MEDIA3 / "typical_dialogue")
    assert track.format == "ass"
    assert [c.text for c in track] == TYPICAL_TEXTS
    assert [c.speaker for c in track] == ["Olly"] * 3
    assert found(track, "missing-format-line", "no-styles") == [("missing-format-line", 1, 0),
                                                                ("no-styles", None, None)]


@pytest.mark.parametrize("name", ["typical_format", "typical_header"])
def test_header_only_files_have_no_cues(name):
    track = read(MEDIA3 / name)
    assert track.cues == []
    assert found(track, "empty-file") == [("empty-file", None, None)]


def test_header_only_file_keeps_its_style():
    assert read(MEDIA3 / "typical_header").styles["Default"]["outline"] == 1.7


def test_empty_file_is_an_empty_track_said_so_in_any_format():
    track = read(MEDIA3 / "empty")
    assert (track.cues, track.format) == ([], None)  # no extension, no content: no format to tell
    assert [(f.kind, f.severity, f.path) for f in track.findings] == [
        ("empty-file", "warning", str(MEDIA3 / "empty"))]
    assert read(MEDIA3 / "empty", format="ass").format == "ass"


def test_style_line_with_only_a_name_takes_defaults():
    track = read(MEDIA3 / "empty_style_line")
    assert track.meta["info"]["ScriptType"] == "V4.00+"  # spelt "Script Type:" in the file
    assert list(track.styles) == ["Empty"]
    assert track.styles["Empty"]["fontname"] == "Arial"
    assert [(c.style, c.text) for c in track] == [("Empty", "First line.")]


def test_invalid_timecodes_drop_their_events_and_are_reported():
    track = read(MEDIA3 / "invalid_timecodes")
    assert [c.position for c in track] == [2, 5, 6, 7]
    assert times(track) == [(4560, 8900), (13900, 13900), (15900, 14900), (16560, 17900)]
    assert [(f.line, f.position, f.severity) for f in track.dropped()] == [
        (10, 0, "error"), (11, 1, "error"), (13, 3, "error"), (14, 4, "error")]
    assert all(f.kind == "bad-timing" for f in track.dropped())
    assert found(track, "end-before-start") == [("end-before-start", 16, 6)]
    # every Dialogue line is accounted for: kept or reported dropped
    assert sorted([c.position for c in track] + [f.position for f in track.dropped()]) == list(range(8))
    with pytest.raises(SubpipeError, match=r"invalid_timecodes:10: \[bad-timing\]"):
        read(MEDIA3 / "invalid_timecodes", strict=True)


def test_invalid_layers_read_as_zero_and_are_reported():
    track = read(MEDIA3 / "invalid_layer")
    assert [c.layer for c in track] == [0, 0, 0]
    assert found(track, "invalid-layer") == [("invalid-layer", 6, 0), ("invalid-layer", 7, 1),
                                             ("invalid-layer", 8, 2)]
    assert all(f.fixed for f in track.findings if f.kind == "invalid-layer")


def test_layers_are_kept():
    assert [c.layer for c in read(MEDIA3 / "layer")] == [1, -1]


def test_overlaps_are_reported_within_a_layer_only():
    track = read(MEDIA3 / "overlapping_timecodes")
    assert found(track, "overlap", "unsorted") == [
        ("unsorted", 9, 3), ("overlap", 7, 1), ("overlap", 10, 4),
        ("overlap", 12, 6)]
    assert found(read(MEDIA3 / "overlapping_cues_different_layers"), "overlap") == []


def test_positions_and_override_blocks():
    track = read(MEDIA3 / "positioning")
    assert [c.align for c in track] == [None, None, None, None, 2, 9]
    assert track[2].text == r"{\pos(150,100)}Third subtitle{\pos(75,101)}, (only last counts)."
    assert track[4].text == r"{\pos( 150, 101 )}Fifth subtitle (alignment override, spaces around pos arguments)."
    assert track[5].text == r"{\pos(150,101)}Sixth subtitle (multiple overrides in same braces)."
    assert track[5].plain == "Sixth subtitle (multiple overrides in same braces)."
    assert int(track.styles["Default"]["alignment"]) == 4


def test_invalid_alignment_is_kept_verbatim_and_reported():
    track = read(MEDIA3 / "invalid_positioning")
    assert track[2].align is None
    assert track[2].text == r"{\an11}Third subtitle (invalid alignment)."
    assert track[3].text == r"\pos(150,100) Fourth subtitle (no braces)."  # no braces: plain text
    assert found(track, "invalid-alignment") == [("invalid-alignment", 15, 2)]


def test_style_flags_and_sizes():
    styles = read(MEDIA3 / "style_bold_italic").styles
    assert {n: (s["bold"], s["italic"]) for n, s in styles.items()} == {
        "FontBold": (True, False), "FontItalic": (False, True), "FontBoldItalic": (True, True)}
    sizes = read(MEDIA3 / "style_font_size").styles
    assert [s["fontsize"] for s in sizes.values()] == [30.0, 72.2]
    assert read(MEDIA3 / "style_underline").styles["WithUnderline"]["underline"] is True
    assert read(MEDIA3 / "style_strikeout").styles["WithoutStrikeout"]["strikeout"] is False


def test_style_colours_invalid_colour_and_unknown_style():
    track = read(MEDIA3 / "style_primary_color")
    colours = {n: tuple(vars(s["primarycolor"]).values()) for n, s in track.styles.items()}
    assert colours["PrimaryColourStyleHexRed"] == (255, 0, 0, 0)
    assert colours["PrimaryColourStyleHexGreen"] == (0, 255, 0, 0)  # &HFF00, leading zeros left out
    assert colours["PrimaryColourStyleHexAlpha"] == (255, 0, 0, 0xA0)
    assert colours["PrimaryColourStyleDecimal"] == (0, 0, 255, 0)
    assert colours["PrimaryColourStyleDecimalAlpha"] == (0, 0, 255, 0x80)
    assert found(track, "invalid-style-field", "unknown-style") == [
        ("invalid-style-field", 15, None), ("unknown-style", 26, 6)]
    assert "'blue'" in track.findings[0].message


def test_outline_colour_style():
    styles = read(MEDIA3 / "style_outline_color").styles
    assert vars(styles["OutlineColourStyleBlue"]["outlinecolor"]) == {"r": 0, "g": 0, "b": 255, "a": 0}
    assert styles["OutlineColourStyleBlue"]["borderstyle"] == 3


# --- pysubs2's files ------------------------------------------------------------------------------------

def test_attached_images_are_kept_reported_and_written_back():
    track = read(PYSUBS2 / "subtitle_with_attached_images_aegisub.ass")
    assert list(track.meta["graphics"]) == ["github.jpg", "github.png"]
    assert [len(lines) for lines in track.meta["graphics"].values()] == [20, 10]
    assert found(track, "embedded-attachments") == [("embedded-attachments", None, None)]
    assert [(c.start, c.end, c.text, c.line) for c in track] == [(0, 5000, "", 52)]
    again = ASS.parse(ASS.compose(track), path="again.ass")
    assert again.meta["graphics"] == track.meta["graphics"]
    assert [fields(c) for c in again] == [fields(c) for c in track]


def test_pysubs2_conversion_of_ttml_reads_as_eleven_cues():
    track = read(PYSUBS2 / "ttml_example.ass")
    assert len(track) == 11
    assert track[1].text == "that the image formed on\nthe Retina should be inverted?"
    assert found(track, "overlap") == [("overlap", 21, 6), ("overlap", 25, 10)]


ROUND_TRIP = [MEDIA3 / n for n in ("typical", "typical_utf16le", "invalid_timecodes", "invalid_layer", "layer",
                                   "positioning", "invalid_positioning", "overlapping_timecodes",
                                   "style_bold_italic", "style_primary_color", "style_font_size")] + [
    PYSUBS2 / "ttml_example.ass", PYSUBS2 / "subtitle_with_attached_images_aegisub.ass"]


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.name)
def test_real_files_survive_a_write_and_read(path):
    track = read(path)
    again = parse_track(compose_track(track, "ass").encode(), path="again.ass")
    assert [fields(c, position=False) for c in again] == [fields(c, position=False) for c in track]
    if not track.dropped():
        assert [c.position for c in again] == [c.position for c in track]
    # a file without styles is written with pysubs2's Default style, so that players agree on one
    assert again.styles == (track.styles or {"Default": ASS.parse(ASS.compose(Track()), path="d").styles["Default"]})
    # the script info survives; a script that gave no resolution says the one its styles were seen at
    info = {k: v for k, v in track.meta["info"].items() if k != "ScriptType"}
    if not {"PlayResX", "PlayResY"} <= set(info):
        info |= {"PlayResX": "384", "PlayResY": "288"} if track.styles else {"PlayResX": "1920", "PlayResY": "1080"}
    assert {k: v for k, v in again.meta["info"].items() if k != "ScriptType"} == info


# --- text: ASS override codes <-> markup ----------------------------------------------------------------

@pytest.mark.parametrize("ass, markup, align", [
    (r"{\i1}one{\b1}two{\i0}three{\b0}", "<i>one<b>two</b></i><b>three</b>", None),
    (r"{\u1}under\hline", "<u>under\u00a0line</u>", None),
    (r"{\a6}top{\an2}", "top", 8),  # legacy SSA \a6 is top centre; the first alignment wins
    (r"{\i1\fad(200,200)}a{\r}b", r"<i>{\fad(200,200)}a</i>{\r}b", None),
    (r"{\b700}heavy & <fine>", r"{\b700}heavy &amp; &lt;fine&gt;", None),
    (r"{\t(0,500,\fs20)\i1}grow", r"{\t(0,500,\fs20)}<i>grow</i>", None),
])
def test_ass_text_to_markup(ass, markup, align):
    result = ass_to_markup(ass)
    assert (result.markup, result.align) == (markup, align)


def test_markup_to_ass_drops_webvtt_only_markup_keeping_text():
    markup = '<v Mary><c.loud><lang fr>Oui</lang></c> <00:00:01.500><ruby>漢<rt>kan</rt></ruby></v>'
    assert markup_to_ass(markup) == "Oui 漢(kan)"
    assert markup_to_ass('<font color="#00ff80" face="Serif">x</font>y') == r"{\c&H80FF00&\fnSerif}x{\c\fn}y"


def test_track_from_srt_gets_a_default_style_and_voices_become_names():
    track = Track([Cue(1000, 2000, "<v Mary>Hi &amp; bye</v>", align=8),
                   Cue(2000, 3000, "<i>Two</i>\nlines", position=1)])
    text = compose_track(track, "ass")
    assert "Style: Default,Arial,75," in text and "PlayResX: 1920\nPlayResY: 1080\n" in text  # sized for full HD
    assert r"Dialogue: 0,0:00:01.00,0:00:02.00,Default,Mary,0,0,0,,{\an8}Hi & bye" in text
    again = ASS.parse(text, path="x.ass")
    assert [(c.text, c.speaker, c.align) for c in again] == [("Hi &amp; bye", "Mary", 8),
                                                            ("<i>Two</i>\nlines", None, None)]


def test_times_are_rounded_to_centiseconds_and_limited_to_ten_hours():
    text = ASS.compose(Track([Cue(1234, 1235, "x"), Cue(5, 4, "y", position=1)]))
    assert "0:00:01.23,0:00:01.24" in text and "0:00:00.01,0:00:00.00" in text
    with pytest.raises(SubpipeError, match="cue 0 ends at 10:00:00.000"):
        ASS.compose(Track([Cue(0, 36_000_000, "late")]))


def test_comment_events_are_cues_marked_comment_and_written_back():
    text = ("[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
            "MarginR, MarginV, Effect, Text\nComment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,note to self\n"
            "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,10,20,30,Scroll up;5,Shown\n"
            "Sound: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,boom.wav\n")
    track = ASS.parse(text, path="c.ass")
    assert [(c.position, c.comment, c.margins, c.effect) for c in track] == [
        (0, True, None, ""), (1, False, (10, 20, 30), "Scroll up;5")]
    assert [(f.kind, f.line, f.position) for f in track.dropped()] == [("unsupported-event", 8, 2)]
    assert "Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,note to self" in ASS.compose(track)


def test_ssa_is_detected_and_written_with_legacy_alignment():
    track = Track([Cue(0, 1000, "top", align=8)], styles={})
    text = compose_track(track, "ssa")
    assert "[V4 Styles]" in text and "ScriptType: v4.00" in text and r"{\a6}top" in text
    again = parse_track(text.encode(), path="x.ssa")
    assert (again.format, again[0].align, again[0].text) == ("ssa", 8, "top")


def test_dialogue_lines_after_a_lost_events_heading_are_still_read():
    text = ("[V4+ Styles]\nFormat: Name, Alignment\nStyle: Top,8\n"
            "Dialogue: 0,0:00:01.00,0:00:02.00,Top,,0,0,0,,still here\n")
    track = ASS.parse(text, path="lost.ass")
    assert [(c.text, c.style, c.line) for c in track] == [("still here", "Top", 4)]
    assert found(track, "misplaced-event") == [("misplaced-event", 4, 0)]
    assert int(track.styles["Top"]["alignment"]) == 8


def test_ssa_style_alignment_uses_the_legacy_numbering():
    text = ("[Script Info]\nScriptType: v4.00\n\n[V4 Styles]\nFormat: Name, Alignment\nStyle: Top,6\n\n"
            "[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
            "Dialogue: Marked=0,0:00:01.00,0:00:02.00,Top,,0,0,0,,{\\a9}middle left\n")
    track = parse_track(text.encode(), path="old.ssa")
    assert track.format == "ssa"
    assert int(track.styles["Top"]["alignment"]) == 8  # SSA 6 is top centre
    assert (track[0].align, track[0].text) == (4, "middle left")  # SSA \a9 is middle left


def test_bad_event_format_line_is_an_error_naming_the_line():
    with pytest.raises(SubpipeError) as err:
        ASS.parse("[Events]\nFormat: Start, End, Style\n", path="bad.ass")
    assert (err.value.path, err.value.line) == ("bad.ass", 2)


def test_sniffers_tell_ass_from_ssa_and_claim_nothing_else():
    assert ASS.sniff("[Script Info]\nScriptType: v4.00+\n") and not SSA.sniff("[Script Info]\nScriptType: v4.00+\n")
    assert SSA.sniff("[Script Info]\nScriptType: v4.00\n") and not ASS.sniff("[Script Info]\nScriptType: v4.00\n")
    for other in ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n",
                  "{1}{25}Hi\n", "[1][25]Hi\n", '<tt xmlns="http://www.w3.org/ns/ttml"/>'):
        assert not ASS.sniff(other) and not SSA.sniff(other)


# --- properties ----------------------------------------------------------------------------------------

WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                              exclude_characters="{}\\\n\r"), min_size=1, max_size=12)
STYLE_NAMES = ["Default", "Sign", "Italics Off-screen"]


@st.composite
def cue_text(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        pieces = []
        for word in draw(st.lists(WORDS, min_size=1, max_size=3)):
            tag = draw(st.sampled_from([None, "i", "b", "u"]))
            pieces.append(escape_text(word) if tag is None else f"<{tag}>{escape_text(word)}</{tag}>")
        lines.append("".join(pieces))
    return "\n".join(lines)


@st.composite
def tracks(draw) -> Track:
    cues = []
    for position in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 3_000_000)) * 10
        cues.append(Cue(start, start + draw(st.integers(0, 100_000)) * 10, draw(cue_text()), position=position,
                        align=draw(st.one_of(st.none(), st.integers(1, 9))),
                        speaker=draw(st.one_of(st.none(), st.sampled_from(["Ann", "Bob Smith", "Ø"]))),
                        style=draw(st.sampled_from(STYLE_NAMES)), layer=draw(st.integers(0, 5)),
                        margins=draw(st.one_of(st.none(), st.tuples(st.integers(1, 99), st.integers(0, 99),
                                                                    st.integers(0, 99)))),
                        comment=draw(st.booleans())))
    styles = {name: {"fontname": "Arial", "italic": name.startswith("Italics")} for name in STYLE_NAMES}
    return Track(cues, styles=ASS.parse(ASS.compose(Track(styles=styles)), path="s").styles)


@given(tracks())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_compose_then_parse_is_the_identity(track):
    again = ASS.parse(ASS.compose(track), path="gen.ass")
    assert [fields(c) for c in again] == [fields(c) for c in track]
    assert again.styles == track.styles
    assert again.dropped() == []


FUZZ_SOURCES = [MEDIA3 / "typical", MEDIA3 / "typical_utf16be", MEDIA3 / "invalid_timecodes",
                MEDIA3 / "positioning", PYSUBS2 / "subtitle_with_attached_images_aegisub.ass"]


@given(st.sampled_from(FUZZ_SOURCES), st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_files_raise_only_subpipe_errors(path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 4))] = data.draw(st.binary(max_size=6))
    for fmt in ("ass", "ssa"):
        try:
            parse_track(bytes(raw), path=path.name, format=fmt)
        except SubpipeError:
            pass


AEGISUB = PYSUBS2 / "subtitle_with_attached_images_aegisub.ass"  # styles (Default at 48 px), no PlayRes


@pytest.mark.parametrize("script_info, resolution", [
    ("PlayResX: 1280\nPlayResY: 720\n", ("1280", "720")),  # the script's own
    ("PlayResY: 720\n", ("960", "720")),  # half of one: the other derived as libass derives it (4:3)
    ("", ("384", "288")),  # none: what libass (and Aegisub) assumed, so its styles keep their size
])
@pytest.mark.parametrize("fmt", ["ass", "ssa"])
def test_every_script_written_says_its_resolution_and_keeps_its_styles(script_info, resolution, fmt):
    # without PlayResX/PlayResY libass assumes 384x288 and VSFilter may not: text sizes differ by player
    text = AEGISUB.read_text(encoding="utf-8-sig").replace("WrapStyle: 0\n", f"WrapStyle: 0\n{script_info}", 1)
    track = parse_track(text.encode("utf-8"), path=str(AEGISUB))
    back = parse_track(compose_track(track, fmt).encode("utf-8"), path=f"x.{fmt}")
    assert (back.meta["info"]["PlayResX"], back.meta["info"]["PlayResY"]) == resolution
    assert back.styles["Default"]["fontsize"] == track.styles["Default"]["fontsize"] == 48
