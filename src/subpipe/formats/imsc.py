"""IMSC 1.1 Text (TTML) written through ttconv, and checked against the profile's rules.

A format of its own (id ``imsc``, extensions ``.ttml``/``.imsc``/``.xml``), not a writable ``ttml``:
reading any TTML stays with `subpipe.formats.ttml` (line numbers, findings, the guarded XML parser),
while what is written is one profile of TTML, IMSC 1.1 Text, made by ttconv's IMSC writer (Sandflow's
converter, the reference implementation of IMSC's own test suite). ``subpipe convert film.srt
film.ttml`` writes IMSC, because ``imsc`` is the writable format of ``.ttml``; an IMSC file is read back
by the TTML reader (``sniff`` leaves detection to it).

What is written (`to_document`, then ttconv's ``imsc.writer``):

- ``<tt xml:lang>`` from the track's language (empty, TTML's "undetermined", without one) and
  ``ttp:contentProfiles="http://www.w3.org/ns/ttml/profile/imsc1.1/text"``, added by ttconv's
  IMSC 1.1 Text filter after its checks passed;
- a ``<p>`` per cue in document order (comment events are not subtitles and are left out), its
  ``xml:id`` ``sub1``, ``sub2``, ...;
- times as clock times with milliseconds (``00:01:02.345``), exact to the millisecond, no frame rate
  needed (IMSC's media time base); with an `fps` (``--fps``, or a frame-based source such as
  MicroDVD) as ``HH:MM:SS:FF`` with ``ttp:frameRate`` (and ``frameRateMultiplier`` for 23.976, 29.97,
  59.94), exact to the frame;
- three regions that never overlap (IMSC forbids overlapping regions shown at once), each 80 % wide:
  ``top`` (numpad 7-9, text anchored at its top edge), ``middle`` (4-6, centred) and ``bottom`` (1-3 and
  no position, anchored at its bottom edge); the numpad column is the paragraph's ``tts:textAlign``.
  The cell is the cue's ``{\\anN}`` (`Cue.align`) or, for WebVTT, its ``line`` setting (a percentage in
  thirds of the screen; a line number from the top if positive, the bottom if negative) and ``align``
  setting (`numpad`);
- ``<i> <b> <u> <s>`` and ``<font color>`` as ``tts:fontStyle``/``fontWeight``/``textDecoration``/
  ``color`` on ``<span>``, line breaks as ``<br/>``.

Kept out: voices, classes, ``<lang>`` and ruby tags (their text is kept), inline timestamps, and ASS
override blocks without a tag equivalent (``{\\fad(..)}``), which TTML cannot say.

`validate` reads a written file back through ttconv's IMSC reader and reports, as findings, what
breaks the IMSC 1.1 Text profile and, given the track it came from, any cue, time, text or italics
lost, and whether it can be presented in time under IMSC's Hypothetical Render Model (Sandflow's
``imschrm``, built on ttconv). No schema validation: ``xmllint`` is installed but the W3C IMSC/TTML XSDs are not available
offline (not on PyPI, not shipped with ttconv), so the structure is checked by ttconv's reader and the
profile rules below instead.
"""

import html
import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import imschrm.hrm
import ttconv.model as model
import ttconv.style_properties as styles
from ttconv.filters.doc.imsc11text import IMSC11TextFilter
from ttconv.imsc import reader as imsc_reader
from ttconv.imsc import writer as imsc_writer
from ttconv.imsc.attributes import TimeExpressionSyntaxEnum
from ttconv.imsc.config import ContentProfilesSignaling, IMSCWriterConfiguration
from ttconv.imsc.designators import IMSC_11_TEXT_PROFILE_DESIGNATOR
from ttconv.isd import ISD

from subpipe.cues import ASS_BLOCK_RE, TAG_RE, Cue, Track, format_timecode, strip_markup
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._pysubs2 import color_hex
from subpipe.formats._ttconv import log_findings, track_from_document, ttconv_messages
from subpipe.formats.base import Format
from subpipe.formats.ttml import TTML_NS, XML_NS, parse_ttml, parse_xml

