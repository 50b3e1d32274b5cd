"""WebVTT: a reader that follows the W3C parsing algorithm, and a writer.

pysubs2 reads WebVTT into plain events and loses what the format carries besides times and text: cue
identifiers, cue settings, voices, STYLE and REGION blocks, comments. So this module implements the
parser of https://www.w3.org/TR/webvtt1/#file-parsing step by step, the way browsers (Chrome follows the
spec text; Firefox uses mozilla/vtt.js) read a file:

- the file must start with ``WEBVTT`` followed by a space, a tab or the end of the line, else
  `SubpipeError` at line 1; the rest of that line and the header block after it are kept in
  ``track.meta["header"]`` (``X-TIMESTAMP-MAP`` also in ``meta["x_timestamp_map"]``);
- blocks are separated by empty lines (a line of spaces is *not* empty); any line containing ``-->``
  starts a cue block, either as the block's first line or as its second line after a one-line cue
  identifier; anywhere else it ends the current block and starts a new one;
- a cue whose timing line does not parse is dropped (a ``bad-timing`` finding with ``dropped=True``);
  a cue whose end is before its start is kept, as the spec and vtt.js keep it, and reported;
- cue text is kept verbatim: it already is the markup `subpipe.cues` uses (``<v Mary>``, ``&amp;``);
- cue settings are validated by the spec's rules and kept as raw strings in `Cue.settings`; invalid
  ones are dropped with an ``info`` finding; the legacy ``align:middle`` becomes ``align:center``;
- STYLE and REGION blocks before the first cue are kept verbatim in ``meta["style_blocks"]`` and
  ``meta["region_blocks"]``; NOTE blocks are counted in ``meta["note_count"]``; any other text between
  cues is ignored, as players ignore it, and reported.

Positions: every line containing ``-->`` after the signature line starts exactly one cue block, so
``cue blocks in the file == len(track.cues) + dropped findings`` with blocks counted that way.

>>> track = parse("WEBVTT\\n\\nintro\\n00:01.000 --> 00:02.500 align:start\\n<v Mary>No way!</v>\\n")
>>> cue = track.cues[0]
>>> (cue.start, cue.end, cue.identifier, cue.settings, cue.speaker, cue.text)
(1000, 2500, 'intro', {'align': 'start'}, 'Mary', '<v Mary>No way!</v>')
>>> print(compose(track), end="")
WEBVTT
<BLANKLINE>
intro
00:00:01.000 --> 00:00:02.500 align:start
<v Mary>No way!</v>
"""

import re
from dataclasses import dataclass, field

from subpipe.cues import ASS_BLOCK_RE, VOICE_RE, Cue, Track, format_timecode
from subpipe.errors import Finding, SubpipeError
from subpipe.formats.base import Format

ARROW = "-->"
# The spec's "ASCII whitespace" and "ASCII digits": str.isspace()/isdigit() would accept far more.
_WS = " \t\n\r\f"
_DIGITS = frozenset("0123456789")
_WS_RUN = re.compile(r"[ \t\n\r\f]+")
_PERCENT = re.compile(r"[0-9]+(?:\.[0-9]+)?%")
_NOTE = re.compile(r"NOTE(?:$|[ \t])")
_FONT_TAG = re.compile(r"</?font(?:\s[^<>]*)?>", re.IGNORECASE)
# A timestamp longer than this cannot be a film time; it also keeps int() away from huge digit runs.
_MAX_DIGITS = 9


# --- timestamps --------------------------------------------------------------------------------------


def _digits(s: str, pos: int) -> tuple[str, int]:
    end = pos
    while end < len(s) and s[end] in _DIGITS:
        end += 1
    return s[pos:end], end


