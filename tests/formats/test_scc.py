"""SCC read through ttconv: ttconv's own test files (pop-on, paint-on, roll-up; italics, special
characters, positions) and sample films written as SCC by ttconv's own SCC writer, then read back."""

from pathlib import Path

import pytest
from ttconv.scc import writer as scc_writer
from ttconv.scc.config import SccWriterConfiguration

from subpipe.cues import Track
from subpipe.errors import SubpipeError
from subpipe.formats import parse_track, read_track
from subpipe.formats.imsc import compose_imsc, to_document, validate

DATA = Path(__file__).parent / "data" / "ttconv"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Three frames of 29.97 fps: ttconv's SCC writer schedules pop-on captions on frame boundaries of the
# drop-frame time code and sends the display command a frame or two after loading.
SCC_SLACK_MS = 101


def test_pop_on_captions_with_italics_special_characters_and_positions():
    track = read_track(DATA / "pop-on.scc")
    assert track.format == "scc" and round(track.fps, 2) == 29.97
    assert [(c.start, c.end, c.align) for c in track.cues] == [
        (3777907, 3779242, 1), (3812308, 4296425, 1), (4296492, 4297760, 1)]
    assert [c.text for c in track.cues] == ["( horn honking )", "HEY, THE®E.",
                                            "Test ½ Caption\nTest <i> test</i>  Captions"]
    assert track.findings == []


def test_roll_up_rows_accumulate_and_keep_italics():
    track = read_track(DATA / "mix-rows-roll-up.scc")
    assert len(track.cues) == 16
    assert track.cues[4].text == "HELPING THE LOCAL NEIGHBORHOODS\nAND <i> IMPROVING </i> THE LIVES OF ALL"
    assert track.cues[7].plain == "®°½\nABCDEû"
    assert [f.kind for f in track.findings] == ["open-end"]  # the last caption is never erased


def test_what_ttconv_warns_about_is_a_finding_at_its_line():
    track = read_track(DATA / "paint-on.scc")
    warned = [f for f in track.findings if f.kind == "scc-reader"]
    assert warned and all(f.line == 7 for f in warned)
    assert "overflows from the safe area" in warned[0].message


@pytest.mark.parametrize("film", sorted(SAMPLES.rglob("*.en.vtt")), ids=lambda p: p.name)
def test_sample_films_written_by_ttconv_as_scc_read_back(film, tmp_path):
    """CEA-608 has 32 columns and a North American character set: the cues that fit are compared."""
    source = read_track(film)
    fits = Track([c for c in source.cues if c.plain.isascii() and all(len(line) <= 32 for line in c.lines)])
    path = tmp_path / f"{film.stem}.scc"
    path.write_text(scc_writer.from_model(to_document(fits), SccWriterConfiguration(force_popon=True)),
                    encoding="ascii")
    track = read_track(path)
    assert len(fits.cues) > 20 and len(track.cues) == len(fits.cues)
    assert [c.lines for c in track.cues] == [c.lines for c in fits.cues]
    assert all(abs(a.start - b.start) <= SCC_SLACK_MS and abs(a.end - b.end) <= SCC_SLACK_MS
               for a, b in zip(track.cues, fits.cues))
    assert validate(compose_imsc(track), expected=track) == []  # and on to IMSC, to the millisecond


def test_a_file_without_the_header_is_refused_at_line_1(tmp_path):
    path = tmp_path / "captions.scc"
    path.write_text("00:00:01:00\t9420 9420\n", encoding="ascii")
    with pytest.raises(SubpipeError) as info:
        read_track(path)
    assert (info.value.path, info.value.line) == (str(path), 1)
    assert "Scenarist_SCC V1.0" in info.value.message


def test_a_broken_caption_line_is_refused_at_its_line():
    text = "Scenarist_SCC V1.0\n\n00:59:59:00\t9420 9420\n\n01:00:00:00\t9420 zzzz 942f\n"
    with pytest.raises(SubpipeError, match="'zzzz' is not a CEA-608 byte pair") as info:
        parse_track(text.encode("ascii"), path="junk.scc")
    assert (info.value.path, info.value.line) == ("junk.scc", 5)
