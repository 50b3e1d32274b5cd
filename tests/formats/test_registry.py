"""The format registry: every format is one frozen `Format` of plain functions, found by id and
extension, read-only formats say so when asked to write, and a binary format reads the file's bytes."""

import dataclasses
import struct

import pytest

import subpipe.formats as formats
from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import Format, compose_track, format_ids, get_format, parse_track, register, write_track
from subpipe.formats.base import Format as BaseFormat

MOVIE_SRT = b"1\n00:00:01,000 --> 00:00:02,500\nHello <i>there</i>\n"


def test_every_registered_format_is_a_frozen_description():
    for fmt_id in format_ids():
        fmt = get_format(fmt_id)
        assert isinstance(fmt, BaseFormat) and Format is BaseFormat
        assert fmt.id == fmt_id and fmt.extensions and all(ext.startswith(".") for ext in fmt.extensions)
        with pytest.raises(dataclasses.FrozenInstanceError):
            fmt.id = "changed"  # type: ignore[misc]


def test_writable_formats_are_those_with_a_compose_function():
    writable = {fmt_id for fmt_id in format_ids() if get_format(fmt_id).writable}
    assert writable == {"srt", "vtt", "ass", "ssa", "microdvd", "mpl2", "imsc"}
    assert all(get_format(fmt_id).compose is None for fmt_id in set(format_ids()) - writable)


@pytest.mark.parametrize("fmt_id, name", [("ttml", "TTML"), ("sami", "SAMI")])
def test_a_read_only_format_refuses_to_write_naming_itself(fmt_id, name, tmp_path):
    track = parse_track(MOVIE_SRT, path="movie.srt")
    with pytest.raises(SubpipeError, match=f"reads {name}.* does not write it") as caught:
        compose_track(track, fmt_id)
    assert caught.value.code == "unknown-format"
    with pytest.raises(SubpipeError, match="cannot tell which format to write"):
        write_track(track, tmp_path / "out.smi")
    assert list(tmp_path.iterdir()) == []


def test_only_a_frame_based_format_is_given_the_frame_rate():
    microdvd, srt = get_format("microdvd"), get_format("srt")
    assert microdvd.counts_frames and not srt.counts_frames
    track = microdvd.read("{25}{50}Hi\n", path="x.sub", fps=25)
    assert [(c.start, c.end) for c in track] == [(1000, 2000)]
    assert microdvd.write(track, fps=50) == "{1}{1}50\n{50}{100}Hi\n"
    assert srt.read(MOVIE_SRT.decode(), path="movie.srt", fps=25).cues[0].text == "Hello <i>there</i>"


# A binary layout of our own, small enough to spell out: magic, then per cue two big-endian
# millisecond times, a length and UTF-16 text. Registering it shows what a binary format (EBU-STL,
# say) needs: `reads_bytes`, so it is sniffed and parsed before any text decoding.
_MAGIC = b"\x00CUE"


def _sniff_cues(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _parse_cues(data: bytes, *, path: str) -> Track:
    cues, offset = [], len(_MAGIC)
    while offset < len(data):
        start, end, size = struct.unpack_from(">IIH", data, offset)
        offset += 10
        text = data[offset:offset + size].decode("utf-16-be")
        offset += size
        cues.append(Cue(start, end, text, position=len(cues)))
    return Track(cues=cues, path=path)


BINARY = Format("bincue", "binary cues", (".bcue",), sniff=_sniff_cues, parse=_parse_cues, reads_bytes=True)


@pytest.fixture
def with_binary_format(monkeypatch):
    monkeypatch.setattr(formats, "_registry", formats._registry)  # put back whatever `register` publishes
    register(BINARY)


def test_a_binary_format_is_sniffed_and_parsed_on_bytes(with_binary_format):
    text = "Ça va?".encode("utf-16-be")
    data = _MAGIC + struct.pack(">IIH", 1000, 2500, len(text)) + text
    track = parse_track(data, path="no-extension")
    assert (track.format, track.encoding) == ("bincue", None)
    assert [(c.start, c.end, c.text) for c in track] == [(1000, 2500, "Ça va?")]
    # Text formats are still detected on decoded text; the binary sniffer never sees a str.
    assert parse_track(MOVIE_SRT, path="movie").format == "srt"
    assert not get_format("bincue").writable