def _skip_ws(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in _WS:
        pos += 1
    return pos


def collect_timestamp(s: str, pos: int = 0) -> tuple[int, int]:
    """Read a WebVTT timestamp at `pos` by the spec's rules; return (milliseconds, position after it).

    Minutes and seconds take exactly two digits and stay below 60, the fraction exactly three digits;
    the hours, when present, any number of digits. A first field that is not two digits or is above 59
    is hours, so ``120:00.000`` and ``000:00.000`` are errors, not 120 hours or 0 minutes.

    >>> collect_timestamp("01:02:03.004")
    (3723004, 12)
    >>> collect_timestamp("12:34.567 -->")
    (754567, 9)
    >>> collect_timestamp("00:00.00")
    Traceback (most recent call last):
    ValueError: fraction must have exactly 3 digits
    """
    if pos >= len(s) or s[pos] not in _DIGITS:
        raise ValueError("timestamp must start with a digit")
    first, pos = _digits(s, pos)
    if len(first) > _MAX_DIGITS:
        raise ValueError("timestamp too large")
    hours_first = len(first) != 2 or int(first) > 59
    if pos >= len(s) or s[pos] != ":":
        raise ValueError("expected ':' after the first field")
    second, pos = _digits(s, pos + 1)
    if len(second) != 2:
        raise ValueError("minutes and seconds must have exactly 2 digits")
    if hours_first or (pos < len(s) and s[pos] == ":"):
        if pos >= len(s) or s[pos] != ":":
            raise ValueError(f"'{first}' can only be hours (not 2 digits or above 59), so seconds must follow")
        third, pos = _digits(s, pos + 1)
        if len(third) != 2:
            raise ValueError("minutes and seconds must have exactly 2 digits")
        hours, minutes, seconds = int(first), int(second), int(third)
    else:
        hours, minutes, seconds = 0, int(first), int(second)
    if pos >= len(s) or s[pos] != ".":
        raise ValueError("expected '.' before the milliseconds")
    frac, pos = _digits(s, pos + 1)
    if len(frac) != 3:
        raise ValueError("fraction must have exactly 3 digits")
    if minutes > 59 or seconds > 59:
        raise ValueError("minutes and seconds must be below 60")
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(frac), pos


def format_timestamp(ms: int) -> str:
    """Milliseconds as a WebVTT timestamp, always with hours.

    >>> format_timestamp(3723004)
    '01:02:03.004'
    """
    return format_timecode(ms, ".", hours=True)


def parse_timing(line: str) -> tuple[int, int, str]:
    """A cue timing line -> (start ms, end ms, the settings text after the end time).

    Whitespace around ``-->`` is optional, as the spec's "skip whitespace" steps allow.

    >>> parse_timing("00:00:25.000\\t-->00:27.000 line:0")
    (25000, 27000, ' line:0')
    >>> parse_timing("00:01.000 ---> 00:02.000")
    Traceback (most recent call last):
    ValueError: start and end must be separated by '-->'
    """
    pos = _skip_ws(line, 0)
    try:
        start, pos = collect_timestamp(line, pos)
    except ValueError as exc:
        raise ValueError(f"start time: {exc}") from None
    pos = _skip_ws(line, pos)
    if line[pos:pos + 3] != ARROW:
        raise ValueError("start and end must be separated by '-->'")
    pos = _skip_ws(line, pos + 3)
    try:
        end, pos = collect_timestamp(line, pos)
    except ValueError as exc:
        raise ValueError(f"end time: {exc}") from None
    return start, end, line[pos:]


# --- cue settings ------------------------------------------------------------------------------------


def _percentage(value: str) -> bool:
    return bool(_PERCENT.fullmatch(value)) and float(value[:-1]) <= 100


def _line_number(value: str) -> bool:
    """The spec's checks on a non-percentage ``line`` value (a possibly negative decimal number)."""
    if not any(ch in _DIGITS for ch in value) or any(ch not in _DIGITS and ch not in "-." for ch in value):
        return False
    if "-" in value[1:] or value.count(".") > 1:
        return False
    if "." in value:
        dot = value.index(".")
        if dot in (0, len(value) - 1) or value[dot - 1] not in _DIGITS or value[dot + 1] not in _DIGITS:
            return False
    return True


def _check_setting(name: str, value: str, region_ids: set[str]) -> str | None:
    """Why the spec ignores ``name:value``, or None when it is valid."""
    if name == "vertical":
        return None if value in ("rl", "lr") else "vertical must be rl or lr"
    if name == "line":
        pos, _, align = value.partition(",")
        ok = _percentage(pos) if pos.endswith("%") else _line_number(pos)
        if not ok:
            return "line must be a number or a percentage from 0% to 100%"
        if "," in value and align not in ("start", "center", "end"):
            return "line alignment must be start, center or end"
        return None
    if name == "position":
        pos, _, align = value.partition(",")
        if not _percentage(pos):
            return "position must be a percentage from 0% to 100%"
        if "," in value and align not in ("line-left", "center", "line-right"):
            return "position alignment must be line-left, center or line-right"
        return None
    if name == "size":
        return None if _percentage(value) else "size must be a percentage from 0% to 100%"
    if name == "align":
        return None if value in ("start", "center", "end", "left", "right") else (
            "align must be start, center, end, left or right")
    if name == "region":
        return None if value in region_ids else "no REGION block defines this id"
    return "unknown cue setting"


def parse_settings(text: str, region_ids: set[str] = frozenset()
                   ) -> tuple[dict[str, str], list[tuple[str, bool]]]:
    """Cue settings text -> (valid settings as raw strings, [(problem, repaired?)] for the others).

    As in the spec, a later valid setting overrides an earlier one, an invalid one is skipped, and a
    cue positioned by ``line``, ``size`` or ``vertical`` drops out of its region.

    >>> settings, problems = parse_settings(" line:40%  size:110% align:middle")
    >>> settings
    {'line': '40%', 'align': 'center'}
    >>> for problem in problems: print(problem)
    ("'size:110%' ignored: size must be a percentage from 0% to 100%", False)
    ("'align:middle' (an old draft's value) read as 'align:center'", True)
    """
    settings: dict[str, str] = {}
    problems: list[tuple[str, bool]] = []
    for token in _WS_RUN.split(text.strip(_WS)):
        if not token:
            continue
        name, colon, value = token.partition(":")
        if not colon or not name or not value:
            problems.append((f"{token!r} ignored: a cue setting is name:value", False))
            continue
        if name == "align" and value == "middle":
            # WebVTT drafts before 2016 used "middle"; vtt.js still accepts it. Keep the author's intent.
            problems.append((f"{token!r} (an old draft's value) read as 'align:center'", True))
            value = "center"
        reason = _check_setting(name, value, region_ids)
        if reason:
            problems.append((f"{token!r} ignored: {reason}", False))
            continue
        settings[name] = value
        drops_region = name in ("line", "vertical") or (name == "size" and float(value[:-1]) != 100)
        if drops_region and "region" in settings:
            del settings["region"]
            problems.append((f"'region' ignored: a cue with {name} set is not placed in a region", False))
    return settings, problems


def _region_id(block_lines: list[str]) -> str | None:
    """The id a REGION block defines (its last ``id:`` setting), by the spec's region settings rules."""
    region_id = None
    for line in block_lines[1:]:
        for token in _WS_RUN.split(line.strip(_WS)):
            name, colon, value = token.partition(":")
            if colon and name == "id" and value:
                region_id = value
    return region_id


# --- reading -----------------------------------------------------------------------------------------


@dataclass
class _Block:
    """What the spec's "collect a WebVTT block" returns, plus where it was in the file."""

    first: int  # index of the block's first line in `lines`
    lines: list[str] = field(default_factory=list)  # every line the block consumed
    timing: int | None = None  # index of the cue timing line, when the block is a cue block
    identifier: str = ""
    parsed: tuple[int, int, str] | None = None
    error: str | None = None
    text: list[str] = field(default_factory=list)  # the spec's buffer: cue text or block content
    kind: str = "other"  # cue, style, region, other
    ran_into_timing: bool = False  # ended by a "-->" line instead of an empty line


def _collect_block(lines: list[str], i: int, seen_cue: bool, in_header: bool = False) -> _Block:
    block = _Block(first=i)
    buffer: list[str] = []
    seen_arrow = False
    style = region = False
    while i < len(lines):
        line = lines[i]
        count = i - block.first + 1
        if ARROW in line:
            if not in_header and (count == 1 or (count == 2 and not seen_arrow)):
                seen_arrow = True
                block.timing = i
                block.identifier = "\n".join(buffer)
                try:
                    block.parsed = parse_timing(line)
                    buffer = []
                except ValueError as exc:
                    block.error = str(exc)
                block.lines.append(line)
                i += 1
                continue
            block.ran_into_timing = True  # the spec's "let position be previous position"
            break
        block.lines.append(line)
        i += 1
        if line == "":
            break
        if not in_header and count == 2 and not seen_cue and len(buffer) == 1:
            head = buffer[0]
            if head.startswith("STYLE") and not head[5:].strip(_WS):
                style, buffer = True, []
            elif head.startswith("REGION") and not head[6:].strip(_WS):
                region, buffer = True, []
        buffer.append(line)
    block.text = buffer
    if block.parsed is not None:
        block.kind = "cue"
    elif style:
        block.kind = "style"
    elif region:
        block.kind = "region"
    return block


class _Reader:
    """One pass over a decoded file: the spec's main loop, with findings recorded as it goes."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.cues: list[Cue] = []
        self.meta: dict = {"header": "", "style_blocks": [], "region_blocks": [], "note_count": 0}
        self.region_ids: set[str] = set()
        self.seen_cue = False
        self.position = 0
        self.lines = self._prepare(text)

    def note(self, kind: str, message: str, line: int | None = None, *, severity: str = "warning",
             position: int | None = None, dropped: bool = False, fixed: bool = False,
             cue: Cue | None = None) -> None:
        self.findings.append(Finding(
            kind, message, path=self.path, line=line, position=position, severity=severity, fixed=fixed,
            dropped=dropped, start_ms=cue.start if cue else None, end_ms=cue.end if cue else None))

    def _prepare(self, text: str) -> list[str]:
        # The spec's preprocessing; `encoding.decode` already did most of it for files read from disk.
        text = text.removeprefix("\ufeff")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\0" in text:
            first = text[:text.index("\0")].count("\n") + 1
            self.note("nul-replaced", f"{text.count(chr(0))} NUL character(s) replaced by U+FFFD", first,
                      fixed=True)
            text = text.replace("\0", "\ufffd")
        lines = text.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()  # a final line end ends the last line, it does not start an empty one
        return lines

    def read(self) -> Track:
        lines = self.lines
        self._signature(lines[0])
        i = 1
        if i < len(lines) and lines[i] != "":
            header = _collect_block(lines, i, self.seen_cue, in_header=True)
            self._header(header)
            i += len(header.lines)
        while i < len(lines):
            if lines[i] == "":
                i += 1
                continue
            block = _collect_block(lines, i, self.seen_cue)
            i += len(block.lines)
            self._block(block)
        self._order_checks()
        return Track(cues=self.cues, path=self.path, format="vtt", meta=self.meta, findings=self.findings)

    def _signature(self, first: str) -> None:
        if first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t"):
            self.meta["header"] = first[6:]
            return
        if not any(self.lines):
            found = "an empty file"
        elif not first:
            found = "an empty first line"
        else:
            found = repr(first[:40])
        raise SubpipeError(f"missing WEBVTT signature: a WebVTT file starts with 'WEBVTT' followed by a space, "
                           f"a tab or the line end; found {found}", path=self.path, line=1)

    def _header(self, block: _Block) -> None:
        self.meta["header"] += "".join("\n" + line for line in block.lines if line)
        for line in block.lines:
            if line.startswith("X-TIMESTAMP-MAP="):
                self.meta["x_timestamp_map"] = line[len("X-TIMESTAMP-MAP="):]
        if block.ran_into_timing:
            end = block.first + len(block.lines)
            self.note("header-not-separated",
                      "no empty line between the header and the first cue; read as a cue (as the spec and "
                      "Chrome do; Firefox/vtt.js would take it as header)", end + 1)

    def _block(self, block: _Block) -> None:
        line_no = block.first + 1
        if block.timing is not None:
            self._cue_block(block)
        elif block.kind == "style":
            self.meta["style_blocks"].append("\n".join(block.lines).rstrip("\n"))
        elif block.kind == "region":
            self.meta["region_blocks"].append("\n".join(block.lines).rstrip("\n"))
            region_id = _region_id([ln for ln in block.lines if ln])
            if region_id is None:
                self.note("bad-region", "REGION block without an id: no cue can use it", line_no,
                          severity="info")
            else:
                self.region_ids.add(region_id)
        else:
            self._other_block(block)

    def _other_block(self, block: _Block) -> None:
        line_no = block.first + 1
        content = [ln for ln in block.lines if ln]
        head = content[0]
        if _NOTE.match(head):
            self.meta["note_count"] += 1
            if block.ran_into_timing:
                self.note("missing-blank-line",
                          f"the NOTE block runs into the cue timing line {block.first + len(block.lines) + 1} "
                          f"without an empty line; its last line {content[-1]!r} is comment, not a cue id",
                          line_no)
            return
        for keyword in ("STYLE", "REGION"):
            if head.startswith(keyword) and not head[len(keyword):].strip(_WS):
                why = "after the first cue" if self.seen_cue else "with nothing in it"
                self.note("ignored-block", f"{keyword} block {why} is ignored by players", line_no)
                return
        if block.ran_into_timing:
            message = (f"{len(content)} line(s) directly above the cue timing line "
                       f"{block.first + len(block.lines) + 1} are not part of the cue (an identifier is "
                       f"one line): {_preview(content)}")
        elif head.startswith("WEBVTT"):
            message = f"a second WEBVTT header (concatenated files?) is ignored: {_preview(content)}"
        else:
            message = f"text outside any cue is ignored: {_preview(content)}"
        self.note("stray-text", message, line_no)

    def _cue_block(self, block: _Block) -> None:
        position = self.position
        self.position += 1
        timing_no = block.timing + 1
        if block.parsed is None:
            self.note("bad-timing", f"cue dropped, its timing line does not parse ({block.error}): "
                      f"{block.lines[block.timing - block.first]!r}", timing_no, position=position,
                      dropped=True)
            self._ran_into(block, position)
            return
        start, end, settings_text = block.parsed
        settings, problems = parse_settings(settings_text, self.region_ids)
        text = "\n".join(block.text)
        cue = Cue(start, end, text, position=position, line=block.first + 1, identifier=block.identifier,
                  settings=settings)
        self.seen_cue = True
        self.cues.append(cue)
        for problem, fixed in problems:
            self.note("legacy-setting" if fixed else "bad-setting", problem, timing_no, severity="info",
                      position=position, fixed=fixed, cue=cue)
        if end < start:
            self.note("end-before-start", f"cue ends ({format_timestamp(end)}) before it starts "
                      f"({format_timestamp(start)}); kept as read", timing_no, position=position, cue=cue)
        if _NOTE.match(block.identifier):
            self.note("note-read-as-cue", f"{block.identifier!r} is directly above a timing line, so it is "
                      "this cue's identifier, not a comment", block.first + 1, position=position, cue=cue)
        if not text:
            self.note("empty-cue", "cue has no text", timing_no, severity="info", position=position, cue=cue)
        for k, line in enumerate(block.text):
            line_no = block.timing + 2 + k
            if _NOTE.match(line):
                self.note("comment-in-cue", f"line {line!r} is cue text: a NOTE needs an empty line before "
                          "it", line_no, position=position, cue=cue)
            elif not line.strip(_WS):
                self.note("whitespace-line", "a line of only spaces/tabs is not an empty line: the cue goes "
                          "on (many tools would split it here)", line_no, severity="info", position=position,
                          cue=cue)
        self._ran_into(block, position, cue)

    def _ran_into(self, block: _Block, position: int, cue: Cue | None = None) -> None:
        if block.ran_into_timing:
            nxt = block.first + len(block.lines) + 1
            self.note("missing-blank-line", f"no empty line before the cue timing line {nxt}; it starts a "
                      "new cue", nxt, position=position, cue=cue)

    def _order_checks(self) -> None:
        latest: Cue | None = None  # the kept cue that ends last so far
        previous: Cue | None = None
        for cue in self.cues:
            if previous is not None and cue.start < previous.start:
                self.note("unsorted", f"cue starts at {format_timestamp(cue.start)}, before the previous cue "
                          f"({format_timestamp(previous.start)}); WebVTT wants cues in start order",
                          cue.line, position=cue.position, cue=cue)
            if latest is not None and cue.start < latest.end and cue.end > cue.start:
                self.note("overlap", f"cue overlaps cue {latest.position} (until {format_timestamp(latest.end)})",
                          cue.line, severity="info", position=cue.position, cue=cue)
            if latest is None or cue.end > latest.end:
                latest = cue
            previous = cue


def _preview(lines: list[str], limit: int = 60) -> str:
    text = " / ".join(lines)
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def sniff(text: str) -> bool:
    """Does this look like WebVTT? Lenient on purpose: `parse` then says precisely what is wrong.

    >>> sniff("\\ufeff\\nWEBVTT - Title\\n")
    True
    >>> sniff("1\\n00:00:01,000 --> 00:00:02,000\\nHi\\n")
    False
    """
    return text.lstrip("\ufeff" + _WS)[:6].upper() == "WEBVTT"


def parse(text: str, *, path: str = "<input>", fps: float | None = None) -> Track:
    """Decoded WebVTT text -> Track with findings; `SubpipeError` (line 1) without the signature.

    `fps` is unused: WebVTT times are clock times.
    """
    return _Reader(text, path).read()


# --- writing -----------------------------------------------------------------------------------------

_ALIGN_SETTINGS = {
    # Numpad positions of SRT/ASS {\anN}: 7 8 9 top, 4 5 6 middle, 1 2 3 bottom (the default).
    1: {"align": "start"}, 2: {}, 3: {"align": "end"},
    4: {"line": "50%,center", "align": "start"}, 5: {"line": "50%,center"},
    6: {"line": "50%,center", "align": "end"},
    7: {"line": "0", "align": "start"}, 8: {"line": "0"}, 9: {"line": "0", "align": "end"},
}


def cue_settings(cue: Cue) -> dict[str, str]:
    """The settings to write: the cue's own, completed from its numpad `align` (``{\\anN}``).

    Top row -> ``line:0`` (the first line from the top), middle row -> ``line:50%,center``, left and
    right columns -> ``align:start``/``align:end``. Settings the cue already has win.

    >>> cue_settings(Cue(0, 1000, "Hi", align=7))
    {'line': '0', 'align': 'start'}
    >>> cue_settings(Cue(0, 1000, "Hi", align=8, settings={"line": "10%"}))
    {'line': '10%'}
    """
    settings = dict(_ALIGN_SETTINGS.get(cue.align, {})) if cue.align else {}
    settings.update(cue.settings)
    return {k: v for k, v in settings.items()
            if k and v and ":" not in k and not any(ch in _WS for ch in k + v) and ARROW not in k + v}


_TAG_OR_TEXT = re.compile(r"<[^<>]*>|[^<]+|<")


def _safe_line(line: str) -> str:
    """A cue text line that cannot end the cue: a "-->" in it would start a new cue.

    In text the ``>`` becomes ``&gt;``, which renders the same; a tag ending in ``--`` gets a space
    before its ``>``.

    >>> _safe_line("a --> b <c.x-->y</c>")
    'a --&gt; b <c.x-- >y</c>'
    """
    if ARROW not in line:
        return line

    def fix(m: re.Match) -> str:
        piece = m.group(0)
        is_tag = piece.startswith("<") and piece.endswith(">")
        return piece.replace(ARROW, "-- >" if is_tag else "--&gt;")

    return _TAG_OR_TEXT.sub(fix, line)


def cue_text(cue: Cue) -> str:
    """Cue markup made into WebVTT cue text.

    - ``<font ...>`` tags (from SRT) are dropped and their text kept: WebVTT has no font tag, and a
      colour class would render nothing without a matching STYLE block;
    - ASS override blocks ``{\\...}`` are dropped (positions are on `Cue.align`, see `cue_settings`);
    - a speaker (the ASS Name field) with no ``<v>`` in the text becomes a voice span;
    - empty lines are removed (one would end the cue) and ``-->`` is neutralised (it would start one).

    >>> cue_text(Cue(0, 1, '<font color="#ff0000">Red</font> {\\\\fad(200,200)}alert', speaker="Kim"))
    '<v Kim>Red alert</v>'
    >>> cue_text(Cue(0, 1, "a -->\\n\\nb"))
    'a --&gt;\\nb'
    """
    text = _FONT_TAG.sub("", ASS_BLOCK_RE.sub("", cue.text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    text = "\n".join(_safe_line(line) for line in text.split("\n") if line)
    if cue.speaker and text and not VOICE_RE.search(text):
        name = " ".join(cue.speaker.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())
        if name:
            text = f"<v {name}>{text}</v>"
    return text


def _identifier(cue: Cue) -> str:
    # An id is one line without "-->"; anything else would change how the block is read.
    return " ".join(cue.identifier.split("\n")).replace(ARROW, "->") if cue.identifier else ""


def _header(meta: dict) -> str:
    # The rest of the signature line is free text; a header line with "-->" or an empty one would end
    # the header early, so those are left out.
    header = str(meta.get("header") or "")
    first, *rest = header.replace("\r", "\n").split("\n")
    if first and first[0] not in " \t":
        first = " " + first
    return "WEBVTT" + first + "".join("\n" + ln for ln in rest if ln and ARROW not in ln)


def _raw_block(block: str, keyword: str) -> str:
    lines = [ln for ln in str(block).replace("\r", "\n").split("\n") if ln and ARROW not in ln]
    if not lines or not (lines[0].startswith(keyword) and not lines[0][len(keyword):].strip(_WS)):
        lines.insert(0, keyword)
    return "\n".join(lines)


def compose(track: Track, *, fps: float | None = None) -> str:
    """Track -> WebVTT text: header, STYLE and REGION blocks from `track.meta`, then the cues in order.

    Every cue is written with its identifier (if any), ``hh:mm:ss.ttt --> hh:mm:ss.ttt`` and its
    settings (see `cue_settings`), then its text (see `cue_text`). ASS comment events are not written.
    ``parse(compose(track))`` gives back the start, end, text, identifier and settings of cues read
    from WebVTT.
    """
    meta = track.meta or {}
    blocks = [_header(meta)]
    blocks += [_raw_block(b, "STYLE") for b in meta.get("style_blocks", ())]
    blocks += [_raw_block(b, "REGION") for b in meta.get("region_blocks", ())]
    for cue in track.cues:
        if cue.comment:
            continue
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        settings = cue_settings(cue)
        if settings:
            timing += " " + " ".join(f"{k}:{v}" for k, v in settings.items())
        lines = [_identifier(cue)] if cue.identifier else []
        lines.append(timing)
        text = cue_text(cue)
        if text:
            lines.append(text)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


FORMAT = Format("vtt", "WebVTT", (".vtt",), sniff=sniff, parse=parse, compose=compose)
