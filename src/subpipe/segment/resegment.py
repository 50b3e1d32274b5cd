"""Translated sentences -> cues: each translation spread over its source cues, then broken into lines,
then fixed and checked against the target profile.

`resegment_sentences(sentences, translations, lang, profile, template=track)` (and
`sentences_to_cues`, which returns only the track) does, for every sentence and its translation:

1. **Distribution.** A sentence spanning n cues is cut into n pieces, one per source cue, so the
   output keeps the source's timing. The ideal cut points divide the translation in proportion to
   the length of each cue's part of the source sentence; each cut goes to the boundary minimising
   ``3 * distance from the ideal point / length + penalty``, the penalties being those of line
   breaking (`subpipe.segment.linebreak`: best after punctuation, then before conjunctions and
   prepositions; never inside "the house", "John Smith", nor before punctuation; spaCy parts of
   speech and dependencies where the language has a tagger). A translation with fewer words than
   cues leaves a cue empty: that output cue is dropped and reported. A translation identical to its
   source (a name, "OK") keeps the source's cuts.
2. **Cues.** Every source cue that holds part of a sentence gives one output cue with the same
   position, identifier, times, ``{\\anN}`` alignment, WebVTT settings, ASS style, layer, margins,
   effect and speaker, and the ASS override blocks standing before its first and after its last
   character. Provenance is therefore `Cue.position`: an output cue names the source cue whose time
   span it fills (pieces split later by the QC split fix keep that position and get identifiers
   ``12a``, ``12b``, ...). The pieces of several sentences in one cue follow each other; each turn
   of the source cue is rebuilt with its dialogue dash (a dashed turn starts a new line) and its
   WebVTT voice (``<v Emo>``), the dash inside or outside the voice as it was. Continuation ellipses
   ("chased..." / "...by") are put back where the sentence still runs across the cue boundary. Cues
   with no sentence (empty cues, ASS comments, cues without words: ``und``) are copied unchanged, and
   so are the cues spoken in a language of `keep_langs`; every other output cue speaks the target
   language (its `Cue.lang` cleared: the track's).
3. **Styling.** A style span is mapped onto the translation as follows: over the whole sentence ->
   the whole translation (an italic sentence stays italic); over the whole of one cue's part -> the
   whole piece that replaces it (a fully italic cue stays fully italic); over some words only -> the
   same text where the translation kept it verbatim (a title, a name), otherwise the same proportion
   of the piece, its ends moved to the nearest word start and word end. ASS override blocks inside
   the text are placed at the same proportion, at a word start. A dialogue dash is written outside
   the styling tags (``<i>- Yes.</i>`` comes back as ``- <i>Sí.</i>``).
4. **Line breaking** per the profile (`subpipe.segment.linebreak.choose_breaks`), using the
   boundaries of the whole translated sentence (one spaCy pass over all translations), the joins
   between sentences counting as sentence ends and a dialogue dash forcing a new line.
5. **QC.** `subpipe.qc.fixes.fix_track` with `fixes` (default: extend, gap, split); pieces the split
   fix produced are re-broken linguistically; then `subpipe.qc.rules.check_track` lists what still
   breaks the profile.

>>> from subpipe.cues import Cue, Track
>>> from subpipe.qc.profiles import load_profile
>>> from subpipe.segment.sentences import cues_to_sentences
>>> src = Track([Cue(1000, 3000, "<i>I have nightmares</i>", position=0),
...              Cue(3000, 5000, "<i>that I'm being chased.</i>", position=1)])
>>> sentences = cues_to_sentences(src, "en")
>>> out = sentences_to_cues(sentences, ["Tengo pesadillas en las que me persiguen."], "es",
...                         load_profile("netflix", lang="es"), template=src)
>>> [(c.position, c.start, c.end, c.text) for c in out]
[(0, 1000, 2917, '<i>Tengo pesadillas</i>'), (1, 3000, 5000, '<i>en las que me persiguen.</i>')]
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from subpipe.cues import ASS_BLOCK_RE, Cue, Track, escape_text
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.nlp import DEFAULT_BATCH_SIZE
from subpipe.qc.fixes import fix_track
from subpipe.qc.profiles import LanguageProfiles, Profile, is_breaking_space
from subpipe.qc.rules import check_track, line_problems
from subpipe.segment.linebreak import (
    AFTER_SENTENCE,
    Boundary,
    break_markup_batch,
    choose_breaks,
    is_cjk,
    markup_tokens,
    phrase_boundaries,
)
from subpipe.segment.sentences import Sentence, StyleSpan, spoken_languages

DISTANCE_WEIGHT = 3.0
EMPTY_PIECE = 10.0
DEFAULT_FIXES = ("extend", "gap", "split")

_TIMESTAMP_RE = re.compile(r"<\d{1,}:\d{2}(?::\d{2})?\.\d{3}>")
_WS_RE = re.compile(r"[ \t\n\r\f\v]+")


@dataclass
class Resegmented:
    """What `resegment_sentences` made: the target `track`; `notes` on the re-segmentation itself (cues left
    empty, timestamps dropped); `fixes` the findings of `fix_track` (what it changed, what it could
    not); `remaining` what `check_track` still finds on the result."""

    track: Track
    notes: list[Finding] = field(default_factory=list)
    fixes: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)


# ---------------------------------------------------------------------------------- distribution


def _normalize(text: str) -> str:
    """Whitespace runs -> one space (no-break spaces stay: they are not break points)."""
    return _WS_RE.sub(" ", text or "").strip()


def distribute(sentence: Sentence, translation: str, boundaries: Sequence[Boundary]) -> list[tuple[int, int]]:
    """``(start, end)`` of the piece of `translation` that goes to each part of `sentence` (empty when
    start == end), cut at `boundaries` (those of `translation`; see the module docstring).

    >>> from subpipe.segment.linebreak import phrase_boundaries
    >>> from subpipe.cues import Cue, Track
    >>> from subpipe.segment.sentences import cues_to_sentences
    >>> s = cues_to_sentences(Track([Cue(0, 2000, "Listen Celia, I was young..."),
    ...                              Cue(2100, 3000, "...and a dick.")]), "en")[0]
    >>> t = "Escucha Celia, yo era joven y un idiota."
    >>> [t[a:b] for a, b in distribute(s, t, phrase_boundaries([t], "es")[0])]
    ['Escucha Celia, yo era joven', 'y un idiota.']
    """
    parts = sentence.parts
    n = len(parts)
    if n == 1:
        return [(0, len(translation))]
    if translation == sentence.text:
        return [(p.start, p.end) for p in parts]
    total = len(translation)
    weights = [max(p.length, 1) for p in parts]
    ideal = [total * sum(weights[:j]) / sum(weights) for j in range(1, n)]
    # Cut locations: -1 is the very start, m the very end, k a boundary.
    m = len(boundaries)

    def x(c: int) -> float:
        if c < 0:
            return 0.0
        if c >= m:
            return float(total)
        return (boundaries[c].start + boundaries[c].end) / 2

    def cost(j: int, c: int) -> float:
        penalty = boundaries[c].penalty if 0 <= c < m else 0.0
        return DISTANCE_WEIGHT * abs(x(c) - ideal[j]) / max(total, 1) + penalty

    locations = range(-1, m + 1)
    # best[c]: cost of the cuts so far with the last one at c, and the cuts.
    best: dict[int, tuple[float, tuple[int, ...]]] = {-1: (0.0, ())}
    for j in range(n - 1):
        nxt: dict[int, tuple[float, tuple[int, ...]]] = {}
        for c in locations:
            options = [(score + cost(j, c) + (EMPTY_PIECE if c == prev else 0.0), cuts)
                       for prev, (score, cuts) in best.items() if prev <= c]
            if options:
                score, cuts = min(options, key=lambda o: o[0])
                nxt[c] = (score, (*cuts, c))
        best = nxt
    finals = [(score + (EMPTY_PIECE if last >= m else 0.0), cuts) for last, (score, cuts) in best.items()]
    _, cuts = min(finals, key=lambda o: o[0])
    pieces = []
    start = 0
    for c in cuts:
        end = 0 if c < 0 else (total if c >= m else boundaries[c].start)
        pieces.append((start, max(start, end)))
        start = max(start, 0 if c < 0 else (total if c >= m else boundaries[c].end))
    pieces.append((start, total))
    return pieces


# --------------------------------------------------------------------------------------- styling


def _word_start(text: str, pos: int, lo: int) -> int:
    while pos > lo and not is_breaking_space(text[pos - 1]):
        pos -= 1
    return pos


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in lo..hi where a word starts (every character of CJK text starts one)."""
    return [i for i in range(lo, hi) if not is_breaking_space(text[i])
            and (i == lo or is_breaking_space(text[i - 1]) or is_cjk(text[i]) or is_cjk(text[i - 1]))]


