"""Lexical anchors of cue texts: numbers, names, cognates, punctuation and glossary pairs.

What `subpipe.align.link` scores besides timing: each cue's text is read once into a `_CueText`
(its anchors), and `lexical_match` counts the anchors two cues (or two groups of cues) share.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

ANCHOR_WEIGHTS = {
    "number": 1.0,
    "name": 1.0,
    "glossary": 1.0,
    "cognate": 0.5,
    "?": 0.25,
    "!": 0.15,
    "...<": 0.15,
    "...>": 0.15,
}


_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
_SENTENCE_END = '.!?…:;"»«'


@lru_cache(maxsize=1 << 17)  # a pure function of a word: a film's vocabulary recurs cue after cue
def fold(text: str) -> str:
    """Lower case without accents: what cognates and glossary terms are compared on.

    >>> fold("Gärten Émile STRAẞE")
    'garten emile strasse'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance; stops early and returns ``limit + 1`` once it must exceed `limit`.

    >>> levenshtein("machine", "maschine"), levenshtein("kitten", "sitting")
    (1, 3)
    """
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


_cognate_cache: dict[tuple[str, str], bool] = {}


def cognate(a: str, b: str) -> bool:
    """Whether two folded words look like cognates: normalised edit similarity >= 0.7, or a shared
    prefix of 4 letters when both have at least 5 (Simard's test).

    >>> cognate("machine", "maschine"), cognate("rhodes", "rhodos"), cognate("perfectly", "perfekt")
    (True, True, True)
    >>> cognate("house", "haus"), cognate("nothing", "nichts")
    (False, False)
    """
    if a == b:
        return True
    key = (a, b)
    hit = _cognate_cache.get(key)
    if hit is None:
        longest = max(len(a), len(b))
        if min(len(a), len(b)) >= 5 and a[:4] == b[:4]:
            hit = True
        else:
            limit = int(0.3 * longest)
            hit = levenshtein(a, b, limit) <= limit
        if len(_cognate_cache) > 200_000:
            _cognate_cache.clear()
        _cognate_cache[key] = hit
    return hit


@dataclass
class _CueText:
    """What the scorer needs of one cue's text."""

    chars: int
    keys: frozenset[str]  # exact-match anchors: numbers, punctuation, glossary entries
    names: tuple[tuple[str, bool], ...]  # folded capitalised words, and whether each starts a sentence
    words: tuple[str, ...]  # folded words of 4+ letters (cognate candidates)

    @property
    def by_initial(self) -> dict[str, tuple[str, ...]]:
        # kept by hand: functools.cached_property takes a lock on every read before Python 3.12, and
        # this is read once per cue pair the linker compares
        try:
            return self._by_initial
        except AttributeError:
            out: dict[str, list[str]] = {}
            for w in self.words:
                out.setdefault(w[0], []).append(w)
            self._by_initial = {k: tuple(v) for k, v in out.items()}
            return self._by_initial


def _glossary_index(pairs: Sequence[tuple[str, str]]) -> tuple[dict, dict, int]:
    """Folded token tuples of each side's terms -> the entry ids that use them."""
    src: dict[tuple[str, ...], set[int]] = {}
    tgt: dict[tuple[str, ...], set[int]] = {}
    longest = 1
    for k, (s, t) in enumerate(pairs):
        s_toks = tuple(_WORD_RE.findall(fold(s)))
        t_toks = tuple(_WORD_RE.findall(fold(t)))
        if s_toks and t_toks:
            src.setdefault(s_toks, set()).add(k)
            tgt.setdefault(t_toks, set()).add(k)
            longest = max(longest, len(s_toks), len(t_toks))
    return src, tgt, longest


def cue_text_features(plain: str, glossary: tuple[dict, int] | None = None) -> _CueText:
    """Anchors of one cue's plain text.

    >>> f = cue_text_features("...and Emo saw 90% of the Machine? Yes.")
    >>> sorted(f.keys), f.names, f.words
    (['#90', '...<', '?'], (('emo', False), ('machine', False), ('yes', True)), ('machine',))
    """
    features, folded_tokens = _text_anchors(plain)
    if not glossary:
        return features
    index, longest = glossary
    keys = set(features.keys)
    for n in range(1, longest + 1):
        for i in range(len(folded_tokens) - n + 1):
            for k in index.get(tuple(folded_tokens[i : i + n]), ()):
                keys.add(f"g{k}")
    return _CueText(features.chars, frozenset(keys), features.names, features.words)


@lru_cache(maxsize=1 << 14)  # a pure function of the text: align_tracks links twice, films repeat lines
def _text_anchors(plain: str) -> tuple[_CueText, tuple[str, ...]]:
    """The anchors of a text without a glossary, and its folded words (for glossary lookups)."""
    pieces = plain.split()
    text = " ".join(pieces)
    keys: set[str] = set()
    for m in _NUMBER_RE.finditer(text):
        keys.add("#" + m.group(0).replace(",", ".").lstrip("0") or "0")
    if "?" in text:
        keys.add("?")
    if "!" in text:
        keys.add("!")
    if text.startswith(("...", "…")):
        keys.add("...<")
    if text.endswith(("...", "…", "-")):
        keys.add("...>")
    names: list[str] = []
    words: list[str] = []
    folded_tokens: list[str] = []
    sentence_start = True
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        # the character before the word, past the one space the text can have there
        k = m.start() - 1 if m.start() and text[m.start() - 1] == " " else m.start()
        sentence_start = k == 0 or text[k - 1] in _SENTENCE_END or text[k - 1] == "-"
        f = fold(word)
        folded_tokens.append(f)
        if word[:1].isupper() and len(word) >= 2 and not word.isupper():
            names.append((f, sentence_start))
        if len(f) >= 4 and not f.isdigit():
            words.append(f)
    chars = len(text) - len(pieces) + 1 if pieces else 0  # all but the joining spaces: split() left no other
    features = _CueText(chars, frozenset(keys), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(words)))
    return features, tuple(folded_tokens)


