"""Cues -> sentences: the text a translation engine sees, with everything else kept aside.

Subtitles cut sentences across cues ("I have nightmares that I'm being chased..." / "...by these giant
robotic claws of death...") and put several sentences, even several speakers, in one cue. Machine
translation wants whole sentences and nothing but text. `cues_to_sentences` gives it that:

1. Each cue is read as *turns*: a new turn starts at a dialogue dash opening a line (``- Hi.``), at
   `` - `` after a sentence end (``Why? - Now!``) and where the WebVTT voice changes
   (``<v Emo>Why?</v> <v Proog>Now!</v>``). The dash and the spaces around it are kept aside.
2. Consecutive turns form a *passage* while the speech goes on: same speaker (WebVTT voice, or the
   cue's speaker such as the ASS Name field), no dialogue dash opening the next turn, a pause of at
   most `max_gap_ms`, the same ASS style, layer and ``{\\anN}`` position, and no sentence end at the
   end of the earlier cue. The continuation ellipses of the subtitling convention ("chased..." /
   "...by") are taken out of the text and remembered on the parts (`Part.trail`, `Part.lead`); a cue
   ending in "..." goes on into a cue starting with "..." or a lower-case letter, and otherwise ends
   the sentence there.
3. spaCy splits passages into sentences (`subpipe.nlp.pipe_texts`, all passages in one batched call;
   a rule on ``. ! ? …`` when the language has no spaCy support at all); a "sentence" that would start
   with closing punctuation stays with the one before. A sentence longer than
   `max_chars` is cut at cue boundaries, so a passage without punctuation (song lyrics) does not reach
   the translation engine as one enormous sentence.

Kept apart from `Sentence.text`, and put back on the output cues by `subpipe.segment.resegment`:

- dialogue dashes (`Part.dash`, the sentence's `dash`), WebVTT voices (`Part.voice`: the opening tag
  as written, ``<v.loud Emo>``), the speaker (`Sentence.speaker`);
- styling tags (``<i> <b> <u> <s> <c.x> <lang> <font ...> <ruby> <rt>``) as `StyleSpan` ranges of
  `Sentence.text`: a fully italic cue gives a span over that cue's part, an italic word a span over
  that word; the same tag on two consecutive cues of one sentence is one span;
- ASS override blocks in the middle of the text as point marks (``StyleSpan(start == end)``); those
  before the first or after the last visible character belong to the cue and are taken from the
  template cue on output, with its times, position (`Cue.align`), WebVTT settings, style, layer,
  margins and effect;
- where every character came from: `Part.cue_offsets` maps each character of a part to its offset in
  ``cue.plain``, and `Sentence.locate` maps a range of the sentence to cue positions and offsets.

Inline karaoke timestamps (``<00:00:01.000>``) cannot survive translation and are dropped;
`subpipe.segment.resegment` reports each cue that had them.

>>> from subpipe.cues import Cue, Track
>>> track = Track([Cue(38000, 41000, "I'm freaked out! I have nightmares\\nthat I'm being chased...",
...                    position=6),
...                Cue(41000, 42000, "...by these <i>giant</i> robotic claws of death...", position=7)])
>>> for s in cues_to_sentences(track, "en"):
...     print(s.id, s.positions, repr(s.text), [(st.open, s.text[st.start:st.end]) for st in s.styles])
0 (6,) "I'm freaked out!" []
1 (6, 7) "I have nightmares that I'm being chased by these giant robotic claws of death..." [('<i>', 'giant')]
"""

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from subpipe.cues import VOICE_RE, Cue, Track
from subpipe.errors import Finding, SubpipeError
from subpipe.nlp import DEFAULT_BATCH_SIZE, pipe_texts
from subpipe.qc.profiles import is_breaking_space
from subpipe.segment.linebreak import CLOSERS, SENTENCE_END, markup_tokens

MAX_GAP_MS = 2000
MAX_SENTENCE_CHARS = 400

