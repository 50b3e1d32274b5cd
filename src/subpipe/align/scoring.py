"""Scoring the moves of the alignment lattice: the features and the gain of every candidate link.

For every band cell and move type (see `subpipe.align.lattice`), the link the move makes is scored on
time overlap after the fit, length agreement (Gale-Church, with a prior learnt from the pair's own
confident 1:1 matches), shared lexical anchors (`subpipe.align.anchors`) and, when given, a
translation similarity. The weighted mean of the features is the link's quality; its gain is
``(s + t) / 2 * (quality - threshold)`` minus the prior cost of the move type.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from subpipe.align.anchors import (
    _CueText,
    _glossary_index,
    cue_text_features,
    lexical_match,
    merge_text_features,
)
from subpipe.align.lattice import LINK_TYPES, Band
from subpipe.align.timeline import Transform, best_matches
from subpipe.cues import Cue

Similarity = Callable[[str, str], float]

# Prior cost of each link type, in units of link gain: bigger groups must earn their keep, otherwise
# jittered boundaries would make merging two good 1:1 links look slightly better than keeping them.
TYPE_COST = {(1, 1): 0.0, (1, 2): 0.06, (2, 1): 0.06, (2, 2): 0.3, (1, 3): 0.2, (3, 1): 0.2}
NEAR_MS = 5_000  # lexical anchors and similarity are computed for cue pairs this close after the fit


@dataclass
class LengthModel:
    """Gale-Church length prior: target chars ~ ratio * source chars, variance `variance` per char."""

    ratio: float = 1.0
    variance: float = 6.8
    learnt_from: int = 0



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
class Side:
    """One track's cues as the scorer reads them: intervals on the source clock and text anchors."""

    cues: list[Cue]
    intervals: np.ndarray  # (n, 2) start and end in ms, end never before start
    texts: list[_CueText]

    @property
    def chars(self) -> np.ndarray:
        return np.array([f.chars for f in self.texts], dtype=np.float64)


def read_sides(src: list[Cue], tgt: list[Cue], transform: Transform,
               glossary: Iterable[tuple[str, str]] | None) -> tuple[Side, Side]:
    """Both tracks' intervals (the target's mapped through `transform`) and anchors (glossary included)."""
    s_iv = np.array([(c.start, max(c.end, c.start)) for c in src], dtype=np.float64)
    t_iv = np.array(transform.map_intervals([c.start for c in tgt], [max(c.end, c.start) for c in tgt]),
                    dtype=np.float64).reshape(-1, 2)
    gloss = None
    if glossary:
        g_src, g_tgt, longest = _glossary_index(list(glossary))
        gloss = ((g_src, longest), (g_tgt, longest))
    s_txt = [cue_text_features(c.plain, gloss[0] if gloss else None) for c in src]
    t_txt = [cue_text_features(c.plain, gloss[1] if gloss else None) for c in tgt]
    return Side(src, s_iv, s_txt), Side(tgt, t_iv, t_txt)


@dataclass
class PairTables:
    """Lexical match (and similarity) of each source cue a with target cues ``p_lo[a] + k``, k < pw."""

    p_lo: np.ndarray
    pw: int
    lex: np.ndarray
    sim: np.ndarray | None


def pair_tables(s: Side, t: Side, bands: Band, similarity: Similarity | None) -> PairTables:
    """Scores of the cue pairs any move in the band can link and that lie within `NEAR_MS` in time."""
    n, m = len(s.cues), len(t.cues)
    s_iv, t_iv = s.intervals, t.intervals
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
    # the same bounds and tests as cue by cue, computed at once and read as plain numbers
    firsts = np.searchsorted(t_start_sorted, s_iv[:, 0] - NEAR_MS - longest_t).tolist()
    lasts = np.searchsorted(t_start_sorted, s_iv[:, 1] + NEAR_MS, side="right").tolist()
    near = (s_iv[:, 0] - NEAR_MS).tolist()
    t_end, order_l, p_lo_l = t_iv[:, 1].tolist(), order.tolist(), p_lo.tolist()
    for a in range(n):
        for b in order_l[firsts[a] : lasts[a]]:
            k = b - p_lo_l[a]
            if not 0 <= k < pw or t_end[b] < near[a]:
                continue
            lex[a, k] = lexical_match(s.texts[a], t.texts[b])
            if sim is not None:
                pair = (s.cues[a].plain, t.cues[b].plain)
                if pair not in sim_cache:
                    sim_cache[pair] = float(np.clip(similarity(*pair), 0.0, 1.0))
                sim[a, k] = sim_cache[pair]
    return PairTables(p_lo, pw, lex, sim)


def fit_length_model(s: Side, t: Side) -> LengthModel:
    """The Gale-Church prior learnt from the pair's best 1:1 time matches."""
    order = np.argsort(t.intervals[:, 0], kind="stable")
    si, tj, _ = best_matches(s.intervals, t.intervals[order])
    return learn_length_model(s.chars[si], t.chars[order[tj]])


