"""Find glossary terms in a track: inflected, multiword, split across cues, case-sensitive where asked.

Subtitles break sentences across cues, so terms are matched on *passages*: the plain text of consecutive
cues joined while the sentence goes on (no final punctuation, same speaker, a short gap; a cue ending in
``...`` continues into one starting with ``...``). Every word of a passage remembers the cue and offset
it came from, so a match maps back to cue positions, character spans and timecodes.

Passages go through spaCy in batches (`subpipe.nlp.pipe_texts`), then three PhraseMatchers run:

- ``ORTH`` for case-sensitive terms (*Barley* the character, not barley the grain);
- ``LOWER`` for the others, written as they are;
- a lemma key for inflections ("honoured elders" finds the entry "honoured elder"). spaCy's lemmas
  depend on the part of speech ("honoured" is ``honour`` as a participle and ``honoured`` as an
  adjective) and proper nouns are not lemmatized ("Elders" in a title-cased line), so the key is the
  lower-cased spaCy lemma, the POS-free lookup lemma for proper nouns, and each term is added with the
  variants of its words (lemma, lookup lemma, lower-case form). The key is stored in the token's
  ``NORM`` attribute of our own docs, which is what the third matcher reads.

>>> from subpipe.cues import Cue, Track
>>> from subpipe.terms.glossary import make_entry
>>> track = Track([Cue(0, 2000, "We thank the honoured", position=0), Cue(2100, 4000, "elders of Rhodes.", position=1)])
>>> [(h.entry.term, h.text, h.positions, h.match) for h in match_track(track, [make_entry("honoured elder", "en")], "en")]
[('honoured elder', 'honoured elders', (0, 1), 'lemma')]
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from subpipe.cues import Cue, Track, format_timecode
from subpipe.nlp import load_pipeline, lookup_lemmas, pipe_texts
from subpipe.terms.glossary import Glossary, GlossaryEntry, same_language

MAX_GAP_MS = 3000
MAX_VARIANTS = 16
# What trained components term work needs: lemmas (tagger, attribute_ruler, lemmatizer) and entities.
NOT_NEEDED = ("parser",)

_SENTENCE_END = re.compile(r"[.!?…。！？؟]['\"”’»)\]]*$")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)['\"”’»)\]]*$")
_ELLIPSIS_START = re.compile(r"^['\"“‘«(\[]*(?:\.\.\.|…)")
_WORD = re.compile(r"\S+")
_RANK = {"exact": 0, "case": 1, "lemma": 2}


@dataclass(frozen=True)
class CueSpan:
    """Where (part of) a match sits in one cue: characters ``start:end`` of ``cue.plain``."""

    position: int
    start: int
    end: int


@dataclass
class Passage:
    """Consecutive cues read as one stretch of text; `pieces` map each word back to its cue."""

    text: str
    cues: list[Cue]
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)  # (start, end, cue index, offset)

    def locate(self, start: int, end: int) -> list[CueSpan]:
        """The cue spans covering passage characters ``start:end``."""
        spans: dict[int, list[int]] = {}
        for p_start, p_end, idx, offset in self.pieces:
            if p_end <= start or p_start >= end:
                continue
            lo = offset + max(start, p_start) - p_start
            hi = offset + min(end, p_end) - p_start
            have = spans.setdefault(idx, [lo, hi])
            have[0], have[1] = min(have[0], lo), max(have[1], hi)
        return [CueSpan(self.cues[i].position, lo, hi) for i, (lo, hi) in sorted(spans.items())]


def _continues(prev: Cue, nxt: Cue, max_gap_ms: int) -> bool:
    """Does the sentence of `prev` go on in `nxt`?"""
    text = prev.plain.rstrip()
    following = nxt.plain.lstrip()
    if nxt.start - prev.end > max_gap_ms:
        return False
    if prev.speaker and nxt.speaker and prev.speaker != nxt.speaker:
        return False
    if _ELLIPSIS_END.search(text):
        return bool(_ELLIPSIS_START.match(following)) or following[:1].islower()
    return not _SENTENCE_END.search(text) and not following.startswith(("-", "–", "—"))


def build_passages(cues: Iterable[Cue], *, max_gap_ms: int = MAX_GAP_MS, lang: str | None = None) -> list[Passage]:
    """Group cues (document order) into passages; empty and comment cues are skipped.

    The ellipses of the continuation convention ("we see the..." / "...the head-snarlers") are left
    out of the passage text, so that a term can run across them.

    With `lang`, only what is spoken in `lang` is read (`Cue.lang`, None meaning `lang`; of a cue
    whose lines differ, `Cue.line_langs`, its lines in `lang`), and a passage never runs across a
    cue in another language.

    >>> [p.text for p in build_passages([Cue(0, 1000, "At the right we see the..."),
    ...                                  Cue(1100, 2000, "...the <i>head-snarlers</i>."), Cue(2100, 3000, "Emo?")])]
    ['At the right we see the the head-snarlers.', 'Emo?']
    """
    passages: list[Passage] = []
    current: list[Cue] = []
    lines: dict[int, set[int]] = {}  # id(cue) -> the lines in `lang` of a cue whose lines differ
    for cue in cues:
        if cue.comment or not cue.plain.strip():
            continue
        spoken = _lines_in(cue, lang) if lang else None
        if spoken is not None and not spoken:  # another language: the passage stops here
            if current:
                passages.append(_join(current, lines))
                current = []
            continue
        if current and (spoken or id(current[-1]) in lines or not _continues(current[-1], cue, max_gap_ms)):
            passages.append(_join(current, lines))
            current = []
        if spoken:
            lines[id(cue)] = spoken
        current.append(cue)
    if current:
        passages.append(_join(current, lines))
    return passages


def _lines_in(cue: Cue, lang: str) -> set[int] | None:
    """None when the whole cue is spoken in `lang`; else the indices of its lines in `lang` (empty
    when none is)."""
    from subpipe.segment.sentences import line_languages

    if not cue.line_langs:
        return None if (cue.lang or lang) == lang else set()
    langs = line_languages(cue, lang)
    if all(line_lang == lang for line_lang in langs):
        return None
    return {i for i, line_lang in enumerate(langs) if line_lang == lang}


def _words(cue: Cue, trim_end: bool, trim_start: bool, lines: set[int] | None = None) -> list[tuple[str, int]]:
    """(word, offset in cue.plain) for the words of a cue (of its `lines` only, when given),
    continuation ellipses trimmed off."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(cue.plain)]
    if lines is not None:
        words = [(w, o) for w, o in words if cue.plain.count("\n", 0, o) in lines]
    if trim_start and words:
        word, offset = words[0]
        m = _ELLIPSIS_START.match(word)
        stripped = word[m.end():] if m else word
        words[0] = (stripped, offset + len(word) - len(stripped))
    if trim_end and words:
        word, offset = words[-1]
        m = _ELLIPSIS_END.search(word)
        words[-1] = (word[: m.start()] if m else word, offset)
    return [(w, o) for w, o in words if w]


