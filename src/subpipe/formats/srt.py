"""SubRip (.srt): read by a scanner that locates and repairs, write through pysrt.

pysrt parses times and items, but it skips what it cannot read and does not say where a cue came
from. So the reader is a small scanner: it finds every cue block with its 1-based file line and
position, reads its timing line once (keeping pysrt's arithmetic and its item rule: text lines
right-stripped and joined with ``"\n"``), and reports every repair as a `Finding`. What it decides:

- A *timing line* is a line with ``-->`` and only timestamp characters (digits, ``:.,-``) before it; each
  starts one cue block, whose position it fixes. One that cannot be read drops its block (a finding with
  ``dropped=True``). A bare integer on the line above is the block's index.
- Timestamps are repaired when the intent is clear: ``.`` for ``,``, no milliseconds (``00:00:01``),
  no hours (``00:01,234``), odd field widths (``00:00:013,567``; a millisecond field of other than three
  digits is read as a decimal fraction, so ``,5`` and ``,50`` are 500 ms and ``,4560`` is 456 ms).
  Negative times are clamped to 0; an end before its start is swapped with it (both kept, so a typo in
  one field does not hide the cue).
- Text after a blank line that is not followed by a timing line continues the cue above (players show
  it); it is joined without the blank line and reported. A paragraph that starts with the next
  expected index but has no timing line is a cue that lost its timing: a cue block, with its
  position, dropped (``missing-timing``, ``dropped=True``), so cues in the file = cues in the track +
  dropped findings. A lone index line, with no text, is no cue block: it is reported as removed
  (``missing-timing``, or ``truncated-cue`` at the end of the file).
- Lines before the first cue that are not a cue are reported as garbage.
- ``{\\anN}`` at the start of a cue (after any opening tags) becomes `Cue.align` and leaves the text;
  elsewhere it stays verbatim (reported), like every other ``{\\...}`` block.
- Display coordinates after the end time (``X1:100 X2:600 Y1:50 Y2:100``) are kept in
  ``track.meta["srt_coordinates"]`` by position, so an SRT rewrite puts them back.

Writing: cues sorted by start, indices from 1, ``{\\anN}`` when `align` is set and not 2 (the default),
WebVTT-only markup (``<c>``, ``<v>``, ``<lang>``, ``<ruby>``, inline timestamps) unwrapped with its text
kept (ruby text in parentheses), entities decoded. SRT cannot hold a blank line inside a cue, so
blank lines are left out; a cue with no text is written as its index and timing followed by the blank
separator line, which reads back as the same empty cue.

>>> track = parse("1\\n00:00:01,000 --> 00:00:02,5\\n{\\\\an8}Fish & chips\\n", path="a.srt")
>>> cue = track.cues[0]
>>> cue.start, cue.end, cue.align, cue.text
(1000, 2500, 8, 'Fish &amp; chips')
>>> [f.kind for f in track.findings]
['timestamp-digits']
>>> compose(track)
'1\\n00:00:01,000 --> 00:00:02,500\\n{\\\\an8}Fish & chips\\n\\n'
"""

import io
import itertools
import re
from dataclasses import dataclass, field

import pysrt

from subpipe.cues import Cue, Track, escape_loose, format_timecode, unescape_text
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats.base import Format
from subpipe.limits import excerpt

_MAX_FIELD_DIGITS = 8
_INDEX_RE = re.compile(r"^\s*(\d+)\s*$")
_TIMING_LINE_RE = re.compile(r"^\s*(?P<start>[-\d:.,]*)\s*-->\s*(?P<end>[-\d:.,]*)(?P<rest>.*?)\s*$")
_TIMESTAMP_RE = re.compile(r"^(?P<neg>-)?(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+)(?:(?P<sep>[,.])(?P<ms>\d+))?$")
_AN_AT_START_RE = re.compile(r"^((?:<[^<>]*>)*)\{\\an([1-9])\}")
_AN_ANYWHERE_RE = re.compile(r"\{\\an[1-9]\}")
_VTT_ONLY_TAG_RE = re.compile(r"</?(?:c|v|lang|ruby)(?:[.\s][^<>]*)?>|<\d+:\d{2}(?::\d{2})?\.\d{3}>",
                              re.IGNORECASE)
_CLASSED_TAG_RE = re.compile(r"<([ibu])[.\s][^<>]*>", re.IGNORECASE)
_RT_OPEN_RE = re.compile(r"<rt(?:[.\s][^<>]*)?>", re.IGNORECASE)
_RT_CLOSE_RE = re.compile(r"</rt>", re.IGNORECASE)

COORDINATES_META = "srt_coordinates"


