"""Linking cues: a monotone N:M alignment of two tracks on one clock, with a confidence per link.

Once `fit_timeline` has put the target on the source's clock, the cues of the two tracks still differ:
one team split a sentence the other kept whole, one track has sound descriptions the other lacks, and
boundaries drift by a few frames. `link_cues` finds the links the way sentence aligners (Gale-Church,
Bleualign, Vecalign) do, with subtitle timing as the strongest signal:

- **Moves.** A dynamic programme over both cue sequences (sorted by time) with link types 1:1, 1:2,
  2:1, 2:2, 1:3, 3:1 and the skips 1:0 and 0:1, which leave a cue unaligned. Skips score 0, so a link
  is only made when its evidence beats leaving both sides alone: a "(howling wind)" that only one
  language has stays unaligned instead of being forced onto a neighbour.
- **Band.** Row i of the lattice (i source cues consumed) only visits the target cues around the time
  of source cue i, +- `band` cues (widened where needed to keep a path through), so the cost grows
  linearly with the film.
- **Score of a link** (each feature in [0, 1], weighted into a quality q):
  time overlap after the fit (the mean, over the link's cues, of the share of each cue that the other
  side covers);
  length agreement (Gale-Church: the target/source character ratio and its variance are learnt from the
  pair's own confident 1:1 matches, so German-English and Chinese-English each get their prior);
  lexical anchors (numbers, capitalised names, cognates by normalised edit distance, ``?`` and ``!``,
  leading and trailing ellipses, glossary pairs when given); and, when the caller passes one, a
  translation similarity ``similarity(src_text, tgt_text) -> float``. A link of s source and t target
  cues gains ``(s + t) / 2 * (q - threshold)`` minus a small prior cost for the larger types.
- **Confidence.** The posterior probability of the link among all monotone alignments in the band,
  from a forward-backward pass over the same lattice (the gains as log-weights): 0.5 means a coin toss
  between this link and something else; paths are counted once (skips in canonical order), so runs of
  unaligned cues do not inflate the alternatives.

>>> from subpipe.cues import Cue
>>> en = [Cue(1000, 3000, "Where is Celia?", position=0), Cue(3500, 4000, "(door slams)", position=1),
...       Cue(5000, 9000, "She left at 9, with the robot.", position=2)]
>>> de = [Cue(1100, 2900, "Wo ist Celia?", position=0), Cue(5100, 7000, "Sie ging um 9,", position=1),
...       Cue(7000, 9100, "mit dem Roboter.", position=2)]
>>> result = link_cues(en, de)
>>> [(link.source, link.target) for link in result.links], result.unaligned_source
([([0], [0]), ([2], [1, 2])], [1])
"""

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from subpipe.align.timeline import Transform, best_matches, speech_cues
from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode, SubpipeError

Similarity = Callable[[str, str], float]
GlossaryPairs = Iterable[tuple[str, str]]

LINK_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
# Prior cost of each link type, in units of link gain: bigger groups must earn their keep, otherwise
# jittered boundaries would make merging two good 1:1 links look slightly better than keeping them.
TYPE_COST = {(1, 1): 0.0, (1, 2): 0.06, (2, 1): 0.06, (2, 2): 0.3, (1, 3): 0.2, (3, 1): 0.2}
WEIGHTS = {"overlap": 0.6, "length": 0.15, "lexical": 0.25, "similarity": 0.3}
THRESHOLD = 0.3  # quality below which leaving both sides unaligned is better than linking them
TEMPERATURE = 16.0  # gains -> log-weights for the posterior (chosen for the lowest Brier score on the
# synthetic evaluation and the Elephants Dream gold set; 6-24 were tried)
NEAR_MS = 5_000  # lexical anchors and similarity are computed for cue pairs this close after the fit

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


# ------------------------------------------------------------------------------------------ results


@dataclass
class Link:
    """Source and target cue positions linked as one unit, with the confidence and the evidence.

    `overlap`, `length`, `lexical` and `similarity` are the link's features in [0, 1] (similarity is
    None without a similarity function); `quality` is their weighted mean.
    """

    source: list[int]
    target: list[int]
    confidence: float
    quality: float = 0.0
    overlap: float = 0.0
    length: float = 0.0
    lexical: float = 0.0
    similarity: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.source)}:{len(self.target)}"

    def to_dict(self) -> dict:
        """Exactly DESIGN.md's link object."""
        return {
            "source": list(self.source),
            "target": list(self.target),
            "confidence": round(float(self.confidence), 4),
        }