def _join(cues: list[Cue], lines: dict[int, set[int]] | None = None) -> Passage:
    # Whitespace inside a cue (line breaks, double spaces) becomes one space: spaCy makes a token of
    # extra whitespace, which would break a multiword match.
    words, pieces, pos = [], [], 0
    for idx, cue in enumerate(cues):
        trim_end = idx + 1 < len(cues) and bool(_ELLIPSIS_END.search(cue.plain.rstrip())) and \
            bool(_ELLIPSIS_START.match(cues[idx + 1].plain.lstrip()))
        trim_start = idx > 0 and bool(_ELLIPSIS_END.search(cues[idx - 1].plain.rstrip())) and \
            bool(_ELLIPSIS_START.match(cue.plain.lstrip()))
        for word, offset in _words(cue, trim_end, trim_start, (lines or {}).get(id(cue))):
            if words:
                pos += 1
            words.append(word)
            pieces.append((pos, pos + len(word), idx, offset))
            pos += len(word)
    return Passage(" ".join(words), cues, pieces)


@dataclass
class Analysis:
    """A track read for term work: its passages and their spaCy docs (match keys set)."""

    lang: str
    passages: list[Passage]
    docs: list


def lookup_key(token, lookup) -> str:
    """The POS-free lemma of a token from a lookup table (some tables list several: the first wins)."""
    value = lookup.get(token.text) or lookup.get(token.lower_) or token.lower_
    if isinstance(value, (list, tuple)):
        value = value[0] if value else token.lower_
    return str(value).lower()


