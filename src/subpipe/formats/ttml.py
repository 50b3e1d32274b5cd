"""TTML (W3C Timed Text, incl. DFXP, EBU-TT-D and Apple iTunes TTML), read with defusedxml; not written.

Our own reader, not pysubs2's: pysubs2 1.8.1 keeps no styling, reads no frame or tick times, only
looks at ``<div>`` children of ``<body>`` and parses with the unguarded standard library. pysubs2's
writer does exist but emits ``<style id=...>`` where TTML requires ``xml:id``, so TTML stays
read-only (its `Format` has no ``compose``).

What is read:

- every ``<p>`` of the TTML namespace is a cue block, in document order (``cue.identifier`` is its
  ``xml:id``, ``cue.line`` the line of its start tag);
- times: clock times (``00:00:01.375``, ``00:00:01:12`` frames, ``.sub`` sub-frames) and offsets
  (``1.5s``, ``250ms``, ``24f``, ``10000t``) with ``ttp:frameRate``/``frameRateMultiplier``/
  ``subFrameRate``/``tickRate``; ``begin``/``end``/``dur`` relative to the parent, as the spec says,
  except in Apple iTunes files (``itunes:timing`` on the root), whose times are absolute; a ``<p>``
  without times takes them from its timed ``<span>`` children;
- styling (referential ``style=``, chained styles, region styles, inline ``tts:`` attributes):
  ``fontStyle`` italic -> ``<i>``, ``fontWeight`` bold -> ``<b>``, ``textDecoration`` underline -> ``<u>``
  and lineThrough -> ``<s>`` (what subpipe's IMSC writer makes of them),
  a ``color`` other than white -> ``<font color>``; ``<br/>`` -> ``"\\n"``; a ``<span>`` that starts
  later than its paragraph gets a WebVTT inline timestamp (word timing of iTunes lyrics);
- position: the region's ``displayAlign`` (before/center/after) and ``textAlign`` give ``cue.align``
  (left unset for bottom centre; a missing ``textAlign`` counts as centre, the subtitle convention,
  not TTML's ``start``).

Not kept: a span that switches styling *off* inside a styled paragraph (markup cannot say it), colours
of backgrounds, fonts and sizes. A root that is not ``<tt>`` in a TTML namespace is a `SubpipeError`;
elements of another namespace inside ``<body>`` (the ``<tt:p>`` of a mixed-namespace file) are
reported as errors and, for paragraphs, counted as dropped cue blocks.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from fractions import Fraction

import defusedxml
import defusedxml.ElementTree as DET

from subpipe.cues import Cue, Track, escape_text, format_timecode
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._pysubs2 import Cursor, color_hex, end_before_start, guarded, timing_findings
from subpipe.formats.base import Format

TTML_NS = "http://www.w3.org/ns/ttml"
TT_NAMESPACES = (TTML_NS, "http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/2006/04/ttaf1")
XML_NS = "http://www.w3.org/XML/1998/namespace"
ITUNES_NS = "http://music.apple.com/lyric-ttml-internal"

_SNIFF_RE = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:[\w.-]+:)?tt[\s>/]",
                       re.DOTALL)
_CLOCK_RE = re.compile(r"(\d{2,}):(\d{2}):(\d{2}(?:\.\d+)?)(?::(\d{2,})(?:\.(\d+))?)?")
_OFFSET_RE = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|f|t)")
# iTunes writes "19.764", "1:00.998" and "3:58.640": seconds, or minutes:seconds, without a unit.
_LOOSE_RE = re.compile(r"(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)")
_WS_RE = re.compile(r"[ \t\r\n]+")
_WHITE = "ffffff"


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


# --- XML with line numbers ---------------------------------------------------------------------------

class _LineTreeBuilder(ET.TreeBuilder):
    """A TreeBuilder that remembers the line of each element's start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser: DET.XMLParser | None = None

    def start(self, tag, attrs):
        elem = super().start(tag, attrs)
        self.lines[elem] = self.parser.parser.CurrentLineNumber
        return elem


