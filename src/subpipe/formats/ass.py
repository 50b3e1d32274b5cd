"""SubStation Alpha: ASS (v4.00+) and SSA (v4.00), read by us and written through pysubs2.

The reader honours the ``Format:`` lines of ``[V4+ Styles]`` and ``[Events]`` (pysubs2 assumes the
standard field order and loses text when a file uses another), numbers every line, and reports what it
repairs. What lands where:

- ``[Script Info]`` -> ``track.meta["info"]`` (``Script Type`` spelt with a space is read as
  ``ScriptType``); ``[Aegisub Project Garbage]`` -> ``meta["aegisub_project"]``; ``[Fonts]`` and
  ``[Graphics]`` -> ``meta["fonts"]``/``meta["graphics"]`` (name -> uuencoded lines), written back;
- styles -> ``track.styles[name]``, the ``SSAStyle.as_dict()`` of each; a style's own bold/italic stays
  there (it is not copied into every cue's text);
- every event line of ``[Events]`` (Dialogue, Comment, Picture, Sound, Movie, Command) is a cue block
  and takes the next position. Dialogue and Comment lines become cues (``cue.comment`` marks Comment
  events, which a player never shows: consumers that show, check or translate text skip them); the
  other kinds, and lines whose times cannot be read, are dropped with a finding;
- event fields -> ``cue.style``, ``layer``, ``margins`` (None when all three are 0, i.e. the style's),
  ``effect``, ``speaker`` (the Name field), ``line`` (1-based line in the file);
- Text -> markup through `ass_to_markup`: ``\\N``/``\\n`` line breaks, ``\\h`` no-break space,
  ``{\\i1}``... as ``<i>``..., ``{\\anN}``/``{\\aN}`` on ``cue.align``, other tags verbatim.

Times have centisecond precision. The writer does not round each time on its own (Aegisub's nearest
10 ms turns a 24 fps two-frame gap of 83 ms into 80 ms seven times in ten, a ``gap-too-short`` the source
did not have): it puts each boundary on the centisecond at or below it or at or above it (< 10 ms away),
choosing them together so that what the track met still holds (`subpipe.formats._grid`, whose docstring
has the rule): times in order stay in order, touching cues keep touching, a gap of at least the delivery
profile's minimum stays at least that, durations keep within its minimum and maximum and no cue is shown
for less time than in the source; then each time goes to its nearest centisecond. The limits are the
ones given (`compose_substation(limits=...)`; `subpipe deliver` and `localize` give their profile's), else
the default ``netflix`` profile's for the track's language and frame rate. A limit centiseconds cannot
keep is a ``timing-resolution`` finding of ``ASS.timing(track)``. Only times that are multiples of 10 ms
survive a write and read unchanged. Times past 9:59:59.99 cannot be written.

>>> text = '''[Script Info]
... ScriptType: v4.00+
...
... [Events]
... Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
... Dialogue: 1,0:00:01.50,0:00:03.00,Default,Ann,0,0,0,,{\\\\an8}{\\\\i1}Up here{\\\\i0}\\\\Nand & here'''
>>> cue = ASS.parse(text, path="x.ass")[0]
>>> cue.start, cue.end, cue.layer, cue.speaker, cue.align, cue.text, cue.line
(1500, 3000, 1, 'Ann', 8, '<i>Up here</i>\\nand &amp; here', 6)
"""

import math
import re
from dataclasses import dataclass, field, replace

import pysubs2
from pysubs2.common import Alignment

from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats._grid import CENTISECONDS, TimingLimits, centiseconds, snap_track
from subpipe.formats._pysubs2 import (
    Cursor,
    ass_to_markup,
    end_before_start,
    guarded,
    timing_findings,
    to_ssafile,
)
from subpipe.formats.base import Format
from subpipe.limits import excerpt

_SECTION_RE = re.compile(r"\[([^\]]*[a-z][^\]]*)\]")  # a lowercase letter: uuencoded data never has one
_ATTACHMENT_RE = re.compile(r"(fontname|filename):\s*(\S.*)", re.IGNORECASE)
_TIME_RE = re.compile(r"(-?)(\d+):(\d{1,2}):(\d{1,2})(?:([.,:])(\d{1,3}))?")
_EVENT_KINDS = ("Dialogue", "Comment", "Picture", "Sound", "Movie", "Command")
_EVENT_RE = re.compile(rf"({'|'.join(_EVENT_KINDS)})\s*:\s?", re.IGNORECASE)

