"""Find glossary terms in a track: inflected, multiword, split across cues, case-sensitive where asked.

Subtitles break sentences across cues, so terms are matched on *passages*: the plain text of consecutive
cues joined while the sentence goes on (no final punctuation, same speaker, a short gap; a cue ending in
``...`` continues into one starting with ``...``). Every word of a passage remembers the cue and offset
it came from, so a match maps back to cue positions, character spans and timecodes.

Passages go through spaCy in batches (`subpipe.nlp.pipe_texts`), then `TermMatcher` looks terms up on
three keys:

- the text, for case-sensitive terms (*Barley* the character, not barley the grain);
- the lower-cased text, for the others, written as they are;
- a lemma key for inflections ("honoured elders" finds the entry "honoured elder"). spaCy's lemmas
  depend on the part of speech ("honoured" is ``honour`` as a participle and ``honoured`` as an
  adjective) and proper nouns are not lemmatized ("Elders" in a title-cased line), so the key of a
  track's token is the lower-cased spaCy lemma, or the POS-free lookup lemma for proper nouns, stored
  in the token's ``NORM`` attribute of our own docs; a term's word matches the keys the pipeline gives
  it run on the term (its lemma, its lower-case form, its lookup lemma).

Terms are indexed by those keys (dictionaries from keys to entries), so a cue costs a few lookups per
word whatever the size of the glossary. Lemma keys of terms are found in two steps, so that 100,000
entries are indexed in seconds: candidate keys from the pipeline's tables, once per distinct word
(`subpipe.terms.keys`), then the pipeline itself on the few terms that are candidates in the track.

>>> from subpipe.cues import Cue, Track
>>> from subpipe.terms.glossary import make_entry
>>> track = Track([Cue(0, 2000, "We thank the honoured", position=0), Cue(2100, 4000, "elders of Rhodes.", position=1)])
>>> [(h.entry.term, h.text, h.positions, h.match) for h in match_track(track, [make_entry("honoured elder", "en")], "en")]
[('honoured elder', 'honoured elders', (0, 1), 'lemma')]
"""

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from subpipe.cues import Cue, Track, format_timecode
from subpipe.nlp import load_pipeline, lookup_lemmas, pipe_texts
from subpipe.terms.keys import WordKeys, lookup_key
from subpipe.terms.model import Glossary, GlossaryEntry, entries_in

MAX_GAP_MS = 3000
# What trained components term work needs: lemmas (tagger, attribute_ruler, lemmatizer) and entities
# (discovery only, and only in passages that may name someone or something: see `needs_entities`).
NOT_NEEDED = ("parser",)
ENTITIES = ("ner",)

# spaCy's analysis of a text depends on nothing else (the pipeline is loaded once per process), so a
# text analysed once is not analysed again: a localize run reads its source for the hits and again for
# each reference's term QA, a re-run after review reads the same film, and glossary terms recur in every
# film of a batch. Bounded: about two long films' passages, and a large glossary's candidate terms.
_MAX_CACHED_DOCS = 4096
_MAX_CACHED_TERMS = 100_000
_docs: OrderedDict[tuple[str, tuple[str, ...], str], object] = OrderedDict()
_entities: OrderedDict[tuple[str, str], tuple["Entity", ...]] = OrderedDict()
_term_keys: dict[tuple[str, str], tuple[frozenset[str], ...]] = {}


def clear_analysis_cache() -> None:
    """Forget every analysis kept by text (what a new process starts with)."""
    _docs.clear()
    _entities.clear()
    _term_keys.clear()


def _bounded(cache: OrderedDict, keys: Sequence) -> list:
    """The cached values of `keys` (all present), marked as recently used; the oldest others dropped."""
    values = []
    for key in keys:
        cache.move_to_end(key)
        values.append(cache[key])
    while len(cache) > max(_MAX_CACHED_DOCS, len(set(keys))):
        cache.popitem(last=False)
    return values


def analyse_texts(lang: str, texts: Sequence[str], *, disable: tuple[str, ...], batch_size: int = 256) -> list:
    """spaCy docs of `texts` through the `lang` pipeline without `disable`, in batches; a text analysed
    before with the same components comes from the cache (see `_docs`) and is not piped again."""
    keys = [(lang, disable, text) for text in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in _docs))
    for key, doc in zip(missing, pipe_texts(lang, (k[2] for k in missing), batch_size=batch_size, disable=disable)):
        _docs[key] = doc
    return _bounded(_docs, keys)


class Entity(NamedTuple):
    """A named entity of a passage: characters ``start:end`` of its text, and spaCy's label."""

    start: int
    end: int
    label: str