@dataclass
class LengthModel:
    """Gale-Church length prior: target chars ~ ratio * source chars, variance `variance` per char."""

    ratio: float = 1.0
    variance: float = 6.8
    learnt_from: int = 0


@dataclass
class Linking:
    """What `link_cues` returns: links in time order and the positions left unaligned."""

    links: list[Link]
    unaligned_source: list[int]
    unaligned_target: list[int]
    length_model: LengthModel = field(default_factory=LengthModel)


# ----------------------------------------------------------------------------------- text features

_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
_SENTENCE_END = '.!?…:;"»«'


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

    @cached_property
    def by_initial(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for w in self.words:
            out.setdefault(w[0], []).append(w)
        return {k: tuple(v) for k, v in out.items()}


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
    text = " ".join(plain.split())
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
        before = text[: m.start()].rstrip()
        sentence_start = not before or before[-1] in _SENTENCE_END or before.endswith(("- ", "-"))
        f = fold(word)
        folded_tokens.append(f)
        if word[:1].isupper() and len(word) >= 2 and not word.isupper():
            names.append((f, sentence_start))
        if len(f) >= 4 and not f.isdigit():
            words.append(f)
    if glossary:
        index, longest = glossary
        for n in range(1, longest + 1):
            for i in range(len(folded_tokens) - n + 1):
                for k in index.get(tuple(folded_tokens[i : i + n]), ()):
                    keys.add(f"g{k}")
    chars = sum(1 for ch in text if not ch.isspace())
    return _CueText(chars, frozenset(keys), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(words)))


def merge_text_features(parts: Sequence[_CueText]) -> _CueText:
    """The anchors of several cues read as one text (names and words keep their repeats)."""
    return _CueText(
        sum(p.chars for p in parts),
        frozenset().union(*(p.keys for p in parts)),
        tuple(n for p in parts for n in p.names),
        tuple(w for p in parts for w in p.words),
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
    score = sum(_anchor_weight(k) for k in a.keys & b.keys)
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


# ------------------------------------------------------------------------------------ the lattice


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7); numpy has no erf and scipy is optional."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def length_probability(src_chars, tgt_chars, model: LengthModel) -> np.ndarray:
    """Gale-Church: probability of a length deviation at least this large, 2 * (1 - Phi(|delta|)).

    >>> float(length_probability(40, 44, LengthModel(1.1, 6.8))) > 0.99
    True
    """
    ls = np.maximum(np.asarray(src_chars, dtype=np.float64), 1.0)
    lt = np.asarray(tgt_chars, dtype=np.float64)
    delta = (lt - model.ratio * ls) / np.sqrt(model.variance * ls)
    return 1.0 - _erf(np.abs(delta) / math.sqrt(2.0))


def learn_length_model(src_chars: np.ndarray, tgt_chars: np.ndarray) -> LengthModel:
    """Ratio and variance of the Gale-Church prior from matched 1:1 pairs (robustly: median and MAD)."""
    ls = np.maximum(np.asarray(src_chars, dtype=np.float64), 1.0)
    lt = np.maximum(np.asarray(tgt_chars, dtype=np.float64), 1.0)
    if len(ls) < 8:
        ratio = float(lt.sum() / ls.sum()) if len(ls) else 1.0
        return LengthModel(ratio if 0.2 < ratio < 5 else 1.0, 6.8, len(ls))
    ratio = float(np.median(lt / ls))
    z = (lt - ratio * ls) / np.sqrt(ls)
    spread = 1.4826 * float(np.median(np.abs(z - np.median(z))))
    return LengthModel(ratio, float(np.clip(spread**2, 1.0, 50.0)), len(ls))


