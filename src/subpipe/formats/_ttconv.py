"""Shared plumbing for the formats read or written through ttconv (IMSC, EBU-STL, SCC).

ttconv (Sandflow's timed-text converter) has one data model, `ttconv.model.ContentDocument`, that its
readers (IMSC, EBU-STL, SCC) fill and its writers (IMSC, SCC) read. This module goes between that
model and subpipe's `Track`:

- `track_from_document`: every ``<p>`` of the document is a cue, in document order; times are the sum
  of the offsets of the ``p`` and its ancestors (ttconv keeps them relative to the parent, as TTML
  does), rounded to whole milliseconds; italic, bold, underline and non-white colours become ``<i>``,
  ``<b>``, ``<u>`` and ``<font color>``; ``<br>`` a line break; the region's place on the screen
  (where its text is anchored: its top, middle or bottom edge by ``displayAlign``) and the
  paragraph's ``textAlign`` give the numpad position `Cue.align`.
- `ttconv_messages`: ttconv reports problems through `logging` rather than exceptions; the records it
  logs while one call runs in this thread are collected so a reader can turn them into findings.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import ttconv.model as model
import ttconv.style_properties as styles

from subpipe.cues import Cue, Track, escape_text, format_timecode
from subpipe.errors import Finding
from subpipe.formats._pysubs2 import Cursor, timing_findings

WHITE = (255, 255, 255)

# Numpad rows of `Cue.align`: 1-3 bottom, 4-6 middle, 7-9 top; columns left, centre, right.
_COLUMNS = {styles.TextAlignType.start: 1, styles.TextAlignType.center: 2, styles.TextAlignType.end: 3}


# --- ttconv's log -----------------------------------------------------------------------------------

class _ThreadRecords(logging.Handler):
    """Keeps what one thread logs (flows read files from several threads at once), with where the
    reader was at that moment."""

    def __init__(self, cursor: Cursor | None) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.cursor = cursor
        self.records: list[tuple[str, int | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append((record.getMessage(), self.cursor.line if self.cursor else None))


@contextmanager
def ttconv_messages(cursor: Cursor | None = None) -> Iterator[list[tuple[str, int | None]]]:
    """The warnings and errors ttconv logs inside the block (this thread's), each with ``cursor.line``."""
    logger = logging.getLogger("ttconv")
    handler = _ThreadRecords(cursor)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def log_findings(records: list[tuple[str, int | None]], path: str, kind: str,
                 unit: str | None = None) -> list[Finding]:
    """ttconv's messages as findings: the first place of each message, and how many times it came.

    The place is a file line, or with `unit` (``"TTI block"``: a binary file has no lines) said in
    the message.
    """
    first: dict[str, int | None] = {}
    counts: dict[str, int] = {}
    for message, place in records:
        first.setdefault(message, place)
        counts[message] = counts.get(message, 0) + 1
    findings = []
    for msg, place in first.items():
        text = f"ttconv: {msg}" + (f" ({counts[msg]} times)" if counts[msg] > 1 else "")
        if unit and place is not None:
            text += f", first at {unit} {place}"
        findings.append(Finding(kind, text, path, None if unit else place, severity="warning"))
    return findings


# --- model -> Track ---------------------------------------------------------------------------------

def _ms(seconds: Fraction) -> int:
    return round(seconds * 1000)


def _inherited(elem: model.ContentElement, prop) -> object | None:
    while elem is not None:
        if elem.has_style(prop):
            return elem.get_style(prop)
        elem = elem.parent()
    return None


def _region_of(elem: model.ContentElement) -> model.Region | None:
    while elem is not None:
        if elem.get_region() is not None:
            return elem.get_region()
        elem = elem.parent()
    return None


def _percent(length: styles.LengthType, whole_px: int) -> float | None:
    if length.units in (styles.LengthType.Units.pct, styles.LengthType.Units.rh, styles.LengthType.Units.rw):
        return float(length.value)
    if length.units == styles.LengthType.Units.px and whole_px:
        return 100.0 * float(length.value) / whole_px
    return None


def _row(region: model.Region | None, doc: model.ContentDocument) -> int:
    """0 bottom, 3 middle, 6 top: where the region anchors its text, in thirds of the screen."""
    if region is None:
        return 0
    origin = region.get_style(styles.StyleProperties.Origin)
    extent = region.get_style(styles.StyleProperties.Extent)
    if origin is None or extent is None:
        return 0
    height_px = doc.get_px_resolution().height
    top, height = _percent(origin.y, height_px), _percent(extent.height, height_px)
    if top is None or height is None:
        return 0
    display = region.get_style(styles.StyleProperties.DisplayAlign) or styles.DisplayAlignType.before
    anchor = {styles.DisplayAlignType.before: top, styles.DisplayAlignType.center: top + height / 2,
              styles.DisplayAlignType.after: top + height}[display]
    return 6 if anchor < 100 / 3 else 3 if anchor < 200 / 3 else 0


def cue_align(p: model.P, doc: model.ContentDocument) -> int | None:
    """The numpad position of a paragraph; None for bottom centre, the subtitle default."""
    column = _COLUMNS.get(_inherited(p, styles.StyleProperties.TextAlign), 2)
    numpad = _row(_region_of(p), doc) + column
    return None if numpad == 2 else numpad


def _flags(elem: model.ContentElement) -> tuple[str, ...]:
    on = []
    if _inherited(elem, styles.StyleProperties.FontStyle) in (styles.FontStyleType.italic,
                                                               styles.FontStyleType.oblique):
        on.append("i")
    if _inherited(elem, styles.StyleProperties.FontWeight) == styles.FontWeightType.bold:
        on.append("b")
    decoration = _inherited(elem, styles.StyleProperties.TextDecoration)
    if decoration is not None and decoration.underline:
        on.append("u")
    if decoration is not None and decoration.line_through:
        on.append("s")
    return tuple(on)


def _color(elem: model.ContentElement) -> str | None:
    color = _inherited(elem, styles.StyleProperties.Color)
    if color is None or tuple(color.components[:3]) == WHITE:
        return None
    return "{:02x}{:02x}{:02x}".format(*color.components[:3])


def _styled(text: str, flags: tuple[str, ...], color: str | None) -> str:
    for tag in reversed(flags):
        text = f"<{tag}>{text}</{tag}>"
    return f'<font color="#{color}">{text}</font>' if color else text


def _absolute_begin(elem: model.ContentElement) -> Fraction:
    """Where an element starts on the timeline: its offset plus its ancestors' (TTML's time containment)."""
    total = Fraction(0)
    while elem is not None:
        total += elem.get_begin() or 0
        elem = elem.parent()
    return total


def paragraph_markup(p: model.P, shown_from: int) -> str:
    """Cue markup of a paragraph: each text run wrapped in the styling it inherits; a span that starts
    after `shown_from` (ms: the lines of an EBU-STL cumulative set) is preceded by an inline timestamp."""
    runs: list[str] = []
    for elem in p.dfs_iterator():
        if isinstance(elem, model.Br):
            runs.append("\n")
        elif isinstance(elem, model.Span) and elem.get_begin() is not None:
            start = _ms(_absolute_begin(elem))
            if start > shown_from:
                runs.append(f"<{format_timecode(start, '.')}>")
        elif isinstance(elem, model.Text) and elem.get_text():
            runs.append(_styled(escape_text(elem.get_text()), _flags(elem.parent()), _color(elem.parent())))
    return _merge_adjacent("".join(runs))


def _merge_adjacent(markup: str) -> str:
    """``<i>a</i><i>b</i>`` -> ``<i>ab</i>``: runs split by the source format, not by the styling."""
    for tag in ("i", "b", "u", "s"):
        markup = markup.replace(f"</{tag}><{tag}>", "")
    return markup


def _tidy(markup: str) -> str:
    # Teletext and 608 captions pad lines with spaces to place them; the padding is not text.
    return "\n".join(line.strip(" ") for line in markup.split("\n"))


def _interval(elem: model.ContentElement) -> tuple[Fraction, Fraction | None]:
    """Absolute begin and end of an element, its end clipped to its ancestors' (None: open)."""
    chain: list[model.ContentElement] = []
    while elem is not None:
        chain.append(elem)
        elem = elem.parent()
    begin, end = Fraction(0), None
    for node in reversed(chain):  # from the body down to the element
        parent_begin = begin
        begin = parent_begin + (node.get_begin() or 0)
        if node.get_end() is not None:
            own_end = parent_begin + node.get_end()
            end = own_end if end is None else min(own_end, end)
    return begin, end


def _paragraph_interval(p: model.P) -> tuple[Fraction, Fraction | None]:
    """A paragraph's time; an untimed one (an EBU-STL cumulative set) spans its timed spans."""
    if p.get_begin() is not None or p.get_end() is not None:
        return _interval(p)
    timed = [_interval(e) for e in p.dfs_iterator() if isinstance(e, model.Span) and e.get_begin() is not None]
    if not timed:
        return _interval(p)
    ends = [e for _, e in timed if e is not None]
    return min(b for b, _ in timed), max(ends) if ends else None


def track_from_document(doc: model.ContentDocument, *, path: str, format: str) -> Track:
    """A ttconv document as a Track: a cue per paragraph, document order, times to the millisecond."""
    body = doc.get_body()
    paragraphs = [e for e in body.dfs_iterator() if isinstance(e, model.P)] if body is not None else []
    cues: list[Cue] = []
    findings: list[Finding] = []
    for position, p in enumerate(paragraphs):
        begin, end = _paragraph_interval(p)
        cue = Cue(_ms(begin), _ms(end) if end is not None else _ms(begin), _tidy(paragraph_markup(p, _ms(begin))),
                  position=position, identifier=p.get_id() or "", align=cue_align(p, doc))
        if end is None:
            findings.append(Finding("open-end", "no end time: ends as it starts", path, None, position,
                                    "warning", start_ms=cue.start))
        cues.append(cue)
    findings.extend(timing_findings(cues, path))
    return Track(cues=cues, path=path, format=format, lang=doc.get_lang() or None, findings=findings)