# --- timestamps ---------------------------------------------------------------------------------

def parse_timestamp(raw: str) -> tuple[int, list[str]]:
    """An SRT timestamp -> (milliseconds, repairs made), through `pysrt.SubRipTime`.

    Raises ValueError when there is nothing to repair from. Repairs are finding kinds:
    ``timestamp-dot``, ``timestamp-no-millis``, ``timestamp-no-hours``, ``timestamp-digits``,
    ``timestamp-out-of-range``, ``negative-timestamp``.

    >>> parse_timestamp("01:02:03,004")
    (3723004, [])
    >>> parse_timestamp("00:00:013.5")
    (13500, ['timestamp-dot', 'timestamp-digits'])
    >>> parse_timestamp("-00:00:02,345")
    (-2345, ['negative-timestamp'])
    """
    m = _TIMESTAMP_RE.match(raw.strip())
    if not m:
        raise ValueError(f"not a timestamp: {raw.strip()!r}" if raw.strip() else "timestamp missing")
    if max(len(m["h"] or ""), len(m["m"]), len(m["s"])) > _MAX_FIELD_DIGITS:
        # A time no other format could hold (WebVTT reads at most 9 digits of hours): a broken line.
        raise ValueError(f"timestamp too large: {raw.strip()[:40]!r}")
    repairs = []
    if m["sep"] == ".":
        repairs.append("timestamp-dot")
    if m["ms"] is None:
        repairs.append("timestamp-no-millis")
    if m["h"] is None:
        repairs.append("timestamp-no-hours")
    widths_ok = (m["h"] is None or len(m["h"]) == 2) and len(m["m"]) == 2 and len(m["s"]) == 2 \
        and (m["ms"] is None or len(m["ms"]) == 3)
    if not widths_ok:
        repairs.append("timestamp-digits")
    hours, minutes, seconds = int(m["h"] or 0), int(m["m"]), int(m["s"])
    if minutes >= 60 or seconds >= 60:
        repairs.append("timestamp-out-of-range")
    # Other than three digits: a decimal fraction of a second (",5" is half a second).
    millis = int((m["ms"] or "0").ljust(3, "0")[:3])
    ms = _ordinal(hours, minutes, seconds, millis)
    if m["neg"]:
        repairs.append("negative-timestamp")
        ms = -ms
    return ms, repairs


_REPAIR_TEXT = {
    "timestamp-dot": "'.' instead of ',' before the milliseconds",
    "timestamp-no-millis": "timestamp without milliseconds (read as ,000)",
    "timestamp-no-hours": "timestamp without hours (read as 00:MM:SS)",
    "timestamp-digits": "timestamp field with unusual digit count (milliseconds read as a decimal fraction)",
    "timestamp-out-of-range": "minutes or seconds of 60 or more (carried over)",
    "negative-timestamp": "negative time clamped to 00:00:00,000",
}


@dataclass
class _Timing:
    start: int
    end: int
    coordinates: str
    repairs: list[str]


def _ordinal(hours: int, minutes: int, seconds: int, millis: int) -> int:
    """Milliseconds as `pysrt.SubRipTime` counts them (minutes and seconds of 60 or more carry over)."""
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _is_timing_line(line: str) -> bool:
    """A line with ``-->`` and nothing but timestamp characters before it (a broken one included)."""
    return "-->" in line and bool(_TIMING_LINE_RE.match(line))


# The timing line of nearly every cue: canonical, nothing to repair, so one match reads it.
_CANONICAL_TIMING_RE = re.compile(r"(\d\d):([0-5]\d):([0-5]\d),(\d{3}) --> (\d\d):([0-5]\d):([0-5]\d),(\d{3})")


def _parse_timing(line: str) -> _Timing:
    canonical = _CANONICAL_TIMING_RE.fullmatch(line)
    if canonical:
        f = [int(g) for g in canonical.groups()]
        return _Timing(_ordinal(*f[:4]), _ordinal(*f[4:]), "", [])
    m = _TIMING_LINE_RE.match(line)
    if not m:
        raise ValueError("not a timing line")
    start, start_repairs = parse_timestamp(m["start"])
    end, end_repairs = parse_timestamp(m["end"])
    repairs = list(dict.fromkeys(start_repairs + end_repairs))
    return _Timing(start, end, m["rest"].strip(), repairs)


# --- the block scanner ----------------------------------------------------------------------------