def group_lexical_scorer(s: Side, t: Side) -> Callable[[int, int, int, int], float]:
    """``score(i0, i1, j0, j1)``: lexical match of source cues i0..i1-1 read as one text with target
    cues j0..j1-1 read as one (merged anchors kept per group, as many groups share their cues)."""
    s_groups: dict[tuple[int, int], _CueText] = {}
    t_groups: dict[tuple[int, int], _CueText] = {}

    def group_lexical(i0: int, i1: int, j0: int, j1: int) -> float:
        # a group of one cue is that cue's own text (merging one text would only copy it)
        a = s.texts[i0] if i1 - i0 == 1 else s_groups.get((i0, i1))
        if a is None:
            a = s_groups[(i0, i1)] = merge_text_features(s.texts[i0:i1])
        b = t.texts[j0] if j1 - j0 == 1 else t_groups.get((j0, j1))
        if b is None:
            b = t_groups[(j0, j1)] = merge_text_features(t.texts[j0:j1])
        return lexical_match(a, b)

    return group_lexical


@dataclass
class MoveScores:
    """Everything the lattice needs, and the features each link reports."""

    band: Band
    features: dict[tuple[int, int], dict[str, np.ndarray]]  # move -> feature -> (n+1, W), "quality" included
    gains: dict[tuple[int, int], np.ndarray]  # move -> (n+1, W) gain, -inf where the move is impossible
    length_model: LengthModel
    with_similarity: bool


def score_moves(src: list[Cue], tgt: list[Cue], transform: Transform, *,
                glossary: Iterable[tuple[str, str]] | None, similarity: Similarity | None, half_width: int,
                weights: dict[str, float], threshold: float) -> MoveScores:
    """Features and gains of every move into every cell of the band around the fitted timeline.

    `src` and `tgt` are sorted by time (the target's on the source clock); `weights` holds every feature's.
    """
    s, t = read_sides(src, tgt, transform, glossary)
    bands = Band.around(s.intervals.mean(axis=1), t.intervals.mean(axis=1), half_width)
    tables = pair_tables(s, t, bands, similarity)
    model = fit_length_model(s, t)
    features = _move_features(s.intervals, t.intervals, s.chars, t.chars, tables.lex, tables.sim, tables.p_lo,
                              tables.pw, bands, model, group_lexical_scorer(s, t))
    with_similarity = tables.sim is not None
    gains = move_gains(features, weights, threshold, with_similarity)
    return MoveScores(bands, features, gains, model, with_similarity)


def move_gains(features: dict[tuple[int, int], dict[str, np.ndarray]], weights: dict[str, float], threshold: float,
               with_similarity: bool) -> dict[tuple[int, int], np.ndarray]:
    """Each move's gain from its features; adds each move's ``"quality"`` (weighted mean) to `features`."""
    use = {k: v for k, v in weights.items() if k != "similarity" or with_similarity}
    total_w = sum(use.values())
    gains = {}
    for mv, f in features.items():
        quality = sum(use[k] * f[k] for k in use) / total_w
        size = (mv[0] + mv[1]) / 2
        f["quality"] = quality
        gains[mv] = np.where(f["possible"], size * (quality - threshold) - TYPE_COST[mv], -np.inf)
    return gains


def _move_features(
    s_iv,
    t_iv,
    s_chars,
    t_chars,
    lex,
    sim,
    p_lo,
    pw,
    bands: Band,
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
        # the anchors each cue of the link shares with the other side (pairwise sums first)
        lex_s = [np.zeros(rows.shape) for _ in range(di)]
        lex_t = [np.zeros(rows.shape) for _ in range(dj)]
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
                shared = pair(lex, a, b)
                lex_s[x] += shared
                lex_t[y] += shared
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
            # a cue's pairwise sum counts an anchor twice when it recurs in two cues of the other side ("Emo
            # ... Emo"): for the links that could win, match such a cue against those cues read as one text
            # (never more than the sum, so a cue sharing nothing pairwise is skipped)
            candidates = possible & (overlap >= 0.3)
            for x in range(di if dj > 1 else 0):
                ii, kk = np.nonzero(candidates & (lex_s[x] > 0))
                lex_s[x][ii, kk] = [group_lexical(i - 1 - x, i - x, j - dj, j)
                                    for i, j in zip(ii.tolist(), cols[ii, kk].tolist())]
            for y in range(dj if di > 1 else 0):
                ii, kk = np.nonzero(candidates & (lex_t[y] > 0))
                lex_t[y][ii, kk] = [group_lexical(i - di, i, j - 1 - y, j - y)
                                    for i, j in zip(ii.tolist(), cols[ii, kk].tolist())]
        feats = {
            "possible": possible,
            "overlap": overlap,
            "length": length_probability(s_len[i1] - s_len[i0], t_len[j1] - t_len[j0], model),
            # the mean over the link's cues of each one's saturating anchor score, like the overlap: one
            # score of the merged texts would be concave in their sum, so merging a 1:1 link rich in
            # anchors with a poor neighbour would gain for free (Elephants Dream: "No!"/"Nein!" swallowed
            # by the next pair, which shares the name Proog)
            "lexical": (sum(1.0 - np.exp(-v) for v in lex_s) + sum(1.0 - np.exp(-v) for v in lex_t)) / (di + dj),
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