_CLOSING = set(",;:.!?)]}\u00bb\u201d\u2019\u3001\u3002\uff0c\uff01\uff1f")
_TAG_NAME_RE = re.compile(r"<(/?)([a-zA-Z]+)")
_ELLIPSES = ("...", "\u2026")
_LINE_DASH_RE = re.compile(r"(?m)^[ \t]*([-\u2013\u2014])(?![-\u2013\u2014])[ \t]*(?=\S)")
_MID_DASH_RE = re.compile(r"[ \t]+([-\u2013\u2014])[ \t]+(?=\S)")
_RULE_SENTENCE_RE = re.compile(
    r"[^.!?\u2026\u3002\uff01\uff1f]*(?:[.!?\u2026\u3002\uff01\uff1f]+[\"'\u2019\u201d)\]]*|$)")


@dataclass(frozen=True)
class CueSpan:
    """Characters ``start:end`` of ``cue.plain`` of the cue at `position`."""

    position: int
    start: int
    end: int


@dataclass(frozen=True)
class StyleSpan:
    """A styling tag over characters ``start:end`` of a sentence's text (``open='<i>'``,
    ``close='</i>'``), or, with ``start == end`` and ``close == ''``, an ASS override block standing
    before character `start`."""

    start: int
    end: int
    open: str
    close: str

    @property
    def is_mark(self) -> bool:
        return self.start == self.end and not self.close