@dataclass
class _Band:
    """Row i of the lattice visits target boundaries j in [lo[i], hi[i]] (column k = j - lo[i])."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) + 1

    @classmethod
    def around(cls, src_mid: np.ndarray, tgt_mid: np.ndarray, half_width: int) -> "_Band":
        n, m = len(src_mid), len(tgt_mid)
        boundary = (src_mid[:-1] + src_mid[1:]) / 2
        centre = np.concatenate([[0], np.searchsorted(np.sort(tgt_mid), boundary), [m]])
        lo = np.clip(centre - half_width, 0, m)
        hi = np.clip(centre + half_width, 0, m)
        lo[0], hi[n] = 0, m
        # keep a path through: row i must reach as far as row i+1 starts (1:0 moves keep j)
        hi = np.maximum(hi, np.concatenate([lo[1:], [m]]))
        return cls(lo.astype(np.int64), hi.astype(np.int64))


def _shift(row: np.ndarray, shift: int, width: int, fill: float = -np.inf) -> np.ndarray:
    """``out[k] = row[k + shift]`` where that index exists, `fill` elsewhere."""
    out = np.full(width, fill)
    lo = max(0, -shift)
    hi = min(width, len(row) - shift)
    if hi > lo:
        out[lo:hi] = row[lo + shift : hi + shift]
    return out


class _Lattice:
    """Gains of every move into every band cell, and the three passes over them."""

    def __init__(self, band: _Band, gains: dict[tuple[int, int], np.ndarray]) -> None:
        self.band = band
        self.gains = gains  # (di, dj) -> (n+1, W) gain of the link ending at (i, j); -inf where impossible
        self.n = len(band.lo) - 1
        self.width = band.width
        self.valid = np.arange(self.width)[None, :] <= (band.hi - band.lo)[:, None]

    def _prev(self, table: np.ndarray, i: int, di: int, dj: int) -> np.ndarray:
        lo = self.band.lo
        return _shift(table[i - di], int(lo[i] - lo[i - di] - dj), self.width)

    def viterbi(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, w = self.n, self.width
        total = np.full((n + 1, w), -np.inf)
        direct = np.full((n + 1, w), -np.inf)
        move = np.full((n + 1, w), -1, dtype=np.int8)  # index into LINK_TYPES, or len(LINK_TYPES) for 1:0
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.maximum.accumulate(direct[0]), -np.inf)
        for i in range(1, n + 1):
            best = self._prev(direct, i, 1, 0)  # 1:0 comes only from a cell not entered by 0:1
            arg = np.where(np.isfinite(best), len(LINK_TYPES), -1).astype(np.int8)
            for t, (di, dj) in enumerate(LINK_TYPES):
                if di > i:
                    continue
                cand = self._prev(total, i, di, dj) + self.gains[(di, dj)][i]
                better = cand > best
                best = np.where(better, cand, best)
                arg = np.where(better, t, arg)
            best = np.where(self.valid[i], best, -np.inf)
            direct[i], move[i] = best, arg
            total[i] = np.where(self.valid[i], np.maximum.accumulate(best), -np.inf)
        return total, direct, move

    def forward(self, beta: float) -> np.ndarray:
        n, w = self.n, self.width
        total = np.full((n + 1, w), -np.inf)
        direct = np.full((n + 1, w), -np.inf)
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.logaddexp.accumulate(direct[0]), -np.inf)
        for i in range(1, n + 1):
            acc = self._prev(direct, i, 1, 0)
            for di, dj in LINK_TYPES:
                if di > i:
                    continue
                acc = np.logaddexp(acc, self._prev(total, i, di, dj) + beta * self.gains[(di, dj)][i])
            acc = np.where(self.valid[i], acc, -np.inf)
            direct[i] = acc
            total[i] = np.where(self.valid[i], np.logaddexp.accumulate(acc), -np.inf)
        return total

    def backward(self, beta: float) -> np.ndarray:
        """``free[i, k]``: log-weight of all completions from cell (i, j) when a 1:0 move is allowed."""
        n, w = self.n, self.width
        lo = self.band.lo
        free = np.full((n + 1, w), -np.inf)
        for i in range(n, -1, -1):
            acc = np.full(w, -np.inf)
            if i == n:
                acc[int(self.band.hi[n] - lo[n])] = 0.0  # the end of the lattice
            for di, dj in LINK_TYPES:
                if i + di > n:
                    continue
                nxt = free[i + di] + beta * self.gains[(di, dj)][i + di]
                acc = np.logaddexp(acc, _shift(nxt, int(lo[i] + dj - lo[i + di]), w))
            acc = np.where(self.valid[i], acc, -np.inf)
            after_skip = np.logaddexp.accumulate(acc[::-1])[::-1]  # 0:1 moves along the row
            after_skip = np.where(self.valid[i], after_skip, -np.inf)
            if i < n:
                down = _shift(free[i + 1], int(lo[i] - lo[i + 1]), w)  # 1:0 move
                free[i] = np.where(self.valid[i], np.logaddexp(after_skip, down), -np.inf)
            else:
                free[i] = after_skip
        return free


# ------------------------------------------------------------------------------------------- public


def link_cues(
    source: Track | Sequence[Cue],
    target: Track | Sequence[Cue],
    transform: Transform | None = None,
    *,
    glossary: GlossaryPairs | None = None,
    similarity: Similarity | None = None,
    band: int = 8,
    weights: dict[str, float] | None = None,
    threshold: float = THRESHOLD,
    temperature: float = TEMPERATURE,
) -> Linking:
    """Link the cues of `source` and `target` (target times mapped through `transform`, default identity).

    `glossary` is a list of (source term, target term) pairs: a pair found on both sides is an anchor.
    `similarity(src_text, tgt_text) -> float in [0, 1]` adds a translation-similarity feature (for
    instance from a machine translation of the source); it is called once per distinct pair of cue
    texts that are close in time. Empty cues and ASS comments are never linked; they are listed as
    unaligned like any cue without a counterpart.
    """
    weights = {**WEIGHTS, **(weights or {})}
    transform = transform or Transform.identity()
    src_all = list(source)
    tgt_all = list(target)
    for name, cues in (("source", src_all), ("target", tgt_all)):
        if len({c.position for c in cues}) != len(cues):
            raise SubpipeError(
                f"the {name} track's cue positions are not unique, so links could not name "
                "their cues; number them in document order (Cue.position)",
                code=ErrorCode.POSITIONS,
            )
    src = sorted(
        speech_cues(src_all) + [c for c in src_all if c.end <= c.start and c.plain.strip() and not c.comment],
        key=lambda c: (c.start, c.end, c.position),
    )
    tgt = sorted(
        speech_cues(tgt_all) + [c for c in tgt_all if c.end <= c.start and c.plain.strip() and not c.comment],
        key=lambda c: (transform.map_interval(c.start, c.end), c.position),
    )
    linked_s: set[int] = set()
    linked_t: set[int] = set()
    links: list[Link] = []
    model = LengthModel()
    if src and tgt:
        links, model = _link_sorted(
            src, tgt, transform, glossary, similarity, band, weights, threshold, temperature
        )
        for link in links:
            linked_s.update(link.source)
            linked_t.update(link.target)
    return Linking(
        links,
        sorted(c.position for c in src_all if c.position not in linked_s),
        sorted(c.position for c in tgt_all if c.position not in linked_t),
        model,
    )


def _link_sorted(
    src: list[Cue],
    tgt: list[Cue],
    transform: Transform,
    glossary,
    similarity,
    half_width: int,
    weights: dict[str, float],
    threshold: float,
    beta: float,
) -> tuple[list[Link], LengthModel]:
    n, m = len(src), len(tgt)
    s_iv = np.array([(c.start, max(c.end, c.start)) for c in src], dtype=np.float64)
    t_iv = np.array([transform.map_interval(c.start, max(c.end, c.start)) for c in tgt], dtype=np.float64)
    gloss = None
    if glossary:
        g_src, g_tgt, longest = _glossary_index(list(glossary))
        gloss = ((g_src, longest), (g_tgt, longest))
    s_txt = [cue_text_features(c.plain, gloss[0] if gloss else None) for c in src]
    t_txt = [cue_text_features(c.plain, gloss[1] if gloss else None) for c in tgt]
    s_chars = np.array([f.chars for f in s_txt], dtype=np.float64)
    t_chars = np.array([f.chars for f in t_txt], dtype=np.float64)

    bands = _Band.around(s_iv.mean(axis=1), t_iv.mean(axis=1), half_width)
    # pair band: source cue a meets target cues [p_lo[a], p_lo[a] + PW) in some move
    a_idx = np.arange(n)
    p_lo = np.maximum(bands.lo[a_idx + 1] - 3, 0)
    p_hi = np.minimum(bands.hi[np.minimum(a_idx + 3, n)], m)
    pw = int((p_hi - p_lo).max()) + 1
    lex = np.zeros((n, pw))
    sim = np.zeros((n, pw)) if similarity else None
    order = np.argsort(t_iv[:, 0], kind="stable")
    t_start_sorted = t_iv[order, 0]
    longest_t = float((t_iv[:, 1] - t_iv[:, 0]).max())
    sim_cache: dict[tuple[str, str], float] = {}
    for a in range(n):
        first = np.searchsorted(t_start_sorted, s_iv[a, 0] - NEAR_MS - longest_t)
        last = np.searchsorted(t_start_sorted, s_iv[a, 1] + NEAR_MS, side="right")
        for b in order[first:last]:
            k = b - p_lo[a]
            if not 0 <= k < pw or t_iv[b, 1] < s_iv[a, 0] - NEAR_MS:
                continue
            lex[a, k] = lexical_match(s_txt[a], t_txt[b])
            if sim is not None:
                pair = (src[a].plain, tgt[b].plain)
                if pair not in sim_cache:
                    sim_cache[pair] = float(np.clip(similarity(*pair), 0.0, 1.0))
                sim[a, k] = sim_cache[pair]

    si, tj, _ = best_matches(s_iv, t_iv[order])
    model = learn_length_model(s_chars[si], t_chars[order[tj]])

    merged: dict[tuple[int, int, int], _CueText] = {}

    def group_text(side: int, first: int, last: int) -> _CueText:
        key = (side, first, last)
        if key not in merged:
            merged[key] = merge_text_features((s_txt if side == 0 else t_txt)[first:last])
        return merged[key]

    def group_lexical(i0: int, i1: int, j0: int, j1: int) -> float:
        return lexical_match(group_text(0, i0, i1), group_text(1, j0, j1))

    features = _move_features(s_iv, t_iv, s_chars, t_chars, lex, sim, p_lo, pw, bands, model, group_lexical)
    use = {k: v for k, v in weights.items() if k != "similarity" or sim is not None}
    total_w = sum(use.values())
    gains = {}
    for mv, f in features.items():
        quality = sum(use[k] * f[k] for k in use) / total_w
        size = (mv[0] + mv[1]) / 2
        f["quality"] = quality
        gains[mv] = np.where(f["possible"], size * (quality - threshold) - TYPE_COST[mv], -np.inf)

    lattice = _Lattice(bands, gains)
    total, direct, move = lattice.viterbi()
    path = _backtrack(lattice, total, direct, move)
    fwd = lattice.forward(beta)
    bwd = lattice.backward(beta)
    z = fwd[n, int(bands.hi[n] - bands.lo[n])]
    links = []
    for i, j, di, dj in path:
        k = j - bands.lo[i]
        kp = (j - dj) - bands.lo[i - di]
        log_post = fwd[i - di, kp] + beta * gains[(di, dj)][i, k] + bwd[i, k] - z
        f = features[(di, dj)]
        links.append(
            Link(
                source=sorted(c.position for c in src[i - di : i]),
                target=sorted(c.position for c in tgt[j - dj : j]),
                confidence=float(np.clip(math.exp(min(log_post, 0.0)), 0.0, 1.0)),
                quality=float(f["quality"][i, k]),
                overlap=float(f["overlap"][i, k]),
                length=float(f["length"][i, k]),
                lexical=float(f["lexical"][i, k]),
                similarity=float(f["similarity"][i, k]) if sim is not None else None,
            )
        )
    return links, model


def _backtrack(
    lattice: _Lattice, total: np.ndarray, direct: np.ndarray, move: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Links (i, j, di, dj) of the best path, in order."""
    lo = lattice.band.lo
    i, j = lattice.n, int(lattice.band.hi[lattice.n])
    free = False  # True right after a 1:0 move: the cell must have been entered directly
    links = []
    while i > 0 or j > 0:
        k = j - lo[i]
        if not free and total[i, k] > direct[i, k]:
            j -= 1  # 0:1, target cue j-1 unaligned
            continue
        mv = int(move[i, k])
        if mv == len(LINK_TYPES) or mv < 0:
            if i == 0:
                j -= 1
                continue
            i -= 1  # 1:0, source cue i unaligned
            free = True
            continue
        di, dj = LINK_TYPES[mv]
        links.append((i, j, di, dj))
        i, j, free = i - di, j - dj, False
    return links[::-1]


