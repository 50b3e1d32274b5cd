"""SAMI (Microsoft Synchronized Accessible Media Interchange, ``.smi``): read only.

Our own reader on `html.parser`: pysubs2 1.8.1 turns the ``&nbsp;`` syncs that end a caption into
captions of their own and invents end times from the text length, and pysubs2 cannot write SAMI.

SAMI has no end times: a ``<SYNC Start=ms>`` shows its text until the next sync starts. So

- a sync whose text (for the chosen language class) is blank, usually ``<P>&nbsp;``, only ends the
  caption before it; it is not a cue block. Every sync with text is a cue block, positions counted
  in document order;
- a caption ends when the next later sync starts; the last one, which nothing ends, gets
  500 ms + 67 ms per character (pysubs2's estimate) and a finding;
- a file with several language classes (``<P Class=ENCC>``, ``<P Class=FRCC>``) yields the first
  class used in the body; the others are reported, not mixed in. ``track.lang`` comes from the
  class's ``lang:`` in ``<STYLE>`` when given;
- ``<i> <b> <u>`` and ``<font color>`` are kept, ``<br>`` is a line break, other tags are dropped
  keeping their text, whitespace collapses as in HTML;
- a ``<`` whose tag is never closed (no ``>`` before the next ``<``) is read as text, reported
  (``unclosed-tag``). This keeps parsing linear: Python's `html.parser` rescans the rest of the
  document for each unclosed tag, so 10,000 of them took 40 s.

>>> track = FORMAT.parse('''<SAMI><BODY>
... <SYNC Start=1000><P Class=ENCC>Hello <i>there</i><br>friend
... <SYNC Start=3500><P Class=ENCC>&nbsp;
... </BODY></SAMI>''', path="x.smi")
>>> [(c.start, c.end, c.text, c.line) for c in track]
[(1000, 3500, 'Hello <i>there</i>\\nfriend', 2)]
"""

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from subpipe.cues import Cue, Track, escape_text
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._pysubs2 import Cursor, color_hex, guarded, timing_findings
from subpipe.limits import excerpt

_SNIFF_RE = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<sami[\s>]", re.IGNORECASE | re.DOTALL)
_CLASS_RE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_LANG_RE = re.compile(r"lang\s*:\s*([\w-]+)", re.IGNORECASE)
_START_RE = re.compile(r"\s*(\d+)\s*(?:ms)?\s*", re.IGNORECASE)
_SPACE_RE = re.compile(r"[ \t\r\n\f]+")


@dataclass
class _Paragraph:
    cls: str | None
    parts: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)

    def markup(self) -> str:
        text = "".join(self.parts) + "".join(f"</{t}>" for t in reversed(self.open))
        lines = [re.sub(r"^((?:<[^>]+>)*) +", r"\1", line).strip(" ") for line in text.split("\n")]
        return "\n".join(lines).strip("\n")


@dataclass
class _Sync:
    start: int | None
    raw_start: str
    line: int
    paragraphs: list[_Paragraph] = field(default_factory=list)


