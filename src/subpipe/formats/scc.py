"""Scenarist SCC (CEA-608 closed captions, ``.scc``), read through ttconv's SCC reader; not written.

An SCC file is text: a ``Scenarist_SCC V1.0`` header, then lines of a SMPTE time code (``;`` or
``.`` before the frames for drop-frame 29.97) and the CEA-608 byte pairs sent from that time. ttconv
decodes the caption commands (pop-on, roll-up, paint-on, preamble addresses, mid-row styling, special
and extended characters) into its model; `subpipe.formats._ttconv` turns that into cues.

What the track holds: a cue per caption paragraph ttconv builds, times to the millisecond (as the
file's time codes give them, exact to the frame), italics and colours of mid-row codes, line breaks
of the rows, the row as top, middle or bottom and ttconv's text alignment as the numpad column.
Channel 2 content and unsupported words are skipped by ttconv and reported as warnings at the line
where they are, like any other message of ttconv's. A failure inside ttconv is a `SubpipeError` at the
line it was reading.
"""

import re

from ttconv.scc import reader as scc_reader
from ttconv.scc.line import SCC_LINE_PATTERN

from subpipe.cues import Track
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._pysubs2 import Cursor, guarded
from subpipe.formats._ttconv import log_findings, track_from_document, ttconv_messages
from subpipe.formats.base import Format
from subpipe.limits import excerpt

HEADER = "Scenarist_SCC V1.0"
_WORD_RE = re.compile(r"[0-9a-fA-F]{4}")
_CAPTION_LINE_RE = re.compile(r"^\d{2}:\d{2}:\d{2}[:;.,]\d{2}\s", re.MULTILINE)


def sniff(text: str) -> bool:
    """The ``Scenarist_SCC V1.0`` header on the first line.

    >>> sniff("Scenarist_SCC V1.0\\n\\n00:00:00:00\\t9420\\n"), sniff("WEBVTT")
    (True, False)
    """
    return text.lstrip("\ufeff \t\r\n").startswith(HEADER)


def _check_lines(lines: list[str], path: str) -> None:
    """Refuse, at its line, what ttconv would raise on while splitting a caption line.

    ttconv reports its progress after splitting a line and before decoding it, so a failure in the
    split could only be placed a line too early; checked here, it is placed exactly.
    """
    for number, line in enumerate(lines, start=1):
        m = re.match(SCC_LINE_PATTERN, line)
        if m is None:
            continue
        bad = [w for w in line.split("\t")[1].split(" ") if w and not _WORD_RE.fullmatch(w)]
        if bad:
            raise SubpipeError(f"{excerpt(bad[0], 20)} is not a CEA-608 byte pair (four hex digits)",
                               path=path, line=number, code=ErrorCode.SCC)


def parse_scc(text: str, *, path: str = "<input>") -> Track:
    """Read SCC text into a Track with findings; the header is required."""
    if not sniff(text):
        raise SubpipeError(f"not an SCC file: the first line is not {HEADER!r}", path=path, line=1,
                           code=ErrorCode.SCC)
    lines = text.splitlines()
    _check_lines(lines, path)
    cursor = Cursor(1)

    def follow(progress: float) -> None:
        # ttconv reports progress as (index + 1) / lines before it reads each line: that is where it is.
        cursor.line = max(1, round(progress * len(lines)))

    with ttconv_messages(cursor) as records, guarded(path, "SCC", cursor):
        doc = scc_reader.to_model(text, progress_callback=follow)
    track = track_from_document(doc, path=path, format="scc")
    track.fps = 30000 / 1001
    findings = log_findings(records, path, "scc-reader")
    if not track.cues and _CAPTION_LINE_RE.search(text):
        findings.append(Finding("empty-file", "caption lines present but no caption shown (no display "
                                "command, or only channel 2)", path, severity="warning"))
    track.findings = findings + track.findings
    return track


FORMAT = Format("scc", "Scenarist SCC (CEA-608), read through ttconv", (".scc",), sniff=sniff,
                parse=parse_scc)