def _move_features(
    s_iv,
    t_iv,
    s_chars,
    t_chars,
    lex,
    sim,
    p_lo,
    pw,
    bands: _Band,
    model: LengthModel,
    group_lexical: Callable[[int, int, int, int], float] | None = None,
) -> dict[tuple[int, int], dict[str, np.ndarray]]:
    """Per move type, (n+1, W) arrays of each feature of the link ending at every band cell."""
    n, m = len(s_iv), len(t_iv)
    w = bands.width
    rows = np.arange(n + 1)[:, None] + np.zeros((1, w), dtype=np.int64)
    cols = bands.lo[:, None] + np.arange(w)[None, :]
    in_band = cols <= bands.hi[:, None]
    s_len = np.concatenate([[0.0], np.cumsum(s_chars)])
    t_len = np.concatenate([[0.0], np.cumsum(t_chars)])

    def pair(table, a, b):
        k = b - p_lo[np.clip(a, 0, n - 1)]
        ok = (a >= 0) & (a < n) & (b >= 0) & (b < m) & (k >= 0) & (k < pw)
        return np.where(ok, table[np.clip(a, 0, n - 1), np.clip(k, 0, pw - 1)], 0.0)

    out = {}
    for di, dj in LINK_TYPES:
        possible = in_band & (rows >= di) & (cols >= dj) & (cols <= m)
        i0 = np.clip(rows - di, 0, n)
        j0 = np.clip(cols - dj, 0, m)
        i1 = np.clip(rows, 0, n)
        j1 = np.clip(cols, 0, m)
        lexical = np.zeros(rows.shape)
        cover_s = [np.zeros(rows.shape) for _ in range(di)]
        cover_t = [np.zeros(rows.shape) for _ in range(dj)]
        best_s = [np.zeros(rows.shape) for _ in range(di)]
        best_t = [np.zeros(rows.shape) for _ in range(dj)]
        for x in range(di):
            a = rows - 1 - x
            ac = np.clip(a, 0, n - 1)
            for y in range(dj):
                b = cols - 1 - y
                bc = np.clip(b, 0, m - 1)
                ov = np.clip(
                    np.minimum(s_iv[ac, 1], t_iv[bc, 1]) - np.maximum(s_iv[ac, 0], t_iv[bc, 0]), 0.0, None
                )
                cover_s[x] += ov
                cover_t[y] += ov
                lexical += pair(lex, a, b)
                if sim is not None:
                    sv = pair(sim, a, b)
                    best_s[x] = np.maximum(best_s[x], sv)
                    best_t[y] = np.maximum(best_t[y], sv)
        # overlap: the mean, over every cue of the link, of the share of it the other side covers. A
        # mean over cues (not a pooled IoU) keeps a merged link's score the average of its parts, so
        # merging two good 1:1 links gains nothing, while a real 2:1 beats 1:1 + a stranded cue.
        covered = sum(np.minimum(cover_s[x] / _span(s_iv, rows - 1 - x), 1.0) for x in range(di))
        covered = covered + sum(np.minimum(cover_t[y] / _span(t_iv, cols - 1 - y), 1.0) for y in range(dj))
        overlap = np.clip(covered / (di + dj), 0.0, 1.0)
        if di + dj > 2 and group_lexical is not None:
            # pairwise sums count an anchor twice when it recurs in two cues of one side ("Emo ... Emo");
            # for the links that could win, score the merged texts instead
            for i, k in zip(*np.nonzero(possible & (overlap >= 0.3))):
                j = int(cols[i, k])
                lexical[i, k] = group_lexical(int(i) - di, int(i), j - dj, j)
        feats = {
            "possible": possible,
            "overlap": overlap,
            "length": length_probability(s_len[i1] - s_len[i0], t_len[j1] - t_len[j0], model),
            # per unit of link size: merging two links must not add up their anchors for free
            "lexical": 1.0 - np.exp(-lexical / ((di + dj) / 2)),
        }
        if sim is not None:
            num = sum(best_s[x] * _chars_at(s_chars, rows - 1 - x) for x in range(di))
            num = num + sum(best_t[y] * _chars_at(t_chars, cols - 1 - y) for y in range(dj))
            den = (s_len[i1] - s_len[i0]) + (t_len[j1] - t_len[j0])
            feats["similarity"] = np.clip(num / np.maximum(den, 1.0), 0.0, 1.0)
        out[(di, dj)] = feats
    return out


def _span(iv: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Durations of cues `idx` (at least 1 ms, so an instantaneous cue is never divided by zero)."""
    return np.maximum(iv[np.clip(idx, 0, len(iv) - 1), 1] - iv[np.clip(idx, 0, len(iv) - 1), 0], 1.0)


def _chars_at(chars: np.ndarray, idx: np.ndarray) -> np.ndarray:
    ok = (idx >= 0) & (idx < len(chars))
    return np.where(ok, chars[np.clip(idx, 0, len(chars) - 1)], 0.0)