def parse_xml(text: str, path: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Well-formed XML with no entity or external tricks, or a `SubpipeError` at the failing line."""
    builder = _LineTreeBuilder()
    parser = DET.XMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise SubpipeError(f"not well-formed XML: {exc}", path=path, line=line) from None
    except defusedxml.DefusedXmlException as exc:
        raise SubpipeError(f"XML refused for safety ({type(exc).__name__}: {exc})", path=path,
                           line=parser.parser.CurrentLineNumber, code=ErrorCode.XML_UNSAFE) from None
    return root, builder.lines


# --- time expressions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeBase:
    """The ``ttp:`` parameters that give frames and ticks a duration."""

    frame_rate: Fraction = Fraction(30)
    sub_frame_rate: int = 1
    tick_rate: Fraction = Fraction(1)

    def to_ms(self, expr: str) -> tuple[int, bool]:
        """A TTML time expression in ms, and whether it was a non-standard (iTunes) form.

        >>> TimeBase(Fraction(25)).to_ms("00:00:01:12")
        (1480, False)
        >>> TimeBase(tick_rate=Fraction(10_000_000)).to_ms("15000000t")
        (1500, False)
        >>> TimeBase().to_ms("1:00.998")
        (60998, True)
        """
        expr = expr.strip()
        m = _CLOCK_RE.fullmatch(expr)
        if m:
            h, mi, s, frames, sub = m.groups()
            seconds = Fraction(int(h) * 3600 + int(mi) * 60) + Fraction(s)
            if frames:
                seconds += Fraction(int(frames)) / self.frame_rate
            if sub:
                seconds += Fraction(int(sub)) / (self.frame_rate * self.sub_frame_rate)
            return round(seconds * 1000), False
        m = _OFFSET_RE.fullmatch(expr)
        if m:
            count, unit = Fraction(m.group(1)), m.group(2)
            seconds = {"h": count * 3600, "m": count * 60, "s": count, "ms": count / 1000,
                       "f": count / self.frame_rate, "t": count / self.tick_rate}[unit]
            return round(seconds * 1000), False
        m = _LOOSE_RE.fullmatch(expr)
        if m:
            h, mi, s = m.groups()
            seconds = Fraction(int(h or 0) * 3600 + int(mi or 0) * 60) + Fraction(s)
            return round(seconds * 1000), True
        raise ValueError(f"{expr!r} is not a TTML time expression")


# --- styles ------------------------------------------------------------------------------------------

_FLAGS = (("i", "fontStyle", ("italic", "oblique")), ("b", "fontWeight", ("bold",)),
          ("u", "textDecoration", ("underline",)), ("s", "textDecoration", ("lineThrough",)))


def _flags(props: dict[str, str]) -> set[str]:
    on = set()
    for tag, prop, values in _FLAGS:
        words = props.get(prop, "").split()
        if any(v in words for v in values):
            on.add(tag)
    return on


def _align(props: dict[str, str], region: dict[str, str]) -> int | None:
    row = {"before": 6, "center": 3}.get(region.get("displayAlign", "after"), 0)
    column = {"left": 1, "start": 1, "right": 3, "end": 3}.get(props.get("textAlign", "center"), 2)
    numpad = row + column
    return None if numpad == 2 else numpad


@dataclass
class _Reader:
    path: str
    lines: dict[ET.Element, int]
    cursor: Cursor
    ns: str = TTML_NS
    timebase: TimeBase = field(default_factory=TimeBase)
    absolute: bool = False
    styles: dict[str, ET.Element] = field(default_factory=dict)
    regions: dict[str, ET.Element] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    blocks: list[tuple[Cue | None, ET.Element]] = field(default_factory=list)
    open_ends: list[Cue] = field(default_factory=list)
    loose_times: int = 0
    missing_refs: set[str] = field(default_factory=set)

    def note(self, kind: str, message: str, elem: ET.Element | None = None, *, severity: str = "warning",
             position: int | None = None, fixed: bool = False, dropped: bool = False) -> None:
        line = self.lines.get(elem) if elem is not None else None
        self.findings.append(Finding(kind, message, self.path, line, position, severity, fixed, dropped))

    def tt(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    # document-level -------------------------------------------------------------------------------
    def read_parameters(self, root: ET.Element) -> None:
        params = {_split(k)[1]: v for k, v in root.attrib.items() if _split(k)[0].endswith("#parameter")}
        try:
            rate = Fraction(int(params.get("frameRate", "30")))
            num, den = (int(x) for x in params.get("frameRateMultiplier", "1 1").split())
            rate = rate * Fraction(num, den)
            sub = int(params.get("subFrameRate", "1"))
            default_ticks = rate * sub if "frameRate" in params else Fraction(1)
            ticks = Fraction(int(params["tickRate"])) if "tickRate" in params else default_ticks
            if rate <= 0 or sub <= 0 or ticks <= 0:
                raise ValueError("must be positive")
        except (ValueError, ZeroDivisionError) as exc:
            self.note("invalid-parameter", f"frame or tick rate parameters not usable ({exc}); using 30 "
                      "frames and 1 tick per second", root)
            rate, sub, ticks = Fraction(30), 1, Fraction(1)
        self.timebase = TimeBase(rate, sub, ticks)
        if params.get("timeBase", "media") != "media":
            self.note("time-base", f"ttp:timeBase {params['timeBase']!r} read as media time", root,
                      severity="info")
        if any(_split(k)[0] == ITUNES_NS for k in root.attrib):
            self.absolute = True
            self.note("absolute-times", "iTunes TTML: begin/end read as absolute times, not offsets from "
                      "the parent", root, severity="info", fixed=True)

    def index_head(self, root: ET.Element) -> None:
        for elem in root.iter():
            ident = elem.get(f"{{{XML_NS}}}id")
            ns, local = _split(elem.tag)
            if ident and ns == self.ns and local == "style":
                self.styles[ident] = elem
            elif ident and ns == self.ns and local == "region":
                self.regions[ident] = elem

    def style_props(self, elem: ET.Element, seen: frozenset[str] = frozenset()) -> dict[str, str]:
        """The tts: properties an element specifies: referenced styles first, then its own attributes."""
        props: dict[str, str] = {}
        for ref in elem.get("style", "").split():
            if ref in seen:
                continue
            if ref not in self.styles:
                if ref not in self.missing_refs:
                    self.missing_refs.add(ref)
                    self.note("unknown-style", f"style {ref!r} is referenced but not defined", elem)
                continue
            props.update(self.style_props(self.styles[ref], seen | {ref}))
        if _split(elem.tag)[1] == "region":
            for child in elem:
                if _split(child.tag) == (self.ns, "style"):
                    props.update(self.style_props(child, seen))
        props.update({_split(k)[1]: v for k, v in elem.attrib.items()
                      if _split(k)[0].endswith("#styling") or _split(k)[0].endswith("#style")})
        return props

    # timing ---------------------------------------------------------------------------------------
    def time(self, elem: ET.Element, name: str) -> int | None:
        raw = elem.get(name)
        if raw is None:
            return None
        ms, loose = self.timebase.to_ms(raw)
        self.loose_times += loose
        return ms

    def interval(self, elem: ET.Element, parent: tuple[int, int | None]) -> tuple[int, int | None, bool]:
        """Absolute (begin, end, timed-here) of an element from its parent's interval; ValueError if bad."""
        parent_begin, parent_end = parent
        base = 0 if self.absolute else parent_begin
        begin_off, end_off, dur = self.time(elem, "begin"), self.time(elem, "end"), self.time(elem, "dur")
        begin = base + begin_off if begin_off is not None else parent_begin
        if end_off is not None:
            end = base + end_off
        elif dur is not None:
            end = begin + dur
        else:
            end = parent_end
        if end is not None and parent_end is not None and not self.absolute:
            end = min(end, parent_end)
        return begin, end, (begin_off, end_off, dur) != (None, None, None)

    # content --------------------------------------------------------------------------------------
    def walk(self, elem: ET.Element, interval: tuple[int, int | None], timed: bool,
             specified: dict[str, str], region: str | None) -> None:
        """Find the paragraphs under body/div, carrying time, styling and region down."""
        for child in elem:
            ns, local = _split(child.tag)
            if ns != self.ns:
                self.foreign(child, inside_paragraph=False)
                continue
            if local not in ("div", "p"):
                continue
            try:
                begin, end, here = self.interval(child, interval)
            except ValueError as exc:
                self.bad_time(child, exc)
                continue
            props = {**specified, **self.style_props(child)}
            child_region = child.get("region", region)
            if local == "div":
                self.walk(child, (begin, end), timed or here, props, child_region)
            else:
                self.paragraph(child, (begin, end), timed or here, props, child_region)

    def foreign(self, elem: ET.Element, *, inside_paragraph: bool) -> None:
        """Report an element of another namespace; the paragraphs in it are dropped cue blocks."""
        ns, local = _split(elem.tag)
        if "metadata" in ns or local == "metadata":
            return
        where = f"<{local}> in namespace {ns or '(none)'!r}, not {self.ns!r}"
        paragraphs = [] if inside_paragraph else [e for e in elem.iter() if _split(e.tag)[1] == "p"]
        if not paragraphs:
            self.note("foreign-element", f"{where}: ignored" + (", its text lost" if inside_paragraph else ""),
                      elem)
        for p in paragraphs:
            what = "paragraph dropped" if p is elem else "the paragraph inside it dropped"
            self.note("foreign-element", f"{where}: {what}", p, severity="error", position=len(self.blocks),
                      dropped=True)
            self.blocks.append((None, p))

    def bad_time(self, elem: ET.Element, exc: ValueError) -> None:
        is_paragraph = _split(elem.tag)[1] == "p"
        position = len(self.blocks) if is_paragraph else None
        what = "paragraph dropped" if is_paragraph else "element and its paragraphs dropped"
        self.note("bad-timing", f"{exc}: {what}", elem, severity="error", position=position,
                  dropped=is_paragraph)
        if is_paragraph:
            self.blocks.append((None, elem))
        else:
            for p in elem.iter(self.tt("p")):
                self.note("bad-timing", "inside an element with an invalid time: dropped", p,
                          severity="error", position=len(self.blocks), dropped=True)
                self.blocks.append((None, p))

    def paragraph(self, p: ET.Element, interval: tuple[int, int | None], timed: bool,
                  props: dict[str, str], region: str | None) -> None:
        position = len(self.blocks)
        self.cursor.line = self.lines.get(p)
        region_props = self.style_props(self.regions[region]) if region in self.regions else {}
        if region and region not in self.regions and region not in self.missing_refs:
            self.missing_refs.add(region)
            self.note("unknown-region", f"region {region!r} is referenced but not defined", p)
        effective = {**region_props, **props}
        try:
            shown = interval if timed else self.span_extent(p, interval)
            if shown is None:
                self.note("untimed-paragraph", "paragraph has no begin/end, nor timed spans: dropped", p,
                          severity="error", position=position, dropped=True)
                self.blocks.append((None, p))
                return
            markup = self.render(p, effective, set(), _WHITE, interval, shown)
        except ValueError as exc:
            self.bad_time(p, exc)
            return
        begin, end = shown
        cue = Cue(begin, end if end is not None else begin, _tidy(markup), position=position,
                  line=self.lines.get(p), identifier=p.get(f"{{{XML_NS}}}id", ""),
                  align=_align(effective, region_props))
        if end is None:
            self.open_ends.append(cue)
        self.blocks.append((cue, p))

    def span_extent(self, elem: ET.Element, interval: tuple[int, int | None]) -> tuple[int, int | None] | None:
        """The time covered by the timed spans of an untimed paragraph (EBU-TT-D allows that)."""
        found: list[tuple[int, int | None]] = []
        for span in elem:
            if _split(span.tag) != (self.ns, "span"):
                continue
            begin, end, here = self.interval(span, interval)
            if here:
                found.append((begin, end))
            else:
                inner = self.span_extent(span, (begin, end))
                if inner:
                    found.append(inner)
        if not found:
            return None
        ends = [e for _, e in found if e is not None]
        return min(b for b, _ in found), max(ends) if ends else None

    def render(self, elem: ET.Element, props: dict[str, str], outer_flags: set[str], outer_color: str | None,
               interval: tuple[int, int | None], shown: tuple[int, int | None], *, preserve: bool = False) -> str:
        """Markup for the content of `elem`.

        `outer_*` is the styling already open around it (white, the default subtitle colour, at the
        paragraph), `interval` the time its children's offsets count from, `shown` the cue's time (a
        span starting later gets an inline timestamp).
        """
        space = elem.get(f"{{{XML_NS}}}space")
        preserve = space == "preserve" if space else preserve
        flags = _flags(props)
        color = color_hex(props["color"]) if "color" in props else outer_color
        opened = [t for t, _, _ in _FLAGS if t in flags and t not in outer_flags]
        show_color = color if color != outer_color else None
        parts: list[str] = []
        if elem.text:
            parts.append(_text(elem.text, preserve))
        for child in elem:
            ns, local = _split(child.tag)
            if ns != self.ns:
                self.foreign(child, inside_paragraph=True)
            elif local == "br":
                parts.append("\n")
            elif local == "span":
                begin, end, here = self.interval(child, interval)
                later = here and shown[0] < begin and (shown[1] is None or begin < shown[1])
                parts.append(f"<{_ts(begin)}>" if later else "")
                parts.append(self.render(child, {**props, **self.style_props(child)}, flags | outer_flags,
                                         color, (begin, end), shown, preserve=preserve))
            if child.tail:
                parts.append(_text(child.tail, preserve))
        body = "".join(parts)
        for tag in reversed(opened):
            body = f"<{tag}>{body}</{tag}>"
        if show_color:
            body = f'<font color="#{show_color}">{body}</font>'
        return body

    # after the walk -------------------------------------------------------------------------------
    def finish(self, lang: str | None) -> Track:
        cues = [c for c, _ in self.blocks if c is not None]
        for cue in self.open_ends:
            later = sorted(c.start for c in cues if c.start > cue.start)
            cue.end = later[0] if later else cue.start
            how = "when the next paragraph starts" if later else "as it starts (nothing follows)"
            self.note("open-end", f"no end time; ends at {_ts(cue.end)}, {how}", self.blocks[cue.position][1],
                      position=cue.position, fixed=True, severity="info" if later else "warning")
        for cue in cues:
            if cue.end < cue.start:
                self.findings.append(end_before_start(cue, self.path))
        seen: dict[str, int] = {}
        for cue in cues:
            if cue.identifier and cue.identifier in seen:
                self.findings.append(Finding("duplicate-id", f"xml:id {cue.identifier!r} already used by cue "
                                             f"{seen[cue.identifier]}", self.path, cue.line, cue.position))
            seen.setdefault(cue.identifier, cue.position)
        if self.loose_times:
            self.findings.append(Finding("nonstandard-time", f"{self.loose_times} times without unit or "
                                         "hours (iTunes style) read as [[h:]m:]s", self.path, None, None,
                                         "info", fixed=True))
        if not self.blocks:
            self.findings.append(Finding("empty-file", "no cues: no <p> paragraphs in <body>", self.path,
                                         severity="info"))
        self.findings.extend(timing_findings(cues, self.path))
        return Track(cues=cues, path=self.path, format="ttml", lang=lang or None, findings=self.findings)


def _ts(ms: int) -> str:
    return format_timecode(ms, ".")


def _text(raw: str, preserve: bool) -> str:
    if preserve:
        return escape_text(raw.replace("\t", " "))
    return escape_text(_WS_RE.sub(" ", raw))


def _tidy(markup: str) -> str:
    """Trim the spaces that XML indentation leaves at the ends of lines, also inside edge tags."""
    lines = []
    for line in markup.split("\n"):
        line = re.sub(r"^((?:<[^>]+>)*) +", r"\1", line)
        line = re.sub(r" +((?:</[^>]+>)*)$", r"\1", line)
        lines.append(line.strip(" "))
    return "\n".join(lines)


def parse_ttml(text: str, *, path: str = "<input>") -> Track:
    """Read a TTML document into a Track with findings."""
    cursor = Cursor(1)
    with guarded(path, "TTML", cursor):
        root, lines = parse_xml(text, path)
        ns, local = _split(root.tag)
        if local != "tt":
            raise SubpipeError(f"root element is <{local}>, not <tt>: not a TTML document", path=path,
                               line=lines.get(root))
        if ns not in TT_NAMESPACES:
            raise SubpipeError(f"root <tt> is in namespace {ns or '(none)'!r}, not TTML's {TTML_NS!r}",
                               path=path, line=lines.get(root))
        reader = _Reader(path, lines, cursor, ns)
        reader.read_parameters(root)
        reader.index_head(root)
        body = root.find(reader.tt("body"))
        if body is not None:
            try:
                begin, end, timed = reader.interval(body, (0, None))
            except ValueError as exc:
                reader.bad_time(body, exc)
            else:
                reader.walk(body, (begin, end), timed, reader.style_props(body), body.get("region"))
        cursor.line = None
        return reader.finish(root.get(f"{{{XML_NS}}}lang"))


def sniff(text: str) -> bool:
    """A ``<tt>`` root (any prefix), after an optional XML declaration, comments or doctype."""
    return bool(_SNIFF_RE.match(text.lstrip("\ufeff")[:4096]))


FORMAT = Format("ttml", "TTML (DFXP, EBU-TT-D, iTunes)", (".ttml", ".dfxp", ".xml"), sniff=sniff, parse=parse_ttml)
