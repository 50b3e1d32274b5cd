"""Cue and Track: the one data model every reader returns and every writer takes.

Times are integer milliseconds. A cue's text is kept as *markup* in WebVTT cue-text syntax, the
richest of the common formats, extended with SRT's ``<font>`` tag:

- lines are separated by ``"\\n"``;
- ``<i> <b> <u>``, ``<c.class>``, ``<v Speaker>``, ``<lang xx>``, ``<ruby>``/``<rt>``, inline
  timestamps ``<00:00:01.000>`` and ``<font color="#ff0000" face="Arial">`` are kept verbatim;
- ``&``, ``<`` and ``>`` that are text, not markup, are escaped as ``&amp;``, ``&lt;``, ``&gt;``
  (readers of formats without escaping escape them; writers unescape them);
- ASS override blocks with no tag equivalent (``{\\fad(200,200)}``, ``{\\pos(10,20)}``) are kept
  verbatim as ``{...}`` so an ASS round trip loses nothing;
- the numpad position of ``{\\anN}`` (SRT, ASS) lives on ``Cue.align``, not in the text.

`Cue.plain` is the text a viewer reads: markup removed, entities decoded. QC counts characters on it,
NLP reads it.

Positions are stable: ``Cue.position`` is the index of the cue block in document order of the file as
read, every cue block counted, empty ones included. Sorting or dropping cues never renumbers them.
"""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from subpipe.errors import Finding

# Markup we recognise as tags (anything else between < and > is text and gets escaped by readers).
TAG_RE = re.compile(
    r"</?(?:[ibus]|c|v|lang|ruby|rt|font)(?:[.\s][^<>]*)?>|<\d{1,}:\d{2}(?::\d{2})?\.\d{3}>",
    re.IGNORECASE,
)
ASS_BLOCK_RE = re.compile(r"\{\\[^{}]*\}")
_VERBATIM_RE = re.compile(f"{TAG_RE.pattern}|{ASS_BLOCK_RE.pattern}", re.IGNORECASE)
VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")


def strip_markup(text: str) -> str:
    """Text without tags, ASS override blocks or entities.

    >>> strip_markup('<v Mary><i>No</i> way &amp; back!</v>{\\\\fad(1,2)}')
    'No way & back!'
    """
    text = TAG_RE.sub("", text)
    text = ASS_BLOCK_RE.sub("", text)
    return html.unescape(text) if "&" in text else text