TTP_NS = "http://www.w3.org/ns/ttml#parameter"

# (id, top %, height %, displayAlign): thirds of the 80 % title-safe height, 10 % margins around, in
# whole percents with a 1 % gap, so that no rounding makes two of them overlap.
_REGIONS = (("top", 10, 26, styles.DisplayAlignType.before),
            ("middle", 37, 26, styles.DisplayAlignType.center),
            ("bottom", 64, 26, styles.DisplayAlignType.after))
_TEXT_ALIGN = {1: styles.TextAlignType.start, 2: styles.TextAlignType.center, 3: styles.TextAlignType.end}
# NTSC rates as the exact fractions TTML writes with ttp:frameRateMultiplier="1000 1001".
_NTSC = {23.976: Fraction(24000, 1001), 29.97: Fraction(30000, 1001), 59.94: Fraction(60000, 1001)}
_MARKUP_RE = re.compile(f"{TAG_RE.pattern}|{ASS_BLOCK_RE.pattern}", re.IGNORECASE)
_COLOR_ATTR_RE = re.compile(r"""color\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- Track -> ttconv model ---------------------------------------------------------------------------

def _vtt_row(line: str) -> int | None:
    """0 bottom, 3 middle, 6 top from a WebVTT ``line`` setting (``6%``, ``0``, ``-1``, ``50%,center``)."""
    value = line.split(",")[0].strip()
    try:
        if value.endswith("%"):
            percent = float(value[:-1])
            return 6 if percent < 100 / 3 else 3 if percent < 200 / 3 else 0
        return 6 if int(value) >= 0 else 0  # line numbers count from the top, negative ones from the bottom
    except ValueError:
        return None


def numpad(cue: Cue) -> int | None:
    """Where a cue sits, as a numpad cell: its `Cue.align` (SRT/ASS ``{\\anN}``), else its WebVTT
    ``line``/``align`` settings; None for bottom centre, the subtitle default.

    >>> numpad(Cue(0, 1, "x", settings={"line": "6%", "size": "110%"})), numpad(Cue(0, 1, "x", align=3))
    (8, 3)
    >>> numpad(Cue(0, 1, "x", settings={"line": "-1", "align": "start"})), numpad(Cue(0, 1, "x"))
    (1, None)
    """
    if cue.align:
        return cue.align
    row = _vtt_row(cue.settings["line"]) if "line" in cue.settings else 0
    column = {"start": 1, "left": 1, "end": 3, "right": 3}.get(cue.settings.get("align", ""), 2)
    cell = (row or 0) + column
    return None if cell == 2 else cell


def _region_name(align: int | None) -> str:
    return "top" if align in (7, 8, 9) else "middle" if align in (4, 5, 6) else "bottom"


def _make_region(doc: model.ContentDocument, name: str) -> model.Region:
    _, top, height, display = next(r for r in _REGIONS if r[0] == name)
    region = model.Region(name, doc)
    region.set_style(styles.StyleProperties.Origin, styles.CoordinateType(
        x=styles.LengthType(10, styles.LengthType.Units.pct), y=styles.LengthType(top, styles.LengthType.Units.pct)))
    region.set_style(styles.StyleProperties.Extent, styles.ExtentType(
        width=styles.LengthType(80, styles.LengthType.Units.pct),
        height=styles.LengthType(height, styles.LengthType.Units.pct)))
    region.set_style(styles.StyleProperties.DisplayAlign, display)
    doc.put_region(region)
    return region


def _span(doc: model.ContentDocument, text: str, open_tags: list[tuple[str, str | None]]) -> model.Span:
    span = model.Span(doc)
    tags = {tag for tag, _ in open_tags}
    if "i" in tags:
        span.set_style(styles.StyleProperties.FontStyle, styles.FontStyleType.italic)
    if "b" in tags:
        span.set_style(styles.StyleProperties.FontWeight, styles.FontWeightType.bold)
    if "u" in tags or "s" in tags:
        span.set_style(styles.StyleProperties.TextDecoration, styles.TextDecorationType(
            underline=True if "u" in tags else None, line_through=True if "s" in tags else None))
    colors = [value for tag, value in open_tags if tag == "font" and value]
    if colors:
        rgb = bytes.fromhex(colors[-1])
        span.set_style(styles.StyleProperties.Color, styles.ColorType((rgb[0], rgb[1], rgb[2], 255)))
    span.push_child(model.Text(doc, _XML_ILLEGAL_RE.sub("", text)))
    return span


def _open_tag(token: str) -> tuple[str, str | None] | None:
    name = re.match(r"<\s*([a-zA-Z]+)", token)
    if not name or token.startswith("</"):
        return None
    tag = name.group(1).lower()
    if tag == "font":
        color = _COLOR_ATTR_RE.search(token)
        return ("font", color_hex(color.group(1)) if color else None)
    return (tag, None) if tag in ("i", "b", "u", "s") else None


def _close(open_tags: list[tuple[str, str | None]], token: str) -> None:
    tag = token[2:-1].strip().split(".")[0].split()[0].lower() if len(token) > 3 else ""
    for i in range(len(open_tags) - 1, -1, -1):
        if open_tags[i][0] == tag:
            del open_tags[i]
            return


def fill_paragraph(doc: model.ContentDocument, p: model.P, markup: str) -> None:
    """Spans and line breaks of cue `markup`, styled by the tags open around each run of text."""
    open_tags: list[tuple[str, str | None]] = []
    pos = 0
    for m in [*_MARKUP_RE.finditer(markup), None]:
        run = markup[pos:m.start() if m else len(markup)]
        for i, line in enumerate(html.unescape(run).split("\n")):
            if i:
                p.push_child(model.Br(doc))
            if line:
                p.push_child(_span(doc, line, open_tags))
        if m is None:
            break
        token, pos = m.group(0), m.end()
        if token.startswith("</"):
            _close(open_tags, token)
        elif (opened := _open_tag(token)) is not None:
            open_tags.append(opened)


def to_document(track: Track) -> model.ContentDocument:
    """The track as a ttconv document: regions by numpad row, a paragraph per cue (comments left out)."""
    doc = model.ContentDocument()
    doc.set_lang(track.lang or "")
    body = model.Body(doc)
    div = model.Div(doc)
    body.push_child(div)
    doc.set_body(body)
    regions: dict[str, model.Region] = {}
    for number, cue in enumerate((c for c in track.cues if not c.comment), start=1):
        cell = numpad(cue)
        name = _region_name(cell)
        if name not in regions:
            regions[name] = _make_region(doc, name)
        p = model.P(doc)
        p.set_id(f"sub{number}")  # positions need not be unique in a built track; xml:id must
        p.set_begin(Fraction(cue.start, 1000))
        p.set_end(Fraction(max(cue.end, cue.start), 1000))
        p.set_region(regions[name])
        p.set_style(styles.StyleProperties.TextAlign, _TEXT_ALIGN[(cell - 1) % 3 + 1 if cell else 2])
        fill_paragraph(doc, p, cue.text)
        div.push_child(p)
    return doc


def _writer_config(fps: float | None) -> IMSCWriterConfiguration:
    config = IMSCWriterConfiguration(profile_signaling=ContentProfilesSignaling.CONTENT_PROFILES)
    if fps:
        rate = _NTSC.get(round(fps, 3), Fraction(fps).limit_denominator(1001))
        config.fps = rate
        config.time_format = (TimeExpressionSyntaxEnum.clock_time_with_frames if rate.denominator == 1
                              else TimeExpressionSyntaxEnum.frames)
    return config


def compose_imsc(track: Track, *, fps: float | None = None) -> str:
    """IMSC 1.1 Text document of `track`; `SubpipeError` if ttconv's profile filter refuses it."""
    doc = to_document(track)
    try:
        IMSC11TextFilter().process(doc)
        tree = imsc_writer.from_model(doc, _writer_config(fps))
    except ValueError as exc:
        raise SubpipeError(f"cannot write IMSC 1.1 Text: {exc}", path=track.path, code=ErrorCode.IMSC) from None
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree.getroot(), encoding="unicode") + "\n"


