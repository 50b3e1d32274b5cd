"""Shared plumbing for the formats around pysubs2: ASS override text <-> cue markup, Track -> SSAFile,
and the guard that turns any failure of a reader into a `SubpipeError` naming file and line.

Why the readers are ours: pysubs2 1.8.1 ignores the ``Format:`` lines of SubStation files (media3's
``Format: Layer, Start, End, Style, Name, Text`` loses every text), reads ``0:00:04:56`` as 4 s,
gives no line numbers, adds TTML ``<div>`` offsets to Apple's absolute ``<p>`` times, invents SAMI end
times and skips MicroDVD/MPL2 lines it cannot match without a word. What we use it for is its data
model (`SSAStyle`, `Color`, `Alignment`), its colour and frame arithmetic, and the ASS/SSA writer.
"""

import bisect
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pysubs2
from pysubs2.common import Alignment, Color

from subpipe.cues import ASS_BLOCK_RE, TAG_RE, Cue, Track, escape_text, format_timecode, strip_markup
from subpipe.errors import ErrorCode, Finding, SubpipeError

NBSP = "\u00a0"


# --- the guard ---------------------------------------------------------------------------------------

@dataclass
class Cursor:
    """Where a reader is, so that an unexpected failure can still name the line."""

    line: int | None = None


@contextmanager
def guarded(path: str, what: str, cursor: Cursor) -> Iterator[Cursor]:
    """Let `SubpipeError` through and turn anything else into one, located at ``cursor.line``.

    >>> with guarded("a.ass", "ASS", Cursor(3)) as c:
    ...     int("x")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: a.ass:3: could not read this ASS file (ValueError: invalid literal for int() with base 10: 'x')
    """
    try:
        yield cursor
    except SubpipeError:
        raise
    except Exception as exc:  # the house rule: no other exception escapes a reader, whatever the bytes
        raise SubpipeError(f"could not read this {what} file ({type(exc).__name__}: {exc})",
                           path=path, line=cursor.line) from exc


# --- findings shared by several readers -------------------------------------------------------------

def _tc(ms: int) -> str:
    return format_timecode(ms, ".")


def timing_findings(cues: list[Cue], path: str) -> list[Finding]:
    """Overlaps within a layer and cues that start before an earlier cue of the file (both legal, so info;
    the cues stay in document order).

    Comment events and zero-length cues are left out; layers are ASS's way to overlap on purpose, so
    only cues of the same layer are compared.
    """
    findings: list[Finding] = []
    shown = [c for c in cues if not c.comment]
    latest_start: Cue | None = None
    for cue in shown:
        if latest_start is not None and cue.start < latest_start.start:
            findings.append(Finding(
                "unsorted", f"starts at {_tc(cue.start)}, before cue {latest_start.position} "
                f"({_tc(latest_start.start)}) that comes earlier in the file", path, cue.line, cue.position,
                "info", start_ms=cue.start, end_ms=cue.end))
        if latest_start is None or cue.start >= latest_start.start:
            latest_start = cue
    longest: dict[int, Cue] = {}
    for cue in sorted(shown, key=lambda c: (c.start, c.position)):
        prev = longest.get(cue.layer)
        if prev is not None and cue.start < prev.end and cue.end > cue.start:
            findings.append(Finding(
                "overlap", f"starts at {_tc(cue.start)} while cue {prev.position} is shown "
                f"until {_tc(prev.end)}", path, cue.line, cue.position, "info",
                start_ms=cue.start, end_ms=cue.end))
        if prev is None or cue.end > prev.end:
            longest[cue.layer] = cue
    return findings


def end_before_start(cue: Cue, path: str) -> Finding:
    return Finding("end-before-start", f"ends at {_tc(cue.end)}, before it starts at {_tc(cue.start)}",
                   path, cue.line, cue.position, "warning", start_ms=cue.start, end_ms=cue.end)


def close_open_ends(cues: list[Cue], open_ends: list[Cue], path: str, last_ms: int = 3000) -> list[Finding]:
    """Cues written with an empty end last until the next cue starts (the last one `last_ms`)."""
    findings = []
    starts = sorted(c.start for c in cues)
    for cue in open_ends:
        following = bisect.bisect_right(starts, cue.start)
        later = following < len(starts)
        cue.end = starts[following] if later else cue.start + last_ms
        how = "until the next cue" if later else f"for {last_ms} ms (nothing follows)"
        findings.append(Finding("open-end", f"no end time; shown {how}", path, cue.line, cue.position,
                                "info" if later else "warning", fixed=True, start_ms=cue.start, end_ms=cue.end))
    return findings


# --- ASS override text -> cue markup ------------------------------------------------------------------

