"""MPL2 (``[start][end]text``, times in deciseconds): read and written by us.

pysubs2 reads it too, but skips lines it cannot match without a word and gives no line numbers, and
its writer drops italics; the format is one regular expression, so the reader and writer are ours.

Every non-blank line is a cue block; one that is not ``[n][n]text`` is dropped with a finding.
``|`` separates lines and a line starting with ``/`` is italic. An empty end (``[100][]``) lasts
until the next cue. Times are tenths of a second: the writer puts each on the decisecond at or below
or at or above it (< 100 ms away), chosen together so that what the track met still holds: order, touching
cues, the profile's minimum gap (83 ms at 24 fps becomes at least 100 ms, not 0), duration limits, display
time (`subpipe.formats._grid`, which has the rule).

>>> track = FORMAT.parse("[10][25]/Hello|world & co", path="x.txt")
>>> [(c.start, c.end, c.text, c.line) for c in track]
[(1000, 2500, '<i>Hello</i>\\nworld &amp; co', 1)]
>>> FORMAT.compose(track)
'[10][25]/Hello|world & co\\n'
"""

import re

from subpipe.cues import Cue, Track, escape_loose
from subpipe.errors import Finding
from subpipe.formats._grid import DECISECONDS, TimingLimits, deciseconds, snap_track
from subpipe.formats._pysubs2 import (
    Cursor,
    close_open_ends,
    end_before_start,
    guarded,
    italic_lines,
    refuse_without_cue_lines,
    timing_findings,
)
from subpipe.formats.base import Format

_LINE_RE = re.compile(r"\s*\[\s*(-?\d+)\s*\]\s*\[\s*(-?\d*)\s*\](.*)")


def line_markup(text: str) -> str:
    """MPL2 text as cue markup.

    >>> line_markup("/ Watch out!|Too late <i>now</i>")
    '<i>Watch out!</i>\\nToo late <i>now</i>'
    """
    lines = []
    for part in text.split("|"):
        part = part.strip()
        if part.startswith("/"):
            lines.append(f"<i>{escape_loose(part[1:].strip())}</i>")
        else:
            lines.append(escape_loose(part))
    return "\n".join(lines)


def parse_mpl2(text: str, *, path: str = "<input>") -> Track:
    """Read an MPL2 file into a Track with findings."""
    cursor = Cursor(1)
    with guarded(path, "MPL2", cursor):
        cues: list[Cue] = []
        open_ends: list[Cue] = []
        findings: list[Finding] = []
        position = 0
        for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            cursor.line = number
            if not raw.strip():
                continue
            m = _LINE_RE.fullmatch(raw.rstrip("\r"))
            if not m:
                # Not a cue line, so not a cue block: reported with its text, never counted as a cue.
                findings.append(Finding("unparsed-line", f"not a [start][end]text line, skipped: "
                                        f"{raw.strip()[:60]!r}",
                                        path, number, None, "error"))
                continue
            start = int(m.group(1)) * 100
            cue = Cue(start, int(m.group(2)) * 100 if m.group(2) else start, line_markup(m.group(3)),
                      position=position, line=number)
            for key in ("start", "end"):
                if getattr(cue, key) < 0:
                    findings.append(Finding("negative-timestamp", f"{key} time is negative; set to 0", path, number,
                                            position, fixed=True))
                    setattr(cue, key, 0)
            if not m.group(2):
                open_ends.append(cue)
            elif cue.end < cue.start:
                findings.append(end_before_start(cue, path))
            cues.append(cue)
            position += 1
        cursor.line = None
        findings.extend(close_open_ends(cues, open_ends, path))
        findings.extend(timing_findings(cues, path))
        if position == 0:
            refuse_without_cue_lines(findings, path, "an MPL2 file")
            findings.append(Finding("empty-file", "no cues: the file is empty", path, severity="info"))
        return Track(cues=cues, path=path, format="mpl2", findings=findings)


def compose_mpl2(track: Track, *, limits: TimingLimits | None = None, fps: float | None = None) -> str:
    """MPL2 text; a line whose text is all italic gets ``/``, other styling is not written; times in
    deciseconds keeping `limits` (the default profile's at `fps` when None: module docstring).

    Comment cues are left out; a ``|`` in the text (MPL2's line separator) becomes ``¦``.
    """
    out = []
    for cue, (start, end) in zip(track.cues, snap_track(track, DECISECONDS, limits, fps).steps):
        if cue.comment:
            continue
        lines = [("/" if italic else "") + plain.replace("|", "¦") for plain, italic in italic_lines(cue.text)]
        out.append(f"[{start}][{end}]" + "|".join(lines))
    return "\n".join(out) + "\n" if out else ""


def sniff(text: str) -> bool:
    """The first non-blank line is ``[n][n]...``."""
    for line in text.lstrip("\ufeff").split("\n", 50)[:50]:
        if line.strip():
            return bool(_LINE_RE.fullmatch(line))
    return False


FORMAT = Format("mpl2", "MPL2", (".txt", ".mpl"), sniff=sniff, parse=parse_mpl2, compose=compose_mpl2,
                clock=deciseconds)
