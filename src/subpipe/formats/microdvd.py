"""MicroDVD (``{start}{end}text``, times in frames): read and written by us, with pysubs2's frame maths.

Frames need a frame rate: the one given (``--fps``) or the ``{1}{1}23.976`` declaration that may open
the file; with neither, reading is a `SubpipeError`. A given rate wins over a declaration that
disagrees (reported). The declaration is not a cue block; every other non-blank line is one, and a
line that is not ``{n}{n}text`` is dropped with a finding (pysubs2 skips such lines silently, and
gives no line numbers).

Text: ``|`` separates lines; ``{Y:i}`` (whole cue) and ``{y:i}`` (its line only) set italic, ``b``,
``u`` likewise; ``{C:$BBGGRR}``/``{c:...}`` set the colour (``<font color>``); a code applies to its
whole line or cue wherever it stands. Other control codes (font, size, position, charset) are dropped
and reported. An empty end frame (``{100}{}``) means
"until the next cue". The writer puts each time on the frame at or before it or at or after it, chosen
together so that what the track met still holds (order, touching cues, the profile's minimum gap,
duration limits, display time: `subpipe.formats._grid`), not on the nearest frame of each alone.

>>> track = FORMAT.parse("{1}{1}25\\n{25}{50}{y:i}Hello|world", path="x.sub")
>>> track.fps, [(c.start, c.end, c.text, c.line) for c in track]
(25.0, [(1000, 2000, '<i>Hello</i>\\nworld', 2)])
>>> print(FORMAT.compose(track), end="")
{1}{1}25
{25}{50}{y:i}Hello|world
"""

import math
import re

from pysubs2.time import frames_to_ms

from subpipe.cues import Cue, Track, escape_loose
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._grid import Grid, TimingLimits, frames, snap_track
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

NEED_FPS = "MicroDVD counts frames; give the frame rate with --fps"
_LINE_RE = re.compile(r"\s*\{\s*(\d+)\s*\}\s*\{\s*(\d*)\s*\}(.*)")
_CODE_RE = re.compile(r"\{([A-Za-z]):([^{}]*)\}")
_STYLE_TAGS = {"i": "i", "b": "b", "u": "u"}


def _declared_fps(line: str) -> float | None:
    m = _LINE_RE.fullmatch(line)
    if not m or m.group(1) not in ("0", "1") or m.group(2) != m.group(1):
        return None
    try:
        fps = float(m.group(3).strip())
    except ValueError:
        return None
    return fps if math.isfinite(fps) and fps > 0 else None


def _check_fps(fps: float, path: str | None) -> float:
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise SubpipeError(f"frame rate must be a positive number, not {fps!r}", path=path, code=ErrorCode.FPS)
    return float(fps)


def line_markup(text: str, notes: list[str]) -> str:
    """The text of one MicroDVD line as cue markup; dropped control codes are added to `notes`.

    >>> line_markup("{Y:b}{c:$0000FF}Stop|{y:i}now", [])
    '<b><font color="#ff0000">Stop</font></b>\\n<b><i>now</i></b>'
    """
    whole: list[str] = []
    lines: list[tuple[list[str], str]] = []
    for raw in text.split("|"):
        own: list[str] = []
        for m in _CODE_RE.finditer(raw):
            code, value = m.group(1), m.group(2).strip()
            target = whole if code.isupper() else own
            if code.lower() == "y":
                target.extend(f"<{_STYLE_TAGS[ch]}>" for ch in value.lower() if ch in _STYLE_TAGS)
            elif code.lower() == "c" and re.fullmatch(r"\$[0-9a-fA-F]{6}", value):
                bgr = value[1:].lower()
                target.append(f'<font color="#{bgr[4:6]}{bgr[2:4]}{bgr[0:2]}">')
            else:
                notes.append(m.group(0))
        lines.append((own, escape_loose(_CODE_RE.sub("", raw).strip())))
    out = []
    for own, body in lines:
        tags = whole + own
        out.append("".join(tags) + body + "".join(_closing(t) for t in reversed(tags)))
    return "\n".join(out)


def _closing(tag: str) -> str:
    return "</font>" if tag.startswith("<font") else tag.replace("<", "</")