def _word_ends(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in lo..hi where a word ends."""
    return [i + 1 for i in range(lo, hi) if not is_breaking_space(text[i])
            and (i + 1 == hi or is_breaking_space(text[i + 1]) or is_cjk(text[i]) or is_cjk(text[i + 1]))]


def _nearest(candidates: list[int], x: float) -> int:
    return min(candidates, key=lambda c: (abs(c - x), c))


def _verbatim(source: str, translation: str) -> tuple[int, int] | None:
    """Where the translation kept a styled stretch of the source as it was (whole words)."""
    source = source.strip()
    if len(source) < 2:
        return None
    for m in re.finditer(re.escape(source), translation):
        before = translation[m.start() - 1] if m.start() else " "
        after = translation[m.end()] if m.end() < len(translation) else " "
        if not (before.isalnum() or after.isalnum()):
            return m.start(), m.end()
    return None


def map_styles(sentence: Sentence, translation: str,
               pieces: Sequence[tuple[int, int]]) -> list[StyleSpan]:
    """The styles of `sentence` as spans of `translation` (see the module docstring, step 3)."""
    text = sentence.text
    if translation == text:
        return list(sentence.styles)
    out: list[StyleSpan] = []
    for span in sentence.styles:
        if span.is_mark:
            part_i = next((i for i, p in enumerate(sentence.parts) if p.start <= span.start <= p.end), 0)
            p, (a, b) = sentence.parts[part_i], pieces[part_i]
            at = a + round((span.start - p.start) / max(p.length, 1) * (b - a))
            at = _word_start(translation, at, a) if at < b else b
            out.append(StyleSpan(at, at, span.open, ""))
            continue
        if span.start <= 0 and span.end >= len(text):
            out.append(StyleSpan(0, len(translation), span.open, span.close))
            continue
        verbatim = _verbatim(text[span.start:span.end], translation)
        for p, (a, b) in zip(sentence.parts, pieces):
            lo, hi = max(span.start, p.start), min(span.end, p.end)
            if lo >= hi or a >= b:
                continue
            if lo == p.start and hi == p.end:
                out.append(StyleSpan(a, b, span.open, span.close))
            elif verbatim is not None:
                if not any(s.start == verbatim[0] and s.open == span.open for s in out):
                    out.append(StyleSpan(*verbatim, span.open, span.close))
            else:
                x0 = _nearest(_word_starts(translation, a, b), a + (lo - p.start) / p.length * (b - a))
                x1 = _nearest(_word_ends(translation, a, b), a + (hi - p.start) / p.length * (b - a))
                if x1 <= x0:
                    x1 = min((e for e in _word_ends(translation, a, b) if e > x0), default=b)
                out.append(StyleSpan(x0, x1, span.open, span.close))
    return out


# ------------------------------------------------------------------------------------ composing


@dataclass
class _Item:
    sentence: int
    part: int
    piece: tuple[int, int]


class _Cue:
    """One output cue's visible characters with the voice and styles on each, and its boundaries."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.voice: list[str] = []
        self.styles: list[tuple] = []
        self.marks: dict[int, list[str]] = {}
        self.bounds: list[Boundary] = []

    def add(self, text: str, voice: str, styles: tuple = ()) -> None:
        for ch in text:
            self.chars.append(ch)
            self.voice.append(voice)
            self.styles.append(styles)

    def join(self, penalty: float, forced: bool = False, space: bool = True) -> None:
        """A boundary between two pieces: a space, or (``space=False``) a break point only."""
        n = len(self.chars)
        if space:
            self.add(" ", "")
        self.bounds.append(Boundary(n, n + 1 if space else n, penalty, forced))

    @property
    def text(self) -> str:
        return "".join(self.chars)


def _spaced(plain: str, before, after) -> bool:
    """Did whitespace separate two parts in the source cue (`plain` is its text)?"""
    if not before.cue_offsets or not after.cue_offsets:
        return True
    return any(ch.isspace() for ch in plain[before.cue_offsets[-1] + 1:after.cue_offsets[0]])


def _compose(cue_items: dict[int, list[_Item]], sentences: Sequence[Sentence], translations: list[str],
             bounds: list[list[Boundary]], styles: list[list[StyleSpan]], plain: str) -> _Cue:
    out = _Cue()
    previous = None  # the last part placed
    # Dialogue dashes come in pairs: a turn left alone of two dashed ones (the other speaker's line was
    # not translated, or went to another language's track) loses its dash.
    dashed = [turn for turn, turn_items in cue_items.items()
              if any(sentences[it.sentence].parts[it.part].dash for it in turn_items)]
    shown = [turn for turn in dashed if any(it.piece[0] < it.piece[1] for it in cue_items[turn])]
    paired = len(dashed) < 2 or len(shown) >= 2
    for turn in sorted(cue_items):
        items = sorted(cue_items[turn], key=lambda it: sentences[it.sentence].parts[it.part].cue_offsets[:1])
        parts = [sentences[it.sentence].parts[it.part] for it in items]
        opener = next((p for p in parts if p.dash), parts[0])
        if not paired:
            opener = replace(opener, dash="")
        items = [it for it in items if it.piece[0] < it.piece[1]]
        if not items:
            continue
        voice = opener.voice
        if out.chars:
            # Turns keep the source's spacing ("for?<v Cyril>I don't care" stays without a space).
            here = sentences[items[0].sentence].parts[items[0].part]
            out.join(AFTER_SENTENCE, forced=bool(opener.dash),
                     space=bool(opener.dash) or _spaced(plain, previous, here))
        if opener.dash:
            dash_voice = voice if opener.dash_in_voice else ""
            out.add(opener.dash.rstrip(), dash_voice)
            if opener.dash.endswith(" "):
                out.add(" ", dash_voice)
        for i_n, item in enumerate(items):
            sentence = sentences[item.sentence]
            part = sentence.parts[item.part]
            translation = translations[item.sentence]
            a, b = item.piece
            if i_n:
                # No space between sentences of Chinese or Japanese, nor where an untranslated source
                # had none ("man... ...rate").
                untranslated = translation == sentence.text and \
                    translations[items[i_n - 1].sentence] == sentences[items[i_n - 1].sentence].text
                tight = is_cjk(out.chars[-1]) or is_cjk(translation[a]) or \
                    (untranslated and not _spaced(plain, previous, part))
                out.join(AFTER_SENTENCE, space=not tight)
            keys = [(s.start, -s.end, item.sentence, k, s.open, s.close)
                    for k, s in enumerate(styles[item.sentence]) if not s.is_mark]

            def active(x: int, keys=keys) -> tuple:
                return tuple(k for k in keys if k[0] <= x < -k[1])

            base = len(out.chars)
            if part.lead:
                out.add(part.lead, voice, active(a))
                base = len(out.chars)
            for x in range(a, b):
                out.add(translation[x], voice, active(x))
            for s in styles[item.sentence]:
                if s.is_mark and a <= s.start <= b:
                    out.marks.setdefault(base + s.start - a, []).append(s.open)
            for bd in bounds[item.sentence]:
                if a < bd.start and bd.end < b:
                    out.bounds.append(Boundary(base + bd.start - a, base + bd.end - a, bd.penalty, bd.forced))
            if part.trail:
                out.add(part.trail, voice, active(b - 1))
            previous = part
    return out


def _render(cue: _Cue, breaks: Sequence[int]) -> str:
    """Markup for a composed cue with the chosen line breaks: tags open and close around the
    characters they cover, properly nested, voice outermost."""
    newline_at = {cue.bounds[k].start for k in breaks if cue.bounds[k].start < cue.bounds[k].end}
    insert_at = {cue.bounds[k].start for k in breaks if cue.bounds[k].start == cue.bounds[k].end}
    chars: list[str] = []
    voice: list[str] = []
    styles: list[tuple] = []
    marks: dict[int, list[str]] = {}
    for i, ch in enumerate(cue.chars):
        if i in insert_at:
            chars.append("\n")
            voice.append("")
            styles.append(())
        marks[len(chars)] = cue.marks.get(i, [])
        chars.append("\n" if i in newline_at else ch)
        voice.append(cue.voice[i])
        styles.append(cue.styles[i])
    marks[len(chars)] = cue.marks.get(len(cue.chars), [])
    n = len(chars)
    # Whitespace takes what its neighbours share, so a tag closes before a space and opens after it.
    for i in range(n):
        if not chars[i].isspace():
            continue
        j, k = i - 1, i + 1
        while j >= 0 and chars[j].isspace():
            j -= 1
        while k < n and chars[k].isspace():
            k += 1
        if j < 0 or k >= n or voice[j] != voice[k]:
            voice[i], styles[i] = "", ()
        else:
            voice[i], styles[i] = voice[j], tuple(x for x in styles[j] if x in styles[k])
    out: list[str] = []
    stack: list[tuple[str, str]] = []
    for i in range(n + 1):
        desired = [] if i == n else \
            ([(voice[i], "</v>")] if voice[i] else []) + [(key[4], key[5]) for key in sorted(styles[i])]
        same = 0
        while same < min(len(stack), len(desired)) and stack[same] == desired[same]:
            same += 1
        out.extend(close for _, close in reversed(stack[same:]))
        out.extend(marks.get(i, []))
        if i == n:
            break
        out.extend(open_tag for open_tag, _ in desired[same:])
        stack = desired
        out.append(chars[i] if chars[i] == "\n" else escape_text(chars[i]))
    return "".join(out)


def _frame(cue: Cue) -> tuple[str, str]:
    """The ASS override blocks before the first and after the last visible character of a cue."""
    toks = markup_tokens(cue.text) or []
    lead, trail = [], []
    seen_text = False
    for raw, text in toks:
        if text:
            seen_text = True
            trail = []
        elif ASS_BLOCK_RE.fullmatch(raw):
            (trail if seen_text else lead).append(raw)
    return "".join(lead), "".join(trail)


# ------------------------------------------------------------------------------------------- API


def resegment_sentences(sentences: Sequence[Sentence], translations: Sequence[str], lang: str,
                        profile: Profile, *, template: Track, fixes: Sequence[str] = DEFAULT_FIXES,
                        batch_size: int = DEFAULT_BATCH_SIZE, keep_langs: Collection[str] = ()) -> Resegmented:
    """Translated sentences -> a target track fitted to `profile` (see the module docstring).

    `sentences` come from `cues_to_sentences(template, source_lang)`; `translations[i]` is the
    translation of ``sentences[i].text``; `lang` the target language; `template` the source track the
    sentences were read from (its cues give times, positions and cue-level styling; its metadata and
    ASS styles are carried over). `fixes` are passed to `subpipe.qc.fixes.fix_track` (``()`` for
    none); each cue is fixed and checked by its own language's rules.

    Kept as they are, at their times, whatever `translations` says for them: cues without words
    (``und``: they give no sentence), and, for the languages in `keep_langs` (``{"en"}`` when
    localizing into English a film that speaks English and Chinese), the cues spoken in them and the
    sentences in them (a dash line of a cue whose lines differ); ``und`` sentences too. Every other
    output cue speaks `lang`: its `Cue.lang` is cleared (the track's language). One
    ``segment-kept`` note per reason lists the positions kept.
    """
    if len(translations) != len(sentences):
        raise SubpipeError(f"{len(translations)} translations for {len(sentences)} sentences: give one "
                           "translation per sentence, in order", code=ErrorCode.INPUT)
    cues = list(template.cues)
    for s in sentences:
        for p in s.parts:
            if p.cue_index >= len(cues) or cues[p.cue_index].position != p.position:
                raise SubpipeError(f"sentence {s.id} names cue {p.position} (index {p.cue_index}), which the "
                                   "template does not have there: pass the track the sentences were read "
                                   "from", code=ErrorCode.INPUT)
    keep = set(keep_langs) | {"und"}
    texts = [s.text if s.lang in keep else _normalize(t) for s, t in zip(sentences, translations)]
    all_bounds = phrase_boundaries(texts, lang, batch_size=batch_size)
    notes: list[Finding] = []
    per_cue: dict[int, dict[int, list[_Item]]] = {}
    styles: list[list[StyleSpan]] = []
    for i, (s, text) in enumerate(zip(sentences, texts)):
        pieces = distribute(s, text, all_bounds[i])
        styles.append(map_styles(s, text, pieces))
        for k, (p, piece) in enumerate(zip(s.parts, pieces)):
            per_cue.setdefault(p.cue_index, {}).setdefault(p.turn, []).append(_Item(i, k, piece))
    out_cues: list[Cue] = []
    composed: list[tuple[int, _Cue]] = []
    kept: dict[str, list[int]] = {}
    for index, cue in enumerate(cues):
        verbatim = _verbatim_reason(cue, template.lang or "", keep, index in per_cue)
        if verbatim:
            kept.setdefault(verbatim, []).append(cue.position)
        if index not in per_cue or verbatim:
            out_cues.append(cue.copy())
            continue
        if _TIMESTAMP_RE.search(cue.text):
            notes.append(_note("segment-timestamps-dropped", "inline timestamps (karaoke timing) cannot "
                               "follow a translation and were left out", cue, template.path))
        body = _compose(per_cue[index], sentences, texts, all_bounds, styles, cue.plain)
        if not body.text.strip():
            notes.append(_note("segment-empty-cue", "the translation left nothing for this cue (fewer words "
                               "than cues): no output cue", cue, template.path))
            continue
        composed.append((len(out_cues), body))
        out_cues.append(cue.copy(lang=None, lang_confidence=None, lang_origin=None, line_langs=None))
    for slot, body in composed:
        breaks = choose_breaks(body.text, body.bounds, profile)
        lead, trail = _frame(cues_slot := out_cues[slot])
        out_cues[slot] = cues_slot.copy(text=lead + _render(body, breaks) + trail)
    notes.extend(_kept_note(reason, positions, template.path) for reason, positions in kept.items())
    track = template.copy(cues=out_cues, lang=lang, path=None, findings=[])
    profiles = LanguageProfiles(profile)
    fixed, fix_notes = (fix_track(track, profiles, tuple(fixes)) if fixes else (track, []))
    fixed = _rebreak_changed(track, fixed, lang, profiles, batch_size)
    remaining = check_track(fixed, profiles)
    fixed.findings = notes + fix_notes
    return Resegmented(fixed, notes, fix_notes, remaining)


_KEPT_REASONS = {
    "und": "without words (und: music, sounds, interjections)",
    "untranslated": "that no sentence covers (not read from this template?)",
}


def _verbatim_reason(cue: Cue, lang: str, keep: set[str], has_sentences: bool) -> str | None:
    """Why a source cue goes to the target as it is (a key of the ``segment-kept`` note), or None."""
    if cue.comment or not cue.plain.strip():
        return None
    langs = set(spoken_languages(cue, lang))
    if langs == {"und"}:
        return "und"
    if langs <= keep:
        return ", ".join(sorted(langs - {"und"}))
    return None if has_sentences else "untranslated"


def _kept_note(reason: str, positions: list[int], path: str | None) -> Finding:
    shown = ", ".join(str(p) for p in positions[:30]) + (f" and {len(positions) - 30} more" if len(positions) > 30
                                                         else "")
    why = _KEPT_REASONS.get(reason, f"already spoken in {reason}")
    return Finding("segment-kept", f"{len(positions)} cue{'s' if len(positions) != 1 else ''} {why} kept as "
                   f"they are, at their times: {shown}", path=path, position=positions[0],
                   severity="warning" if reason == "untranslated" else "info")


def _rebreak_changed(before: Track, after: Track, lang: str, profiles: LanguageProfiles,
                     batch_size: int) -> Track:
    """Give cues the QC fixes re-wrapped or split linguistic line breaks again, where they fit (by
    their own language: the target's, or that of a cue kept as it is)."""
    original = {(c.position, c.identifier): c.text for c in before.cues}
    todo: dict[str, list[int]] = {}
    for i, c in enumerate(after.cues):
        cue_lang = c.lang or lang
        if original.get((c.position, c.identifier)) != c.text and cue_lang != "und" and not c.line_langs:
            todo.setdefault(cue_lang, []).append(i)
    for cue_lang, indices in todo.items():
        profile = profiles(cue_lang)
        broken = break_markup_batch([after.cues[i].text for i in indices], cue_lang, profile,
                                    batch_size=batch_size)
        for i, text in zip(indices, broken):
            candidate = after.cues[i].copy(text=text)
            if not line_problems(candidate, profile):
                after.cues[i] = candidate
    return after


def _note(kind: str, message: str, cue: Cue, path: str | None) -> Finding:
    return Finding(kind, f"{cue.timecode('.')}: {message}",
                   path=path, line=cue.line, position=cue.position, severity="warning",
                   start_ms=cue.start, end_ms=cue.end)


def sentences_to_cues(sentences: Sequence[Sentence], translations: Sequence[str], lang: str, profile: Profile,
                      *, template: Track, fixes: Sequence[str] = DEFAULT_FIXES,
                      batch_size: int = DEFAULT_BATCH_SIZE, keep_langs: Collection[str] = ()) -> Track:
    """`resegment_sentences(...).track`: the target track, whose `findings` are the re-segmentation notes
    and what the QC fixes did (`resegment_sentences(...).remaining`, or `subpipe.qc.check_track` on it,
    for what remains)."""
    return resegment_sentences(sentences, translations, lang, profile, template=template, fixes=fixes,
                               batch_size=batch_size, keep_langs=keep_langs).track


__all__ = ["DEFAULT_FIXES", "Resegmented", "distribute", "map_styles", "resegment_sentences",
           "sentences_to_cues"]