def recognise_entities(lang: str, texts: Sequence[str], docs: Sequence | None = None, *,
                       batch_size: int = 256) -> list[tuple[Entity, ...]]:
    """The `lang` pipeline's named entities in each of `texts`, by its entity recogniser alone, cached by
    text like the analyses. A recogniser with its own embedding (spaCy's small, medium and large
    pipelines) reads freshly tokenised docs: it reads the tokens' forms and norms, not the tags or the
    match keys `set_match_keys` writes into the analysed docs. One that listens to a shared embedding
    (transformer pipelines) reads the analysed `docs` (one per text), which carry that embedding's output."""
    nlp = load_pipeline(lang)
    keys = [(lang, text) for text in texts]
    missing = {k: n for n, k in enumerate(keys) if k not in _entities}
    if missing:
        listens = any("ner" in getattr(pipe, "listening_components", ()) for _, pipe in nlp.pipeline)
        if listens and docs is None:
            docs = list(pipe_texts(lang, texts, batch_size=batch_size, disable=NOT_NEEDED + ENTITIES))
        inputs = ([docs[n] for n in missing.values()] if listens else (nlp.make_doc(k[1]) for k in missing))
        for key, doc in zip(missing, nlp.get_pipe("ner").pipe(inputs, batch_size=batch_size)):
            _entities[key] = tuple(Entity(e.start_char, e.end_char, e.label_) for e in doc.ents)
    return _bounded(_entities, keys)


# After these a capital letter starts a sentence (or a line after a sound description) and says little
# about a name.
_OPENERS = frozenset(".!?…:;\"“”'‘’«»-–—()[]¿¡♪*")


def _name_signs(doc, cue_starts: frozenset[int]) -> tuple[bool, set[str], set[str]]:
    """(does the doc show a name on its own, the capitalised words it has where a sentence or a cue
    starts, those it has elsewhere). A name shows by a proper-noun tag or a capital inside a sentence;
    a capitalised word at a sentence's start ("Scales?") is a name only if the film writes it with a
    capital elsewhere too."""
    shown, initial, inner = False, set(), set()
    start, cased = True, False
    for token in doc:
        text = token.text
        first = text[:1]
        if token.idx in cue_starts:
            start = True
        if first.isupper() or first.islower():
            cased = True
        if token.pos_ == "PROPN":
            shown = True
        if len(text) > 1 and first.isupper() and token.is_alpha:
            (initial if start else inner).add(text)
        if text in _OPENERS or text[-1:] in ".!?…":
            start = True
        elif not token.is_space:
            start = False
    # Letters with no case (Chinese, Japanese, Arabic...): capitals cannot tell, the recogniser reads it.
    if not cased and any(ch.isalpha() for ch in doc.text):
        shown = True
    return shown or bool(inner), initial, inner


def needs_entities(passages: Sequence["Passage"], docs: Sequence) -> list[bool]:
    """Which passages the entity recogniser reads: those that may name someone or something.

    The recogniser is the costliest component of a trained pipeline (about 60% of spaCy's time on an
    English film) and discovery keeps only names of people, places, groups, organisations, events and
    works, which a cased script writes with a capital. A passage is read when a word of it is tagged a
    proper noun, is capitalised inside a sentence, or is capitalised at a sentence's or a cue's start
    and written with a capital inside a sentence elsewhere in the film (the name the characters call
    out: "Scales?"); also every passage of a script without case. What is left out is mostly the
    recogniser's mistakes on exclamations ("Nooooo!" as an organisation, "Coupez !" as a person). On
    the corpus films (tests/terms/test_match.py) and the bench film, every entity of a label discovery
    keeps lies in a passage read, except those mistakes.
    """
    signs = [_name_signs(doc, frozenset(start for start, _, idx, _ in _first_pieces(p))) for p, doc in
             zip(passages, docs)]
    film_names = set().union(*(inner for _, _, inner in signs)) if signs else set()
    return [shown or bool(initial & film_names) for shown, initial, _ in signs]


def _first_pieces(passage: "Passage") -> list[tuple[int, int, int, int]]:
    """The first piece (word) of each cue of `passage`."""
    seen: set[int] = set()
    firsts = []
    for piece in passage.pieces:
        if piece[2] not in seen:
            seen.add(piece[2])
            firsts.append(piece)
    return firsts

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