def lemma_key(token, lookup) -> str:
    """The lemma key of a token: lower-cased lemma; for proper nouns and tokens without a lemma, the lookup lemma."""
    if lookup is not None and (token.pos_ == "PROPN" or not token.lemma_):
        return lookup_key(token, lookup)
    return (token.lemma_ or token.text).lower()


def set_match_keys(doc, lookup) -> None:
    for token in doc:
        token.norm_ = lemma_key(token, lookup)


def analyze_track(track: Track | Sequence[Cue], lang: str, *, max_gap_ms: int = MAX_GAP_MS,
                  batch_size: int = 256) -> Analysis:
    """Passages of `track` spoken in `lang` (every cue without a `Cue.lang` of its own) through the
    `lang` pipeline in batches, ready for matching and discovery."""
    cues = track.cues if isinstance(track, Track) else list(track)
    passages = build_passages(cues, max_gap_ms=max_gap_ms, lang=lang)
    lookup = lookup_lemmas(lang)
    docs = []
    for doc in pipe_texts(lang, (p.text for p in passages), batch_size=batch_size, disable=NOT_NEEDED):
        set_match_keys(doc, lookup)
        docs.append(doc)
    return Analysis(lang, passages, docs)


@dataclass(eq=False)
class TermHit:
    """A glossary term found in the track."""

    entry: GlossaryEntry
    text: str
    positions: tuple[int, ...]
    start_ms: int
    end_ms: int
    match: str  # "exact" | "case" | "lemma"
    spans: tuple[CueSpan, ...] = ()

    @property
    def term(self) -> str:
        return self.entry.term

    @property
    def category(self) -> str:
        return self.entry.category

    def timecode(self) -> str:
        return f"{format_timecode(self.start_ms)} --> {format_timecode(self.end_ms)}"

    def to_dict(self) -> dict:
        return {"term": self.entry.term, "id": self.entry.id, "category": self.entry.category,
                "text": self.text, "positions": list(self.positions), "start_ms": self.start_ms,
                "end_ms": self.end_ms, "start": format_timecode(self.start_ms),
                "end": format_timecode(self.end_ms), "match": self.match,
                "do_not_translate": self.entry.do_not_translate,
                "spans": [[s.position, s.start, s.end] for s in self.spans]}


class TermMatcher:
    """PhraseMatchers for a set of entries in one language; build once, run over many docs."""

    def __init__(self, entries: Sequence[GlossaryEntry], lang: str, *, batch_size: int = 256) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.entries = list(entries)
        self.lang = lang
        nlp = load_pipeline(lang)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="NORM")
        lookup = lookup_lemmas(lang)
        sensitive = [i for i, e in enumerate(self.entries) if e.case_sensitive]
        folded = [i for i, e in enumerate(self.entries) if not e.case_sensitive]
        for i in sensitive:
            self.exact.add(str(i), [nlp.make_doc(self.entries[i].term)])
        for i in folded:
            self.lower.add(str(i), [nlp.make_doc(self.entries[i].term)])
        term_docs = pipe_texts(lang, (self.entries[i].term for i in folded), batch_size=batch_size,
                               disable=NOT_NEEDED + ("ner",))
        for i, term_doc in zip(folded, term_docs):
            tokens = [t for t in term_doc if not t.is_space]
            options = []
            for t in tokens:
                forms = [lemma_key(t, lookup), t.lower_]
                if lookup is not None:
                    forms.append(lookup_key(t, lookup))
                options.append(list(dict.fromkeys(forms)))
            patterns = []
            for variant in itertools.islice(itertools.product(*options), MAX_VARIANTS):
                doc = Doc(nlp.vocab, words=list(variant))
                for token, key in zip(doc, variant):
                    token.norm_ = key
                patterns.append(doc)
            if patterns:
                self.lemma.add(str(i), patterns)

    def __call__(self, doc, *, keep_nested: bool = False) -> list[tuple[GlossaryEntry, int, int, str]]:
        """(entry, start token, end token, how) for every match in `doc`; matches nested in a longer
        one are dropped unless `keep_nested`."""
        best: dict[tuple[int, int, int], str] = {}
        for matcher, how in ((self.exact, "exact"), (self.lower, "case"), (self.lemma, "lemma")):
            for key, start, end in matcher(doc):
                i = int(doc.vocab.strings[key])
                span_text, term = doc[start:end].text, self.entries[i].term
                kind = "exact" if span_text == term else "case" if span_text.lower() == term.lower() else how
                k = (i, start, end)
                if k not in best or _RANK[kind] < _RANK[best[k]]:
                    best[k] = kind
        spans = sorted(best, key=lambda k: (k[1], -(k[2] - k[1])))
        # A match inside a longer one ("elder" inside "honoured elder") is the longer term's business.
        kept = spans if keep_nested else [
            k for k in spans if not any(o[1] <= k[1] and k[2] <= o[2] and (o[2] - o[1]) > (k[2] - k[1])
                                        for o in spans)]
        return [(self.entries[i], s, e, best[(i, s, e)]) for i, s, e in kept]


