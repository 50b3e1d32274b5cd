"""Opt-in fixes for QC findings: locale, rewrap, split, extend, gap. Each reports exactly what it did.

`fix_track(track, profile, fixes)` returns a new track and a list of findings; the input track and its
cues are never modified. Every change is a ``Finding(kind="fix-<name>", severity="info", fixed=True)``
naming the cue (position, file line, times after the fix) with the before and after values in the
message; a fix that could not reach the limit reports ``fix-<name>-unresolved`` (a warning, not
fixed) and the check will still flag the cue. The fix findings are returned, not appended to
``new_track.findings`` (which stays what the reader reported).

Fixes run in a fixed order whatever the order of `fixes`: locale, then rewrap/split, then extend, then gap.

- **locale**: each cue written in its locale's typography (`subpipe.qc.locale_style.fix_style`: quotation
  marks, spaces before ``; ! ? :`` and inside « », decimal separators, ellipses, speaker dashes), by its
  own language's rules; findings ``fix-locale-<rule>``. It runs first: a no-break space it adds counts
  in the line lengths the other fixes measure. Profiles without ``style`` keys (bare ``es``, ``en``)
  change nothing. Before the typography, a Chinese cue in the other script than its locale's is written
  in it by OpenCC (`subpipe.qc.script.fix_script`, ``fix-locale-script``).

- **rewrap**: a cue with too many lines or a line too long is re-broken into the fewest balanced
  lines that fit (`rewrap_text`); words are never split, a line starting with a dialogue dash stays
  a line of its own. Linguistic line breaking (after punctuation, not between article and noun) is
  left to ``subpipe.segment``.
- **split** (includes rewrap): a cue that rewrapping cannot make fit, or that lasts longer than the
  maximum duration, is split in two at the boundary nearest the middle of its text, preferring a
  speaker change, then a sentence end, then a clause end or an original line break, then any word
  boundary (only boundaries in the middle half of the text are preferred; if there are none, the word
  boundary nearest the middle). The display time, minus the profile's minimum gap left between the
  two halves, is divided in proportion to reading characters; halves that still do not fit are split
  again. Pieces keep the source cue's position (positions name source cues), line, settings,
  alignment and style; their identifiers get the suffixes ``a``, ``b``, ``c``... on the source
  identifier (on the position when the source has none: ``"12a"``). Tags open across the split point
  (``<i>``, ``<v Emo>``, ``<c.x>``, ``<font ...>``, ...) are closed at the end of the first piece and
  reopened at the start of the next; ASS override blocks in front of the text (``{\\pos(..)}``) are
  repeated on every piece. A split must leave cues that can be seen and read. The time there is: the
  cue's, plus with the extend fix the room after it (up to the next cue's start minus the minimum
  gap, at most a maximum duration). A cue whose text would be read at over twice the reading speed
  in that time, or whose pieces cannot each get the minimum duration (and the minimum gaps between
  them), is not split: ``fix-split-unresolved`` says what its text needs (a 10,000-character cue of
  4 s is one cue to shorten, not 128 cues of 11 ms). Pieces that need more than the cue lasts, when
  the room after it suffices, are timed one after another, each for the time it needs.
- **extend**: a cue too fast for the reading speed, or shorter than the minimum duration, gets a
  later end, up to the time it needs but never past the next cue's start minus the minimum gap, nor
  past the maximum duration.
- **gap**: two cues closer than the minimum gap are moved apart: the earlier cue's end is pulled back
  first (out-times follow the viewer, in-times follow speech), as far as it can go without taking
  that cue under its minimum duration or the time its text needs at the reading speed; only the rest
  is taken by pushing the next cue's start later, under the same condition. If both together cannot
  free the gap nothing is moved and the gap is reported unresolved. Overlapping cues are left alone:
  which of them is wrong is a question for a person.
"""

import html
import math
import re
from dataclasses import dataclass, replace
from functools import cache

from subpipe.cues import ASS_BLOCK_RE, TAG_RE, VOICE_RE, Cue, Track, format_timecode, strip_markup
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.limits import excerpt
from subpipe.qc.locale_style import fix_style
from subpipe.qc.profiles import LanguageProfiles, Profile, _num, is_breaking_space, language_profiles
from subpipe.qc.rules import (
    is_empty,
    line_problems,
    mixed_reading_ms,
    text_lines,
    timed_order,
    translation_half,
)
from subpipe.qc.script import fix_script
from subpipe.typography import CLAUSE_END, CLOSERS, DASHES, NO_BREAK_AFTER, NO_BREAK_BEFORE, SENTENCE_END

FIXES = ("locale", "rewrap", "split", "extend", "gap")