# --- validation -------------------------------------------------------------------------------------

def _source_text(source: str | bytes | os.PathLike) -> tuple[str, str]:
    """(text, path) of a file name or of the document itself."""
    if isinstance(source, bytes):
        return source.decode("utf-8", errors="replace"), "<imsc>"
    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("<"):
        return source, "<imsc>"
    from subpipe.fileio import read_input
    from subpipe.limits import current_limits

    data = read_input(source, what="IMSC file", max_bytes=current_limits().max_file_bytes)
    return data.decode("utf-8", errors="replace"), os.fspath(source)


def _param(root: ET.Element, name: str) -> str | None:
    return root.get(f"{{{TTP_NS}}}{name}")


def _document_findings(root: ET.Element, path: str) -> list[Finding]:
    """Rules read on the XML itself, before ttconv's model forgets how they were written."""
    found = []

    def rule(kind: str, message: str) -> None:
        found.append(Finding(kind, message, path, 1, severity="error"))

    if root.tag != f"{{{TTML_NS}}}tt":
        rule("imsc-root", f"root element is {root.tag}, not <tt> in {TTML_NS}")
        return found
    if root.get(f"{{{XML_NS}}}lang") is None:
        rule("imsc-lang", "<tt> has no xml:lang (IMSC 1.1 requires it; empty means undetermined)")
    profiles = (_param(root, "contentProfiles") or "").split()
    if IMSC_11_TEXT_PROFILE_DESIGNATOR not in profiles:
        rule("imsc-profile", f"ttp:contentProfiles does not name {IMSC_11_TEXT_PROFILE_DESIGNATOR}")
    if (_param(root, "timeBase") or "media") != "media":
        rule("imsc-time-base", f"ttp:timeBase is {_param(root, 'timeBase')!r}; IMSC allows only media")
    times = " ".join(e.get(a, "") for e in root.iter() for a in ("begin", "end", "dur"))
    if re.search(r"\d+(?:\.\d+)?f\b|\d{2}:\d{2}:\d{2}:\d{2}", times) and _param(root, "frameRate") is None:
        rule("imsc-frame-rate", "frame time expressions without ttp:frameRate")
    if re.search(r"\d+(?:\.\d+)?t\b", times) and _param(root, "tickRate") is None:
        rule("imsc-tick-rate", "tick time expressions without ttp:tickRate")
    return found