@dataclass
class _Block:
    """One cue block (timed or with its timing missing) or a run of garbage, in document order."""

    kind: str  # "timed" | "untimed" | "garbage"
    line: int
    index: str | None = None
    timing: str | None = None
    timing_line: int | None = None
    text: list[str] = field(default_factory=list)
    continuations: list[int] = field(default_factory=list)  # lines of paragraphs joined after a blank
    truncated: bool = False
    missing_blank_line: int | None = None  # last text line, when the next cue follows without a blank


def _paragraphs(numbered: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    paras: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in numbered:
        if line.strip():
            current.append((number, line))
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _scan(lines: list[str]) -> list[_Block]:
    timing_rows = [i for i, line in enumerate(lines) if _is_timing_line(line)]
    starts = []  # (first row of the block, row of its index or None, row of its timing line)
    for t in timing_rows:
        has_index = t > 0 and _INDEX_RE.match(lines[t - 1]) and (not starts or t - 1 > starts[-1][2])
        starts.append((t - 1, t - 1, t) if has_index else (t, None, t))

    blocks: list[_Block] = []
    first_row = starts[0][0] if starts else len(lines)
    for para in _paragraphs(list(enumerate(lines[:first_row], 1))):
        if _INDEX_RE.match(para[0][1]):
            blocks.append(_Block("untimed", para[0][0], index=para[0][1].strip(),
                                 text=[t for _, t in para[1:]]))
        else:
            blocks.append(_Block("garbage", para[0][0], text=[t for _, t in para]))

    for k, (first, index_row, timing_row) in enumerate(starts):
        body_end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        block = _Block("timed", first + 1, index=lines[index_row].strip() if index_row is not None else None,
                       timing=lines[timing_row], timing_line=timing_row + 1)
        blocks.append(block)
        body = [(row + 1, lines[row]) for row in range(timing_row + 1, body_end)]
        if not body or (len(body) == 1 and not body[0][1] and body_end == len(lines)):
            block.truncated = body_end == len(lines)
        if body and body[-1][1].strip() and k + 1 < len(starts):
            block.missing_blank_line = body[-1][0]
        current = block
        paras = _paragraphs(body)
        for n, para in enumerate(paras):
            expected = _next_index(current)
            head = para[0][1]
            after_blank = para[0][0] != timing_row + 2 or current is not block
            if after_blank and expected is not None and _INDEX_RE.match(head) and int(head) == expected:
                last = n == len(paras) - 1 and body_end == len(lines) and len(para) == 1
                current = _Block("untimed", para[0][0], index=head.strip(), text=[t for _, t in para[1:]],
                                 truncated=last)
                blocks.append(current)
                continue
            if after_blank:
                current.continuations.append(para[0][0])
            current.text += [t for _, t in para]
    return blocks


def _next_index(block: _Block) -> int | None:
    return int(block.index) + 1 if block.index is not None and block.index.isdigit() else None


# --- reading --------------------------------------------------------------------------------------

def sniff(text: str) -> bool:
    """True when the first non-blank block looks like SRT (an index line, then a timing line).

    >>> sniff("\\n1\\n00:00:01,000 --> 00:00:02,000\\nHi\\n"), sniff("WEBVTT\\n\\n00:01.000 --> 00:02.000\\n")
    (True, False)
    """
    lines = [line for line in re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=200) if line.strip()]
    if not lines or lines[0].lstrip().startswith("WEBVTT"):
        return False
    if lines and _INDEX_RE.match(lines[0]):
        lines = lines[1:]
    return bool(lines) and _is_timing_line(lines[0]) and any(ch.isdigit() for ch in lines[0])


def parse(text: str, *, path: str = "<input>", fps: float | None = None) -> Track:
    """SRT text (``"\\n"`` line ends) -> Track whose findings list every repair, with line and position.

    Raises `SubpipeError` when the text holds something but not a single readable cue. `fps` is not
    used: SRT times are milliseconds.
    """
    try:
        return _parse(text, path)
    except SubpipeError:
        raise
    except Exception as exc:  # the house rule: nothing but SubpipeError leaves a reader
        raise SubpipeError(f"could not read SRT ({type(exc).__name__}: {exc})", path=path,
                           code=ErrorCode.INTERNAL) from exc