def find_terms(analysis: Analysis, entries: Sequence[GlossaryEntry] | Glossary, *,
               keep_nested: bool = False) -> list[TermHit]:
    """Every occurrence of `entries` (those in the analysis language) in the analysed track."""
    if isinstance(entries, Glossary):
        entries = entries.for_language(analysis.lang)
    else:
        entries = [e for e in entries if same_language(e.language, analysis.lang)]
    if not entries:
        return []
    matcher = TermMatcher(entries, analysis.lang)
    hits = []
    for passage, doc in zip(analysis.passages, analysis.docs):
        for entry, start, end, how in matcher(doc, keep_nested=keep_nested):
            span = doc[start:end]
            spans = passage.locate(span.start_char, span.end_char)
            cues = {c.position: c for c in passage.cues}
            involved = [cues[s.position] for s in spans]
            hits.append(TermHit(entry=entry, text=span.text, positions=tuple(s.position for s in spans),
                                start_ms=min(c.start for c in involved), end_ms=max(c.end for c in involved),
                                match=how, spans=tuple(spans)))
    hits.sort(key=lambda h: (h.positions, h.spans[0].start if h.spans else 0))
    return hits


def analyze_languages(track: Track | Sequence[Cue], lang: str, *, max_gap_ms: int = MAX_GAP_MS,
                      batch_size: int = 256, unread: dict[str, str] | None = None) -> list[Analysis]:
    """`analyze_track` for every language spoken in `track` (`lang` for cues without a `Cue.lang`),
    in order of first appearance, ``und`` (no words) left out: one `Analysis` for a single-language
    track, exactly what `analyze_track` gives.

    A language other than `lang` that spaCy cannot read here (Japanese without SudachiPy...) raises,
    unless `unread` is given: then its cues are left out and ``unread[code]`` says why, so that one
    language without a pipeline does not stop the terms of the others."""
    from subpipe.errors import SubpipeError
    from subpipe.segment.sentences import spoken_languages

    cues = track.cues if isinstance(track, Track) else list(track)
    spoken = dict.fromkeys(code for c in cues if not c.comment for code in spoken_languages(c, lang))
    spoken.pop("und", None)
    analyses = []
    for code in spoken or [lang]:
        try:
            analyses.append(analyze_track(cues, code, max_gap_ms=max_gap_ms, batch_size=batch_size))
        except SubpipeError as exc:
            if unread is None or code == lang:
                raise
            unread[code] = exc.message
    return analyses


def find_terms_in(analyses: Sequence[Analysis], entries: Sequence[GlossaryEntry] | Glossary, *,
                  keep_nested: bool = False) -> list[TermHit]:
    """`find_terms` in each language's analysis, each with the entries of its language, in cue order."""
    if len(analyses) <= 1:
        return find_terms(analyses[0], entries, keep_nested=keep_nested) if analyses else []
    hits = [h for a in analyses for h in find_terms(a, entries, keep_nested=keep_nested)]
    hits.sort(key=lambda h: (h.positions, h.spans[0].start if h.spans else 0))
    return hits


def match_track(track: Track | Sequence[Cue], entries: Sequence[GlossaryEntry] | Glossary,
                lang: str | None = None) -> list[TermHit]:
    """Analyse `track` and find `entries` in it: the one-call form of `analyze_track` + `find_terms`,
    each cue read in its own language (`Cue.lang`; `lang`, else the track's, for the others)."""
    lang = lang or (track.lang if isinstance(track, Track) else None)
    if not lang:
        from subpipe.errors import SubpipeError

        raise SubpipeError("the track's language is unknown: pass lang", code="no-language")
    return find_terms_in(analyze_languages(track, lang), entries)