_STANDARD_EVENTS = {
    "ass": ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"],
    "ssa": ["marked", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"],
}
# What media3's fixtures (and Matroska tracks stripped of their header) use when there is no Format line.
_SHORT_EVENTS = ["layer", "start", "end", "style", "name", "text"]
_EVENT_FIELD_ALIASES = {"actor": "name"}

_STYLE_FIELDS = {
    "fontname": "fontname", "fontsize": "fontsize", "primarycolour": "primarycolor",
    "secondarycolour": "secondarycolor", "tertiarycolour": "tertiarycolor", "outlinecolour": "outlinecolor",
    "backcolour": "backcolor", "bold": "bold", "italic": "italic", "underline": "underline",
    "strikeout": "strikeout", "scalex": "scalex", "scaley": "scaley", "spacing": "spacing", "angle": "angle",
    "borderstyle": "borderstyle", "outline": "outline", "shadow": "shadow", "alignment": "alignment",
    "marginl": "marginl", "marginr": "marginr", "marginv": "marginv", "alphalevel": "alphalevel",
    "encoding": "encoding",
}
_INT_STYLE = {"borderstyle", "marginl", "marginr", "marginv", "alphalevel", "encoding"}
_FLOAT_STYLE = {"fontsize", "scalex", "scaley", "spacing", "angle", "outline", "shadow"}
_BOOL_STYLE = {"bold", "italic", "underline", "strikeout"}


# --- detection -----------------------------------------------------------------------------------------

def _first_line(text: str) -> str:
    """The first line that is neither blank nor a ``;`` comment."""
    for raw in text.lstrip("\ufeff").split("\n"):
        line = raw.strip()
        if line and not line.startswith(";"):
            return line
    return ""


def looks_like_substation(text: str) -> bool:
    """A SubStation script starts with a section heading or, headerless, with Format/Dialogue lines.

    >>> looks_like_substation("[Script Info]\\nTitle: x"), looks_like_substation("1\\n00:00:01,000 --> x")
    (True, False)
    """
    first = _first_line(text)
    return bool(re.fullmatch(r"\[(script info|v4\+? styles|events)\]", first, re.IGNORECASE)
                or re.match(r"(format|dialogue|comment)\s*:", first, re.IGNORECASE))


def flavour(text: str) -> str:
    """``"ass"`` or ``"ssa"``: from the styles heading, else ScriptType, else the event Format line.

    >>> flavour("[Script Info]\\nScriptType: v4.00\\n[V4 Styles]"), flavour("[Script Info]\\n[Events]")
    ('ssa', 'ass')
    """
    head = text[:20000]
    if re.search(r"^\s*\[V4\+ Styles\]", head, re.IGNORECASE | re.MULTILINE):
        return "ass"
    if re.search(r"^\s*\[V4 Styles\]", head, re.IGNORECASE | re.MULTILINE):
        return "ssa"
    script_type = re.search(r"^\s*Script\s?Type\s*:\s*v?4\.00(\+?)", head, re.IGNORECASE | re.MULTILINE)
    if script_type:
        return "ass" if script_type.group(1) else "ssa"
    if re.search(r"^\s*Format\s*:\s*Marked\b", head, re.IGNORECASE | re.MULTILINE):
        return "ssa"
    return "ass"


# --- reading ---------------------------------------------------------------------------------------------

def parse_time(value: str) -> tuple[int, str]:
    """An ASS timecode in ms and its fraction separator; ``ValueError`` if it is not one.

    >>> parse_time("0:01:02.34"), parse_time(" 0:00:04:56 ")
    ((62340, '.'), (4560, ':'))
    """
    m = _TIME_RE.fullmatch(value.strip())
    if not m:
        raise ValueError(value)
    sign, h, mi, s, sep, frac = m.groups()
    ms = (int(h) * 3600 + int(mi) * 60 + int(s)) * 1000 + (int(frac) * 10 ** (3 - len(frac)) if frac else 0)
    return (-ms if sign else ms), sep or "."


@dataclass
class _Reader:
    path: str
    flavour: str
    cursor: Cursor
    cues: list[Cue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    styles: dict[str, dict] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    section: str | None = None
    style_format: list[str] | None = None
    event_format: list[str] | None = None
    positions: int = 0
    colon_times: list[int] = field(default_factory=list)
    attachment: list[str] | None = None

    def note(self, kind: str, message: str, *, line: int | None = None, position: int | None = None,
             severity: str = "warning", fixed: bool = False, dropped: bool = False,
             cue: Cue | None = None) -> None:
        self.findings.append(Finding(
            kind, message, self.path, line if line is not None else self.cursor.line, position, severity,
            fixed, dropped, cue.start if cue else None, cue.end if cue else None))

    # one line at a time ----------------------------------------------------------------------------
    def feed(self, raw: str) -> None:
        line = raw.strip()
        if not line:
            return
        heading = _SECTION_RE.fullmatch(line)
        if heading:
            self.start_section(heading.group(1).strip())
            return
        if line.startswith(";"):
            return
        if self.section in ("fonts", "graphics"):
            self.attachment_line(line)
            return
        event = _EVENT_RE.match(line)
        in_events = self.section in (None, "events")
        if event and (in_events or self.section != "unknown" and event.group(1).lower() in ("dialogue", "comment")):
            if not in_events:  # a lost [Events] heading: the lines are still the file's cues
                self.note("misplaced-event", f"{event.group(1)} line in [{self.section.title()}], not [Events]; "
                          "read as an event", position=self.positions, fixed=True)
            self.event(event.group(1).capitalize(), raw.lstrip()[event.end():])
            return
        key, sep, value = line.partition(":")
        key = key.strip()
        if sep and self.section in ("script info", "aegisub project garbage"):
            store = self.meta.setdefault("info" if self.section == "script info" else "aegisub_project", {})
            if re.fullmatch(r"script\s?type", key, re.IGNORECASE):
                key = "ScriptType"
            store[key] = value.strip()
        elif sep and key.lower() == "format" and (
                self.section == "events" or self.section is None and "start" in value.lower()):
            self.set_event_format(value)
        elif sep and key.lower() == "format" and self.section in ("v4+ styles", "v4 styles"):
            self.style_format = [f.strip().lower() for f in value.split(",")]
        elif sep and key.lower() == "style" and self.section in ("v4+ styles", "v4 styles"):
            self.style(value)
        elif self.section != "unknown":  # an unknown section was reported once, at its heading
            self.note("unparsed-line", f"line ignored: {line[:60]!r}", severity="info")

    def start_section(self, name: str) -> None:
        self.close_attachment()
        lower = name.lower()
        known = ("script info", "v4+ styles", "v4 styles", "events", "fonts", "graphics",
                 "aegisub project garbage")
        self.section = lower if lower in known else "unknown"
        if self.section == "unknown":
            self.note("unknown-section", f"section [{name}] ignored (not written back)", severity="info")
        elif lower in ("fonts", "graphics"):
            self.meta.setdefault(lower, {})

    # attachments -----------------------------------------------------------------------------------
    def attachment_line(self, line: str) -> None:
        start = _ATTACHMENT_RE.fullmatch(line)
        if start:
            self.close_attachment()
            self.attachment = []
            self.meta[self.section][start.group(2).strip()] = self.attachment
        elif self.attachment is not None:
            self.attachment.append(line)
        else:
            self.note("unparsed-line", f"[{self.section.title()}] data before any file name ignored",
                      severity="info")

    def close_attachment(self) -> None:
        self.attachment = None

    # styles ----------------------------------------------------------------------------------------
    def style(self, value: str) -> None:
        names = self.style_format or ["name", *pysubs2.formats.substation.STYLE_FIELDS[self.flavour]]
        values = value.strip().split(",")
        if len(values) != len(names):
            self.note("malformed-style", f"style has {len(values)} fields, the Format line names "
                      f"{len(names)}; missing ones take pysubs2's defaults")
        fields = dict(zip(names, values))
        name = fields.pop("name", "").strip() or "Default"
        style = pysubs2.SSAStyle()
        for key, raw in fields.items():
            attr = _STYLE_FIELDS.get(key.replace(" ", ""))
            if attr is None:
                self.note("unknown-style-field", f"style field {key!r} ignored", severity="info")
                continue
            try:
                setattr(style, attr, self.style_value(attr, raw.strip()))
            except (ValueError, OverflowError):
                self.note("invalid-style-field", f"style {name!r}: {key} {raw.strip()!r} is not valid; "
                          f"using the default {getattr(style, attr)!r}", fixed=True)
        if name in self.styles:
            self.note("duplicate-style", f"style {name!r} defined again; the later one applies")
        self.styles[name] = style.as_dict()

    def style_value(self, attr: str, raw: str):
        if "color" in attr:
            digits = raw.rstrip("&")
            hex_form = re.fullmatch(r"&H[0-9a-fA-F]{1,8}", digits, re.IGNORECASE)
            if not hex_form and not (re.fullmatch(r"\d{1,10}", digits) and int(digits) <= 0xFFFFFFFF):
                raise ValueError(raw)
            return pysubs2.formats.substation.rgba_to_color(digits)
        if attr in _BOOL_STYLE:
            return raw not in ("0", "")
        if attr in _INT_STYLE:
            return int(raw)
        if attr in _FLOAT_STYLE:
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError(raw)
            return number
        if attr == "alignment":
            return Alignment(int(raw)) if self.flavour == "ass" else Alignment.from_ssa_alignment(int(raw))
        return raw

    # events ----------------------------------------------------------------------------------------
    def set_event_format(self, value: str) -> None:
        names = [_EVENT_FIELD_ALIASES.get(f.strip().lower(), f.strip().lower()) for f in value.split(",")]
        if names[-1:] != ["text"] or "start" not in names or "end" not in names:
            raise SubpipeError("the Format line of [Events] must name Start and End and end with Text, "
                               f"not {value.strip()!r}", path=self.path, line=self.cursor.line)
        self.event_format = names

    def guess_event_format(self, value: str) -> list[str]:
        """No Format line: the standard fields if this line fits them, else media3's short form."""
        standard = _STANDARD_EVENTS[self.flavour]
        for names in (standard, _SHORT_EVENTS):
            parts = dict(zip(names, value.split(",", len(names) - 1)))
            if "text" in parts and _fits(parts):
                return names
        return standard

    def event(self, kind: str, value: str) -> None:
        position = self.positions
        self.positions += 1
        if kind not in ("Dialogue", "Comment"):
            self.note("unsupported-event", f"{kind} event dropped (only Dialogue and Comment are read)",
                      position=position, dropped=True)
            return
        if self.event_format is None:
            self.event_format = self.guess_event_format(value)
            self.note("missing-format-line", "events without a Format line; read as "
                      f"{', '.join(n.title() for n in self.event_format)}", position=position, fixed=True)
        names = self.event_format
        parts = value.split(",", len(names) - 1)
        if len(parts) < len(names):
            self.note("malformed-event", f"{kind} line has {len(parts)} fields, the Format line names "
                      f"{len(names)}: dropped", position=position, dropped=True)
            return
        fields = dict(zip(names, parts))
        times = []
        for key in ("start", "end"):
            try:
                ms, sep = parse_time(fields[key])
            except ValueError:
                self.note("bad-timing", f"{key} time {excerpt(fields[key].strip())} is not a timecode: "
                          f"{kind} line dropped", position=position, dropped=True, severity="error")
                return
            if sep == ":":
                self.colon_times.append(self.cursor.line)
            times.append(ms)
        cue = Cue(times[0], times[1], position=position, line=self.cursor.line,
                  style=fields.get("style", "Default").strip() or "Default",
                  speaker=fields.get("name", "").strip() or None, effect=fields.get("effect", "").strip(),
                  comment=kind == "Comment")
        for key in ("start", "end"):
            if getattr(cue, key) < 0:
                self.note("negative-timestamp", f"{key} time {fields[key].strip()} is negative; set to 0",
                          position=position, fixed=True, cue=cue)
                setattr(cue, key, 0)
        cue.layer = self.integer(fields, "layer", "invalid-layer", cue)
        margins = tuple(self.integer(fields, k, "invalid-margin", cue) for k in ("marginl", "marginr", "marginv"))
        cue.margins = margins if any(margins) else None
        text = ass_to_markup(fields["text"])
        cue.text, cue.align = text.markup, text.align
        for kind_, message in text.notes:
            self.note(kind_, message, position=position, severity="info" if kind_ != "invalid-alignment"
                      else "warning", fixed=kind_ != "invalid-alignment", cue=cue)
        if cue.end < cue.start:
            self.findings.append(end_before_start(cue, self.path))
        self.cues.append(cue)

    def integer(self, fields: dict, key: str, kind: str, cue: Cue) -> int:
        raw = fields.get(key, "0").strip()
        try:
            return int(raw)
        except ValueError:
            self.note(kind, f"{key} {excerpt(raw)} is not an integer; read as 0", position=cue.position,
                      fixed=True, cue=cue)
            return 0

    # after the last line ---------------------------------------------------------------------------
    def finish(self) -> Track:
        if self.colon_times:
            self.note("timecode-separator", f"{len(self.colon_times)} timecodes use ':' before the "
                      "centiseconds (H:MM:SS:cc); read as centiseconds", line=self.colon_times[0],
                      severity="info", fixed=True)
        for kind in ("fonts", "graphics"):
            if kind in self.meta:
                names = ", ".join(self.meta[kind]) or "none"
                self.note("embedded-attachments", f"[{kind.title()}] section embeds {len(self.meta[kind])} "
                          f"file(s) ({names}); kept in track.meta[{kind!r}] and written back to ASS/SSA",
                          line=None, severity="info")
        shown = [c for c in self.cues if not c.comment]
        if not self.styles and shown:
            self.note("no-styles", "no styles defined; players fall back to their default style",
                      line=None, severity="info")
        elif self.styles:
            for cue in shown:
                if cue.style not in self.styles:
                    self.note("unknown-style", f"style {cue.style!r} is not defined; players use their "
                              "default", line=cue.line, position=cue.position, cue=cue)
        if self.positions == 0:
            self.note("empty-file", "no cues: no Dialogue lines", line=None, severity="info")
        self.findings.extend(timing_findings(self.cues, self.path))
        return Track(cues=self.cues, path=self.path, format=self.flavour, meta=self.meta,
                     styles=self.styles, findings=self.findings)


def _fits(parts: dict[str, str]) -> bool:
    try:
        parse_time(parts["start"])
        parse_time(parts["end"])
        for key in ("marginl", "marginr", "marginv"):
            if key in parts:
                int(parts[key])
    except ValueError:
        return False
    return True


def parse_substation(text: str, *, path: str = "<input>") -> Track:
    """Read an ASS or SSA script into a Track with findings.

    The flavour (which decides how style alignments are numbered) comes from the content, so a file
    read with the other format id is still read right.
    """
    cursor = Cursor()
    with guarded(path, "SubStation", cursor):
        reader = _Reader(path, flavour(text), cursor)
        for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            cursor.line = number
            reader.feed(raw.rstrip("\r"))
        cursor.line = None
        return reader.finish()


# --- the script's resolution ---------------------------------------------------------------------------

# Without PlayResX/PlayResY libass assumes 384x288 and VSFilter or Aegisub may guess otherwise, so text is
# sized differently from player to player: every script subpipe writes says its resolution. A track made
# from SRT, WebVTT, TTML... (no styles) gets full HD with pysubs2's Default style sized for it; the dual
# track (`subpipe.align.export`) takes the same default.
DEFAULT_PLAY_RES = (1920, 1080)
LIBASS_PLAY_RES = (384, 288)  # what libass assumes of a script that gives none: its styles were seen at it
_LEGACY_PLAY_RES_Y = 288  # the height pysubs2's style defaults (20 px font, 20 px margin) were made for


def _dimension(info: dict, key: str) -> int | None:
    try:
        value = int(str(info[key]).strip())
    except (KeyError, ValueError):
        return None
    return value if value > 0 else None


def own_play_res(track: Track) -> tuple[int, int] | None:
    """(PlayResX, PlayResY) a script says, the missing one of the two derived as libass derives it (4:3,
    1280x1024 kept together); None when it says neither.

    >>> own_play_res(Track(meta={"info": {"PlayResY": "720"}})), own_play_res(Track(meta={"info": {}}))
    ((960, 720), None)
    """
    info = track.meta.get("info") or {}
    width, height = _dimension(info, "PlayResX"), _dimension(info, "PlayResY")
    if width is None and height is None:
        return None
    if width is None:
        width = 1280 if height == 1024 else height * 4 // 3
    if height is None:
        height = 1024 if width == 1280 else width * 3 // 4
    return width, height


def play_res(track: Track) -> tuple[int, int]:
    """(PlayResX, PlayResY) of `track` when it is a script that gives both, else `DEFAULT_PLAY_RES`.

    >>> play_res(Track(meta={"info": {"PlayResX": "1280", "PlayResY": "720"}})), play_res(Track())
    ((1280, 720), (1920, 1080))
    """
    info = track.meta.get("info") or {}
    width, height = _dimension(info, "PlayResX"), _dimension(info, "PlayResY")
    return (width, height) if width and height else DEFAULT_PLAY_RES


def scaled_style(height: int, **fields) -> dict:
    """pysubs2's default style (20 px font, 20 px margin at 288 lines) sized for a script `height`
    lines high, with `fields` set, as the dict `Track.styles` holds.

    >>> s = scaled_style(1080); (s["fontsize"], s["marginv"], s["outline"])
    (75, 75, 7.5)
    """
    scale = height / _LEGACY_PLAY_RES_Y
    size = {"fontsize": round(20 * scale), "marginv": round(20 * scale), "marginl": round(10 * scale),
            "marginr": round(10 * scale), "outline": round(2 * scale, 1), "shadow": round(2 * scale, 1)}
    return pysubs2.SSAStyle(**(size | fields)).as_dict()


def with_play_res(track: Track) -> Track:
    """`track` as a script that says its resolution: a script's own (the missing half derived as libass
    does); for styles without one, libass's 384x288, which they were seen at; for a track with no styles
    (SRT or WebVTT before), `DEFAULT_PLAY_RES` with pysubs2's Default style sized for it.

    >>> info = with_play_res(Track()); info.meta["info"]["PlayResY"], info.styles["Default"]["fontsize"]
    ('1080', 75)
    """
    info = dict(track.meta.get("info") or pysubs2.SSAFile().info)  # pysubs2's, as the writer would (it sets ScriptType)
    own = own_play_res(track)
    if own is not None and all(_dimension(info, k) for k in ("PlayResX", "PlayResY")):
        return track
    width, height = own or (LIBASS_PLAY_RES if track.styles else DEFAULT_PLAY_RES)
    styles = track.styles or {"Default": scaled_style(height)}
    info.update({"PlayResX": str(width), "PlayResY": str(height)})
    return track.copy(meta={**track.meta, "info": info}, styles=styles)


def compose_substation(track: Track, *, flavour_: str = "ass", limits: TimingLimits | None = None,
                       fps: float | None = None) -> str:
    """Write the track as an ASS (or SSA) script through pysubs2.

    The track's styles and script info are written back (pysubs2's Default style and info when it has
    none, e.g. read from SRT), always with a resolution (`with_play_res`); commas and newlines cannot
    live in the Style, Name and Effect fields and become ``;`` and spaces; times go to centiseconds
    keeping `limits` (module docstring; ``ASS.timing(track)`` says what they could not keep).
    """
    try:
        snapped = replace(track, cues=snap_track(track, CENTISECONDS, limits, fps).cues)  # its cues are new
        return to_ssafile(with_play_res(snapped), flavour=flavour_).to_string(flavour_)
    except SubpipeError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise SubpipeError(f"cannot write {flavour_.upper()}: {exc}", path=track.path, code=ErrorCode.COMPOSE) from exc


def sniff_ass(text: str) -> bool:
    return looks_like_substation(text) and flavour(text) == "ass"


def sniff_ssa(text: str) -> bool:
    return looks_like_substation(text) and flavour(text) == "ssa"


def compose_ass(track: Track, *, limits: TimingLimits | None = None, fps: float | None = None) -> str:
    return compose_substation(track, flavour_="ass", limits=limits, fps=fps)


def compose_ssa(track: Track, *, limits: TimingLimits | None = None, fps: float | None = None) -> str:
    return compose_substation(track, flavour_="ssa", limits=limits, fps=fps)


# Both read with one parser: the flavour read from the content decides, not the format id.
ASS = Format("ass", "Advanced SubStation Alpha", (".ass",), sniff=sniff_ass, parse=parse_substation,
             compose=compose_ass, clock=centiseconds)
SSA = Format("ssa", "SubStation Alpha", (".ssa",), sniff=sniff_ssa, parse=parse_substation, compose=compose_ssa,
             clock=centiseconds)