class Words(NamedTuple):
    """A doc's token strings, read once: spaCy builds a Python object for a token at every read, and a
    film's docs are read by every matcher (glossary, idioms, holidays) and detector."""

    text: tuple[str, ...]
    lower: tuple[str, ...]
    norm: tuple[str, ...]  # the match keys (`lemma_key`)


def words_of(doc) -> Words:
    """The `Words` of a doc whose match keys are set (`set_match_keys`)."""
    tokens = list(doc)
    return Words(tuple(t.text for t in tokens), tuple(t.lower_ for t in tokens), tuple(t.norm_ for t in tokens))


@dataclass
class Analysis:
    """A track read for term work: its passages, their spaCy docs (match keys set) with their `Words`
    and, when asked for, the named entities of each passage (None: not asked for, or the pipeline has
    no recogniser; an empty tuple for a passage `needs_entities` left out)."""

    lang: str
    passages: list[Passage]
    docs: list
    entities: list[tuple[Entity, ...]] | None = None
    words: list[Words] | None = None

    def words_at(self, index: int) -> Words:
        return self.words[index] if self.words is not None else words_of(self.docs[index])


def lemma_key(token, lookup) -> str:
    """The lemma key of a token: lower-cased lemma; for proper nouns and tokens without a lemma, the lookup lemma."""
    if lookup is not None and (token.pos_ == "PROPN" or not token.lemma_):
        return lookup_key(token, lookup)
    return (token.lemma_ or token.text).lower()


def set_match_keys(doc, lookup) -> Words:
    """Write each token's match key (`lemma_key`) into its ``NORM``; the doc's `Words`, read on the way."""
    text, lower, norm = [], [], []
    for token in doc:
        key = lemma_key(token, lookup)
        token.norm_ = key
        text.append(token.text)
        lower.append(token.lower_)
        norm.append(key)
    return Words(tuple(text), tuple(lower), tuple(norm))