_BLOCK_RE = re.compile(r"\{([^{}]*)\}")
_BREAK_RE = re.compile(r"\\([Nnh])")
_TOGGLE_RE = re.compile(r"\\([ibu])([01]?)")
_AN_RE = re.compile(r"\\an(\d+)")
_A_RE = re.compile(r"\\a(\d+)")


@dataclass
class AssText:
    """An ASS Text field read as cue markup, with what is worth a finding: ``(kind, message)``."""

    markup: str
    align: int | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)


def split_tags(body: str) -> tuple[list[str], str]:
    r"""The override tags of a block's inside, and any text before the first backslash.

    Backslashes inside parentheses belong to the enclosing tag (``\t(0,500,\fs20)``).

    >>> split_tags(r" \pos( 150, 101 ) \an9")
    (['\\pos( 150, 101 )', '\\an9'], ' ')
    >>> split_tags(r"\t(0,500,\fs20)\i1")
    (['\\t(0,500,\\fs20)', '\\i1'], '')
    """
    first = body.find("\\")
    if first < 0:
        return [], body
    tags: list[str] = []
    depth, start = 0, first
    for i in range(first + 1, len(body)):
        ch = body[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "\\" and depth == 0:
            tags.append(body[start:i].rstrip())
            start = i
    tags.append(body[start:].rstrip())
    return tags, body[:first]


def _plain_run(run: str) -> str:
    """ASS text between override blocks -> markup: ``\\N``/``\\n`` line breaks, ``\\h`` no-break space."""
    return escape_text(_BREAK_RE.sub(lambda m: NBSP if m.group(1) == "h" else "\n", run))


class _MarkupBuilder:
    """Collects markup for `ass_to_markup`, keeping ``<i> <b> <u>`` well nested."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[str] = []
        self.kept: list[str] = []

    def text(self, run: str) -> None:
        self.out.append(_plain_run(run))

    def flush(self) -> None:
        """Write the override tags kept so far as one verbatim block."""
        if self.kept:
            self.out.append("{" + "".join(self.kept) + "}")
            self.kept.clear()

    def open(self, name: str) -> None:
        self.flush()
        if name not in self.stack:
            self.stack.append(name)
            self.out.append(f"<{name}>")

    def close(self, name: str) -> None:
        self.flush()
        if name not in self.stack:
            return
        reopen: list[str] = []
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == name:
                break
            reopen.append(top)
        for other in reversed(reopen):  # {\i0} inside <i><b>: </b></i><b>
            self.stack.append(other)
            self.out.append(f"<{other}>")

    def close_all(self) -> None:
        for name in reversed(list(self.stack)):
            self.close(name)

    def result(self) -> str:
        self.flush()
        self.close_all()
        return "".join(self.out)


def ass_to_markup(text: str) -> AssText:
    r"""Read an ASS Text field as cue markup.

    ``{\i1}``/``{\b1}``/``{\u1}`` become ``<i> <b> <u>`` (closed where ASS turns them off, or at the end),
    the first ``{\anN}`` (or legacy ``{\aN}``) becomes the alignment, other override tags stay verbatim
    in ``{\...}`` blocks and blocks without any tag (``{comments}``) are removed and noted.

    >>> r = ass_to_markup(r"{\an8\pos(10,20)}{\i1}Fish & chips{\i0}\Nfor two{note}")
    >>> r.markup, r.align, r.notes
    ('{\\pos(10,20)}<i>Fish &amp; chips</i>\nfor two', 8, [('ass-comment-removed', "comment block '{note}' removed")])
    """
    build = _MarkupBuilder()
    result = AssText("")
    pos = 0
    for m in _BLOCK_RE.finditer(text):
        build.text(text[pos:m.start()])
        pos = m.end()
        tags, junk = split_tags(m.group(1))
        if not tags:
            result.notes.append(("ass-comment-removed", f"comment block {m.group(0)!r} removed"))
            continue
        if junk.strip():
            result.notes.append(("ass-comment-removed", f"text {junk.strip()!r} inside override block removed"))
        for tag in tags:
            _apply_tag(tag, build, result)
        build.flush()
    build.text(text[pos:])
    result.markup = build.result()
    return result


def _apply_tag(tag: str, build: _MarkupBuilder, result: AssText) -> None:
    toggle = _TOGGLE_RE.fullmatch(tag)
    position = _AN_RE.fullmatch(tag) or _A_RE.fullmatch(tag)
    if toggle and toggle.group(2) == "1":
        build.open(toggle.group(1))
    elif toggle:
        build.close(toggle.group(1))
    elif position:
        numpad = _numpad(int(position.group(1)), legacy=not tag.startswith("\\an"))
        if numpad is None:
            result.notes.append(("invalid-alignment", f"alignment tag {tag} is not a valid position; kept"))
            build.kept.append(tag)
        elif result.align is None:
            result.align = numpad
        else:  # renderers honour the first alignment of a line; a later one has no effect
            result.notes.append(("duplicate-alignment",
                                 f"second alignment tag {tag} removed (the first, {result.align}, applies)"))
    else:
        if tag.startswith("\\r"):  # \r and \rStyle reset every override, styling included
            build.close_all()
        build.kept.append(tag)


def _numpad(value: int, *, legacy: bool) -> int | None:
    if not legacy:
        return value if 1 <= value <= 9 else None
    try:
        return int(Alignment.from_ssa_alignment(value))
    except ValueError:
        return None


# --- cue markup -> ASS override text ------------------------------------------------------------------

_MARKUP_RE = re.compile(f"{TAG_RE.pattern}|{ASS_BLOCK_RE.pattern}", re.IGNORECASE)
_TAG_NAME_RE = re.compile(r"<(/?)([a-zA-Z]+)")
_ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_HEX_RE = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_NAMED_COLORS = {
    "white": "ffffff", "black": "000000", "red": "ff0000", "lime": "00ff00", "green": "008000",
    "blue": "0000ff", "yellow": "ffff00", "cyan": "00ffff", "aqua": "00ffff", "magenta": "ff00ff",
    "fuchsia": "ff00ff", "silver": "c0c0c0", "gray": "808080", "grey": "808080", "maroon": "800000",
    "olive": "808000", "navy": "000080", "purple": "800080", "teal": "008080",
}


def color_hex(value: str) -> str | None:
    """A CSS-ish colour (``#rgb``, ``#rrggbb``, ``#rrggbbaa``, a basic name) as ``rrggbb``, or None.

    >>> color_hex("#F0a"), color_hex("Yellow"), color_hex("#000000c2"), color_hex("tomato")
    ('ff00aa', 'ffff00', '000000', None)
    """
    value = value.strip().lower()
    if value in _NAMED_COLORS:
        return _NAMED_COLORS[value]
    if re.fullmatch(r"#[0-9a-f]{8}", value):
        value = value[:7]
    m = _HEX_RE.fullmatch(value)
    if not m:
        return None
    digits = m.group(1)
    return "".join(ch * 2 for ch in digits) if len(digits) == 3 else digits


def _ass_colour(rrggbb: str) -> str:
    return f"&H{rrggbb[4:6]}{rrggbb[2:4]}{rrggbb[0:2]}&".upper()


def _ass_run(text: str) -> str:
    return html.unescape(text).replace("\n", "\\N").replace(NBSP, "\\h")


def markup_to_ass(markup: str, align: int | None = None, *, legacy: bool = False) -> str:
    r"""Cue markup -> an ASS Text field.

    Tags become override codes, ``<font color>``/``face`` become ``\c``/``\fn`` (reset at ``</font>``),
    WebVTT-only markup (classes, voices, languages, timestamps) is removed keeping its text, ruby text
    goes in parentheses after its base, and `align` becomes ``{\anN}`` (``{\aN}`` for SSA).

    >>> markup_to_ass('<v Bob><i>Fish &amp; chips</i>\n<font color="#ff8000">now</font></v>', 8)
    '{\\an8}{\\i1}Fish & chips{\\i0}\\N{\\c&H0080FF&}now{\\c}'
    >>> markup_to_ass('<ruby>漢<rt>kan</rt></ruby>')
    '漢(kan)'
    """
    parts: list[str] = []
    if align is not None:
        parts.append(f"{{\\a{Alignment(align).to_ssa_alignment()}}}" if legacy else f"{{\\an{align}}}")
    fonts: list[str] = []
    pos = 0
    for m in _MARKUP_RE.finditer(markup):
        parts.append(_ass_run(markup[pos:m.start()]))
        pos = m.end()
        token = m.group(0)
        if token.startswith("{"):
            parts.append(token)
            continue
        name_match = _TAG_NAME_RE.match(token)
        if not name_match:  # an inline timestamp
            continue
        closing, name = name_match.group(1) == "/", name_match.group(2).lower()
        if name in ("i", "b", "u"):
            parts.append(f"{{\\{name}{0 if closing else 1}}}")
        elif name == "rt":
            parts.append(")" if closing else "(")
        elif name == "font" and not closing:
            attrs = {k.lower(): a or b or c for k, a, b, c in _ATTR_RE.findall(token)}
            codes, resets = [], []
            rrggbb = color_hex(attrs.get("color", ""))
            if rrggbb:
                codes.append(f"\\c{_ass_colour(rrggbb)}")
                resets.append("\\c")
            if attrs.get("face"):
                codes.append(f"\\fn{attrs['face']}")
                resets.append("\\fn")
            if codes:
                parts.append("{" + "".join(codes) + "}")
            fonts.append("".join(resets))
        elif name == "font" and fonts:
            resets = fonts.pop()
            if resets:
                parts.append("{" + resets + "}")
    parts.append(_ass_run(markup[pos:]))
    return "".join(parts)


# --- Track -> pysubs2 SSAFile -------------------------------------------------------------------------

_MAX_ASS_MS = pysubs2.formats.substation.MAX_REPRESENTABLE_TIME


def _field(value: str) -> str:
    """SubStation fields are comma separated, one line each: commas and newlines cannot be kept."""
    return value.replace(",", ";").replace("\n", " ")


def style_from_dict(values: dict) -> pysubs2.SSAStyle:
    """A pysubs2 style from `Track.styles` values, tolerating plain ints and colour strings."""
    known = {f: values[f] for f in pysubs2.SSAStyle.__dataclass_fields__ if f in values}
    for name, value in known.items():
        if "color" in name and not isinstance(value, Color):
            known[name] = pysubs2.formats.substation.rgba_to_color(str(value))
    if "alignment" in known and not isinstance(known["alignment"], Alignment):
        known["alignment"] = Alignment(int(known["alignment"]))
    return pysubs2.SSAStyle(**known)


def to_ssafile(track: Track, *, flavour: str = "ass") -> pysubs2.SSAFile:
    """The track as a pysubs2 `SSAFile`: styles, script info and attachments from the track when it has
    them (pysubs2's Default style and info otherwise), one event per cue."""
    subs = pysubs2.SSAFile()
    info = track.meta.get("info")
    if info:
        subs.info = {str(k): str(v).replace("\n", " ") for k, v in info.items()}
    if track.styles:
        subs.styles = {_field(name): style_from_dict(values) for name, values in track.styles.items()}
    subs.aegisub_project = dict(track.meta.get("aegisub_project") or {})
    subs.fonts_opaque = dict(track.meta.get("fonts") or {})
    subs.graphics_opaque = dict(track.meta.get("graphics") or {})
    for cue in track.cues:
        if max(cue.start, cue.end) > _MAX_ASS_MS:
            raise SubpipeError(f"cue {cue.position} ends at {_tc(max(cue.start, cue.end))}: SubStation "
                               f"timecodes stop at {_tc(_MAX_ASS_MS)}", path=track.path, line=cue.line,
                               code=ErrorCode.COMPOSE)
        left, right, vertical = cue.margins or (0, 0, 0)
        subs.events.append(pysubs2.SSAEvent(
            start=max(0, cue.start), end=max(0, cue.end),
            text=markup_to_ass(cue.text, cue.align, legacy=flavour == "ssa"),
            layer=cue.layer, style=_field(cue.style or "Default"), name=_field(cue.speaker or ""),
            marginl=left, marginr=right, marginv=vertical, effect=_field(cue.effect),
            type="Comment" if cue.comment else "Dialogue"))
    return subs


# --- per-line styling for line-based formats ----------------------------------------------------------

def italic_lines(markup: str) -> list[tuple[str, bool]]:
    r"""Each line's plain text and whether all of its visible text is italic (what MPL2 ``/`` can say).

    >>> italic_lines('<i>Look\nout</i>\nnow <i>a</i>')
    [('Look', True), ('out', True), ('now a', False)]
    """
    lines: list[tuple[str, bool]] = []
    text, all_italic, depth = [], True, 0

    def end_line() -> None:
        plain = strip_markup("".join(text))
        lines.append((plain, all_italic and bool(plain.strip())))

    pos = 0
    pieces: list[tuple[str, str]] = []
    for m in _MARKUP_RE.finditer(markup):
        pieces.append(("text", markup[pos:m.start()]))
        pieces.append(("tag", m.group(0)))
        pos = m.end()
    pieces.append(("text", markup[pos:]))
    for kind, piece in pieces:
        if kind == "tag":
            low = piece.lower()
            depth += 1 if low == "<i>" else -1 if low == "</i>" else 0
            depth = max(depth, 0)
            continue
        for i, chunk in enumerate(piece.split("\n")):
            if i:
                end_line()
                text, all_italic = [], True
            text.append(chunk)
            if strip_markup(chunk).strip() and depth == 0:
                all_italic = False
    end_line()
    return lines


def refuse_without_cue_lines(findings: list[Finding], path: str, what: str) -> None:
    """Line-based formats (MicroDVD, MPL2): text none of whose lines has the cue syntax is not this format.

    `what` names it with its article ("an MPL2 file"); the error points at the first such line.
    """
    first_bad = next((f for f in findings if f.kind == "unparsed-line"), None)
    if first_bad is not None:
        raise SubpipeError(f"not {what}: no line has its cue syntax", path=path, line=first_bad.line,
                           code=ErrorCode.UNKNOWN_FORMAT)
