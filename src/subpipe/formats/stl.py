"""EBU-STL (EBU Tech 3264, ``.stl``), read through ttconv's STL reader; not written.

EBU-STL is binary: a 1024-byte GSI block (General Subtitle Information: code page, frame rate in
``STL25.01``, language, counts) then 128-byte TTI blocks (Text and Timing Information), one or more
per subtitle. It is read from bytes, never decoded as text first: the format declares
``reads_bytes`` and `subpipe.formats.parse_track` hands it the file's bytes (the character code
tables of TTI text, ISO 6937 and the Latin/Cyrillic/Greek/Arabic/Hebrew ones, are ttconv's business).

Before ttconv sees the file, its shape is checked, so a damaged file is a `SubpipeError` naming it
and saying what is wrong, not an exception from deep inside: a GSI block shorter than 1024 bytes, a
disk format code other than ``STLnn.01``, a TNB (total TTI blocks) that is not a number, a last TTI
block cut short, fewer TTI blocks than the TNB says (a truncated file); each TTI block is then handed
to ttconv in turn, so that a failure names the block and its byte offset. More blocks than TNB, or a
TNS (total subtitles) that does not match the subtitle numbers found, are warnings; a subtitle ttconv
leaves out (TCO not after TCI, an invalid time code) is a ``dropped`` finding naming its TTI block, and
what else ttconv logs (a start moved to the previous end, an unknown character) a warning.

What the track holds: a cue per subtitle (ttconv joins extension blocks and cumulative sets), times as
written in TCI/TCO to the millisecond (exact to the frame; the programme start time code TCP is not
subtracted, and reported when it is not zero), teletext double height, colours and the italics of
open subtitles as ttconv maps them (`subpipe.formats._ttconv`), the vertical position (VP) as top,
middle or bottom, the justification code (JC) as left, centre or right, the GSI language code as the
track's language and its character code table (CCT) as the track's encoding (``iso6937`` for Latin).
"""

import io

from ttconv.stl.datafile import DataFile

from subpipe.cues import Track
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._pysubs2 import Cursor
from subpipe.formats._ttconv import log_findings, track_from_document, ttconv_messages
from subpipe.formats.base import Format

GSI_SIZE = 1024
TTI_SIZE = 128
_DISK_FORMATS = (b"STL23.01", b"STL24.01", b"STL25.01", b"STL30.01", b"STL50.01")
# Byte ranges of GSI fields (EBU Tech 3264, section 3).
_DFC, _CCT, _TNB, _TNS, _TCP = slice(3, 11), slice(12, 14), slice(238, 243), slice(243, 248), slice(256, 264)
# Character code tables of the text fields (GSI CCT), as `Track.encoding` names them.
CODE_TABLES = {b"00": "iso6937", b"01": "iso8859-5", b"02": "iso8859-6", b"03": "iso8859-7", b"04": "iso8859-8"}


def sniff_bytes(data: bytes) -> bool:
    """A GSI block: a disk format code ``STLnn.01`` after the three-digit code page number.

    >>> sniff_bytes(b"850STL25.01" + bytes(1013)), sniff_bytes(b"WEBVTT\\n")
    (True, False)
    """
    return data[3:6] == b"STL" and data[6:8].isdigit() and data[8:11] == b".01"


def _gsi_number(gsi: bytes, field: slice, name: str, path: str) -> int:
    raw = gsi[field]
    digits = raw.decode("ascii", errors="replace").strip()
    if not digits.isdigit():
        raise SubpipeError(f"GSI block: {name} ({raw!r} at bytes {field.start}-{field.stop - 1}) is not a "
                           "number", path=path, code=ErrorCode.STL)
    return int(digits)


def check_shape(data: bytes, path: str) -> tuple[int, list[Finding]]:
    """The number of TTI blocks, or `SubpipeError` for a file whose blocks do not add up."""
    if len(data) < GSI_SIZE:
        raise SubpipeError(f"truncated GSI block: {len(data):,} bytes, an EBU-STL file starts with "
                           f"{GSI_SIZE:,}", path=path, code=ErrorCode.STL)
    if data[_DFC] not in _DISK_FORMATS:
        raise SubpipeError(f"GSI block: disk format code {data[_DFC]!r} is not one of "
                           f"{', '.join(d.decode() for d in _DISK_FORMATS)}", path=path, code=ErrorCode.STL)
    declared = _gsi_number(data, _TNB, "total number of TTI blocks (TNB)", path)
    whole, partial = divmod(len(data) - GSI_SIZE, TTI_SIZE)
    if partial:
        raise SubpipeError(f"TTI block {whole + 1} is cut short: {partial} of {TTI_SIZE} bytes at byte "
                           f"{GSI_SIZE + whole * TTI_SIZE:,} (a truncated file)", path=path, code=ErrorCode.STL)
    if whole < declared:
        raise SubpipeError(f"truncated file: the GSI block declares {declared:,} TTI blocks (TNB), "
                           f"{whole:,} are present", path=path, code=ErrorCode.STL)
    findings = []
    if whole > declared:
        findings.append(Finding("stl-block-count", f"{whole:,} TTI blocks present, the GSI block declares "
                                f"{declared:,} (TNB): all read", path, severity="warning"))
    return whole, findings