def merge_text_features(parts: Sequence[_CueText]) -> _CueText:
    """The anchors of several cues read as one text (names and words keep their repeats)."""
    return _CueText(
        sum(p.chars for p in parts),
        frozenset().union(*(p.keys for p in parts)),
        tuple(chain.from_iterable(p.names for p in parts)),
        tuple(chain.from_iterable(p.words for p in parts)),
    )


def _anchor_weight(key: str) -> float:
    if key[0] == "#":
        return ANCHOR_WEIGHTS["number"]
    if key[0] == "g":
        return ANCHOR_WEIGHTS["glossary"]
    return ANCHOR_WEIGHTS[key]


def lexical_match(a: _CueText, b: _CueText) -> float:
    """Weighted count of anchors the two cues share (each anchor used once).

    >>> en = cue_text_features("Emo, the machine is like clockwork.")
    >>> de = cue_text_features("Emo, die Maschine ist wie ein Uhrwerk.")
    >>> lexical_match(en, de)  # the name Emo, and machine ~ Maschine
    1.5

    Capitalised words match as names when they are equal, or cognates and neither starts a sentence
    (German capitalises every noun, and any language its first word).
    """
    common = a.keys & b.keys
    score = sum(_anchor_weight(k) for k in common) if common else 0
    used: set[str] = set()
    named: set[str] = set()
    if a.names and b.names:
        for n, n_initial in a.names:
            for m, m_initial in b.names:
                if m not in used and (
                    n == m or not (n_initial or m_initial) and n[0] == m[0] and cognate(n, m)
                ):
                    score += ANCHOR_WEIGHTS["name"]
                    used.add(m)
                    named.add(n)
                    break
    if a.words and b.words:
        by_initial = b.by_initial
        for w in a.words:
            if w in named:
                continue
            # cognates are only looked for among words with the same first letter: far fewer edit
            # distances, and cognates that differ there (colossus, Koloss) were already rejected
            for v in by_initial.get(w[0], ()):
                if v not in used and cognate(w, v):
                    score += ANCHOR_WEIGHTS["cognate"]
                    used.add(v)
                    break
    return score


def read_glossary_pairs(path: str | Path, source_lang: str | None = None,
                        target_lang: str | None = None) -> list[tuple[str, str]]:
    """(source term, target rendering) anchor pairs from a glossary file of any type `subpipe.terms`
    reads (CSV, TSV, TBX, JSON): the entries in `source_lang`, each approved rendering into
    `target_lang` and the term itself for a do-not-translate entry (`Glossary.anchor_pairs`).

    Without `target_lang`, the renderings into every language of the glossary; without `source_lang`,
    the glossary must say its language. Prefer passing the glossary itself to `align_tracks`, which
    knows both tracks' languages. A file `subpipe.terms` cannot read is a `SubpipeError` naming the file
    and line (a headerless two-column CSV included: see `subpipe.terms.glossary`).
    """
    from subpipe.terms.glossary import load_glossary

    glossary = load_glossary(path, lang=source_lang)
    sources = [source_lang] if source_lang else glossary.languages()
    targets = [target_lang] if target_lang else glossary.target_languages()
    pairs = {pair: None for s in sources for t in targets for pair in glossary.anchor_pairs(s, t)}
    if not target_lang:  # names kept as they are anchor every language, even one the glossary lacks
        pairs |= {(e.term, e.term): None for s in sources for e in glossary.for_language(s) if e.do_not_translate}
    return list(pairs)