_TOKEN_RE = re.compile(
    rf"(?P<tag>{TAG_RE.pattern})|(?P<ass>{ASS_BLOCK_RE.pattern})"
    r"|(?P<ent>&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});)",
    re.IGNORECASE,
)
_TAG_NAME_RE = re.compile(r"</?([a-zA-Z]+)")
_EMPTY_PAIR_RE = re.compile(r"<(i|b|u|c|v|lang|ruby|rt|font)(?:[.\s][^<>]*)?></\1>", re.IGNORECASE)


def _tc(ms: int) -> str:
    return format_timecode(ms, ".")


def _cjk(ch: str) -> bool:
    """Han and kana (and CJK punctuation): scripts written without spaces, breakable between
    characters. Hangul is not: Korean puts spaces between words."""
    o = ord(ch)
    return (0x3000 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFF9F or 0x20000 <= o <= 0x3FFFF)


# ------------------------------------------------------------------------------------ cue markup


@dataclass(frozen=True)
class _Tok:
    kind: str  # "tag", "ass" or "char" (one visible character, or one entity)
    raw: str
    plain: str = ""

    @property
    def space(self) -> bool:
        return self.kind == "char" and len(self.plain) == 1 and is_breaking_space(self.plain)


@dataclass
class _Sep:
    """Where two words meet: whitespace tokens (`ws`) or, between CJK characters, an insertion point."""

    ws: list[int]
    insert_at: int
    newline: bool  # the source broke the line here
    rank: int = 3  # 0 speaker change, 1 sentence end, 2 clause end or source line break, 3 word boundary


def _tokenize(markup: str) -> list[_Tok] | None:
    """Markup as tags, ASS blocks and visible characters; None if that does not give back exactly
    `strip_markup(markup)` (text too irregular to cut safely)."""
    toks: list[_Tok] = []
    pos = 0
    for m in _TOKEN_RE.finditer(markup):
        toks.extend(_Tok("char", ch, ch) for ch in markup[pos:m.start()])
        if m.group("tag"):
            toks.append(_Tok("tag", m.group(0)))
        elif m.group("ass"):
            toks.append(_Tok("ass", m.group(0)))
        else:
            toks.append(_Tok("char", m.group(0), html.unescape(m.group(0))))
        pos = m.end()
    toks.extend(_Tok("char", ch, ch) for ch in markup[pos:])
    if "".join(t.plain for t in toks) != strip_markup(markup):
        return None
    return toks