def _region_findings(doc: model.ContentDocument, path: str) -> list[Finding]:
    """Every region inside the root container: origin + extent at most 100 % each way."""
    found = []
    pct = (styles.LengthType.Units.pct, styles.LengthType.Units.rw, styles.LengthType.Units.rh)
    px = doc.get_px_resolution()
    for region in doc.iter_regions():
        origin = region.get_style(styles.StyleProperties.Origin)
        extent = region.get_style(styles.StyleProperties.Extent)
        if origin is None or extent is None:
            continue
        for axis, start, size, whole in (("width", origin.x, extent.width, px.width),
                                         ("height", origin.y, extent.height, px.height)):
            if start.units in pct and size.units in pct:
                beyond = start.value + size.value > 100 + 1e-6
            elif start.units == size.units == styles.LengthType.Units.px:
                beyond = start.value + size.value > whole
            else:
                continue
            if beyond:
                found.append(Finding("imsc-region-extent", f"region {region.get_id()!r} reaches beyond the "
                                     f"root container's {axis} ({start.value}{start.units.value} + "
                                     f"{size.value}{size.units.value})", path, severity="error"))
    return found


class _HRMEvents(imschrm.hrm.EventHandler):
    """Keeps the HRM's errors as findings instead of logging them."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def error(self, msg, doc_index, time_offset, available_time, stats) -> None:
        at = format_timecode(round(time_offset * 1000), ".")
        self.findings.append(Finding(
            "imsc-hrm", f"{msg} at {at}: the hypothetical render model needs {float(stats.dur):.3f} s, "
            f"{float(available_time):.3f} s available ({stats.gren_count} glyphs rendered)", self.path,
            severity="error", start_ms=round(time_offset * 1000)))

    def warn(self, *args) -> None:  # the HRM warns about nothing the profile requires
        pass

    def info(self, *args) -> None:
        pass

    def debug(self, *args) -> None:
        pass


def hrm_findings(doc: model.ContentDocument, path: str) -> list[Finding]:
    """IMSC's Hypothetical Render Model (IMSC 1.1 section 11) through Sandflow's imschrm: every
    presentation can be drawn in the time before the next one (too many glyphs too fast fails)."""
    events = _HRMEvents(path)
    times = ISD.significant_times(doc)
    isds = ((Fraction(t), ISD.from_model(doc, t, times)) for t in times)
    try:
        imschrm.hrm.validate(isds, events)
    except (RuntimeError, ValueError) as exc:
        events.findings.append(Finding("imsc-hrm", f"not checkable against the HRM: {exc}", path,
                                       severity="error"))
    return events.findings


def _italic_chars(markup: str) -> list[tuple[str, bool]]:
    """The visible characters of a cue (spaces left out) and whether each is italic."""
    chars, depth, pos = [], 0, 0
    for m in [*_MARKUP_RE.finditer(markup), None]:
        run = html.unescape(markup[pos:m.start() if m else len(markup)])
        chars.extend((ch, depth > 0) for ch in run if not ch.isspace())
        if m is None:
            break
        token, pos = m.group(0).lower(), m.end()
        if re.fullmatch(r"<i\s*>", token):
            depth += 1
        elif token == "</i>":
            depth = max(0, depth - 1)
    return chars


def _lines(markup: str) -> list[str]:
    return [" ".join(line.split()) for line in strip_markup(markup).split("\n")]


def compare_tracks(expected: Track, actual: Track, path: str) -> list[Finding]:
    """What `actual` (read back) lost of `expected`: cues, times (ms), numpad positions, line text, italics."""
    # A cue of no duration is never presented, and ttconv's reader leaves such paragraphs out.
    shown = [c for c in expected.cues if not c.comment and c.end > c.start]
    unseen = [c.position for c in expected.cues if not c.comment and c.end <= c.start]
    found = [Finding("imsc-zero-duration", f"{len(unseen)} cues of no duration (positions "
                     f"{', '.join(map(str, unseen[:10]))}) are never presented: not compared", path,
                     severity="info")] if unseen else []
    if len(shown) != len(actual.cues):
        return found + [Finding("imsc-lost-cues", f"{len(actual.cues)} cues read back, {len(shown)} written",
                                path, severity="error")]
    for want, got in zip(shown, actual.cues):
        where = f"cue {want.position} ({format_timecode(want.start, '.')})"
        if (want.start, max(want.end, want.start)) != (got.start, got.end):
            found.append(Finding("imsc-lost-time", f"{where}: read back as {got.start}-{got.end} ms, written "
                                 f"{want.start}-{want.end} ms", path, position=want.position, severity="error"))
        if (numpad(want) or 2) != (got.align or 2):
            found.append(Finding("imsc-lost-position", f"{where}: position read back as numpad "
                                 f"{got.align or 2}, written {numpad(want) or 2}", path, position=want.position,
                                 severity="error"))
        if _lines(want.text) != _lines(got.text):
            found.append(Finding("imsc-lost-text", f"{where}: text read back as {got.plain!r}", path,
                                 position=want.position, severity="error"))
        elif _italic_chars(want.text) != _italic_chars(got.text):
            found.append(Finding("imsc-lost-italics", f"{where}: italics read back as {got.text!r}, written "
                                 f"{want.text!r}", path, position=want.position, severity="error"))
    return found


def read_document(text: str, path: str) -> tuple[model.ContentDocument, list[Finding]]:
    """ttconv's model of an IMSC document and what its reader logged; `SubpipeError` if it gives none."""
    root, _ = parse_xml(text, path)
    with ttconv_messages() as records:
        try:
            doc = imsc_reader.to_model(ET.ElementTree(root))
        except Exception as exc:  # ttconv raises what it meets; it is this document's fault, said once
            raise SubpipeError(f"ttconv's IMSC reader failed ({type(exc).__name__}: {exc})", path=path,
                               code=ErrorCode.IMSC) from None
    if doc is None:
        raise SubpipeError("ttconv's IMSC reader found no <tt> document", path=path, code=ErrorCode.IMSC)
    return doc, log_findings(records, path, "imsc-reader")