def parse_microdvd(text: str, *, path: str = "<input>", fps: float | None = None) -> Track:
    """Read a MicroDVD file into a Track with findings; `SubpipeError` without a frame rate."""
    cursor = Cursor(1)
    with guarded(path, "MicroDVD", cursor):
        lines = text.lstrip("\ufeff").split("\n")
        first = next(((n, line) for n, line in enumerate(lines, 1) if line.strip()), (None, ""))
        declared = _declared_fps(first[1])
        findings: list[Finding] = []
        if fps is None and declared is None:
            raise SubpipeError(NEED_FPS, path=path, line=first[0] or 1, code=ErrorCode.FPS)
        if fps is not None:
            fps = _check_fps(fps, path)
            if declared is not None and abs(declared - fps) > 1e-6:
                findings.append(Finding("fps-mismatch", f"file declares {declared:g} fps, {fps:g} was given "
                                        "and is used", path, first[0], None, "warning"))
        rate = fps if fps is not None else declared
        cues: list[Cue] = []
        open_ends: list[Cue] = []
        position = 0
        for number, raw in enumerate(lines, 1):
            cursor.line = number
            if not raw.strip() or (number == first[0] and declared is not None):
                continue
            m = _LINE_RE.fullmatch(raw.rstrip("\r"))
            if not m:
                # Not a cue line, so not a cue block: reported with its text, never counted as a cue.
                findings.append(Finding("unparsed-line", f"not a {{start}}{{end}}text line, skipped: "
                                        f"{raw.strip()[:60]!r}",
                                        path, number, None, "error"))
                continue
            notes: list[str] = []
            start = frames_to_ms(int(m.group(1)), rate)
            cue = Cue(start, frames_to_ms(int(m.group(2)), rate) if m.group(2) else start,
                      line_markup(m.group(3), notes), position=position, line=number)
            if not m.group(2):
                open_ends.append(cue)
            if notes:
                findings.append(Finding("unsupported-code", f"control codes dropped: {' '.join(notes)}", path,
                                        number, position, "info", fixed=True))
            if m.group(2) and cue.end < cue.start:
                findings.append(end_before_start(cue, path))
            cues.append(cue)
            position += 1
        cursor.line = None
        findings.extend(close_open_ends(cues, open_ends, path))
        findings.extend(timing_findings(cues, path))
        if position == 0:
            refuse_without_cue_lines(findings, path, "a MicroDVD file")
            findings.append(Finding("empty-file", "no cues: only the frame rate declaration", path,
                                    severity="info"))
        return Track(cues=cues, path=path, format="microdvd", fps=rate, findings=findings)


def _rate_text(rate: float) -> str:
    """The frame rate as the declaration writes it: the shortest text that reads back as the same
    number (an NTSC 30000/1001 rounded to fewer digits moves later cues by a millisecond).

    >>> _rate_text(25.0), _rate_text(23.976), _rate_text(30000 / 1001)
    ('25', '23.976', '29.97002997002997')
    """
    text = repr(float(rate))
    return text.removesuffix(".0")


def clock(fps: float | None) -> Grid:
    """Frames at `fps` (a `Format.clock`); `SubpipeError` without a frame rate."""
    if fps is None:
        raise SubpipeError(NEED_FPS, code=ErrorCode.FPS)
    return frames(_check_fps(fps, None))


def compose_microdvd(track: Track, *, fps: float | None = None, limits: TimingLimits | None = None) -> str:
    """MicroDVD text opening with the ``{1}{1}fps`` declaration; lines entirely italic get ``{y:i}``.

    Written by us rather than pysubs2, whose declaration line comes out as ``{0}{0}`` (VLC and
    pysubs2's own reader look for ``{1}{1}``) and which can only mark whole cues italic.
    Comment cues are left out; other styling is not written; a ``|`` in the text becomes ``¦``.
    Frames keep `limits` (the default profile's at this frame rate when None: module docstring).
    """
    rate = fps if fps is not None else track.fps
    if rate is None:
        raise SubpipeError(NEED_FPS, path=track.path, code=ErrorCode.FPS)
    rate = _check_fps(rate, track.path)
    out = [f"{{1}}{{1}}{_rate_text(rate)}"]
    for cue, (start, end) in zip(track.cues, snap_track(track, frames(rate), limits, rate).steps):
        if cue.comment:
            continue
        lines = [("{y:i}" if italic else "") + plain.replace("|", "¦") for plain, italic in italic_lines(cue.text)]
        out.append(f"{{{start}}}{{{end}}}" + "|".join(lines))
    return "\n".join(out) + "\n"


def sniff(text: str) -> bool:
    """The first non-blank line is ``{n}{n}...``."""
    for line in text.lstrip("\ufeff").split("\n", 50)[:50]:
        if line.strip():
            return bool(_LINE_RE.fullmatch(line))
    return False


FORMAT = Format("microdvd", "MicroDVD", (".sub",), sniff=sniff, parse=parse_microdvd, compose=compose_microdvd,
                counts_frames=True, clock=clock)