def escape_text(text: str) -> str:
    """Escape a run of plain text (no markup) into cue markup.

    >>> escape_text('Fish & <chips>')
    'Fish &amp; &lt;chips&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_loose(text: str) -> str:
    """Make text from a format without escaping (SRT, ASS, SAMI) into valid markup.

    Recognised tags and ASS override blocks stay as they are; a ``&`` that does not start an entity and
    a ``<``/``>`` that are not part of a tag become entities.

    >>> escape_loose('<i>R&D</i> costs < 5 &amp; more')
    '<i>R&amp;D</i> costs &lt; 5 &amp; more'
    >>> print(escape_loose(r'{\\c&H0000FF&}red & blue'))
    {\\c&H0000FF&}red &amp; blue
    """
    if "&" not in text and "<" not in text and ">" not in text:
        return text  # tags and override blocks stay verbatim and there is nothing else to escape
    out: list[str] = []
    pos = 0
    for m in _VERBATIM_RE.finditer(text):
        out.append(_escape_run(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_run(text[pos:]))
    return "".join(out)


_ENTITY_RE = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def _escape_run(run: str) -> str:
    if not any(ch in run for ch in "&<>"):
        return run
    pieces: list[str] = []
    pos = 0
    for m in _ENTITY_RE.finditer(run):
        pieces.append(escape_text(run[pos:m.start()]))
        pieces.append(m.group(0))
        pos = m.end()
    pieces.append(escape_text(run[pos:]))
    return "".join(pieces)


def unescape_text(markup: str) -> str:
    """Decode entities but keep tags: what a format without escaping (SRT) should store."""
    if "&" not in markup:
        return markup
    return html.unescape(markup)


def format_timecode(ms: int, sep: str = ",", hours: bool = True) -> str:
    """Milliseconds as ``HH:MM:SS,mmm`` (SRT) or with another separator.

    >>> format_timecode(3723004)
    '01:02:03,004'
    >>> format_timecode(3004, '.', hours=False)
    '00:03.004'
    """
    if ms < 0:
        ms = 0
    h, rem = divmod(int(ms), 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    if hours or h:
        return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"
    return f"{m:02d}:{s:02d}{sep}{milli:03d}"


@dataclass
class Cue:
    """One subtitle event.

    `identifier` is the SRT index or WebVTT cue id as written; `line` is the 1-based file line where
    the cue block starts; `settings` holds WebVTT cue settings (``{"line": "0", "align": "start"}``);
    `style`, `layer`, `margins` and `effect` carry ASS fields; `speaker` is the ASS Name field or the
    first WebVTT voice.

    `lang` is the language spoken in the cue (BCP 47, ``und`` for a cue without words: music, sounds,
    interjections); ``None`` means the track's language (`Track.cue_lang`), so a single-language track
    carries nothing per cue and costs nothing more. `lang_confidence` (0-1) and `lang_origin`
    (``declared``, ``detected`` or ``override``) say how sure and where the call came from;
    `line_langs` holds one language per line where a cue's lines differ (two speakers on dash lines).
    """

    start: int
    end: int
    text: str = ""
    position: int = 0
    line: int | None = None
    identifier: str = ""
    align: int | None = None
    speaker: str | None = None
    settings: dict[str, str] = field(default_factory=dict)
    style: str | None = None
    layer: int = 0
    margins: tuple[int, int, int] | None = None
    effect: str = ""
    comment: bool = False
    lang: str | None = None
    lang_confidence: float | None = None
    lang_origin: str | None = None
    line_langs: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        self.start = int(self.start)
        self.end = int(self.end)
        if self.speaker is None:
            m = VOICE_RE.search(self.text)
            if m:
                self.speaker = m.group(1).strip()

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def plain(self) -> str:
        return strip_markup(self.text)

    @property
    def lines(self) -> list[str]:
        return self.plain.split("\n")

    def timecode(self, sep: str = ",") -> str:
        """``00:00:01,000 --> 00:00:02,500`` (`sep` ``"."``: as WebVTT and QC messages write it)."""
        return f"{format_timecode(self.start, sep)} --> {format_timecode(self.end, sep)}"

    def copy(self, **changes) -> "Cue":
        new = replace(self, **changes)
        new.settings = dict(new.settings)
        return new


@dataclass
class Track:
    """A subtitle track: cues in document order plus what the reader learnt and noticed.

    `meta` carries what a format needs for a faithful rewrite (WebVTT header text, STYLE and REGION
    blocks; ASS script info); `styles` maps ASS style names to pysubs2 ``SSAStyle`` dicts.
    """

    cues: list[Cue] = field(default_factory=list)
    path: str | None = None
    format: str | None = None
    encoding: str | None = None
    lang: str | None = None
    fps: float | None = None
    meta: dict = field(default_factory=dict)
    styles: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cues)

    def __iter__(self) -> Iterator[Cue]:
        return iter(self.cues)

    def __getitem__(self, i: int) -> Cue:
        return self.cues[i]

    @property
    def duration(self) -> int:
        """End of the last cue, in ms (0 for an empty track)."""
        return max((c.end for c in self.cues), default=0)

    def cue_lang(self, cue: Cue) -> str:
        """The language spoken in `cue`: its own call, else the track's, else ``und``."""
        return cue.lang or self.lang or "und"

    def languages(self) -> list[tuple[str, int, float]]:
        """``(code, cues, share)`` of every language spoken in the track, most cues first.

        >>> Track([Cue(0, 1, "Hi"), Cue(1, 2, "你好", lang="zh"), Cue(2, 3, "Yes")], lang="en").languages()
        [('en', 2, 0.667), ('zh', 1, 0.333)]
        """
        counts: dict[str, int] = {}
        for cue in self.cues:
            if not cue.comment:
                code = self.cue_lang(cue)
                counts[code] = counts.get(code, 0) + 1
        total = sum(counts.values()) or 1
        return [(code, n, round(n / total, 3)) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def by_position(self) -> dict[int, Cue]:
        return {c.position: c for c in self.cues}

    def dropped(self) -> list[Finding]:
        return [f for f in self.findings if f.dropped]

    def copy(self, cues: list[Cue] | None = None, **changes) -> "Track":
        new = replace(self, **changes)
        new.cues = [c.copy() for c in (self.cues if cues is None else cues)]
        new.findings = list(new.findings)
        new.meta = dict(new.meta)
        new.styles = {k: dict(v) for k, v in new.styles.items()}
        return new
