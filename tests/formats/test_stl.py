"""EBU-STL read from bytes through ttconv: ttconv's own test files (positions, cumulative sets, TCP,
block counts, an omitted subtitle), every sample film built as STL after Tech 3264 and read back, and
the damaged files that must give a clear `SubpipeError` naming the file."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stl_builder import build_stl, frame_ms, gsi_block, stl_text, tti_blocks

from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, parse_track, read_track
from subpipe.formats.imsc import validate
from subpipe.formats.stl import GSI_SIZE
from subpipe.limits import Limits

DATA = Path(__file__).parent / "data" / "ttconv"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FILMS = sorted(SAMPLES.rglob("*.vtt"))


def kinds(track: Track) -> list[str]:
    return [f.kind for f in track.findings]


def words(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n")]


def test_justification_and_vertical_position_give_the_numpad_cell():
    left = read_track(DATA / "irt" / "requirement-0067-001.stl")
    right = read_track(DATA / "irt" / "requirement-0069-001.stl")
    assert (left.format, left.lang, left.fps, left.encoding) == ("stl", "en", 25.0, "iso6937")
    assert [(c.start, c.end, c.text, c.align) for c in left.cues] == [(0, 2000, "Test Text", 7)]
    assert [c.align for c in right.cues] == [9]


def test_a_cumulative_set_is_one_cue_whose_rows_appear_in_turn():
    track = read_track(DATA / "cumulative_set.stl")
    assert [(c.start, c.end, c.align) for c in track.cues] == [(40, 1000, None), (2000, 7000, 8)]
    assert track.cues[1].text == "1\n<00:00:03.000>2\n<00:00:04.000>3\n<00:00:05.000>4"
    assert kinds(track) == []


def test_programme_start_and_block_count_are_reported():
    track = read_track(DATA / "test_tcp_processing.stl")
    assert [(c.start, c.text) for c in track.cues] == [(0, "Metadata not for display."),
                                                       (36_000_000, "Start of the program.")]
    assert kinds(track) == ["stl-block-count", "stl-start-timecode"]
    assert "10:00:00:00" in track.findings[1].message


def test_what_ttconv_omits_or_adjusts_is_a_finding_naming_the_block():
    omitted = read_track(DATA / "irt" / "requirement-0061-004_modified.stl")
    assert omitted.cues == []
    (finding,) = omitted.findings
    assert (finding.kind, finding.dropped) == ("stl-dropped", True) and finding in omitted.dropped()
    assert finding.message == "TTI block 1: ttconv: Subtitle TCO is less than or equal to TCI; omitting subtitle"
    adjusted = read_track(DATA / "overlapping_tti.stl")
    assert [(c.start, c.end) for c in adjusted.cues] == [(1000, 5000), (5000, 7000)]
    assert kinds(adjusted) == ["stl-reader"] and "TTI block 2" in adjusted.findings[0].message


def test_colours_and_rows_of_teletext():
    track = read_track(DATA / "vp20_2_newlines.stl")
    assert [c.text for c in track.cues] == ['<font color="#ffff00">This is row 20</font>\n'
                                            '<font color="#ffff00">This is row 22</font>']


@pytest.mark.parametrize("film", FILMS, ids=lambda p: p.name)
def test_every_sample_film_as_stl_reads_back_with_its_cues_times_text_and_italics(film, tmp_path):
    source = read_track(film)
    source = source.copy(cues=[c.copy(text=f"<i>{c.text}</i>" if c.position % 4 == 0 else c.text,
                                      align=8 if c.position % 7 == 0 else c.align) for c in source.cues])
    path = tmp_path / f"{film.stem}.stl"
    path.write_bytes(build_stl(source, language=b"0F"))
    track = read_track(path)
    assert (track.format, track.lang, track.findings) == ("stl", "fr", [])
    assert len(track.cues) == len(source.cues)
    assert [(c.start, c.end) for c in track.cues] == [(frame_ms(c.start), frame_ms(c.end)) for c in source.cues]
    assert [words(c.plain) for c in track.cues] == [words(stl_text(c.plain)) for c in source.cues]
    assert [c.align for c in track.cues] == [c.align for c in source.cues]
    assert [c.position for c in track.cues if c.text.startswith("<i>")] == \
           [c.position for c in source.cues if c.position % 4 == 0]
    # and on to IMSC, in frames at the STL's 25 fps, with nothing lost
    imsc = compose_track(track, "imsc")
    assert 'ttp:frameRate="25"' in imsc
    assert validate(imsc, expected=track) == []


def test_extension_blocks_join_into_one_cue():
    long = ("A line long enough that the text field of one block cannot hold it,\n"
            "and a second one as long as that, so that it needs a second block")
    data = build_stl(Track([Cue(1000, 3000, long)]))
    assert len(data) == GSI_SIZE + 2 * 128
    assert [c.text for c in parse_track(data, path="x.stl").cues] == [long]


def test_stl_is_detected_by_content_whatever_its_name(tmp_path):
    path = tmp_path / "delivery.bin"
    path.write_bytes(build_stl(Track([Cue(0, 1000, "Hallo")]), language=b"08"))
    track = read_track(path)
    assert (track.format, track.lang, [c.text for c in track.cues]) == ("stl", "de", ["Hallo"])


# --- damaged files -----------------------------------------------------------------------------------

def film_stl() -> bytes:
    return build_stl(read_track(SAMPLES / "sintel" / "Sintel.en.vtt"))


def refused(data: bytes, tmp_path: Path, name: str = "Film.en.stl") -> SubpipeError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SubpipeError) as info:
        read_track(path)
    assert info.value.path == str(path)
    return info.value


def test_a_truncated_gsi_block_is_refused_clearly(tmp_path):
    error = refused(film_stl()[:700], tmp_path)
    assert "truncated GSI block: 700 bytes" in error.message
    assert "truncated GSI block: 5 bytes" in refused(b"850ST", tmp_path).message  # told by its name


def test_a_file_cut_inside_a_tti_block_names_the_block_and_byte(tmp_path):
    data = film_stl()
    error = refused(data[:GSI_SIZE + 10 * 128 + 50], tmp_path)
    assert error.message == "TTI block 11 is cut short: 50 of 128 bytes at byte 2,304 (a truncated file)"


def test_fewer_blocks_than_the_gsi_declares_is_a_truncated_file(tmp_path):
    data = film_stl()
    error = refused(data[:GSI_SIZE + 20 * 128], tmp_path)
    assert error.message == "truncated file: the GSI block declares 26 TTI blocks (TNB), 20 are present"


def test_wrong_counts_in_the_gsi_block(tmp_path):
    cues = [Cue(i * 2000, i * 2000 + 1500, f"cue {i}") for i in range(3)]
    blocks = [b for i, c in enumerate(cues) for b in tti_blocks(i, c.start, c.end, c.text, None)]
    more = parse_track(gsi_block(blocks=2, subtitles=5) + b"".join(blocks), path="x.stl")
    assert len(more.cues) == 3
    assert kinds(more) == ["stl-block-count", "stl-subtitle-count"]
    assert more.findings[1].message == "3 subtitle numbers in the TTI blocks, the GSI block declares 5 subtitles (TNS)"
    garbled = bytearray(gsi_block(blocks=3, subtitles=3) + b"".join(blocks))
    garbled[238:243] = b"12a45"
    assert "total number of TTI blocks (TNB) (b'12a45' at bytes 238-242) is not a number" in \
        refused(bytes(garbled), tmp_path).message
    with pytest.raises(SubpipeError, match="strict|stl-subtitle-count"):
        parse_track(gsi_block(blocks=3, subtitles=5) + b"".join(blocks), path="x.stl", strict=True)


def test_an_unknown_disk_format_code_is_refused(tmp_path):
    data = bytearray(film_stl())
    data[3:11] = b"STL99.01"
    assert "disk format code b'STL99.01'" in refused(bytes(data), tmp_path).message


def test_limits_apply_to_stl(tmp_path):
    data = film_stl()
    with pytest.raises(SubpipeError, match="too many cues: 26") as info:
        parse_track(data, path="x.stl", limits=Limits(max_cues=10))
    assert info.value.code == "limit"
    with pytest.raises(SubpipeError, match="too large") as info:
        parse_track(data, path="x.stl", limits=Limits(max_file_bytes=2000))
    assert info.value.code == "limit"


def test_text_given_for_a_binary_format_is_refused():
    with pytest.raises(SubpipeError, match="binary"):
        parse_track("850STL25.01", path="x.stl", format="stl")


def test_an_empty_stl_file_is_an_empty_track_like_any_format(tmp_path):
    path = tmp_path / "empty.stl"
    path.write_bytes(b"")
    track = read_track(path)
    assert (track.format, track.cues, kinds(track)) == ("stl", [], ["empty-file"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_stl_bytes_raise_only_subpipe_error(data):
    raw = bytearray(build_stl(Track([Cue(0, 1000, "<i>Hi</i> there"), Cue(2000, 3000, "Größe\nzwei")])))
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        i = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "delete", "truncate"]))
        if op == "flip":
            raw[i] = data.draw(st.integers(min_value=0, max_value=255))
        elif op == "delete":
            del raw[i:i + data.draw(st.integers(min_value=1, max_value=200))]
        else:
            del raw[i:]
        if not raw:
            break
    try:
        parse_track(bytes(raw), path="mutated.stl")
    except SubpipeError:
        pass