def analyze_track(track: Track | Sequence[Cue], lang: str, *, max_gap_ms: int = MAX_GAP_MS,
                  batch_size: int = 256, entities: bool = True) -> Analysis:
    """Passages of `track` spoken in `lang` (every cue without a `Cue.lang` of its own) through the
    `lang` pipeline in batches, ready for matching and discovery (`entities`: with the named entities
    of the passages that may hold one, `needs_entities`, which only discovery reads)."""
    cues = track.cues if isinstance(track, Track) else list(track)
    passages = build_passages(cues, max_gap_ms=max_gap_ms, lang=lang)
    lookup = lookup_lemmas(lang)
    docs = analyse_texts(lang, [p.text for p in passages], disable=NOT_NEEDED + ENTITIES, batch_size=batch_size)
    found = None
    if entities and "ner" in load_pipeline(lang).pipe_names:
        read = needs_entities(passages, docs)
        recognised = iter(recognise_entities(lang, [p.text for p, r in zip(passages, read) if r],
                                             [d for d, r in zip(docs, read) if r], batch_size=batch_size))
        found = [next(recognised) if r else () for r in read]
    words = [set_match_keys(doc, lookup) for doc in docs]
    return Analysis(lang, passages, docs, found, words)


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
    """An index over the match keys of a set of entries in one language; build once, run over many docs.

    Three dictionaries, no scan of the entries per cue: token texts of case-sensitive terms, lower-cased
    token texts of the others, and the candidate lemma keys of the first word of the others
    (`subpipe.terms.keys`: every key the pipeline could give the word, computed once per distinct word).
    A lemma candidate is confirmed by the pipeline's lemmas of the term, computed for candidates only,
    in batches: 100,000 terms are indexed in seconds, and a film needs the tagger on the few hundred
    terms it may contain, not on the glossary."""

    def __init__(self, entries: Sequence[GlossaryEntry], lang: str, *, batch_size: int = 256) -> None:
        self.entries = list(entries)
        self.lang = lang
        self._batch_size = batch_size
        self._lookup = lookup_lemmas(lang)
        keys = WordKeys(load_pipeline(lang), self._lookup)
        tokens = keys.tokenize(e.term for e in self.entries)
        self._exact: dict[tuple[str, ...], list[int]] = {}
        self._lower: dict[tuple[str, ...], list[int]] = {}
        self._first: dict[str, list[int]] = {}
        self._rest: dict[int, tuple[frozenset[str], ...]] = {}
        self._confirmed: dict[int, tuple[frozenset[str], ...]] = {}
        folded = [i for i, e in enumerate(self.entries) if not e.case_sensitive]
        for i, e in enumerate(self.entries):
            if tokens[i]:
                table, key = (self._exact, tokens[i]) if e.case_sensitive else \
                    (self._lower, tuple(t.lower() for t in tokens[i]))
                table.setdefault(key, []).append(i)
        if keys.exact:
            candidates = [(i, tuple(keys.variants(t) for t in tokens[i])) for i in folded]
        else:  # keys cannot be enumerated for this lemmatizer: every term through the pipeline
            self._confirm(folded)
            candidates = list(self._confirmed.items())
        for i, sets in candidates:
            if sets:
                for key in sets[0]:
                    self._first.setdefault(key, []).append(i)
                self._rest[i] = sets
        self._exact_lengths = sorted({len(k) for k in self._exact})
        self._lower_lengths = sorted({len(k) for k in self._lower})

    def _confirm(self, indices: Iterable[int]) -> None:
        """The pipeline's lemma keys of these terms' words (lemma, lower case, lookup lemma), in batches."""
        todo = [i for i in dict.fromkeys(indices) if i not in self._confirmed]
        if not todo:
            return
        terms = {i: (self.lang, self.entries[i].term) for i in todo}
        unknown = list(dict.fromkeys(key for key in terms.values() if key not in _term_keys))
        lookup = self._lookup
        docs = pipe_texts(self.lang, (term for _, term in unknown), batch_size=self._batch_size,
                          disable=NOT_NEEDED + ENTITIES)
        if len(_term_keys) + len(unknown) > _MAX_CACHED_TERMS:
            _term_keys.clear()
        for key, doc in zip(unknown, docs):
            _term_keys[key] = tuple(
                frozenset({lemma_key(t, lookup), t.lower_} | ({lookup_key(t, lookup)} if lookup is not None else set()))
                for t in doc if not t.is_space)
        for i, key in terms.items():
            self._confirmed[i] = _term_keys[key]

    def prepare(self, words: Iterable[Words]) -> None:
        """Confirm the lemma candidates of all docs (their `Words`) in one batch (otherwise each call
        confirms its own)."""
        self._confirm(i for w in words for i, _ in self._lemma_candidates(w))

    def _lemma_candidates(self, words: Words):
        norm = words.norm
        for start, key in enumerate(norm):
            for i in self._first.get(key, ()):
                sets = self._rest[i]
                end = start + len(sets)
                if end <= len(norm) and all(norm[start + j] in sets[j] for j in range(1, len(sets))):
                    yield i, start

    def _matches(self, words: Words):
        """(entry index, start, end, how) of every match in a doc (its `Words`), nested ones included."""
        n = len(words.text)
        for table, forms, lengths, how in ((self._exact, words.text, self._exact_lengths, "exact"),
                                           (self._lower, words.lower, self._lower_lengths, "case")):
            for length in lengths:
                for start in range(n - length + 1):
                    for i in table.get(forms[start:start + length], ()):
                        yield i, start, start + length, how
        candidates = list(self._lemma_candidates(words))
        self._confirm(i for i, _ in candidates)
        norm = words.norm
        for i, start in candidates:
            sets = self._confirmed[i]
            end = start + len(sets)
            if sets and end <= n and all(norm[start + j] in sets[j] for j in range(len(sets))):
                yield i, start, end, "lemma"

    def __call__(self, doc, *, keep_nested: bool = False,
                 words: Words | None = None) -> list[tuple[GlossaryEntry, int, int, str]]:
        """(entry, start token, end token, how) for every match in `doc` (match keys set; `words`: its
        `Words`, when read already); matches nested in a longer one are dropped unless `keep_nested`."""
        best: dict[tuple[int, int, int], str] = {}
        for i, start, end, how in self._matches(words if words is not None else words_of(doc)):
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
        entries = entries_in(entries, analysis.lang)
    if not entries:
        return []
    matcher = TermMatcher(entries, analysis.lang)
    words = [analysis.words_at(k) for k in range(len(analysis.docs))]
    matcher.prepare(words)
    hits = []
    for passage, doc, doc_words in zip(analysis.passages, analysis.docs, words):
        for entry, start, end, how in matcher(doc, keep_nested=keep_nested, words=doc_words):
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
                      batch_size: int = 256, unread: dict[str, str] | None = None,
                      entities: bool = True) -> list[Analysis]:
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
            analyses.append(analyze_track(cues, code, max_gap_ms=max_gap_ms, batch_size=batch_size,
                                          entities=entities))
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
        from subpipe.errors import ErrorCode, SubpipeError

        raise SubpipeError("the track's language is unknown: pass lang", code=ErrorCode.NO_LANGUAGE)
    return find_terms_in(analyze_languages(track, lang), entries)