def subtitle_numbers(data: bytes) -> set[int]:
    """The subtitle numbers (SN) of the file's text blocks; user data blocks (EBN 0xF0-0xFE) left out.

    A subtitle is every TTI block of one SN (extension blocks share it); each subtitle of a cumulative
    set has its own, so this, not the cues of the track, is what the GSI's TNS counts.
    """
    numbers = set()
    for offset in range(GSI_SIZE, len(data) - TTI_SIZE + 1, TTI_SIZE):
        if not 0xEF < data[offset + 3] < 0xFF:
            numbers.add(int.from_bytes(data[offset + 1:offset + 3], "little"))
    return numbers


def _count_findings(data: bytes, path: str) -> list[Finding]:
    findings = []
    declared = data[_TNS].decode("ascii", errors="replace").strip()
    present = len(subtitle_numbers(data))
    if declared.isdigit() and int(declared) != present:
        findings.append(Finding("stl-subtitle-count", f"{present:,} subtitle numbers in the TTI blocks, the "
                                f"GSI block declares {int(declared):,} subtitles (TNS)", path,
                                severity="warning"))
    start = data[_TCP].decode("ascii", errors="replace")
    if start.isdigit() and int(start):
        findings.append(Finding("stl-start-timecode", f"programme start time code (TCP) "
                                f"{start[0:2]}:{start[2:4]}:{start[4:6]}:{start[6:8]}: times are kept as "
                                "written, not shifted by it", path, severity="info"))
    return findings


# What ttconv logs when it leaves a subtitle out (it returns from the block without raising).
_OMITTED = ("Invalid TTI timecode", "omitting subtitle")


def _dropped_findings(omitted: list[tuple[str, int | None]], path: str) -> list[Finding]:
    """One finding per subtitle ttconv left out, so that subtitles in the file = cues + dropped."""
    return [Finding("stl-dropped", f"TTI block {block}: ttconv: {message}", path, severity="warning",
                    dropped=True) for message, block in omitted]


def parse_stl(data: bytes, *, path: str = "<input>") -> Track:
    """Read an EBU-STL file's bytes into a Track with findings."""
    blocks, findings = check_shape(data, path)
    cursor = Cursor()
    with ttconv_messages(cursor) as records:
        try:
            datafile = DataFile(data[:GSI_SIZE])
        except Exception as exc:  # ttconv unpacks the GSI block with struct: any failure is this file's
            raise SubpipeError(f"GSI block not readable ({type(exc).__name__}: {exc})", path=path,
                               code=ErrorCode.STL) from None
        stream = io.BytesIO(data[GSI_SIZE:])
        for number in range(1, blocks + 1):
            cursor.line = number
            try:
                datafile.process_tti_block(stream.read(TTI_SIZE))
            except Exception as exc:  # ttconv raises what it meets in a block; name the block
                raise SubpipeError(f"TTI block {number} (byte {GSI_SIZE + (number - 1) * TTI_SIZE:,}) not "
                                   f"readable ({type(exc).__name__}: {exc})", path=path, code=ErrorCode.STL) from None
    track = track_from_document(datafile.get_document(), path=path, format="stl")
    track.fps = float(datafile.get_fps())
    track.encoding = CODE_TABLES.get(data[_CCT], f"unknown CCT {data[_CCT]!r}")
    omitted = [(message, block) for message, block in records if any(m in message for m in _OMITTED)]
    kept = [record for record in records if record not in omitted]
    track.findings = findings + _dropped_findings(omitted, path) + \
        log_findings(kept, path, "stl-reader", unit="TTI block") + _count_findings(data, path) + track.findings
    return track


FORMAT = Format("stl", "EBU-STL (Tech 3264), read through ttconv", (".stl",), sniff=sniff_bytes,
                parse=parse_stl, reads_bytes=True)