def _parse(text: str, path: str) -> Track:
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    track = Track(path=path, format="srt")
    if not text.strip():
        track.findings.append(Finding("empty-file", "no cues: the file is empty", path=path, line=1))
        return track
    blocks = _scan(lines)
    findings: list[Finding] = []
    cues: list[Cue] = []
    missing_index: list[Cue] = []
    position = 0
    last_index: tuple[int, int] | None = None  # (index, position)
    seen_indexes: set[int] = set()

    for block in blocks:
        if block.kind == "garbage":
            removed = excerpt(" / ".join(block.text))
            findings.append(Finding("garbage", f"text outside any cue removed: {removed}", path=path,
                                    line=block.line, fixed=True))
            continue
        # A cue block is a timing line, or an index and text that lost their timing line (dropped,
        # but counted, so cues in the file = cues in the track + dropped). A lone index is no cue.
        is_cue_block = block.kind == "timed" or bool(block.text)
        pos = position if is_cue_block else None
        # A lone index is numbered as if it had the next position, and the cue after it takes that one.
        at, recorded = position, position if is_cue_block else position - 1
        position += is_cue_block
        if block.index is not None:
            index = int(block.index)
            expected = last_index[0] + at - last_index[1] if last_index else at + 1
            if index in seen_indexes:
                findings.append(Finding("duplicate-index", f"index {index} was used before", path=path,
                                        line=block.line, position=pos, severity="warning", fixed=True))
            elif index != expected:
                findings.append(Finding("non-sequential-index", f"index {index} where {expected} was "
                                        "expected (SRT output renumbers)", path=path, line=block.line,
                                        position=pos, severity="info", fixed=True))
            seen_indexes.add(index)
            last_index = (index, recorded)
        if block.kind == "untimed":
            findings.append(_untimed_finding(block, pos, path))
            continue
        try:
            timing = _parse_timing(block.timing or "")
        except ValueError as exc:
            findings.append(Finding("bad-timing", f"timing line {excerpt(block.timing.strip())} cannot be read "
                                    f"({exc}); cue dropped", path=path, line=block.timing_line,
                                    position=pos, severity="error", dropped=True))
            continue
        cue, cue_findings = _make_cue(block, timing, pos, path, track)
        cues.append(cue)
        findings += cue_findings
        if block.index is None:
            missing_index.append(cue)

    if not cues:
        first = next((f for f in findings if f.dropped or f.kind in _LOST_TEXT), None)
        raise SubpipeError("no SRT cue could be read" + (f": {first.message}" if first else ""),
                           path=path, line=first.line if first else 1, code=ErrorCode.NOT_SRT)
    findings += _missing_index_findings(missing_index, len(cues), path)
    findings += _order_findings(cues, path)
    findings.sort(key=lambda f: (f.line or 0))
    track.cues = sorted(cues, key=lambda c: c.start)
    track.findings = findings
    return track


_LOST_TEXT = {"garbage", "missing-timing", "truncated-cue"}


def _untimed_finding(block: _Block, pos: int | None, path: str) -> Finding:
    if block.truncated:
        return Finding("truncated-cue", f"the file ends after the index line of cue {block.index}; removed",
                       path=path, line=block.line, severity="error", fixed=True)
    if not block.text:
        return Finding("missing-timing", f"index line {block.index} with neither timing nor text; removed",
                       path=path, line=block.line, severity="warning", fixed=True)
    return Finding("missing-timing", f"cue {block.index} has no timing line; cue dropped with its text "
                   f"{' / '.join(block.text)[:80]!r}", path=path, line=block.line, position=pos,
                   severity="error", dropped=True)


def _make_cue(block: _Block, timing: _Timing, pos: int, path: str, track: Track) -> tuple[Cue, list[Finding]]:
    findings: list[Finding] = []

    def note(kind: str, message: str, *, line: int | None = None, severity: str = "warning",
             fixed: bool = True) -> None:
        findings.append(Finding(kind, message, path=path, line=line or block.line, position=pos,
                                severity=severity, fixed=fixed, start_ms=start, end_ms=end))

    start, end = max(timing.start, 0), max(timing.end, 0)
    for kind in timing.repairs:
        note(kind, f"{_REPAIR_TEXT[kind]}: {excerpt(block.timing.strip())}", line=block.timing_line,
             severity="info" if kind == "timestamp-dot" else "warning")
    if end < start:
        start, end = end, start
        note("end-before-start", f"ends before it starts ({excerpt(block.timing.strip())}); start and end swapped",
             line=block.timing_line)
    if timing.coordinates:
        track.meta.setdefault(COORDINATES_META, {})[pos] = timing.coordinates
        note("srt-coordinates", f"display coordinates {excerpt(timing.coordinates)} kept for SRT output only",
             line=block.timing_line, severity="info", fixed=False)
    # pysrt's item rule (`SubRipItem.from_lines`): each line right-stripped, joined with a newline.
    text, align = _split_alignment("\n".join(line.rstrip() for line in block.text))
    for line in block.continuations:
        note("blank-line-in-text", "text continues after a blank line; joined to the cue", line=line)
    if block.missing_blank_line:
        note("missing-blank-line", "no blank line between this cue's text and the next cue",
             line=block.missing_blank_line, severity="info")
    if _AN_ANYWHERE_RE.search(text):
        note("position-tag-not-at-start", "{\\anN} not at the start of the cue is kept as text, not "
             "used as the position", severity="info", fixed=False)
    if not text.strip():
        if block.truncated:
            note("truncated-cue", "the file ends after this cue's timing line: the cue has no text",
                 fixed=False)
        else:
            note("empty-cue", "cue has no text; kept", fixed=False)
    cue = Cue(start=start, end=end, text=escape_loose(text), position=pos, line=block.line,
              identifier=block.index or "", align=align)
    return cue, findings