class _SamiParser(HTMLParser):
    def __init__(self, cursor: Cursor) -> None:
        super().__init__(convert_charrefs=True)
        self.cursor = cursor
        self.syncs: list[_Sync] = []
        self.css = ""
        self.in_style = False
        self.ended = False  # after </BODY>: trailing whitespace belongs to no caption

    def paragraph(self) -> _Paragraph | None:
        if not self.syncs:
            return None
        sync = self.syncs[-1]
        if not sync.paragraphs:  # text straight inside <SYNC>, no <P>
            sync.paragraphs.append(_Paragraph(None))
        return sync.paragraphs[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cursor.line = self.getpos()[0]
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "style":
            self.in_style = True
        elif tag == "sync":
            m = _START_RE.fullmatch(values.get("start", ""))
            self.syncs.append(_Sync(int(m.group(1)) if m else None, values.get("start", ""), self.getpos()[0]))
        elif tag == "p" and self.syncs:
            self.syncs[-1].paragraphs.append(_Paragraph(values.get("class", "").lower() or None))
        elif tag == "br":
            self.add("\n")
        elif tag in ("i", "b", "u"):
            self.open_tag(tag, f"<{tag}>")
        elif tag == "font":
            rrggbb = color_hex(values.get("color", ""))
            self.open_tag("font", f'<font color="#{rrggbb}">' if rrggbb else "")

    def handle_endtag(self, tag: str) -> None:
        self.cursor.line = self.getpos()[0]
        if tag == "style":
            self.in_style = False
        elif tag in ("body", "sami"):
            self.ended = True
        elif tag in ("i", "b", "u", "font"):
            para = self.paragraph()
            if para and tag in para.open:
                while para.open:  # close what was opened inside it too, to stay well nested
                    top = para.open.pop()
                    para.parts.append(f"</{top}>")
                    if top == tag:
                        break

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.css += data
        else:
            self.add(escape_text(_SPACE_RE.sub(" ", data)))

    def add(self, markup: str) -> None:
        para = self.paragraph()
        if para is not None and not self.ended:
            para.parts.append(markup)

    def open_tag(self, name: str, markup: str) -> None:
        para = self.paragraph()
        if para is not None and markup:
            para.parts.append(markup)
            para.open.append(name)


def escape_unclosed_tags(text: str) -> tuple[str, list[int]]:
    """Each ``<`` not closed by a ``>`` before the next ``<`` as ``&lt;``, and the offsets escaped.

    Comments (``<!-- ... -->``) are kept whole. One pass: the next ``>`` and ``-->`` are looked up
    only when the scan has gone past the last ones found, so the cost is linear in the text.

    >>> escape_unclosed_tags("<SYNC Start=<SYNC Start=1000><P>a < b")
    ('&lt;SYNC Start=<SYNC Start=1000><P>a &lt; b', [0, 34])
    """
    out: list[str] = []
    escaped: list[int] = []
    none = len(text)  # "no more of them": never looked up again
    next_gt = next_comment_end = 0
    i = 0
    while (j := text.find("<", i)) >= 0:
        out.append(text[i:j])
        if text.startswith("<!--", j):
            if next_comment_end < j + 4:
                found = text.find("-->", j + 4)
                next_comment_end = none if found < 0 else found
            if next_comment_end != none:
                out.append(text[j:next_comment_end + 3])
                i = next_comment_end + 3
                continue
        if next_gt <= j:
            found = text.find(">", j + 1)
            next_gt = none if found < 0 else found
        next_lt = text.find("<", j + 1)
        unclosed = next_gt == none or 0 <= next_lt < next_gt
        out.append("&lt;" if unclosed else "<")
        if unclosed:
            escaped.append(j)
        i = j + 1
    out.append(text[i:])
    return "".join(out), escaped


def parse_sami(text: str, *, path: str = "<input>") -> Track:
    """Read a SAMI document into a Track with findings."""
    cursor = Cursor(1)
    with guarded(path, "SAMI", cursor):
        safe, escaped = escape_unclosed_tags(text)
        parser = _SamiParser(cursor)
        parser.feed(safe)
        parser.close()
        cursor.line = None
        track = _to_track(parser, path)
    if escaped:
        line = text.count("\n", 0, escaped[0]) + 1
        track.findings.insert(0, Finding("unclosed-tag", f"{len(escaped)} '<' never closed by '>' read as "
                                         f"text (first on line {line})", path, line, None, "warning",
                                         fixed=True))
    return track


def _to_track(parser: _SamiParser, path: str) -> Track:
    findings: list[Finding] = []
    classes = {name.lower(): body for name, body in _CLASS_RE.findall(parser.css)}
    used: list[str | None] = []
    for sync in parser.syncs:
        for para in sync.paragraphs:
            if para.markup().strip("\u00a0 ") and para.cls not in used:
                used.append(para.cls)
    chosen = used[0] if used else None
    if len(used) > 1:
        others = [c or "(no class)" for c in used[1:]]
        skipped = sum(1 for s in parser.syncs for p in s.paragraphs if p.cls != chosen and p.markup().strip())
        findings.append(Finding("other-languages", f"read class {chosen!r}; {skipped} caption(s) of "
                                f"{', '.join(others)} left out (read them with a file per language)", path,
                                None, None, "warning"))

    # The captions of the chosen class: (sync, markup), blank markup meaning "clear the screen".
    timeline: list[tuple[_Sync, str]] = []
    for sync in parser.syncs:
        mine = [p for p in sync.paragraphs if p.cls in (chosen, None)]
        if mine or not sync.paragraphs:
            timeline.append((sync, "\n".join(p.markup() for p in mine).strip("\n")))
    cues: list[Cue] = []
    position = 0
    starts = sorted({s.start for s, _ in timeline if s.start is not None})  # each sync ends the one before
    for sync, markup in timeline:
        if not markup.strip("\u00a0 \n"):
            continue
        if sync.start is None:
            findings.append(Finding("bad-timing", f"SYNC Start {excerpt(sync.raw_start)} is not a number of "
                                    "milliseconds: caption dropped", path, sync.line, position, "error",
                                    dropped=True))
            position += 1
            continue
        following = bisect.bisect_right(starts, sync.start)
        later = starts[following] if following < len(starts) else None
        cue = Cue(sync.start, sync.start if later is None else later, markup, position=position, line=sync.line)
        if later is None:
            cue.end = cue.start + 500 + 67 * len(cue.plain)
            findings.append(Finding("estimated-end", f"last caption has no end; shown for {cue.duration} ms "
                                    "(500 ms + 67 ms per character)", path, sync.line, position, "warning",
                                    fixed=True, start_ms=cue.start, end_ms=cue.end))
        cues.append(cue)
        position += 1
    if not parser.syncs:
        findings.append(Finding("empty-file", "no cues: no <SYNC> elements", path, severity="info"))
    findings.extend(timing_findings(cues, path))
    lang = _LANG_RE.search(classes.get(chosen or "", ""))
    meta = {"sami": {"class": chosen, "classes": sorted(classes)}}
    return Track(cues=cues, path=path, format="sami", lang=lang.group(1) if lang else None, meta=meta,
                 findings=findings)


@dataclass(frozen=True)
class SAMIFormat:
    id: str = "sami"
    name: str = "SAMI"
    extensions: tuple[str, ...] = (".smi", ".sami")
    writable: bool = False

    def sniff(self, text: str) -> bool:
        """``<SAMI>`` first, after an optional XML declaration or comments."""
        return bool(_SNIFF_RE.match(text.lstrip("\ufeff")[:4096]))

    def parse(self, text: str, *, path: str = "<input>", fps: float | None = None) -> Track:
        return parse_sami(text, path=path)

    def compose(self, track: Track, *, fps: float | None = None) -> str:
        raise SubpipeError("subpipe reads SAMI but does not write it", path=track.path, code=ErrorCode.UNKNOWN_FORMAT)


FORMAT = SAMIFormat()