class _Text:
    """A cue's markup seen as words (units of characters) and the separators between them."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        toks = _tokenize(markup)
        self.ok = toks is not None
        self.toks: list[_Tok] = toks or []
        self.units: list[list[int]] = []
        self.seps: list[_Sep] = []
        self.edge_ws: list[int] = []
        pending: list[int] = []  # whitespace since the last unit
        for i, tok in enumerate(self.toks):
            if tok.kind != "char":
                continue
            if tok.space:
                pending.append(i)
                continue
            if not self.units:
                self.edge_ws.extend(pending)
                self.units.append([i])
            elif pending:
                self.seps.append(_Sep(pending, pending[0], any(self.toks[j].plain == "\n" for j in pending)))
                self.units.append([i])
            elif self._cjk_break(self.units[-1][-1], i):
                self.seps.append(_Sep([], self._insertion_point(self.units[-1][-1]), False))
                self.units.append([i])
            else:
                self.units[-1].append(i)
            pending = []
        self.edge_ws.extend(pending)
        for k, sep in enumerate(self.seps):
            sep.rank = self._rank(k)

    def _cjk_break(self, a: int, b: int) -> bool:
        pa, pb = self.toks[a].plain, self.toks[b].plain
        return ((_cjk(pa[-1]) or _cjk(pb[0])) and pb[0] not in NO_BREAK_BEFORE
                and pa[-1] not in NO_BREAK_AFTER)

    def _insertion_point(self, last_char: int) -> int:
        # A line break goes after the tags that close around the previous character.
        i = last_char + 1
        while i < len(self.toks) and self.toks[i].kind == "tag" and self.toks[i].raw.startswith("</"):
            i += 1
        return i

    def unit_text(self, k: int) -> str:
        return "".join(self.toks[i].plain for i in self.units[k])

    def _rank(self, k: int) -> int:
        before = self.unit_text(k).rstrip(CLOSERS)
        after = self.unit_text(k + 1)
        ends_sentence = bool(before) and before[-1] in SENTENCE_END
        if after.startswith(DASHES) and (self.seps[k].newline or ends_sentence):
            return 0
        if ends_sentence:
            return 1
        if self.seps[k].newline or (before and before[-1] in CLAUSE_END) or before in DASHES:
            return 2
        return 3

    def widths(self, profile: Profile) -> tuple[list[float], list[float]]:
        """Widths of the units, and of the separators when they stay on one line."""
        units = [profile.line_width(self.unit_text(k)) for k in range(len(self.units))]
        seps = [profile.line_width(" ") if sep.ws else 0 for sep in self.seps]
        return units, seps

    def render(self, modes: dict[int, str] | None = None, lo: int = 0, hi: int | None = None,
               drop: set[int] | None = None) -> str:
        """Markup of tokens lo..hi with separator k rendered as ``modes[k]`` (" ", "\\n" or "") or,
        without a mode, as written; whitespace at the edges of the text is dropped."""
        replace: dict[int, str] = {}
        insert: dict[int, str] = {}
        skip = set(self.edge_ws) | (drop or set())
        for k, mode in (modes or {}).items():
            sep = self.seps[k]
            if sep.ws:
                replace[sep.ws[0]] = mode
                skip.update(sep.ws[1:])
            elif mode:
                insert[sep.insert_at] = mode
        out = []
        for i in range(lo, len(self.toks) if hi is None else hi):
            out.append(insert.get(i, ""))
            if i not in skip:
                out.append(replace.get(i, self.toks[i].raw))
        if hi is None:
            out.append(insert.get(len(self.toks), ""))
        return "".join(out)


# ---------------------------------------------------------------------------------------- rewrap


def _prefix_widths(units: list[float], seps: list[float]):
    starts = [0.0]
    for k, w in enumerate(units):
        starts.append(starts[-1] + w + (seps[k] if k < len(seps) else 0))

    def width(i: int, j: int) -> float:  # units i..j inclusive on one line
        return starts[j + 1] - starts[i] - (seps[j] if j < len(seps) else 0)

    return width


def _balanced_breaks(lo: int, hi: int, lines: int, width) -> tuple[float, list[int]]:
    """Break units lo..hi into `lines` lines minimising the longest; ties go to the shorter first
    line (a bottom-heavy pair reads more easily). Returns (longest width, indices of units that end
    a line, the last excluded)."""
    @cache
    def best(start: int, n: int) -> tuple[float, tuple[int, ...]]:
        if n == 1:
            return width(start, hi), ()
        result = (math.inf, ())
        for end in range(start, hi - n + 2):
            rest, breaks = best(end + 1, n - 1)
            cand = max(width(start, end), rest)
            if cand < result[0] - 1e-9:
                result = (cand, (end, *breaks))
        return result

    longest, breaks = best(lo, lines)
    return longest, list(breaks)


def _wrap(text: _Text, profile: Profile) -> dict[int, str] | None:
    """Separator modes that lay the text out in the fewest balanced lines within the profile, or
    None if it cannot fit. Lines starting with a dialogue dash stay lines of their own."""
    if not text.units:
        return {}
    unit_w, sep_w = text.widths(profile)
    width = _prefix_widths(unit_w, sep_w)
    forced = [k for k, sep in enumerate(text.seps) if sep.rank == 0 and sep.newline]
    paragraphs = list(zip([0, *(k + 1 for k in forced)], [*forced, len(text.units) - 1], strict=True))
    plans = []
    for lo, hi in paragraphs:
        for n in range(1, min(profile.max_lines, hi - lo + 1) + 1):
            longest, breaks = _balanced_breaks(lo, hi, n, width)
            if longest <= profile.max_chars_per_line + 1e-9:
                plans.append((lo, hi, breaks))
                break
        else:
            return None
    if sum(len(breaks) + 1 for _, _, breaks in plans) > profile.max_lines:
        return None
    modes: dict[int, str] = {k: "\n" for k in forced}
    for lo, hi, breaks in plans:
        for k in range(lo, hi):
            modes[k] = "\n" if k in breaks else (" " if text.seps[k].ws else "")
    return modes


def rewrap_text(markup: str, profile: Profile) -> str | None:
    """Re-break cue markup into the fewest balanced lines within ``max_chars_per_line``.

    Words are never split (CJK text breaks between characters, never before closing punctuation);
    tags stay where they were. Returns None when the text cannot fit in ``max_lines`` lines.

    >>> from subpipe.qc.profiles import load_profile
    >>> en = load_profile("netflix", lang="en")
    >>> rewrap_text("<v Emo>And at your right, what do you see at your right side, Emo?</v>", en)
    '<v Emo>And at your right, what do you\\nsee at your right side, Emo?</v>'
    >>> rewrap_text("One two three", en)
    'One two three'
    """
    text = _Text(markup)
    if not text.ok:
        return None
    modes = _wrap(text, profile)
    return None if modes is None else text.render(modes)


# ----------------------------------------------------------------------------------------- split


def _open_tags(toks: list[_Tok]) -> list[tuple[str, str]]:
    """(name, opening tag) of the tags still open at the end of `toks`."""
    stack: list[tuple[str, str]] = []
    for tok in toks:
        if tok.kind != "tag":
            continue
        m = _TAG_NAME_RE.match(tok.raw)
        if not m:  # inline timestamp
            continue
        name = m.group(1).lower()
        if tok.raw.startswith("</"):
            for j in range(len(stack) - 1, -1, -1):
                if stack[j][0] == name:
                    del stack[j:]
                    break
        else:
            stack.append((name, tok.raw))
    return stack


def _tidy(markup: str) -> str:
    while True:
        tidier = _EMPTY_PAIR_RE.sub("", markup)
        if tidier == markup:
            return markup
        markup = tidier


def _split_point(text: _Text, profile: Profile) -> int | None:
    """The separator to split at (see the module docstring), or None for a single word."""
    if not text.seps:
        return None
    chars = [profile.reading_chars(text.unit_text(k)) for k in range(len(text.units))]
    total = sum(chars)
    before = 0
    candidates = []
    for k, sep in enumerate(text.seps):
        before += chars[k]
        candidates.append((k, sep.rank, abs(2 * before - total)))  # distance from the middle, doubled
    middle = [c for c in candidates if 2 * c[2] <= total]  # the cut falls in the middle half
    if middle:
        return min(middle, key=lambda c: (c[1], c[2], c[0]))[0]
    return min(candidates, key=lambda c: (c[2], c[1], c[0]))[0]


def _split_markup(text: _Text, k: int) -> tuple[str, str]:
    sep = text.seps[k]
    cut_hi = sep.ws[-1] + 1 if sep.ws else sep.insert_at
    # Tags between the words go with the first half (so an <i> opened there is closed and reopened).
    first = text.render(lo=0, hi=cut_hi, drop=set(sep.ws))
    head = text.toks[:cut_hi]
    still_open = _open_tags(head)
    first += "".join(f"</{name}>" for name, _ in reversed(still_open))
    leading_ass = []
    for tok in text.toks:
        if tok.kind == "char":
            break
        if tok.kind == "ass":
            leading_ass.append(tok.raw)
    second = "".join(leading_ass) + "".join(raw for _, raw in still_open) + text.render(lo=cut_hi)
    if sep.rank == 0:  # split between speakers: a piece left with one speaker loses its dialogue dash
        first, second = _drop_lone_dash(first), _drop_lone_dash(second)
    return _tidy(first), _tidy(second)


def _drop_lone_dash(markup: str) -> str:
    """Remove the dialogue dash opening `markup` when no other line of it starts with one."""
    lines = strip_markup(markup).strip().split("\n")
    if not lines[0].startswith(DASHES) or any(line.lstrip().startswith(DASHES) for line in lines[1:]):
        return markup
    toks = _tokenize(markup)
    if toks is None:
        return markup
    out, state = [], "before"  # before the dash, in the spaces after it, done
    for tok in toks:
        if tok.kind == "char" and state == "before" and not tok.space:
            state = "after"
            continue
        if tok.kind == "char" and state == "after" and tok.space:
            continue
        if tok.kind == "char" and state == "after":
            state = "done"
        out.append(tok.raw)
    return "".join(out)


def _times(cue: Cue, first: str, second: str, profile: Profile) -> tuple[int, int]:
    """(end of the first half, start of the second): display time minus the minimum gap, divided in
    proportion to reading characters."""
    c1 = profile.reading_chars(strip_markup(first))
    c2 = profile.reading_chars(strip_markup(second))
    gap = profile.min_gap_ms if cue.duration > profile.min_gap_ms else 0
    available = cue.duration - gap
    end1 = cue.start + (round(available * c1 / (c1 + c2)) if c1 + c2 else available // 2)
    return end1, end1 + gap


def _speaker(piece_text: str, source: Cue) -> str | None:
    # A speaker taken from a voice span follows the text; one from elsewhere (ASS Name) stays.
    m_src = VOICE_RE.search(source.text)
    if m_src and source.speaker == m_src.group(1).strip():
        m = VOICE_RE.search(piece_text)
        return m.group(1).strip() if m else source.speaker
    return source.speaker


def split_cue(cue: Cue, profile: Profile) -> tuple[Cue, Cue] | None:
    """Split a cue in two at the boundary nearest the middle of its text (see the module docstring).

    Both halves keep the cue's position and everything else; their times share the display time
    minus the minimum gap in proportion to reading characters. None if the text is a single word.

    >>> from subpipe.qc.profiles import load_profile
    >>> a, b = split_cue(Cue(42200, 51000, "<i>Whatever, Thom. We're done.</i>", position=8),
    ...                  load_profile("netflix", lang="en"))
    >>> (a.text, a.start, a.end), (b.text, b.start, b.end)
    (('<i>Whatever, Thom.</i>', 42200, 47229), ("<i>We're done.</i>", 47312, 51000))
    """
    text = _Text(cue.text)
    if not text.ok:
        return None
    k = _split_point(text, profile)
    if k is None:
        return None
    first, second = _split_markup(text, k)
    end1, start2 = _times(cue, first, second, profile)
    return (cue.copy(text=first, end=end1, speaker=_speaker(first, cue)),
            cue.copy(text=second, start=start2, speaker=_speaker(second, cue)))


# ------------------------------------------------------------------------------------ text fixes


def _line_summary(cue: Cue, profile: Profile) -> str:
    lines = text_lines(cue)
    longest = max(profile.line_width(line) for line in lines)
    return f"{len(lines)} line{'s' if len(lines) != 1 else ''}, longest {_num(longest)}"


def _fits(cue: Cue, profiles: LanguageProfiles) -> bool:
    return not line_problems(cue, profiles.for_cue(cue), None, profiles.for_lines(cue))


def _layout_profile(cue: Cue, profiles: LanguageProfiles) -> Profile:
    """The profile a cue is re-broken and split by: its language's; for a cue whose lines are in
    different languages, the one with the shortest lines (what fits it fits the others' lines)."""
    lines = profiles.for_lines(cue)
    if not lines:
        return profiles.for_cue(cue)
    return min(lines, key=lambda p: (p.max_chars_per_line * (2 if p.width_rule == "fullwidth" else 1)))


def relabel(source: Cue, pieces: list[Cue]) -> list[Cue]:
    """The pieces a fix made of `source` (rewrapped, split), with the languages of their lines when
    `source`'s lines were in different languages (`Cue.line_langs`): each line takes the language
    of the source line its first character came from; a piece of one language gets `Cue.lang`.

    >>> a, b = relabel(Cue(0, 1, "- 你好。\\n- Hi.", lang="zh", line_langs=("zh", "en")),
    ...                [Cue(0, 1, "你好。"), Cue(0, 1, "Hi.")])
    >>> (a.lang, a.line_langs), (b.lang, b.line_langs)
    (('zh', None), ('en', None))
    """
    lines = source.plain.split("\n")
    if not source.line_langs or len(source.line_langs) != len(lines):
        return pieces
    chars = [(ch, lang) for line, lang in zip(lines, source.line_langs) for ch in line if not ch.isspace()]
    at = 0
    out = []
    for piece in pieces:
        langs = []
        for line in piece.plain.split("\n"):
            first = None
            for ch in line:
                if ch.isspace():
                    continue
                while at < len(chars) and chars[at][0] != ch:  # a fix dropped it (a lone dialogue dash)
                    at += 1
                if first is None and at < len(chars):
                    first = chars[at][1]
                at += 1
            langs.append(first or (langs[-1] if langs else source.line_langs[0]))
        distinct = set(langs)
        out.append(piece.copy(lang=langs[0], line_langs=None) if len(distinct) == 1 else
                   piece.copy(line_langs=tuple(langs)))
    return out


def _fix_text(cue: Cue, profiles: LanguageProfiles, split: bool,
              path: str | None, room: int = 0) -> tuple[list[Cue], list[Finding]]:
    """Rewrap (and, with `split`, split) one cue by its language's rules. Returns the cues replacing it
    and the findings. `room` is how much later the cue may end (the extend fix's room after it)."""
    def note(kind: str, message: str, c: Cue, fixed: bool = True) -> Finding:
        return Finding(kind, message, path=path, line=c.line, position=c.position,
                       severity="info" if fixed else "warning", fixed=fixed, start_ms=c.start, end_ms=c.end)

    profile = _layout_profile(cue, profiles)
    too_long = split and cue.duration > profiles.for_cue(cue).max_duration_ms
    if _fits(cue, profiles) and not too_long:
        return [cue], []
    limit = f"limit {_num(profile.max_chars_per_line)} {profile.width_unit} x {profile.max_lines} lines"
    if not _fits(cue, profiles):
        wrapped = rewrap_text(cue.text, profile)
        if wrapped is not None and not too_long:
            new = relabel(cue, [cue.copy(text=wrapped)])[0]
            return [new], [note("fix-rewrap", f"re-broke {_line_summary(cue, profile)} into "
                                f"{_line_summary(new, profile)}; {limit}: {excerpt(cue.plain)} -> "
                                f"{excerpt(new.plain)}", new)]
        if not split:
            return [cue], [note("fix-rewrap-unresolved", f"{_line_summary(cue, profile)} cannot be re-broken "
                                f"within the {limit} (the split fix can split it)", cue, fixed=False)]
    reasons = []
    if not _fits(cue, profiles):
        reasons.append(f"{_line_summary(cue, profile)}, {limit}")
    if too_long:
        reasons.append(f"duration {cue.duration} ms, maximum {profiles.for_cue(cue).max_duration_ms} ms")
    timing = profiles.for_cue(cue)
    need, time = _needed_ms(cue, profiles), cue.duration + room
    if need > 2 * time:  # read at over twice the reading speed: refused before splitting it in hundreds
        return [cue], [note("fix-split-unresolved", f"{'; '.join(reasons)}: not split: its text needs {need} "
                            f"ms at {_num(timing.max_cps)} cps, over twice the {cue.duration} ms the cue has"
                            f"{_room(room)}; shorten the text or re-time the cue", cue, fixed=False)]
    pieces, stuck = _split_until_fit(cue, profiles)
    if len(pieces) == 1:
        return [cue], [note("fix-split-unresolved", f"{'; '.join(reasons)}: cannot split a single word",
                            cue, fixed=False)]
    gaps = profiles.profile.min_gap_ms * (len(pieces) - 1)
    shortest = sum(profiles.for_cue(p).min_duration_ms for p in pieces) + gaps
    if shortest > time:  # pieces too short to be seen at all
        return [cue], [note("fix-split-unresolved", f"{'; '.join(reasons)}: not split: {len(pieces)} cues "
                            f"need at least {shortest} ms (the {timing.min_duration_ms} ms minimum duration "
                            f"each, gaps of {profiles.profile.min_gap_ms} ms), the cue has {cue.duration} ms"
                            f"{_room(room)}; shorten the text or re-time the cue", cue, fixed=False)]
    need = sum(_needed_ms(p, profiles) for p in pieces) + gaps
    if cue.duration < need <= time:  # each piece gets the time it needs, from the room after the cue
        pieces = _one_after_another(pieces, profiles)
        reasons.append(f"ends {need - cue.duration} ms later, at {_tc(cue.start + need)}, for the reading "
                       "speed")
    base = cue.identifier or str(cue.position)
    pieces = [p.copy(identifier=base + _letters(n)) for n, p in enumerate(pieces)]
    described = "; ".join(f"{p.identifier} {_tc(p.start)} --> {_tc(p.end)} {excerpt(p.plain)}"
                          for p in pieces[:_DESCRIBED_PIECES])
    if len(pieces) > _DESCRIBED_PIECES:  # a hostile cue splits in hundreds: the message stays short
        described += f"; ... and {len(pieces) - _DESCRIBED_PIECES} more"
    found = [Finding("fix-split", f"split {_tc(cue.start)} --> {_tc(cue.end)} ({'; '.join(reasons)}) into "
                     f"{len(pieces)} cues: {described}", path=path, line=cue.line, position=cue.position,
                     severity="info", fixed=True, start_ms=cue.start, end_ms=cue.end)]
    for p in stuck:
        found.append(note("fix-split-unresolved", f"piece {_tc(p.start)} --> {_tc(p.end)} {excerpt(p.plain)} "
                          "still breaks the line or duration limits and is a single word", p, fixed=False))
    return pieces, found


_DESCRIBED_PIECES = 10


def _one_after_another(pieces: list[Cue], profiles: LanguageProfiles) -> list[Cue]:
    """`pieces` re-timed from the first one's start: each lasts the time it needs, then the minimum gap."""
    out, at = [], pieces[0].start
    for p in pieces:
        out.append(p.copy(start=at, end=at + _needed_ms(p, profiles)))
        at = out[-1].end + profiles.profile.min_gap_ms
    return out


def _room(room: int) -> str:
    return f" (and {room} ms after it before the next cue or the maximum duration)" if room else ""


def _letters(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def _split_until_fit(cue: Cue, profiles: LanguageProfiles) -> tuple[list[Cue], list[Cue]]:
    """Split recursively until every piece fits (rewrapping pieces whose lines do not fit but can).
    Returns (pieces in order, pieces that could not be made to fit)."""
    profile = _layout_profile(cue, profiles)
    max_duration = profiles.for_cue(cue).max_duration_ms
    if _fits(cue, profiles) and cue.duration <= max_duration:
        return [cue], []
    if cue.duration <= max_duration:
        wrapped = rewrap_text(cue.text, profile)
        if wrapped is not None:
            return relabel(cue, [cue.copy(text=wrapped)]), []
    halves = split_cue(cue, profile)
    if halves is None:
        return [cue], [cue]
    pieces: list[Cue] = []
    stuck: list[Cue] = []
    for half in relabel(cue, list(halves)):
        p, s = _split_until_fit(half, profiles)
        pieces.extend(p)
        stuck.extend(s)
    return pieces, stuck


# ---------------------------------------------------------------------------------- timing fixes


def _needed_ms(cue: Cue, profiles: LanguageProfiles) -> int:
    """The shortest display time that breaks neither the minimum duration nor the reading speed of
    the cue's language (of each line's language, when they differ)."""
    profile = profiles.for_cue(cue)
    lines = profiles.for_lines(cue)
    if lines is not None and len(lines) == len(text_lines(cue)):
        return max(profile.min_duration_ms, mixed_reading_ms(cue, lines)[0])
    return max(profile.min_duration_ms, profile.reading_ms(cue.plain))


def _cps(cue: Cue, profile: Profile, duration: int) -> str:
    return f"{profile.reading_chars(cue.plain) * 1000 / duration:.1f}" if duration > 0 else "inf"


def _extend(cues: list[Cue], profiles: LanguageProfiles, path: str | None) -> list[Finding]:
    found = []
    order = timed_order(cues)
    min_gap_ms = profiles.profile.min_gap_ms
    for n, i in enumerate(order):
        cue = cues[i]
        need = _needed_ms(cue, profiles)
        if cue.duration >= need:
            continue
        profile = profiles.for_cue(cue)
        limit, why = cue.start + profile.max_duration_ms, f"the {profile.max_duration_ms} ms maximum duration"
        if n + 1 < len(order):
            nxt = cues[order[n + 1]]
            if nxt.start - min_gap_ms < limit:
                limit = nxt.start - min_gap_ms
                why = f"cue {nxt.position} at {_tc(nxt.start)} minus the {min_gap_ms} ms minimum gap"
        new_end = min(cue.start + need, limit)
        where = {"path": path, "line": cue.line, "position": cue.position}
        lines = profiles.for_lines(cue)
        # A cue whose lines are in different languages is read at each line's speed.
        speed = mixed_reading_ms(cue, lines)[1] if lines and len(lines) == len(text_lines(cue)) else \
            f"{_num(profile.max_cps)} cps"
        if new_end > cue.end:
            new = cue.copy(end=new_end)
            rates = "" if lines else \
                f", {_cps(cue, profile, cue.duration)} -> {_cps(cue, profile, new.duration)} cps"
            found.append(Finding(
                "fix-extend", f"end {_tc(cue.end)} -> {_tc(new_end)} (+{new_end - cue.end} ms): duration "
                f"{cue.duration} -> {new.duration} ms{rates} (limit {speed}, minimum "
                f"{profile.min_duration_ms} ms)", severity="info", fixed=True, start_ms=new.start,
                end_ms=new.end, **where))
            cues[i] = cue = new
        if new_end < cue.start + need:
            found.append(Finding(
                "fix-extend-unresolved", f"needs {need} ms at {speed} (minimum "
                f"{profile.min_duration_ms} ms) but {why} allows {max(limit - cue.start, cue.duration)} ms",
                severity="warning", start_ms=cue.start, end_ms=cue.end, **where))
    return found


def _widen_gap(cues: list[Cue], ia: int, ib: int, profiles: LanguageProfiles,
               path: str | None) -> list[Finding]:
    """Move cue `ia`'s end and/or cue `ib`'s start so that the minimum gap separates them."""
    a, b = cues[ia], cues[ib]
    gap, min_gap = b.start - a.end, profiles.profile.min_gap_ms
    need = min_gap - gap
    slack_a = max(0, a.duration - _needed_ms(a, profiles))
    slack_b = max(0, b.duration - _needed_ms(b, profiles))
    if slack_a + slack_b < need:
        return [Finding("fix-gap-unresolved",
                        f"gap of {gap} ms after cue {a.position} cannot reach {min_gap} ms: cue {a.position} "
                        f"can give {slack_a} ms and this cue {slack_b} ms without breaking their minimum "
                        "duration or reading speed", path=path, line=b.line, position=b.position,
                        severity="warning", start_ms=b.start, end_ms=b.end)]
    found = []
    take_a = min(need, slack_a)
    take_b = need - take_a
    if take_a:
        cues[ia] = a.copy(end=a.end - take_a)
        found.append(Finding("fix-gap", f"end {_tc(a.end)} -> {_tc(a.end - take_a)} (-{take_a} ms): gap "
                             f"before cue {b.position} was {gap} ms, minimum {min_gap} ms", path=path,
                             line=a.line, position=a.position, severity="info", fixed=True, start_ms=a.start,
                             end_ms=a.end - take_a))
    if take_b:
        cues[ib] = b.copy(start=b.start + take_b)
        found.append(Finding("fix-gap", f"start {_tc(b.start)} -> {_tc(b.start + take_b)} (+{take_b} ms): "
                             f"gap after cue {a.position} was {gap} ms, minimum {min_gap} ms", path=path,
                             line=b.line, position=b.position, severity="info", fixed=True,
                             start_ms=b.start + take_b, end_ms=b.end))
    return found


def _gap(cues: list[Cue], profiles: LanguageProfiles, path: str | None) -> list[Finding]:
    found = []
    latest: int | None = None  # the cue that ends last so far
    for i in timed_order(cues):
        # Only real gaps: a negative one is an overlap, left to a person.
        if latest is not None and 0 <= cues[i].start - cues[latest].end < profiles.profile.min_gap_ms:
            found.extend(_widen_gap(cues, latest, i, profiles, path))
        if latest is None or cues[i].end > cues[latest].end:
            latest = i
    return found


def _rooms(cues: list[Cue], profiles: LanguageProfiles) -> dict[int, int]:
    """How much later each cue (by index) could end, as the extend fix sees it: up to the next cue's
    start minus the minimum gap, and no more than a maximum duration (what its last piece may last)."""
    order = timed_order(cues)
    rooms = {}
    for n, i in enumerate(order):
        cue = cues[i]
        room = profiles.for_cue(cue).max_duration_ms
        if n + 1 < len(order):
            room = min(room, cues[order[n + 1]].start - profiles.profile.min_gap_ms - cue.end)
        rooms[i] = max(0, room)
    return rooms


# ------------------------------------------------------------------------------------------ entry


def fix_track(track: Track, profile: "Profile | LanguageProfiles",
              fixes: tuple[str, ...] | list[str] = ("locale", "extend", "gap", "split"),
              ) -> tuple[Track, list[Finding]]:
    """Apply the chosen fixes to a copy of `track`; return the copy and what was done (see the module
    docstring). `track` and its cues are left untouched.

    Each cue is fixed by its own language's rules (`subpipe.qc.profiles.LanguageProfiles`): a Chinese
    cue in an English track is re-broken at 16 characters, between characters and never before
    closing punctuation, and extended for 9 cps; the minimum gap is `profile`'s."""
    profiles = language_profiles(profile)
    unknown = [f for f in fixes if f not in FIXES]
    if unknown:
        raise SubpipeError(f"unknown fix {', '.join(map(repr, unknown))}; fixes are {', '.join(FIXES)}",
                           code=ErrorCode.USAGE)
    new, found = fix_script(track, profiles) if "locale" in fixes else (track.copy(), [])
    if "locale" in fixes:  # in the script first: a cue it converts takes the track's typography
        new, styled = fix_style(new, profiles)
        found += styled
    kept: list[tuple[int, int]] = []  # (finding, cue) of a cue the text fixes could not fix and kept whole
    if "rewrap" in fixes or "split" in fixes:
        rooms = _rooms(new.cues, profiles) if "extend" in fixes else {}
        cues: list[Cue] = []
        for i, cue in enumerate(new.cues):
            if is_empty(cue) or cue.end < cue.start:
                cues.append(cue)
                continue
            replaced, notes = _fix_text(cue, profiles, "split" in fixes, track.path, rooms.get(i, 0))
            if replaced == [cue]:
                kept += [(len(found) + n, len(cues)) for n, note in enumerate(notes) if not note.fixed]
            cues.extend(replaced)
            found.extend(notes)
        new.cues = cues
    if "extend" in fixes:
        found.extend(_extend(new.cues, profiles, track.path))
    if "gap" in fixes:
        found.extend(_gap(new.cues, profiles, track.path))
    for n, i in kept:  # name the cue by its times after the timing fixes, as the checks will
        found[n] = replace(found[n], start_ms=new.cues[i].start, end_ms=new.cues[i].end)
    return new, found


TIMING_FIXES = ("extend", "gap")


def fix_dual_track(track: Track, profile: "Profile | LanguageProfiles",
                   fixes: tuple[str, ...] | list[str] = TIMING_FIXES) -> tuple[Track, list[Finding]]:
    """`fix_track`'s timing fixes (extend, gap) on a dual-language review track (`Cue.line_langs`, as
    `subpipe.qc.check_track` with ``dual=True`` reads it): each cue timed for its translation, the half
    its viewer reads in the cue's time (`translation_half`, by that language's reading speed). Its text,
    both halves, is never changed: re-breaking or splitting it would mix them."""
    text_fixes = [f for f in fixes if f not in TIMING_FIXES]
    if text_fixes:
        raise SubpipeError(f"a dual-language track's text is not fixed ({', '.join(text_fixes)}): only its "
                           f"times ({', '.join(TIMING_FIXES)})", code=ErrorCode.USAGE)
    timed, found = fix_track(track.copy(cues=[translation_half(c) for c in track.cues]), profile, fixes)
    return track.copy(cues=[c.copy(start=t.start, end=t.end) for c, t in zip(track.cues, timed.cues)]), found


__all__ = ["FIXES", "TIMING_FIXES", "fix_dual_track", "fix_track", "relabel", "rewrap_text", "split_cue"]