def _split_alignment(text: str) -> tuple[str, int | None]:
    r"""Take a leading ``{\anN}`` (after any opening tags) out of the text.

    >>> _split_alignment("<i>{\\an8}Up here</i>")
    ('<i>Up here</i>', 8)
    >>> _split_alignment("{\\an1}\nDown there")
    ('Down there', 1)
    """
    m = _AN_AT_START_RE.match(text)
    if not m:
        return text, None
    text = m.group(1) + text[m.end():]
    text = text.removeprefix("\n")  # the tag stood alone on its line
    return text, int(m.group(2))


def _missing_index_findings(missing: list[Cue], total: int, path: str) -> list[Finding]:
    if not missing:
        return []
    if len(missing) == total and total > 1:
        return [Finding("missing-index", f"no cue has an index line ({total} cues); SRT output numbers them",
                        path=path, line=missing[0].line, severity="info", fixed=True)]
    return [Finding("missing-index", "cue has no index line", path=path, line=c.line, position=c.position,
                    severity="info", fixed=True, start_ms=c.start, end_ms=c.end) for c in missing]


def _order_findings(cues: list[Cue], path: str) -> list[Finding]:
    findings = []
    for before, cue in itertools.pairwise(cues):
        if cue.start < before.start:
            findings.append(Finding(
                "unsorted", f"starts at {format_timecode(cue.start)}, before the cue at position "
                f"{before.position} above it ({format_timecode(before.start)}); the track is sorted by "
                "start, positions kept",
                path=path, line=cue.line, position=cue.position, fixed=True, start_ms=cue.start,
                end_ms=cue.end))
    reach: Cue | None = None
    for cue in sorted(cues, key=lambda c: c.start):
        if reach is not None and cue.start < reach.end and cue.end > cue.start:
            findings.append(Finding(
                "overlap", f"shown while the cue at position {reach.position} is still on screen (until "
                f"{format_timecode(reach.end)})", path=path, line=cue.line, position=cue.position,
                severity="info", start_ms=cue.start, end_ms=cue.end))
        if reach is None or cue.end > reach.end:
            reach = cue
    return findings


# --- writing --------------------------------------------------------------------------------------

def markup_to_srt(markup: str) -> str:
    """Cue markup -> SRT text: tags SRT players know stay, the rest is unwrapped, entities decoded.

    >>> markup_to_srt('<v Mary><c.loud>R&amp;D</c></v> <i.x>now</i> <ruby>漢<rt>kan</rt></ruby>')
    'R&D <i>now</i> 漢(kan)'
    """
    text = _RT_OPEN_RE.sub("(", markup)
    text = _RT_CLOSE_RE.sub(")", text)
    text = _VTT_ONLY_TAG_RE.sub("", text)
    text = _CLASSED_TAG_RE.sub(r"<\1>", text)
    return unescape_text(text)


def compose(track: Track, *, fps: float | None = None) -> str:
    """Track -> SRT text, serialised by pysrt (cues sorted by start, indices from 1)."""
    coordinates = {int(k): v for k, v in track.meta.get(COORDINATES_META, {}).items()}
    items = []
    shown = (c for c in track.cues if not c.comment)  # ASS comment events are notes, not subtitles
    for number, cue in enumerate(sorted(shown, key=lambda c: c.start), 1):
        lines = [line for line in markup_to_srt(cue.text).split("\n") if line.strip()]
        text = "\n".join(lines)
        if cue.align and cue.align != 2:
            text = f"{{\\an{cue.align}}}{text}"
        items.append(pysrt.SubRipItem(number, start=pysrt.SubRipTime.from_ordinal(max(cue.start, 0)),
                                      end=pysrt.SubRipTime.from_ordinal(max(cue.end, 0)), text=text,
                                      position=coordinates.get(cue.position, "")))
    out = io.StringIO()
    pysrt.SubRipFile(items, eol="\n").write_into(out)
    return out.getvalue()


FORMAT = Format("srt", "SubRip", (".srt",), sniff=sniff, parse=parse, compose=compose)