@dataclass(frozen=True)
class Part:
    """The piece of a sentence that one cue (one turn of it) holds.

    ``start:end`` is the range in `Sentence.text`; `cue_offsets` gives, for each of those characters,
    its offset in ``cue.plain`` of the cue at `position` (index `cue_index` in the track's cues).
    `voice` is the WebVTT voice tag in force (``'<v Emo>'``) or ``''``; `dash` the dialogue dash that
    opened this turn (``'- '``, ``'-'``, ``'\u2013 '``) when the part starts the turn, and
    `dash_in_voice` whether it stood inside the voice tag; `lead`/`trail` the continuation ellipses
    taken off the text, with the space that separated them from it if there was one (``' ...'``).
    """

    position: int
    cue_index: int
    turn: int
    start: int
    end: int
    start_ms: int
    end_ms: int
    cue_offsets: tuple[int, ...] = field(repr=False, default=())
    voice: str = ""
    dash: str = ""
    dash_in_voice: bool = False
    lead: str = ""
    trail: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Sentence:
    """One sentence as the translation engine sees it (`text`), and how to put it back.

    `id` is the sentence's index in the list `cues_to_sentences` returns. `dash` is the dialogue dash
    that opened it (``''`` when none); `speaker` the voice or cue speaker; `styles` the styling spans
    and ASS marks over `text` (see the module docstring); `lang` the language it is spoken in (its
    cues' `Cue.lang`, else the track's): translate it from that language. ``und`` only for a line
    without words inside a cue whose other lines have some (``- ♪ ♪`` / ``- Hi.``): it is there to be
    kept as it is, not translated.
    """

    id: int
    text: str
    parts: tuple[Part, ...]
    speaker: str | None = None
    dash: str = ""
    styles: tuple[StyleSpan, ...] = ()
    lang: str = ""

    @property
    def positions(self) -> tuple[int, ...]:
        """Positions of the source cues the sentence spans, in order."""
        return tuple(dict.fromkeys(p.position for p in self.parts))

    @property
    def start_ms(self) -> int:
        return min(p.start_ms for p in self.parts)

    @property
    def end_ms(self) -> int:
        return max(p.end_ms for p in self.parts)

    @property
    def italic(self) -> bool:
        """Is the whole sentence in italics?"""
        return any(s.open.lower() == "<i>" and s.start <= 0 and s.end >= len(self.text) for s in self.styles)

    def locate(self, start: int, end: int) -> list[CueSpan]:
        """The cue spans (position, offsets in ``cue.plain``) of sentence characters ``start:end``.

        >>> from subpipe.cues import Cue, Track
        >>> s = cues_to_sentences(Track([Cue(0, 900, "We thank the honoured", position=3),
        ...                              Cue(1000, 2000, "elders of Rhodes.", position=4)]), "en")[0]
        >>> s.locate(s.text.index("honoured"), s.text.index(" of"))
        [CueSpan(position=3, start=13, end=21), CueSpan(position=4, start=0, end=6)]
        """
        out = []
        for p in self.parts:
            lo, hi = max(start, p.start), min(end, p.end)
            if lo >= hi:
                continue
            out.append(CueSpan(p.position, p.cue_offsets[lo - p.start], p.cue_offsets[hi - 1 - p.start] + 1))
        return out

    def times(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) in ms of the cues holding sentence characters ``start:end``."""
        parts = [p for p in self.parts if max(start, p.start) < min(end, p.end)] or list(self.parts)
        return min(p.start_ms for p in parts), max(p.end_ms for p in parts)


# ------------------------------------------------------------------------------------ cue reading


@dataclass
class _Char:
    text: str
    offset: int  # in cue.plain
    voice: str
    styles: tuple[tuple[tuple[int, int], str, str], ...]  # ((cue index, token index), open, close)
    marks: tuple[str, ...] = ()


@dataclass
class _Turn:
    cue_index: int
    turn: int
    chars: list[_Char]  # the text, whitespace already collapsed to single spaces
    voice: str
    speaker: str | None
    lang: str
    dash: str = ""
    dash_in_voice: bool = False
    lead: str = ""
    trail: str = ""

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


def _cue_chars(cue: Cue, cue_index: int) -> list[_Char]:
    """The visible characters of a cue with the voice and styles in force on each."""
    toks = markup_tokens(cue.text)
    if toks is None:  # markup too irregular to follow: plain text, unstyled
        return [_Char(ch, i, "", ()) for i, ch in enumerate(cue.plain)]
    chars: list[_Char] = []
    voice = ""
    styles: list[tuple[tuple[int, int], str, str]] = []
    marks: list[str] = []
    offset = 0
    for k, (raw, text) in enumerate(toks):
        if text:
            chars.append(_Char(text, offset, voice, tuple(styles), tuple(marks)))
            marks = []
            offset += len(text)
            continue
        if raw.startswith("{"):
            if chars:  # blocks before the first character belong to the cue (taken from the template)
                marks.append(raw)
            continue
        m = _TAG_NAME_RE.match(raw)
        if not m:  # inline timestamp
            continue
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "v":
            voice = "" if closing else raw
        elif closing:
            for j in range(len(styles) - 1, -1, -1):
                if styles[j][2].lower() == f"</{name}>":
                    del styles[j]
                    break
        else:
            styles.append(((cue_index, k), raw, f"</{name}>"))
    return chars


def _speaker_of(voice: str, cue: Cue, cue_has_voice: bool) -> str | None:
    if voice:
        m = VOICE_RE.match(voice)
        return m.group(1).strip() if m else None
    return None if cue_has_voice else cue.speaker


def _ends_sentence(text: str) -> bool:
    core = text.rstrip().rstrip(CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END


def _dash_starts(plain: str) -> dict[int, tuple[int, int, str]]:
    """Where dialogue dashes open turns: {first char of the decoration: (end of it, dash index, dash)}."""
    found: dict[int, tuple[int, int, str]] = {}
    for m in _LINE_DASH_RE.finditer(plain):
        found[m.start()] = (m.end(), m.start(1), plain[m.start(1):m.end()].strip(" \t") +
                            (" " if m.end() > m.end(1) else ""))
    for m in _MID_DASH_RE.finditer(plain):
        if m.start() in found or not _ends_sentence(plain[:m.start()]):
            continue
        found[m.start()] = (m.end(), m.start(1), plain[m.start(1)] + " ")
    return found


def line_languages(cue: Cue, lang: str) -> list[str]:
    """The language of each line of ``cue.plain``: `Cue.line_langs` where it has one per line, else the
    cue's language (`Cue.lang`, else `lang`, the track's) for every line.

    >>> line_languages(Cue(0, 1, "- 你好。\\n- Hi, Grandma.", line_langs=("zh", "en")), "en")
    ['zh', 'en']
    >>> line_languages(Cue(0, 1, "Hi,\\nGrandma."), "en")
    ['en', 'en']
    """
    lines = cue.plain.count("\n") + 1
    if cue.line_langs and len(cue.line_langs) == lines:
        return list(cue.line_langs)
    return [cue.lang or lang] * lines


def spoken_languages(cue: Cue, lang: str) -> tuple[str, ...]:
    """The languages spoken in a cue, each once, in line order (`lang` is the track's). The text is
    read only for a cue whose lines differ, so a single-language track costs nothing more.

    >>> spoken_languages(Cue(0, 1, "Hi"), "en"), spoken_languages(Cue(0, 1, "♪ ♪", lang="und"), "en")
    (('en',), ('und',))
    """
    if not cue.line_langs:
        return (cue.lang or lang,)
    return tuple(dict.fromkeys(line_languages(cue, lang)))


def _turns(cue: Cue, cue_index: int, lang: str) -> list[_Turn]:
    chars = _cue_chars(cue, cue_index)
    plain = "".join(c.text for c in chars)
    line_langs = line_languages(cue, lang) if cue.line_langs else [cue.lang or lang]
    mixed = len(set(line_langs)) > 1
    line_starts = [0] + [i + 1 for i, ch in enumerate(cue.plain) if ch == "\n"] if mixed else [0]

    def lang_at(offset: int) -> str:
        return line_langs[bisect_right(line_starts, offset) - 1] if mixed else line_langs[0]
    # Character index of each plain offset (entities make some characters longer than one).
    index_at = {c.offset: i for i, c in enumerate(chars)}
    dashes = {index_at[k]: (v[0], index_at.get(v[1]), v[2]) for k, v in _dash_starts(plain).items()
              if k in index_at}
    cue_has_voice = any(c.voice for c in chars)
    turns: list[_Turn] = []
    current: list[_Char] = []
    pending_dash: tuple[str, bool] = ("", False)

    def close() -> None:
        nonlocal current
        text_chars = _collapse(current)
        if "".join(c.text for c in text_chars).strip():
            first = next(c for c in text_chars if not c.text.isspace())
            turns.append(_Turn(cue_index, len(turns), text_chars, first.voice,
                               _speaker_of(first.voice, cue, cue_has_voice), lang_at(first.offset),
                               *pending_dash))
        current = []

    i = 0
    while i < len(chars):
        if i in dashes:
            end, dash_i, dash = dashes[i]
            close()
            turn_voice = next((c.voice for c in chars[i:] if c.offset >= end and not c.text.isspace()), "")
            in_voice = dash_i is not None and bool(turn_voice) and chars[dash_i].voice == turn_voice
            pending_dash = (dash, in_voice)
            while i < len(chars) and chars[i].offset < end:
                i += 1
            continue
        c = chars[i]
        if not c.text.isspace():
            last = next((x for x in reversed(current) if not x.text.isspace()), None)
            # A new voice, or a line in another language (Cue.line_langs), is a new turn.
            if last is not None and (last.voice != c.voice or
                                     (mixed and lang_at(last.offset) != lang_at(c.offset))):
                close()
                pending_dash = ("", False)
        current.append(c)
        i += 1
    close()
    return turns


def _collapse(chars: list[_Char]) -> list[_Char]:
    """Whitespace runs (line breaks included) -> one space; none at the edges. An ASS block standing
    before dropped whitespace moves on to the next character."""
    out: list[_Char] = []
    carried: tuple[str, ...] = ()
    for c in chars:
        if c.text.isspace() and is_breaking_space(c.text[0]):
            if out and out[-1].text != " ":
                out.append(_Char(" ", c.offset, c.voice, c.styles, carried + c.marks))
            else:
                carried += c.marks
                continue
            carried = ()
            continue
        out.append(_Char(c.text, c.offset, c.voice, c.styles, carried + c.marks) if carried else c)
        carried = ()
    while out and out[-1].text == " ":
        out.pop()
    return out


def _strip_ellipsis(turn: _Turn, at_end: bool) -> None:
    """Take a continuation ellipsis off the end (or the start) of a turn, unless nothing would be left."""
    for e in _ELLIPSES:
        n = len(e)  # "..." is three characters, "\u2026" one: never entities
        edge, rest = (turn.chars[-n:], turn.chars[:-n]) if at_end else (turn.chars[:n], turn.chars[n:])
        if "".join(c.text for c in edge) != e or not "".join(c.text for c in rest).strip():
            continue
        # A space between the ellipsis and the word ("werde ...") goes with the ellipsis.
        if at_end:
            del turn.chars[-n:]
            spaced = turn.chars[-1].text == " "
            turn.trail = (" " if spaced else "") + e
            if spaced:
                turn.chars.pop()
        else:
            del turn.chars[:n]
            spaced = turn.chars[0].text == " "
            turn.lead = e + (" " if spaced else "")
            if spaced:
                turn.chars.pop(0)
        return


# ---------------------------------------------------------------------------------------- passages


def _continues(prev: _Turn, nxt: _Turn, cues: Sequence[Cue], max_gap_ms: int) -> bool:
    """May the speech of turn `prev` go on in `nxt` (the first turn of a later cue)?"""
    a, b = cues[prev.cue_index], cues[nxt.cue_index]
    if nxt.dash or prev.speaker != nxt.speaker or b.start - a.end > max_gap_ms or prev.lang != nxt.lang:
        return False
    if (a.style, a.layer, a.align) != (b.style, b.layer, b.align):
        return False
    before, after = prev.text, nxt.text
    if before.endswith(_ELLIPSES):
        return after.startswith(_ELLIPSES) or after[:1].islower()
    return not _ends_sentence(before)


def without_words(cue: Cue, lang: str) -> bool:
    """Is every line of the cue ``und`` (music, sounds, interjections: nothing to translate)?"""
    return spoken_languages(cue, lang) == ("und",)


def _passages(track: Track | Sequence[Cue], max_gap_ms: int, lang: str) -> list[list[_Turn]]:
    cues = list(track)
    passages: list[list[_Turn]] = []
    current: list[_Turn] = []
    for index, cue in enumerate(cues):
        if cue.comment or not cue.plain.strip() or without_words(cue, lang):
            continue
        for turn in _turns(cue, index, lang):
            if current and not (turn.turn == 0 and current[-1].cue_index != index
                                and _continues(current[-1], turn, cues, max_gap_ms)):
                passages.append(current)
                current = []
            elif current:
                # The speech goes on across the cue boundary: the continuation ellipses leave the text.
                if current[-1].text.endswith(_ELLIPSES) and (turn.text.startswith(_ELLIPSES)
                                                             or turn.text[:1].islower()):
                    _strip_ellipsis(current[-1], at_end=True)
                _strip_ellipsis(turn, at_end=False)
            current.append(turn)
    if current:
        passages.append(current)
    return passages


def _sentence_spans(texts: list[str], lang: str, batch_size: int) -> list[list[tuple[int, int]]]:
    """(start, end) of each sentence of each text: spaCy, or a punctuation rule without it."""
    try:
        if lang == "und":
            raise SubpipeError("no words, no pipeline")
        docs = pipe_texts(lang, texts, batch_size=batch_size, disable=("ner", "lemmatizer"))
        found = [[(s.start_char, s.end_char) for s in doc.sents] for doc in docs]
    except SubpipeError:
        found = [[(m.start(), m.end()) for m in _RULE_SENTENCE_RE.finditer(t) if m.group().strip()]
                 for t in texts]
    return [_glue(text, spans) for text, spans in zip(texts, found)]


def _spans_per_language(texts: list[str], langs: list[str], batch_size: int) -> list[list[tuple[int, int]]]:
    """`_sentence_spans` with each text split by its own language's pipeline: one batched call per
    language (one call in all for a single-language track)."""
    by_lang: dict[str, list[int]] = {}
    for i, text_lang in enumerate(langs):
        by_lang.setdefault(text_lang, []).append(i)
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    for text_lang, indices in by_lang.items():
        for i, found in zip(indices, _sentence_spans([texts[i] for i in indices], text_lang, batch_size)):
            spans[i] = found
    return spans


def _glue(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A "sentence" that starts with closing punctuation (a parser slip: "font" / ", the player")
    belongs to the one before."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        head = text[start:end].lstrip()
        if out and head[:1] in _CLOSING:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _limit(start: int, end: int, cuts: list[int], max_chars: int) -> list[tuple[int, int]]:
    """Cut a too long sentence at cue boundaries (`cuts`: offsets of the joining spaces)."""
    pieces = []
    inside = [c for c in cuts if start < c < end]
    while end - start > max_chars and inside:
        fitting = [c for c in inside if c - start <= max_chars]
        cut = fitting[-1] if fitting else inside[0]
        pieces.append((start, cut))
        start = cut + 1
        inside = [c for c in inside if c > cut]
    pieces.append((start, end))
    return pieces


def cues_to_sentences(track: Track | Sequence[Cue], lang: str, *, max_gap_ms: int = MAX_GAP_MS,
                      max_chars: int = MAX_SENTENCE_CHARS,
                      batch_size: int = DEFAULT_BATCH_SIZE) -> list[Sentence]:
    """The sentences of a track, in order, for translation (see the module docstring).

    `lang` is the language of the track: of every cue without a language of its own (`Cue.lang`).
    Sentences are built per language, each split by its language's spaCy pipeline, and never run
    across a change of language (a cue in English followed by one in Chinese ends the sentence, and
    the dash lines of a cue whose lines differ, `Cue.line_langs`, give a sentence each); each
    `Sentence.lang` says which. `max_gap_ms` is the longest pause a sentence may run across
    (inclusive); `max_chars` the length past which a sentence is cut at cue boundaries. Empty cues,
    ASS comment events and cues without words (``und``: music, sounds, interjections) give no
    sentence: they are not for translation (`translation_notes` says so).
    """
    passages = _passages(track, max_gap_ms, lang)
    texts: list[str] = []
    maps: list[list[tuple[int, int] | None]] = []  # per character: (turn index in passage, char index)
    cuts: list[list[int]] = []
    for turns in passages:
        chunks, where, joins = [], [], []
        for t_i, turn in enumerate(turns):
            if t_i:
                joins.append(sum(len(c) for c in chunks))
                chunks.append(" ")
                where.append(None)
            for c_i, c in enumerate(turn.chars):
                chunks.append(c.text)
                where.extend([(t_i, c_i)] * len(c.text))
        texts.append("".join(chunks))
        maps.append(where)
        cuts.append(joins)
    cues = list(track)
    sentences: list[Sentence] = []
    langs = [turns[0].lang for turns in passages]
    for p_i, spans in enumerate(_spans_per_language(texts, langs, batch_size)):
        text = texts[p_i]
        for start, end in spans:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start == end:
                continue
            for lo, hi in _limit(start, end, cuts[p_i], max_chars):
                sentences.append(_make_sentence(len(sentences), passages[p_i], text, maps[p_i], lo, hi, cues))
    return sentences


def translation_notes(track: Track | Sequence[Cue], sentences: Sequence[Sentence]) -> list[Finding]:
    """What the sentences leave untranslated, said rather than silently done: a warning when a track
    gives no sentence at all (no cues; only music, sounds or empty cues: how many of each).

    >>> track = Track([Cue(0, 2000, "♪ ♪", lang="und"), Cue(3000, 4000, "(door opens)", lang="und")],
    ...               path="score.en.srt", lang="en")
    >>> [str(f) for f in translation_notes(track, cues_to_sentences(track, "en"))]
    ['score.en.srt: [segment-nothing-to-translate] nothing to translate: 2 cues without words (und: \
music, sounds); they are kept as they are, at their times']
    """
    if sentences:
        return []
    path = getattr(track, "path", None)
    cues = [c for c in track if not c.comment]
    if not cues:
        return [Finding("segment-nothing-to-translate", "nothing to translate: the track has no cues", path=path,
                        severity="warning")]
    lang = getattr(track, "lang", None) or "und"
    wordless = sum(1 for c in cues if c.plain.strip() and without_words(c, lang))
    empty = sum(1 for c in cues if not c.plain.strip())
    counts = [f"{wordless} cue{'s' if wordless != 1 else ''} without words (und: music, sounds)"] if wordless else []
    if empty:
        counts.append(f"{empty} empty cue{'s' if empty != 1 else ''}")
    return [Finding("segment-nothing-to-translate", f"nothing to translate: {', '.join(counts)}; they are kept "
                    "as they are, at their times", path=path, severity="warning")]


def _make_sentence(sid: int, turns: list[_Turn], text: str, where: list[tuple[int, int] | None],
                   lo: int, hi: int, cues: list[Cue]) -> Sentence:
    parts: list[Part] = []
    groups: dict[int, list[tuple[int, int]]] = {}  # turn index -> [(sentence offset, char index)]
    for pos in range(lo, hi):
        w = where[pos]
        if w is not None:
            groups.setdefault(w[0], []).append((pos - lo, w[1]))
    spans: dict[tuple[int, int], list] = {}  # style id -> [start, end, open, close]
    marks: list[StyleSpan] = []
    seen_chars: set[tuple[int, int]] = set()
    for t_i, items in groups.items():
        turn = turns[t_i]
        cue = cues[turn.cue_index]
        first_char, last_char = items[0][1], items[-1][1]
        starts_turn = first_char == 0
        ends_turn = last_char == len(turn.chars) - 1
        offsets = []
        for s_off, c_i in items:
            c = turn.chars[c_i]
            offsets.append(c.offset)
            if (t_i, c_i) in seen_chars:
                continue  # an entity spans several sentence characters: style it once
            seen_chars.add((t_i, c_i))
            for uid, open_tag, close_tag in c.styles:
                span = spans.setdefault(uid, [s_off, s_off + len(c.text), open_tag, close_tag])
                span[0], span[1] = min(span[0], s_off), max(span[1], s_off + len(c.text))
            marks.extend(StyleSpan(s_off, s_off, raw, "") for raw in c.marks)
        parts.append(Part(
            position=cue.position, cue_index=turn.cue_index, turn=turn.turn, start=items[0][0],
            end=items[-1][0] + 1, start_ms=cue.start, end_ms=cue.end, cue_offsets=tuple(offsets),
            voice=turn.voice, dash=turn.dash if starts_turn else "",
            dash_in_voice=turn.dash_in_voice if starts_turn else False,
            lead=turn.lead if starts_turn else "", trail=turn.trail if ends_turn else "",
        ))
    styles = _merge_spans([StyleSpan(a, b, o, c) for a, b, o, c in spans.values()])
    first = turns[next(iter(groups))]
    return Sentence(id=sid, text=text[lo:hi], parts=tuple(parts), speaker=first.speaker,
                    dash=parts[0].dash, styles=tuple(sorted(styles + marks, key=lambda s: (s.start, -s.end))),
                    lang=first.lang)


def _merge_spans(spans: list[StyleSpan]) -> list[StyleSpan]:
    """One span for the same tag on consecutive cues (<i>a</i> / <i>b</i> -> one italic span).
    The order of the spans (outer tags first) is kept."""
    out: list[StyleSpan] = []
    for s in spans:
        for k, have in enumerate(out):
            if have.open == s.open and have.close == s.close and 0 <= s.start - have.end <= 1:
                out[k] = StyleSpan(have.start, max(have.end, s.end), s.open, s.close)
                break
        else:
            out.append(s)
    return out


__all__ = ["MAX_GAP_MS", "MAX_SENTENCE_CHARS", "CueSpan", "Part", "Sentence", "StyleSpan",
           "cues_to_sentences", "line_languages", "spoken_languages", "translation_notes", "without_words"]