def validate(source: str | bytes | os.PathLike, *, expected: Track | None = None) -> list[Finding]:
    """Findings of an IMSC 1.1 Text document (a path, or the XML text): none means it passes.

    Checked: well-formed XML; ``<tt>`` in the TTML namespace with ``xml:lang``; the IMSC 1.1 Text
    designator in ``ttp:contentProfiles``; media time base; frame and tick times with their rates;
    ttconv's IMSC reader without a warning; ttconv's IMSC 1.1 Text filter (allowed elements and style
    properties, ``tts:extent`` on every region, at most 4 regions shown at once and none overlapping,
    ``c`` units only in ``linePadding``, ...); every region inside the root container; the
    Hypothetical Render Model (`hrm_findings`); no paragraph ending before it starts. With `expected` (the track written), also no cue, time, text or italics
    lost (`compare_tracks`). Characters per line are a delivery style rule: `subpipe.qc` checks them.

    >>> from subpipe.cues import Cue
    >>> track = Track([Cue(1000, 2500, "<i>Hello</i>\\nworld", align=8)], lang="en")
    >>> validate(compose_imsc(track), expected=track)
    []
    """
    try:
        text, path = _source_text(source)
        root, _ = parse_xml(text, path)
        found = _document_findings(root, path)
        if any(f.kind == "imsc-root" for f in found):
            return found
        doc, logged = read_document(text, path)
    except SubpipeError as exc:
        return [Finding("imsc-unreadable", exc.message, exc.path, exc.line, severity="error")]
    found += logged + _region_findings(doc, path)
    try:
        IMSC11TextFilter().process(doc)
    except ValueError as exc:
        found.append(Finding("imsc-profile-rule", str(exc), path, severity="error"))
    else:  # the HRM assumes a document the profile's other rules accept
        found += hrm_findings(doc, path)
    back = track_from_document(doc, path=path, format="imsc")
    found += [Finding("imsc-timing", f"ends before it starts ({cue.start}-{cue.end} ms)", path,
                      position=cue.position, severity="error") for cue in back.cues if cue.end < cue.start]
    if expected is not None:
        found += compare_tracks(expected, back, path)
    return found


# --- the format -------------------------------------------------------------------------------------

def _never(text: str) -> bool:
    """An IMSC file is TTML, detected and read by `subpipe.formats.ttml`."""
    return False


def parse_imsc(text: str, *, path: str = "<input>", fps: float | None = None) -> Track:
    track = parse_ttml(text, path=path)
    track.format = "imsc"
    return track


FORMAT = Format("imsc", "IMSC 1.1 Text (TTML), written through ttconv", (".ttml", ".imsc", ".xml"),
                sniff=_never, parse=parse_imsc, compose=compose_imsc, counts_frames=True)


def write_validated(track: Track, path: str | os.PathLike, *,
                    fps: float | None = None) -> tuple[Path, list[Finding]]:
    """Write `track` as IMSC (atomically) and return the findings of `validate` against it."""
    from subpipe.fileio import write_text_atomic

    # Frame times are exact to the frame, not the millisecond: compared only without a frame rate.
    frames = fps or track.fps
    out = write_text_atomic(path, compose_imsc(track, fps=frames))
    return out, validate(out, expected=None if frames else track)
